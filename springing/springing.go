// Package springing computes the trigger periods of springing terms — a
// springing cash dominion (a Cash Dominion Period) and a springing
// covenant (a Covenant Trigger Period) — from a daily series of the
// measure the terms name (excess availability) and the events of default
// continuing.
//
// A trigger period starts on the Business Day on which the measure has
// been below the threshold — the greater of Share × the line cap and
// AtLeast — on ForDays consecutive Business Days, or, when the terms say
// so (EventOfDefault), on any Business Day an event of default continues.
// It ends on the day on which the measure has been at or above the
// threshold, with no event of default continuing, for EndsAfterDays
// consecutive days: calendar days (the days between two Business Days
// keep the value of the earlier one) or Business Days, as the terms say.
// With MaxCuresPerYear, a period may end that many times in a calendar
// year; once reached, a period that would end does not before the next
// year. A period is in effect from its Start to its End, both included.
//
// A Business Day whose measure is not determined (no borrowing base
// certificate in force, a term not known) counts neither as below nor as
// at or above: it breaks both runs.
//
// The package is pure: Step folds one day into a State (close of business
// keeps the State per facility and evaluates one day at a time); Periods
// folds a whole series.
package springing

import (
	"fmt"
	"strings"

	"revolver/agreement"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// Rule is a trigger with every term known.
type Rule struct {
	Share           *money.Rate   // of the line cap; nil: none
	AtLeast         *money.Amount // nil: none
	ForDays         int
	EndsAfterDays   int
	BusinessDays    bool // EndsAfterDays counts Business Days (else calendar days)
	EventOfDefault  bool
	MaxCuresPerYear int // 0: no cap
	Cite            explain.Cite
	Text            string // the trigger in words (agreement.Trigger.Describe)
}

// RuleOf is the rule of the trigger's terms; an error names the first term
// that is not known.
func RuleOf(t *agreement.Trigger) (Rule, error) {
	r := Rule{Cite: t.Cite, Text: t.Describe(), EventOfDefault: t.EventOfDefault}
	unknown := func(path, why string) error {
		if why == "" {
			why = "not known"
		}
		return fmt.Errorf("trigger term %s is not known: %s", path, why)
	}
	if t.Measure.Value != agreement.ExcessAvailability {
		return r, fmt.Errorf("trigger measure %q: expected %s", t.Measure.Value, agreement.ExcessAvailability)
	}
	if t.Share != nil {
		if !t.Share.Known() {
			return r, unknown(t.Share.Path, t.Share.Unknown)
		}
		v := t.Share.Value
		r.Share = &v
	}
	if t.AtLeast != nil {
		if !t.AtLeast.Known() {
			return r, unknown(t.AtLeast.Path, t.AtLeast.Unknown)
		}
		v := t.AtLeast.Value
		r.AtLeast = &v
	}
	if !t.ForDays.Known() {
		return r, unknown(t.ForDays.Path, t.ForDays.Unknown)
	}
	if !t.EndsAfterDays.Known() {
		return r, unknown(t.EndsAfterDays.Path, t.EndsAfterDays.Unknown)
	}
	r.ForDays, r.EndsAfterDays = t.ForDays.Value, t.EndsAfterDays.Value
	r.BusinessDays = t.EndsAfterUnit.Value == agreement.TriggerBusinessDays
	if m := t.MaxCuresPerYear; m != nil {
		if !m.Known() {
			return r, unknown(m.Path, m.Unknown)
		}
		r.MaxCuresPerYear = m.Value
	}
	if r.ForDays < 1 || r.EndsAfterDays < 1 {
		return r, fmt.Errorf("trigger for_days %d, ends_after_days %d: expected at least 1", r.ForDays, r.EndsAfterDays)
	}
	return r, nil
}

// Threshold is the greater of Share × lineCap (rounded half away from zero
// to the cent) and AtLeast.
func (r Rule) Threshold(lineCap money.Amount) money.Amount {
	var th money.Amount
	set := false
	if r.Share != nil {
		th, set = money.MulRate(lineCap, *r.Share), true
	}
	if r.AtLeast != nil && (!set || *r.AtLeast > th) {
		th = *r.AtLeast
	}
	return th
}

// Day is one Business Day of the series.
type Day struct {
	Date date.Date `json:"date"`
	// Determined: the measure is known; else Why says why not.
	Determined bool         `json:"determined"`
	Measure    money.Amount `json:"measure"`  // excess availability at the close of the day
	LineCap    money.Amount `json:"line_cap"` // the lesser of the commitment, the advance cap and the borrowing base
	Why        string       `json:"why,omitempty"`
	// Defaults are the events of default continuing on the day (ids).
	Defaults []string `json:"defaults,omitempty"`
}

// Obs is a day of a run: its measure and threshold.
type Obs struct {
	Date      date.Date    `json:"date"`
	Measure   money.Amount `json:"measure"`
	Threshold money.Amount `json:"threshold"`
}

// State is where a trigger stands after the days folded into it.
type State struct {
	Through date.Date `json:"through"` // the last day folded (0: none)
	In      bool      `json:"in"`      // a trigger period is in effect
	Start   date.Date `json:"start,omitempty"`
	// Run is the current run of days: below the threshold while no period
	// is in effect, at or above it (with no event of default continuing)
	// while one is; its last ForDays or EndsAfterDays days are kept.
	Run []Obs `json:"run,omitempty"`
	// RunFrom is the first day of the current run (0: none) and RunDays
	// its Business Days.
	RunFrom date.Date `json:"run_from,omitempty"`
	RunDays int       `json:"run_days,omitempty"`
	// Cures counts the periods ended in CureYear.
	CureYear int `json:"cure_year,omitempty"`
	Cures    int `json:"cures,omitempty"`
	// Held: the period would have ended on that day but the year's cures
	// were used ("" otherwise).
	Held string `json:"held,omitempty"`
}

// Event is a period starting or ending on Day.
type Event struct {
	Start   bool          `json:"start"` // else the end
	Day     date.Date     `json:"day"`
	Reason  string        `json:"reason"`
	Explain *explain.Node `json:"explain"`
}

// Step folds day d (a Business Day after st.Through) into st and returns
// the new state and the event it causes, if any.
func (r Rule) Step(st State, d Day) (State, *Event) {
	st.Through = d.Date
	st.Run = append([]Obs(nil), st.Run...)
	th := r.Threshold(d.LineCap)
	obs := Obs{Date: d.Date, Measure: d.Measure, Threshold: th}
	breakRun := func() { st.Run, st.RunFrom, st.RunDays = nil, 0, 0 }
	extend := func(keep int) {
		if st.RunFrom == 0 {
			st.RunFrom = d.Date
		}
		st.RunDays++
		st.Run = append(st.Run, obs)
		if len(st.Run) > keep {
			st.Run = st.Run[len(st.Run)-keep:]
		}
	}
	eod := r.EventOfDefault && len(d.Defaults) > 0
	if !st.In {
		switch {
		case eod:
			breakRun()
			st.In, st.Start, st.Held = true, d.Date, ""
			reason := fmt.Sprintf("an event of default continues on %s: %s", d.Date, strings.Join(d.Defaults, ", "))
			return st, &Event{Start: true, Day: d.Date, Reason: reason, Explain: r.explain(true, d.Date, reason, nil, d)}
		case !d.Determined:
			breakRun()
			return st, nil
		case d.Measure < th:
			extend(r.ForDays)
			if st.RunDays < r.ForDays {
				return st, nil
			}
			run := st.Run
			breakRun()
			st.In, st.Start, st.Held = true, d.Date, ""
			reason := fmt.Sprintf("excess availability below the threshold on %s (%s)", plural(len(run), "consecutive Business Day"), span(run))
			return st, &Event{Start: true, Day: d.Date, Reason: reason, Explain: r.explain(true, d.Date, reason, run, d)}
		default:
			breakRun()
			return st, nil
		}
	}
	if !d.Determined || d.Measure < th || eod {
		breakRun()
		return st, nil
	}
	keep := r.EndsAfterDays
	extend(keep)
	n := st.RunDays
	unit := "consecutive Business Day"
	if !r.BusinessDays {
		n = d.Date.Sub(st.RunFrom) + 1
		unit = "consecutive day"
	}
	if n < r.EndsAfterDays {
		return st, nil
	}
	year := d.Date.Year()
	if st.CureYear != year {
		st.CureYear, st.Cures = year, 0
	}
	if r.MaxCuresPerYear > 0 && st.Cures >= r.MaxCuresPerYear {
		st.Held = fmt.Sprintf("would end on %s, but trigger periods have ended %s in %d, the most the terms allow", d.Date, plural(st.Cures, "time"), year)
		return st, nil
	}
	run := st.Run
	st.Cures++
	reason := fmt.Sprintf("excess availability at or above the threshold for %s (%s..%s)", plural(n, unit), st.RunFrom, d.Date)
	if r.EventOfDefault {
		reason += " with no event of default continuing"
	}
	if r.MaxCuresPerYear > 0 {
		reason += fmt.Sprintf("; ended %d of the %d times allowed in %d", st.Cures, r.MaxCuresPerYear, year)
	}
	breakRun()
	st.In, st.Start, st.Held = false, 0, ""
	return st, &Event{Day: d.Date, Reason: reason, Explain: r.explain(false, d.Date, reason, run, d)}
}

// explain is the event's explanation: the rule, the days with their
// measure and threshold, and the clause.
func (r Rule) explain(start bool, day date.Date, reason string, run []Obs, d Day) *explain.Node {
	label := "Trigger period ends"
	if start {
		label = "Trigger period starts"
	}
	n := &explain.Node{Key: "trigger." + day.String(), Label: label, Value: day.String(), Formula: r.Text + " — " + reason}
	if !r.Cite.IsZero() {
		n.Cites = []explain.Cite{r.Cite}
	}
	for _, o := range run {
		rel := "at or above"
		if o.Measure < o.Threshold {
			rel = "below"
		}
		n.Add(&explain.Node{Key: "trigger." + day.String() + "." + o.Date.String(), Label: o.Date.String(), Value: o.Measure.String(),
			Formula: fmt.Sprintf("excess availability %s %s the threshold %s", o.Measure.Grouped(), rel, o.Threshold.Grouped())})
	}
	if len(d.Defaults) > 0 {
		n.Add(&explain.Node{Key: "trigger." + day.String() + ".defaults", Label: "Events of default continuing", Value: strings.Join(d.Defaults, ", ")})
	}
	return n
}

// Period is a trigger period: in effect from Start to End (both included;
// End nil while it lasts).
type Period struct {
	Start       date.Date     `json:"start"`
	End         *date.Date    `json:"end"`
	StartReason string        `json:"start_reason"`
	EndReason   string        `json:"end_reason,omitempty"`
	StartWhy    *explain.Node `json:"start_explain,omitempty"`
	EndWhy      *explain.Node `json:"end_explain,omitempty"`
}

// In says whether the period is in effect on d.
func (p Period) In(d date.Date) bool {
	return p.Start <= d && (p.End == nil || d <= *p.End)
}

// Periods folds the series (Business Days, ascending) from the zero state
// and returns the trigger periods and the state after the last day.
func (r Rule) Periods(days []Day) ([]Period, State, error) {
	var st State
	ps, st, err := r.Fold(st, days, nil)
	return ps, st, err
}

// Fold folds days (ascending, each after st.Through) into st, appending
// the periods they start or end to ps (the last of ps, if open, is the one
// st is in).
func (r Rule) Fold(st State, days []Day, ps []Period) ([]Period, State, error) {
	for _, d := range days {
		if d.Date <= st.Through {
			return ps, st, fmt.Errorf("trigger series: day %s is not after %s", d.Date, st.Through)
		}
		var ev *Event
		st, ev = r.Step(st, d)
		ps = Apply(ps, ev)
	}
	return ps, st, nil
}

// Apply adds an event to a list of periods: a start opens a period, an end
// closes the last one.
func Apply(ps []Period, ev *Event) []Period {
	switch {
	case ev == nil:
	case ev.Start:
		ps = append(ps, Period{Start: ev.Day, StartReason: ev.Reason, StartWhy: ev.Explain})
	case len(ps) > 0 && ps[len(ps)-1].End == nil:
		p := &ps[len(ps)-1]
		day := ev.Day
		p.End, p.EndReason, p.EndWhy = &day, ev.Reason, ev.Explain
	}
	return ps
}

// InEffect returns the period of ps in effect on d, if any.
func InEffect(ps []Period, d date.Date) (Period, bool) {
	for _, p := range ps {
		if p.In(d) {
			return p, true
		}
	}
	return Period{}, false
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func span(run []Obs) string {
	if len(run) == 1 {
		return run[0].Date.String()
	}
	return run[0].Date.String() + ".." + run[len(run)-1].Date.String()
}
