package storetest

import (
	"reflect"
	"testing"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// testAccrualCarried: what AccrualState reads from the balances the last
// commit carried, the postings stored since and those dated in the days
// the run covers is, day after day, what the sums over every posting
// give: with back-valued and forward-dated loans, interest paid between
// runs, a run refused because the receivable changed under it, and a run
// for a day already closed.
func testAccrualCarried(t *testing.T, s store.Store) {
	fs := []string{"f", "g", "h"}
	for _, f := range fs {
		newFacility(t, s, f)
	}
	accrual := func(f string, day date.Date, a money.Amount) ledger.Transaction {
		return ledger.Transaction{Facility: f, Kind: ledger.KindInterest, ValueDate: day, Key: ledger.InterestKey(day),
			Postings: []ledger.Posting{{Account: ledger.InterestReceivable, Amount: a}, {Account: ledger.InterestIncome, Amount: -a}}}
	}
	// want is the state of one facility from the sums over its postings.
	want := func(f string, from, through date.Date) (opening, receivable money.Amount, deltas []store.DayAmount) {
		byDay := map[date.Date]money.Amount{}
		for _, tr := range CheckInvariants(t, s, f) {
			for _, p := range tr.Postings {
				switch {
				case p.Account == ledger.Loans && tr.ValueDate < from:
					opening += p.Amount
				case p.Account == ledger.Loans && tr.ValueDate <= through:
					byDay[tr.ValueDate] += p.Amount
				case p.Account == ledger.InterestReceivable && tr.ValueDate <= through:
					receivable += p.Amount
				}
			}
		}
		for d := from; d <= through; d++ {
			if byDay[d] != 0 {
				deltas = append(deltas, store.DayAmount{Day: d, Amount: byDay[d]})
			}
		}
		return opening, receivable, deltas
	}
	// read reads the states through a day and checks them against the
	// sums.
	read := func(through date.Date) []store.AccrualState {
		t.Helper()
		states := must(s.AccrualState(ctx, through)).of(t)
		if len(states) != len(fs) {
			t.Fatalf("AccrualState(%s) = %d facilities, want %d", through, len(states), len(fs))
		}
		for _, st := range states {
			o, r, ds := want(st.Facility, st.From, through)
			if len(ds) == 0 && len(st.Deltas) == 0 {
				ds = st.Deltas
			}
			if st.Opening != o || st.InterestReceivable != r || !reflect.DeepEqual(st.Deltas, ds) {
				t.Errorf("AccrualState(%s) of %s (from %s, carried %v): opening %s, receivable %s, deltas %v; the postings give %s, %s, %v",
					through, st.Facility, st.From, st.Guard.Carried, st.Opening, st.InterestReceivable, st.Deltas, o, r, ds)
			}
		}
		return states
	}
	// closeDay reads and commits a day's accrual of 1.00 per facility with
	// loans, and returns how many of the states were read carried.
	closeDay := func(through date.Date) int {
		t.Helper()
		states := read(through)
		var txs []ledger.Transaction
		carried := 0
		for _, st := range states {
			if st.Guard.Carried {
				carried++
			}
			if st.AccruedThrough < through {
				txs = append(txs, accrual(st.Facility, through, amt("1.00")))
			}
		}
		must(s.CommitAccrual(ctx, through, states, txs, nil)).of(t)
		return carried
	}
	day := d("2006-02-01")
	post(t, s, must(ledger.Advance(ref("f", "f1", "2006-02-01"), amt("1000.00"))).of(t), nil)
	post(t, s, must(ledger.Advance(ref("g", "g1", "2006-02-01"), amt("500.00"))).of(t), nil)
	if n := closeDay(day); n != 0 {
		t.Fatalf("first run: %d facilities read carried, want none", n)
	}
	// Between runs: a forward-dated advance, a back-valued repayment,
	// interest paid, a first loan of h.
	post(t, s, must(ledger.Advance(ref("f", "f2", "2006-02-05"), amt("200.00"))).of(t), nil)
	post(t, s, must(ledger.Repayment(ref("g", "g2", "2006-02-01"), amt("100.00"))).of(t), nil)
	post(t, s, must(ledger.Payment(ref("f", "f3", "2006-02-01"), ledger.InterestReceivable, amt("0.40"))).of(t), nil)
	post(t, s, must(ledger.Advance(ref("h", "h1", "2006-02-02"), amt("300.00"))).of(t), nil)
	for day++; day <= d("2006-02-04"); day++ {
		if n := closeDay(day); n != 3 {
			t.Fatalf("run through %s: %d facilities read carried, want 3", day, n)
		}
	}
	// The forward-dated advance falls due; interest paid ahead of time.
	post(t, s, must(ledger.Payment(ref("g", "g3", "2006-02-07"), ledger.InterestReceivable, amt("0.10"))).of(t), nil)
	closeDay(day) // 02-05
	day++
	// Interest paid between the read and the commit: the commit is
	// refused and stores nothing; read again, it goes through.
	states := read(day)
	post(t, s, must(ledger.Payment(ref("h", "h2", "2006-02-06"), ledger.InterestReceivable, amt("0.50"))).of(t), nil)
	_, err := s.CommitAccrual(ctx, day, states, []ledger.Transaction{accrual("h", day, amt("1.00"))}, nil)
	wantCode(t, err, store.CodeConflict)
	closeDay(day)
	// The interest paid ahead of time falls due.
	for day++; day <= d("2006-02-08"); day++ {
		if n := closeDay(day); n != 3 {
			t.Fatalf("run through %s: %d facilities read carried, want 3", day, n)
		}
	}
	// A run for a day already closed reads the sums (the balances carried
	// are of a later day), and so does the next run after its commit.
	read(d("2006-02-03"))
	closeDay(d("2006-02-03"))
	closeDay(day)
	for _, f := range fs {
		CheckInvariants(t, s, f)
	}
}
