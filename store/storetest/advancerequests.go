package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"revolver/ledger"
	"revolver/store"
)

// testAdvanceRequestRecords: Tx.AddAdvanceRequest stores a request once
// under its key (the same amount, value date and requester replays it,
// anything else is idempotency_mismatch); DecideAdvanceRequest moves a
// requested advance to funded or rejected and never further; what an
// Update that fails did is not kept; another facility's request is not
// found.
func testAdvanceRequestRecords(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	vd := d("2006-02-10")
	in := func(fn func(tx store.Tx) error) error { return s.Update(ctx, "f", fn) }
	add := func(r store.AdvanceRequest) (store.AdvanceRequest, bool, error) {
		var got store.AdvanceRequest
		var replayed bool
		err := in(func(tx store.Tx) error {
			var err error
			got, replayed, err = tx.AddAdvanceRequest(r)
			return err
		})
		return got, replayed, err
	}
	decide := func(id int64, dec store.AdvanceDecision) (store.AdvanceRequest, error) {
		var got store.AdvanceRequest
		err := in(func(tx store.Tx) error {
			var err error
			got, err = tx.DecideAdvanceRequest(id, dec)
			return err
		})
		return got, err
	}
	// postAdvance posts an advance in tx and returns its id.
	postAdvance := func(tx store.Tx, key string) (int64, error) {
		tr, err := ledger.Advance(ref("f", key, "2006-02-10"), amt("300000.00"))
		if err != nil {
			return 0, err
		}
		p, err := tx.Post(tr)
		return p.Transaction.ID, err
	}

	req := store.AdvanceRequest{Facility: "f", Key: "r1", Amount: amt("300000.00"), ValueDate: vd,
		Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0}
	var r1 store.AdvanceRequest
	ok(t, in(func(tx store.Tx) error {
		var replayed bool
		var err error
		r1, replayed, err = tx.AddAdvanceRequest(req)
		if err != nil {
			return err
		}
		if replayed {
			t.Error("first request replayed")
		}
		// Visible inside the Update that stored it.
		got, err := tx.AdvanceRequest(r1.ID)
		if err != nil || !sameRequest(got, r1) {
			t.Errorf("AdvanceRequest inside the Update = %+v, %v; want %+v", got, err, r1)
		}
		return err
	}))
	if r1.ID == 0 || r1.Status != store.AdvanceRequested || r1.Amount != req.Amount || r1.ValueDate != vd ||
		r1.RequestedBy != "maker" || !r1.RequestedAt.Equal(store.Truncate(t0)) || r1.DecidedBy != "" || !r1.DecidedAt.IsZero() || r1.Transaction != 0 {
		t.Fatalf("AddAdvanceRequest = %+v", r1)
	}
	again := req
	again.RequestedAt = t0.Add(time.Hour) // a retry, later
	if got, replayed, err := add(again); err != nil || !replayed || !sameRequest(got, r1) {
		t.Fatalf("retry = %+v, %v, %v; want %+v replayed", got, replayed, err, r1)
	}
	for _, change := range []func(*store.AdvanceRequest){
		func(r *store.AdvanceRequest) { r.Amount++ },
		func(r *store.AdvanceRequest) { r.ValueDate++ },
		func(r *store.AdvanceRequest) { r.RequestedBy = "someone-else" },
	} {
		other := req
		change(&other)
		_, _, err := add(other)
		wantCode(t, err, store.CodeIdempotencyMismatch)
	}
	for _, change := range []func(*store.AdvanceRequest){
		func(r *store.AdvanceRequest) { r.Facility = "g" },
		func(r *store.AdvanceRequest) { r.Key = "" },
		func(r *store.AdvanceRequest) { r.Amount = 0 },
		func(r *store.AdvanceRequest) { r.Amount = -1 },
		func(r *store.AdvanceRequest) { r.ValueDate = 0 },
		func(r *store.AdvanceRequest) { r.RequestedBy = "" },
		func(r *store.AdvanceRequest) { r.RequestedAt = time.Time{} },
		func(r *store.AdvanceRequest) { r.Status = store.AdvanceRejected },
		func(r *store.AdvanceRequest) { r.Status = store.AdvanceFunded }, // funded needs its transaction
		func(r *store.AdvanceRequest) { r.Transaction = 1 },              // requested names none
	} {
		bad := req
		bad.Key = "bad"
		change(&bad)
		_, _, err := add(bad)
		wantCode(t, err, store.CodeInvalid)
	}

	// Funded at once: decided by the requester, when requested.
	var r2 store.AdvanceRequest
	ok(t, in(func(tx store.Tx) error {
		id, err := postAdvance(tx, "r2")
		if err != nil {
			return err
		}
		r2, _, err = tx.AddAdvanceRequest(store.AdvanceRequest{Facility: "f", Key: "r2", Amount: amt("100000.00"), ValueDate: vd,
			Status: store.AdvanceFunded, RequestedBy: "maker", RequestedAt: t0, Transaction: id})
		return err
	}))
	if r2.Status != store.AdvanceFunded || r2.Transaction == 0 || r2.DecidedBy != "maker" || !r2.DecidedAt.Equal(store.Truncate(t0)) {
		t.Fatalf("funded at once = %+v", r2)
	}

	// Decisions: funded with a transaction, rejected with none; by and at.
	at := t0.Add(2 * time.Hour)
	for _, bad := range []store.AdvanceDecision{
		{Status: store.AdvanceRequested, By: "checker", At: at},
		{Status: "withdrawn", By: "checker", At: at},
		{Status: store.AdvanceFunded, By: "checker", At: at},
		{Status: store.AdvanceRejected, By: "checker", At: at, Transaction: 1},
		{Status: store.AdvanceRejected, At: at},
		{Status: store.AdvanceRejected, By: "checker"},
	} {
		_, err := decide(r1.ID, bad)
		wantCode(t, err, store.CodeInvalid)
	}
	// A decision in an Update that fails is not kept.
	boom := errors.New("boom")
	err := in(func(tx store.Tx) error {
		if _, err := tx.DecideAdvanceRequest(r1.ID, store.AdvanceDecision{Status: store.AdvanceRejected, By: "checker", At: at}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	var funded store.AdvanceRequest
	ok(t, in(func(tx store.Tx) error {
		if got, err := tx.AdvanceRequest(r1.ID); err != nil || !sameRequest(got, r1) {
			t.Errorf("after a failed Update = %+v, %v; want %+v", got, err, r1)
		}
		id, err := postAdvance(tx, "r1")
		if err != nil {
			return err
		}
		funded, err = tx.DecideAdvanceRequest(r1.ID, store.AdvanceDecision{Status: store.AdvanceFunded, By: "checker", At: at, Comment: "ok", Transaction: id})
		return err
	}))
	if funded.ID != r1.ID || funded.Status != store.AdvanceFunded || funded.DecidedBy != "checker" || !funded.DecidedAt.Equal(store.Truncate(at)) ||
		funded.Comment != "ok" || funded.Transaction == 0 || funded.RequestedBy != "maker" || funded.Amount != r1.Amount {
		t.Fatalf("funded = %+v", funded)
	}
	// Never further: not again, not rejected, not the one funded at once.
	for _, id := range []int64{r1.ID, r2.ID} {
		_, err := decide(id, store.AdvanceDecision{Status: store.AdvanceRejected, By: "checker", At: at, Comment: "no"})
		wantCode(t, err, store.CodeConflict)
	}
	// A retry of a decided request replays it as decided.
	if got, replayed, err := add(req); err != nil || !replayed || !sameRequest(got, funded) {
		t.Fatalf("retry after funding = %+v, %v, %v; want %+v", got, replayed, err, funded)
	}

	r3, _, err := add(store.AdvanceRequest{Facility: "f", Key: "r3", Amount: amt("700000.00"), ValueDate: vd,
		Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0})
	ok(t, err)
	rejected := must(decide(r3.ID, store.AdvanceDecision{Status: store.AdvanceRejected, By: "checker", At: at, Comment: "over availability"})).of(t)
	if rejected.Status != store.AdvanceRejected || rejected.Comment != "over availability" || rejected.Transaction != 0 || rejected.DecidedBy != "checker" {
		t.Fatalf("rejected = %+v", rejected)
	}
	_, err = decide(r3.ID, store.AdvanceDecision{Status: store.AdvanceFunded, By: "checker", At: at, Transaction: funded.Transaction})
	wantCode(t, err, store.CodeConflict)

	// A request stored in an Update that fails is not kept, and its key is
	// free.
	err = in(func(tx store.Tx) error {
		if _, _, err := tx.AddAdvanceRequest(store.AdvanceRequest{Facility: "f", Key: "r4", Amount: amt("1.00"), ValueDate: vd,
			Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	if _, replayed, err := add(store.AdvanceRequest{Facility: "f", Key: "r4", Amount: amt("2.00"), ValueDate: vd,
		Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0}); err != nil || replayed {
		t.Fatalf("key of a rolled-back request: replayed %v, %v", replayed, err)
	}

	list := must(s.AdvanceRequests(ctx, "f")).of(t)
	var keys []string
	for i, r := range list {
		keys = append(keys, r.Key+" "+string(r.Status))
		if i > 0 && list[i-1].ID >= r.ID {
			t.Errorf("advance requests not in id order: %d then %d", list[i-1].ID, r.ID)
		}
	}
	if want := []string{"r1 funded", "r2 funded", "r3 rejected", "r4 requested"}; !slices.Equal(keys, want) {
		t.Errorf("AdvanceRequests = %q, want %q", keys, want)
	}
	if !sameRequest(list[0], funded) {
		t.Errorf("AdvanceRequests[0] = %+v, want %+v", list[0], funded)
	}
	if g := must(s.AdvanceRequests(ctx, "g")).of(t); len(g) != 0 {
		t.Errorf("facility g has requests %+v", g)
	}
	_, err = s.AdvanceRequests(ctx, "nope")
	wantCode(t, err, store.CodeNotFound)
	// Another facility's request is not found from its Update.
	err = s.Update(ctx, "g", func(tx store.Tx) error { _, err := tx.AdvanceRequest(r3.ID); return err })
	wantCode(t, err, store.CodeNotFound)
	err = s.Update(ctx, "g", func(tx store.Tx) error {
		_, err := tx.DecideAdvanceRequest(list[3].ID, store.AdvanceDecision{Status: store.AdvanceRejected, By: "checker", At: at})
		return err
	})
	wantCode(t, err, store.CodeNotFound)
	CheckInvariants(t, s, "f")
}

// sameRequest compares requests, their times as instants.
func sameRequest(a, b store.AdvanceRequest) bool {
	if !a.RequestedAt.Equal(b.RequestedAt) || !a.DecidedAt.Equal(b.DecidedAt) {
		return false
	}
	a.RequestedAt, a.DecidedAt, b.RequestedAt, b.DecidedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return a == b
}
