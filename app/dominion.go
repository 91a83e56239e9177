package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/springing"
	"revolver/store"
)

// Kinds of trigger periods.
const (
	// DominionCash is a Cash Dominion Period (agreement.CashDominion
	// springing): while it lasts, collections sweep to the loans daily.
	DominionCash = "cash_dominion"
	// DominionCovenant is a Covenant Trigger Period of a springing
	// covenant: the covenant is tested at the period ends inside it.
	DominionCovenant = "covenant_trigger"
	// MinimumExcessAvailability is the minimum excess availability
	// covenant (agreement.AvailabilityCovenant), tested every Business Day
	// by the same evaluation: its "periods" are its failures.
	MinimumExcessAvailability = "minimum_excess_availability"
)

// SpringingTerm is one springing trigger of the terms, as close of
// business evaluates it: Trigger names it in the store ("cash_dominion",
// "covenant:ID"); Unknown, when set, says which term of it is not known
// (the trigger is then not evaluated, and close of business says so).
type SpringingTerm struct {
	Trigger  string
	Kind     string
	Covenant string // the covenant's id, for DominionCovenant
	Rule     springing.Rule
	Unknown  string
}

// springingTerms lists the terms' springing triggers: the cash dominion's,
// then the covenants' in the terms' order.
func springingTerms(t *agreement.Terms) []SpringingTerm {
	var out []SpringingTerm
	add := func(tr *agreement.Trigger, kind, cov string) {
		st := SpringingTerm{Trigger: kind, Kind: kind, Covenant: cov}
		if kind == MinimumExcessAvailability {
			st.Covenant = MinimumExcessAvailability
		}
		if cov != "" {
			st.Trigger = "covenant:" + cov
		}
		r, err := springing.RuleOf(tr)
		if err != nil {
			st.Unknown = err.Error()
		}
		st.Rule = r
		out = append(out, st)
	}
	if cd := t.CashDominion; cd != nil && cd.Springing != nil {
		add(cd.Springing, DominionCash, "")
	}
	for _, c := range t.Covenants {
		if c.Springing != nil {
			add(c.Springing, DominionCovenant, c.ID)
		}
	}
	if m := t.MinimumExcessAvailability; m != nil {
		add(m.Trigger(), MinimumExcessAvailability, "")
	}
	return out
}

// DominionPeriod is a trigger period of a facility: a Cash Dominion
// Period or a springing covenant's Covenant Trigger Period, in effect from
// Start to End (both included; End nil while it lasts), with why it
// started (Reason) and ended (EndReason) and the explanation of both
// (the days, their excess availability and threshold, the clause).
type DominionPeriod struct {
	Kind     string `json:"kind"` // DominionCash or DominionCovenant
	Covenant string `json:"covenant,omitempty"`
	// Trigger is the trigger's name: "cash_dominion" or "covenant:ID".
	Trigger   string        `json:"trigger"`
	Start     date.Date     `json:"start"`
	End       *date.Date    `json:"end"`
	Reason    string        `json:"reason"`
	EndReason string        `json:"end_reason,omitempty"`
	Explain   *explain.Node `json:"explain"`
	// RecordedAt is when the start was recorded (EndRecordedAt the end).
	RecordedAt    time.Time  `json:"recorded_at"`
	EndRecordedAt *time.Time `json:"end_recorded_at,omitempty"`
}

// Until is the period's last day, 0 while it lasts.
func (p DominionPeriod) Until() date.Date {
	if p.End == nil {
		return 0
	}
	return *p.End
}

// In says whether the period is in effect on d.
func (p DominionPeriod) In(d date.Date) bool {
	return p.Start <= d && (p.End == nil || d <= *p.End)
}

// DominionPeriods lists a facility's trigger periods as known at knownAt
// (zero: every record): the periods whose start was recorded by then, each
// ended if its end was recorded by then; by start, then trigger. Close of
// business records them (evaluating each Business Day's excess
// availability against the terms' triggers); EvaluateTriggers records
// them over a range.
func (s *Service) DominionPeriods(ctx context.Context, facility string, knownAt time.Time) ([]DominionPeriod, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	if _, err := s.Store.Facility(ctx, facility); err != nil {
		return nil, err
	}
	evs, err := s.Store.TriggerEvents(ctx, facility, knownAt)
	if err != nil {
		return nil, err
	}
	ps, err := periodsOf(evs)
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if p.Kind != MinimumExcessAvailability {
			out = append(out, p)
		}
	}
	return out, nil
}

