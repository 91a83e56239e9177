package covenant

import (
	"os"
	"testing"

	"revolver/agreement"
)

// The example agreement files, loaded by the agreement package, give the
// same figures as the hand-built terms of these tests.
func TestExampleAgreementFiles(t *testing.T) {
	const dir = "../examples/btu-sovereign"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no example agreement: %v", err)
	}
	f, err := agreement.Load(dir)
	if err != nil {
		t.Skipf("example agreement does not load (yet): %v", err)
	}
	sts, err := ReadStatements("btu-financials.csv", readTestdata(t, "btu-financials.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Evaluate(f.TermsAsOf, sts)
	if err != nil {
		t.Fatal(err)
	}
	want := btuExample(t)
	if len(got.Tests) != len(want.Tests) {
		t.Fatalf("%d tests from the files, %d from the hand-built terms", len(got.Tests), len(want.Tests))
	}
	for i := range got.Tests {
		g, w := got.Tests[i].json(false), want.Tests[i].json(false)
		type figures struct{ cov, end, actual, required, result, headroom, reason string }
		if (figures{g.Covenant, g.PeriodEnd, g.Actual, g.Required, g.Result, g.Headroom, g.Reason} !=
			figures{w.Covenant, w.PeriodEnd, w.Actual, w.Required, w.Result, w.Headroom, w.Reason}) {
			t.Errorf("test %d:\n files %+v\n hand  %+v", i, g, w)
		}
		if len(got.Tests[i].Cites) == 0 {
			t.Errorf("%s %s: no cites", g.Covenant, g.PeriodEnd)
		}
	}
}
