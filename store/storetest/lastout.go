package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"revolver/ledger"
	"revolver/store"
)

// testLastOut: a request's tranche is stored with it (a retry electing
// another is idempotency_mismatch); a certificate's last-out borrowing
// base is read with it by AvailabilityInputs (none: nil); the last-out
// loans are an account availability reads, with a running balance, and a
// collection split between the tranches credits both.
func testLastOut(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	add := func(r store.AdvanceRequest) (store.AdvanceRequest, error) {
		var got store.AdvanceRequest
		err := s.Update(ctx, "f", func(tx store.Tx) error {
			var err error
			got, _, err = tx.AddAdvanceRequest(r)
			return err
		})
		return got, err
	}
	req := store.AdvanceRequest{Facility: "f", Key: "lo-1", Amount: amt("50000.00"), ValueDate: d("2006-02-10"),
		Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0, Tranche: ledger.TrancheLastOut}
	r := must(add(req)).of(t)
	fo := must(add(store.AdvanceRequest{Facility: "f", Key: "fo-1", Amount: amt("1.00"), ValueDate: d("2006-02-10"),
		Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0})).of(t)
	rs := must(s.AdvanceRequests(ctx, "f")).of(t)
	if len(rs) != 2 || rs[0].ID != r.ID || rs[0].Tranche != ledger.TrancheLastOut || rs[1].ID != fo.ID || rs[1].Tranche != "" {
		t.Fatalf("requests %+v", rs)
	}
	other := req
	other.Tranche = ""
	_, err := add(other)
	wantCode(t, err, store.CodeIdempotencyMismatch)

	plain := submitted(t, s, "f", d("2006-01-31"), amt("1000.00"), 0)
	must(s.DecideCertificate(ctx, plain.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(time.Hour)})).of(t)
	c := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-02-28"), PreparedBy: "borrower@btu", CreatedAt: t0})).of(t)
	lo := amt("123456.78")
	must(s.SubmitCertificate(ctx, c.ID, store.Submission{Body: json.RawMessage(`{"borrowing_base":"900000.00"}`), BorrowingBase: amt("900000.00"),
		LastOutBase: &lo, By: "borrower@btu", At: t0.Add(time.Minute)})).of(t)
	must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(2 * time.Hour)})).of(t)
	in := must(s.AvailabilityInputs(ctx, "f", d("2006-01-31"), store.Everything, true)).of(t)
	if len(in.Certificates) != 2 || in.Certificates[0].LastOutBase != nil || in.Certificates[1].LastOutBase == nil || *in.Certificates[1].LastOutBase != lo {
		t.Fatalf("certificates %+v", in.Certificates)
	}

	post(t, s, must(ledger.Advance(ref("f", "a1", "2006-03-01"), amt("100000.00"))).of(t), nil)
	post(t, s, must(ledger.AdvanceIn(ref("f", "a2", "2006-03-01"), amt("40000.00"), ledger.TrancheLastOut)).of(t), nil)
	post(t, s, must(ledger.CollectionOf(ref("f", "c1", "2006-03-02"), amt("110000.00"), ledger.LoanBalances{FirstOut: amt("100000.00"), LastOut: amt("40000.00")})).of(t), nil)
	in = must(s.AvailabilityInputs(ctx, "f", d("2006-03-01"), t0.Add(1000*time.Hour), true)).of(t)
	if in.Balances[ledger.LoansLastOut] != amt("40000.00") || in.Balances[ledger.Loans] != amt("100000.00") {
		t.Errorf("balances on 2006-03-01 %v", in.Balances)
	}
	if len(in.Later) != 2 || in.Later[1] != (store.AccountDay{Day: d("2006-03-02"), Account: ledger.LoansLastOut, Amount: -amt("10000.00")}) {
		t.Errorf("later %+v", in.Later)
	}
	b := must(s.Balances(ctx, "f", d("2006-03-02"))).of(t)
	if b[ledger.Loans] != 0 || b[ledger.LoansLastOut] != amt("30000.00") {
		t.Errorf("balances on 2006-03-02 %v", b)
	}
	CheckInvariants(t, s, "f")
}
