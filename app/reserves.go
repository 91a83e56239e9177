package app

import (
	"context"
	"regexp"
	"slices"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Lender reserves (docs/reserves.md) are the reserves a lender sets in its
// discretion, besides those of the terms: each is a store record with a
// reason, in force only once a second lender approves it (maker-checker,
// as amendments and the ends of events of default are), and released by a
// new record ending it from a date, never by an edit. Availability on a
// date deducts the lender reserves in force on it as known at the time
// asked: a reserve approved today does not change yesterday's availability
// as known yesterday.

// Statuses of a lender reserve (as known at a time).
const (
	ReservePending  = "pending"  // set, waiting for a second lender's approval
	ReserveApproved = "approved" // approved: in force on the dates it covers
	ReserveReleased = "released" // released before it was approved (withdrawn)
)

// Kinds of lender reserves: a fixed amount, or an availability block
// (a fixed amount under the line).
var lenderReserveKinds = []string{"fixed", agreement.AvailabilityBlock}

// Placements of lender reserves: off a component's availability (and so
// off the borrowing base by the same amount), off the borrowing base, or
// off availability under the line.
var lenderReservePlacements = []string{agreement.PlaceComponent, agreement.PlaceBorrowingBase, agreement.PlaceLine}

var reserveIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ReserveInput is a lender reserve as set.
type ReserveInput struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`      // fixed or availability_block
	Placement string       `json:"placement"` // component, borrowing_base or line
	Component string       `json:"component,omitempty"`
	Amount    money.Amount `json:"amount"`
	From      date.Date    `json:"from"`
	Until     date.Date    `json:"until,omitzero"` // the last day in force (0: open)
	Reason    string       `json:"reason"`
	By        string       `json:"by,omitempty"` // the command line's user; a person's own name otherwise
}

// LenderReserve is a lender reserve as known at a time: what was set, by
// whom and when, its approval and its release.
type LenderReserve struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	Placement string       `json:"placement"`
	Component string       `json:"component,omitempty"`
	Amount    money.Amount `json:"amount"`
	From      date.Date    `json:"from"`
	// Until is the last day in force: the set record's, or the release's
	// when earlier (0: open).
	Until      date.Date  `json:"until,omitzero"`
	Reason     string     `json:"reason"`
	Status     string     `json:"status"` // pending, approved, released
	SetBy      string     `json:"set_by"`
	RecordedAt time.Time  `json:"recorded_at"`
	ApprovedBy string     `json:"approved_by,omitempty"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	// Release, when a lender has released it.
	ReleasedBy    string     `json:"released_by,omitempty"`
	ReleasedAt    *time.Time `json:"released_at,omitempty"`
	ReleaseReason string     `json:"release_reason,omitempty"`
}

// InForce reports whether the reserve is approved and covers d.
func (r LenderReserve) InForce(d date.Date) bool {
	return r.Status == ReserveApproved && r.From <= d && (r.Until == 0 || d <= r.Until)
}

// ledger is the reserve as availability deducts it.
func (r LenderReserve) ledger() ledger.Reserve {
	return ledger.Reserve{ID: r.ID, Source: "lender", Kind: r.Kind, Placement: r.Placement, Component: r.Component, Amount: r.Amount,
		Why: r.Reason + " (set by " + r.SetBy + ", approved by " + r.ApprovedBy + ")"}
}

// lenderReserves reads the reserve records as known at knownAt (recorded
// at or before it) into reserves, in the order set.
func lenderReserves(recs []store.ReserveRecord, knownAt time.Time) []LenderReserve {
	var out []LenderReserve
	idx := map[string]int{}
	for _, r := range recs {
		if r.RecordedAt.After(knownAt) {
			continue
		}
		at := r.RecordedAt
		i, ok := idx[r.ReserveID]
		switch r.Action {
		case store.ReserveSet:
			if ok {
				continue // refused by SetReserve; never read twice
			}
			idx[r.ReserveID] = len(out)
			out = append(out, LenderReserve{ID: r.ReserveID, Kind: r.Kind, Placement: r.Placement, Component: r.Component, Amount: r.Amount,
				From: r.From, Until: r.Until, Reason: r.Reason, Status: ReservePending, SetBy: r.RecordedBy, RecordedAt: at})
		case store.ReserveApprove:
			if ok && out[i].Status == ReservePending {
				out[i].Status, out[i].ApprovedBy, out[i].ApprovedAt = ReserveApproved, r.RecordedBy, &at
			}
		case store.ReserveRelease:
			if !ok || out[i].ReleasedAt != nil {
				continue
			}
			x := &out[i]
			x.ReleasedBy, x.ReleasedAt, x.ReleaseReason = r.RecordedBy, &at, r.Reason
			if x.Until == 0 || r.Until < x.Until {
				x.Until = r.Until
			}
			if x.Status == ReservePending {
				x.Status = ReserveReleased
			}
		}
	}
	return out
}

