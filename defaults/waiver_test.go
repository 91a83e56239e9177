package defaults_test

import (
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/date"
	"revolver/defaults"
)

// waivedTerms are the terms of the example with the waiver letter of the test fixtures
// (minimum net income for the quarter ended 3 April 2005, effective
// 20 May 2005).
func waivedTerms(t *testing.T, asOf string) *agreement.Terms {
	t.Helper()
	f, err := agreement.Load("../examples/btu-sovereign", "../agreement/testdata/btu-waiver")
	if err != nil {
		t.Fatal(err)
	}
	tm, err := f.TermsAsOf(date.MustParse(asOf))
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestWaiverLetterWaivesTheCovenantDefault(t *testing.T) {
	const q1, q2 = "covenant_failed:minimum_net_income:2005-04-03", "covenant_failed:minimum_net_income:2005-07-03"
	f := defaults.Facts{CovenantResults: []defaults.CovenantResult{
		{Covenant: "minimum_net_income", PeriodEnd: d("2005-04-03"), Pass: false, Actual: "-1236480.00", Required: "1.00"},
		{Covenant: "minimum_net_income", PeriodEnd: d("2005-07-03"), Pass: false, Actual: "-648912.00", Required: "1.00"},
	}}
	eval := func(asOf string) *defaults.Report {
		r, err := defaults.Evaluate(waivedTerms(t, asOf), performed(f), d(asOf), ny)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Before the letter's effective date the default continues and the remedies are open.
	before := eval("2005-05-19")
	if x := findDefault(t, before, q1); !x.Continuing || x.Waived != 0 {
		t.Errorf("before the waiver: %+v", x)
	}
	if !remedy(t, before, "setoff").Exercisable {
		t.Errorf("setoff not exercisable before the waiver")
	}
	on := eval("2005-05-20")
	x := findDefault(t, on, q1)
	if x.Continuing || x.Status != defaults.StageWaived || x.Waived != d("2005-05-20") {
		t.Fatalf("on the waiver's date: status %s continuing %v waived %s", x.Status, x.Continuing, x.Waived)
	}
	if x.Waiver == nil || x.Waiver.Letter != "first-waiver" || x.Waiver.Cite == nil || x.Waiver.Cite.Section != "§1" || len(x.Waiver.Conditions) != 1 {
		t.Errorf("waiver %+v", x.Waiver)
	}
	if !strings.Contains(x.Why, "not continuing on 2005-05-20: waived on 2005-05-20 (waived by Waiver Letter of 20 May 2005 §1 (first-waiver, effective 2005-05-20)") {
		t.Errorf("why %q", x.Why)
	}
	if last := x.History[len(x.History)-1]; last.Stage != defaults.StageWaived || last.Cite == nil || last.Cite.Document != "first-waiver" {
		t.Errorf("history %+v", x.History)
	}
	if remedy(t, on, "setoff").Exercisable {
		t.Errorf("setoff exercisable with the only default waived")
	}
	// The waiver of one period leaves every other period's default as it is.
	later := eval("2005-07-05")
	if x := findDefault(t, later, q2); !x.Continuing || x.Waiver != nil {
		t.Errorf("the next quarter's default: %+v", x)
	}
	if x := findDefault(t, later, q1); x.Continuing {
		t.Errorf("the waived quarter continues again: %+v", x)
	}
	if !remedy(t, later, "setoff").Exercisable {
		t.Errorf("setoff not exercisable with the next quarter's default continuing")
	}
	// The waiver fee is a deadline of the borrower from the letter's date.
	if dl := deadline(t, on, "fee:first-waiver-fee"); dl.Due != d("2005-06-01") || dl.Cite.Document != "first-waiver" {
		t.Errorf("fee deadline %+v", dl)
	}
}

func TestWaiverLetterWaivesAnEventOfDefault(t *testing.T) {
	tm := *terms(t, "2005-04-01")
	tm.Waivers = []agreement.Waiver{{Letter: "w", Document: "first-amendment", Effective: d("2005-03-01"), EventOfDefault: "cross_default",
		Cite: agreement.Cite{Document: "first-amendment", Section: "§9"}}}
	f := defaults.Facts{OtherDebts: []defaults.OtherDebt{
		{ID: "a", Creditor: "A", Amount: 6000000, Due: d("2005-01-10")},
	}}
	r, err := defaults.Evaluate(&tm, performed(f), d("2005-04-01"), ny)
	if err != nil {
		t.Fatal(err)
	}
	x := findDefault(t, r, "cross_default:2005-01-11")
	if x.Continuing || x.Waived != d("2005-03-01") {
		t.Errorf("cross-default occurred before the waiver: %+v", x)
	}
	// An occurrence after the waiver's effective date is not waived.
	tm.Waivers[0].Effective = d("2005-01-05")
	r, err = defaults.Evaluate(&tm, performed(f), d("2005-04-01"), ny)
	if err != nil {
		t.Fatal(err)
	}
	if x := findDefault(t, r, "cross_default:2005-01-11"); !x.Continuing {
		t.Errorf("a default after the waiver's date is waived: %+v", x)
	}
	// A waiver effective after the as-of date waives nothing yet.
	tm.Waivers[0].Effective, tm.Waivers[0].Occurred = d("2005-05-01"), d("2005-01-11")
	r, err = defaults.Evaluate(&tm, performed(f), d("2005-04-01"), ny)
	if err != nil {
		t.Fatal(err)
	}
	if x := findDefault(t, r, "cross_default:2005-01-11"); !x.Continuing {
		t.Errorf("waived before the waiver's date: %+v", x)
	}
}
