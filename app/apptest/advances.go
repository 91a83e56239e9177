package apptest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"revolver/app"
	"revolver/ledger"
	"revolver/store"
	"revolver/store/storetest"
)

func testAdvanceRequests(t *testing.T, s store.Store) {
	must(s.CreateFacility(ctx, store.Facility{Slug: "f", Name: "F", Created: t0, Settings: json.RawMessage(`{"maker_checker_threshold":"250000.00"}`)})).of(t)
	c := submitted(t, s, "f", d("2006-01-31"), amt("1000000.00"), 0)
	must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})).of(t)
	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil), Now: func() time.Time { return t0 }}
	vd := d("2006-02-10")
	loans := func() string { return must(s.Balances(ctx, "f", vd)).of(t)[ledger.Loans].String() }

	small := app.RequestInput{Facility: "f", Key: "r1", Amount: amt("100000.00"), ValueDate: vd, By: "maker"}
	r1 := must(svc.RequestAdvance(ctx, small)).of(t)
	if r1.Status != store.AdvanceFunded || r1.Transaction == 0 || loans() != "100000.00" {
		t.Fatalf("small request = %+v, loans %s; want funded at once", r1, loans())
	}
	if again := must(svc.RequestAdvance(ctx, small)).of(t); again.ID != r1.ID || loans() != "100000.00" {
		t.Fatalf("retry = %+v, loans %s", again, loans())
	}
	other := small
	other.Amount++
	_, err := svc.RequestAdvance(ctx, other)
	wantCode(t, err, store.CodeIdempotencyMismatch)

	big := app.RequestInput{Facility: "f", Key: "r2", Amount: amt("300000.00"), ValueDate: vd, By: "maker"}
	r2 := must(svc.RequestAdvance(ctx, big)).of(t)
	if r2.Status != store.AdvanceRequested || r2.Transaction != 0 || loans() != "100000.00" {
		t.Fatalf("big request = %+v, loans %s; want waiting for approval", r2, loans())
	}
	_, err = svc.ApproveAdvance(ctx, "f", r2.ID, "maker")
	wantCode(t, err, store.CodeForbidden)
	a2 := must(svc.ApproveAdvance(ctx, "f", r2.ID, "checker")).of(t)
	if a2.Status != store.AdvanceFunded || a2.DecidedBy != "checker" || a2.Transaction == 0 || loans() != "400000.00" {
		t.Fatalf("approved = %+v, loans %s", a2, loans())
	}
	if again := must(svc.ApproveAdvance(ctx, "f", r2.ID, "checker")).of(t); again.Transaction != a2.Transaction || loans() != "400000.00" {
		t.Fatalf("approval retry = %+v, loans %s", again, loans())
	}
	_, err = svc.ApproveAdvance(ctx, "f", r2.ID, "someone-else")
	wantCode(t, err, store.CodeConflict)

	// Above the threshold and over availability (600,000.00 left): refused
	// at once, nothing stored.
	_, err = svc.RequestAdvance(ctx, app.RequestInput{Facility: "f", Key: "r3x", Amount: amt("700000.00"), ValueDate: vd, By: "maker"})
	wantCode(t, err, ledger.CodeAvailabilityExceeded)
	if got := must(s.AdvanceRequests(ctx, "f")).of(t); len(got) != 2 {
		t.Fatalf("a refused request was stored: %+v", got)
	}
	// Fits when made, no longer when approved (another advance funded
	// meanwhile): refused with the numbers, the request stays requested.
	r3 := must(svc.RequestAdvance(ctx, app.RequestInput{Facility: "f", Key: "r3", Amount: amt("500000.00"), ValueDate: vd, By: "maker"})).of(t)
	if r3.Status != store.AdvanceRequested {
		t.Fatalf("r3 = %+v, want waiting for approval", r3)
	}
	must(svc.RequestAdvance(ctx, app.RequestInput{Facility: "f", Key: "ra", Amount: amt("200000.00"), ValueDate: vd, By: "maker2"})).of(t)
	_, err = svc.ApproveAdvance(ctx, "f", r3.ID, "checker")
	wantCode(t, err, ledger.CodeAvailabilityExceeded)
	if got := must(s.AdvanceRequests(ctx, "f")).of(t); got[2].Status != store.AdvanceRequested || loans() != "600000.00" {
		t.Fatalf("after refusal: %+v, loans %s", got[2], loans())
	}
	_, err = svc.RejectAdvance(ctx, "f", r3.ID, "checker", "")
	wantCode(t, err, store.CodeInvalid)
	rj := must(svc.RejectAdvance(ctx, "f", r3.ID, "checker", "over availability")).of(t)
	if rj.Status != store.AdvanceRejected || rj.Comment != "over availability" {
		t.Fatalf("rejected = %+v", rj)
	}
	_, err = svc.ApproveAdvance(ctx, "f", r3.ID, "checker")
	wantCode(t, err, store.CodeConflict)

	// Under the threshold but over availability (400,000.00 left):
	// refused, nothing stored.
	must(svc.RequestAdvance(ctx, app.RequestInput{Facility: "f", Key: "r4", Amount: amt("250000.00"), ValueDate: vd, By: "maker3"})).of(t)
	must(svc.RequestAdvance(ctx, app.RequestInput{Facility: "f", Key: "r5", Amount: amt("150000.00"), ValueDate: vd, By: "maker4"})).of(t)
	_, err = svc.RequestAdvance(ctx, app.RequestInput{Facility: "f", Key: "r6", Amount: amt("0.01"), ValueDate: vd, By: "maker5"})
	wantCode(t, err, ledger.CodeAvailabilityExceeded)
	list := must(s.AdvanceRequests(ctx, "f")).of(t)
	var statuses []store.AdvanceStatus
	for _, r := range list {
		statuses = append(statuses, r.Status)
	}
	want := []store.AdvanceStatus{store.AdvanceFunded, store.AdvanceFunded, store.AdvanceRejected, store.AdvanceFunded, store.AdvanceFunded, store.AdvanceFunded}
	if !reflect.DeepEqual(statuses, want) || loans() != "1000000.00" {
		t.Fatalf("requests %v, loans %s; want %v and 1000000.00", statuses, loans(), want)
	}
	storetest.CheckInvariants(t, s, "f")
}
