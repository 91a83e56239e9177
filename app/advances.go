package app

import (
	"context"
	"encoding/json"
	"fmt"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Settings are the operational settings kept with a facility.
type Settings struct {
	// MakerCheckerThreshold: an advance above it needs the approval of
	// someone other than its requester; nil: no approval needed.
	MakerCheckerThreshold *money.Amount `json:"maker_checker_threshold,omitempty"`
	// CertificateMoveShare: a certificate whose borrowing base moves by
	// more than this share from the previous approved one is submitted
	// with a warning; nil: DefaultCertificateMoveShare.
	CertificateMoveShare *money.Rate `json:"certificate_move_warning_share,omitempty"`
}

// ParseSettings reads a facility's settings JSON.
func ParseSettings(f store.Facility) (Settings, error) {
	var st Settings
	if len(f.Settings) == 0 {
		return st, nil
	}
	if err := json.Unmarshal(f.Settings, &st); err != nil {
		return st, store.Errorf(store.CodeInvalid, "facility %q settings: %v", f.Slug, err)
	}
	return st, nil
}

// fund checks availability and posts the advance tr inside tx.
func fund(tx store.Tx, terms FacilityTerms, tr ledger.Transaction) (store.Posted, *ledger.Availability, error) {
	l, err := Limits(tx, terms, tr.ValueDate)
	if err != nil {
		return store.Posted{}, nil, err
	}
	loans, err := LoansOutstanding(tx, tr.ValueDate)
	if err != nil {
		return store.Posted{}, nil, err
	}
	a := ledger.ComputeAvailability(l, loans)
	if err := ledger.CheckAdvance(l, loans, tr.Postings[0].Amount, tr.ValueDate); err != nil {
		return store.Posted{}, &a, err
	}
	p, err := tx.Post(tr)
	return p, &a, err
}

// RequestInput is a borrower's request for an advance.
type RequestInput struct {
	Facility  string
	Key       string
	Amount    money.Amount
	ValueDate date.Date
	By        string
}

// RequestAdvance records a request for an advance. Up to the facility's
// maker-checker threshold (or with none set) the advance is checked and
// funded at once, in the same store transaction; above it the request
// waits for ApproveAdvance. Retried with the same key and content it
// returns the stored request; a refused advance stores nothing.
func (s *Service) RequestAdvance(ctx context.Context, in RequestInput) (store.AdvanceRequest, error) {
	if err := authorize(ctx, ActRequestAdvance, in.Facility); err != nil {
		return store.AdvanceRequest{}, err
	}
	in.By = requester(ctx, in.By)
	tr, err := ledger.Advance(ledger.Ref{Facility: in.Facility, Key: in.Key, ValueDate: in.ValueDate}, in.Amount)
	if err != nil {
		return store.AdvanceRequest{}, err
	}
	terms, err := s.Terms.Terms(ctx, in.Facility, in.ValueDate)
	if err != nil {
		return store.AdvanceRequest{}, fmt.Errorf("advance request %q: terms of %q as of %s: %w", in.Key, in.Facility, in.ValueDate, err)
	}
	req := store.AdvanceRequest{Facility: in.Facility, Key: in.Key, Amount: in.Amount, ValueDate: in.ValueDate,
		Status: store.AdvanceRequested, RequestedBy: in.By, RequestedAt: s.now()}
	var out store.AdvanceRequest
	err = s.update(ctx, in.Facility, func(tx store.Tx) error {
		st, err := ParseSettings(tx.Facility())
		if err != nil {
			return err
		}
		if st.MakerCheckerThreshold == nil || in.Amount <= *st.MakerCheckerThreshold {
			if old, ok, err := tx.Lookup(in.Key); err != nil {
				return err
			} else if ok {
				if old.Hash() != tr.Hash() {
					return store.Errorf(store.CodeIdempotencyMismatch, "idempotency key %q of facility %q was used for transaction %d with other content", in.Key, in.Facility, old.ID)
				}
				req.Status, req.Transaction = store.AdvanceFunded, old.ID
			} else {
				p, _, err := fund(tx, terms, tr)
				if err != nil {
					return err
				}
				req.Status, req.Transaction = store.AdvanceFunded, p.Transaction.ID
			}
		}
		out, _, err = tx.AddAdvanceRequest(req)
		return err
	})
	return out, err
}

// ApproveAdvance approves a requested advance and funds it if it fits
// availability on its value date, in one store transaction. The approver
// must not be the requester (maker-checker). A retried approval by the
// same approver returns the funded request.
func (s *Service) ApproveAdvance(ctx context.Context, facility string, id int64, by string) (store.AdvanceRequest, error) {
	if err := authorize(ctx, ActDecideAdvance, facility); err != nil {
		return store.AdvanceRequest{}, err
	}
	by = requester(ctx, by)
	var out store.AdvanceRequest
	err := s.update(ctx, facility, func(tx store.Tx) error {
		r, err := tx.AdvanceRequest(id)
		if err != nil {
			return err
		}
		if r.Status == store.AdvanceFunded && r.DecidedBy == by {
			out = r
			return nil
		}
		if r.Status != store.AdvanceRequested {
			return store.Errorf(store.CodeConflict, "advance request %d is already %s", id, r.Status)
		}
		if by == "" || by == r.RequestedBy {
			return store.Errorf(store.CodeForbidden, "advance request %d of %s: the approver must be someone other than the requester %q", id, r.Amount.Grouped(), r.RequestedBy)
		}
		terms, err := s.Terms.Terms(ctx, facility, r.ValueDate)
		if err != nil {
			return fmt.Errorf("approve advance %d: terms of %q as of %s: %w", id, facility, r.ValueDate, err)
		}
		tr, err := ledger.Advance(ledger.Ref{Facility: facility, Key: r.Key, ValueDate: r.ValueDate}, r.Amount)
		if err != nil {
			return err
		}
		p, _, err := fund(tx, terms, tr)
		if err != nil {
			return err
		}
		out, err = tx.DecideAdvanceRequest(id, store.AdvanceDecision{Status: store.AdvanceFunded, By: by, At: s.now(), Transaction: p.Transaction.ID})
		return err
	})
	return out, err
}

// RejectAdvance rejects a requested advance, saying why. The rejecter
// must not be the requester (maker-checker). A retried rejection by the
// same person returns the rejected request.
func (s *Service) RejectAdvance(ctx context.Context, facility string, id int64, by, comment string) (store.AdvanceRequest, error) {
	if err := authorize(ctx, ActDecideAdvance, facility); err != nil {
		return store.AdvanceRequest{}, err
	}
	by = requester(ctx, by)
	if comment == "" {
		return store.AdvanceRequest{}, store.Errorf(store.CodeInvalid, "reject advance request %d: a comment saying why is required", id)
	}
	var out store.AdvanceRequest
	err := s.update(ctx, facility, func(tx store.Tx) error {
		r, err := tx.AdvanceRequest(id)
		if err != nil {
			return err
		}
		if r.Status == store.AdvanceRejected && r.DecidedBy == by {
			out = r
			return nil
		}
		if r.Status == store.AdvanceRequested && (by == "" || by == r.RequestedBy) {
			return store.Errorf(store.CodeForbidden, "advance request %d: someone other than its requester must decide it", id)
		}
		out, err = tx.DecideAdvanceRequest(id, store.AdvanceDecision{Status: store.AdvanceRejected, By: by, At: s.now(), Comment: comment})
		return err
	})
	return out, err
}