// reserveRecords reads the facility's reserve records (none from a store
// without them).
func (s *Service) reserveRecords(ctx context.Context, facility string) ([]store.ReserveRecord, error) {
	return s.Store.ReserveRecords(ctx, facility)
}

// Reserves lists a facility's lender reserves as known at knownAt (zero:
// now); with on (not 0), only those in force on that date.
func (s *Service) Reserves(ctx context.Context, facility string, on date.Date, knownAt time.Time) ([]LenderReserve, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	if knownAt.IsZero() {
		knownAt = store.Everything
	}
	recs, err := s.reserveRecords(ctx, facility)
	if err != nil {
		return nil, err
	}
	all := lenderReserves(recs, knownAt)
	if on == 0 {
		return all, nil
	}
	var out []LenderReserve
	for _, r := range all {
		if r.InForce(on) {
			out = append(out, r)
		}
	}
	return out, nil
}

// SetReserve records a lender reserve, pending a second lender's
// approval. Refused (nothing stored): an id already used, an unknown kind
// or placement, a component reserve naming no component of the terms, an
// amount not above zero, no reason, no start date, an end before the
// start.
func (s *Service) SetReserve(ctx context.Context, facility string, in ReserveInput) (LenderReserve, error) {
	ctx = named(ctx, OpSetReserve)
	if err := authorize(ctx, ActSetReserve, facility); err != nil {
		return LenderReserve{}, err
	}
	by := requester(ctx, in.By)
	in, err := s.checkReserve(ctx, facility, in, by)
	if err != nil {
		return LenderReserve{}, err
	}
	var out LenderReserve
	err = s.update(ctx, facility, func(tx store.Tx) error {
		var err error
		out, err = s.addReserve(tx, facility, in, by)
		return err
	})
	return out, err
}

// checkReserve is SetReserve's check of a reserve before its transaction
// (the input with its defaults filled in): also run for a field exam
// finding disposed of by a reserve.
func (s *Service) checkReserve(ctx context.Context, facility string, in ReserveInput, by string) (ReserveInput, error) {
	if in.Placement == "" && in.Kind == agreement.AvailabilityBlock {
		in.Placement = agreement.PlaceLine
	}
	if in.Kind == "" {
		in.Kind = "fixed"
	}
	switch {
	case !reserveIDRe.MatchString(in.ID):
		return in, store.Errorf(store.CodeInvalid, "reserve id %q: expected lower-case letters, digits, '-' and '_' (at most 63)", in.ID)
	case !slices.Contains(lenderReserveKinds, in.Kind):
		return in, store.Errorf(store.CodeInvalid, "reserve %s: kind %q; expected fixed or availability_block", in.ID, in.Kind)
	case !slices.Contains(lenderReservePlacements, in.Placement):
		return in, store.Errorf(store.CodeInvalid, "reserve %s: placement %q; expected component, borrowing_base or line", in.ID, in.Placement)
	case in.Kind == agreement.AvailabilityBlock && in.Placement != agreement.PlaceLine:
		return in, store.Errorf(store.CodeInvalid, "reserve %s: an availability block is placed at the line, not %s", in.ID, in.Placement)
	case in.Placement == agreement.PlaceComponent && in.Component == "":
		return in, store.Errorf(store.CodeInvalid, "reserve %s: placement component needs the component", in.ID)
	case in.Placement != agreement.PlaceComponent && in.Component != "":
		return in, store.Errorf(store.CodeInvalid, "reserve %s: component %q given for placement %s", in.ID, in.Component, in.Placement)
	case in.Amount <= 0 || in.Amount > money.MaxAmount:
		return in, store.Errorf(store.CodeInvalid, "reserve %s: amount %s; expected an amount above 0.00", in.ID, in.Amount)
	case in.Reason == "":
		return in, store.Errorf(store.CodeInvalid, "reserve %s: a reason is required", in.ID)
	case in.From == 0:
		return in, store.Errorf(store.CodeInvalid, "reserve %s: the date it is in force from is required", in.ID)
	case in.Until != 0 && in.Until < in.From:
		return in, store.Errorf(store.CodeInvalid, "reserve %s: until %s is before from %s", in.ID, in.Until, in.From)
	case by == "":
		return in, store.Errorf(store.CodeInvalid, "reserve %s: who sets it is required", in.ID)
	}
	if in.Placement == agreement.PlaceComponent {
		if err := s.checkComponent(ctx, facility, in.From, in.Component); err != nil {
			return in, err
		}
	}
	return in, nil
}

