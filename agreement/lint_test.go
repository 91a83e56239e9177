package agreement

import (
	"strings"
	"testing"

	"revolver/date"
)

const baseAgreement = `revolver: agreement/1
facility: demo
document: {id: ola, title: Loan Agreement, date: 2020-01-01}
documents:
  - {id: fa, title: First Amendment, date: 2021-01-01}
terms:
  commitment: {value: 1000000.00, cite: ola §2.1}
  termination_date: 2023-12-31
  borrowing_base:
    cite: ola §2.1
    components:
      - id: receivables
        collateral: receivables
        advance_rate: 80%
    letters_of_credit: deduct_from_borrowing_base
  eligibility:
    receivables:
      - id: past_due
        days: 90
`

func files(agreement string, amendments ...string) []File {
	fs := []File{NewFile("agreement.yaml", []byte(agreement))}
	for i, a := range amendments {
		fs = append(fs, NewFile("amend"+string(rune('1'+i))+".yaml", []byte(a)))
	}
	return fs
}

func amendment(effective, changes string) string {
	return "revolver: amendment/1\nfacility: demo\nid: fa\ndocument: fa\neffective: " + effective + "\nchanges:\n" + changes
}

func TestLintFindsEachProblem(t *testing.T) {
	cases := []struct {
		name  string
		files []File
		want  string // a fragment of the one diagnostic, with its position
	}{
		{"bad yaml", files("revolver: agreement/1\nterms: [\n"), "agreement.yaml:2:1: line 2: did not find expected node content"},
		{"bad amount", files(strings.Replace(baseAgreement, "1000000.00", "1000000.005", 1)),
			`agreement.yaml:7:23: bad amount for commitment (found "1000000.005", expected a non-negative amount`},
		{"bad date", files(strings.Replace(baseAgreement, "2023-12-31", "2023-02-30", 1)),
			`agreement.yaml:8:21: bad date for termination_date (found "2023-02-30", expected a date YYYY-MM-DD)`},
		{"unknown criterion", files(strings.Replace(baseAgreement, "id: past_due", "id: too_old", 1)),
			`agreement.yaml:18:9: unknown receivables criterion (found "too_old"`},
		{"invalid parameter", files(strings.Replace(baseAgreement, "days: 90", "days: ninety", 1)),
			`agreement.yaml:19:15: bad number for eligibility.receivables.past_due.days (found "ninety", expected a whole number ≥ 0)`},
		{"parameter of another criterion", files(strings.Replace(baseAgreement, "days: 90", "days: 90\n        share: 20%", 1)),
			`unknown term eligibility.receivables.past_due.share (found "share"`},
		{"missing parameter", files(strings.Replace(baseAgreement, "      - id: past_due\n        days: 90\n", "      - id: concentration\n", 1)),
			`missing term eligibility.receivables.concentration.share`},
		{"cel does not compile", files(baseAgreement + "      - id: big\n        kind: custom\n        expr: amount_cents > \n"),
			`agreement.yaml:22:15: criterion big does not compile`},
		{"cel not bool", files(baseAgreement + "      - id: big\n        kind: custom\n        expr: amount_cents + 1\n"),
			`criterion big does not compile`},
		{"unknown document", files(strings.Replace(baseAgreement, "cite: ola §2.1}", "cite: xyz §2.1}", 1)),
			`citation to an unknown document (found "xyz"`},
		{"unknown key", files(baseAgreement + "  comitment: 5\n"), `agreement.yaml:20:3: unknown term comitment`},
		{"target does not exist", files(baseAgreement, amendment("2021-01-01", "  - {op: replace, path: borrowing_base.components.inventory.advance_rate, value: 50%, cite: fa §1}\n")),
			`amend1.yaml:7:5: replace of a term that does not exist (found "borrowing_base.components.inventory.advance_rate"`},
		{"two changes one date", files(baseAgreement, amendment("2021-01-01",
			"  - {op: replace, path: termination_date, value: 2024-12-31, cite: fa §1}\n  - {op: replace, path: termination_date, value: 2025-12-31, cite: fa §2}\n")),
			`amend1.yaml:8:5: two changes to one term on 2021-01-01: also changed at amend1.yaml:7:5`},
		{"change cites unknown document", files(baseAgreement, amendment("2021-01-01", "  - {op: replace, path: termination_date, value: 2024-12-31, cite: nope §1}\n")),
			`citation to an unknown document (found "nope"`},
		{"change without cite", files(baseAgreement, amendment("2021-01-01", "  - {op: replace, path: termination_date, value: 2024-12-31}\n")),
			`change without a citation`},
		{"bad op", files(baseAgreement, amendment("2021-01-01", "  - {op: upsert, path: termination_date, value: 2024-12-31, cite: fa §1}\n")),
			`bad op (found "upsert", expected set, replace or delete)`},
		{"amended value invalid", files(baseAgreement, amendment("2021-01-01", "  - {op: replace, path: borrowing_base.components.receivables.advance_rate, value: 180%, cite: fa §1}\n")),
			`advance rate above 100%`},
		{"unknown without reason", files(strings.Replace(baseAgreement, "advance_rate: 80%", "advance_rate: {unknown: ''}", 1)),
			"`unknown:` needs a reason"},
		{"empty value", files(strings.Replace(baseAgreement, "termination_date: 2023-12-31", "termination_date:", 1)),
			"agreement.yaml:8:20: empty value"},
		{"components overlap without an order", files(strings.Replace(baseAgreement, "        advance_rate: 80%\n",
			"        advance_rate: 80%\n      - id: insured\n        collateral: receivables\n        filter: credit_insured\n        advance_rate: 90%\n", 1)),
			`agreement.yaml:15:9: component insured can take no row: component receivables before it (agreement.yaml:12:9) has no filter and takes every eligible row of receivables`},
		{"filter does not compile", files(strings.Replace(baseAgreement, "        advance_rate: 80%\n",
			"        filter: amount_cents + 1\n        advance_rate: 80%\n", 1)),
			`agreement.yaml:14:17: filter of component receivables does not compile`},
		{"filter on fixed assets", files(strings.Replace(baseAgreement, "        advance_rate: 80%\n",
			"        advance_rate: 80%\n      - id: plant\n        collateral: fixed_assets\n        filter: \"true\"\n        advance_rate: 50%\n", 1)),
			`component plant of fixed_assets has a filter but its class has no rows`},
		{"no agreement", []File{NewFile("a.yaml", []byte(amendment("2021-01-01", "  - {op: delete, path: x, cite: fa §1}\n")))},
			"no agreement file"},
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
}

func TestCleanAgreementHasNoDiagnostics(t *testing.T) {
	if errs := Lint(files(baseAgreement)); errs != nil {
		t.Fatalf("unexpected diagnostics:\n%v", errs)
	}
}

func TestComponentsInOrderHaveNoDiagnostics(t *testing.T) {
	a := strings.Replace(baseAgreement, "      - id: receivables\n        collateral: receivables\n",
		"      - id: insured\n        collateral: receivables\n        filter: credit_insured && country != \"US\"\n        advance_rate: 90%\n      - id: receivables\n        collateral: receivables\n", 1)
	f, err := Parse(files(a))
	if err != nil {
		t.Fatalf("unexpected diagnostics:\n%v", err)
	}
	terms, _ := f.TermsAsOf(date.MustParse("2020-06-30"))
	ks := terms.BorrowingBase.ComponentsOf(Receivables)
	if len(ks) != 2 || ks[0].ID != "insured" || ks[0].Filter != `credit_insured && country != "US"` || ks[1].Filter != "" {
		t.Fatalf("components of receivables: %+v", ks)
	}
}

func TestUnknownTermStaysUnknown(t *testing.T) {
	f, err := Parse(files(strings.Replace(baseAgreement, "advance_rate: 80%", "advance_rate: {unknown: not in the documents}", 1)))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(f.Agreement.Date)
	if err != nil {
		t.Fatal(err)
	}
	r := terms.BorrowingBase.Components[0].AdvanceRate
	if r.Known() || r.Unknown != "not in the documents" || r.Path != "borrowing_base.components.receivables.advance_rate" {
		t.Errorf("got %+v", r)
	}
}

func TestAmendmentOrderAndAsOf(t *testing.T) {
	f, err := Parse(files(baseAgreement,
		amendment("2021-01-01", "  - {op: replace, path: termination_date, value: 2024-12-31, cite: fa §1}\n  - {op: set, path: eligibility.receivables.disputed, value: {label: Disputed}, before: past_due, cite: fa §2}\n"),
	))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ asOf, want string }{{"2020-12-31", "2023-12-31"}, {"2021-01-01", "2024-12-31"}} {
		d := mustDate(c.asOf)
		terms, err := f.TermsAsOf(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := terms.TerminationDate.Value.String(); got != c.want {
			t.Errorf("as of %s: %s, want %s", c.asOf, got, c.want)
		}
	}
	terms, _ := f.TermsAsOf(mustDate("2021-06-30"))
	if len(terms.Receivables) != 2 || terms.Receivables[0].ID != "disputed" || terms.Receivables[0].Cite.Amendment != "fa" {
		t.Errorf("criteria after amendment: %+v", terms.Receivables)
	}
	if got := terms.TerminationDate.Cite; got.Document != "fa" || got.Section != "§1" || got.Amendment != "fa" || got.Title != "First Amendment" {
		t.Errorf("cite: %+v", got)
	}
}

func TestParseMetric(t *testing.T) {
	num, den, err := ParseMetric("total_liabilities / (total_assets - intangible_assets - total_liabilities)")
	if err != nil || len(num) != 1 || len(den) != 3 || den[1].Sign != -1 || den[2].Name != "total_liabilities" {
		t.Fatalf("got %v %v %v", num, den, err)
	}
	for _, bad := range []string{"", "a +", "a b", "a / b / c", "A - b", "- - a"} {
		if _, _, err := ParseMetric(bad); err == nil {
			t.Errorf("ParseMetric(%q) accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(baseAgreement))
	f.Add([]byte("revolver: agreement/1\nterms: {a: [1, {id: x}]}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fac, err := Parse([]File{NewFile("a.yaml", b)})
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
	})
}

func mustDate(s string) date.Date { return date.MustParse(s) }

func TestInventorySublimitLint(t *testing.T) {
	a := strings.Replace(baseAgreement, "    letters_of_credit: deduct_from_borrowing_base\n", "    letters_of_credit: deduct_from_borrowing_base\n    inventory_sublimit: 40%\n", 1)
	errs := Lint(files(a))
	if !strings.Contains(errs.Error(), "agreement.yaml:16:25: an inventory sublimit but no inventory component") {
		t.Errorf("diagnostics: %v", errs)
	}
}