// AvailabilityCovenantResult is the minimum excess availability
// covenant's record: the Business Days tested (through TestedThrough) and
// its failures, each from the first day below the minimum (Start) to the
// first day at or above it again (End; nil while it fails), with why.
type AvailabilityCovenantResult struct {
	Facility      string           `json:"facility"`
	Label         string           `json:"label,omitempty"`
	Cite          explain.Cite     `json:"cite"`
	TestedThrough date.Date        `json:"tested_through,omitzero"`
	Failures      []DominionPeriod `json:"failures"`
}

// AvailabilityCovenant is the facility's minimum excess availability
// covenant as tested at close of business every Business Day, its
// failures as known at knownAt (zero: every record); not_found when the
// terms in force on the business date have none.
func (s *Service) AvailabilityCovenant(ctx context.Context, facility string, knownAt time.Time) (AvailabilityCovenantResult, error) {
	res := AvailabilityCovenantResult{Facility: facility, Failures: []DominionPeriod{}}
	if err := authorize(ctx, ActRead, facility); err != nil {
		return res, err
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return res, err
	}
	t, err := s.agreementAt(ctx, facility, bd)
	if err != nil {
		return res, err
	}
	if t == nil || t.MinimumExcessAvailability == nil {
		return res, store.Errorf(store.CodeNotFound, "facility %q has no minimum excess availability covenant in force on %s", facility, bd)
	}
	res.Label, res.Cite = t.MinimumExcessAvailability.Label, t.MinimumExcessAvailability.Cite
	states, err := s.Store.TriggerStates(ctx, []string{facility})
	if err != nil {
		return res, err
	}
	for _, st := range states {
		if st.Trigger == MinimumExcessAvailability {
			res.TestedThrough = st.Day
		}
	}
	evs, err := s.Store.TriggerEvents(ctx, facility, knownAt)
	if err != nil {
		return res, err
	}
	ps, err := periodsOf(evs)
	if err != nil {
		return res, err
	}
	for _, p := range ps {
		if p.Kind == MinimumExcessAvailability {
			res.Failures = append(res.Failures, p)
		}
	}
	return res, nil
}

// periodsOf pairs trigger events into periods.
func periodsOf(evs []store.TriggerEvent) ([]DominionPeriod, error) {
	var out []DominionPeriod
	open := map[string]int{} // trigger → index in out of its open period
	for _, e := range evs {
		var node *explain.Node
		if len(e.Explain) > 0 {
			node = &explain.Node{}
			if err := json.Unmarshal(e.Explain, node); err != nil {
				return nil, fmt.Errorf("trigger event %d: explanation: %w", e.ID, err)
			}
		}
		switch e.Event {
		case store.TriggerStart:
			if _, ok := open[e.Trigger]; ok {
				continue // already in a period (not written by the evaluation)
			}
			p := DominionPeriod{Kind: DominionCash, Trigger: e.Trigger, Start: e.Day, Reason: e.Reason, RecordedAt: e.RecordedAt,
				Explain: &explain.Node{Key: "dominion." + e.Trigger + "." + e.Day.String(), Label: periodLabel(e.Trigger), Value: "from " + e.Day.String()}}
			if cov, ok := strings.CutPrefix(e.Trigger, "covenant:"); ok {
				p.Kind, p.Covenant = DominionCovenant, cov
			} else if e.Trigger == MinimumExcessAvailability {
				p.Kind, p.Covenant = MinimumExcessAvailability, MinimumExcessAvailability
			}
			if node != nil {
				p.Explain.Add(node)
			}
			open[e.Trigger] = len(out)
			out = append(out, p)
		case store.TriggerEnd:
			i, ok := open[e.Trigger]
			if !ok {
				continue
			}
			delete(open, e.Trigger)
			p := &out[i]
			day, at := e.Day, e.RecordedAt
			p.End, p.EndReason, p.EndRecordedAt = &day, e.Reason, &at
			p.Explain.Value = p.Start.String() + ".." + day.String()
			if node != nil {
				p.Explain.Add(node)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].Trigger < out[j].Trigger
	})
	return out, nil
}

