package calendar

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"revolver/date"
	"revolver/money"
)

func TestYearFraction(t *testing.T) {
	tests := []struct {
		dc         DayCount
		start, end string
		num, den   int64
	}{
		// First half of the leap year 2004: 31+29+31+30+31+30 = 182 days.
		{Actual360, "2004-01-01", "2004-07-01", 182, 360},
		{Actual365Fixed, "2004-01-01", "2004-07-01", 182, 365},
		{Thirty360, "2004-01-01", "2004-07-01", 180, 360},
		{ThirtyE360, "2004-01-01", "2004-07-01", 180, 360},
		// A whole leap year.
		{Actual360, "2004-01-01", "2005-01-01", 366, 360},
		{Actual365Fixed, "2004-01-01", "2005-01-01", 366, 365},
		{Thirty360, "2004-01-01", "2005-01-01", 360, 360},
		// A month of interest at the 2004 month end.
		{Actual360, "2004-01-31", "2004-02-29", 29, 360},
		{Thirty360, "2004-01-31", "2004-02-29", 29, 360}, // D1 31→30: 30 + (29−30)
		// Bond basis: D2 = 31 becomes 30 only when D1 is 30 or 31.
		{Thirty360, "2004-01-31", "2004-03-31", 60, 360},
		{Thirty360, "2004-02-29", "2004-03-31", 32, 360},  // D1 = 29: D2 stays 31
		{ThirtyE360, "2004-02-29", "2004-03-31", 31, 360}, // 30E: every 31 becomes 30
		{Thirty360, "2006-08-29", "2006-08-31", 2, 360},
		{ThirtyE360, "2006-08-29", "2006-08-31", 1, 360},
		{Thirty360, "2006-08-30", "2006-08-31", 0, 360},
		// No February rule in the bond basis: 28 Feb to 31 Mar is 33 days.
		{Thirty360, "2005-02-28", "2005-03-31", 33, 360},
		// Across the 2004 year end.
		{Thirty360, "2004-12-31", "2005-02-28", 58, 360},
		{Actual360, "2004-12-31", "2005-02-28", 59, 360},
		// Termination Date after the First Amendment.
		{Actual360, "2007-05-01", "2007-05-31", 30, 360},
		{Actual365Fixed, "2006-05-31", "2007-05-31", 365, 365},
		// Empty and reversed periods.
		{Actual360, "2005-03-15", "2005-03-15", 0, 360},
		{Actual360, "2005-03-15", "2005-03-01", -14, 360},
		{Thirty360, "2004-03-31", "2004-01-31", -60, 360},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v %s %s", tt.dc, tt.start, tt.end), func(t *testing.T) {
			num, den := tt.dc.YearFraction(d(tt.start), d(tt.end))
			if num != tt.num || den != tt.den {
				t.Errorf("YearFraction = %d/%d, want %d/%d", num, den, tt.num, tt.den)
			}
		})
	}
}

func TestInterest(t *testing.T) {
	tests := []struct {
		dc         DayCount
		principal  string
		rate       string
		start, end string
		want       string
	}{
		// 1,000,000 × 5% × 31/360 = 4,305.5555…
		{Actual360, "1000000.00", "5%", "2004-01-01", "2004-02-01", "4305.56"},
		{Actual365Fixed, "1000000.00", "5%", "2004-01-01", "2004-02-01", "4246.58"}, // 4,246.5753…
		{Thirty360, "1000000.00", "5%", "2004-01-01", "2004-02-01", "4166.67"},      // 4,166.666…
		// Prime 4.00% + 0.25% on $7,250,000.00 for the 30 days of June 2004: 25,677.083… .
		{Actual360, "7250000.00", "4.25%", "2004-06-01", "2004-07-01", "25677.08"},
		// Exactly half a cent: 10.00 × 1.8% × 10/360 = 0.005 → 0.01 (half away from zero).
		{Actual360, "10.00", "0.018", "2004-01-01", "2004-01-11", "0.01"},
		{Actual360, "-10.00", "0.018", "2004-01-01", "2004-01-11", "-0.01"},
		{Actual360, "10.00", "0.018", "2004-01-01", "2004-01-10", "0.00"}, // 0.0045
		{Actual360, "10.00", "-0.018", "2004-01-01", "2004-01-11", "-0.01"},
		// A rate with an exponent above zero.
		{Actual360, "1.00", "2e1", "2004-01-01", "2004-01-19", "1.00"}, // 1 × 20 × 18/360
		{Actual360, "0.00", "5%", "2004-01-01", "2005-01-01", "0.00"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v %s %s", tt.dc, tt.principal, tt.rate), func(t *testing.T) {
			p, err := money.ParseAmount(tt.principal)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.dc.Interest(p, money.MustRate(tt.rate), d(tt.start), d(tt.end))
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Errorf("Interest = %v, want %s", got, tt.want)
			}
		})
	}
}

