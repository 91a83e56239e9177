package agreement

import (
	"strings"
	"testing"

	"revolver/date"
)

// feesAgreement is baseAgreement with fees (from line 20).
const feesAgreement = baseAgreement + `  fees:
    - id: closing_fee
      label: Closing fee
      amount: 10000.00
      due: 2020-01-01
    - id: unused_line_fee
      label: Unused line fee
      kind: unused_line
      basis: actual_360
      billing: quarterly
      steps:
        - id: low
          usage_below: 50%
          rate: 0.375%
        - id: high
          rate: 0.25%
    - id: lc_fee
      kind: letter_of_credit
      rate: 2%
      basis: actual_365
      billing: monthly
    - id: monitoring_fee
      kind: monitoring
      amount: 1500.00
      billing: monthly
    - id: minimum_interest
      kind: minimum_interest
      amount: 25000.00
      billing: quarterly
`

func TestFeesDecode(t *testing.T) {
	f, err := Parse(files(feesAgreement))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(date.MustParse("2020-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Fee{}
	for _, fee := range terms.Fees {
		byID[fee.ID] = fee
	}
	if c := byID["closing_fee"]; c.Kind != FeeFixed || c.Amount.Value != 10_000_00 || c.Due == nil || c.Due.Value != date.MustParse("2020-01-01") {
		t.Errorf("closing fee %+v", c)
	}
	u := byID["unused_line_fee"]
	if u.Kind != FeeUnusedLine || u.Rate != nil || len(u.Steps) != 2 || u.Steps[0].UsageBelow.Value.Percent() != "50%" || u.Steps[0].Rate.Value.Percent() != "0.375%" ||
		u.Steps[1].UsageBelow != nil || u.Basis.Value != "actual_360" || u.Billing.Value != "quarterly" || u.Steps[0].Rate.Path != "fees.unused_line_fee.steps.low.rate" {
		t.Errorf("unused line fee %+v", u)
	}
	if l := byID["lc_fee"]; l.Kind != FeeLetterOfCredit || l.Rate.Value.Percent() != "2%" || l.Basis.Value != "actual_365" || l.Billing.Value != "monthly" || l.Rate.Path != "fees.lc_fee.rate" {
		t.Errorf("letter-of-credit fee %+v", l)
	}
	if m := byID["monitoring_fee"]; m.Kind != FeeMonitoring || m.Amount.Value != 1_500_00 || m.Billing.Value != "monthly" {
		t.Errorf("monitoring fee %+v", m)
	}
	if m := byID["minimum_interest"]; m.Kind != FeeMinimumInterest || m.Amount.Value != 25_000_00 {
		t.Errorf("minimum interest %+v", m)
	}
}

// Each mistake in a fee is reported at its file:line:column with what was
// found and what was expected.
func TestFeesLint(t *testing.T) {
	for _, c := range []struct{ name, from, to, want string }{
		{"bad kind", "kind: monitoring", "kind: retainer", `agreement.yaml:42:13: bad kind for fee monitoring_fee (found "retainer", expected one of fixed, unused_line, letter_of_credit, monitoring, minimum_interest)`},
		{"bad billing", "billing: monthly\n    - id: monitoring_fee", "billing: weekly\n    - id: monitoring_fee", `agreement.yaml:40:16: bad value for fees.lc_fee.billing (found "weekly", expected one of monthly, quarterly)`},
		{"bad basis", "basis: actual_365", "basis: actual_366", `agreement.yaml:39:14: bad value for fees.lc_fee.basis (found "actual_366", expected one of actual_360, actual_365, 30_360)`},
		{"bad rate", "rate: 2%", "rate: two", `agreement.yaml:38:13: bad rate for fees.lc_fee.rate (found "two"`},
		{"missing billing", "      amount: 1500.00\n      billing: monthly\n", "      amount: 1500.00\n", `agreement.yaml:41:7: missing term fees.monitoring_fee.billing (expected ` + "`billing:`)"},
		{"missing rate", "      rate: 2%\n", "", `missing term fees.lc_fee.rate`},
		{"rate and steps", "      basis: actual_360\n      billing: quarterly\n      steps:", "      rate: 1%\n      basis: actual_360\n      billing: quarterly\n      steps:", `fee unused_line_fee: a rate and steps; write one of them`},
		{"a term of another kind", "      amount: 25000.00\n", "      amount: 25000.00\n      due: 2020-03-31\n", `agreement.yaml:48:7: fee minimum_interest: due is not a term of a minimum_interest fee (found "due"`},
		{"rate on a fixed fee", "      due: 2020-01-01\n", "      due: 2020-01-01\n      rate: 1%\n", `fee closing_fee: rate is not a term of a fixed fee`},
		{"last step with usage_below", "          rate: 0.25%\n", "          usage_below: 90%\n          rate: 0.25%\n", `fee unused_line_fee: the last step high has a usage_below (found "0.9"`},
		{"step without usage_below", "          usage_below: 50%\n", "", `missing term fees.unused_line_fee.steps.low.usage_below`},
		{"usage_below above 100%", "usage_below: 50%", "usage_below: 150%", `fee unused_line_fee: bad usage_below of step low (found "1.5", expected a share above 0% and at most 100%)`},
		{"bad unused", "      kind: unused_line\n", "      kind: unused_line\n      unused: commitment_less_everything\n", `bad value for fees.unused_line_fee.unused (found "commitment_less_everything"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(feesAgreement, c.from, c.to, 1)
			if src == feesAgreement {
				t.Fatalf("the case changes nothing: %q not found", c.from)
			}
			errs := Lint(files(src))
			if len(errs) == 0 {
				t.Fatalf("no diagnostic; want one containing %q", c.want)
			}
			if !strings.Contains(errs.Error(), c.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", errs.Error(), c.want)
			}
		})
	}
}

// The steps must rise.
func TestFeeStepsRise(t *testing.T) {
	src := strings.Replace(feesAgreement, "        - id: high\n", "        - id: mid\n          usage_below: 40%\n          rate: 0.3%\n        - id: high\n", 1)
	errs := Lint(files(src))
	if !strings.Contains(errs.Error(), `fee unused_line_fee: the steps' usage_below must rise (found "0.4", expected above the step before (0.5))`) {
		t.Errorf("diagnostics: %v", errs)
	}
}
