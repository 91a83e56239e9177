package agreement

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// covenantAgreement is baseAgreement with a covenant first tested at the
// end of 2020 and two events of default.
const covenantAgreement = baseAgreement + `  fees:
    - {id: closing, label: Closing fee, amount: 1000.00, due: 2020-01-01}
  covenants:
    - id: minimum_net_income
      formula: net_income
      comparison: min
      threshold: 1.00
      frequency: quarterly
      first_test: 2020-12-31
  events_of_default:
    - {id: covenant_failed, clause: "§7(j)", label: Financial covenant, detection: rule, rule: covenant_failed}
    - {id: cross_default, clause: "§7(i)", label: Cross-default, detection: rule, rule: cross_default, threshold: 50000.00}
`

func waiverFile(body string) string {
	return "revolver: waiver/1\nfacility: demo\nid: w1\ndocument: {id: w1, title: Waiver Letter, date: 2021-02-15}\neffective: 2021-02-15\n" + body
}

const goodWaiver = `waives:
  - covenant: minimum_net_income
    period: 2020-12-31
    cite: w1 §1
  - event_of_default: cross_default
    occurred: 2021-01-10
    cite: w1 §2
conditions:
  - the Borrower delivers audited statements by 2021-04-30
fee: {amount: 2500.00, due: 2021-03-01, cite: w1 §3}
`

func TestWaiverParses(t *testing.T) {
	f, err := Parse(files(covenantAgreement, waiverFile(goodWaiver)))
	if err != nil {
		t.Fatal(err)
	}
	before, err := f.TermsAsOf(mustDate("2021-02-14"))
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Waivers) != 0 || len(before.Fees) != 1 {
		t.Errorf("before the waiver: waivers %+v, fees %+v", before.Waivers, before.Fees)
	}
	on, err := f.TermsAsOf(mustDate("2021-02-15"))
	if err != nil {
		t.Fatal(err)
	}
	if len(on.Waivers) != 2 {
		t.Fatalf("waivers on the effective date: %+v", on.Waivers)
	}
	w := on.Waivers[0]
	if !w.Waives("minimum_net_income", mustDate("2020-12-31")) || w.Waives("minimum_net_income", mustDate("2021-03-31")) {
		t.Errorf("covenant waiver %+v", w)
	}
	if got, want := w.Text(), "waived by Waiver Letter §1 (w1, effective 2021-02-15); conditions: the Borrower delivers audited statements by 2021-04-30"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	e := on.Waivers[1]
	if !e.WaivesEvent("cross_default", mustDate("2021-01-10")) || e.WaivesEvent("cross_default", mustDate("2021-01-11")) {
		t.Errorf("event waiver %+v", e)
	}
	if len(on.Fees) != 2 || on.Fees[1].ID != "w1-fee" || on.Fees[1].Amount.Value.String() != "2500.00" || on.Fees[1].Due.Value.String() != "2021-03-01" ||
		on.Fees[1].Cite.Section != "§3" || on.Fees[1].Cite.Title != "Waiver Letter" {
		t.Errorf("fees %+v", on.Fees)
	}
	if got := f.Dates(); len(got) != 2 || got[1].String() != "2021-02-15" {
		t.Errorf("dates %v", got)
	}
	// The terms list the waivers and the fee from the letter's date; diff names the letter.
	diff := f.Diff(mustDate("2021-02-14"), mustDate("2021-02-15"))
	got := map[string]string{}
	for _, x := range diff {
		if x.Change != "added" || strings.Join(x.By, ",") != "w1" {
			t.Errorf("%s %s by %v", x.Change, x.Path, x.By)
		}
		got[x.Path] = x.To.Value + " [" + x.To.Cite.Document + " " + x.To.Cite.Section + "]"
	}
	want := map[string]string{
		"waivers.w1.1":          "minimum_net_income 2020-12-31 [w1 §1]",
		"waivers.w1.2":          "event_of_default cross_default occurred 2021-01-10 [w1 §2]",
		"waivers.w1.conditions": "the Borrower delivers audited statements by 2021-04-30 [w1 ]",
		"fees.w1-fee.amount":    "2500.00 [w1 §3]",
		"fees.w1-fee.due":       "2021-03-01 [w1 §3]",
	}
	if len(got) != len(want) {
		t.Errorf("diff %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("diff %s: %q, want %q", k, got[k], v)
		}
	}
	for _, x := range f.Flat(mustDate("2021-02-14")) {
		if strings.HasPrefix(x.Path, "waivers.") || strings.HasPrefix(x.Path, "fees.w1") {
			t.Errorf("before the letter: %s", x.Path)
		}
	}
}

