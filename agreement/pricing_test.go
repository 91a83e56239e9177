package agreement

import (
	"strings"
	"testing"
)

const pricingTerms = `  pricing:
    cite: ola §1.5
    options:
      - id: prime
        base: prime
        margin: 0%
      - id: sofr
        base: term_sofr
        margin: 2.25%
        interest_periods: [1m, 3m, 6m]
        rate_fixing_days: 2
        minimum: 500000.00
        multiple: 100000.00
        floor: 0.50%
      - id: daily
        base: sofr
        margin: 2.50%
        floor: 0%
        lookback_days: 5
    day_count: 30_360_us
    billing: monthly_billed
`

func TestPricingOptions(t *testing.T) {
	f, err := Parse(files(baseAgreement + pricingTerms))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(f.Agreement.Date)
	if err != nil {
		t.Fatal(err)
	}
	o := terms.Pricing.Options[1]
	if o.Base != "term_sofr" || strings.Join(o.InterestPeriods.Value, ",") != "1m,3m,6m" || o.RateFixingDays.Value != 2 ||
		o.Minimum.Value.String() != "500000.00" || o.Multiple.Value.String() != "100000.00" || o.Minimum.Cite.Document != "ola" {
		t.Errorf("option = %+v", o)
	}
	if p := terms.Pricing.Options[0]; p.InterestPeriods != nil || p.Minimum != nil {
		t.Errorf("prime option = %+v", p)
	}
	if o.Floor.Value.Percent() != "0.5%" || terms.Pricing.Options[2].LookbackDays.Value != 5 {
		t.Errorf("floor %+v, lookback %+v", o.Floor, terms.Pricing.Options[2].LookbackDays)
	}
	if terms.Pricing.DayCount.Value != "30_360_us" {
		t.Errorf("day count %q", terms.Pricing.DayCount.Value)
	}
}

func TestPricingOptionErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"base: term_sofr", "base: euribor", "bad base rate for sofr"},
		{"[1m, 3m, 6m]", "[1m, 2m]", `bad interest period for sofr`},
		{"base: term_sofr", "base: prime", "interest periods for sofr"},
		{"multiple: 100000.00", "multiple: 0.00", "bad multiple for sofr"},
		{"rate_fixing_days: 2", "rate_fixing_days: -1", "bad number"},
		{"day_count: 30_360_us", "day_count: act/act", "bad value for pricing.day_count"},
		{"base: sofr", "base: fed_funds", "lookback for daily"},
		{"floor: 0.50%", "floor: -1%", "bad rate"},
	} {
		_, err := Parse(files(baseAgreement + strings.Replace(pricingTerms, tc.from, tc.to, 1)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s → %s: err = %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
}