func periodLabel(trigger string) string {
	if trigger == MinimumExcessAvailability {
		return "Minimum excess availability not met"
	}
	if cov, ok := strings.CutPrefix(trigger, "covenant:"); ok {
		return "Covenant Trigger Period (" + cov + ")"
	}
	return "Cash Dominion Period"
}

// triggerRecord is a trigger's stored state: the engine's state after the
// day and the day as observed (its excess availability, line cap and
// events of default).
type triggerRecord struct {
	State springing.State `json:"state"`
	Day   springing.Day   `json:"day"`
}

// triggerDay is the facility's Business Day d as the triggers observe it:
// its excess availability and line cap at the close of d (the terms ft in
// force on d, the lender reserves, the certificate in force and the
// postings known at knownAt), and, when needed, the events of default
// continuing on d.
func (s *Service) triggerDay(ctx context.Context, facility string, ft FacilityTerms, d date.Date, knownAt time.Time, defaults bool, read *store.AvailabilityInputs) (springing.Day, error) {
	day := springing.Day{Date: d}
	var in store.AvailabilityInputs
	if read != nil {
		in = *read
	} else {
		var err error
		if in, err = s.Store.AvailabilityInputs(ctx, facility, d, knownAt, false); err != nil {
			return day, err
		}
	}
	a := ledger.ComputeAvailability(limitsOn(ft, d, in, in.Balances, nil))
	day.Determined, day.Measure, day.LineCap = a.Determined, a.Available, a.Limit
	if !a.Determined {
		day.Why = "excess availability is undetermined"
		if a.Certificate == nil {
			day.Why = "no borrowing base certificate was in force and known"
		}
		for _, r := range a.Blocked {
			if r.Code == ledger.ReasonUndetermined {
				day.Why += ": " + r.Message
				break
			}
		}
	}
	if defaults {
		k := knownAt
		if k.Equal(everything) {
			k = time.Time{}
		}
		if _, stored := s.Terms.(*StoredTerms); stored {
			// The defaults engine's one rule, each named with its clause
			// and since when.
			ds, err := s.DefaultsContinuing(ctx, facility, d, k)
			if err != nil {
				return day, err
			}
			for _, x := range ds {
				day.Defaults = append(day.Defaults, fmt.Sprintf("%s (%s %s, %s, since %s)", x.Label, x.Event, x.Clause, x.ID, x.Occurred))
			}
		} else {
			var err error
			if day.Defaults, err = s.defaultsContinuing(ctx, facility, ft, d, k); err != nil {
				return day, err
			}
		}
	}
	return day, nil
}

// triggerWork evaluates one facility's triggers over Business Days.
type triggerWork struct {
	s        *Service
	facility string
	prior    map[string]store.TriggerState // by trigger: the latest stored
	// reserves: the facilities with lender reserve records (close of
	// business reads the records of those only).
	reserves map[string]bool
	now      time.Time
	out      store.Triggers
	// day: close of business's day, whose availability inputs as known now
	// are read for every facility at once (inputs), when first needed.
	day    date.Date
	inputs map[string]store.AvailabilityInputs
}

// inputsOn returns the facility's availability inputs on d as known at
// knownAt when they are those read for every facility (close of
// business's day, as known now), nil when the facility's own read is
// needed.
func (w *triggerWork) inputsOn(ctx context.Context, d date.Date, knownAt time.Time) (*store.AvailabilityInputs, error) {
	if w.day == 0 || d != w.day || !knownAt.Equal(everything) {
		return nil, nil
	}
	if w.inputs == nil {
		all, err := w.s.Store.AvailabilityInputsOn(ctx, d)
		if err != nil {
			return nil, err
		}
		w.inputs = all
	}
	in, ok := w.inputs[w.facility]
	if !ok {
		in = store.AvailabilityInputs{From: d, KnownAt: store.Everything, Balances: ledger.Balances{}}
	}
	return &in, nil
}