func TestWaiverWithChangesAmends(t *testing.T) {
	f, err := Parse(files(covenantAgreement, waiverFile(goodWaiver+"changes:\n  - {op: replace, path: covenants.minimum_net_income.threshold, value: 0.00, cite: w1 §4}\n")))
	if err != nil {
		t.Fatal(err)
	}
	on, err := f.TermsAsOf(mustDate("2021-02-15"))
	if err != nil {
		t.Fatal(err)
	}
	th := on.Covenants[0].Threshold
	if th.Value.String() != "0.00" && th.Value.String() != "0" || th.Cite.Amendment != "w1" {
		t.Errorf("threshold after the waiver %+v", th)
	}
	if len(on.Amendments) != 1 || on.Amendments[0].Kind != KindWaiver {
		t.Errorf("amendments %+v", on.Amendments)
	}
	d := f.Diff(mustDate("2021-02-14"), mustDate("2021-02-15"))
	if len(d) != 6 || d[0].Path != "covenants.minimum_net_income.threshold" || d[0].Change != "changed" || strings.Join(d[0].By, ",") != "w1" {
		t.Errorf("diff %+v", d)
	}
}

func TestWaiverLint(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"missing covenant", strings.Replace(goodWaiver, "covenant: minimum_net_income", "covenant: minimum_ebitda", 1),
			`amend1.yaml:7:5: waiver of a covenant test that does not exist (found "minimum_ebitda", expected a covenant of the terms on 2020-12-31 (minimum_net_income))`},
		{"period before first test", strings.Replace(goodWaiver, "period: 2020-12-31", "period: 2020-09-30", 1),
			`amend1.yaml:7:5: waiver of a test period that does not exist (found "2020-09-30", expected a period ending on or after minimum_net_income's first test 2020-12-31)`},
		{"period before the agreement", strings.Replace(goodWaiver, "period: 2020-12-31", "period: 2019-12-31", 1),
			`amend1.yaml:7:5: waiver of a test period that does not exist (found "2019-12-31"`},
		{"bad period", strings.Replace(goodWaiver, "period: 2020-12-31", "period: 2020-12-32", 1),
			`amend1.yaml:8:13: bad period (found "2020-12-32", expected a date YYYY-MM-DD)`},
		{"no period", strings.Replace(goodWaiver, "    period: 2020-12-31\n", "", 1),
			`amend1.yaml:7:5: a covenant waiver names no period`},
		{"missing event", strings.Replace(goodWaiver, "event_of_default: cross_default", "event_of_default: insolvency", 1),
			`amend1.yaml:10:5: waiver of an event of default that does not exist (found "insolvency", expected an event of default of the terms on 2021-02-15 (covenant_failed, cross_default))`},
		{"occurred after effective", strings.Replace(goodWaiver, "occurred: 2021-01-10", "occurred: 2021-03-10", 1),
			`amend1.yaml:10:5: waiver of an event of default that has not occurred by its effective date`},
		{"both", strings.Replace(goodWaiver, "event_of_default: cross_default", "event_of_default: cross_default\n    covenant: minimum_net_income", 1),
			`amend1.yaml:10:5: a waiver item names both a covenant and an event of default`},
		{"nothing named", strings.Replace(goodWaiver, "  - event_of_default: cross_default\n    occurred: 2021-01-10\n", "  - ", 1),
			`amend1.yaml:10:9: a waiver item names nothing waived`},
		{"no cite", strings.Replace(goodWaiver, "    cite: w1 §1\n", "", 1),
			`amend1.yaml:7:5: waiver item without a citation`},
		{"unknown cited document", strings.Replace(goodWaiver, "cite: w1 §1", "cite: w9 §1", 1),
			`amend1.yaml:7:5: citation to an unknown document (found "w9"`},
		{"unknown key", strings.Replace(goodWaiver, "cite: w1 §2", "cite: w1 §2\n    until: 2021-06-30", 1),
			`amend1.yaml:13:5: unknown key in waiver item (found "until"`},
		{"waives nothing", "conditions: [none]\n", `amend1.yaml:1:1: the waiver waives nothing`},
		{"bad fee", strings.Replace(goodWaiver, "amount: 2500.00", "amount: lots", 1),
			`amend1.yaml:15:15: bad amount for the waiver fee (found "lots"`},
		{"fee without cite", strings.Replace(goodWaiver, ", cite: w1 §3}", "}", 1),
			`amend1.yaml:15:6: waiver fee without a citation`},
		{"bad change", goodWaiver + "changes:\n  - {op: replace, path: covenants.minimum_ebitda.threshold, value: 0.00, cite: w1 §4}\n",
			`amend1.yaml:17:5: replace of a term that does not exist (found "covenants.minimum_ebitda.threshold"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := Lint(files(covenantAgreement, waiverFile(c.body)))
			if len(errs) == 0 {
				t.Fatalf("no diagnostic; want one containing %q", c.want)
			}
			if !strings.Contains(errs.Error(), c.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", errs.Error(), c.want)
			}
		})
	}
	fee := strings.Replace(covenantAgreement, "id: closing", "id: w1-fee", 1)
	if errs := Lint(files(fee, waiverFile(goodWaiver))); !strings.Contains(errs.Error(), `the waiver fee's id is a fee of the terms (found "w1-fee"`) {
		t.Errorf("fee id collision: %v", errs)
	}
	// The covenant must exist on the period end: deleted by then, the test does not exist.
	del := amendment("2021-01-01", "  - {op: delete, path: covenants.minimum_net_income, cite: fa §1}\n")
	errs := Lint([]File{NewFile("agreement.yaml", []byte(covenantAgreement)), NewFile("amend1.yaml", []byte(del)), NewFile("w.yaml", []byte(waiverFile(strings.Replace(goodWaiver, "2020-12-31", "2021-03-31", 1))))})
	if !strings.Contains(errs.Error(), `w.yaml:7:5: waiver of a covenant test that does not exist (found "minimum_net_income", expected a covenant of the terms on 2021-03-31 ()`) {
		t.Errorf("deleted covenant: %v", errs)
	}
}

