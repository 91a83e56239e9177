package defaults

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/calendar"
	"revolver/date"
)

// Deadline statuses.
const (
	StatusMet          = "met"          // done by the due date
	StatusLate         = "late"         // done, after the due date
	StatusDue          = "due"          // due on the as-of date, or a window open on it
	StatusOverdue      = "overdue"      // not done and the due date has passed
	StatusComing       = "coming"       // not done, due later
	StatusUndetermined = "undetermined" // the terms or facts do not say; Reason says why
	StatusPending      = "pending"      // the trigger is not yet effective
)

// Deadline kinds.
const (
	KindObligation   = "obligation"
	KindNoticeCopy   = "notice_copy"
	KindInsurance    = "insurance_renewal"
	KindInsuranceDef = "insurance_terms"
	KindUCC          = "ucc_continuation"
	KindTermination  = "termination"
	KindReport       = "report"
	KindFee          = "fee"
	KindClosing      = "closing"
)

// Deadline is something due by a date, with its clause and how it was derived.
type Deadline struct {
	ID    string `json:"id"` // stable: kind, term id and the fact it derives from
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Party string `json:"party,omitempty"`
	// Opens: when a window opens (UCC continuation) or the item is first listed (renewal).
	Opens date.Date `json:"opens,omitempty"`
	// Date is the date as counted; Due is Date moved by the business-day convention.
	Date   date.Date `json:"date,omitempty"`
	Due    date.Date `json:"due,omitempty"`
	Status string    `json:"status"`
	Done   date.Date `json:"done,omitempty"`
	Rule   string    `json:"rule"`
	// Reason: why the deadline is undetermined or pending.
	Reason      string         `json:"reason,omitempty"`
	Assumption  string         `json:"assumption,omitempty"`
	Consequence string         `json:"consequence,omitempty"`
	Ref         string         `json:"ref,omitempty"` // the fact it derives from
	Cite        agreement.Cite `json:"cite"`
}

// engine holds one evaluation.
type engine struct {
	t        *agreement.Terms
	f        Facts
	asOf     date.Date
	s        Setup
	loc      *time.Location
	knownAt  time.Time // zero: everything recorded
	effects  map[string]Effect
	problems []Problem
}

// newEngine evaluates f as known at knownAt (Facts.KnownAt) on asOf.
func newEngine(t *agreement.Terms, f Facts, asOf date.Date, knownAt time.Time, loc *time.Location) (*engine, error) {
	s, err := SetupOf(t)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		loc = time.UTC
	}
	f = f.KnownAt(knownAt)
	e := &engine{t: t, f: f, asOf: asOf, s: s, loc: loc, knownAt: knownAt, effects: map[string]Effect{}}
	seen := map[string]bool{}
	for _, n := range f.Notices {
		if n.ID == "" {
			return nil, fmt.Errorf("a notice without an id (subject %q)", n.Subject)
		}
		if seen[n.ID] {
			return nil, fmt.Errorf("notice %s: recorded twice", n.ID)
		}
		seen[n.ID] = true
		eff, err := Effective(t.Notices, s.Calendar, loc, n)
		if err != nil {
			return nil, err
		}
		e.effects[n.ID] = eff
		for _, p := range []string{n.From, n.To} {
			if p != "" && !hasParty(t, p) {
				e.problem(n.ID, "notice %s names party %q, not a party of the terms on %s", n.ID, p, asOf)
			}
		}
	}
	return e, nil
}

func hasParty(t *agreement.Terms, id string) bool {
	for _, p := range t.Parties {
		if p.ID == id {
			return true
		}
	}
	return false
}

// sentBy reports whether the notice was sent on or before the as-of date.
func (e *engine) sentBy(n Notice) bool { return date.FromTime(n.Sent.In(e.loc)) <= e.asOf }

// effectiveOn returns the date a recorded notice takes effect, if it does by the as-of date.
func (e *engine) effectiveOn(n Notice) (date.Date, bool) {
	eff := e.effects[n.ID]
	if !e.sentBy(n) || !eff.Effective || eff.Date > e.asOf {
		return 0, false
	}
	return eff.Date, true
}

func (e *engine) adjust(d date.Date, conv calendar.Convention) date.Date {
	return e.s.Calendar.Adjust(d, conv)
}

