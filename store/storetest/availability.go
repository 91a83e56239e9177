package storetest

import (
	"reflect"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// testAvailabilityInputs: the certificate in force on a date as known at a
// time is the latest approved by then (a certificate approved later is not
// known yet, a rejected one never), the balances are those at the end of
// the date, later certificates and postings come only when asked for, and
// the Store and the Tx read the same.
func testAvailabilityInputs(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	approve := func(asOf string, bb money.Amount, at time.Time) store.Certificate {
		c := submitted(t, s, "f", d(asOf), bb, 0)
		return must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: at})).of(t)
	}
	jan := approve("2006-01-31", amt("1000000.00"), t0.Add(24*time.Hour))
	febEarly := approve("2006-02-28", amt("900000.00"), t0.Add(48*time.Hour))
	febLate := approve("2006-02-28", amt("800000.00"), t0.Add(72*time.Hour)) // a second one for the date, approved later
	rej := submitted(t, s, "f", d("2006-03-31"), amt("5.00"), 0)
	must(s.DecideCertificate(ctx, rej.ID, store.Decision{Status: store.Rejected, Reviewer: "lender", At: t0.Add(time.Hour), Comment: "no"})).of(t)
	gc := submitted(t, s, "g", d("2006-01-01"), amt("7.00"), 0)
	must(s.DecideCertificate(ctx, gc.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})).of(t)
	post(t, s, must(ledger.Advance(ref("f", "a1", "2006-02-10"), amt("300000.00"))).of(t), nil)
	post(t, s, must(ledger.LCIssue(ref("f", "lc", "2006-02-10"), amt("50000.00"))).of(t), nil)
	post(t, s, must(ledger.Repayment(ref("f", "r1", "2006-03-10"), amt("100000.00"))).of(t), nil)

	ids := func(in store.AvailabilityInputs) []int64 {
		var out []int64
		for _, c := range in.Certificates {
			out = append(out, c.ID)
		}
		return out
	}
	for _, c := range []struct {
		name    string
		from    string
		knownAt time.Time
		later   bool
		ids     []int64
		inForce int64
		after   int // approved after knownAt, as of from or before
	}{
		{"before any approval", "2006-03-15", t0, false, nil, 0, 3},
		{"the January one only known", "2006-03-15", t0.Add(36 * time.Hour), false, []int64{jan.ID}, jan.ID, 2},
		{"the first February one known", "2006-03-15", t0.Add(60 * time.Hour), false, []int64{febEarly.ID}, febEarly.ID, 1},
		{"both February ones known: the later approval is in force", "2006-03-15", t0.Add(96 * time.Hour), false, []int64{febEarly.ID, febLate.ID}, febLate.ID, 0},
		{"before the February date", "2006-02-10", t0.Add(96 * time.Hour), false, []int64{jan.ID}, jan.ID, 0},
		{"before the February date, the January one not yet known", "2006-02-10", t0.Add(12 * time.Hour), true, nil, 0, 1},
		{"and the later ones", "2006-02-10", t0.Add(96 * time.Hour), true, []int64{jan.ID, febEarly.ID, febLate.ID}, jan.ID, 0},
		{"before every certificate, with the later ones", "2006-01-01", t0.Add(96 * time.Hour), true, []int64{jan.ID, febEarly.ID, febLate.ID}, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := must(s.AvailabilityInputs(ctx, "f", d(c.from), c.knownAt, c.later)).of(t)
			var inTx store.AvailabilityInputs
			ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
				var err error
				inTx, err = tx.AvailabilityInputs(d(c.from), c.knownAt, c.later)
				return err
			}))
			if got := ids(in); !reflect.DeepEqual(got, c.ids) {
				t.Errorf("certificates %v, want %v", got, c.ids)
			}
			cur, found := in.InForce(d(c.from))
			if found != (c.inForce != 0) || cur.ID != c.inForce {
				t.Errorf("in force %+v (%v), want %d", cur, found, c.inForce)
			}
			if in.ApprovedAfter != c.after || inTx.ApprovedAfter != c.after {
				t.Errorf("approved after the known-at time: %d (in a transaction %d), want %d", in.ApprovedAfter, inTx.ApprovedAfter, c.after)
			}
			if found && (cur.BorrowingBase == 0 || cur.DecidedAt.IsZero()) {
				t.Errorf("in force without its figures: %+v", cur)
			}
			sameCombined(t, s, "f", d(c.from), c.knownAt, c.later)
			sameCombined(t, s, "f", d(c.from), store.Everything, c.later)
			if !reflect.DeepEqual(ids(in), ids(inTx)) || !reflect.DeepEqual(in.Balances, inTx.Balances) || !reflect.DeepEqual(in.Later, inTx.Later) {
				t.Errorf("Store and Tx differ: %+v / %+v", in, inTx)
			}
		})
	}
	in := must(s.AvailabilityInputs(ctx, "f", d("2006-02-10"), t0, true)).of(t)
	want := ledger.Balances{ledger.Loans: amt("300000.00"), ledger.LCOutstanding: amt("50000.00")}
	if !reflect.DeepEqual(in.Balances, want) {
		t.Errorf("balances %v, want %v", in.Balances, want)
	}
	if len(in.Later) != 1 || in.Later[0] != (store.AccountDay{Day: d("2006-03-10"), Account: ledger.Loans, Amount: -amt("100000.00")}) {
		t.Errorf("later postings %+v, want the repayment of 2006-03-10", in.Later)
	}
	if in := must(s.AvailabilityInputs(ctx, "f", d("2006-02-10"), t0, false)).of(t); in.Later != nil {
		t.Errorf("later postings not asked for: %+v", in.Later)
	}
	if in := must(s.AvailabilityInputs(ctx, "g", d("2006-02-10"), t0, true)).of(t); len(in.Certificates) != 1 || len(in.Balances) != 0 || in.Later != nil {
		t.Errorf("another facility's inputs: %+v", in)
	}
	_, err := s.AvailabilityInputs(ctx, "nope", d("2006-02-10"), t0, false)
	wantCode(t, err, store.CodeNotFound)

	// Every facility's inputs on a day read together are each facility's
	// as known now: h's certificate superseded by a correction approved,
	// e with a letter of credit and no certificate, and none of n at all.
	newFacility(t, s, "h")
	newFacility(t, s, "e")
	newFacility(t, s, "n")
	hc := submitted(t, s, "h", d("2006-02-28"), amt("600000.00"), 0)
	must(s.DecideCertificate(ctx, hc.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})).of(t)
	hx := submitted(t, s, "h", d("2006-02-28"), amt("550000.00"), hc.ID)
	must(s.DecideCertificate(ctx, hx.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(time.Hour)})).of(t)
	post(t, s, must(ledger.LCIssue(ref("e", "lc", "2006-02-10"), amt("70000.00"))).of(t), nil)
	post(t, s, must(ledger.Advance(ref("h", "a", "2006-03-01"), amt("10000.00"))).of(t), nil)
	post(t, s, must(ledger.Repayment(ref("h", "r", "2006-03-02"), amt("10000.00"))).of(t), nil)
	for _, day := range []string{"2005-12-31", "2006-01-31", "2006-02-10", "2006-02-28", "2006-03-01", "2006-03-02", "2006-03-15"} {
		all := must(s.AvailabilityInputsOn(ctx, d(day))).of(t)
		for _, f := range []string{"f", "g", "h", "e", "n"} {
			one := must(s.AvailabilityInputs(ctx, f, d(day), store.Everything, false)).of(t)
			got, listed := all[f]
			if !listed {
				got = store.AvailabilityInputs{From: d(day), KnownAt: store.Everything, Balances: ledger.Balances{}}
			}
			if listed != (len(one.Certificates) > 0 || len(one.Balances) > 0) || !reflect.DeepEqual(got, one) {
				t.Errorf("%s on %s: every facility's read (listed %v) %+v\nits own read %+v", f, day, listed, got, one)
			}
		}
	}
}

