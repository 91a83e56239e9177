package covenant

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"revolver/date"
)

// Submission is a set of financial statements as the borrower delivered them,
// with the time it was recorded. A restatement of a period is a later
// submission for that period; nothing is overwritten.
type Submission struct {
	ID         string    // e.g. the stored submission's id or the file name
	RecordedAt time.Time // when it was recorded
	Statements []Statement
}

// AsKnownOn returns the statements as known at k: for each fiscal period
// (fiscal year and quarter), the statement of the latest submission recorded
// at or before k. Submissions recorded at the same instant rank in slice
// order, the later winning. Each statement returned carries its submission's
// ID and RecordedAt. The result is in period order.
func AsKnownOn(subs []Submission, k time.Time) []Statement {
	type pick struct {
		at  time.Time
		ord int
		st  Statement
	}
	best := map[periodKey]pick{}
	for i, s := range subs {
		if s.RecordedAt.After(k) {
			continue
		}
		for _, st := range s.Statements {
			key := periodKey{st.FiscalYear, st.FiscalQuarter}
			if p, ok := best[key]; ok && (p.at.After(s.RecordedAt) || (p.at.Equal(s.RecordedAt) && p.ord > i)) {
				continue
			}
			st.Submission = s.ID
			st.RecordedAt = s.RecordedAt
			best[key] = pick{at: s.RecordedAt, ord: i, st: st}
		}
	}
	out := make([]Statement, 0, len(best))
	for _, p := range best {
		out = append(out, p.st)
	}
	sortStatements(out)
	return out
}

// AsKnownOnDate is AsKnownOn at the end of day d (UTC): every submission
// recorded on or before d counts.
func AsKnownOnDate(subs []Submission, d date.Date) []Statement {
	return AsKnownOn(subs, d.AddDays(1).Time().Add(-time.Nanosecond))
}

// Change is a covenant test that differs between two results: Old or New is
// nil when the test exists in only one of them.
type Change struct {
	Covenant  string
	PeriodEnd date.Date
	Old, New  *Test
}

// Diff lists the tests whose actual, required, result or headroom differ
// between old (e.g. as known then) and new (as known now), and the tests only
// one of them has, ordered by period end then covenant id. Reasons are shown
// but not compared: they name the submission a figure came from, which
// differs even when the figures do not.
func Diff(old, new *Result) []Change {
	type key struct {
		end date.Date
		cov string
	}
	index := func(r *Result) map[key]*Test {
		m := map[key]*Test{}
		if r == nil {
			return m
		}
		for i := range r.Tests {
			t := &r.Tests[i]
			m[key{t.PeriodEnd, t.Covenant}] = t
		}
		return m
	}
	o, n := index(old), index(new)
	keys := map[key]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	var out []Change
	for k := range keys {
		a, b := o[k], n[k]
		if a != nil && b != nil && a.Actual.String() == b.Actual.String() && a.Required.String() == b.Required.String() &&
			a.ResultText() == b.ResultText() && a.Headroom.String() == b.Headroom.String() {
			continue
		}
		out = append(out, Change{Covenant: k.cov, PeriodEnd: k.end, Old: a, New: b})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].PeriodEnd != out[j].PeriodEnd {
			return out[i].PeriodEnd < out[j].PeriodEnd
		}
		return out[i].Covenant < out[j].Covenant
	})
	return out
}

type jsonSide struct {
	Actual   string `json:"actual"`
	Required string `json:"required"`
	Result   string `json:"result"`
	Headroom string `json:"headroom"`
	Reason   string `json:"reason"`
}

func side(t *Test) *jsonSide {
	if t == nil {
		return nil
	}
	return &jsonSide{t.Actual.String(), t.Required.String(), t.Result, t.Headroom.String(), t.Reason}
}

// MarshalJSON writes {"covenant", "period_end", "old": {actual, required,
// result, headroom, reason} | null, "new": … | null}.
func (c Change) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Covenant  string    `json:"covenant"`
		PeriodEnd string    `json:"period_end"`
		Old       *jsonSide `json:"old"`
		New       *jsonSide `json:"new"`
	}{c.Covenant, c.PeriodEnd.String(), side(c.Old), side(c.New)})
	return bytes.TrimRight(b.Bytes(), "\n"), err
}

// Flipped reports a change of outcome (pass, fail, undetermined, or a test
// appearing or disappearing).
func (c Change) Flipped() bool {
	if c.Old == nil || c.New == nil {
		return true
	}
	return c.Old.Result != c.New.Result
}

// ChangesTable renders changes as text, one a line: period, covenant, and
// old → new actual, required and result.
func ChangesTable(changes []Change) string {
	var b strings.Builder
	for _, c := range changes {
		b.WriteString(c.PeriodEnd.String() + "  " + c.Covenant + ": ")
		b.WriteString(sideText(c.Old) + " → " + sideText(c.New))
		b.WriteByte('\n')
	}
	return b.String()
}

func sideText(t *Test) string {
	if t == nil {
		return "(not tested)"
	}
	return t.Result + " (actual " + dash(t.Actual.Grouped()) + ", required " + dash(t.Required.Grouped()) + ")"
}
