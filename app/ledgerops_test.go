package app

import (
	"context"
	"strings"
	"testing"

	"revolver/date"
	"revolver/ledger"
	"revolver/store"
)

// Collections are credited the terms' clearance days later in Business
// Days of the facility's calendar (Security Agreement ¶8: one Business Day
// assumed; the US Federal Reserve calendar of the schedule terms): received
// on a Friday, credited on the Monday (found: the Saturday); received on
// the Friday before Martin Luther King Day, on the Tuesday.
func TestCollectBusinessDays(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		svc := btu(t, s)
		a, err := ledger.Advance(ledger.Ref{Facility: "btu", Key: "a", ValueDate: d("2006-01-03")}, 1_000_000_00)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PostBatch(ctx, []ledger.Transaction{a}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ key, received, want string }{
			{"c1", "2006-03-10", "2006-03-13"},
			{"c2", "2006-01-13", "2006-01-17"},
			{"c3", "2006-11-22", "2006-11-24"},
			{"c4", "2006-03-11", "2006-03-14"},
		} {
			p, err := svc.Collect(ctx, "btu", tc.key, d(tc.received), 10_000_00)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Transaction.ValueDate; got != d(tc.want) {
				t.Errorf("received %s (%s): credited %s (%s), want %s", tc.received, d(tc.received).Weekday(), got, got.Weekday(), tc.want)
			}
			if !strings.Contains(p.Transaction.Memo, "1 clearance business days (federal_reserve calendar)") {
				t.Errorf("memo %q", p.Transaction.Memo)
			}
		}
		b, err := s.Balances(ctx, "btu", d("2006-01-16"))
		if err != nil {
			t.Fatal(err)
		}
		if b[ledger.Loans] != 1_000_000_00 {
			t.Errorf("loans on Martin Luther King Day = %s, want 1000000.00 (the collection of the 13th not yet credited)", b[ledger.Loans])
		}
	})
}
