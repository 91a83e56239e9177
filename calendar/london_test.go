package calendar

import (
	"strings"
	"testing"
)

// The bank holidays of England and Wales as the UK government published
// them, year by year, with the one-off changes: the Golden Jubilee (2002),
// the Diamond Jubilee (2012), VE Day (2020), the Platinum Jubilee and the
// state funeral (2022), the coronation (2023).
func TestLondonBankHolidays(t *testing.T) {
	want := map[int][]string{
		1995: {"1995-01-02", "1995-04-14", "1995-04-17", "1995-05-08", "1995-05-29", "1995-08-28", "1995-12-25", "1995-12-26"},
		2002: {"2002-01-01", "2002-03-29", "2002-04-01", "2002-05-06", "2002-06-03", "2002-06-04", "2002-08-26", "2002-12-25", "2002-12-26"},
		2004: {"2004-01-01", "2004-04-09", "2004-04-12", "2004-05-03", "2004-05-31", "2004-08-30", "2004-12-27", "2004-12-28"},
		2011: {"2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30", "2011-08-29", "2011-12-26", "2011-12-27"},
		2012: {"2012-01-02", "2012-04-06", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05", "2012-08-27", "2012-12-25", "2012-12-26"},
		2015: {"2015-01-01", "2015-04-03", "2015-04-06", "2015-05-04", "2015-05-25", "2015-08-31", "2015-12-25", "2015-12-28"},
		2020: {"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"},
		2022: {"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"},
		2023: {"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"},
	}
	c := London()
	for y, days := range want {
		var got []string
		for _, h := range c.Holidays(y) {
			got = append(got, h.Date.String())
		}
		if strings.Join(got, " ") != strings.Join(days, " ") {
			t.Errorf("London holidays %d:\n got %v\nwant %v", y, got, days)
		}
	}
	names := map[string]string{
		"2002-06-03": "Golden Jubilee bank holiday",
		"2002-06-04": "Spring bank holiday",
		"2012-06-05": "Diamond Jubilee bank holiday",
		"2020-05-08": "Early May bank holiday (VE Day)",
		"2022-06-02": "Spring bank holiday",
		"2022-09-19": "State funeral of Queen Elizabeth II",
		"2022-12-27": "Christmas Day (observed)",
		"2023-05-08": "Coronation of King Charles III",
		"2012-01-02": "New Year's Day (observed)",
	}
	for day, name := range names {
		if got, _ := c.Closed(d(day)); got != name {
			t.Errorf("Closed(%s) = %q, want %q", day, got, name)
		}
	}
	// The days the rules would have given, open in the years they moved.
	for _, day := range []string{"2002-05-27", "2012-05-28", "2020-05-04", "2022-05-30", "1995-05-01"} {
		if !c.IsBusinessDay(d(day)) {
			reason, _ := c.Closed(d(day))
			t.Errorf("%s is a London banking day (the holiday moved), closed as %q", day, reason)
		}
	}
	if c.Name() != "london" {
		t.Errorf("Name = %q", c.Name())
	}
	if got, err := ByName("London"); err != nil || got.Name() != "london" {
		t.Errorf("ByName(London) = %v, %v", got.Name(), err)
	}
	// Two London Banking Days before Wednesday 6 June 2012: the 5th and
	// the 4th are bank holidays, so Friday 1 June and Thursday 31 May.
	if got := c.AddBusinessDays(d("2012-06-06"), -2); got.String() != "2012-05-31" {
		t.Errorf("two London banking days before 2012-06-06 = %s, want 2012-05-31", got)
	}
}
