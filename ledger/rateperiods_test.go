package ledger

import (
	"testing"

	"revolver/date"
	"revolver/money"
)

// Days at one rate make one period, whether the series republishes the
// value daily or not; a new value, a gap or another margin starts another.
func TestRatePeriods(t *testing.T) {
	d := date.MustParse
	pt := func(eff, v string) RatePoint {
		return RatePoint{Effective: d(eff), Value: money.MustRate(v), Source: "H.15"}
	}
	m := money.MustRate("0.25%")
	day := func(s string, base RatePoint, margin money.Rate, interest money.Amount) DayRate {
		return DayRate{Day: d(s), Option: "prime", Series: "prime", Base: base, Margin: margin, Rate: base.Value.Add(margin), DayCount: "actual_360", Interest: interest}
	}
	days := []DayRate{
		day("2006-01-03", pt("2006-01-03", "7.25%"), m, 100),
		day("2006-01-04", pt("2006-01-04", "7.25%"), m, 100), // republished: same period
		day("2006-01-05", pt("2006-01-05", "7.5%"), m, 110),  // new value
		day("2006-01-07", pt("2006-01-05", "7.5%"), m, 110),  // a gap
		day("2006-01-08", pt("2006-01-05", "7.5%"), money.MustRate("0.5%"), 120),
	}
	ps := RatePeriods(days)
	if len(ps) != 4 {
		t.Fatalf("periods %+v", ps)
	}
	if p := ps[0]; p.From != d("2006-01-03") || p.To != d("2006-01-04") || p.Days != 2 || p.Interest != 200 || p.Rate.Percent() != "7.5%" || p.Base.Effective != d("2006-01-03") {
		t.Errorf("first %+v", p)
	}
	if p := ps[3]; p.Rate.Percent() != "8%" || p.Explain.Children[1].Formula != "source: H.15" {
		t.Errorf("last %+v %+v", p, p.Explain)
	}
}

// A floored day's period says the floor, and the default interest is
// added after it.
func TestRatePeriodFloorAndDefault(t *testing.T) {
	floor := money.MustRate("0.01")
	p := Pricing{Series: "sofr", Option: "daily", Margin: money.MustRate("0.02"), Floor: &floor, Default: money.MustRate("0.02"), Note: "default interest +2%", DayCountName: "actual_360"}
	s := RateSeries{{Effective: date.MustParse("2021-01-04"), Value: money.MustRate("0.0005"), Source: "FRBNY"}}
	a, err := RateOfDay(p, s, date.MustParse("2021-01-05"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Floored || a.Rate.Percent() != "5%" {
		t.Fatalf("rate %+v", a)
	}
	ps := RatePeriods([]DayRate{DayRateOf(p, a, 1389)})
	if f := ps[0].Explain.Children[0].Formula; f != "floor 1% (above sofr in force: 0.05%, effective 2021-01-04) + margin 2% + default interest 2%; default interest +2%" {
		t.Errorf("formula %q", f)
	}
}
