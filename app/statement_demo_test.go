package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/demo"
	"revolver/ledger"
	"revolver/money"
	"revolver/statement"
	"revolver/store"
	"revolver/store/testdb"
)

// The demo facility's statements for every month of its history,
// February 2004 to December 2006, tie to its ledger to the cent: the
// ledger is summed here from the store's rows (its own loops over the
// postings, not the statement's code) and every balance, every section's
// movement on every account, the interest, the collections by day and
// what is due are compared. The interest billed for a month is what the
// borrower pays on the first Business Day after it (the demo's history
// pays the balance billed then). One load per store serves the 35 months.
func TestStatementTiesToTheDemoLedger(t *testing.T) {
	for _, b := range testdb.Backends {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			if _, err := demo.Load(ctx, st, nil); err != nil {
				t.Fatal(err)
			}
			svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: func() time.Time { return demo.Clock }}
			rows, err := st.Transactions(ctx, demo.Slug)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[ledger.Kind]int{}
			var prevDue money.Amount
			for m := 0; m < 35; m++ {
				y, mon := 2004+(m+1)/12, time.Month((m+1)%12+1)
				s, l := tiesToLedger(t, svc, rows, demo.Slug, y, mon, kinds)
				name := s.Month
				// Due: the interest billed, paid on the first Business Day after.
				var dueInterest money.Amount
				for _, d := range s.Due {
					if d.Key == "interest" {
						dueInterest = d.Amount
						if d.DueDate <= s.To || d.DueDate > s.To+5 {
							t.Errorf("%s interest due %s", name, d.DueDate)
						}
					}
				}
				if dueInterest != l.close[ledger.InterestReceivable] {
					t.Errorf("%s interest due %s, ledger %s", name, dueInterest, l.close[ledger.InterestReceivable])
				}
				if m < 34 && l.paidAfter != dueInterest {
					t.Errorf("%s interest due %s, paid in the days after %s", name, dueInterest, l.paidAfter)
				}
				// Each month opens with what the month before left due.
				if m > 0 && s.Opening.Of(ledger.InterestReceivable) != prevDue {
					t.Errorf("%s opening interest %s, the month before's due %s", name, s.Opening.Of(ledger.InterestReceivable), prevDue)
				}
				prevDue = dueInterest
			}
			for _, k := range []ledger.Kind{ledger.KindAdvance, ledger.KindCollection, ledger.KindChargeBack, ledger.KindInterest, ledger.KindPayment, ledger.KindLCIssue, ledger.KindLCExpire} {
				if kinds[k] == 0 {
					t.Errorf("the demo's statements show no %s", k)
				}
			}

			// As known at the end of 15 March 2005 (New York): the postings
			// recorded later are left out, and the statement says when.
			nyc, _ := time.LoadLocation("America/New_York")
			at := time.Date(2005, 3, 15, 18, 0, 0, 0, nyc)
			then, err := svc.Statement(ctx, demo.Slug, 2005, time.March, at)
			if err != nil {
				t.Fatal(err)
			}
			now, err := svc.Statement(ctx, demo.Slug, 2005, time.March, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if !then.KnownAt.Equal(at) || len(then.Lines) >= len(now.Lines) || then.Interest.Accrued >= now.Interest.Accrued {
				t.Errorf("as known at %s: %d lines, interest %s; now %d lines, interest %s", at, len(then.Lines), then.Interest.Accrued, len(now.Lines), now.Interest.Accrued)
			}
			byID := map[int64]ledger.Transaction{}
			for _, r := range rows {
				byID[r.ID] = r
			}
			for _, l := range then.Lines {
				if r := byID[l.Transaction]; r.RecordedAt.After(at) || r.Kind != l.Kind || r.ValueDate != l.ValueDate {
					t.Errorf("as known at %s: line %+v from %+v", at, l, r)
				}
			}
			for _, id := range then.Interest.Transactions {
				if byID[id].RecordedAt.After(at) {
					t.Errorf("as known at %s: accrual %d recorded %s", at, id, byID[id].RecordedAt)
				}
			}
			if _, err := svc.Statement(ctx, demo.Slug, 2005, 13, time.Time{}); store.ErrorCode(err) != store.CodeInvalid {
				t.Errorf("month 13: %v", err)
			}
			if _, err := svc.Statement(ctx, "nope", 2005, 3, time.Time{}); store.ErrorCode(err) != store.CodeNotFound {
				t.Errorf("unknown facility: %v", err)
			}
		})
	}
}