// run evaluates the triggers of ft on each Business Day of ft's calendar
// after the trigger's latest stored state (or from from, with none)
// through through, knownAt as the figure's known-at time. A trigger whose
// terms are not known is listed in notes and not evaluated.
func (w *triggerWork) run(ctx context.Context, ft FacilityTerms, from, through date.Date, knownAt func(date.Date) time.Time) (notes []CloseFailure, err error) {
	if len(ft.Springing) == 0 {
		return nil, nil
	}
	needDefaults := false
	for _, sp := range ft.Springing {
		needDefaults = needDefaults || sp.Rule.EventOfDefault
	}
	type evaluation struct {
		sp  SpringingTerm
		st  springing.State
		beg date.Date
	}
	var evs []evaluation
	first := through + 1
	for _, sp := range ft.Springing {
		if sp.Unknown != "" {
			notes = append(notes, CloseFailure{Facility: w.facility, Reason: fmt.Sprintf("%s on %s is not evaluated: %s", periodLabel(sp.Trigger), through, sp.Unknown)})
			continue
		}
		e := evaluation{sp: sp, beg: from}
		if p, ok := w.prior[sp.Trigger]; ok {
			var rec triggerRecord
			if err := json.Unmarshal(p.State, &rec); err != nil {
				return notes, fmt.Errorf("trigger %s state of %s: %w", sp.Trigger, p.Day, err)
			}
			e.st, e.beg = rec.State, p.Day+1
		}
		if e.beg > through {
			continue
		}
		first = min(first, e.beg)
		evs = append(evs, e)
	}
	if len(evs) == 0 {
		return notes, nil
	}
	cal := ft.Calendar
	for d := cal.OnOrAfter(first); d <= through; d = cal.Next(d) {
		k := knownAt(d)
		read, err := w.inputsOn(ctx, d, k)
		if err != nil {
			return notes, fmt.Errorf("%s on %s: %w", periodLabel(evs[0].sp.Trigger), d, err)
		}
		day, err := w.s.triggerDay(ctx, w.facility, ft, d, k, needDefaults, read)
		if err != nil {
			return notes, fmt.Errorf("%s on %s: %w", periodLabel(evs[0].sp.Trigger), d, err)
		}
		for i := range evs {
			e := &evs[i]
			if d < e.beg {
				continue
			}
			var ev *springing.Event
			e.st, ev = e.sp.Rule.Step(e.st, day)
			b, err := json.Marshal(triggerRecord{State: e.st, Day: day})
			if err != nil {
				return notes, err
			}
			w.out.States = append(w.out.States, store.TriggerState{Facility: w.facility, Trigger: e.sp.Trigger, Day: d, State: b, RecordedAt: w.now})
			if ev == nil {
				continue
			}
			x, err := json.Marshal(ev.Explain)
			if err != nil {
				return notes, err
			}
			kind := store.TriggerEnd
			if ev.Start {
				kind = store.TriggerStart
			}
			w.out.Events = append(w.out.Events, store.TriggerEvent{Facility: w.facility, Trigger: e.sp.Trigger, Event: kind, Day: d, Reason: ev.Reason, Explain: x, RecordedAt: w.now})
			if e.sp.Trigger != MinimumExcessAvailability { // a covenant's failure, not a period
				n := DominionEvent(w.facility, e.sp.Trigger, ev.Start, d, ev.Reason)
				n.At, n.Key = w.now, n.Kind+":"+w.facility+":"+n.Subject+":"+d.String()
				w.out.Notify = append(w.out.Notify, n)
			}
		}
	}
	return notes, nil
}

// TriggerEvaluation is what EvaluateTriggers recorded.
type TriggerEvaluation struct {
	Facility string           `json:"facility"`
	Through  date.Date        `json:"through"`
	Days     int              `json:"days"` // trigger states recorded (one per trigger and Business Day)
	Periods  []DominionPeriod `json:"periods"`
	// Undetermined lists the triggers not evaluated and why.
	Undetermined []CloseFailure `json:"undetermined,omitempty"`
}

