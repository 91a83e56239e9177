package ledger

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"revolver/calendar"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

func TestNewInterestPeriod(t *testing.T) {
	fed, usgs := calendar.FederalReserve(), calendar.USGovernmentSecurities()
	d := date.MustParse
	tests := []struct {
		start, tenor, end, fixing string
	}{
		{"2024-01-16", "3m", "2024-04-16", "2024-01-11"}, // fixing: two SIFMA days back over MLK Day
		{"2024-05-15", "1m", "2024-06-17", "2024-05-13"}, // 15 June is a Saturday: following
		{"2024-01-31", "1m", "2024-02-29", "2024-01-29"}, // the last business day: end of month
		{"2024-04-30", "1m", "2024-05-31", "2024-04-26"}, // end of month
		{"2024-08-30", "1m", "2024-09-30", "2024-08-28"}, // 30 August, a Friday, is August's last business day
		{"2024-04-02", "6m", "2024-10-02", "2024-03-28"}, // fixing over Good Friday (a SIFMA holiday)
		{"2026-03-27", "1m", "2026-04-27", "2026-03-25"}, // 27 April 2026 a Monday
		{"2026-04-29", "1m", "2026-05-29", "2026-04-27"}, // not the last business day: 29 May, a Friday
		{"2024-10-31", "1m", "2024-11-29", "2024-10-29"}, // end of month: 30 November is a Saturday
		{"2024-12-02", "1m", "2025-01-02", "2024-11-27"}, // fixing: back over Thanksgiving
	}
	for _, tt := range tests {
		p, err := NewInterestPeriod(d(tt.start), tt.tenor, fed, usgs, 2)
		if err != nil {
			t.Fatal(err)
		}
		if p.End.String() != tt.end || p.Fixing.String() != tt.fixing {
			t.Errorf("%s %s: %s to %s fixed %s, want to %s fixed %s", tt.start, tt.tenor, p.Start, p.End, p.Fixing, tt.end, tt.fixing)
		}
	}
	if _, err := NewInterestPeriod(d("2024-01-16"), "3w", fed, usgs, 2); err == nil {
		t.Error("3w accepted")
	}
}

func TestCheckBorrowing(t *testing.T) {
	sofr := Option{ID: "sofr", Base: "term_sofr", Periods: []string{"1m", "3m"}, Minimum: 50_000_000, Multiple: 10_000_000}
	prime := Option{ID: "prime", Base: "prime"}
	amt := func(s string) money.Amount { a, _ := money.ParseAmount(s); return a }
	for _, tc := range []struct {
		o      Option
		amount string
		tenor  string
		want   string // "" ok, else part of the error
	}{
		{sofr, "500000.00", "1m", ""},
		{sofr, "1200000.00", "3m", ""},
		{sofr, "400000.00", "1m", "the minimum is 500000.00"},
		{sofr, "550000.00", "1m", "whole multiple of 100000.00"},
		{sofr, "500000.00", "6m", `interest period "6m" for option sofr: expected one of 1m, 3m`},
		{sofr, "500000.00", "", "needs an interest period"},
		{prime, "1.00", "", ""},
		{prime, "1.00", "1m", "a prime loan has none"},
		{Option{ID: "libor", Base: "libor"}, "1.00", "", "the terms give no interest periods"},
		{Option{ID: "libor", Base: "libor"}, "1.00", "3m", "the terms give no interest periods"},
	} {
		err := tc.o.CheckBorrowing(amt(tc.amount), tc.tenor)
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s %s: %v, want %q", tc.o.ID, tc.amount, tc.tenor, err, tc.want)
		}
	}
}