// testAdvanceRequestsOn: requests carry their business date and a
// correction's reason; they are found by key and by business date; a
// request not yet decided can be cancelled, once.
func testAdvanceRequestsOn(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	var r1, r2, r3 store.AdvanceRequest
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		var err error
		if r1, _, err = tx.AddAdvanceRequest(store.AdvanceRequest{Facility: "f", Key: "k1", Amount: amt("10.00"), ValueDate: d("2006-02-10"),
			Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0, BusinessDate: d("2006-02-10")}); err != nil {
			return err
		}
		if r2, _, err = tx.AddAdvanceRequest(store.AdvanceRequest{Facility: "f", Key: "k2", Amount: amt("20.00"), ValueDate: d("2006-02-01"),
			Status: store.AdvanceRequested, RequestedBy: "officer", RequestedAt: t0, BusinessDate: d("2006-02-10"), Reason: "value date of the wire"}); err != nil {
			return err
		}
		r3, _, err = tx.AddAdvanceRequest(store.AdvanceRequest{Facility: "f", Key: "k3", Amount: amt("30.00"), ValueDate: d("2006-02-13"),
			Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0, BusinessDate: d("2006-02-13")})
		return err
	}))
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		on := must(tx.AdvanceRequestsOn(d("2006-02-10"))).of(t)
		if len(on) != 2 || on[0].ID != r1.ID || on[1].ID != r2.ID || on[1].Reason != "value date of the wire" || on[0].BusinessDate != d("2006-02-10") {
			t.Errorf("requests on 2006-02-10 = %+v", on)
		}
		if got, found, err := tx.AdvanceRequestByKey("k3"); err != nil || !found || got.ID != r3.ID {
			t.Errorf("by key k3 = %+v %v %v", got, found, err)
		}
		if _, found, err := tx.AdvanceRequestByKey("nope"); err != nil || found {
			t.Errorf("by an unknown key: %v %v", found, err)
		}
		// Requests not funded count for nothing funded alone.
		if sum, err := tx.FundedAloneOn(d("2006-02-10"), "maker"); err != nil || sum != 0 {
			t.Errorf("funded alone by maker on 2006-02-10 = %s %v, want 0.00", sum, err)
		}
		return nil
	}))
	// The same key with another reason is another request.
	wantCode(t, s.Update(ctx, "f", func(tx store.Tx) error {
		_, _, err := tx.AddAdvanceRequest(store.AdvanceRequest{Facility: "f", Key: "k2", Amount: amt("20.00"), ValueDate: d("2006-02-01"),
			Status: store.AdvanceRequested, RequestedBy: "officer", RequestedAt: t0, BusinessDate: d("2006-02-10"), Reason: "other"})
		return err
	}), store.CodeIdempotencyMismatch)
	cancel := func(id int64) error {
		return s.Update(ctx, "f", func(tx store.Tx) error {
			_, err := tx.DecideAdvanceRequest(id, store.AdvanceDecision{Status: store.AdvanceCancelled, By: "maker", At: t0.Add(time.Hour)})
			return err
		})
	}
	ok(t, cancel(r1.ID))
	wantCode(t, cancel(r1.ID), store.CodeConflict)
	list := must(s.AdvanceRequests(ctx, "f")).of(t)
	if list[0].Status != store.AdvanceCancelled || list[0].DecidedBy != "maker" || list[1].Status != store.AdvanceRequested {
		t.Errorf("after cancelling: %+v", list)
	}
}

// sameCombined checks that ReadStateAndInputs answers what ReadState and
// AvailabilityInputs answer apart (nothing is written meanwhile).
func sameCombined(t *testing.T, s store.Store, facility string, from date.Date, knownAt time.Time, later bool) {
	t.Helper()
	rs, in, err := s.ReadStateAndInputs(ctx, facility, from, knownAt, later)
	if err != nil {
		t.Fatalf("read state and inputs: %v", err)
	}
	wantRS, err := s.ReadState(ctx, facility, from)
	if err != nil {
		t.Fatal(err)
	}
	wantIn, err := s.AvailabilityInputs(ctx, facility, from, knownAt, later)
	if err != nil {
		t.Fatal(err)
	}
	if rs != wantRS || !rs.Docs.Last.Equal(wantRS.Docs.Last) {
		t.Errorf("read state with the inputs %+v, want %+v", rs, wantRS)
	}
	if !reflect.DeepEqual(in, wantIn) {
		t.Errorf("inputs with the read state %+v, want %+v", in, wantIn)
	}
}
