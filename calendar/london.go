package calendar

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
)

// London returns the London banking-day calendar: weekends and the bank
// holidays of England and Wales, the calendar of a "London Banking Day"
// on which LIBOR was fixed (see the package comment).
func London() Calendar { return Calendar{set: london} }

// A bank holiday of England and Wales that falls on a Saturday or a Sunday
// has its substitute day on the next weekday that is not itself a bank
// holiday: New Year's Day on the Monday; Christmas Day and Boxing Day two
// days later (Christmas on a Saturday: Monday 27th, Boxing Day Tuesday
// 28th; Christmas on a Sunday: Boxing Day Monday 26th, Christmas Tuesday
// 27th; Boxing Day on a Saturday: Monday 28th).
var (
	ukNewYearSubstitute   = []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 1}}
	ukChristmasSubstitute = []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 2}}
)

// mondayOf is the bank holiday on the n-th Monday of month m (n -1: the
// last), from year start on, except in the years listed.
func mondayOf(name string, m time.Month, n, start int, except ...int) *cal.Holiday {
	return &cal.Holiday{Name: name, Month: m, Weekday: time.Monday, Offset: n, Func: cal.CalcWeekdayOffset, StartYear: start, Except: except}
}

var london = &holidaySet{
	name: "london",
	rules: []*cal.Holiday{
		// New Year's Day has been a bank holiday in England and Wales
		// since 1974.
		aa.NewYear.Clone(&cal.Holiday{Name: "New Year's Day", StartYear: 1974, Observed: ukNewYearSubstitute}),
		aa.GoodFriday.Clone(&cal.Holiday{Name: "Good Friday"}),
		aa.EasterMonday.Clone(&cal.Holiday{Name: "Easter Monday"}),
		// The early May bank holiday (from 1978), moved to 8 May for the
		// anniversaries of VE Day in 1995 and 2020.
		mondayOf("Early May bank holiday", time.May, 1, 1978, 1995, 2020),
		closure("Early May bank holiday (VE Day)", 1995, time.May, 8),
		closure("Early May bank holiday (VE Day)", 2020, time.May, 8),
		// The spring bank holiday (the last Monday in May under the
		// Banking and Financial Dealings Act 1971), moved in the jubilee
		// years.
		mondayOf("Spring bank holiday", time.May, -1, 1971, 2002, 2012, 2022),
		closure("Spring bank holiday", 2002, time.June, 4),
		closure("Golden Jubilee bank holiday", 2002, time.June, 3),
		closure("Spring bank holiday", 2012, time.June, 4),
		closure("Diamond Jubilee bank holiday", 2012, time.June, 5),
		closure("Spring bank holiday", 2022, time.June, 2),
		closure("Platinum Jubilee bank holiday", 2022, time.June, 3),
		mondayOf("Summer bank holiday", time.August, -1, 1971),
		aa.ChristmasDay.Clone(&cal.Holiday{Name: "Christmas Day", Observed: ukChristmasSubstitute}),
		aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Boxing Day", Observed: ukChristmasSubstitute}),
		// One-off bank holidays.
		closure("Royal wedding (Prince Charles and Lady Diana Spencer)", 1981, time.July, 29),
		closure("Millennium bank holiday", 1999, time.December, 31),
		closure("Royal wedding (Prince William and Catherine Middleton)", 2011, time.April, 29),
		closure("State funeral of Queen Elizabeth II", 2022, time.September, 19),
		closure("Coronation of King Charles III", 2023, time.May, 8),
	},
}
