package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the facility's zone must load without a system zone database

	"revolver/agreement"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// This file keeps the facts of the defaults engine (package defaults) as
// append-only fact records and evaluates deadlines, events of default and
// remedies for a stored facility: stored terms + stored facts + the pure
// engine. Ids the engine sees are derived from record ids: notice-N for a
// notice, eod-N for a recorded event of default, action-N for a cure,
// acceleration or approved waiver, occ-N for an occurrence without an id of
// its own.

// FactInput says who records a fact and under which idempotency key.
type FactInput struct {
	Facility string
	Key      string
	By       string
}

// Recorded is a stored fact record; Replayed when the key was used before
// with the same content and nothing was stored now.
type Recorded struct {
	Record   store.FactRecord `json:"record"`
	Replayed bool             `json:"replayed"`
	// ID is the id the engine knows the fact by (notice-7, eod-3, ...).
	ID string `json:"id"`
	// Effect: for a notice, when it takes effect and by which rule.
	Effect *defaults.Effect `json:"effect,omitempty"`
	// Pending: the record is a request waiting for a second person's
	// decision (Request); until then it ends nothing.
	Pending bool        `json:"pending,omitempty"`
	Request *EndRequest `json:"request,omitempty"`
}

// NoticeBody is the body of a notice record: the notice and when it takes
// effect, as computed on recording from the terms in force on the sending
// date (Security Agreement ¶21).
type NoticeBody struct {
	Notice defaults.Notice `json:"notice"`
	Effect defaults.Effect `json:"effect"`
}

// ConfirmationBody is the body of a notice confirmation record: the fax
// confirmation or courier copy of an earlier notice, and the effect again.
type ConfirmationBody struct {
	Notice      string          `json:"notice"`
	Confirmed   *time.Time      `json:"confirmed,omitempty"`
	CourierCopy *time.Time      `json:"courier_copy,omitempty"`
	Effect      defaults.Effect `json:"effect"`
}

// ActionBody is the body of a default action record; Request is the id of
// the waiver request an approved waiver carries out.
type ActionBody struct {
	defaults.Action
	Request int64 `json:"request,omitempty"`
}

// WaiverRequest is the body of a waiver request: the written consent
// (Security Agreement ¶16) as asked for, waiting for a second lender.
type WaiverRequest struct {
	Default     string    `json:"default"`
	Date        date.Date `json:"date"`
	Agreement   string    `json:"agreement"`
	Covenant    string    `json:"covenant,omitempty"`
	Period      date.Date `json:"period,omitempty"`
	Note        string    `json:"note,omitempty"`
	RequestedBy string    `json:"requested_by"`
}

// agreementAt returns the full terms of a facility in force on d, from a
// Terms source that has them (StoredTerms).
func (s *Service) agreementAt(ctx context.Context, facility string, d date.Date) (*agreement.Terms, error) {
	src, ok := s.Terms.(interface {
		TermsAsOf(ctx context.Context, slug string, d date.Date) (*agreement.Terms, error)
	})
	if !ok {
		return nil, fmt.Errorf("facility %q: the terms source %T gives no agreement terms", facility, s.Terms)
	}
	return src.TermsAsOf(ctx, facility, d)
}

func zoneOf(t *agreement.Terms) (*time.Location, error) {
	return defaults.Location(t)
}

func invalid(format string, a ...any) error { return store.Errorf(store.CodeInvalid, format, a...) }

// addFact stores a record in one store transaction.
func (s *Service) addFact(ctx context.Context, in FactInput, kind, subject string, on date.Date, body any) (store.FactRecord, bool, error) {
	if err := authorize(ctx, ActRecordDefault, in.Facility); err != nil {
		return store.FactRecord{}, false, err
	}
	in.By = requester(ctx, in.By)
	if in.Key == "" || in.By == "" {
		return store.FactRecord{}, false, invalid("%s of facility %q: an idempotency key and who records it are required", kind, in.Facility)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return store.FactRecord{}, false, err
	}
	rec := store.FactRecord{Facility: in.Facility, Key: in.Key, Kind: kind, Subject: subject, On: on, Body: b, RecordedBy: in.By, RecordedAt: s.now()}
	var out store.FactRecord
	var replayed bool
	err = s.update(ctx, in.Facility, func(tx store.Tx) error {
		var err error
		out, replayed, err = tx.AddFactRecord(rec)
		return err
	})
	return out, replayed, err
}

func hasParty(t *agreement.Terms, id string) bool {
	return slices.ContainsFunc(t.Parties, func(p agreement.Party) bool { return p.ID == id })
}

func partyIDs(t *agreement.Terms) string {
	var ids []string
	for _, p := range t.Parties {
		ids = append(ids, p.ID)
	}
	return strings.Join(ids, ", ")
}

// RecordNotice records a notice given under the agreement with when it
// takes effect (computed from the terms in force on the sending date, in
// the facility's zone, and stored with the rule used).
func (s *Service) RecordNotice(ctx context.Context, in FactInput, n defaults.Notice) (Recorded, error) {
	ctx = named(ctx, OpRecordNotice)
	if n.Sent.IsZero() {
		return Recorded{}, invalid("notice: the sent time is required")
	}
	if n.Subject == "" {
		return Recorded{}, invalid("notice: the subject is required (e.g. event_of_default, casualty_overadvance, sale, records_move, casualty)")
	}
	if n.Subject == defaults.SubjectDefault && n.Default == "" {
		return Recorded{}, invalid("notice of an event of default: name the default (its id)")
	}
	probe, err := s.agreementAt(ctx, in.Facility, date.FromTime(n.Sent))
	if err != nil {
		return Recorded{}, err
	}
	loc, err := zoneOf(probe)
	if err != nil {
		return Recorded{}, err
	}
	sentOn := date.FromTime(n.Sent.In(loc))
	t, err := s.agreementAt(ctx, in.Facility, sentOn)
	if err != nil {
		return Recorded{}, err
	}
	for _, p := range []struct{ field, id string }{{"from", n.From}, {"to", n.To}} {
		if p.id == "" || !hasParty(t, p.id) {
			return Recorded{}, invalid("notice %s %q: expected a party of the terms on %s (%s)", p.field, p.id, sentOn, partyIDs(t))
		}
	}
	if n.Default != "" {
		if err := s.checkDefault(ctx, in.Facility, n.Default, sentOn); err != nil {
			return Recorded{}, err
		}
	}
	n.ID = ""
	n.Sent = n.Sent.In(loc)
	eff, err := noticeEffect(t, loc, n)
	if err != nil {
		return Recorded{}, err
	}
	subject := n.Default
	if subject == "" {
		subject = n.Ref
	}
	rec, replayed, err := s.addFact(ctx, in, store.FactNotice, subject, sentOn, NoticeBody{Notice: n, Effect: eff})
	if err != nil {
		return Recorded{}, err
	}
	var b NoticeBody
	_ = json.Unmarshal(rec.Body, &b)
	return Recorded{Record: rec, Replayed: replayed, ID: noticeID(rec.ID), Effect: &b.Effect}, nil
}