// A Term SOFR loan's rate is the series on the fixing day plus the margin;
// its period's interest under 30/360 US, explained; unknown on the fixing
// day: undetermined, naming the series and the day.
func TestTermLoanRateAndInterest(t *testing.T) {
	d := date.MustParse
	o := Option{ID: "sofr", Base: "term_sofr", Margin: money.MustRate("2.25%")}
	s := RateSeries{{Effective: d("2007-02-23"), Value: money.MustRate("5.20%"), Source: "CME Term SOFR"}, {Effective: d("2007-02-26"), Value: money.MustRate("5.25%"), Source: "CME Term SOFR"}}
	r, err := o.RateOn("term_sofr_1m", s, d("2007-02-26"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Rate.Percent() != "7.5%" || r.Point.Source != "CME Term SOFR" {
		t.Errorf("rate %+v", r)
	}
	n := r.Explain(explain.Cite{Document: "ola", Section: "§1.5"})
	if n.Formula != "term_sofr_1m on 2007-02-26 (5.25%, effective 2007-02-26) + margin 2.25%" || n.Children[0].Formula != "source: CME Term SOFR" {
		t.Errorf("explanation %+v", n)
	}
	p := InterestPeriod{Tenor: "1m", Start: d("2007-02-28"), End: d("2007-03-30"), Fixing: d("2007-02-26")}
	// 30/360 US: 28 February counts as the 30th: 30 days; 1,000,000 × 7.5% × 30/360.
	a, e, err := PeriodInterest(100_000_000, r, calendar.Thirty360US, p)
	if err != nil || a.String() != "6250.00" || !strings.Contains(e.Formula, "30/360") {
		t.Errorf("interest %v %+v %v", a, e, err)
	}
	_, err = o.RateOn("term_sofr_1m", s, d("2007-02-22"))
	var le *Error
	if !errors.As(err, &le) || le.Code != CodeUndetermined || !strings.Contains(err.Error(), `rate series "term_sofr_1m" has no value effective on or before 2007-02-22`) {
		t.Errorf("before the series: %v", err)
	}
}

// A period's daily shares sum to its year fraction, for every convention,
// from any start (the end of February under 30/360 US included).
func TestPeriodDayShareSums(t *testing.T) {
	d := date.MustParse
	for _, dc := range []calendar.DayCount{calendar.Actual360, calendar.Actual365Fixed, calendar.Thirty360, calendar.ThirtyE360, calendar.Thirty360US, calendar.ActualActualISDA} {
		for _, pr := range [][2]string{{"2007-02-28", "2007-03-30"}, {"2008-02-29", "2009-02-28"}, {"2003-11-01", "2004-05-01"}, {"2006-08-31", "2007-02-28"}} {
			start, end := d(pr[0]), d(pr[1])
			sum := new(big.Rat)
			for day := start; day < end; day++ {
				num, den := PeriodDayShare(dc, start, day)
				sum.Add(sum, big.NewRat(num, den))
			}
			num, den := dc.YearFraction(start, end)
			if sum.Cmp(big.NewRat(num, den)) != 0 {
				t.Errorf("%v %s..%s: days sum to %v, the period is %d/%d", dc, pr[0], pr[1], sum, num, den)
			}
		}
	}
}

// Daily Simple SOFR with a five-day lookback on the US Government
// Securities calendar: a day bears the SOFR of five such days before it
// (Good Friday 2024 not one of them); a missing publication falls back at
// most three business days; further back it is undetermined.
func TestDailySimpleSOFR(t *testing.T) {
	d := date.MustParse
	usgs := calendar.USGovernmentSecurities()
	s := RateSeries{}
	for _, day := range []string{"2024-03-20", "2024-03-21", "2024-03-22", "2024-03-25", "2024-03-26", "2024-03-27", "2024-03-28", "2024-04-01", "2024-04-02"} {
		s = append(s, RatePoint{Effective: d(day), Value: money.MustRate("5.31%"), Source: "FRBNY"})
	}
	s[4].Value = money.MustRate("5.34%") // 2024-03-26
	for _, tc := range []struct{ day, want string }{
		{"2024-04-02", "2024-03-25"}, // back 5: 04-01, 03-28, 03-27, 03-26, 03-25 (29 March closed)
		{"2024-04-03", "2024-03-26"},
		{"2024-03-30", "2024-03-21"}, // a Saturday: the lookback from Thursday 28 March
	} {
		p, err := DailySimpleSOFR("sofr", s, d(tc.day), 5, usgs)
		if err != nil || p.Effective.String() != tc.want {
			t.Errorf("%s: %v %v, want the SOFR of %s", tc.day, p.Effective, err, tc.want)
		}
	}
	// 2024-04-10 looks back to 2024-04-03, not published: the fallback
	// takes 2024-04-02, within three business days.
	if p, err := DailySimpleSOFR("sofr", s, d("2024-04-10"), 5, usgs); err != nil || p.Effective != d("2024-04-02") {
		t.Errorf("fallback: %v %v", p.Effective, err)
	}
	_, err := DailySimpleSOFR("sofr", s, d("2024-04-20"), 5, usgs)
	if err == nil || !strings.Contains(err.Error(), `rate series "sofr" has no value effective on or before 2024-04-12`) {
		t.Errorf("too far: %v", err)
	}
	// In the accrual: floor 5.33% above 5.31%: the floor plus the margin.
	floor := money.MustRate("5.33%")
	a, err := AccrueDay(Pricing{Series: "sofr", Margin: money.MustRate("2%"), Floor: &floor, Lookback: 5, LookbackCalendar: usgs}, s, d("2024-04-02"), 36_000_000)
	if err != nil || !a.Floored || a.Rate.Percent() != "7.33%" || a.Point.Effective != d("2024-03-25") || a.Amount.String() != "73.30" {
		t.Errorf("accrual %+v %v", a, err)
	}
	a, _ = AccrueDay(Pricing{Series: "sofr", Margin: money.MustRate("2%"), Floor: &floor, Lookback: 5, LookbackCalendar: usgs}, s, d("2024-04-03"), 36_000_000)
	if a.Floored || a.Rate.Percent() != "7.34%" {
		t.Errorf("above the floor %+v", a)
	}
}