// addReserve stores a checked reserve inside tx (a conflict when its id is
// used already).
func (s *Service) addReserve(tx store.Tx, facility string, in ReserveInput, by string) (LenderReserve, error) {
	recs, err := tx.ReserveRecords()
	if err != nil {
		return LenderReserve{}, err
	}
	for _, r := range recs {
		if r.ReserveID == in.ID {
			return LenderReserve{}, store.Errorf(store.CodeConflict, "reserve %s already exists (set by %s at %s); release it and set a new one", in.ID, r.RecordedBy, r.RecordedAt.UTC().Format(time.RFC3339))
		}
	}
	r, err := tx.AddReserveRecord(store.ReserveRecord{Facility: facility, ReserveID: in.ID, Action: store.ReserveSet, Kind: in.Kind,
		Placement: in.Placement, Component: in.Component, Amount: in.Amount, From: in.From, Until: in.Until, Reason: in.Reason,
		RecordedBy: by, RecordedAt: s.now()})
	if err != nil {
		return LenderReserve{}, err
	}
	return findReserve(append(recs, r), in.ID)
}

// checkComponent refuses a component that is not one of the terms'
// borrowing base components on d (when the terms are the stored ones).
func (s *Service) checkComponent(ctx context.Context, facility string, d date.Date, id string) error {
	st, ok := s.Terms.(*StoredTerms)
	if !ok {
		return nil
	}
	t, _, err := st.termsOnlyAt(ctx, facility, d, s.every(time.Time{}))
	if err != nil {
		return err
	}
	var ids []string
	for _, k := range t.BorrowingBase.Components {
		if k.ID == id {
			return nil
		}
		ids = append(ids, k.ID)
	}
	return store.Errorf(store.CodeInvalid, "reserve component %q: not a component of the borrowing base on %s (%v)", id, d, ids)
}

// ApproveReserve is a second lender's approval of a pending reserve: from
// then on it is in force on the dates it covers. Refused: the one who set
// it, a reserve not pending.
func (s *Service) ApproveReserve(ctx context.Context, facility, id, by string) (LenderReserve, error) {
	ctx = named(ctx, OpApproveReserve)
	if err := authorize(ctx, ActDecideReserve, facility); err != nil {
		return LenderReserve{}, err
	}
	by = requester(ctx, by)
	var out LenderReserve
	err := s.update(ctx, facility, func(tx store.Tx) error {
		recs, err := tx.ReserveRecords()
		if err != nil {
			return err
		}
		r, err := findReserve(recs, id)
		if err != nil {
			return err
		}
		switch {
		case r.Status != ReservePending:
			return store.Errorf(store.CodeConflict, "reserve %s is %s, not pending", id, r.Status)
		case by == "":
			return store.Errorf(store.CodeInvalid, "reserve %s: who approves it is required", id)
		case by == r.SetBy:
			return store.Errorf(store.CodeForbidden, "reserve %s was set by %s, who may not approve it: a second lender must", id, by)
		}
		rec, err := tx.AddReserveRecord(store.ReserveRecord{Facility: facility, ReserveID: id, Action: store.ReserveApprove, RecordedBy: by, RecordedAt: s.now()})
		if err != nil {
			return err
		}
		out, err = findReserve(append(recs, rec), id)
		return err
	})
	return out, err
}

// ReleaseReserve ends a reserve: until is the last day it is in force (it
// may end it before it started: from − 1). A reason is required; the
// reserve is not edited, a release record is added. A pending reserve
// released is withdrawn.
func (s *Service) ReleaseReserve(ctx context.Context, facility, id string, until date.Date, reason, by string) (LenderReserve, error) {
	ctx = named(ctx, OpReleaseReserve)
	if err := authorize(ctx, ActSetReserve, facility); err != nil {
		return LenderReserve{}, err
	}
	by = requester(ctx, by)
	var out LenderReserve
	err := s.update(ctx, facility, func(tx store.Tx) error {
		recs, err := tx.ReserveRecords()
		if err != nil {
			return err
		}
		r, err := findReserve(recs, id)
		if err != nil {
			return err
		}
		switch {
		case r.ReleasedAt != nil:
			return store.Errorf(store.CodeConflict, "reserve %s was released by %s at %s", id, r.ReleasedBy, r.ReleasedAt.UTC().Format(time.RFC3339))
		case reason == "":
			return store.Errorf(store.CodeInvalid, "reserve %s: a reason for the release is required", id)
		case until == 0:
			return store.Errorf(store.CodeInvalid, "reserve %s: the last day it is in force is required", id)
		case until < r.From-1:
			return store.Errorf(store.CodeInvalid, "reserve %s: until %s is before the day before it starts (%s)", id, until, r.From)
		case by == "":
			return store.Errorf(store.CodeInvalid, "reserve %s: who releases it is required", id)
		}
		rec, err := tx.AddReserveRecord(store.ReserveRecord{Facility: facility, ReserveID: id, Action: store.ReserveRelease, Until: until,
			Reason: reason, RecordedBy: by, RecordedAt: s.now()})
		if err != nil {
			return err
		}
		out, err = findReserve(append(recs, rec), id)
		return err
	})
	return out, err
}

