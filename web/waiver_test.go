package web

import (
	"context"
	"os"
	"strings"
	"testing"

	"revolver/app"
)

// A waiver letter recorded for the facility shows on the covenants page
// beside the failing test it waives; the test still says fail with its
// figures, and the other periods' tests are unchanged.
func TestCovenantsPageShowsTheWaiver(t *testing.T) {
	e := newEnv(t)
	b, err := os.ReadFile("../agreement/testdata/btu-waiver/2005-05-20-waiver-letter.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := e.signIn(t, "officer@bank.example")
	_, before := o.get("/facilities/btu/covenants")
	svc := e.api.Service()
	ctx := context.Background()
	p, err := svc.RequestAmendment(ctx, "btu", app.AmendmentFile{Name: "2005-05-20-waiver-letter.yaml", Content: string(b)}, "officer1@bank.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.DecidePending(ctx, "btu", p.ID, true, "officer2@bank.example", ""); err != nil {
		t.Fatal(err)
	}
	resp, terms := o.get("/facilities/btu/terms?on=2005-05-20&from=2005-05-19&to=2005-05-20")
	if resp.StatusCode != 200 || !strings.Contains(terms, "waivers.first-waiver.1") || !strings.Contains(terms, "fees.first-waiver-fee.amount") {
		t.Errorf("the terms page on the letter's date: %d, waiver listed %v", resp.StatusCode, strings.Contains(terms, "waivers.first-waiver.1"))
	}
	_, page := o.get("/facilities/btu/covenants")
	const note = `<span class="badge fail">fail</span><br><span class="small">waived by Waiver Letter of 20 May 2005 §1 (first-waiver, effective 2005-05-20); conditions: the waiver is limited to the fiscal quarter ended April 3, 2005 and is not a waiver of any other period</span>`
	if strings.Contains(before, "waived by") {
		t.Fatal("the page shows a waiver before one is recorded")
	}
	if n := strings.Count(page, note); n != 1 {
		t.Fatalf("the page shows the waiver %d times, want once beside the 2005 Q1 net income test", n)
	}
	i := strings.Index(page, "ended 3 April 2005")
	if i < 0 {
		i = strings.Index(page, "2005-04-03")
	}
	if j := strings.Index(page, note); i < 0 || j < i {
		t.Errorf("the waiver is not under the period ended 2005-04-03")
	}
	// Every figure is what it was.
	if !strings.Contains(page, "First Amendment to Loan Agreement §1(i)<br>Waiver Letter of 20 May 2005 §1<br>") {
		t.Error("the waived test does not cite the waiver letter's clause")
	}
	strip := func(s string) string {
		s = strings.ReplaceAll(s, note, `<span class="badge fail">fail</span>`)
		return strings.ReplaceAll(s, "Waiver Letter of 20 May 2005 §1<br>", "")
	}
	if a, b := periods(strip(page)), periods(before); a != b {
		t.Errorf("the tests changed beyond the waiver's note")

	}
}

// periods is the covenants page from its first period heading to the end.
func periods(page string) string {
	if i := strings.Index(page, "<h3>FY"); i >= 0 {
		return page[i:]
	}
	return page
}
