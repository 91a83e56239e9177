package apptest

import (
	"testing"

	"revolver/app"
	"revolver/ledger"
	"revolver/store"
	"revolver/store/storetest"
)

// testCollections: collections are credited after the clearance Business
// Days, a returned item reverses the credit once, fees from the terms are
// charged once.
func testCollections(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil)}
	a := post(t, s, must(ledger.Advance(ref("f", "a", "2006-01-02"), amt("100000.00"))).of(t), nil).Transaction
	// Received Thursday 5 January 2006: two Business Days later is Monday
	// the 9th, not Saturday the 7th.
	c := must(svc.Collect(ctx, "f", "col-1", d("2006-01-05"), amt("30000.00"))).of(t)
	if c.Transaction.ValueDate != d("2006-01-09") {
		t.Fatalf("collection credited on %s, want 2006-01-09 (2 clearance Business Days)", c.Transaction.ValueDate)
	}
	if got := must(s.Balances(ctx, "f", d("2006-01-08"))).of(t)[ledger.Loans]; got != amt("100000.00") {
		t.Errorf("loans before clearance = %s", got)
	}
	if got := must(s.Balances(ctx, "f", d("2006-01-09"))).of(t)[ledger.Loans]; got != amt("70000.00") {
		t.Errorf("loans after clearance = %s", got)
	}
	r := must(svc.ReturnItem(ctx, "f", "col-1-ret", d("2006-01-09"), c.Transaction.ID)).of(t)
	if r.Transaction.Kind != ledger.KindReturnedItem || r.Transaction.Reverses != c.Transaction.ID {
		t.Fatalf("returned item = %+v", r.Transaction)
	}
	if again := must(svc.ReturnItem(ctx, "f", "col-1-ret", d("2006-01-09"), c.Transaction.ID)).of(t); !again.Replayed {
		t.Errorf("retried returned item not replayed: %+v", again)
	}
	_, err := svc.ReturnItem(ctx, "f", "col-1-ret-2", d("2006-01-09"), c.Transaction.ID)
	wantCode(t, err, store.CodeConflict)
	_, err = svc.ReturnItem(ctx, "f", "adv-ret", d("2006-01-09"), a.ID)
	wantCode(t, err, ledger.CodeInvalid) // only a collection is returned
	if got := must(s.Balances(ctx, "f", d("2006-01-09"))).of(t)[ledger.Loans]; got != amt("100000.00") {
		t.Errorf("loans after the returned item = %s", got)
	}
	fee := must(svc.ChargeFee(ctx, "f", "transaction_fee", d("2006-01-10"), true)).of(t)
	if fee.Transaction.Postings[0].Amount != amt("20000.00") || fee.Replayed {
		t.Fatalf("fee = %+v", fee)
	}
	if again := must(svc.ChargeFee(ctx, "f", "transaction_fee", d("2006-01-10"), true)).of(t); !again.Replayed {
		t.Error("fee charged twice")
	}
	_, err = svc.ChargeFee(ctx, "f", "no_such_fee", d("2006-01-10"), true)
	wantCode(t, err, store.CodeNotFound)
	storetest.CheckInvariants(t, s, "f")
}
