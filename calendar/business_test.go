package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"revolver/date"
)

var d = date.MustParse

func TestIsBusinessDayFederalReserve2004to2007(t *testing.T) {
	c := FederalReserve()
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2004-01-01", false, "New Year's Day, Thursday"},
		{"2004-01-02", true, "Friday after New Year's Day"},
		{"2004-01-03", false, "Saturday"},
		{"2004-01-04", false, "Sunday"},
		{"2004-01-19", false, "Martin Luther King, Jr. Day"},
		{"2004-02-16", false, "Washington's Birthday"},
		{"2004-05-31", false, "Memorial Day"},
		{"2004-07-02", true, "Friday before Independence Day weekend"},
		{"2004-07-04", false, "Independence Day on a Sunday"},
		{"2004-07-05", false, "Independence Day observed on Monday"},
		{"2004-07-06", true, "Tuesday"},
		{"2004-09-06", false, "Labor Day"},
		{"2004-10-11", false, "Columbus Day"},
		{"2004-11-11", false, "Veterans Day, Thursday"},
		{"2004-11-25", false, "Thanksgiving"},
		{"2004-11-26", true, "day after Thanksgiving: the Fed is open"},
		{"2004-12-24", true, "Christmas 2004 on Saturday: the Fed is open on Friday"},
		{"2004-12-25", false, "Christmas on Saturday"},
		{"2004-12-27", true, "Monday after a Saturday Christmas"},
		{"2004-12-31", true, "New Year's Day 2005 on Saturday: the Fed is open on Friday"},
		{"2005-01-01", false, "New Year's Day on Saturday"},
		{"2005-01-03", true, "Monday after a Saturday New Year"},
		{"2005-07-04", false, "Independence Day, Monday"},
		{"2005-11-11", false, "Veterans Day, Friday"},
		{"2005-12-26", false, "Christmas on Sunday observed Monday"},
		{"2005-12-30", true, "Friday before New Year's weekend"},
		{"2006-01-02", false, "New Year's Day on Sunday observed Monday"},
		{"2006-07-04", false, "Independence Day, Tuesday"},
		{"2006-11-10", true, "Veterans Day 2006 on Saturday: the Fed is open on Friday"},
		{"2006-12-25", false, "Christmas, Monday"},
		{"2007-01-01", false, "New Year's Day, Monday"},
		{"2007-01-02", true, "Tuesday (no one-off closure in the default set)"},
		{"2007-05-28", false, "Memorial Day"},
		{"2007-05-31", true, "Termination Date, Thursday"},
		{"2007-11-12", false, "Veterans Day on Sunday observed Monday"},
		{"2007-12-24", true, "Christmas Eve"},
		{"2007-12-25", false, "Christmas, Tuesday"},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			if got := c.IsBusinessDay(d(tt.day)); got != tt.want {
				t.Errorf("IsBusinessDay(%s) = %v, want %v (%s)", tt.day, got, tt.want, tt.why)
			}
		})
	}
}

