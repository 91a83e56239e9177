package ledger

import (
	"testing"

	"revolver/calendar"
	"revolver/date"
)

// The fixing calendar is the base's: a LIBOR Rate Loan is fixed two London
// Banking Days before its interest period (over the English bank holidays,
// open in New York), a Term SOFR loan two U.S. Government Securities
// Business Days before, a prime loan on the facility's own calendar.
func TestFixingCalendar(t *testing.T) {
	fed := calendar.FederalReserve()
	d := date.MustParse
	tests := []struct {
		base, start, fixing string
	}{
		{"libor", "2012-06-06", "2012-05-31"}, // 4 and 5 June 2012: spring and Diamond Jubilee bank holidays
		{"libor", "2002-06-05", "2002-05-30"}, // 3 and 4 June 2002: Golden Jubilee and spring
		{"libor", "2020-05-11", "2020-05-06"}, // Friday 8 May 2020: VE Day
		{"libor", "2022-09-20", "2022-09-15"}, // 19 September 2022: the state funeral
		{"libor", "2023-05-09", "2023-05-04"}, // 8 May 2023: the coronation
		{"libor", "2004-07-06", "2004-07-02"}, // 5 July 2004 is a US holiday, open in London
		{"term_sofr", "2024-01-16", "2024-01-11"},
		{"term_sofr", "2012-06-06", "2012-06-04"}, // the jubilee is no US holiday
		{"prime", "2004-07-06", "2004-07-01"},     // Federal Reserve: 5 July 2004 closed
	}
	for _, tt := range tests {
		o := Option{ID: tt.base, Base: tt.base, Periods: []string{"1m"}, FixingDays: 2}
		p, err := NewInterestPeriod(d(tt.start), "1m", fed, o.FixingCalendar(fed), o.FixingDays)
		if err != nil {
			t.Fatal(err)
		}
		if p.Fixing.String() != tt.fixing {
			t.Errorf("%s from %s: fixed %s, want %s", tt.base, tt.start, p.Fixing, tt.fixing)
		}
	}
	if FixingCalendar("libor", fed).Name() != "london" || FixingCalendar("sofr", fed).Name() != "us_government_securities" ||
		FixingCalendar("fed_funds", calendar.WeekendsOnly()).Name() != "weekends_only" {
		t.Error("fixing calendars: libor london, sofr us_government_securities, others the facility's")
	}
}
