package covenant

import (
	"os"
	"strings"
	"testing"

	"revolver/agreement"
)

// The example with the waiver letter of the test fixtures: the waived
// period still fails with its figures and says by what it is waived; every
// other test is what it is without the letter.
func TestWaiverLeavesEveryOtherTest(t *testing.T) {
	without, err := agreement.Load("../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	with, err := agreement.Load("../examples/btu-sovereign", "../agreement/testdata/btu-waiver")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../examples/btu-sovereign/data/financials.csv")
	if err != nil {
		t.Fatal(err)
	}
	sts, err := ReadStatements("financials.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Evaluate(without.TermsAsOf, sts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Evaluate(with.TermsAsOf, sts)
	if err != nil {
		t.Fatal(err)
	}
	Waive(got, with.AllWaivers())
	if len(got.Tests) != len(plain.Tests) {
		t.Fatalf("%d tests with the waiver, %d without", len(got.Tests), len(plain.Tests))
	}
	waived := 0
	for i := range got.Tests {
		g, p := &got.Tests[i], &plain.Tests[i]
		if g.Actual.String() != p.Actual.String() || g.Required.String() != p.Required.String() || g.Headroom.String() != p.Headroom.String() ||
			g.Result != p.Result || g.Reason != p.Reason {
			t.Errorf("%s %s: figures changed: %+v, want %+v", g.Covenant, g.PeriodEnd, g.json(false), p.json(false))
		}
		if g.Waiver == nil {
			if g.ResultText() != p.Result {
				t.Errorf("%s %s: %q", g.Covenant, g.PeriodEnd, g.ResultText())
			}
			continue
		}
		waived++
		if g.Covenant != "minimum_net_income" || g.PeriodEnd.String() != "2005-04-03" {
			t.Errorf("waived: %s %s", g.Covenant, g.PeriodEnd)
		}
		if got, want := g.ResultText(), "fail — waived by first-waiver §1"; got != want {
			t.Errorf("result text %q, want %q", got, want)
		}
		if c := g.Cites[len(g.Cites)-1]; c.Document != "first-waiver" || c.Section != "§1" || c.Title != "Waiver Letter of 20 May 2005" {
			t.Errorf("the waiver's cite %+v", c)
		}
		if !strings.Contains(g.Explain.Formula, "waived by Waiver Letter of 20 May 2005 §1 (first-waiver, effective 2005-05-20)") || g.Explain.Value != "fail — waived by first-waiver §1" {
			t.Errorf("explanation %q = %q", g.Explain.Formula, g.Explain.Value)
		}
		j, err := got.JSON(false)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(j), `"result":"fail","headroom":"-1236481.00","reason":"net_income -1,236,480.00 is below the required minimum 1.00 by 1,236,481.00","waiver":{"letter":"first-waiver","document":"first-waiver","effective":"2005-05-20"`) {
			t.Errorf("JSON %s", j)
		}
	}
	if waived != 1 {
		t.Errorf("%d tests waived, want 1", waived)
	}
	if !strings.Contains(got.Table(), "fail — waived by first-waiver §1") {
		t.Errorf("table:\n%s", got.Table())
	}
	// A change of waiver is a change of the result as known.
	if d := Diff(plain, got); len(d) != 1 || d[0].PeriodEnd.String() != "2005-04-03" {
		t.Errorf("diff %+v", d)
	}
}

// Only a failing test is waived.
func TestWaiverOfAPassingTest(t *testing.T) {
	r := &Result{Tests: []Test{{Covenant: "c", PeriodEnd: 10, Result: Pass}, {Covenant: "c", PeriodEnd: 11, Result: Undetermined}, {Covenant: "c", PeriodEnd: 12, Result: Fail}}}
	ws := []agreement.Waiver{
		{Letter: "late", Covenant: "c", Period: 12, Effective: 40, Cite: agreement.Cite{Document: "late", Section: "§1"}},
		{Letter: "a", Covenant: "c", Period: 10, Effective: 20}, {Letter: "b", Covenant: "c", Period: 11, Effective: 20},
		{Letter: "early", Covenant: "c", Period: 12, Effective: 30, Cite: agreement.Cite{Document: "early", Section: "§2"}},
		{Letter: "other", Covenant: "d", Period: 12, Effective: 1},
	}
	Waive(r, ws)
	if r.Tests[0].Waiver != nil || r.Tests[1].Waiver != nil {
		t.Errorf("a pass or undetermined test waived: %+v %+v", r.Tests[0].Waiver, r.Tests[1].Waiver)
	}
	if w := r.Tests[2].Waiver; w == nil || w.Letter != "early" || r.Tests[2].ResultText() != "fail — waived by early §2" {
		t.Errorf("the earliest waiver: %+v", w)
	}
}