func TestNavigation(t *testing.T) {
	c := FederalReserve()
	tests := []struct {
		name string
		got  date.Date
		want string
	}{
		{"courier Friday before Memorial Day takes effect Tuesday", c.BusinessDayAfter(d("2004-05-28")), "2004-06-01"},
		{"courier Friday before Labor Day 2004", c.BusinessDayAfter(d("2004-09-03")), "2004-09-07"},
		{"courier Friday 2004-07-02, Independence Day observed Monday", c.BusinessDayAfter(d("2004-07-02")), "2004-07-06"},
		{"courier Thursday 2004-12-23: Friday Christmas Eve is a Fed business day", c.BusinessDayAfter(d("2004-12-23")), "2004-12-24"},
		{"courier Thursday 2004-12-30: Friday 31 December is a business day", c.BusinessDayAfter(d("2004-12-30")), "2004-12-31"},
		{"courier Friday 2005-12-30 across New Year observed Monday", c.BusinessDayAfter(d("2005-12-30")), "2006-01-03"},
		{"courier on a Saturday", c.BusinessDayAfter(d("2006-03-04")), "2006-03-06"},
		{"courier Wednesday before Thanksgiving", c.BusinessDayAfter(d("2006-11-22")), "2006-11-24"},
		{"Friday before a Monday holiday + 1 business day", c.AddBusinessDays(d("2007-01-12"), 1), "2007-01-16"},
		{"+5 across Christmas 2006", c.AddBusinessDays(d("2006-12-20"), 5), "2006-12-28"},
		{"-3 across New Year 2007", c.AddBusinessDays(d("2007-01-03"), -3), "2006-12-28"},
		{"+0 keeps a holiday", c.AddBusinessDays(d("2004-07-05"), 0), "2004-07-05"},
		{"+10 across year end 2004", c.AddBusinessDays(d("2004-12-22"), 10), "2005-01-05"},
		{"Previous of Tuesday after Independence Day observed", c.Previous(d("2004-07-06")), "2004-07-02"},
		{"OnOrAfter of a business day is itself", c.OnOrAfter(d("2005-03-15")), "2005-03-15"},
		{"OnOrBefore of Sunday 2005-01-02", c.OnOrBefore(d("2005-01-02")), "2004-12-31"},
		{"Next of a business day", c.Next(d("2005-03-15")), "2005-03-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != d(tt.want) {
				t.Errorf("got %v (%v), want %s", tt.got, tt.got.Weekday(), tt.want)
			}
		})
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	c := FederalReserve()
	tests := []struct {
		a, b string
		want int
	}{
		{"2004-12-31", "2004-12-31", 0},
		{"2004-12-30", "2004-12-31", 1},
		{"2004-12-31", "2005-01-03", 1},
		{"2004-12-31", "2004-12-30", -1},
		{"2005-01-03", "2004-12-31", -1},
		{"2004-07-02", "2004-07-06", 1},
		{"2004-01-01", "2004-12-31", 253}, // 261 weekdays after 1 January, 8 of them holidays
		{"2003-12-31", "2004-12-31", 253}, // 262 weekdays in 2004, 9 of them holidays
	}
	for _, tt := range tests {
		if got := c.BusinessDaysBetween(d(tt.a), d(tt.b)); got != tt.want {
			t.Errorf("BusinessDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestHolidaysPerYear(t *testing.T) {
	c := FederalReserve()
	// weekday holidays: 2004 loses Christmas (Sat); 2005 loses New Year's Day (Sat);
	// 2006 loses Veterans Day (Sat); 2007 has all ten. From 2021 there are eleven:
	// 2021 loses Juneteenth and Christmas (Sat); 2022 loses New Year's Day (Sat);
	// 2024 has all eleven.
	want := map[int]int{2004: 9, 2005: 9, 2006: 9, 2007: 10, 2021: 9, 2022: 10, 2024: 11}
	for y, n := range want {
		hs := c.Holidays(y)
		if len(hs) != n {
			t.Errorf("Holidays(%d): %d, want %d: %v", y, len(hs), n, hs)
		}
		for _, h := range hs {
			if c.IsBusinessDay(h.Date) {
				t.Errorf("%v %s listed but IsBusinessDay", h.Date, h.Name)
			}
		}
	}
}

func TestClosed(t *testing.T) {
	c := FederalReserve().WithClosures(d("2004-06-11"), d("2004-07-05"), d("2004-06-12"))
	tests := []struct {
		day, reason string
		closed      bool
	}{
		{"2004-06-11", ClosureName, true},
		{"2004-06-12", ClosureName, true}, // a Saturday closure is accepted
		{"2004-06-13", "Sunday", true},
		{"2004-07-04", "Sunday", true},
		{"2004-07-05", ClosureName, true}, // closures are checked first
		{"2005-12-26", "Christmas Day (observed)", true},
		{"2004-12-25", "Saturday", true},
		{"2004-11-25", "Thanksgiving Day", true},
		{"2004-12-24", "", false},
	}
	for _, tt := range tests {
		reason, closed := c.Closed(d(tt.day))
		if reason != tt.reason || closed != tt.closed {
			t.Errorf("Closed(%s) = %q, %v; want %q, %v", tt.day, reason, closed, tt.reason, tt.closed)
		}
	}
	if got := c.Closures(); len(got) != 3 {
		t.Errorf("Closures() = %v, want 3 sorted unique days", got)
	}
	hs := c.Holidays(2004)
	var names []string
	for _, h := range hs {
		if h.Date == d("2004-06-11") {
			names = append(names, h.Name)
		}
	}
	if len(hs) != 10 || len(names) != 1 || names[0] != ClosureName {
		t.Errorf("Holidays(2004) with closures = %v; want 10 entries including 2004-06-11 %q", hs, ClosureName)
	}
}

func TestWithClosuresDoesNotAlias(t *testing.T) {
	base := FederalReserve().WithClosures(d("2004-06-11"))
	a := base.WithClosures(d("2004-06-14"))
	b := base.WithClosures(d("2004-06-15"))
	if !base.IsBusinessDay(d("2004-06-14")) || !base.IsBusinessDay(d("2004-06-15")) {
		t.Error("WithClosures changed the calendar it was called on")
	}
	if a.IsBusinessDay(d("2004-06-14")) || !a.IsBusinessDay(d("2004-06-15")) {
		t.Error("a: wrong closures")
	}
	if b.IsBusinessDay(d("2004-06-15")) || !b.IsBusinessDay(d("2004-06-14")) {
		t.Error("b: wrong closures")
	}
	if FederalReserve().IsBusinessDay(d("2004-06-11")) == false {
		t.Error("the default calendar picked up a facility closure")
	}
	if w := WeekendsOnly(); !w.IsBusinessDay(d("2004-12-31")) || !w.IsBusinessDay(d("2004-07-05")) || w.IsBusinessDay(d("2004-07-04")) {
		t.Error("WeekendsOnly: holidays should be business days, weekends not")
	}
	if FederalReserve().Name() != "federal_reserve" || WeekendsOnly().Name() != "weekends_only" {
		t.Error("Name")
	}
}

// isFedHoliday reports whether a weekday is a Federal Reserve holiday. It is an independent statement of the Federal Reserve holiday rules,
// written from the published schedule rather than from the library.
func isFedHoliday(day date.Date) bool {
	y := day.Year()
	wd := day.Weekday()
	if wd == time.Saturday || wd == time.Sunday {
		return false
	}
	// Fixed-date holidays: on the day when a weekday, the Monday after when on a Sunday.
	fixed := []struct {
		m     time.Month
		d     int
		since int
	}{{time.January, 1, 0}, {time.June, 19, 2021}, {time.July, 4, 0}, {time.November, 11, 0}, {time.December, 25, 0}}
	for _, f := range fixed {
		if y < f.since {
			continue
		}
		h := date.Of(y, f.m, f.d)
		if h == day || (h.Weekday() == time.Sunday && h+1 == day) {
			return true
		}
	}
	nth := func(m time.Month, wd time.Weekday, n int) date.Date {
		first := date.Of(y, m, 1)
		return first.AddDays((int(wd)-int(first.Weekday())+7)%7 + 7*(n-1))
	}
	lastMonday := func(m time.Month) date.Date {
		last := date.Of(y, m, 1).AddMonths(1).AddDays(-1)
		return last.AddDays(-((int(last.Weekday()) - int(time.Monday) + 7) % 7))
	}
	floating := []date.Date{
		nth(time.February, time.Monday, 3),
		lastMonday(time.May),
		nth(time.September, time.Monday, 1),
		nth(time.October, time.Monday, 2),
		nth(time.November, time.Thursday, 4),
	}
	if y >= 1986 {
		floating = append(floating, nth(time.January, time.Monday, 3))
	}
	for _, h := range floating {
		if h == day {
			return true
		}
	}
	return false
}

func TestFederalReserveAgainstOracle1990to2100(t *testing.T) {
	c := FederalReserve()
	for day := date.Of(1990, 1, 1); day <= date.Of(2100, 12, 31); day++ {
		if got, want := c.IsBusinessDay(day), !isFedHoliday(day) && day.Weekday() != time.Saturday && day.Weekday() != time.Sunday; got != want {
			reason, _ := c.Closed(day)
			t.Fatalf("IsBusinessDay(%v, %v) = %v, want %v (reason %q)", day, day.Weekday(), got, want, reason)
		}
	}
}

func TestOutsideDateRange(t *testing.T) {
	c := FederalReserve()
	// 2200-12-25 is a Thursday: computed without the precomputed table.
	if c.IsBusinessDay(date.Of(2200, 12, 25)) {
		t.Error("2200-12-25 should be Christmas")
	}
	if !c.IsBusinessDay(date.Of(2200, 12, 26)) {
		t.Error("2200-12-26 should be a business day")
	}
	if got := c.BusinessDayAfter(date.Of(2199, 12, 31)); got != date.Of(2200, 1, 2) {
		t.Errorf("BusinessDayAfter(2199-12-31) = %v, want 2200-01-02", got)
	}
}

func TestParseConvention(t *testing.T) {
	tests := []struct {
		in   string
		want Convention
	}{
		{"following", Following},
		{" Following ", Following},
		{"Modified Following", ModifiedFollowing},
		{"modified-following", ModifiedFollowing},
		{"modified_following", ModifiedFollowing},
		{"MF", ModifiedFollowing},
		{"preceding", Preceding},
		{"modified_preceding", ModifiedPreceding},
		{"unadjusted", Unadjusted},
		{"none", Unadjusted},
	}
	for _, tt := range tests {
		got, err := ParseConvention(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseConvention(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "follow", "modified", "next business day"} {
		_, err := ParseConvention(bad)
		if !errors.Is(err, ErrConvention) || !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("ParseConvention(%q) error = %v; want ErrConvention naming the value", bad, err)
		}
	}
}

func TestAdjust(t *testing.T) {
	c := FederalReserve()
	tests := []struct {
		day  string
		conv Convention
		want string
	}{
		{"2004-07-04", Following, "2004-07-06"},
		{"2004-07-04", Preceding, "2004-07-02"},
		{"2004-07-04", ModifiedFollowing, "2004-07-06"},
		{"2004-07-04", Unadjusted, "2004-07-04"},
		{"2004-07-06", Preceding, "2004-07-06"},
		// Sunday 31 October 2004: following would be November.
		{"2004-10-31", Following, "2004-11-01"},
		{"2004-10-31", ModifiedFollowing, "2004-10-29"},
		// Saturday 1 January 2005: preceding would be December; the Fed is open on 31 December 2004.
		{"2005-01-01", Preceding, "2004-12-31"},
		{"2005-01-01", ModifiedPreceding, "2005-01-03"},
		{"2005-01-01", ModifiedFollowing, "2005-01-03"},
		// Saturday 25 December 2004.
		{"2004-12-25", Following, "2004-12-27"},
		{"2004-12-25", Preceding, "2004-12-24"},
		// Saturday 31 December 2005, with New Year observed Monday 2 January 2006.
		{"2005-12-31", Following, "2006-01-03"},
		{"2005-12-31", ModifiedFollowing, "2005-12-30"},
		// Sunday 30 September 2007, month-end quarter end.
		{"2007-09-30", ModifiedFollowing, "2007-09-28"},
		{"2007-09-30", Following, "2007-10-01"},
	}
	for _, tt := range tests {
		if got := c.Adjust(d(tt.day), tt.conv); got != d(tt.want) {
			t.Errorf("Adjust(%s, %v) = %v, want %s", tt.day, tt.conv, got, tt.want)
		}
	}
}

// genCalendar draws the Federal Reserve calendar, or it with a few random
// closures, or WeekendsOnly.
func genCalendar(t *rapid.T) Calendar {
	var c Calendar
	if rapid.Bool().Draw(t, "weekendsOnly") {
		c = WeekendsOnly()
	}
	closures := rapid.SliceOfN(rapid.Int32Range(int32(date.Of(2003, 1, 1)), int32(date.Of(2008, 12, 31))), 0, 8).Draw(t, "closures")
	for _, x := range closures {
		c = c.WithClosures(date.Date(x))
	}
	return c
}

func genDate(t *rapid.T, label string) date.Date {
	return date.Date(rapid.Int32Range(int32(date.Of(2003, 6, 1)), int32(date.Of(2008, 6, 30))).Draw(t, label))
}

func TestPropertyAdjust(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCalendar(t)
		day := genDate(t, "d")

		f := c.Adjust(day, Following)
		if f < day || !c.IsBusinessDay(f) {
			t.Fatalf("Following(%v) = %v: not a business day on or after", day, f)
		}
		for x := day; x < f; x++ {
			if c.IsBusinessDay(x) {
				t.Fatalf("Following(%v) = %v skips business day %v", day, f, x)
			}
		}
		p := c.Adjust(day, Preceding)
		if p > day || !c.IsBusinessDay(p) {
			t.Fatalf("Preceding(%v) = %v: not a business day on or before", day, p)
		}
		mf := c.Adjust(day, ModifiedFollowing)
		if !c.IsBusinessDay(mf) || !sameMonth(mf, day) {
			t.Fatalf("ModifiedFollowing(%v) = %v: not a business day in the same month", day, mf)
		}
		if sameMonth(f, day) && mf != f {
			t.Fatalf("ModifiedFollowing(%v) = %v, Following %v is in the month", day, mf, f)
		}
		mp := c.Adjust(day, ModifiedPreceding)
		if !c.IsBusinessDay(mp) || !sameMonth(mp, day) {
			t.Fatalf("ModifiedPreceding(%v) = %v: not a business day in the same month", day, mp)
		}
		if c.IsBusinessDay(day) {
			for _, conv := range []Convention{Following, ModifiedFollowing, Preceding, ModifiedPreceding, Unadjusted} {
				if got := c.Adjust(day, conv); got != day {
					t.Fatalf("Adjust(business day %v, %v) = %v", day, conv, got)
				}
			}
		}
		if got := c.Adjust(day, Unadjusted); got != day {
			t.Fatalf("Unadjusted moved %v to %v", day, got)
		}
	})
}

func TestPropertyAddBusinessDays(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCalendar(t)
		day := genDate(t, "d")
		n := rapid.IntRange(-60, 60).Draw(t, "n")

		e := c.AddBusinessDays(day, n)
		if got := c.BusinessDaysBetween(day, e); got != n {
			t.Fatalf("BusinessDaysBetween(%v, AddBusinessDays(%v, %d) = %v) = %d", day, day, n, e, got)
		}
		if n != 0 && !c.IsBusinessDay(e) {
			t.Fatalf("AddBusinessDays(%v, %d) = %v is not a business day", day, n, e)
		}
		if (n > 0 && e <= day) || (n < 0 && e >= day) {
			t.Fatalf("AddBusinessDays(%v, %d) = %v moved the wrong way", day, n, e)
		}
		if c.IsBusinessDay(day) {
			if back := c.AddBusinessDays(e, -n); back != day {
				t.Fatalf("AddBusinessDays(AddBusinessDays(%v, %d), %d) = %v", day, n, -n, back)
			}
		}
		m := rapid.IntRange(-60, 60).Draw(t, "m")
		if got, want := c.AddBusinessDays(c.AddBusinessDays(day, n), m), c.AddBusinessDays(day, n+m); (n >= 0) == (m >= 0) && n != 0 && got != want {
			t.Fatalf("adding %d then %d = %v, adding %d = %v", n, m, got, n+m, want)
		}
	})
}

