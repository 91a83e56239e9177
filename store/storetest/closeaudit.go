package storetest

import (
	"errors"
	"testing"
	"time"

	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// testCloseAudited: CommitAccrual with an AccrualClose stores the
// accruals, the facilities' marks, the next business date and the run's
// audit record in one database transaction — an error from its Audit
// stores none of them — and calls Audit with what was posted and whether
// the date opened; a later date already open is left as it is. PutRate
// stores a new point with its audit record, and the same value again
// appends none.
func testCloseAudited(t *testing.T, s store.Store, a store.Accounts) {
	newFacility(t, s, "a")
	post(t, s, must(ledger.Advance(ref("a", "a1", "2006-01-10"), amt("1000.00"))).of(t), nil)
	through := d("2006-01-10")
	accrual := ledger.Transaction{Facility: "a", Kind: ledger.KindInterest, ValueDate: through, Key: ledger.InterestKey(through),
		Postings: []ledger.Posting{{Account: ledger.InterestReceivable, Amount: 3}, {Account: ledger.InterestIncome, Amount: -3}}}
	at := time.Date(2006, 1, 10, 23, 0, 0, 0, time.UTC)
	open := store.BusinessDay{Date: through + 1, RecordedBy: "ann", RecordedAt: at, Reason: "close of business"}
	head := func() int64 {
		recs := must(a.AuditRecords(actx, 0, 1000)).of(t)
		if len(recs) == 0 {
			return 0
		}
		return recs[len(recs)-1].ID
	}
	rec := func(what string) *store.AuditRecord {
		return &store.AuditRecord{At: at, Actor: "ann", RequestID: what, Route: "test", Kind: "close_of_business", Action: "run"}
	}
	boom := errors.New("refused before the commit")
	var saw []store.Posted
	var sawOpened bool
	states := must(s.AccrualState(ctx, through)).of(t)
	_, err := s.CommitAccrual(ctx, through, states, []ledger.Transaction{accrual}, &store.AccrualClose{Open: open,
		Audit: func(p []store.Posted, opened bool) (*store.AuditRecord, error) {
			saw, sawOpened = append([]store.Posted(nil), p...), opened
			return nil, boom
		}})
	if !errors.Is(err, boom) {
		t.Fatalf("CommitAccrual with Audit failing = %v, want its error", err)
	}
	if len(saw) != 1 || saw[0].Replayed || saw[0].Transaction.ID == 0 || !sawOpened {
		t.Fatalf("Audit was called with %+v, opened %v; want the accrual posted and the date opened", saw, sawOpened)
	}
	if txs := must(s.Transactions(ctx, "a")).of(t); len(txs) != 1 {
		t.Errorf("the failed commit kept %d transactions, want the advance only", len(txs))
	}
	if _, err := s.BusinessDate(ctx); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("the failed commit opened a business date: %v", err)
	}
	if st := must(s.AccrualState(ctx, through)).of(t); st[0].AccruedThrough != 0 {
		t.Errorf("the failed commit marked the facility accrued: %+v", st[0])
	}
	if n := head(); n != 0 {
		t.Errorf("the failed commit appended %d records", n)
	}

	states = must(s.AccrualState(ctx, through)).of(t)
	must(s.CommitAccrual(ctx, through, states, []ledger.Transaction{accrual}, &store.AccrualClose{Open: open,
		Audit: func(p []store.Posted, opened bool) (*store.AuditRecord, error) { return rec("run-1"), nil }})).of(t)
	recs := must(a.AuditRecords(actx, 0, 10)).of(t)
	if len(recs) != 1 || recs[0].RequestID != "run-1" || recs[0].BusinessDate != through+1 {
		t.Fatalf("records after the commit = %+v, want run-1 on business date %s", recs, through+1)
	}
	if bd := must(s.BusinessDate(ctx)).of(t); bd.Date != through+1 || bd.RecordedBy != "ann" {
		t.Errorf("business date = %+v", bd)
	}
	// Again, for an earlier day: the later date is left, the accrual
	// replayed; Audit says so and may append nothing.
	states = must(s.AccrualState(ctx, through)).of(t)
	early := open
	early.Date = through
	must(s.CommitAccrual(ctx, through, states, []ledger.Transaction{accrual}, &store.AccrualClose{Open: early,
		Audit: func(p []store.Posted, opened bool) (*store.AuditRecord, error) {
			saw, sawOpened = p, opened
			return nil, nil
		}})).of(t)
	if len(saw) != 1 || !saw[0].Replayed || sawOpened {
		t.Errorf("Audit of a run changing nothing was called with %+v, opened %v", saw, sawOpened)
	}
	if bd := must(s.BusinessDate(ctx)).of(t); bd.Date != through+1 {
		t.Errorf("an earlier business date moved it back to %s", bd.Date)
	}
	if n := head(); n != 1 {
		t.Errorf("%d records, want 1", n)
	}

	// A rate point and its record; the same value again appends none.
	rp := ledger.RatePoint{Effective: d("2006-01-02"), Value: money.MustRate("0.0725")}
	rr := &store.AuditRecord{At: at, Actor: "ann", RequestID: "rate", Route: "test", Kind: "rate", Action: "record"}
	ok(t, s.PutRate(ctx, "prime", rp, rr))
	ok(t, s.PutRate(ctx, "prime", rp, rr))
	wantCode(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: rp.Effective, Value: money.MustRate("0.08")}, rr), store.CodeConflict)
	recs = must(a.AuditRecords(actx, 1, 10)).of(t)
	if len(recs) != 1 || recs[0].RequestID != "rate" {
		t.Errorf("records of the rate = %+v, want one", recs)
	}
	if ser := must(s.RateSeries(ctx, "prime")).of(t); len(ser) != 1 {
		t.Errorf("rate series = %+v", ser)
	}
}