func status(asOf, due, done date.Date) string {
	if done != 0 && done <= asOf {
		if done <= due {
			return StatusMet
		}
		return StatusLate
	}
	switch {
	case asOf < due:
		return StatusComing
	case asOf == due:
		return StatusDue
	}
	return StatusOverdue
}

// Deadlines derives, for the as-of date, the deadlines of the terms (as of
// that date) and the recorded facts: due, overdue, coming, met, and those
// undetermined with the reason. loc is the facility's zone.
func Deadlines(t *agreement.Terms, f Facts, asOf date.Date, loc *time.Location) ([]Deadline, []Problem, error) {
	e, err := newEngine(t, f, asOf, time.Time{}, loc)
	if err != nil {
		return nil, nil, err
	}
	ds := e.deadlines()
	return ds, e.problems, nil
}

func (e *engine) deadlines() []Deadline {
	var ds []Deadline
	ds = append(ds, e.obligations()...)
	ds = append(ds, e.noticeCopies()...)
	ds = append(ds, e.insurance()...)
	ds = append(ds, e.ucc()...)
	ds = append(ds, e.termination()...)
	ds = append(ds, e.reports()...)
	ds = append(ds, e.fees()...)
	ds = append(ds, e.closing()...)
	for i := range ds {
		if ds[i].Status == StatusOverdue && ds[i].Done == 0 && ds[i].Reason == "" {
			ds[i].Reason = "nothing recorded as done by the due date"
		}
	}
	sortDeadlines(ds)
	return ds
}

func sortDeadlines(ds []Deadline) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if (a.Due == 0) != (b.Due == 0) {
			return a.Due != 0
		}
		if a.Due != b.Due {
			return a.Due < b.Due
		}
		return a.ID < b.ID
	})
}

// trigger is one occurrence an obligation counts from.
type trigger struct {
	id, desc string
	date     date.Date
	pending  string
}

func (e *engine) triggers(ref string, future bool) []trigger {
	kind, name, _ := strings.Cut(ref, ":")
	var out []trigger
	switch kind {
	case "event":
		for _, ev := range e.f.Events {
			if ev.Kind == name && (future || ev.Date <= e.asOf) {
				out = append(out, trigger{id: ev.ID, date: ev.Date, desc: fmt.Sprintf("%s %s on %s", name, ev.ID, ev.Date)})
			}
		}
	case "notice":
		for _, n := range e.f.Notices {
			if n.Subject != name || !e.sentBy(n) {
				continue
			}
			eff := e.effects[n.ID]
			if d, ok := e.effectiveOn(n); ok {
				out = append(out, trigger{id: n.ID, date: d, desc: fmt.Sprintf("notice %s (%s) effective %s: %s", n.ID, name, d, eff.Rule)})
			} else if !eff.Effective {
				out = append(out, trigger{id: n.ID, pending: fmt.Sprintf("notice %s (%s) not yet effective: %s", n.ID, name, eff.Pending)})
			} else {
				out = append(out, trigger{id: n.ID, pending: fmt.Sprintf("notice %s (%s) takes effect on %s", n.ID, name, eff.Date), date: eff.Date})
			}
		}
	}
	return out
}

// done finds the first fact matching ref ("event:K" or "notice:S") dated on
// or after from and by the as-of date, for the trigger id (facts with an
// empty Ref match any trigger).
func (e *engine) done(ref string, from date.Date, trig string) (date.Date, string) {
	kind, name, _ := strings.Cut(ref, ":")
	var best date.Date
	var desc string
	consider := func(d date.Date, s string) {
		if d >= from && d <= e.asOf && (best == 0 || d < best) {
			best, desc = d, s
		}
	}
	switch kind {
	case "event":
		for _, ev := range e.f.Events {
			if ev.Kind == name && (trig == "" || ev.Ref == "" || ev.Ref == trig) {
				consider(ev.Date, fmt.Sprintf("%s %s on %s", name, ev.ID, ev.Date))
			}
		}
	case "notice":
		for _, n := range e.f.Notices {
			if n.Subject != name || !(trig == "" || n.Ref == "" || n.Ref == trig) {
				continue
			}
			if d, ok := e.effectiveOn(n); ok {
				consider(d, fmt.Sprintf("notice %s effective %s", n.ID, d))
			}
		}
	}
	return best, desc
}

