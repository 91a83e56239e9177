package agreement

import (
	"strings"
	"testing"
)

const gridTerms = `  pricing:
    cite: ola §1.5
    options:
      - id: sofr
        base: term_sofr
        interest_periods: [1m, 3m]
        rate_fixing_days: 2
        margin_grid:
          cite: ola §1.6
          measure: average_excess_availability
          period: fiscal_quarter
          fiscal_year_end: march
          measured_from: 2020-01-01
          adjusts: first_day_of_next_month
          initial: level_ii
          levels:
            - id: level_i
              at_least: 66.67%
              margin: 1.25%
            - id: level_ii
              at_least: 33.33%
              margin: 1.50%
            - id: level_iii
              margin: 1.75%
    day_count: actual_360
    billing: monthly_billed
    default_interest:
      cite: ola §1.9
      rate: 2%
      applies: on_notice
`

func TestMarginGridAndDefaultInterest(t *testing.T) {
	f, err := Parse(files(baseAgreement + gridTerms))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(f.Agreement.Date)
	if err != nil {
		t.Fatal(err)
	}
	g := terms.Pricing.Options[0].MarginGrid
	if g == nil || g.Measure != MeasureAverageExcessAvailability || g.Period.Value != "fiscal_quarter" || g.FiscalYearEnd.Value != "march" ||
		g.MeasuredFrom.Value.String() != "2020-01-01" || g.Adjusts.Value != AdjustNextMonth || g.Initial != "level_ii" || len(g.Levels) != 3 {
		t.Fatalf("grid = %+v", g)
	}
	if l := g.Levels[0]; l.ID != "level_i" || l.AtLeast.Value.Percent() != "66.67%" || l.Margin.Value.Percent() != "1.25%" || l.Cite.Section != "§1.6" {
		t.Errorf("level i = %+v", l)
	}
	if g.Levels[2].AtLeast != nil {
		t.Errorf("the last level has no threshold: %+v", g.Levels[2])
	}
	di := terms.Pricing.DefaultInterest
	if di == nil || di.Rate.Value.Percent() != "2%" || di.Applies.Value != DefaultOnNotice || di.Cite.Section != "§1.9" {
		t.Errorf("default interest = %+v", di)
	}
}

func TestMarginGridErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"rate_fixing_days: 2", "rate_fixing_days: 2\n        margin: 1%", "agreement.yaml:27:9: pricing option sofr: a margin and a margin_grid; write one of them"},
		{"initial: level_ii", "initial: level_iv", `agreement.yaml:34:20: pricing option sofr: the initial level is not a level of the grid (found "level_iv", expected a level of the grid (level_i, level_ii, level_iii))`},
		{"at_least: 33.33%", "at_least: 70%", `agreement.yaml:40:25: pricing option sofr: the levels' at_least must fall (found "70%", expected below the level before (66.67%)`},
		{"at_least: 66.67%", "at_least: 120%", "bad at_least of level level_i"},
		{"              margin: 1.75%", "              at_least: 10%\n              margin: 1.75%", "the last level level_iii has an at_least"},
		{"            - id: level_ii\n              at_least: 33.33%", "            - id: level_ii", "missing term pricing.options.sofr.margin_grid.levels.level_ii.at_least"},
		{"measure: average_excess_availability", "measure: leverage", "bad measure of the margin grid"},
		{"period: fiscal_quarter", "period: monthly", "bad value for pricing.options.sofr.margin_grid.period"},
		{"          fiscal_year_end: march\n", "", "missing term pricing.options.sofr.margin_grid.fiscal_year_end"},
		{"adjusts: first_day_of_next_month", "adjusts: someday", "bad value for pricing.options.sofr.margin_grid.adjusts"},
		{"applies: on_notice", "applies: sometimes", "bad value for pricing.default_interest.applies"},
		{"rate: 2%", "rate: two", "bad rate for pricing.default_interest.rate"},
	} {
		src := strings.Replace(gridTerms, tc.from, tc.to, 1)
		if src == gridTerms {
			t.Fatalf("%q not in the terms", tc.from)
		}
		_, err := Parse(files(baseAgreement + src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s → %s:\n err = %v\nwant %q", tc.from, tc.to, err, tc.want)
		}
	}
	// Without a grid, a margin is required.
	if _, err := Parse(files(baseAgreement + strings.Replace(gridTerms, "margin_grid:", "other:", 1))); err == nil || !strings.Contains(err.Error(), "missing term pricing.options.sofr.margin") {
		t.Errorf("no margin nor grid: err = %v", err)
	}
}
