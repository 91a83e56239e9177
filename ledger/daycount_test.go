package ledger

import (
	"math/big"
	"testing"

	"revolver/calendar"
	"revolver/date"
)

// 30/360 US: a calendar month's daily fractions sum to 30, its 30/360 US
// count, February included.
func TestThirty360USMonthsSumTo30(t *testing.T) {
	dc, err := DayCountByName("30_360_us")
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{"2007-01-01", "2007-02-01", "2008-02-01", "2007-03-01", "2007-04-01"} {
		start := date.MustParse(from)
		end := start.AddMonths(1)
		var sum int64
		for d := start; d < end; d++ {
			num, den := dc.DayFraction(d)
			if den != 360 || num < 0 {
				t.Fatalf("%s: %d/%d", d, num, den)
			}
			sum += num
		}
		if want := calendar.Thirty360US.Days(start, end); sum != 30 || sum != want {
			t.Errorf("month from %s: %d days, want 30 (the period's count %d)", from, sum, want)
		}
	}
}

// Actual/Actual (ISDA): the daily fractions of a period sum to its year
// fraction (the 2003-11-01 to 2004-05-01 example: 61/365 + 121/366).
func TestActualActualISDADaysSumToThePeriod(t *testing.T) {
	dc, err := DayCountByName("actual_actual_isda")
	if err != nil {
		t.Fatal(err)
	}
	start, end := date.MustParse("2003-11-01"), date.MustParse("2004-05-01")
	sum := new(big.Rat)
	for d := start; d < end; d++ {
		num, den := dc.DayFraction(d)
		sum.Add(sum, big.NewRat(num, den))
	}
	num, den := calendar.ActualActualISDA.YearFraction(start, end)
	if want := big.NewRat(num, den); sum.Cmp(want) != 0 {
		t.Errorf("sum of days %v, want %v", sum, want)
	}
	if _, err := DayCountByName("act/act"); err == nil {
		t.Error("act/act accepted: it names no one convention")
	}
}