func TestPropertyBusinessDayAfter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCalendar(t)
		day := genDate(t, "d")
		a := c.BusinessDayAfter(day)
		if a <= day || !c.IsBusinessDay(a) {
			t.Fatalf("BusinessDayAfter(%v) = %v: not a business day after", day, a)
		}
		if c.BusinessDaysBetween(day, a) != 1 {
			t.Fatalf("BusinessDayAfter(%v) = %v is not the first", day, a)
		}
		if c.Previous(a) >= day+1 && c.Previous(a) < a {
			t.Fatalf("a business day lies between %v and %v", day, a)
		}
	})
}

func FuzzParseConvention(f *testing.F) {
	for _, s := range []string{"following", "Modified Following", "mf", "preceding", "x", "", "modified_preceding"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConvention(s)
		if err != nil {
			if !errors.Is(err, ErrConvention) {
				t.Fatalf("ParseConvention(%q): error %v is not ErrConvention", s, err)
			}
			return
		}
		text, err := c.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Convention
		if err := back.UnmarshalText(text); err != nil || back != c {
			t.Fatalf("round trip %q → %v → %q → %v, %v", s, c, text, back, err)
		}
	})
}

func BenchmarkIsBusinessDay(b *testing.B) {
	c := FederalReserve()
	start := date.Of(2004, 1, 1)
	n := 0
	for i := 0; b.Loop(); i++ {
		if c.IsBusinessDay(start + date.Date(i%1461)) {
			n++
		}
	}
	_ = n
}

func BenchmarkAddBusinessDays10WithClosures(b *testing.B) {
	c := FederalReserve().WithClosures(d("2004-06-11"), d("2007-01-02"))
	start := date.Of(2004, 1, 1)
	for i := 0; b.Loop(); i++ {
		c.AddBusinessDays(start+date.Date(i%1461), 10)
	}
}