func findReserve(recs []store.ReserveRecord, id string) (LenderReserve, error) {
	for _, r := range lenderReserves(recs, store.Everything) {
		if r.ID == id {
			return r, nil
		}
	}
	return LenderReserve{}, store.Errorf(store.CodeNotFound, "reserve %q not found", id)
}

// datedReserve is a reserve availability deducts on the dates it covers.
type datedReserve struct {
	ledger.Reserve
	from, until date.Date // inclusive; 0: open
}

func (r datedReserve) on(d date.Date) bool {
	return (r.from == 0 || r.from <= d) && (r.until == 0 || d <= r.until)
}

// termsLineReserves are the terms' reserves placed at the line (an
// availability block): availability deducts them; the certificate lists
// them as a memo. An unknown amount leaves availability undetermined.
func termsLineReserves(t *agreement.Terms, ft *FacilityTerms) {
	for _, r := range t.BorrowingBase.Reserves {
		if r.Where(false) != agreement.PlaceLine {
			continue
		}
		if !r.Amount.Known() {
			ft.Unknown = append(ft.Unknown, unknownOf("reserve_"+r.ID, r.Amount))
			continue
		}
		kind := r.Kind
		if kind == "" {
			kind = "fixed"
		}
		ft.Reserves = append(ft.Reserves, datedReserve{Reserve: ledger.Reserve{ID: r.ID, Source: "terms", Kind: kind, Placement: agreement.PlaceLine,
			Amount: r.Amount.Value, Why: r.Label, Cite: r.Cite}, from: r.From, until: r.Until})
	}
}

// withLender is ft with the lender reserves rs (approved ones) added.
func (ft FacilityTerms) withLender(rs []LenderReserve) FacilityTerms {
	out := slices.Clip(ft.Reserves)
	for _, r := range rs {
		if r.Status == ReserveApproved {
			out = append(out, datedReserve{Reserve: r.ledger(), from: r.From, until: r.Until})
		}
	}
	ft.Reserves = out
	return ft
}

// reservesOn are the reserves of ft in force on d.
func (ft FacilityTerms) reservesOn(d date.Date) []ledger.Reserve {
	var out []ledger.Reserve
	for _, r := range ft.Reserves {
		if r.on(d) {
			out = append(out, r.Reserve)
		}
	}
	return out
}

// reserveDays are the days on which ft's reserves start or stop applying.
func (ft FacilityTerms) reserveDays() []date.Date {
	var out []date.Date
	for _, r := range ft.Reserves {
		if r.from != 0 {
			out = append(out, r.from)
		}
		if r.until != 0 {
			out = append(out, r.until+1)
		}
	}
	return out
}

// reservesWhy says which lender reserves in force on the date as known now
// were not as known at knownAt (approved or released since).
func reservesWhy(then, now []ledger.Reserve, lender []LenderReserve, knownAt time.Time) []string {
	var why []string
	has := func(rs []ledger.Reserve, id string) bool {
		return slices.ContainsFunc(rs, func(r ledger.Reserve) bool { return r.Source == "lender" && r.ID == id })
	}
	at := knownAt.UTC().Format("2006-01-02 15:04 UTC")
	for _, r := range lender {
		switch inNow, inThen := has(now, r.ID), has(then, r.ID); {
		case inNow && !inThen && r.ApprovedAt != nil:
			why = append(why, "lender reserve "+r.ID+" ("+r.Amount.String()+", "+r.Placement+"), approved by "+r.ApprovedBy+" at "+
				r.ApprovedAt.UTC().Format("2006-01-02 15:04 UTC")+" (after "+at+"), is in force on the date")
		case inThen && !inNow && r.ReleasedAt != nil:
			why = append(why, "lender reserve "+r.ID+" was released by "+r.ReleasedBy+" at "+r.ReleasedAt.UTC().Format("2006-01-02 15:04 UTC")+" (after "+at+")")
		}
	}
	return why
}
