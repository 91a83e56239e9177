package storetest

import (
	"reflect"
	"testing"

	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// testAccrualState: AccrualState reads each facility's position for a
// close-of-business run (the Loans balance before the first day needed, the
// Loans movements by day through the run's day, the interest receivable,
// the count of Loans postings), CommitAccrual posts the accruals and marks
// the facilities accrued through the day, and a Loans posting stored after
// that and dated on a day already accrued is reported Late until the next
// commit; a commit for an earlier day keeps the later one.
func testAccrualState(t *testing.T, s store.Store) {
	for _, f := range []string{"a", "b", "c"} {
		newFacility(t, s, f)
	}
	interest := func(f, day string, a money.Amount) ledger.Transaction {
		return ledger.Transaction{Facility: f, Kind: ledger.KindInterest, ValueDate: d(day), Key: ledger.InterestKey(d(day)),
			Postings: []ledger.Posting{{Account: ledger.InterestReceivable, Amount: a}, {Account: ledger.InterestIncome, Amount: -a}}}
	}
	post(t, s, must(ledger.Advance(ref("a", "a1", "2006-01-10"), amt("1000.00"))).of(t), nil)
	post(t, s, must(ledger.Repayment(ref("a", "a2", "2006-01-12"), amt("400.00"))).of(t), nil)
	post(t, s, must(ledger.Advance(ref("b", "b1", "2006-01-11"), amt("500.00"))).of(t), nil)
	post(t, s, must(ledger.LCIssue(ref("c", "c1", "2006-01-11"), amt("50.00"))).of(t), nil) // no Loans
	must(s.PostBatch(ctx, []ledger.Transaction{interest("a", "2006-01-10", 5)})).of(t)
	byFacility := func(through string) map[string]store.AccrualState {
		t.Helper()
		states := must(s.AccrualState(ctx, d(through))).of(t)
		m := map[string]store.AccrualState{}
		for _, st := range states {
			m[st.Facility] = st
		}
		if len(m) != 3 {
			t.Fatalf("AccrualState(%s) = %+v, want facilities a, b, c", through, states)
		}
		return m
	}
	guard := func(n int64) store.AccrualGuard { return store.AccrualGuard{Postings: n} }
	day := func(s string, a string) store.DayAmount { return store.DayAmount{Day: d(s), Amount: amt(a)} }
	check := func(through string, got store.AccrualState, want store.AccrualState) {
		t.Helper()
		// Nil and empty lists are the same.
		if len(got.Deltas) == 0 && len(want.Deltas) == 0 {
			got.Deltas, want.Deltas = nil, nil
		}
		if len(got.Late) == 0 && len(want.Late) == 0 {
			got.Late, want.Late = nil, nil
		}
		// What the guard counts is compared; how, is the store's.
		want.Guard.Seen, want.Guard.Carried = got.Guard.Seen, got.Guard.Carried
		if !reflect.DeepEqual(got, want) {
			t.Errorf("AccrualState(%s) of %s = %+v, want %+v", through, got.Facility, got, want)
		}
	}

	// Never accrued: from the first Loans posting of any facility.
	m := byFacility("2006-01-12")
	from := d("2006-01-10")
	check("2006-01-12", m["a"], store.AccrualState{Facility: "a", From: from, FirstActivity: d("2006-01-10"),
		Deltas: []store.DayAmount{day("2006-01-10", "1000.00"), day("2006-01-12", "-400.00")}, InterestReceivable: 5, Guard: guard(3)})
	check("2006-01-12", m["b"], store.AccrualState{Facility: "b", From: from, FirstActivity: d("2006-01-11"),
		Deltas: []store.DayAmount{day("2006-01-11", "500.00")}, Guard: guard(1)})
	check("2006-01-12", m["c"], store.AccrualState{Facility: "c", From: from})
	// Through an earlier day, only what is dated by then.
	if a := byFacility("2006-01-11")["a"]; a.Guard.Postings != 2 || !reflect.DeepEqual(a.Deltas, []store.DayAmount{day("2006-01-10", "1000.00")}) {
		t.Errorf("AccrualState(2006-01-11) of a = %+v", a)
	}

	states := must(s.AccrualState(ctx, d("2006-01-12"))).of(t)
	ps := must(s.CommitAccrual(ctx, d("2006-01-12"), states, []ledger.Transaction{interest("a", "2006-01-12", 3)}, nil)).of(t)
	if len(ps) != 1 || ps[0].Transaction.ID == 0 || ps[0].Replayed {
		t.Fatalf("CommitAccrual = %+v", ps)
	}
	m = byFacility("2006-01-13")
	accrued := d("2006-01-12")
	for _, f := range []string{"a", "b", "c"} {
		if m[f].AccruedThrough != accrued || m[f].From != d("2006-01-13") || len(m[f].Late) != 0 || len(m[f].Deltas) != 0 {
			t.Errorf("after the commit, AccrualState(2006-01-13) of %s = %+v; want accrued through %s, from 2006-01-13, nothing late", f, m[f], accrued)
		}
	}
	if m["a"].Opening != amt("600.00") || m["a"].InterestReceivable != 8 || m["b"].Opening != amt("500.00") {
		t.Errorf("after the commit: a %+v, b %+v", m["a"], m["b"])
	}

	// Stored after the commit: a Loans posting dated on an accrued day is
	// late; one dated after it, and postings to other accounts, are not.
	late := post(t, s, must(ledger.Advance(ref("a", "a3", "2006-01-11"), amt("200.00"))).of(t), nil).Transaction
	post(t, s, must(ledger.Advance(ref("b", "b2", "2006-01-13"), amt("10.00"))).of(t), nil)
	post(t, s, must(ledger.LCIssue(ref("c", "c2", "2006-01-10"), amt("5.00"))).of(t), nil)
	m = byFacility("2006-01-13")
	from = d("2006-01-11") // the late posting's day, for every facility
	check("2006-01-13", m["a"], store.AccrualState{Facility: "a", AccruedThrough: accrued, From: from, Opening: amt("1000.00"),
		Deltas:             []store.DayAmount{day("2006-01-11", "200.00"), day("2006-01-12", "-400.00")},
		InterestReceivable: 8, Guard: guard(1), Late: []store.LatePosting{{TxID: late.ID, Day: d("2006-01-11"), Amount: amt("200.00")}}})
	check("2006-01-13", m["b"], store.AccrualState{Facility: "b", AccruedThrough: accrued, From: from,
		Deltas: []store.DayAmount{day("2006-01-11", "500.00"), day("2006-01-13", "10.00")}, Guard: guard(1)})
	check("2006-01-13", m["c"], store.AccrualState{Facility: "c", AccruedThrough: accrued, From: from})

	// The next commit takes the late posting in.
	states = must(s.AccrualState(ctx, d("2006-01-13"))).of(t)
	must(s.CommitAccrual(ctx, d("2006-01-13"), states, nil, nil)).of(t)
	m = byFacility("2006-01-14")
	for _, f := range []string{"a", "b", "c"} {
		if m[f].AccruedThrough != d("2006-01-13") || len(m[f].Late) != 0 {
			t.Errorf("after the second commit, %s = %+v; want accrued through 2006-01-13, nothing late", f, m[f])
		}
	}
	// A commit for an earlier day keeps the later one.
	states = must(s.AccrualState(ctx, d("2006-01-12"))).of(t)
	must(s.CommitAccrual(ctx, d("2006-01-12"), states, nil, nil)).of(t)
	for f, st := range byFacility("2006-01-14") {
		if st.AccruedThrough != d("2006-01-13") {
			t.Errorf("after a commit for an earlier day, %s accrued through %s, want 2006-01-13", f, st.AccruedThrough)
		}
	}
	for _, f := range []string{"a", "b", "c"} {
		CheckInvariants(t, s, f)
	}
}