// EvaluateTriggers evaluates a facility's springing triggers on each
// Business Day after each trigger's latest recorded state (from from when
// none is recorded) through through, as close of business does each day,
// and records the states and the periods they start or end: a history
// (or a backfill) without running close of business. Each day is
// evaluated with the terms in force on it and its excess availability as
// known at the end of its business (KnownAtFor's rule). Days already
// evaluated are not evaluated again. It returns the facility's periods
// after it.
func (s *Service) EvaluateTriggers(ctx context.Context, facility string, from, through date.Date) (TriggerEvaluation, error) {
	res := TriggerEvaluation{Facility: facility, Through: through}
	if err := authorize(ctx, ActCloseOfBusiness, facility); err != nil {
		return res, err
	}
	if from == 0 || through < from {
		return res, invalid("evaluate triggers of %q: from %s through %s: expected from on or before through", facility, from, through)
	}
	prior, err := s.Store.TriggerStates(ctx, []string{facility})
	if err != nil {
		return res, err
	}
	w := &triggerWork{s: s, facility: facility, prior: map[string]store.TriggerState{}, now: s.now()}
	for _, p := range prior {
		w.prior[p.Trigger] = p
	}
	known := func(d date.Date) time.Time {
		k, err := s.KnownAtFor(ctx, facility, d)
		if err != nil {
			return everything
		}
		return readAt(k, w.now)
	}
	// Each span between two changes of the terms is one run.
	spans, err := s.termSpans(ctx, facility, from, through)
	if err != nil {
		return res, err
	}
	for _, sp := range spans {
		ft, err := s.termsOnAt(ctx, facility, sp.from, time.Time{})
		if err != nil {
			return res, err
		}
		lender, err := s.lenderReservesAt(ctx, facility, time.Time{})
		if err != nil {
			return res, err
		}
		ft = ft.withLender(lender)
		notes, err := w.run(ctx, ft, sp.from, sp.through, known)
		if err != nil {
			return res, err
		}
		res.Undetermined = append(res.Undetermined, notes...)
		// What was evaluated is the prior of the next span.
		for _, st := range w.out.States {
			w.prior[st.Trigger] = st
		}
	}
	res.Days = len(w.out.States)
	if len(w.out.States) > 0 {
		if err := s.Store.AppendTriggers(ctx, w.out); err != nil {
			return res, err
		}
	}
	res.Periods, err = s.DominionPeriods(ctx, facility, time.Time{})
	return res, err
}

// triggerJob is a facility of a close of business run and its terms in
// force on the day closed (err: they could not be read).
type triggerJob struct {
	st  store.AccrualState
	ft  FacilityTerms
	err error
}

// work evaluates, for close of business through through, the springing
// triggers of each facility jobs sends (dominion.go's closeFacility),
// after reading the triggers' latest states and the facilities with
// lender reserves once. It returns the facilities whose triggers could
// not be evaluated; an error when the reads fail.
func (w *triggerWork) work(ctx context.Context, through date.Date, jobs <-chan triggerJob) ([]CloseFailure, error) {
	var notes []CloseFailure
	prior, err := w.s.Store.TriggerStates(ctx, nil)
	if err == nil {
		var rf []string
		if rf, err = w.s.Store.ReserveFacilities(ctx); err == nil {
			for _, f := range rf {
				w.reserves[f] = true
			}
		}
	}
	priorOf := make(map[string][]store.TriggerState, len(prior))
	for _, p := range prior {
		priorOf[p.Facility] = append(priorOf[p.Facility], p)
	}
	for j := range jobs {
		if err != nil {
			continue // drained: the run fails
		}
		clear(w.prior)
		for _, p := range priorOf[j.st.Facility] {
			w.prior[p.Trigger] = p
		}
		notes = append(notes, w.closeFacility(ctx, j, through)...)
	}
	return notes, err
}

