package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"revolver/date"
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
