package agreement

import (
	"strings"
	"testing"

	"revolver/money"
)

// lastOutAgreement is baseAgreement with a last-out tranche over its
// receivables component.
func lastOutAgreement(lastOut string) string {
	return strings.Replace(baseAgreement, "    letters_of_credit: deduct_from_borrowing_base\n",
		"    letters_of_credit: deduct_from_borrowing_base\n"+lastOut, 1)
}

const goodLastOut = `    last_out:
      label: FILO tranche
      cite: fa §2
      advance_rates:
        receivables: 5%
      cap: 250000.00
      margin: 1.50%
`

func TestLastOutDecodes(t *testing.T) {
	f, err := Parse(files(lastOutAgreement(goodLastOut)))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(mustDate("2020-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	lo := terms.BorrowingBase.LastOut
	if lo == nil {
		t.Fatal("no last-out tranche")
	}
	inc := lo.Increment("receivables")
	if inc == nil || inc.Value.Cmp(mrate("5%")) != 0 || inc.Path != "borrowing_base.last_out.advance_rates.receivables" || inc.Cite.Document != "fa" {
		t.Errorf("increment %+v", inc)
	}
	if lo.Cap == nil || lo.Cap.Value != mamt("250000.00") || lo.Margin.Value.Cmp(mrate("1.50%")) != 0 || lo.Label != "FILO tranche" {
		t.Errorf("last out %+v", lo)
	}
	if lo.Increment("inventory") != nil {
		t.Error("an increment for a component not named")
	}
	base, _ := Parse(files(baseAgreement))
	bt, _ := base.TermsAsOf(mustDate("2020-06-30"))
	if bt.BorrowingBase.LastOut != nil {
		t.Error("a last-out tranche without last_out")
	}
}

func TestLastOutLint(t *testing.T) {
	cases := []struct{ name, lastOut, want string }{
		{"unknown component", strings.Replace(goodLastOut, "receivables: 5%", "inventory: 5%", 1),
			`agreement.yaml:20:9: last-out advance rate for a component that does not exist (found "inventory", expected a component of the borrowing base (receivables))`},
		{"above 100% in all", strings.Replace(goodLastOut, "receivables: 5%", "receivables: 25%", 1),
			`agreement.yaml:20:22: last-out advance rate of receivables above 100% in all (found "25%", expected an increment of at most 20% (first-out 80% + last-out at most 100%))`},
		{"bad rate", strings.Replace(goodLastOut, "receivables: 5%", "receivables: five", 1),
			`agreement.yaml:20:22: bad rate for borrowing_base.last_out.advance_rates.receivables (found "five"`},
		{"no margin", strings.Replace(goodLastOut, "      margin: 1.50%\n", "", 1),
			`agreement.yaml:17:7: missing term borrowing_base.last_out.margin`},
		{"no advance rates", strings.Replace(goodLastOut, "      advance_rates:\n        receivables: 5%\n", "", 1),
			`agreement.yaml:17:7: missing term borrowing_base.last_out.advance_rates`},
		{"bad cap", strings.Replace(goodLastOut, "250000.00", "lots", 1),
			`agreement.yaml:21:12: bad amount for borrowing_base.last_out.cap (found "lots"`},
		{"unknown key", goodLastOut + "      comitment: 5\n", `agreement.yaml:23:7: unknown term borrowing_base.last_out.comitment`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := Lint(files(lastOutAgreement(c.lastOut)))
			if errs == nil || !strings.Contains(errs.Error(), c.want) {
				t.Errorf("diagnostics:\n%v\nwant one containing %q", errs, c.want)
			}
		})
	}
	if errs := Lint(files(lastOutAgreement(goodLastOut))); errs != nil {
		t.Errorf("clean last-out tranche: %v", errs)
	}
	// An amendment raising the first-out rate above what the increment
	// leaves is refused at its effective date.
	errs := Lint(files(lastOutAgreement(goodLastOut), amendment("2021-01-01", "  - {op: replace, path: borrowing_base.components.receivables.advance_rate, value: 97%, cite: fa §1}\n")))
	if errs == nil || !strings.Contains(errs.Error(), "last-out advance rate of receivables above 100% in all") {
		t.Errorf("amended: %v", errs)
	}
}

func mrate(s string) money.Rate {
	r, err := money.ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

func mamt(s string) money.Amount {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

func TestLastOutAboveTheNOLVAdvanceRate(t *testing.T) {
	a := strings.Replace(baseAgreement, "        advance_rate: 80%\n", "        advance_rate: 80%\n      - id: inventory\n        collateral: inventory\n        advance_rate: 50%\n        nolv: {rate: 70%, advance_rate: 85%}\n", 1)
	a = strings.Replace(a, "  eligibility:\n", "  eligibility:\n    inventory: []\n", 1)
	lo := strings.Replace(goodLastOut, "receivables: 5%", "inventory: 20%", 1)
	errs := Lint(files(strings.Replace(a, "    letters_of_credit: deduct_from_borrowing_base\n", "    letters_of_credit: deduct_from_borrowing_base\n"+lo, 1)))
	if errs == nil || !strings.Contains(errs.Error(), `last-out advance rate of inventory above 100% of its NOLV in all (found "20%", expected an increment of at most 15% (NOLV advance rate 85% + last-out at most 100%))`) {
		t.Errorf("diagnostics: %v", errs)
	}
}