func (e *engine) obligations() []Deadline {
	var out []Deadline
	for _, o := range e.t.Schedule.Obligations {
		base := Deadline{Kind: KindObligation, Label: o.Label, Party: o.Party, Consequence: o.Consequence, Cite: o.Cite}
		if !o.Days.Known() {
			d := base
			d.ID, d.Status, d.Reason = "obligation:"+o.ID, StatusUndetermined, "the number of days is unknown: "+o.Days.Unknown
			out = append(out, d)
			continue
		}
		days := o.Days.Value
		if o.From != nil {
			d := base
			d.ID = "obligation:" + o.ID
			if !o.From.Known() {
				d.Status, d.Reason = StatusUndetermined, "the date it counts from is unknown: "+o.From.Unknown
				out = append(out, d)
				continue
			}
			d.Date = o.From.Value.AddDays(days)
			d.Due = e.adjust(d.Date, e.s.Convention)
			d.Rule = fmt.Sprintf("within %d days of %s (%s)%s", days, o.From.Value, citeText(o.Cite), e.moved(d.Date, d.Due))
			done, desc := e.done(o.DoneBy, o.From.Value, "")
			d.Done, d.Status = done, status(e.asOf, d.Due, done)
			if desc != "" {
				d.Rule += "; done: " + desc
			}
			out = append(out, d)
			continue
		}
		future := o.Timing == agreement.Before
		for _, tr := range e.triggers(o.Trigger, future) {
			d := base
			d.ID, d.Ref = "obligation:"+o.ID+":"+tr.id, tr.id
			if tr.pending != "" && o.Timing == agreement.After {
				d.Status, d.Reason = StatusPending, tr.pending
				if tr.date != 0 {
					d.Date = tr.date.AddDays(days)
					d.Due = e.adjust(d.Date, e.s.Convention)
				}
				d.Rule = fmt.Sprintf("within %d days after %s (%s)", days, o.Trigger, citeText(o.Cite))
				out = append(out, d)
				continue
			}
			if o.Timing == agreement.Before {
				d.Date = tr.date.AddDays(-days)
				d.Due = e.adjust(d.Date, calendar.Preceding)
				d.Rule = fmt.Sprintf("at least %d days' prior written notice before %s (%s): effective by %s%s", days, tr.desc, citeText(o.Cite), d.Date, e.moved(d.Date, d.Due))
				done, desc := e.done(o.DoneBy, 0, tr.id)
				d.Done, d.Status = done, status(e.asOf, d.Due, done)
				if desc != "" {
					d.Rule += "; given: " + desc
				}
			} else {
				d.Date = tr.date.AddDays(days)
				d.Due = e.adjust(d.Date, e.s.Convention)
				if days == 0 {
					d.Rule = fmt.Sprintf("immediately upon %s (%s)", tr.desc, citeText(o.Cite))
				} else {
					d.Rule = fmt.Sprintf("within %d days after %s (%s)%s", days, tr.desc, citeText(o.Cite), e.moved(d.Date, d.Due))
				}
				done, desc := e.done(o.DoneBy, tr.date, tr.id)
				d.Done, d.Status = done, status(e.asOf, d.Due, done)
				if desc != "" {
					d.Rule += "; done: " + desc
				}
			}
			out = append(out, d)
		}
	}
	return out
}

// moved explains a due date moved by the convention.
func (e *engine) moved(d, due date.Date) string {
	if d == due {
		return ""
	}
	why, _ := e.s.Calendar.Closed(d)
	return fmt.Sprintf("; %s is not a Business Day (%s), moved to %s", dayName(d), why, dayName(due))
}

