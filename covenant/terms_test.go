package covenant

import (
	"revolver/agreement"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// Hand-built terms of the example facility (the YAML loader is tested in
// agreement/): the covenants of Loan Agreement Schedule A, before and after
// the First Amendment (effective 2004-01-28).

var firstAmendmentEffective = date.MustParse("2004-01-28")

func cite(doc, sec, amd string) explain.Cite {
	return explain.Cite{Document: doc, Section: sec, Amendment: amd}
}

func rate(s string) money.Rate { return money.MustRate(s) }

func lines(names ...string) []agreement.Line {
	var out []agreement.Line
	for _, n := range names {
		sign := 1
		if n[0] == '-' {
			sign, n = -1, n[1:]
		}
		out = append(out, agreement.Line{Name: n, Sign: sign})
	}
	return out
}

func tnwMetric() agreement.Metric {
	return agreement.Metric{
		Name:      "tangible_net_worth",
		Numerator: lines("total_assets", "-intangible_assets", "-total_liabilities"),
		Formula:   "total_assets - intangible_assets - total_liabilities",
	}
}

func quarterly() agreement.Term[string] {
	return agreement.Term[string]{Value: "quarterly", Path: "covenants.x.frequency"}
}

func amendedTNW() agreement.Covenant {
	return agreement.Covenant{
		ID: "minimum_tangible_net_worth", Label: "Minimum Tangible Net Worth",
		Metric: tnwMetric(), Comparison: "min",
		Threshold: agreement.Term[money.Rate]{Value: rate("10000000"), Path: "covenants.minimum_tangible_net_worth.threshold",
			Cite: cite("first-amendment", "§1(h)", "first-amendment")},
		Frequency: quarterly(),
		Ratchet: &agreement.Ratchet{
			Share:          agreement.Term[money.Rate]{Value: rate("50%"), Path: "covenants.minimum_tangible_net_worth.ratchet.share", Cite: cite("first-amendment", "§1(h)", "first-amendment")},
			Line:           "net_income",
			FromFiscalYear: agreement.Term[int]{Value: 2004, Path: "covenants.minimum_tangible_net_worth.ratchet.from_fiscal_year", Cite: cite("first-amendment", "§1(h)", "first-amendment")},
			Cite:           cite("first-amendment", "§1(h)", "first-amendment"),
		},
		Cite: cite("loan-agreement", "Schedule A", "first-amendment"),
	}
}

func amendedNetIncome() agreement.Covenant {
	return agreement.Covenant{
		ID: "minimum_net_income", Label: "Minimum Net Income",
		Metric:     agreement.Metric{Name: "net_income", Numerator: lines("net_income")},
		Comparison: "min",
		Threshold: agreement.Term[money.Rate]{Value: rate("1.00"), Path: "covenants.minimum_net_income.threshold",
			Cite: cite("first-amendment", "§1(i)", "first-amendment")},
		FirstTest: &agreement.Term[date.Date]{Value: date.MustParse("2004-12-31"), Path: "covenants.minimum_net_income.first_test",
			Cite: cite("first-amendment", "§1(i)", "first-amendment")},
		Frequency: quarterly(),
		Cite:      cite("loan-agreement", "Schedule A", "first-amendment"),
	}
}

func leverage(max string) agreement.Covenant {
	return agreement.Covenant{
		ID: "maximum_leverage_ratio", Label: "Leverage Ratio",
		Metric: agreement.Metric{
			Name:        "leverage_ratio",
			Numerator:   lines("total_liabilities"),
			Denominator: lines("total_assets", "-intangible_assets", "-total_liabilities"),
			Formula:     "total_liabilities / (total_assets - intangible_assets - total_liabilities)",
		},
		Comparison: "max",
		Threshold: agreement.Term[money.Rate]{Value: rate(max), Path: "covenants.maximum_leverage_ratio.threshold",
			Cite: cite("first-amendment", "§1(j)", "first-amendment")},
		Frequency: quarterly(),
		Cite:      cite("loan-agreement", "Schedule A", "first-amendment"),
	}
}

// btuTerms gives the covenants in force on d: the Original Loan Agreement's
// before the First Amendment (its TNW step-up rule is not known), the
// amended ones from 2004-01-28.
func btuTerms(d date.Date) (*agreement.Terms, error) {
	t := &agreement.Terms{Facility: "btu-sovereign", AsOf: d}
	if d < firstAmendmentEffective {
		tnw := amendedTNW()
		tnw.Threshold = agreement.Term[money.Rate]{Value: rate("20000000"), Path: "covenants.minimum_tangible_net_worth.threshold",
			Cite: cite("loan-agreement", "Schedule A", "")}
		tnw.Ratchet = &agreement.Ratchet{Unknown: "the original step-up rule is not in the seed",
			Share: agreement.Term[money.Rate]{Unknown: "not in the seed", Path: "covenants.minimum_tangible_net_worth.ratchet.share"}}
		tnw.Cite = cite("loan-agreement", "Schedule A", "")
		lev := leverage("0.75")
		lev.Threshold.Cite = cite("loan-agreement", "Schedule A", "")
		lev.Cite = cite("loan-agreement", "Schedule A", "")
		t.Covenants = []agreement.Covenant{tnw, lev}
		return t, nil
	}
	t.Amendments = []agreement.AmendmentRef{{ID: "first-amendment", Document: "first-amendment", Effective: firstAmendmentEffective}}
	t.Covenants = []agreement.Covenant{amendedTNW(), amendedNetIncome(), leverage("2.0")}
	return t, nil
}

func fixedTerms(covs ...agreement.Covenant) func(date.Date) (*agreement.Terms, error) {
	return func(d date.Date) (*agreement.Terms, error) {
		return &agreement.Terms{AsOf: d, Covenants: covs}, nil
	}
}