// The modern example's statements, June to November 2026 (loans at
// several rates, a last-out tranche, fees billed quarterly), tie to its
// ledger as the first example's do, on SQLite.
func TestStatementTiesToTheModernLedger(t *testing.T) {
	ctx := context.Background()
	st := testdb.SQLite(t)
	if _, err := demo.LoadExample(ctx, st, demo.Modern, nil); err != nil {
		t.Fatal(err)
	}
	svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: func() time.Time { return demo.Modern.Clock }}
	rows, err := st.Transactions(ctx, demo.ModernSlug)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[ledger.Kind]int{}
	rounding := false
	for mon := time.June; mon <= time.November; mon++ {
		s, _ := tiesToLedger(t, svc, rows, demo.ModernSlug, 2026, mon, kinds)
		rounding = rounding || s.Interest.Rounding != 0 || s.Interest.LastOut != 0
	}
	if kinds[ledger.KindFee] == 0 || !rounding {
		t.Errorf("the modern example's statements show no fee, or no day at several rates nor last-out interest: %v", kinds)
	}
}

// ledgerSums are a month's figures summed from the store's rows.
type ledgerSums struct {
	open, close map[ledger.Account]money.Amount
	// paidAfter is the interest paid in the ten days after the month.
	paidAfter money.Amount
}

