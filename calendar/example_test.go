package calendar_test

import (
	"fmt"
	"time"

	"revolver/calendar"
	"revolver/date"
	"revolver/money"
)

// A notice deposited with an overnight courier takes effect on the Business
// Day after deposit (Security Agreement ¶21).
func ExampleCalendar_BusinessDayAfter() {
	fed := calendar.FederalReserve()
	for _, sent := range []string{"2004-07-02", "2004-12-23", "2005-12-30"} {
		d := date.MustParse(sent)
		e := fed.BusinessDayAfter(d)
		fmt.Println(d, d.Weekday(), "→", e, e.Weekday())
	}
	// Output:
	// 2004-07-02 Friday → 2004-07-06 Tuesday
	// 2004-12-23 Thursday → 2004-12-24 Friday
	// 2005-12-30 Friday → 2006-01-03 Tuesday
}

func ExampleCalendar_Adjust() {
	fed := calendar.FederalReserve()
	conv, _ := calendar.ParseConvention("modified following")
	d := date.MustParse("2004-10-31") // a Sunday at a month end
	fmt.Println(fed.Adjust(d, calendar.Following), fed.Adjust(d, conv))
	// Output: 2004-11-01 2004-10-29
}

func ExampleDayCount_Interest() {
	dc, _ := calendar.ParseDayCount("actual_360")
	start, end := date.MustParse("2004-01-01"), date.MustParse("2004-02-01")
	num, den := dc.YearFraction(start, end)
	interest, _ := dc.Interest(100_000_000, money.MustRate("5%"), start, end)
	fmt.Printf("%d/%d %v\n", num, den, interest)
	// Output: 31/360 4305.56
}

// BTU International's fiscal year ends 31 December and its first three
// quarters end on the Sunday on or after the calendar quarter end.
func ExampleAnchoredQuarters() {
	btu, _ := calendar.AnchoredQuarters(time.December, time.Sunday, calendar.OnOrAfter)
	for _, q := range btu.PeriodEnds(2004, 2004) {
		fmt.Println(q)
	}
	// Output:
	// FY2004 Q1 2004-01-01..2004-04-04
	// FY2004 Q2 2004-04-05..2004-07-04
	// FY2004 Q3 2004-07-05..2004-10-03
	// FY2004 Q4 2004-10-04..2004-12-31
}
