package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"revolver/date"
	"revolver/store"
	"revolver/store/sqlite"
)

// TestEndOfBusiness: a day's business ends when the next business date is
// opened; the current day has not ended (now); before any business date,
// the end of the day in UTC.
func TestEndOfBusiness(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2006, 12, 31, 20, 0, 0, 0, time.UTC)
	s := &Service{Store: st, Now: func() time.Time { return now }}
	d := date.MustParse
	if got, _ := s.EndOfBusiness(ctx, d("2006-12-01")); !got.Equal(time.Date(2006, 12, 1, 23, 59, 59, 999999000, time.UTC)) {
		t.Errorf("no business date yet, past day: %v", got)
	}
	if got, _ := s.EndOfBusiness(ctx, d("2006-12-31")); !got.Equal(now) {
		t.Errorf("no business date yet, today: %v, want now", got)
	}
	if bd, _ := s.BusinessDate(ctx); bd != d("2006-12-31") {
		t.Errorf("business date before any is opened: %s, want the clock's date", bd)
	}
	closed := time.Date(2006, 12, 29, 23, 30, 0, 0, time.UTC)
	now = closed
	if _, err := s.OpenBusinessDate(ctx, d("2006-12-29"), "ops", "start"); err != nil {
		t.Fatal(err)
	}
	now = closed.Add(time.Hour)
	if _, err := s.OpenBusinessDate(ctx, d("2006-12-30"), "cob", "close of business 2006-12-29"); err != nil {
		t.Fatal(err)
	}
	now = closed.Add(50 * time.Hour)
	if got, _ := s.EndOfBusiness(ctx, d("2006-12-29")); !got.Equal(closed.Add(time.Hour)) {
		t.Errorf("end of 2006-12-29: %v, want when 2006-12-30 was opened", got)
	}
	if got, _ := s.EndOfBusiness(ctx, d("2006-12-30")); !got.Equal(now) {
		t.Errorf("end of the open day: %v, want now", got)
	}
	if got, _ := s.EndOfBusiness(ctx, d("2006-11-30")); !got.Equal(closed) {
		t.Errorf("end of a day before the first business date: %v, want the first opening", got)
	}
	if got, _ := s.OpenBusinessDate(ctx, d("2006-12-15"), "x", "back"); got != d("2006-12-30") {
		t.Errorf("moving back: %s, want it left at 2006-12-30", got)
	}
}

// The events of default and the facts read a known-at time by the one rule
// of availability (ResolveKnownAt): a date is the end of its business (when
// the next business date opened), not the end of the UTC day; now and the
// business date are every fact recorded (zero).
func TestFactsKnownAtOneRule(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 9, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 9)
		c.open("2006-06-01", 7) // the business of 2006-05-31 ends at 07:00 the next day
		eob := c.at
		c.open("2006-06-02", 10)
		for _, tc := range []struct {
			v    string
			asOf string
			want time.Time
		}{
			{"", "2006-05-31", eob},
			{"2006-05-31", "2006-06-02", eob},
			{"now", "2006-05-31", time.Time{}},
			{"", "2006-06-02", time.Time{}},
			{"2006-05-31T12:00:00Z", "2006-05-31", time.Date(2006, 5, 31, 12, 0, 0, 0, time.UTC)},
		} {
			got, err := c.FactsKnownAt(c.ctx, "btu", date.MustParse(tc.asOf), tc.v)
			if err != nil || !got.Equal(tc.want) {
				t.Errorf("known at %q for %s: %s %v, want %s", tc.v, tc.asOf, got, err, tc.want)
			}
		}
		if _, err := c.FactsKnownAt(c.ctx, "btu", date.MustParse("2006-05-31"), "yesterday"); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("a known-at time that is none: %v, want invalid", err)
		}
	})
}

// "Now" is carried as now, not as a clock reading compared with a later
// one: a clock that moves between the reading and the reads (as it does
// in every request, and as a record stamped by another process's clock a
// little ahead shows) still reads every committed record.
func TestKnownNowIsEveryRecord(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 9, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 9)
		c.open("2006-06-01", 7)
		c.Now = func() time.Time { c.at = c.at.Add(time.Millisecond); return c.at } // ticks on every reading
		for _, tc := range []struct{ v, asOf string }{{"now", "2006-05-31"}, {"", "2006-06-01"}, {"now", "2006-06-01"}} {
			k, err := c.ResolveKnownAt(c.ctx, "btu", date.MustParse(tc.asOf), tc.v)
			if err != nil || !k.Now || !k.Read().Equal(store.Everything) || k.At.IsZero() {
				t.Errorf("known at %q for %s: %+v %v, want now (read: every record; shown: the clock's reading)", tc.v, tc.asOf, k, err)
			}
			got, err := c.FactsKnownAt(c.ctx, "btu", date.MustParse(tc.asOf), tc.v)
			if err != nil || !got.IsZero() {
				t.Errorf("facts known at %q for %s with a moving clock: %s %v, want every fact recorded (zero)", tc.v, tc.asOf, got, err)
			}
		}
		k, err := c.ResolveKnownAt(c.ctx, "btu", date.MustParse("2006-05-31"), "")
		if err != nil || k.Now || k.Read().Equal(store.Everything) {
			t.Errorf("the end of business of a past date: %+v %v, want a time, not now", k, err)
		}
	})
}
