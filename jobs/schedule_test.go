package jobs

import (
	"testing"
	"time"

	"revolver/date"
)

// The scheduled close closes the clock's date in the bank's zone: at 17:00
// in New York on 29 December 2006 (22:00 UTC) that is the 29th, and at
// 20:00 (01:00 UTC on the 30th) still the 29th.
func TestScheduledCloseDay(t *testing.T) {
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2006, 12, 29, 22, 0, 0, 0, time.UTC), "2006-12-29"},
		{time.Date(2006, 12, 30, 1, 0, 0, 0, time.UTC), "2006-12-29"},
		{time.Date(2006, 12, 30, 5, 0, 0, 0, time.UTC), "2006-12-30"},
	} {
		s, err := ParseSchedule("17:00", "America/New_York", func() time.Time { return c.now })
		if err != nil {
			t.Fatal(err)
		}
		a := s.args()
		if a.Through != date.MustParse(c.want) || a.By.Via != "schedule 17:00 America/New_York" {
			t.Errorf("at %s: %+v, want through %s by the schedule", c.now, a, c.want)
		}
	}
}
