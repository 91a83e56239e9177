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

// A payment settles at most what is receivable on its value date: the
// transaction fee billed at closing (Loan Modification Agreement §II.A) is
// paid once; a second payment, or one above it, is refused and posts nothing.
func TestPaymentNotAboveReceivable(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		svc := btu(t, s)
		ref := func(key string) ledger.Ref { return ledger.Ref{Facility: "btu", Key: key, ValueDate: d("2004-01-28")} }
		fee, _ := ledger.Fee(ref("fee"), 20_000_00, false)
		if _, err := svc.Post(ctx, fee); err != nil {
			t.Fatal(err)
		}
		over, _ := ledger.Payment(ref("over"), ledger.FeesReceivable, 20_000_01)
		if _, err := svc.Post(ctx, over); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "fees receivable, 20000.00") {
			t.Fatalf("payment above the fee: %v", err)
		}
		paid, _ := ledger.Payment(ref("paid"), ledger.FeesReceivable, 20_000_00)
		if _, err := svc.Post(ctx, paid); err != nil {
			t.Fatal(err)
		}
		again, _ := ledger.Payment(ref("again"), ledger.FeesReceivable, 1_00)
		if _, err := svc.Post(ctx, again); store.ErrorCode(err) != store.CodeInvalid {
			t.Fatalf("a second payment: %v", err)
		}
		b, err := s.Balances(ctx, "btu", d("2004-01-28"))
		if err != nil {
			t.Fatal(err)
		}
		if b[ledger.FeesReceivable] != 0 || b[ledger.FeeIncome] != -20_000_00 || b[ledger.Cash] != 20_000_00 {
			t.Errorf("balances: %v", b)
		}
	})
}