func (e *engine) noticeCopies() []Deadline {
	var out []Deadline
	for _, n := range e.f.Notices {
		eff := e.effects[n.ID]
		if eff.CopyBy == "" || !e.sentBy(n) {
			continue
		}
		sent := date.FromTime(eff.Sent)
		d := Deadline{ID: "notice:" + n.ID + ":copy", Kind: KindNoticeCopy, Ref: n.ID, Party: n.From,
			Label: fmt.Sprintf("Copy of the %s notice %s (%s) by %s", n.Method, n.ID, n.Subject, eff.CopyBy),
			Date:  sent, Due: sent, Cite: eff.Cite,
			Rule:       fmt.Sprintf("a notice by %s needs a copy by %s (%s)", n.Method, eff.CopyBy, citeText(eff.Cite)),
			Assumption: "the clause sets no time for the copy; revolver expects it deposited on the day of the " + n.Method}
		var done date.Date
		if n.CourierCopy != nil {
			done = date.FromTime(n.CourierCopy.In(e.loc))
			d.Rule += "; deposited " + done.String()
		}
		d.Done, d.Status = done, status(e.asOf, d.Due, done)
		out = append(out, d)
	}
	return out
}

func (e *engine) termination() []Deadline {
	td := e.t.TerminationDate
	d := Deadline{ID: "termination", Kind: KindTermination, Party: "borrower", Cite: td.Cite,
		Label: "Termination Date: no advance after it; all Obligations due"}
	if !td.Known() {
		d.Status, d.Reason = StatusUndetermined, "the Termination Date is unknown: "+td.Unknown
		return []Deadline{d}
	}
	d.Date = td.Value
	d.Due = e.adjust(td.Value, e.s.Convention)
	d.Rule = fmt.Sprintf("Termination Date %s (%s)%s", td.Value, citeText(td.Cite), e.moved(d.Date, d.Due))
	done, desc := e.done("event:obligations_paid", 0, "")
	if done == 0 && e.f.OutstandingAtTermination != nil && *e.f.OutstandingAtTermination == 0 && e.asOf >= d.Due {
		done = d.Due
		desc = "nothing outstanding at the Termination Date"
	}
	d.Done, d.Status = done, status(e.asOf, d.Due, done)
	if desc != "" {
		d.Rule += "; " + desc
	}
	return []Deadline{d}
}

func (e *engine) fees() []Deadline {
	var out []Deadline
	for _, f := range e.t.Fees {
		if f.Due == nil {
			continue
		}
		d := Deadline{ID: "fee:" + f.ID, Kind: KindFee, Party: "borrower", Cite: f.Cite, Label: f.Label}
		if f.Amount.Known() {
			d.Label += " " + f.Amount.Value.Grouped()
		}
		if !f.Due.Known() {
			d.Status, d.Reason = StatusUndetermined, "the due date is unknown: "+f.Due.Unknown
			out = append(out, d)
			continue
		}
		d.Date = f.Due.Value
		d.Due = e.adjust(d.Date, e.s.Convention)
		d.Assumption = f.Due.Assumption
		d.Rule = fmt.Sprintf("due %s (%s)%s", d.Date, citeText(f.Cite), e.moved(d.Date, d.Due))
		done, desc := e.done("event:fee_paid", 0, f.ID)
		d.Done, d.Status = done, status(e.asOf, d.Due, done)
		if desc != "" {
			d.Rule += "; paid: " + desc
		}
		out = append(out, d)
	}
	return out
}

func (e *engine) closing() []Deadline {
	var out []Deadline
	for _, c := range e.t.Schedule.Closing {
		d := Deadline{ID: "closing:" + c.ID, Kind: KindClosing, Party: c.Party, Cite: c.Cite, Label: "Closing document: " + c.Label}
		if !c.Due.Known() {
			d.Status, d.Reason = StatusUndetermined, "the due date is unknown: "+c.Due.Unknown
			out = append(out, d)
			continue
		}
		d.Date, d.Due = c.Due.Value, c.Due.Value
		d.Rule = fmt.Sprintf("to be delivered by %s (%s)", d.Due, citeText(c.Cite))
		var done date.Date
		switch {
		case c.Delivered != nil && c.Delivered.Known():
			done = c.Delivered.Value
			d.Rule += "; delivered " + done.String()
			d.Assumption = c.Delivered.Assumption
		default:
			if dd, desc := e.done("event:delivered", 0, c.ID); dd != 0 {
				done = dd
				d.Rule += "; delivered: " + desc
			} else if c.Delivered != nil && !c.Delivered.Known() {
				d.Status, d.Reason = StatusUndetermined, "delivery unknown: "+c.Delivered.Unknown
				out = append(out, d)
				continue
			}
		}
		d.Done, d.Status = done, status(e.asOf, d.Due, done)
		out = append(out, d)
	}
	return out
}
