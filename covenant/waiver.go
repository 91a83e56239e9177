package covenant

import (
	"revolver/agreement"
	"revolver/explain"
)

// Waive marks every failing test that a waiver names (its covenant and
// period end) as waived by it (Test.Waiver; the earliest effective waiver
// when several name it). A waived test keeps its result (fail), its actual,
// required and headroom figures and its reason; its explanation and
// citations gain the waiver's clause. A waiver of a test that passes or is
// undetermined changes nothing: there is no failure to waive. The waivers
// are the caller's choice (those known at a time, see app.Service.Covenants).
func Waive(r *Result, ws []agreement.Waiver) {
	if r == nil {
		return
	}
	for i := range r.Tests {
		t := &r.Tests[i]
		if t.Result != Fail {
			continue
		}
		var w *agreement.Waiver
		for j := range ws {
			if ws[j].Waives(t.Covenant, t.PeriodEnd) && (w == nil || ws[j].Effective < w.Effective) {
				w = &ws[j]
			}
		}
		if w == nil {
			continue
		}
		c := *w
		t.Waiver = &c
		t.Cites = append(append([]explain.Cite(nil), t.Cites...), c.Cite)
		if t.Explain != nil {
			root := *t.Explain
			root.Value = t.ResultText()
			root.Formula += " — " + c.Text()
			root.Cites = t.Cites
			t.Explain = &root
		}
	}
}

// ResultText is the result as shown: "pass", "undetermined", "fail", or
// "fail — waived by <document> <clause>" for a waived failure.
func (t *Test) ResultText() string {
	if t.Waiver == nil {
		return t.Result
	}
	s := t.Result + " — waived by " + t.Waiver.Cite.Document
	if t.Waiver.Cite.Section != "" {
		s += " " + t.Waiver.Cite.Section
	}
	return s
}
