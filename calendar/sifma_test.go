package calendar

import (
	"errors"
	"testing"
)

// The US Government Securities calendar against SIFMA's published
// recommendations (full closes, and the early closes that are not closes)
// and the days the Federal Reserve Bank of New York published SOFR.
func TestUSGovernmentSecurities(t *testing.T) {
	c := USGovernmentSecurities()
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2004-04-09", false, "Good Friday 2004: bond market closed, the Fed open"},
		{"2004-12-24", false, "Christmas 2004 on Saturday: closed the Friday before"},
		{"2004-12-31", true, "New Year's Day 2005 on Saturday: not observed"},
		{"2005-01-17", false, "Martin Luther King, Jr. Day"},
		{"2006-11-10", true, "Veterans Day 2006 on Saturday: not observed"},
		{"2012-04-06", true, "Good Friday 2012: early close at noon (employment report)"},
		{"2012-10-29", true, "Hurricane Sandy: early close"},
		{"2012-10-30", false, "Hurricane Sandy: full close"},
		{"2018-11-12", false, "Veterans Day 2018 on Sunday observed Monday"},
		{"2020-04-10", false, "Good Friday 2020"},
		{"2020-07-03", false, "Independence Day 2020 on Saturday: closed Friday"},
		{"2021-04-02", true, "Good Friday 2021: early close (employment report)"},
		{"2021-06-18", true, "Juneteenth 2021: not yet a bond market holiday"},
		{"2021-12-24", false, "Christmas 2021 on Saturday: closed Friday"},
		{"2021-12-31", true, "New Year's Day 2022 on Saturday: open"},
		{"2022-04-15", false, "Good Friday 2022"},
		{"2022-06-20", false, "Juneteenth 2022 on Sunday observed Monday"},
		{"2022-11-11", false, "Veterans Day 2022, Friday"},
		{"2023-04-07", true, "Good Friday 2023: early close (employment report)"},
		{"2023-11-10", true, "Veterans Day 2023 on Saturday: not observed"},
		{"2024-03-29", false, "Good Friday 2024"},
		{"2024-06-19", false, "Juneteenth 2024"},
		{"2024-10-14", false, "Columbus Day 2024"},
		{"2024-11-29", true, "day after Thanksgiving: early close"},
		{"2026-04-03", true, "Good Friday 2026: early close at noon (SIFMA, 20 March 2026)"},
		{"2026-07-03", false, "Independence Day 2026 on Saturday: closed Friday"},
		{"2027-06-18", false, "Juneteenth 2027 on Saturday: closed Friday"},
		{"2001-09-11", false, "September 11 attacks"},
		{"2001-09-12", false, "September 11 attacks"},
		{"2001-09-13", true, "the bond market reopened"},
	}
	for _, tt := range tests {
		if got := c.IsBusinessDay(d(tt.day)); got != tt.want {
			reason, _ := c.Closed(d(tt.day))
			t.Errorf("%s (%s): IsBusinessDay = %v, want %v (closed: %q)", tt.day, tt.why, got, tt.want, reason)
		}
	}
	if got, _ := c.Closed(d("2020-07-03")); got != "Independence Day (observed)" {
		t.Errorf("Closed(2020-07-03) = %q, want Independence Day (observed)", got)
	}
	if got, _ := c.Closed(d("2004-04-09")); got != "Good Friday" {
		t.Errorf("Closed(2004-04-09) = %q, want Good Friday", got)
	}
	if c.Name() != "us_government_securities" {
		t.Errorf("Name = %q", c.Name())
	}
}

// SIFMA's 2024 US schedule: its twelve full closes, nothing else.
func TestUSGovernmentSecurities2024(t *testing.T) {
	want := []string{"2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27",
		"2024-06-19", "2024-07-04", "2024-09-02", "2024-10-14", "2024-11-11", "2024-11-28", "2024-12-25"}
	got := USGovernmentSecurities().Holidays(2024)
	if len(got) != len(want) {
		t.Fatalf("Holidays(2024) = %v, want %v", got, want)
	}
	for i, h := range got {
		if h.Date.String() != want[i] {
			t.Errorf("holiday %d = %v %s, want %s", i, h.Date, h.Name, want[i])
		}
	}
}

// The Federal Reserve calendar is not changed by the new one.
func TestFederalReserveUnchangedBySIFMA(t *testing.T) {
	fed := FederalReserve()
	for _, day := range []string{"2004-04-09", "2004-12-24", "2020-07-03", "2021-12-24"} {
		if !fed.IsBusinessDay(d(day)) {
			t.Errorf("Federal Reserve: %s is a business day", day)
		}
	}
}

func TestCalendarByName(t *testing.T) {
	for name, want := range map[string]string{
		"federal_reserve": "federal_reserve", "US Government Securities": "us_government_securities",
		"sifma": "us_government_securities", "weekends-only": "weekends_only",
	} {
		c, err := ByName(name)
		if err != nil || c.Name() != want {
			t.Errorf("ByName(%q) = %v, %v; want %s", name, c.Name(), err, want)
		}
	}
	if _, err := ByName("target2"); !errors.Is(err, ErrCalendar) {
		t.Errorf("ByName(target2): err = %v, want ErrCalendar", err)
	}
}