func TestInterestErrors(t *testing.T) {
	if _, err := DayCount(0).Interest(100, money.MustRate("5%"), d("2004-01-01"), d("2004-02-01")); !errors.Is(err, ErrInterest) {
		t.Errorf("invalid day count: err = %v, want ErrInterest", err)
	}
	if _, err := Actual360.Interest(money.MaxAmount, money.MustRate("100"), d("2004-01-01"), d("2005-01-01")); !errors.Is(err, ErrInterest) {
		t.Errorf("overflow: err = %v, want ErrInterest", err)
	}
	if _, err := Actual360.Interest(100, money.MustRate("1e50"), d("2004-01-01"), d("2005-01-01")); !errors.Is(err, ErrInterest) {
		t.Errorf("huge exponent: err = %v, want ErrInterest", err)
	}
}

// Interest agrees with the money package's own rounding (Amount.Mul) when the
// year fraction is a finite decimal: 36/360 = 0.1.
func TestPropertyInterestMatchesMul(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := money.Amount(rapid.Int64Range(-1e13, 1e13).Draw(t, "cents"))
		bp := rapid.Int64Range(-5000, 5000).Draw(t, "basis points")
		rate := money.MustRate(fmt.Sprintf("%d", bp)).MulRate(money.MustRate("0.0001"))
		got, err := Actual360.Interest(p, rate, d("2004-01-01"), d("2004-02-06")) // 36 days
		if err != nil {
			t.Fatal(err)
		}
		want, err := p.Mul(rate.MulRate(money.MustRate("0.1")))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("Interest(%v, %v, 36/360) = %v, Mul gives %v", p, rate, got, want)
		}
	})
}

// Interest over a period split in two differs from the whole by at most a
// cent (each part is rounded once).
func TestPropertyInterestAdditive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := money.Amount(rapid.Int64Range(0, 1e12).Draw(t, "cents"))
		rate := money.MustRate(fmt.Sprintf("0.%04d", rapid.IntRange(0, 9999).Draw(t, "rate")))
		dc := rapid.SampledFrom([]DayCount{Actual360, Actual365Fixed, Thirty360, ThirtyE360}).Draw(t, "dc")
		a := genDate(t, "a")
		b := a + date.Date(rapid.IntRange(0, 400).Draw(t, "ab"))
		c := b + date.Date(rapid.IntRange(0, 400).Draw(t, "bc"))
		whole, _ := dc.Interest(p, rate, a, c)
		x, _ := dc.Interest(p, rate, a, b)
		y, _ := dc.Interest(p, rate, b, c)
		if dc == Actual360 || dc == Actual365Fixed {
			if diff := whole - x - y; diff < -1 || diff > 1 {
				t.Fatalf("%v: whole %v, parts %v + %v", dc, whole, x, y)
			}
		}
		if num, _ := dc.YearFraction(a, c); num < 0 {
			t.Fatalf("%v: negative days %d from %v to %v", dc, num, a, c)
		}
		if fwd, back := dc.Days(a, c), dc.Days(c, a); fwd != -back {
			t.Fatalf("%v: Days(%v, %v) = %d but Days(%v, %v) = %d", dc, a, c, fwd, c, a, back)
		}
	})
}

func TestParseDayCount(t *testing.T) {
	tests := []struct {
		in   string
		want DayCount
	}{
		{"actual_360", Actual360},
		{"Actual/360", Actual360},
		{"ACT/360", Actual360},
		{"actual 360", Actual360},
		{"actual_365", Actual365Fixed},
		{"Actual/365 Fixed", Actual365Fixed},
		{"act/365f", Actual365Fixed},
		{"30_360", Thirty360},
		{"30/360", Thirty360},
		{"bond basis", Thirty360},
		{"30E/360", ThirtyE360},
		{"eurobond-basis", ThirtyE360},
	}
	for _, tt := range tests {
		got, err := ParseDayCount(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDayCount(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "actual", "360", "act/act", "30/365"} {
		_, err := ParseDayCount(bad)
		if !errors.Is(err, ErrDayCount) || !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("ParseDayCount(%q) error = %v; want ErrDayCount naming the value", bad, err)
		}
	}
	if _, err := DayCount(0).MarshalText(); !errors.Is(err, ErrDayCount) {
		t.Errorf("MarshalText of the zero DayCount: %v, want ErrDayCount", err)
	}
}

func FuzzParseDayCount(f *testing.F) {
	for _, s := range []string{"actual_360", "Actual/365 Fixed", "30/360", "30e_360", "bond basis", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dc, err := ParseDayCount(s)
		if err != nil {
			if !errors.Is(err, ErrDayCount) {
				t.Fatalf("ParseDayCount(%q): error %v is not ErrDayCount", s, err)
			}
			return
		}
		if !dc.Valid() {
			t.Fatalf("ParseDayCount(%q) = invalid %v", s, dc)
		}
		text, err := dc.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back DayCount
		if err := back.UnmarshalText(text); err != nil || back != dc {
			t.Fatalf("round trip %q → %v → %q → %v, %v", s, dc, text, back, err)
		}
	})
}

func BenchmarkInterest(b *testing.B) {
	r := money.MustRate("4.25%")
	for b.Loop() {
		_, _ = Actual360.Interest(725_000_000, r, d("2004-06-01"), d("2004-07-01"))
	}
}
