package defaults

import (
	"fmt"
	"sort"
	"strings"

	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/money"
)

// Default lifecycle stages.
const (
	StageOccurred    = "occurred"
	StageNotice      = "notice_given"
	StageCured       = "cured"
	StageWaived      = "waived"
	StageAccelerated = "accelerated"
)

// SubjectDefault is the subject of a notice of an Event of Default.
const SubjectDefault = "event_of_default"

// Default is an Event of Default that occurred, with its lifecycle as of the
// date: occurred → notice given → continuing → cured or waived (or
// accelerated), each step with who, when and the clause.
type Default struct {
	ID        string        `json:"id"`    // stable: rule and what it concerns, or the record id
	Event     string        `json:"event"` // the events_of_default id of the terms
	Clause    string        `json:"clause"`
	Label     string        `json:"label"`
	Detection string        `json:"detection"` // rule or record
	Occurred  date.Date     `json:"occurred"`
	Detail    string        `json:"detail"`
	Basis     []string      `json:"basis,omitempty"` // the facts it rests on
	Amount    *money.Amount `json:"amount,omitempty"`
	Covenant  string        `json:"covenant,omitempty"`
	Period    date.Date     `json:"period,omitempty"`
	// RecordedBy and RecordedAt: who recorded the fact it rests on (the
	// default record, the failing covenant result) and when it became known.
	RecordedBy string    `json:"recorded_by,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
	Status     string    `json:"status"` // the latest stage
	// Continuing: neither cured nor waived on the as-of date, as known at
	// the known-at time; Why says so in words.
	Continuing bool   `json:"continuing"`
	Why        string `json:"why"`
	// Notice: the notice of the default (§7.2) and when it took effect.
	Notice      *NoticeStep `json:"notice,omitempty"`
	Cured       date.Date   `json:"cured,omitempty"`
	Waived      date.Date   `json:"waived,omitempty"`
	Waiver      *Waiver     `json:"waiver,omitempty"`
	Accelerated date.Date   `json:"accelerated,omitempty"`
	// Pending: requests to end it waiting for a second person; until one
	// is approved the default continues.
	Pending []Request `json:"pending,omitempty"`
	History []Stage   `json:"history"`
	// Assumption: the event of default is an assumption of the terms, not
	// the documents' text (e.g. an event under a clause not held), and why.
	Assumption string         `json:"assumption,omitempty"`
	Cite       agreement.Cite `json:"cite"`

	cure *Stage // a cure found by rule (a passing covenant result), with who approved it
}

// NoticeStep is the notice of a default.
type NoticeStep struct {
	Notice    string    `json:"notice"`
	Under     string    `json:"under"`
	Effective date.Date `json:"effective"`
	Rule      string    `json:"rule"`
}

// Stage is one step of a default's lifecycle: when it is dated, who did or
// asked for it (By), who approved it when a second person must (ApprovedBy),
// when it was recorded (At) and the clause (Cite).
type Stage struct {
	Stage      string          `json:"stage"`
	Date       date.Date       `json:"date"`
	Ref        string          `json:"ref,omitempty"`
	Note       string          `json:"note,omitempty"`
	By         string          `json:"by,omitempty"`
	ApprovedBy string          `json:"approved_by,omitempty"`
	At         *time.Time      `json:"at,omitempty"`
	Cite       *agreement.Cite `json:"cite,omitempty"`
}

// Defaults is the one rule of the events of default: those that occurred on
// or before asOf, found by rule (covenant results, uncured overadvances,
// nothing repaid at termination, cross-default) or by record, as known at
// knownAt (Facts.KnownAt; zero: every fact), each with its lifecycle, whether
// it continues and why. A cure or a waiver ends a default only when a second
// person approved it; so does a passing covenant result recorded over a
// failing one.
func Defaults(t *agreement.Terms, f Facts, asOf date.Date, knownAt time.Time, loc *time.Location) ([]Default, []Problem, error) {
	e, err := newEngine(t, f, asOf, knownAt, loc)
	if err != nil {
		return nil, nil, err
	}
	ds := e.defaults(e.deadlines())
	return ds, e.problems, nil
}

// Continuing lists the ids of the defaults that continue.
func Continuing(ds []Default) []string {
	out := []string{}
	for _, d := range ds {
		if d.Continuing {
			out = append(out, d.ID)
		}
	}
	return out
}

// twoPeople: a step that ends a default has a requester and a different approver.
func twoPeople(requested, approved string) bool {
	return requested != "" && approved != "" && requested != approved
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (e *engine) problem(ref, format string, a ...any) {
	e.problems = append(e.problems, Problem{Ref: ref, Message: fmt.Sprintf(format, a...)})
}

func (e *engine) eventsByRule(rule string) []agreement.EventOfDefault {
	var out []agreement.EventOfDefault
	for _, ev := range e.t.EventsOfDefault {
		if ev.Rule == rule {
			out = append(out, ev)
		}
	}
	return out
}

func fromEvent(ev agreement.EventOfDefault) Default {
	return Default{Event: ev.ID, Clause: ev.Clause, Label: ev.Label, Detection: ev.Detection, Assumption: ev.Assumption, Cite: ev.Cite}
}

func (e *engine) defaults(deadlines []Deadline) []Default {
	var ds []Default
	ds = append(ds, e.covenantDefaults()...)
	ds = append(ds, e.overadvanceDefaults()...)
	ds = append(ds, e.terminationDefaults(deadlines)...)
	ds = append(ds, e.obligationDefaults(deadlines)...)
	ds = append(ds, e.crossDefaults()...)
	ds = append(ds, e.recordedDefaults()...)
	var kept []Default
	for _, d := range ds {
		if d.Occurred <= e.asOf {
			kept = append(kept, d)
		}
	}
	ids := map[string]bool{}
	for _, d := range kept {
		ids[d.ID] = true
	}
	for _, a := range e.f.Actions {
		if !ids[a.Default] {
			e.problem(a.ID, "action %s (%s) names default %q, which has not occurred on %s", a.ID, a.Kind, a.Default, e.asOf)
		}
	}
	for _, n := range e.f.Notices {
		if n.Subject == SubjectDefault && n.Default != "" && !ids[n.Default] && e.sentBy(n) {
			e.problem(n.ID, "notice %s names default %q, which has not occurred on %s", n.ID, n.Default, e.asOf)
		}
	}
	for i := range kept {
		e.lifecycle(&kept[i])
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].Occurred != kept[j].Occurred {
			return kept[i].Occurred < kept[j].Occurred
		}
		return kept[i].ID < kept[j].ID
	})
	return kept
}

// covenantDefaults reads each covenant and period's results in the order
// recorded: the first failing result is the event of default (occurred at
// the period end); a later passing result cures it from its date only when a
// second person approved it (restated statements a lender accepted, a result
// a second lender approved); a failing result after a cure opens it again.
func (e *engine) covenantDefaults() []Default {
	evs := e.eventsByRule("covenant_failed")
	if len(evs) == 0 {
		return nil
	}
	var order []string
	groups := map[string][]CovenantResult{}
	for _, r := range e.f.CovenantResults {
		key := r.Covenant + ":" + r.PeriodEnd.String()
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], r)
	}
	var out []Default
	for _, key := range order {
		var d *Default
		failing := false
		for _, r := range groups[key] {
			requester := r.RequestedBy
			if requester == "" {
				requester = r.RecordedBy
			}
			if r.Undetermined != "" {
				e.problem("covenant:"+key, "covenant %s for the period ended %s could not be tested: %s", r.Covenant, r.PeriodEnd, r.Undetermined)
				continue
			}
			figures := ""
			if r.Actual != "" || r.Required != "" {
				figures = fmt.Sprintf(": actual %s, required %s", r.Actual, r.Required)
			}
			basis := "covenant result " + r.Covenant + " " + r.PeriodEnd.String()
			if r.Basis != "" {
				basis += " (" + r.Basis + ")"
			}
			if !r.Pass {
				if d == nil {
					x := fromEvent(evs[0])
					x.ID = "covenant_failed:" + key
					x.Occurred, x.Covenant, x.Period = r.PeriodEnd, r.Covenant, r.PeriodEnd
					x.RecordedBy, x.RecordedAt = requester, r.RecordedAt
					x.Basis = []string{basis}
					d = &x
				} else {
					if d.Cured != 0 {
						d.Cured, d.cure = 0, nil
					}
					d.Basis = append(d.Basis, "fails again: "+basis)
				}
				d.Detail = fmt.Sprintf("%s failed for the period ended %s%s", r.Covenant, r.PeriodEnd, figures)
				failing = true
				continue
			}
			if !failing {
				continue
			}
			if !twoPeople(requester, r.ApprovedBy) {
				by := requester
				if by == "" {
					by = "no one named"
				}
				e.problem("covenant:"+key, "covenant %s for the period ended %s: the passing result recorded by %s is not applied; a passing result over a failing test ends the event of default only when a second person approves it", r.Covenant, r.PeriodEnd, by)
				continue
			}
			on := r.On
			if on == 0 && !r.RecordedAt.IsZero() {
				on = date.FromTime(r.RecordedAt.In(e.loc))
			}
			if on == 0 {
				on = r.PeriodEnd
			}
			d.Cured = on
			d.cure = &Stage{Stage: StageCured, Date: on, Note: fmt.Sprintf("%s passes for the period ended %s%s", r.Covenant, r.PeriodEnd, figures) + paren(r.Basis),
				By: requester, ApprovedBy: r.ApprovedBy, At: timePtr(r.RecordedAt)}
			d.Basis = append(d.Basis, "passes: "+basis)
			failing = false
		}
		if d != nil {
			out = append(out, *d)
		}
	}
	return out
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// overadvanceDefaults: loans above the Borrowing Base after a casualty
// exclusion not cured within the cure days after the bank's notice.
func (e *engine) overadvanceDefaults() []Default {
	evs := e.eventsByRule("overadvance_uncured")
	if len(evs) == 0 {
		return nil
	}
	cure := e.t.Overadvance.CureDays
	var out []Default
	for _, n := range e.f.Notices {
		if n.Subject != "casualty_overadvance" {
			continue
		}
		eff, ok := e.effectiveOn(n)
		if !ok {
			continue
		}
		if !cure.Known() {
			e.problem(n.ID, "notice %s: the cure period for loans above the Borrowing Base is unknown: %s", n.ID, cure.Unknown)
			continue
		}
		deadline := e.adjust(eff.AddDays(cure.Value), e.s.Convention)
		cured, desc := e.done("event:casualty_cure", eff, n.ID)
		if cured != 0 && cured <= deadline {
			continue
		}
		d := fromEvent(evs[0])
		d.ID = "overadvance_uncured:" + n.ID
		d.Occurred = deadline + 1
		d.Detail = fmt.Sprintf("loans above the Borrowing Base after the casualty notice %s (effective %s) not paid down or re-collateralised within %d days, by %s", n.ID, eff, cure.Value, deadline)
		d.Basis = []string{"notice " + n.ID + ": " + e.effects[n.ID].Rule, fmt.Sprintf("cure period %d days (%s)", cure.Value, citeText(cure.Cite))}
		if cured != 0 {
			d.Cured = cured
			d.Basis = append(d.Basis, "cured late: "+desc)
		}
		out = append(out, d)
	}
	return out
}

func (e *engine) terminationDefaults(deadlines []Deadline) []Default {
	evs := e.eventsByRule("unpaid_at_termination")
	if len(evs) == 0 {
		return nil
	}
	for _, dl := range deadlines {
		if dl.ID != "termination" || dl.Due == 0 || e.asOf <= dl.Due {
			continue
		}
		if dl.Status == StatusMet {
			return nil
		}
		if e.f.OutstandingAtTermination == nil {
			if dl.Done == 0 {
				e.problem("termination", "the Termination Date %s has passed and no payment in full is recorded, but the amount outstanding at the Termination Date is not given", dl.Due)
			}
			return nil
		}
		amt := *e.f.OutstandingAtTermination
		if amt == 0 {
			return nil
		}
		d := fromEvent(evs[0])
		d.ID = "unpaid_at_termination"
		d.Occurred = dl.Due + 1
		d.Amount = &amt
		d.Detail = fmt.Sprintf("%s outstanding and not repaid on the Termination Date %s", amt.Grouped(), dl.Due)
		d.Basis = []string{dl.Rule}
		if dl.Done != 0 {
			d.Cured = dl.Done
		}
		return []Default{d}
	}
	return nil
}

// OccursWithoutFacts reports whether an event of default of the terms can
// occur with no fact recorded: one with the rule obligation_overdue, whose
// deadlines come from the terms alone (a fee due, costs within days of a
// date). Without one, no fact means no event of default.
func OccursWithoutFacts(t *agreement.Terms) bool {
	return len((&engine{t: t}).eventsByRule("obligation_overdue")) > 0
}

// obligationDefaults: for each event of default with the rule
// obligation_overdue, every deadline of the borrower under the event's
// document (its fees, obligations and closing documents, cited to that
// document) not met by its due date is an event of default, occurring the
// day after the due date; performed late, it is cured on the day performed.
// A deadline the engine cannot determine is not a default.
func (e *engine) obligationDefaults(deadlines []Deadline) []Default {
	var out []Default
	for _, ev := range e.eventsByRule("obligation_overdue") {
		for _, dl := range deadlines {
			if dl.Party != "borrower" || dl.Cite.Document != ev.Document || dl.Due == 0 {
				continue
			}
			if dl.Status != StatusOverdue && dl.Status != StatusLate {
				continue
			}
			d := fromEvent(ev)
			d.ID = ev.ID + ":" + dl.ID
			d.Occurred = dl.Due + 1
			d.Detail = fmt.Sprintf("%s (%s) not performed by %s", dl.Label, citeText(dl.Cite), dl.Due)
			d.Basis = []string{dl.Rule}
			if dl.Assumption != "" {
				d.Basis = append(d.Basis, "assumption: "+dl.Assumption)
			}
			if dl.Status == StatusLate {
				d.Cured = dl.Done
				d.Basis = append(d.Basis, "performed late, on "+dl.Done.String())
			}
			out = append(out, d)
		}
	}
	return out
}

// crossDefaults aggregates the other indebtedness unpaid when due,
// accelerated or in default (excluding debts disputed in good faith with
// adequate reserves) and reports each run of days on which the aggregate
// exceeds the threshold.
func (e *engine) crossDefaults() []Default {
	evs := e.eventsByRule("cross_default")
	if len(e.f.OtherDebts) == 0 {
		return nil
	}
	if len(evs) == 0 {
		msg := fmt.Sprintf("other indebtedness is recorded but no event of default of the terms on %s has the cross_default rule", e.asOf)
		for _, ev := range e.t.EventsOfDefault {
			if ev.ID == "cross_default" && ev.Threshold != nil && !ev.Threshold.Known() {
				msg += fmt.Sprintf("; %s threshold unknown: %s", ev.Clause, ev.Threshold.Unknown)
			}
		}
		e.problem("cross_default", "%s", msg)
		return nil
	}
	ev := evs[0]
	if ev.Threshold == nil || !ev.Threshold.Known() {
		why := "none is stated"
		if ev.Threshold != nil {
			why = ev.Threshold.Unknown
		}
		e.problem("cross_default", "other indebtedness is recorded but the cross-default threshold of %s is unknown: %s", ev.Clause, why)
		return nil
	}
	threshold := ev.Threshold.Value
	// Change points: the days a debt's standing can change.
	points := map[date.Date]bool{}
	for _, o := range e.f.OtherDebts {
		points[o.Due+1] = true
		for _, p := range []*date.Date{o.Paid, o.Accelerated, o.DefaultUnder} {
			if p != nil {
				points[*p] = true
			}
		}
	}
	var days []date.Date
	for p := range points {
		if p <= e.asOf {
			days = append(days, p)
		}
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	var out []Default
	var cur *Default
	for _, day := range days {
		sum, basis := e.crossSum(day)
		if sum > threshold {
			if cur == nil {
				d := fromEvent(ev)
				d.ID = "cross_default:" + day.String()
				d.Occurred = day
				s := sum
				d.Amount = &s
				d.Detail = fmt.Sprintf("other indebtedness of %s unpaid, accelerated or in default exceeds %s", sum.Grouped(), threshold.Grouped())
				d.Basis = basis
				out = append(out, d)
				cur = &out[len(out)-1]
			}
		} else if cur != nil {
			cur.Cured = day
			cur.Basis = append(cur.Basis, fmt.Sprintf("from %s the aggregate is %s, not above %s", day, sum.Grouped(), threshold.Grouped()))
			cur = nil
		}
	}
	return out
}

func (e *engine) crossSum(day date.Date) (money.Amount, []string) {
	var sum money.Amount
	var basis []string
	for _, o := range e.f.OtherDebts {
		if o.Paid != nil && *o.Paid <= day {
			continue
		}
		var why []string
		if day > o.Due {
			why = append(why, "unpaid since "+o.Due.String())
		}
		if o.Accelerated != nil && *o.Accelerated <= day {
			why = append(why, "accelerated "+o.Accelerated.String())
		}
		if o.DefaultUnder != nil && *o.DefaultUnder <= day {
			why = append(why, "in default since "+o.DefaultUnder.String())
		}
		if len(why) == 0 {
			continue
		}
		if o.Disputed && o.ReservesAdequate {
			basis = append(basis, fmt.Sprintf("%s (%s, %s): excluded, disputed in good faith with adequate reserves", o.ID, o.Creditor, o.Amount.Grouped()))
			continue
		}
		if o.Disputed {
			why = append(why, "disputed but without reserves the Bank deems adequate")
		}
		sum += o.Amount
		basis = append(basis, fmt.Sprintf("%s (%s, %s): %s", o.ID, o.Creditor, o.Amount.Grouped(), strings.Join(why, ", ")))
	}
	return sum, basis
}

func (e *engine) recordedDefaults() []Default {
	var out []Default
	for _, r := range e.f.Defaults {
		var ev *agreement.EventOfDefault
		for i := range e.t.EventsOfDefault {
			if e.t.EventsOfDefault[i].ID == r.Event {
				ev = &e.t.EventsOfDefault[i]
			}
		}
		if ev == nil {
			ids := make([]string, len(e.t.EventsOfDefault))
			for i, x := range e.t.EventsOfDefault {
				ids[i] = x.ID
			}
			e.problem(r.ID, "default record %s names event %q, not an event of default of the terms on %s (%s)", r.ID, r.Event, e.asOf, strings.Join(ids, ", "))
			continue
		}
		d := fromEvent(*ev)
		d.ID, d.Occurred, d.Detail = r.ID, r.Occurred, r.Description
		d.Detection = "record"
		d.RecordedBy, d.RecordedAt = r.RecordedBy, r.RecordedAt
		if r.RecordedBy != "" {
			d.Basis = []string{"recorded by " + r.RecordedBy}
		}
		out = append(out, d)
	}
	return out
}

// lifecycle fills the stages of d as of the as-of date, whether it
// continues and why.
func (e *engine) lifecycle(d *Default) {
	cite := d.Cite
	d.History = []Stage{{Stage: StageOccurred, Date: d.Occurred, Note: d.Detail, By: d.RecordedBy, At: timePtr(d.RecordedAt), Cite: &cite}}
	if d.Cured != 0 && d.Cured > e.asOf {
		d.Cured, d.cure = 0, nil
	}
	// The notice: the first effective notice of this default.
	var notice Notice
	for _, n := range e.f.Notices {
		if n.Subject != SubjectDefault || n.Default != d.ID {
			continue
		}
		eff, ok := e.effectiveOn(n)
		if !ok {
			continue
		}
		if n.From != "" && n.From != "lender" {
			e.problem(n.ID, "notice %s of default %s is from %q; the notice of an Event of Default is the Bank's", n.ID, d.ID, n.From)
			continue
		}
		if d.Notice == nil || eff < d.Notice.Effective {
			under := n.Under
			if under == "" {
				under = "§7.2"
			}
			d.Notice = &NoticeStep{Notice: n.ID, Under: under, Effective: eff, Rule: e.effects[n.ID].Rule}
			notice = n
		}
	}
	if d.Notice != nil {
		c := e.effects[notice.ID].Cite
		d.History = append(d.History, Stage{Stage: StageNotice, Date: d.Notice.Effective, Ref: d.Notice.Notice, Note: "notice under " + d.Notice.Under,
			By: notice.RecordedBy, At: timePtr(notice.RecordedAt), Cite: &c})
	}
	var cure, waived, accelerated *Stage
	for _, a := range e.f.Actions {
		if a.Default != d.ID || a.Date > e.asOf {
			continue
		}
		if a.Date < d.Occurred {
			e.problem(a.ID, "%s %s is dated %s, before default %s occurred on %s", a.Kind, a.ID, a.Date, d.ID, d.Occurred)
			continue
		}
		switch a.Kind {
		case ActionCure:
			if !twoPeople(a.RequestedBy, a.ApprovedBy) {
				e.problem(a.ID, "cure %s of %s is not applied: ending an event of default needs a request and a second person's approval (requested by %q, approved by %q)", a.ID, d.ID, a.RequestedBy, a.ApprovedBy)
				continue
			}
			if d.Cured == 0 || a.Date < d.Cured {
				d.Cured = a.Date
				cure = &Stage{Stage: StageCured, Date: a.Date, Ref: a.ID, Note: a.Note, By: a.RequestedBy, ApprovedBy: a.ApprovedBy, At: timePtr(a.RecordedAt)}
			}
		case ActionWaiver:
			if err := e.validWaiver(d, a); err != "" {
				e.problem(a.ID, "waiver %s of %s not applied: %s", a.ID, d.ID, err)
				continue
			}
			if d.Waived == 0 || a.Date < d.Waived {
				d.Waived, d.Waiver = a.Date, a.Waiver
				note := "written consent (Security Agreement ¶16)"
				if a.Waiver.Legacy != "" {
					note = a.Waiver.Legacy
				}
				if a.Note != "" {
					note += ": " + a.Note
				}
				var c *agreement.Cite
				if a.Waiver.Agreement != "" {
					c = &agreement.Cite{Document: a.Waiver.Agreement}
				}
				waived = &Stage{Stage: StageWaived, Date: a.Date, Ref: a.ID, Note: note, By: a.Waiver.RequestedBy, ApprovedBy: a.Waiver.ApprovedBy, At: timePtr(a.RecordedAt), Cite: c}
			}
		case ActionAcceleration:
			if d.Notice == nil || d.Notice.Effective > a.Date {
				e.problem(a.ID, "acceleration %s of %s on %s precedes any effective notice of the default", a.ID, d.ID, a.Date)
			}
			if d.Accelerated == 0 || a.Date < d.Accelerated {
				d.Accelerated = a.Date
				accelerated = &Stage{Stage: StageAccelerated, Date: a.Date, Ref: a.ID, Note: a.Note, By: a.RequestedBy, At: timePtr(a.RecordedAt)}
			}
		default:
			e.problem(a.ID, "action %s: kind %q, expected cure, waiver or acceleration", a.ID, a.Kind)
		}
	}
	if w := e.letterWaiver(d); w != nil {
		on := w.Effective
		if on < d.Occurred {
			on = d.Occurred // a waiver given before the test waives it from the failure
		}
		if d.Waived == 0 || on < d.Waived {
			c := w.Cite
			d.Waived = on
			d.Waiver = &Waiver{Written: true, Agreement: w.Document, Covenant: w.Covenant, Period: w.Period, Letter: w.Letter, Cite: &c, Conditions: w.Conditions}
			waived = &Stage{Stage: StageWaived, Date: on, Ref: w.Letter, Note: w.Text(), Cite: &c}
		}
	}
	if d.cure != nil && (d.Cured == d.cure.Date) {
		cure = d.cure
	}
	if accelerated != nil {
		d.History = append(d.History, *accelerated)
	}
	if d.Cured != 0 {
		if cure == nil {
			cure = &Stage{Stage: StageCured, Date: d.Cured}
		}
		d.History = append(d.History, *cure)
	}
	if waived != nil {
		d.History = append(d.History, *waived)
	}
	sort.SliceStable(d.History, func(i, j int) bool { return d.History[i].Date < d.History[j].Date })
	d.Status = d.History[len(d.History)-1].Stage
	d.Continuing = d.Cured == 0 && d.Waived == 0
	for _, r := range e.f.Requests {
		if r.DecidedAt != nil {
			continue
		}
		if r.Default == d.ID || r.Default == "" && d.Covenant != "" && r.Period == d.Period && (r.Covenant == "" || r.Covenant == d.Covenant) {
			d.Pending = append(d.Pending, r)
		}
	}
	d.Why = e.why(d)
}

// why says in words whether d continues on the as-of date and why.
func (e *engine) why(d *Default) string {
	known := ""
	if !e.knownAt.IsZero() {
		known = ", as known at " + e.knownAt.In(e.loc).Format(time.RFC3339)
	}
	if !d.Continuing {
		var end Stage
		for _, s := range d.History {
			if s.Stage == StageCured || s.Stage == StageWaived {
				end = s
				break
			}
		}
		w := fmt.Sprintf("not continuing on %s%s: %s on %s", e.asOf, known, end.Stage, end.Date)
		switch {
		case end.By != "" && end.ApprovedBy != "":
			w += fmt.Sprintf(", requested by %s and approved by %s", end.By, end.ApprovedBy)
		case end.Note != "":
			w += " (" + end.Note + ")"
		}
		return w
	}
	w := fmt.Sprintf("continuing on %s%s: occurred %s (%s), neither cured nor waived", e.asOf, known, d.Occurred, d.Clause)
	for _, r := range d.Pending {
		w += fmt.Sprintf("; %s requested by %s waits for a second person's approval", r.Kind, r.RequestedBy)
	}
	return w
}

// letterWaiver is the waiver of the terms (a waiver letter effective on or
// before the as-of date) that waives d: for a covenant default, one naming
// its covenant and period; else one naming its event of default (and its
// occurrence). The earliest effective one when several do.
func (e *engine) letterWaiver(d *Default) *agreement.Waiver {
	var best *agreement.Waiver
	for i := range e.t.Waivers {
		w := &e.t.Waivers[i]
		if w.Effective > e.asOf {
			continue
		}
		ok := d.Covenant != "" && w.Waives(d.Covenant, d.Period) || w.WaivesEvent(d.Event, d.Occurred)
		if ok && (best == nil || w.Effective < best.Effective) {
			best = w
		}
	}
	return best
}

// validWaiver checks a waiver against Security Agreement ¶16 and the rule
// that a waiver needs a second approver.
func (e *engine) validWaiver(d *Default, a Action) string {
	w := a.Waiver
	if w == nil {
		return "no waiver terms recorded"
	}
	var bad []string
	if !w.Written {
		bad = append(bad, "a waiver must be a written consent of the Bank (Security Agreement ¶16)")
	}
	if w.Legacy == "" && (w.Agreement == "" || e.t.Document(w.Agreement) == nil) {
		bad = append(bad, fmt.Sprintf("it must make explicit reference to the agreement (found %q, expected a document id of the facility)", w.Agreement))
	}
	if d.Covenant != "" && w.Legacy == "" {
		if w.Covenant != d.Covenant {
			bad = append(bad, fmt.Sprintf("it must name the covenant %s (found %q)", d.Covenant, w.Covenant))
		}
		if w.Period != d.Period {
			bad = append(bad, fmt.Sprintf("it must name the period ended %s (found %s)", d.Period, periodText(w.Period)))
		}
	}
	switch {
	case w.RequestedBy == "" || w.ApprovedBy == "":
		bad = append(bad, "it needs a requester and an approver")
	case w.RequestedBy == w.ApprovedBy:
		bad = append(bad, fmt.Sprintf("the approver must not be the requester (%s)", w.RequestedBy))
	}
	return strings.Join(bad, "; ")
}

func periodText(d date.Date) string {
	if d == 0 {
		return "none"
	}
	return d.String()
}
