package app

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"revolver/agreement"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/store"
)

// Kinds of actions that wait for a second person's approval (besides
// advances above the threshold and certificates, which have their own, and
// the requests to end events of default, which are fact records:
// endings.go; back-valued repayments are PendingRepayment). Pending actions of kind event_of_default and waiver were
// made by an earlier version; none is made now, and deciding one records
// the default or the waiver as facts.
const (
	PendingAmendment      = "amendment"
	PendingEventOfDefault = "event_of_default"
	PendingWaiver         = "waiver"
)

// AmendmentFile is an amendment's YAML file.
type AmendmentFile struct {
	Name    string `json:"name"`
	Content string `json:"content"`
	// Previewed, when given, is the SHA-256 (hex) of the content as
	// previewed (PreviewDraft): the request is refused if the content is
	// not exactly what was previewed.
	Previewed string `json:"previewed_sha256,omitempty"`
}

var fileNameRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}\.ya?ml$`)

func accounts(s store.Store) (store.Accounts, error) {
	a, ok := s.(store.Accounts)
	if !ok {
		return nil, fmt.Errorf("the store %T does not keep approvals", s)
	}
	return a, nil
}

// checkAmendment parses the facility's stored agreement files with the
// amendment added.
func (s *Service) checkAmendment(ctx context.Context, facility string, a AmendmentFile) (date.Date, error) {
	if !fileNameRe.MatchString(a.Name) || filepath.Base(a.Name) != a.Name {
		return 0, store.Errorf(store.CodeInvalid, "amendment file name %q: expected a plain file name ending in .yaml", a.Name)
	}
	docs, err := s.Store.Documents(ctx, facility)
	if err != nil {
		return 0, err
	}
	var files []agreement.File
	for _, d := range docs {
		if d.Kind != DocAgreement && d.Kind != DocAmendment {
			continue
		}
		if d.ID == a.Name {
			return 0, store.Errorf(store.CodeConflict, "facility %q already has a document %s", facility, a.Name)
		}
		full, err := s.Store.Document(ctx, facility, d.ID)
		if err != nil {
			return 0, err
		}
		files = append(files, agreement.NewFile(d.ID, full.Content))
	}
	files = append(files, agreement.NewFile(a.Name, []byte(a.Content)))
	fac, err := agreement.Parse(files)
	if err != nil {
		return 0, store.Errorf(store.CodeInvalid, "%v", err)
	}
	if eff, ok := changesFile(fac, a.Name); ok {
		return eff, nil
	}
	return 0, store.Errorf(store.CodeInvalid, "%s is not an amendment, waiver or restatement file (revolver: amendment/1, waiver/1 or restatement/1)", a.Name)
}

// changesFile is the effective date of the file of an amendment, a
// restatement or a waiver letter: the documents that change a facility's
// terms after its agreement, each stored as a document of kind amendment.
func changesFile(fac *agreement.Facility, name string) (date.Date, bool) {
	if i := slices.IndexFunc(fac.Amendments, func(x *agreement.Amendment) bool { return x.File == name }); i >= 0 {
		return fac.Amendments[i].Effective, true
	}
	if i := slices.IndexFunc(fac.Waivers, func(x *agreement.WaiverLetter) bool { return x.File == name }); i >= 0 {
		return fac.Waivers[i].Effective, true
	}
	return 0, false
}

// RequestAmendment validates an amendment, a waiver letter or a
// restatement against the facility's agreement and stores it for approval;
// approved (DecidePending), it is a document of the facility from then.
func (s *Service) RequestAmendment(ctx context.Context, facility string, a AmendmentFile, by string) (store.Pending, error) {
	ctx = named(ctx, OpRequestAmendment)
	if err := authorize(ctx, ActRequestAmendment, facility); err != nil {
		return store.Pending{}, err
	}
	by = requester(ctx, by)
	if a.Previewed != "" && !strings.EqualFold(a.Previewed, DraftSHA256(a.Content)) {
		return store.Pending{}, store.Errorf(store.CodeInvalid, "%s: its content is not the draft previewed (SHA-256 %s, found %s): preview it again", a.Name, a.Previewed, DraftSHA256(a.Content))
	}
	if _, err := s.checkAmendment(ctx, facility, a); err != nil {
		return store.Pending{}, err
	}
	payload, _ := json.Marshal(a)
	return s.createPending(ctx, store.Pending{Facility: facility, Kind: PendingAmendment, Payload: payload, RequestedBy: by, RequestedAt: s.now()})
}

func (s *Service) createPending(ctx context.Context, p store.Pending) (store.Pending, error) {
	err := s.update(ctx, p.Facility, func(tx store.Tx) error {
		var err error
		p, err = tx.CreatePending(p)
		return err
	})
	return p, err
}

// DecidePending approves (carrying the action out in the same store
// transaction as the decision: the amendment is stored as a document of the
// facility; an event of default or waiver of an earlier version is recorded
// as facts) or rejects a pending action. The decider must not be its
// requester.
func (s *Service) DecidePending(ctx context.Context, facility string, id int64, approve bool, by, comment string) (before, after store.Pending, err error) {
	ctx = named(ctx, map[bool]Op{true: OpApprovePending, false: OpRejectPending}[approve])
	if err := authorize(ctx, ActDecidePending, facility); err != nil {
		return before, after, err
	}
	by = requester(ctx, by)
	acc, err := accounts(s.Store)
	if err != nil {
		return before, after, err
	}
	p, err := acc.Pending(ctx, id)
	if err != nil {
		return p, p, err
	}
	if p.Facility != facility {
		return p, p, store.Errorf(store.CodeNotFound, "pending action %d not found", id)
	}
	check := func(p store.Pending) error {
		if p.Status != store.PendingRequested {
			return store.Errorf(store.CodeConflict, "pending action %d is already %s", id, p.Status)
		}
		if by == "" || by == p.RequestedBy {
			return store.Errorf(store.CodeForbidden, "pending %s %d was requested by %s: someone else must decide it", p.Kind, id, p.RequestedBy)
		}
		return nil
	}
	if err := check(p); err != nil {
		return p, p, err
	}
	status := store.PendingRejected
	var doc *store.Document
	var post *ledger.Transaction // an approved back-valued repayment
	var facts []store.FactRecord
	if !approve {
		if comment == "" {
			return p, p, store.Errorf(store.CodeInvalid, "reject pending action %d: a comment saying why is required", id)
		}
	} else {
		status = store.PendingApproved
		doc = &store.Document{Facility: facility, RecordedBy: by, RecordedAt: s.now()}
		switch p.Kind {
		case PendingAmendment:
			var a AmendmentFile
			if err := json.Unmarshal(p.Payload, &a); err != nil {
				return p, p, err
			}
			eff, err := s.checkAmendment(ctx, facility, a)
			if err != nil {
				return p, p, err
			}
			doc.ID, doc.Kind, doc.Effective, doc.Content = a.Name, DocAmendment, eff, []byte(a.Content)
		case PendingEventOfDefault, PendingWaiver:
			var r DefaultRecord
			if err := json.Unmarshal(p.Payload, &r); err != nil {
				return p, p, err
			}
			doc = nil
			if facts, err = s.legacyPendingFacts(ctx, p, r, by); err != nil {
				return p, p, err
			}
		case PendingRepayment:
			t, err := s.repaymentCorrection(ctx, facility, p.Payload)
			if err != nil {
				return p, p, err
			}
			doc, post = nil, &t
		default:
			return p, p, store.Errorf(store.CodeInvalid, "pending action %d: unknown kind %q", id, p.Kind)
		}
	}
	err = s.update(ctx, facility, func(tx store.Tx) error {
		cur, err := tx.Pending(id)
		if err != nil {
			return err
		}
		if err := check(cur); err != nil {
			return err
		}
		p = cur
		if after, err = tx.DecidePending(id, status, by, comment, s.now()); err != nil {
			return err
		}
		if doc != nil {
			if _, _, err := tx.PutDocument(*doc); err != nil {
				return fmt.Errorf("pending action %d: storing %s: %w", id, doc.ID, err)
			}
		}
		if post != nil {
			if err := checkBalances(tx, *post); err != nil {
				return err
			}
			if _, err := tx.Post(*post); err != nil {
				return fmt.Errorf("pending action %d: posting %s: %w", id, post.Key, err)
			}
		}
		for _, f := range facts {
			if _, _, err := tx.AddFactRecord(f); err != nil {
				return fmt.Errorf("pending action %d: recording %s: %w", id, f.Kind, err)
			}
		}
		return nil
	})
	if err != nil {
		return p, p, err
	}
	if doc != nil {
		if st, ok := s.Terms.(*StoredTerms); ok {
			st.Invalidate(facility)
		}
	}
	return p, after, nil
}

// legacyPendingFacts are the fact records that carry out an approved
// pending action of an earlier version: an event of default recorded as
// occurred on its date (by its requester), or a waiver, requested and
// approved by the two, of each recorded event of that kind continuing on
// its date.
func (s *Service) legacyPendingFacts(ctx context.Context, p store.Pending, r DefaultRecord, by string) ([]store.FactRecord, error) {
	now := s.now()
	key := fmt.Sprintf("pending-%d", p.ID)
	if p.Kind == PendingEventOfDefault {
		desc := r.Note
		if desc == "" {
			desc = fmt.Sprintf("recorded through the approvals (pending action %d)", p.ID)
		}
		b, _ := json.Marshal(defaults.DefaultRecord{Event: r.Event, Occurred: r.Date, Description: desc, RecordedBy: p.RequestedBy})
		return []store.FactRecord{{Facility: p.Facility, Key: key, Kind: store.FactDefault, Subject: r.Event, On: r.Date, Body: b, RecordedBy: by, RecordedAt: now}}, nil
	}
	rep, err := s.DefaultsReport(ctx, p.Facility, r.Date)
	if err != nil {
		return nil, err
	}
	var out []store.FactRecord
	for _, d := range rep.Defaults {
		if d.Event != r.Event || !d.Continuing {
			continue
		}
		a := ActionBody{Action: defaults.Action{Default: d.ID, Kind: defaults.ActionWaiver, Date: r.Date, Note: r.Note,
			Waiver: &defaults.Waiver{Written: true, RequestedBy: p.RequestedBy, ApprovedBy: by,
				Legacy: fmt.Sprintf("approved through the approvals as pending action %d, before waivers named the agreement", p.ID)}}}
		b, _ := json.Marshal(a)
		out = append(out, store.FactRecord{Facility: p.Facility, Key: key + ":" + d.ID, Kind: store.FactDefaultAction, Subject: d.ID, On: r.Date, Body: b, RecordedBy: by, RecordedAt: now})
	}
	if len(out) == 0 {
		return nil, store.Errorf(store.CodeConflict, "pending waiver %d: no event of default %q continues on %s", p.ID, r.Event, r.Date)
	}
	return out, nil
}