// tiesToLedger asks the statement of a month and checks it against the
// ledger summed here from the rows (its own loops over the postings, not
// the statement's code): every balance, every section's movement on every
// account, the interest (the accruals, the rate periods summing to them),
// the collections by day, what is due. It counts the kinds seen.
func tiesToLedger(t *testing.T, svc *app.Service, rows []ledger.Transaction, slug string, y int, mon time.Month, kinds map[ledger.Kind]int) (statement.Statement, ledgerSums) {
	t.Helper()
	// The section each kind belongs to, as the statement's definition
	// (docs/statement.md) lists them.
	sectionOf := map[ledger.Kind]string{
		ledger.KindAdvance: "advances", ledger.KindRepayment: "repayments", ledger.KindCollection: "collections",
		ledger.KindReturnedItem: "returned_items", ledger.KindChargeBack: "returned_items", ledger.KindInterest: "interest", ledger.KindInterestAdjustment: "interest_adjustments",
		ledger.KindCapitalise: "interest_capitalised", ledger.KindFee: "fees", ledger.KindCost: "costs", ledger.KindPayment: "payments",
		ledger.KindLCIssue: "letters_of_credit", ledger.KindLCDraw: "letters_of_credit", ledger.KindLCReimburse: "letters_of_credit",
		ledger.KindLCExpire: "letters_of_credit", ledger.KindReversal: "reversals",
	}
	owed := map[ledger.Account]bool{ledger.Loans: true, ledger.LoansLastOut: true, ledger.InterestReceivable: true,
		ledger.FeesReceivable: true, ledger.CostsReceivable: true, ledger.LCDrawn: true}
	shown := []ledger.Account{ledger.Loans, ledger.LoansLastOut, ledger.InterestReceivable, ledger.FeesReceivable,
		ledger.CostsReceivable, ledger.LCDrawn, ledger.LCOutstanding, ledger.CollectionsClearing}
	f := date.Of(y, mon, 1)
	to := f.AddMonths(1) - 1
	s, err := svc.Statement(context.Background(), slug, y, mon, time.Time{})
	if err != nil {
		t.Fatalf("%04d-%02d: %v", y, mon, err)
	}
	l := ledgerSums{open: map[ledger.Account]money.Amount{}, close: map[ledger.Account]money.Amount{}}
	moved := map[string]map[ledger.Account]money.Amount{}
	count := map[string]int{}
	var interest, collected money.Amount
	for _, r := range rows {
		vd := r.ValueDate
		if vd <= to+10 && vd > to && r.Kind == ledger.KindPayment {
			for _, p := range r.Postings {
				if p.Account == ledger.InterestReceivable {
					l.paidAfter -= p.Amount
				}
			}
		}
		if vd > to {
			continue
		}
		for _, p := range r.Postings {
			l.close[p.Account] += p.Amount
			if vd < f {
				l.open[p.Account] += p.Amount
			}
		}
		if vd < f {
			continue
		}
		sec := sectionOf[r.Kind]
		kinds[r.Kind]++
		count[sec]++
		if moved[sec] == nil {
			moved[sec] = map[ledger.Account]money.Amount{}
		}
		for _, p := range r.Postings {
			moved[sec][p.Account] += p.Amount
			if r.Kind == ledger.KindInterest && p.Account == ledger.InterestReceivable {
				interest += p.Amount
			}
			if r.Kind == ledger.KindInterestAdjustment && p.Account == ledger.InterestReceivable {
				interest += p.Amount
			}
			if r.Kind == ledger.KindCollection && (p.Account == ledger.Loans || p.Account == ledger.LoansLastOut) {
				collected -= p.Amount
			}
		}
	}
	name := s.Month
	if want := fmt.Sprintf("%04d-%02d", y, mon); name != want {
		t.Fatalf("month %s, want %s", name, want)
	}
	var openOwed, closeOwed money.Amount
	for _, a := range shown {
		if got := s.Opening.Of(a); got != l.open[a] {
			t.Errorf("%s opening %s = %s, ledger %s", name, a, got, l.open[a])
		}
		if got := s.Closing.Of(a); got != l.close[a] {
			t.Errorf("%s closing %s = %s, ledger %s", name, a, got, l.close[a])
		}
		if owed[a] {
			openOwed, closeOwed = openOwed+l.open[a], closeOwed+l.close[a]
		}
	}
	if s.Opening.Owed != openOwed || s.Closing.Owed != closeOwed {
		t.Errorf("%s owed %s → %s, ledger %s → %s", name, s.Opening.Owed, s.Closing.Owed, openOwed, closeOwed)
	}
	if len(s.Sections) != len(count) {
		t.Errorf("%s: %d sections, ledger has transactions of %d", name, len(s.Sections), len(count))
	}
	for sec, n := range count {
		got, ok := s.Section(sec)
		if !ok || got.Count != n || len(got.Transactions) != n {
			t.Errorf("%s section %s: %+v, ledger %d transactions", name, sec, got, n)
			continue
		}
		var owedMove money.Amount
		for _, a := range shown {
			var g money.Amount
			for _, x := range got.Accounts {
				if x.Account == a {
					g = x.Amount
				}
			}
			if g != moved[sec][a] {
				t.Errorf("%s section %s on %s = %s, ledger %s", name, sec, a, g, moved[sec][a])
			}
			if owed[a] {
				owedMove += moved[sec][a]
			}
		}
		if got.Amount != owedMove {
			t.Errorf("%s section %s = %s, ledger %s", name, sec, got.Amount, owedMove)
		}
	}
	// Interest: the accruals, and the rate periods (with the rounding
	// across rates and the last-out loans' own) summing to them.
	if s.Interest.Total != interest {
		t.Errorf("%s interest %s, ledger %s", name, s.Interest.Total, interest)
	}
	var periods money.Amount
	for _, p := range s.Interest.Periods {
		periods += p.Interest
		if p.DayCount == "" || p.Rate.Sign() <= 0 || p.Explain == nil {
			t.Errorf("%s period %+v", name, p)
		}
	}
	if periods+s.Interest.Rounding+s.Interest.LastOut+s.Interest.Adjustments != interest || len(s.Interest.Unexplained) != 0 {
		t.Errorf("%s interest periods %s + rounding %s + last-out %s + adjustments %s, ledger %s (unexplained %v)", name, periods, s.Interest.Rounding,
			s.Interest.LastOut, s.Interest.Adjustments, interest, s.Interest.Unexplained)
	}
	if s.Interest.Accrued > 0 && (len(s.Interest.Periods) == 0 || len(s.Interest.Loans) == 0) {
		t.Errorf("%s: interest %s with no periods or loans", name, s.Interest.Accrued)
	}
	// Collections by day sum to the section.
	var byDay money.Amount
	for _, c := range s.Collections {
		byDay += c.Amount
	}
	if byDay != collected {
		t.Errorf("%s collections by day %s, ledger %s", name, byDay, collected)
	}
	// What is due: the closing balances billed, unpaid.
	for _, d := range s.Due {
		if d.Amount != l.close[d.Account] || d.DueDate <= s.To {
			t.Errorf("%s due %+v, ledger %s", name, d, l.close[d.Account])
		}
	}
	if s.Explain == nil || s.Explain.Find("opening") == nil || s.Explain.Find("closing") == nil {
		t.Errorf("%s: no explanation", name)
	}
	return s, l
}

// Every kind of transaction the ledger knows belongs to a section of the
// statement (a new kind is given one in statement.Sections).
func TestStatementSectionsCoverEveryKind(t *testing.T) {
	for _, k := range ledger.Kinds {
		if statement.SectionOf(k).Key == statement.Other.Key {
			t.Errorf("kind %s has no section of the statement", k)
		}
	}
}

// BenchmarkStatement: the demo facility's statement of June 2006 from its
// SQLite store (1,146 transactions), against the floor the use case reads
// first: every transaction of the facility (Store.Transactions).
func BenchmarkStatement(b *testing.B) {
	ctx := context.Background()
	st := testdb.SQLite(b)
	if _, err := demo.Load(ctx, st, nil); err != nil {
		b.Fatal(err)
	}
	svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: func() time.Time { return demo.Clock }}
	b.Run("statement", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Statement(ctx, demo.Slug, 2006, time.June, time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("transactions", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.Transactions(ctx, demo.Slug); err != nil {
				b.Fatal(err)
			}
		}
	})
}