func noticeEffect(t *agreement.Terms, loc *time.Location, n defaults.Notice) (defaults.Effect, error) {
	setup, err := defaults.SetupOf(t)
	if err != nil {
		return defaults.Effect{}, err
	}
	eff, err := defaults.Effective(t.Notices, setup.Calendar, loc, n)
	if err != nil {
		return eff, invalid("%v", err)
	}
	if n.To != "" {
		if eff.Document, eff.To, err = defaults.Addressees(t, n); err != nil {
			return eff, invalid("%v", err)
		}
	}
	return eff, nil
}

func noticeID(id int64) string { return "notice-" + strconv.FormatInt(id, 10) }

// recordID reads the record id of an engine id with the prefix ("notice-7" → 7).
func recordID(id, prefix string) (int64, bool) {
	s, ok := strings.CutPrefix(id, prefix+"-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// ConfirmNotice records the fax confirmation of good transmission and/or
// the courier copy of a notice recorded before, with its effect again.
func (s *Service) ConfirmNotice(ctx context.Context, in FactInput, notice string, confirmed, courierCopy *time.Time) (Recorded, error) {
	ctx = named(ctx, OpConfirmNotice)
	if confirmed == nil && courierCopy == nil {
		return Recorded{}, invalid("notice %s: give the confirmation time, the courier copy time or both", notice)
	}
	if _, ok := recordID(notice, "notice"); !ok {
		return Recorded{}, store.Errorf(store.CodeNotFound, "notice %q not found", notice)
	}
	recs, err := s.Store.FactRecords(ctx, in.Facility)
	if err != nil {
		return Recorded{}, err
	}
	facts := FactsFrom(recs)
	i := slices.IndexFunc(facts.Notices, func(n defaults.Notice) bool { return n.ID == notice })
	if i < 0 {
		return Recorded{}, store.Errorf(store.CodeNotFound, "notice %q of facility %q not found", notice, in.Facility)
	}
	n := facts.Notices[i]
	t, err := s.agreementAt(ctx, in.Facility, date.FromTime(n.Sent))
	if err != nil {
		return Recorded{}, err
	}
	loc, err := zoneOf(t)
	if err != nil {
		return Recorded{}, err
	}
	if confirmed != nil {
		c := confirmed.In(loc)
		n.Confirmed, confirmed = &c, &c
	}
	if courierCopy != nil {
		c := courierCopy.In(loc)
		if c.Before(n.Sent) {
			return Recorded{}, invalid("notice %s: courier copy %s before the notice was sent %s", notice, c.Format(time.RFC3339), n.Sent.Format(time.RFC3339))
		}
		n.CourierCopy, courierCopy = &c, &c
	}
	eff, err := noticeEffect(t, loc, n)
	if err != nil {
		return Recorded{}, err
	}
	on := date.FromTime(n.Sent)
	if confirmed != nil {
		on = date.FromTime(*confirmed)
	} else if courierCopy != nil {
		on = date.FromTime(*courierCopy)
	}
	rec, replayed, err := s.addFact(ctx, in, store.FactNoticeConfirmation, notice, on, ConfirmationBody{Notice: notice, Confirmed: confirmed, CourierCopy: courierCopy, Effect: eff})
	if err != nil {
		return Recorded{}, err
	}
	var b ConfirmationBody
	_ = json.Unmarshal(rec.Body, &b)
	return Recorded{Record: rec, Replayed: replayed, ID: notice, Effect: &b.Effect}, nil
}

// RecordDefault records an event of default of the terms as occurred.
func (s *Service) RecordDefault(ctx context.Context, in FactInput, r defaults.DefaultRecord) (Recorded, error) {
	ctx = named(ctx, OpRecordDefault)
	if r.Occurred == 0 {
		return Recorded{}, invalid("event of default: the date it occurred is required")
	}
	if strings.TrimSpace(r.Description) == "" {
		return Recorded{}, invalid("event of default: a description of what happened is required")
	}
	t, err := s.agreementAt(ctx, in.Facility, r.Occurred)
	if err != nil {
		return Recorded{}, err
	}
	var ids []string
	for _, e := range t.EventsOfDefault {
		ids = append(ids, e.ID)
	}
	if !slices.Contains(ids, r.Event) {
		return Recorded{}, invalid("event of default %q: not an event of default of facility %q on %s (expected one of %s)", r.Event, in.Facility, r.Occurred, strings.Join(ids, ", "))
	}
	r.ID, r.RecordedBy = "", in.By
	rec, replayed, err := s.addFact(ctx, in, store.FactDefault, r.Event, r.Occurred, r)
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{Record: rec, Replayed: replayed, ID: "eod-" + strconv.FormatInt(rec.ID, 10)}, nil
}

// findDefault evaluates the facility on d and returns the event of default
// with the id (rule-detected or recorded), or not_found.
func (s *Service) findDefault(ctx context.Context, facility, id string, d date.Date) (defaults.Default, error) {
	rep, err := s.DefaultsReport(ctx, facility, d)
	if err != nil {
		return defaults.Default{}, err
	}
	for _, x := range rep.Defaults {
		if x.ID == id {
			return x, nil
		}
	}
	return defaults.Default{}, store.Errorf(store.CodeNotFound, "event of default %q of facility %q has not occurred on %s", id, facility, d)
}

func (s *Service) checkDefault(ctx context.Context, facility, id string, d date.Date) error {
	_, err := s.findDefault(ctx, facility, id, d)
	return err
}

// NoticeOfDefault records the lender's notice of an event of default
// (Loan Agreement §7.2 unless under says otherwise).
func (s *Service) NoticeOfDefault(ctx context.Context, in FactInput, id string, n defaults.Notice) (Recorded, error) {
	ctx = named(ctx, OpNoticeOfDefault)
	n.Subject, n.Default = defaults.SubjectDefault, id
	if n.From == "" {
		n.From = "lender"
	}
	if n.To == "" {
		n.To = "borrower"
	}
	if n.Under == "" {
		n.Under = "§7.2"
	}
	if n.From != "lender" {
		return Recorded{}, invalid("the notice of an Event of Default is the Bank's: from %q, expected lender", n.From)
	}
	return s.RecordNotice(ctx, in, n)
}

// DefaultAction records an acceleration of an event of default that
// occurred on or before the date (it needs the notice of the default to
// have taken effect by then), or asks for its cure: a cure ends the default
// only when a second person approves it (RequestCure, DecideRequest).
func (s *Service) DefaultAction(ctx context.Context, in FactInput, id, kind string, on date.Date, note string) (Recorded, error) {
	switch kind {
	case defaults.ActionCure:
		ctx = named(ctx, OpRequestCure)
	case defaults.ActionAcceleration:
		ctx = named(ctx, OpAccelerate)
	}
	if kind != defaults.ActionCure && kind != defaults.ActionAcceleration {
		return Recorded{}, invalid("action %q: expected cure or acceleration (a waiver needs a request and a second lender's approval)", kind)
	}
	if on == 0 {
		return Recorded{}, invalid("%s of %s: the date is required", kind, id)
	}
	if kind == defaults.ActionCure {
		return s.RequestCure(ctx, in, id, on, note)
	}
	def, err := s.findDefault(ctx, in.Facility, id, on)
	if err != nil {
		return Recorded{}, err
	}
	if def.Notice == nil || def.Notice.Effective > on {
		return Recorded{}, invalid("acceleration of %s on %s: no notice of the default has taken effect by then (record the notice first)", id, on)
	}
	a := ActionBody{Action: defaults.Action{Default: id, Kind: kind, Date: on, Note: note, RequestedBy: in.By}}
	rec, replayed, err := s.addFact(ctx, in, store.FactDefaultAction, id, on, a)
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{Record: rec, Replayed: replayed, ID: "action-" + strconv.FormatInt(rec.ID, 10)}, nil
}

// RequestWaiver asks for a waiver of an event of default: a written consent
// naming the agreement and, for a covenant default, the covenant and the
// period (Security Agreement ¶16). It takes effect only when a second
// lender approves it (ApproveWaiver).
func (s *Service) RequestWaiver(ctx context.Context, in FactInput, w WaiverRequest) (Recorded, error) {
	ctx = named(ctx, OpRequestWaiver)
	if err := authorize(ctx, ActRecordDefault, in.Facility); err != nil {
		return Recorded{}, err
	}
	in.By = requester(ctx, in.By)
	if w.Date == 0 {
		return Recorded{}, invalid("waiver of %s: the date is required", w.Default)
	}
	def, err := s.findDefault(ctx, in.Facility, w.Default, w.Date)
	if err != nil {
		return Recorded{}, err
	}
	t, err := s.agreementAt(ctx, in.Facility, w.Date)
	if err != nil {
		return Recorded{}, err
	}
	var bad []string
	if w.Agreement == "" || t.Document(w.Agreement) == nil {
		var docs []string
		for _, d := range t.Documents {
			docs = append(docs, d.ID)
		}
		bad = append(bad, fmt.Sprintf("it must name the agreement it refers to (found %q, expected one of %s)", w.Agreement, strings.Join(docs, ", ")))
	}
	if def.Covenant != "" {
		if w.Covenant != def.Covenant {
			bad = append(bad, fmt.Sprintf("it must name the covenant %s (found %q)", def.Covenant, w.Covenant))
		}
		if w.Period != def.Period {
			bad = append(bad, fmt.Sprintf("it must name the period ended %s (found %s)", def.Period, w.Period))
		}
	}
	if len(bad) > 0 {
		return Recorded{}, invalid("waiver of %s (Security Agreement ¶16): %s", w.Default, strings.Join(bad, "; "))
	}
	if !def.Continuing {
		return Recorded{}, store.Errorf(store.CodeConflict, "event of default %s is not continuing on %s (%s)", w.Default, w.Date, def.Status)
	}
	w.RequestedBy = in.By
	return s.addRequest(ctx, in, store.FactWaiverRequest, w.Default, w.Date, w)
}

// RecordOtherDebt records other indebtedness of the borrower (or a later
// state of it under the same id: paid, accelerated, disputed with reserves).
func (s *Service) RecordOtherDebt(ctx context.Context, in FactInput, o defaults.OtherDebt) (Recorded, error) {
	ctx = named(ctx, OpRecordOtherDebt)
	switch {
	case o.ID == "":
		return Recorded{}, invalid("other indebtedness: an id is required (a later record under the same id supersedes)")
	case o.Creditor == "":
		return Recorded{}, invalid("other indebtedness %s: the creditor is required", o.ID)
	case o.Amount <= 0:
		return Recorded{}, invalid("other indebtedness %s: the amount must be greater than zero, found %s", o.ID, o.Amount)
	case o.Due == 0:
		return Recorded{}, invalid("other indebtedness %s: the due date is required", o.ID)
	case o.ReservesAdequate && !o.Disputed:
		return Recorded{}, invalid("other indebtedness %s: reserves are adequate only for a debt disputed in good faith", o.ID)
	}
	rec, replayed, err := s.addFact(ctx, in, store.FactOtherDebt, o.ID, o.Due, o)
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{Record: rec, Replayed: replayed, ID: o.ID}, nil
}

// RecordPolicy records an insurance policy on the collateral (or a later
// state of it under the same id: evidenced, cancelled).
func (s *Service) RecordPolicy(ctx context.Context, in FactInput, p defaults.Policy) (Recorded, error) {
	ctx = named(ctx, OpRecordPolicy)
	if p.ID == "" {
		p.ID = p.Number
	}
	switch {
	case p.ID == "":
		return Recorded{}, invalid("insurance policy: an id or number is required")
	case p.Insurer == "":
		return Recorded{}, invalid("insurance policy %s: the insurer is required", p.ID)
	case p.Effective == 0 || p.Expires == 0:
		return Recorded{}, invalid("insurance policy %s: the effective and renewal (expiry) dates are required", p.ID)
	case p.Expires <= p.Effective:
		return Recorded{}, invalid("insurance policy %s: expires %s, not after it takes effect %s", p.ID, p.Expires, p.Effective)
	case p.CancellationNoticeDays < 0:
		return Recorded{}, invalid("insurance policy %s: cancellation notice days %d, expected 0 or more", p.ID, p.CancellationNoticeDays)
	}
	t, err := s.agreementAt(ctx, in.Facility, p.Effective)
	if err != nil {
		return Recorded{}, err
	}
	if p.LossPayee == "" || !hasParty(t, p.LossPayee) {
		return Recorded{}, invalid("insurance policy %s: loss payee %q, expected a party of the terms (%s)", p.ID, p.LossPayee, partyIDs(t))
	}
	rec, replayed, err := s.addFact(ctx, in, store.FactPolicy, p.ID, p.Effective, p)
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{Record: rec, Replayed: replayed, ID: p.ID}, nil
}

// FilingBody is the body of a UCC filing record: what the engine reads,
// and the jurisdiction the statement was filed in as recorded.
type FilingBody struct {
	defaults.FilingRecord
	Jurisdiction string `json:"jurisdiction,omitempty"`
}

// RecordFiling records a UCC filing of the terms: its jurisdiction, number
// and filing date, and continuation statements filed. A jurisdiction other
// than the one the terms know is refused.
func (s *Service) RecordFiling(ctx context.Context, in FactInput, f defaults.FilingRecord, jurisdiction string) (Recorded, error) {
	ctx = named(ctx, OpRecordFiling)
	if f.Filed == 0 && len(f.Continuations) == 0 && f.Number == "" {
		return Recorded{}, invalid("UCC filing %s: give the number, the filing date or a continuation", f.Filing)
	}
	on := f.Filed
	for _, c := range f.Continuations {
		if c > on {
			on = c
		}
		if f.Filed != 0 && c <= f.Filed {
			return Recorded{}, invalid("UCC filing %s: continuation %s is not after the filing %s", f.Filing, c, f.Filed)
		}
	}
	if on == 0 {
		on = date.FromTime(s.now())
	}
	t, err := s.agreementAt(ctx, in.Facility, on)
	if err != nil {
		return Recorded{}, err
	}
	var ids []string
	for _, x := range t.Schedule.Filings {
		ids = append(ids, x.ID)
		if x.ID == f.Filing && jurisdiction != "" && x.Jurisdiction.Known() && !strings.EqualFold(x.Jurisdiction.Value, jurisdiction) {
			return Recorded{}, invalid("UCC filing %s: jurisdiction %q, but the terms have it filed in %s", f.Filing, jurisdiction, x.Jurisdiction.Value)
		}
	}
	if !slices.Contains(ids, f.Filing) {
		return Recorded{}, invalid("UCC filing %q: not a filing of the terms on %s (expected one of %s)", f.Filing, on, strings.Join(ids, ", "))
	}
	rec, replayed, err := s.addFact(ctx, in, store.FactFiling, f.Filing, on, FilingBody{FilingRecord: f, Jurisdiction: jurisdiction})
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{Record: rec, Replayed: replayed, ID: f.Filing}, nil
}

// OccurrenceKinds are the occurrences revolver knows besides those the
// terms' obligations name (event:KIND).
var OccurrenceKinds = []string{"delivered", "casualty", "casualty_cure", "records_move", "place_of_business_change", "sale",
	"costs_paid", "fee_paid", "obligations_paid", "report_delivered"}

// RecordOccurrence records a happening: a closing delivery (delivered, ref
// the closing item, Loan Modification Agreement §II.C), a casualty, a
// payment, a move of books and records, a sale, a report delivered.
func (s *Service) RecordOccurrence(ctx context.Context, in FactInput, e defaults.Event) (Recorded, error) {
	ctx = named(ctx, OpRecordOccurrence)
	if e.Date == 0 {
		return Recorded{}, invalid("occurrence: the date is required")
	}
	t, err := s.agreementAt(ctx, in.Facility, e.Date)
	if err != nil {
		return Recorded{}, err
	}
	kinds := slices.Clone(OccurrenceKinds)
	for _, o := range t.Schedule.Obligations {
		for _, r := range []string{o.Trigger, o.DoneBy} {
			if k, ok := strings.CutPrefix(r, "event:"); ok && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	if !slices.Contains(kinds, e.Kind) {
		return Recorded{}, invalid("occurrence kind %q: expected one of %s", e.Kind, strings.Join(kinds, ", "))
	}
	switch e.Kind {
	case "delivered":
		var ids []string
		for _, c := range t.Schedule.Closing {
			ids = append(ids, c.ID)
		}
		if !slices.Contains(ids, e.Ref) {
			return Recorded{}, invalid("delivery: ref %q, expected a closing item of the terms (%s)", e.Ref, strings.Join(ids, ", "))
		}
	case "report_delivered":
		var ids []string
		for _, r := range t.Reporting {
			ids = append(ids, r.ID)
		}
		if !slices.Contains(ids, e.Ref) || e.For == 0 {
			return Recorded{}, invalid("report delivered: ref %q and the period end (for) are required; ref one of %s", e.Ref, strings.Join(ids, ", "))
		}
	}
	rec, replayed, err := s.addFact(ctx, in, store.FactOccurrence, e.Ref, e.Date, e)
	if err != nil {
		return Recorded{}, err
	}
	id := e.ID
	if id == "" {
		id = "occ-" + strconv.FormatInt(rec.ID, 10)
	}
	return Recorded{Record: rec, Replayed: replayed, ID: id}, nil
}

// RecordCovenantResult records a covenant test as reported. The covenant
// must be one of the terms in force at the period end. A passing result for
// a period whose test failed, while that event of default continues, would
// end it: it is kept as a request (pending) that a second person approves
// (DecideRequest), dated the business date.
func (s *Service) RecordCovenantResult(ctx context.Context, in FactInput, r defaults.CovenantResult) (Recorded, error) {
	ctx = named(ctx, OpRecordCovenantResult)
	if err := authorize(ctx, ActRecordDefault, in.Facility); err != nil {
		return Recorded{}, err
	}
	in.By = requester(ctx, in.By)
	if r.Covenant == "" || r.PeriodEnd == 0 {
		return Recorded{}, invalid("covenant result: the covenant and the period end are required")
	}
	t, err := s.agreementAt(ctx, in.Facility, r.PeriodEnd)
	if err != nil {
		return Recorded{}, err
	}
	var ids []string
	for _, c := range t.Covenants {
		ids = append(ids, c.ID)
	}
	if !slices.Contains(ids, r.Covenant) {
		return Recorded{}, invalid("covenant result %q: not a covenant of facility %q for the period ended %s (the covenants are %s)", r.Covenant, in.Facility, r.PeriodEnd, strings.Join(ids, ", "))
	}
	r.On, r.Basis, r.RequestedBy, r.ApprovedBy, r.RecordedBy, r.RecordedAt = 0, "", "", "", "", time.Time{}
	subject := r.Covenant + ":" + r.PeriodEnd.String()
	if r.Pass && r.Undetermined == "" {
		on, err := s.BusinessDate(ctx)
		if err != nil {
			return Recorded{}, err
		}
		on = max(on, r.PeriodEnd)
		id := covenantDefaultID(r.Covenant, r.PeriodEnd)
		if def, err := s.findDefault(ctx, in.Facility, id, on); err == nil && def.Continuing {
			return s.addRequest(ctx, in, store.FactResultRequest, id, on, ResultRequest{Result: r, Date: on, RequestedBy: in.By})
		} else if err != nil && store.ErrorCode(err) != store.CodeNotFound {
			return Recorded{}, err
		}
	}
	rec, replayed, err := s.addFact(ctx, in, store.FactCovenantResult, subject, r.PeriodEnd, CovenantResultBody{CovenantResult: r})
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{Record: rec, Replayed: replayed, ID: subject}, nil
}

// FactsFrom builds the engine's facts from a facility's fact records (in
// id order), each fact with who recorded it and when: later records about
// the same policy, debt or filing supersede or add to earlier ones;
// confirmations complete their notice; covenant results are kept as their
// history; requests are facts the engine shows as pending, not steps.
func FactsFrom(recs []store.FactRecord) defaults.Facts {
	var f defaults.Facts
	noticeAt := map[string]int{}
	policyAt := map[string]int{}
	debtAt := map[string]int{}
	filingAt := map[string]int{}
	for _, r := range recs {
		switch r.Kind {
		case store.FactNotice:
			var b NoticeBody
			if json.Unmarshal(r.Body, &b) != nil {
				continue
			}
			b.Notice.ID = noticeID(r.ID)
			b.Notice.RecordedBy, b.Notice.RecordedAt = r.RecordedBy, r.RecordedAt
			noticeAt[b.Notice.ID] = len(f.Notices)
			f.Notices = append(f.Notices, b.Notice)
		case store.FactNoticeConfirmation:
			var b ConfirmationBody
			i, ok := noticeAt[r.Subject]
			if json.Unmarshal(r.Body, &b) != nil || !ok {
				continue
			}
			if b.Confirmed != nil {
				f.Notices[i].Confirmed = b.Confirmed
			}
			if b.CourierCopy != nil {
				f.Notices[i].CourierCopy = b.CourierCopy
			}
		case store.FactDefault:
			var d defaults.DefaultRecord
			if json.Unmarshal(r.Body, &d) != nil {
				continue
			}
			d.ID = "eod-" + strconv.FormatInt(r.ID, 10)
			if d.RecordedBy == "" {
				d.RecordedBy = r.RecordedBy
			}
			d.RecordedAt = r.RecordedAt
			f.Defaults = append(f.Defaults, d)
		case store.FactDefaultAction:
			var a ActionBody
			if json.Unmarshal(r.Body, &a) != nil {
				continue
			}
			a.Action.ID = "action-" + strconv.FormatInt(r.ID, 10)
			if a.RequestedBy == "" && a.Waiver == nil {
				a.RequestedBy = r.RecordedBy
			}
			a.Action.RecordedAt = r.RecordedAt
			f.Actions = append(f.Actions, a.Action)
		case store.FactOtherDebt:
			var o defaults.OtherDebt
			if json.Unmarshal(r.Body, &o) != nil {
				continue
			}
			supersede(&f.OtherDebts, debtAt, o.ID, o)
		case store.FactPolicy:
			var p defaults.Policy
			if json.Unmarshal(r.Body, &p) != nil {
				continue
			}
			supersede(&f.Policies, policyAt, p.ID, p)
		case store.FactFiling:
			var x defaults.FilingRecord
			if json.Unmarshal(r.Body, &x) != nil {
				continue
			}
			i, ok := filingAt[x.Filing]
			if !ok {
				filingAt[x.Filing] = len(f.Filings)
				f.Filings = append(f.Filings, defaults.FilingRecord{Filing: x.Filing})
				i = len(f.Filings) - 1
			}
			old := &f.Filings[i]
			if x.Number != "" {
				old.Number = x.Number
			}
			if x.Filed != 0 {
				old.Filed = x.Filed
			}
			for _, c := range x.Continuations {
				if !slices.Contains(old.Continuations, c) {
					old.Continuations = append(old.Continuations, c)
				}
			}
			sort.Slice(old.Continuations, func(a, b int) bool { return old.Continuations[a] < old.Continuations[b] })
		case store.FactOccurrence:
			var e defaults.Event
			if json.Unmarshal(r.Body, &e) != nil {
				continue
			}
			if e.ID == "" {
				e.ID = "occ-" + strconv.FormatInt(r.ID, 10)
			}
			f.Events = append(f.Events, e)
		case store.FactCovenantResult:
			var c CovenantResultBody
			if json.Unmarshal(r.Body, &c) != nil {
				continue
			}
			c.RecordedBy, c.RecordedAt = r.RecordedBy, r.RecordedAt
			f.CovenantResults = append(f.CovenantResults, c.CovenantResult)
		}
	}
	f.Requests = engineRequests(requestsFrom(recs))
	return f
}

func supersede[T any](xs *[]T, at map[string]int, id string, v T) {
	if i, ok := at[id]; ok {
		(*xs)[i] = v
		return
	}
	at[id] = len(*xs)
	*xs = append(*xs, v)
}

// knownRecords are the records recorded at or before k (zero: all).
func knownRecords(recs []store.FactRecord, k time.Time) []store.FactRecord {
	if k.IsZero() {
		return recs
	}
	var out []store.FactRecord
	for _, r := range recs {
		if !r.RecordedAt.After(k) {
			out = append(out, r)
		}
	}
	return out
}

// facilityFacts gathers the facts of a stored facility the defaults engine
// reads on asOf, as known at knownAt (zero: every record): the fact
// records made by then, the events of default and waivers an earlier
// version kept as approved documents (legacy, read as facts), and the
// amount owed at the Termination Date from the loan account (loans,
// interest, fees and costs receivable) once it has passed. It is the one
// source of the facts for every surface: the reports, the continuing
// defaults availability is checked against, the pages.
func facilityFacts(ctx context.Context, st store.Store, recs []store.FactRecord, legacy []eventRecord, facility string, t *agreement.Terms, asOf date.Date, knownAt time.Time) (defaults.Facts, error) {
	f := FactsFrom(knownRecords(recs, knownAt))
	lr, la := legacyFacts(legacy)
	f.Defaults = append(f.Defaults, lr...)
	f.Actions = append(f.Actions, la...)
	dl, err := deliveries(ctx, st, facility, t, knownAt)
	if err != nil {
		return f, err
	}
	f.Events = append(f.Events, dl...)
	if td := t.TerminationDate; td.Known() && asOf > td.Value {
		bal, err := st.Balances(ctx, facility, td.Value)
		if err != nil {
			return f, err
		}
		var owed money.Amount
		for _, a := range []ledger.Account{ledger.Loans, ledger.LoansLastOut, ledger.InterestReceivable, ledger.FeesReceivable, ledger.CostsReceivable} {
			owed += bal[a]
		}
		f.OutstandingAtTermination = &owed
	}
	return f, nil
}

// deliveries are the reports the store shows delivered, for the reporting
// terms that name what delivers them (agreement.Reporting.DeliveredBy), as
// known at knownAt (zero: every record): a borrowing base certificate
// submitted (and not withdrawn or rejected) delivers the report of the
// period ending on its date, on the day it was submitted; the statements
// of a period, on the day they were first received (a restatement does not
// deliver them again). Each is a report_delivered event, as if recorded.
func deliveries(ctx context.Context, st store.Store, facility string, t *agreement.Terms, knownAt time.Time) ([]defaults.Event, error) {
	var byCert, byStmt []string
	for _, r := range t.Reporting {
		switch r.DeliveredBy {
		case agreement.DeliveredByCertificate:
			byCert = append(byCert, r.ID)
		case agreement.DeliveredByStatements:
			byStmt = append(byStmt, r.ID)
		}
	}
	if len(byCert)+len(byStmt) == 0 {
		return nil, nil
	}
	loc, err := defaults.Location(t)
	if err != nil {
		return nil, err
	}
	known := func(at time.Time) bool { return !at.IsZero() && (knownAt.IsZero() || !at.After(knownAt)) }
	var out []defaults.Event
	if len(byCert) > 0 {
		certs, err := st.Certificates(ctx, facility)
		if err != nil {
			return nil, err
		}
		for _, c := range certs {
			if c.Status != store.Submitted && c.Status != store.Approved || !known(c.SubmittedAt) {
				continue
			}
			for _, id := range byCert {
				out = append(out, defaults.Event{ID: "certificate-" + strconv.FormatInt(c.ID, 10) + ":" + id, Kind: "report_delivered", Ref: id, For: c.AsOf,
					Date: date.FromTime(c.SubmittedAt.In(loc)), Note: "borrowing base certificate " + strconv.FormatInt(c.ID, 10) + " as of " + c.AsOf.String() + " submitted by " + c.SubmittedBy})
			}
		}
	}
	if len(byStmt) > 0 {
		k := knownAt
		if k.IsZero() {
			k = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		}
		fs, err := st.FinancialsAsKnown(ctx, facility, k)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			first := f
			if h, err := st.FinancialsHistory(ctx, facility, f.PeriodEnd); err != nil {
				return nil, err
			} else {
				for _, v := range h {
					if v.RecordedAt.Before(first.RecordedAt) {
						first = v
					}
				}
			}
			for _, id := range byStmt {
				out = append(out, defaults.Event{ID: "statements-" + strconv.FormatInt(first.ID, 10) + ":" + id, Kind: "report_delivered", Ref: id, For: f.PeriodEnd,
					Date: date.FromTime(first.RecordedAt.In(loc)), Note: "financial statements for the period ended " + f.PeriodEnd.String() + " received from " + first.SubmittedBy})
			}
		}
	}
	return out, nil
}

// legacyFacts reads the events of default and waivers approved as
// documents (by an earlier version's approvals, maker-checker) as facts:
// each event document a default record (by its approver, when approved);
// each waiver document a waiver, by its requester and approver, of the
// recorded events of that kind occurred by its date. Such a waiver names no
// agreement; the engine applies it as it was approved.
func legacyFacts(evs []eventRecord) ([]defaults.DefaultRecord, []defaults.Action) {
	var recs []defaults.DefaultRecord
	for _, r := range evs {
		if r.waiver {
			continue
		}
		desc := r.Note
		if desc == "" {
			desc = "recorded through the approvals as document " + r.doc
		}
		recs = append(recs, defaults.DefaultRecord{ID: r.doc, Event: r.Event, Occurred: r.Date, Description: desc, RecordedBy: r.approvedBy, RecordedAt: r.recordedAt})
	}
	var acts []defaults.Action
	for _, w := range evs {
		if !w.waiver {
			continue
		}
		for _, r := range recs {
			if r.Event == w.Event && r.Occurred <= w.Date {
				acts = append(acts, defaults.Action{ID: w.doc + ":" + r.ID, Default: r.ID, Kind: defaults.ActionWaiver, Date: w.Date, Note: w.Note, RecordedAt: w.recordedAt,
					Waiver: &defaults.Waiver{Written: true, RequestedBy: w.requestedBy, ApprovedBy: w.approvedBy,
						Legacy: "approved through the approvals as document " + w.doc + ", before waivers named the agreement"}})
			}
		}
	}
	return recs, acts
}

// legacyEvents returns the event and waiver documents of a facility from
// the terms source (StoredTerms keeps them with the parsed agreement).
func (s *Service) legacyEvents(ctx context.Context, facility string) ([]eventRecord, error) {
	st, ok := s.Terms.(*StoredTerms)
	if !ok {
		return nil, nil
	}
	e, err := st.entry(ctx, facility)
	if err != nil {
		return nil, err
	}
	return e.events, nil
}

// Facts returns the engine's facts of a stored facility for asOf, as known
// at knownAt (zero: every record). See facilityFacts.
func (s *Service) Facts(ctx context.Context, facility string, t *agreement.Terms, asOf date.Date, knownAt time.Time) (defaults.Facts, error) {
	recs, err := s.Store.FactRecords(ctx, facility)
	if err != nil {
		return defaults.Facts{}, err
	}
	legacy, err := s.legacyEvents(ctx, facility)
	if err != nil {
		return defaults.Facts{}, err
	}
	return facilityFacts(ctx, s.Store, recs, legacy, facility, t, asOf, knownAt)
}

// DefaultsReport evaluates a stored facility on asOf with every fact
// recorded (DefaultsReportAt with no known-at time).
func (s *Service) DefaultsReport(ctx context.Context, facility string, asOf date.Date) (*defaults.Report, error) {
	return s.DefaultsReportAt(ctx, facility, asOf, time.Time{})
}

// defaultsInputs are what the defaults engine evaluates a stored facility
// on: the terms in force on asOf, the facts recorded by knownAt (zero:
// every fact) and the facility's time zone.
func (s *Service) defaultsInputs(ctx context.Context, facility string, asOf date.Date, knownAt time.Time) (*agreement.Terms, defaults.Facts, *time.Location, error) {
	t, err := s.agreementAt(ctx, facility, asOf)
	if err != nil {
		return nil, defaults.Facts{}, nil, err
	}
	if t, err = knownWaivers(ctx, s.Terms, facility, t, knownAt); err != nil {
		return nil, defaults.Facts{}, nil, err
	}
	f, err := s.Facts(ctx, facility, t, asOf, knownAt)
	if err != nil {
		return nil, defaults.Facts{}, nil, err
	}
	loc, err := zoneOf(t)
	return t, f, loc, err
}

// DefaultsReportAt evaluates a stored facility on asOf as known at knownAt
// (zero: every fact recorded): the terms in force then, the stored facts
// and the pure engine (defaults.EvaluateAt): deadlines, events of default
// with their lifecycle, whether each continues and why, and the remedies
// exercisable or not yet with the missing conditions.
func (s *Service) DefaultsReportAt(ctx context.Context, facility string, asOf date.Date, knownAt time.Time) (*defaults.Report, error) {
	t, f, loc, err := s.defaultsInputs(ctx, facility, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	rep, err := defaults.EvaluateAt(t, f, asOf, knownAt, loc)
	if err != nil {
		return nil, invalid("facility %q on %s: the recorded facts cannot be evaluated: %v", facility, asOf, err)
	}
	rep.Facility = facility
	return rep, nil
}

// DefaultsContinuing returns the events of default of a stored facility
// that continue on asOf as known at knownAt (zero: every fact recorded, as
// funding decisions use), each with its lifecycle and why: the one rule
// (defaults.Defaults) every surface and the availability check use.
func (s *Service) DefaultsContinuing(ctx context.Context, facility string, asOf date.Date, knownAt time.Time) ([]defaults.Default, error) {
	t, f, loc, err := s.defaultsInputs(ctx, facility, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	ds, _, err := defaults.Defaults(t, f, asOf, knownAt, loc)
	if err != nil {
		return nil, invalid("facility %q on %s: the recorded facts cannot be evaluated: %v", facility, asOf, err)
	}
	out := []defaults.Default{}
	for _, d := range ds {
		if d.Continuing {
			out = append(out, d)
		}
	}
	return out, nil
}

// KnownAtEndOf is the known-at time a figure for d means by default, as
// the events of default and the facts read it: the rule of
// ResolveKnownAt, with zero (every fact recorded) for now.
func (s *Service) KnownAtEndOf(ctx context.Context, d date.Date) (time.Time, error) {
	return s.FactsKnownAt(ctx, "", d, "")
}

// FactsKnownAt reads a known-at time given as every surface takes it
// (ResolveKnownAt: "" the default rule for asOf, "now", a time, or a date:
// the end of its business) for the events of default and the facts: zero
// (every fact recorded) for now or later.
func (s *Service) FactsKnownAt(ctx context.Context, facility string, asOf date.Date, v string) (time.Time, error) {
	k, err := s.ResolveKnownAt(ctx, facility, asOf, v)
	if err != nil {
		return time.Time{}, err
	}
	return s.every(k.Read()), nil
}

// NoticeEffective says when a notice sent by method at sent (with the fax
// confirmation, if any) would take effect under the facility's terms in
// force on the sending date, and by which rule. Times without a zone are
// read in the facility's zone.
func (s *Service) NoticeEffective(ctx context.Context, facility, method, sent, confirmed string) (defaults.Effect, error) {
	probe, err := s.agreementAt(ctx, facility, date.FromTime(s.now()))
	if err != nil {
		return defaults.Effect{}, err
	}
	loc, err := zoneOf(probe)
	if err != nil {
		return defaults.Effect{}, err
	}
	n := defaults.Notice{Method: method}
	if n.Sent, err = defaults.ParseTime(sent, loc); err != nil {
		return defaults.Effect{}, invalid("sent: %v", err)
	}
	if confirmed != "" {
		c, err := defaults.ParseTime(confirmed, loc)
		if err != nil {
			return defaults.Effect{}, invalid("confirmed: %v", err)
		}
		n.Confirmed = &c
	}
	t, err := s.agreementAt(ctx, facility, date.FromTime(n.Sent))
	if err != nil {
		return defaults.Effect{}, err
	}
	return noticeEffect(t, loc, n)
}

// DefaultsContinuing lists the ids of the events of default of the
// facility that continue on d as known at knownAt (zero: every fact
// recorded, what funding decisions use): the one rule (defaults.Defaults)
// on the facts of facilityFacts. The answer is kept per set of fact
// records, documents, terms, date and known-at time, so that the
// availability check reads only the records' count and last id.
func (a *StoredTerms) DefaultsContinuing(ctx context.Context, slug string, d date.Date, knownAt time.Time) ([]string, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	t, err := a.TermsAsOf(ctx, slug, d)
	if err != nil {
		return nil, err
	}
	return a.continuing(ctx, slug, e, t, d, knownAt)
}

func (a *StoredTerms) continuing(ctx context.Context, slug string, e *agreementEntry, t *agreement.Terms, d date.Date, knownAt time.Time) ([]string, error) {
	// Records are append-only: their count and last id name the set, read
	// without the records themselves (or taken from the request's
	// ReadState); these are read on a cache miss only.
	n, last, err := factsVersion(ctx, a.Store, slug)
	if err != nil {
		return nil, err
	}
	if n == 0 && len(e.events) == 0 && !defaults.OccursWithoutFacts(t) {
		return nil, nil
	}
	// After the Termination Date the facts include the loan account's
	// balance then, which the records' version does not name.
	cacheable := !(t.TerminationDate.Known() && d > t.TerminationDate.Value)
	key := continuingKey{a: a, e: e, slug: slug, n: n, last: last, t: t, d: d, k: knownAt}
	if cacheable {
		continuingCache.Lock()
		open, hit := continuingCache.m[key]
		continuingCache.Unlock()
		if hit {
			return slices.Clone(open), nil
		}
	}
	recs, err := a.Store.FactRecords(ctx, slug)
	if err != nil {
		return nil, err
	}
	if len(recs) != n || len(recs) > 0 && recs[len(recs)-1].ID != last {
		key.n, key.last = len(recs), 0
		if len(recs) > 0 {
			key.last = recs[len(recs)-1].ID
		}
	}
	if t, err = knownWaivers(ctx, a, slug, t, knownAt); err != nil {
		return nil, err
	}
	f, err := facilityFacts(ctx, a.Store, recs, e.events, slug, t, d, knownAt)
	if err != nil {
		return nil, err
	}
	loc, err := zoneOf(t)
	if err != nil {
		return nil, err
	}
	ds, _, err := defaults.Defaults(t, f, d, knownAt, loc)
	if err != nil {
		return nil, invalid("facility %q on %s: the recorded facts cannot be evaluated: %v", slug, d, err)
	}
	var open []string
	for _, x := range ds {
		if x.Continuing {
			open = append(open, x.ID)
		}
	}
	if cacheable {
		continuingCache.Lock()
		if continuingCache.m == nil || len(continuingCache.m) > 4096 {
			continuingCache.m = map[continuingKey][]string{}
		}
		continuingCache.m[key] = open
		continuingCache.Unlock()
	}
	return slices.Clone(open), nil
}

type readStateKey struct{}

type readStateOf struct {
	facility string
	rs       store.ReadState
}

// withReadState carries the versions of a facility's fact records and
// documents read in the request's one ReadState statement, so that the
// defaults continuing and the cached agreement are checked without
// reading them again.
func withReadState(ctx context.Context, facility string, rs store.ReadState) context.Context {
	return context.WithValue(ctx, readStateKey{}, readStateOf{facility, rs})
}

// factsVersion is the version carried by ctx for facility, or read.
func factsVersion(ctx context.Context, st store.FactStore, facility string) (int, int64, error) {
	if v, ok := ctx.Value(readStateKey{}).(readStateOf); ok && v.facility == facility {
		return v.rs.Facts.N, v.rs.Facts.Last, nil
	}
	return st.FactRecordsVersion(ctx, facility)
}

// docsVersion is the documents' version carried by ctx for facility.
func docsVersion(ctx context.Context, facility string) (store.DocsVersion, bool) {
	v, ok := ctx.Value(readStateKey{}).(readStateOf)
	if !ok || v.facility != facility {
		return store.DocsVersion{}, false
	}
	return v.rs.Docs, true
}

// continuingCache keeps the defaults found continuing per set of fact
// records, documents (the cached agreement entry), terms and date (the
// terms are cached by StoredTerms, so the pointer names them).
var continuingCache struct {
	sync.Mutex
	m map[continuingKey][]string
}

type continuingKey struct {
	a    *StoredTerms
	e    *agreementEntry
	slug string
	n    int
	last int64
	t    *agreement.Terms
	d    date.Date
	k    time.Time // known at (zero: every record)
}