// closeFacility evaluates the springing triggers of the job's facility
// (its terms in force on through) on each Business Day not yet evaluated:
// from the day after the latest recorded state, or, for a trigger with
// none, from the first day the run accrues (through when it accrues
// none). Everything is known at the run's time. A facility whose
// triggers cannot be evaluated is listed in notes (nothing of it is
// recorded); the run goes on.
func (w *triggerWork) closeFacility(ctx context.Context, j triggerJob, through date.Date) []CloseFailure {
	st, ft := j.st, j.ft
	from := through
	if st.AccruedThrough != 0 && st.AccruedThrough < through {
		from = st.AccruedThrough + 1
	}
	fail := func(err error) []CloseFailure {
		return []CloseFailure{{Facility: st.Facility, Reason: "springing triggers through " + through.String() + " not evaluated: " + err.Error()}}
	}
	if j.err != nil {
		return fail(j.err)
	}
	// Each span between two changes of the terms is evaluated with the
	// terms in force in it: a run catching up several days may cross an
	// amendment. The last span's terms are the job's (those of through).
	spans := []termSpan{{from, through}}
	if from < through {
		var err error
		if spans, err = w.s.termSpans(ctx, st.Facility, from, through); err != nil {
			return fail(err)
		}
	}
	if len(spans) == 1 && len(ft.Springing) == 0 {
		return nil
	}
	var lender []LenderReserve
	reserves := w.reserves[st.Facility]
	if reserves {
		var err error
		if lender, err = w.s.lenderReservesAt(ctx, st.Facility, time.Time{}); err != nil {
			return fail(err)
		}
	}
	w.facility = st.Facility
	n := len(w.out.States)
	m := len(w.out.Events)
	var notes []CloseFailure
	for i, sp := range spans {
		sft := ft
		var err error
		if i < len(spans)-1 {
			sft, err = w.s.termsOnAt(ctx, st.Facility, sp.from, time.Time{})
		}
		if err == nil {
			if reserves {
				sft = sft.withLender(lender)
			}
			var ns []CloseFailure
			ns, err = w.run(ctx, sft, sp.from, sp.through, func(date.Date) time.Time { return everything })
			notes = append(notes, ns...)
		}
		if err != nil {
			// Nothing of the facility is recorded.
			w.out.States, w.out.Events = w.out.States[:n], w.out.Events[:m]
			return append(notes, fail(err)...)
		}
		// What was evaluated is the prior of the next span.
		for _, x := range w.out.States[n:] {
			w.prior[x.Trigger] = x
		}
	}
	return notes
}

// termSpan is a run of days in which a facility's terms do not change.
type termSpan struct{ from, through date.Date }

// termSpans splits from..through at the dates the facility's terms change
// (TermDates), or into single days when the Terms source does not list
// them.
func (s *Service) termSpans(ctx context.Context, facility string, from, through date.Date) ([]termSpan, error) {
	td, dated := s.Terms.(TermDates)
	var changes []date.Date
	if dated {
		var err error
		if changes, err = td.TermDates(ctx, facility); err != nil {
			return nil, fmt.Errorf("terms: %w", err)
		}
	}
	var out []termSpan
	for d := from; d <= through; {
		end := d
		if dated {
			end = through
			for _, c := range changes {
				if c > d && c-1 < end {
					end = c - 1
				}
			}
		}
		out = append(out, termSpan{d, end})
		d = end + 1
	}
	return out, nil
}

// covenantTriggers gives the covenant engine the facility's Covenant
// Trigger Periods as known at knownAt (zero: every record): a period end
// is known to be in one or not once close of business (or
// EvaluateTriggers) has evaluated the covenant's trigger through it.
func (s *Service) covenantTriggers(ctx context.Context, facility string, knownAt time.Time) (covenant.TriggerPeriods, error) {
	states, err := s.Store.TriggerStates(ctx, []string{facility})
	if err != nil {
		return nil, err
	}
	evs, err := s.Store.TriggerEvents(ctx, facility, knownAt)
	if err != nil {
		return nil, err
	}
	ps, err := periodsOf(evs)
	if err != nil {
		return nil, err
	}
	through := map[string]date.Date{}
	for _, st := range states {
		through[st.Trigger] = st.Day
	}
	byCov := map[string][]springing.Period{}
	for _, p := range ps {
		if p.Kind == DominionCovenant {
			byCov[p.Covenant] = append(byCov[p.Covenant], springing.Period{Start: p.Start, End: p.End, StartReason: p.Reason, EndReason: p.EndReason})
		}
	}
	return func(cov string, periodEnd date.Date) ([]springing.Period, bool, string) {
		t, ok := through[DominionTrigger(cov)]
		switch {
		case !ok:
			return nil, false, "its trigger has not been evaluated (close of business evaluates it each Business Day)"
		case t < periodEnd:
			return nil, false, "its trigger is evaluated through " + t.String() + " only"
		}
		return byCov[cov], true, ""
	}, nil
}

// DominionTrigger is the trigger name of a springing covenant.
func DominionTrigger(covenant string) string { return "covenant:" + covenant }