func restatementFile(effective, order, terms string) string {
	return "revolver: restatement/1\nfacility: demo\nid: ar\ndocument: {id: ar, title: Amended and Restated Loan Agreement, date: " + effective + "}\neffective: " + effective + "\n" + order + "terms:\n" + terms
}

const restatedTerms = `  commitment: {value: 2000000.00, cite: ar §2.1}
  termination_date: 2025-12-31
  borrowing_base:
    components:
      - id: receivables
        collateral: receivables
        advance_rate: 85%
    letters_of_credit: deduct_from_borrowing_base
`

func TestRestatementReplacesTheTerms(t *testing.T) {
	f, err := Parse(files(covenantAgreement, restatementFile("2022-01-01", "", restatedTerms),
		amendment("2022-06-30", "  - {op: replace, path: termination_date, value: 2026-12-31, cite: fa §1}\n")))
	if err != nil {
		t.Fatal(err)
	}
	before, err := f.TermsAsOf(mustDate("2021-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := f.TermsAsOf(mustDate("2022-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	if before.Commitment.Value.String() != "1000000.00" || len(before.Covenants) != 1 || len(before.Receivables) != 1 || len(before.Fees) != 1 {
		t.Errorf("before: commitment %s, covenants %d, criteria %d, fees %d", before.Commitment.Value, len(before.Covenants), len(before.Receivables), len(before.Fees))
	}
	if after.Commitment.Value.String() != "2000000.00" || after.Commitment.Cite.Document != "ar" || after.Commitment.Cite.Amendment != "ar" {
		t.Errorf("after: commitment %+v", after.Commitment)
	}
	// What it does not restate is gone.
	if len(after.Covenants) != 0 || len(after.Receivables) != 0 || len(after.EventsOfDefault) != 0 || len(after.Fees) != 0 {
		t.Errorf("after: covenants %d, criteria %d, events %d, fees %d", len(after.Covenants), len(after.Receivables), len(after.EventsOfDefault), len(after.Fees))
	}
	// A term without its own citation is cited to the restatement.
	if c := after.TerminationDate.Cite; c.Document != "ar" || c.Title != "Amended and Restated Loan Agreement" {
		t.Errorf("termination date cite %+v", c)
	}
	later, err := f.TermsAsOf(mustDate("2022-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if later.TerminationDate.Value.String() != "2026-12-31" || later.Commitment.Value.String() != "2000000.00" {
		t.Errorf("an amendment after the restatement: %s, %s", later.TerminationDate.Value, later.Commitment.Value)
	}
	if len(after.Amendments) != 1 || after.Amendments[0].Kind != KindRestatement {
		t.Errorf("amendments %+v", after.Amendments)
	}
	diff := f.Diff(mustDate("2021-12-31"), mustDate("2022-01-01"))
	kinds := map[string]string{}
	for _, d := range diff {
		if strings.Join(d.By, ",") != "ar" {
			t.Errorf("%s %s by %v, want ar", d.Change, d.Path, d.By)
		}
		kinds[d.Path] = d.Change
	}
	for path, want := range map[string]string{
		"commitment": "changed", "borrowing_base.components.receivables.advance_rate": "changed",
		"covenants.minimum_net_income.threshold": "removed", "eligibility.receivables.past_due.days": "removed", "fees.closing.amount": "removed",
	} {
		if kinds[path] != want {
			t.Errorf("diff of %s: %q, want %q (diff %v)", path, kinds[path], want, kinds)
		}
	}
}

func TestRestatementLint(t *testing.T) {
	cases := []struct {
		name  string
		files []File
		want  string
	}{
		{"restated terms invalid", files(covenantAgreement, restatementFile("2022-01-01", "", strings.Replace(restatedTerms, "85%", "185%", 1))),
			`amend1.yaml:13:23: advance rate above 100%`},
		{"missing term", files(covenantAgreement, restatementFile("2022-01-01", "", strings.Replace(restatedTerms, "  termination_date: 2025-12-31\n", "", 1))),
			`missing term termination_date`},
		{"no terms", files(covenantAgreement, "revolver: restatement/1\nfacility: demo\nid: ar\ndocument: {id: ar, title: A&R, date: 2022-01-01}\neffective: 2022-01-01\n"),
			`amend1.yaml:1:1: the restatement has no terms`},
		{"unknown key", files(covenantAgreement, restatementFile("2022-01-01", "changes: []\n", restatedTerms)),
			`amend1.yaml:6:1: unknown key in restatement file (found "changes"`},
		{"amendment after restatement names a gone term", files(covenantAgreement, restatementFile("2022-01-01", "", restatedTerms),
			amendment("2022-06-30", "  - {op: replace, path: covenants.minimum_net_income.threshold, value: 2.00, cite: fa §1}\n")),
			`amend2.yaml:7:5: replace of a term that does not exist (found "covenants.minimum_net_income.threshold"`},
		{"change replaced on the same date", files(covenantAgreement, restatementFile("2022-01-01", "order: 2\n", restatedTerms),
			amendment("2022-01-01", "  - {op: replace, path: termination_date, value: 2024-12-31, cite: fa §1}\n")),
			`amend2.yaml:7:5: change replaced by restatement ar of the same date`},
		{"cites an unknown document", files(covenantAgreement, restatementFile("2022-01-01", "", strings.Replace(restatedTerms, "cite: ar §2.1", "cite: zz §2.1", 1))),
			`citation to an unknown document (found "zz"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := Lint(c.files)
			if len(errs) == 0 {
				t.Fatalf("no diagnostic; want one containing %q", c.want)
			}
			if !strings.Contains(errs.Error(), c.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", errs.Error(), c.want)
			}
		})
	}
	// Ordered after the restatement, a change of the same date applies to the restated terms.
	f, err := Parse(files(covenantAgreement, restatementFile("2022-01-01", "", restatedTerms),
		strings.Replace(amendment("2022-01-01", "  - {op: replace, path: termination_date, value: 2024-12-31, cite: fa §1}\n"), "changes:", "order: 1\nchanges:", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if tm, _ := f.TermsAsOf(mustDate("2022-01-01")); tm.TerminationDate.Value.String() != "2024-12-31" {
		t.Errorf("termination date %s", tm.TerminationDate.Value)
	}
}

// FuzzParseWaiverAndRestatement parses the agreement of these tests with a
// fuzzed second file (a waiver letter or a restatement to start from): an
// error is always a list of diagnostics, and a facility that parses has
// valid terms on every date.
func FuzzParseWaiverAndRestatement(f *testing.F) {
	f.Add([]byte(waiverFile(goodWaiver)))
	f.Add([]byte(waiverFile(goodWaiver + "changes:\n  - {op: replace, path: covenants.minimum_net_income.threshold, value: 0.00, cite: w1 §4}\n")))
	f.Add([]byte(restatementFile("2022-01-01", "", restatedTerms)))
	f.Fuzz(func(t *testing.T, b []byte) {
		fac, err := Parse([]File{NewFile("agreement.yaml", []byte(covenantAgreement)), NewFile("b.yaml", b)})
		if err != nil {
			if _, ok := err.(Errors); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, d := range fac.Dates() {
			if _, err := fac.TermsAsOf(d); err != nil {
				t.Fatalf("valid facility fails as of %s: %v", d, err)
			}
		}
		_ = fac.AllWaivers()
	})
}

// TestTermsAsOfConcurrently decodes one facility's terms from many
// goroutines at once, as the monitor and the server do: a decode must write
// nothing the facility shares (its documents' sections, its letters' fees).
// Under the race detector (.ci/run) a shared write fails it; without, a
// shared map written twice at once panics.
func TestTermsAsOfConcurrently(t *testing.T) {
	btu, err := Load("../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	waived, err := Parse(files(covenantAgreement, waiverFile(goodWaiver)))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Go(func() {
			f, d := btu, mustDate("2004-06-30")
			if i%2 == 1 {
				f, d = waived, mustDate("2021-03-01")
			}
			for range 20 {
				terms, err := f.TermsAsOf(d)
				if err != nil {
					errs <- err
					return
				}
				if i%2 == 1 && (len(terms.Waivers) != 2 || terms.Waivers[0].Cite.Title != "Waiver Letter") {
					errs <- fmt.Errorf("waivers %+v", terms.Waivers)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
