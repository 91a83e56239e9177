package storetest

import (
	"fmt"
	"testing"
	"time"

	"revolver/store"
)

// testReserveRecords: reserve records are appended in id order with every
// field as given (dates open when zero), a set or release record needs a
// reason, an unknown action is invalid, another facility's records are not
// listed, and the transaction sees its own record.
func testReserveRecords(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	newFacility(t, s, "e") // none
	if fs := must(s.ReserveFacilities(ctx)).of(t); len(fs) != 0 {
		t.Errorf("facilities with reserves before any: %v", fs)
	}
	add := func(fac string, r store.ReserveRecord) (store.ReserveRecord, error) {
		var got store.ReserveRecord
		err := s.Update(ctx, fac, func(tx store.Tx) error {
			var err error
			if got, err = tx.AddReserveRecord(r); err != nil {
				return err
			}
			rs, err := tx.ReserveRecords()
			if err == nil && (len(rs) == 0 || rs[len(rs)-1].ID != got.ID) {
				t.Errorf("the transaction does not see its record %d: %+v", got.ID, rs)
			}
			return err
		})
		return got, err
	}
	set := store.ReserveRecord{Facility: "f", ReserveID: "r1", Action: store.ReserveSet, Kind: "fixed", Placement: "line",
		Amount: amt("25000.00"), From: d("2006-02-01"), Reason: "field exam: unpaid landlord", RecordedBy: "maker", RecordedAt: t0.Add(123 * time.Millisecond)}
	r1 := must(add("f", set)).of(t)
	share := store.ReserveRecord{Facility: "f", ReserveID: "r2", Action: store.ReserveSet, Kind: "share", Placement: "component", Component: "inventory",
		Rate: "0.025", From: d("2006-02-01"), Until: d("2006-03-31"), Reason: "shrink", RecordedBy: "maker", RecordedAt: t0}
	must(add("f", share)).of(t)
	must(add("f", store.ReserveRecord{Facility: "f", ReserveID: "r1", Action: store.ReserveApprove, RecordedBy: "checker", RecordedAt: t0.Add(time.Hour)})).of(t)
	must(add("f", store.ReserveRecord{Facility: "f", ReserveID: "r1", Action: store.ReserveRelease, Until: d("2006-02-28"), Reason: "paid", RecordedBy: "maker", RecordedAt: t0.Add(2 * time.Hour)})).of(t)
	must(add("g", store.ReserveRecord{Facility: "g", ReserveID: "x", Action: store.ReserveSet, Amount: 1, Reason: "other", RecordedBy: "maker", RecordedAt: t0})).of(t)

	_, err := add("f", store.ReserveRecord{Facility: "f", ReserveID: "r3", Action: store.ReserveSet, Amount: 1, RecordedBy: "maker", RecordedAt: t0})
	wantCode(t, err, store.CodeInvalid)
	_, err = add("f", store.ReserveRecord{Facility: "f", ReserveID: "r3", Action: "edit", Reason: "x", RecordedBy: "maker", RecordedAt: t0})
	wantCode(t, err, store.CodeInvalid)
	_, err = add("f", store.ReserveRecord{Facility: "g", ReserveID: "r3", Action: store.ReserveSet, Reason: "x", RecordedBy: "maker", RecordedAt: t0})
	wantCode(t, err, store.CodeInvalid)

	if fs := must(s.ReserveFacilities(ctx)).of(t); fmt.Sprint(fs) != "[f g]" {
		t.Errorf("facilities with reserves: %v, want [f g]", fs)
	}
	rs := must(s.ReserveRecords(ctx, "f")).of(t)
	if len(rs) != 4 {
		t.Fatalf("records %+v", rs)
	}
	got := rs[0]
	want := set
	want.ID, want.RecordedAt = r1.ID, store.Truncate(set.RecordedAt)
	if got != want {
		t.Errorf("record\n got %+v\nwant %+v", got, want)
	}
	if !got.RecordedAt.Equal(r1.RecordedAt) {
		t.Errorf("recorded at %v, returned %v", got.RecordedAt, r1.RecordedAt)
	}
	if rs[1].Rate != "0.025" || rs[1].Until != d("2006-03-31") || rs[1].Component != "inventory" || rs[1].From != d("2006-02-01") {
		t.Errorf("share record %+v", rs[1])
	}
	if rs[2].Action != store.ReserveApprove || rs[2].RecordedBy != "checker" || rs[2].From != 0 || rs[2].Until != 0 {
		t.Errorf("approval %+v", rs[2])
	}
	if rs[3].Action != store.ReserveRelease || rs[3].Until != d("2006-02-28") || rs[3].Reason != "paid" {
		t.Errorf("release %+v", rs[3])
	}
	for i := 1; i < len(rs); i++ {
		if rs[i].ID <= rs[i-1].ID {
			t.Errorf("records out of id order: %d after %d", rs[i].ID, rs[i-1].ID)
		}
	}
	// The read state counts them (availability reads none when there are none).
	if rs := must(s.ReadState(ctx, "f", d("2006-02-01"))).of(t); rs.Reserves != 4 {
		t.Errorf("read state: %d reserve records, want 4", rs.Reserves)
	}
	if rs, _, err := s.ReadStateAndInputs(ctx, "f", d("2006-02-01"), store.Everything, true); err != nil || rs.Reserves != 4 {
		t.Errorf("read state with the inputs: %d reserve records (%v), want 4", rs.Reserves, err)
	}
	newFacility(t, s, "h")
	if rs := must(s.ReadState(ctx, "h", d("2006-02-01"))).of(t); rs.Reserves != 0 {
		t.Errorf("read state of a facility without reserves: %d", rs.Reserves)
	}
	if g := must(s.ReserveRecords(ctx, "g")).of(t); len(g) != 1 || g[0].ReserveID != "x" || g[0].Facility != "g" {
		t.Errorf("facility g records %+v", g)
	}
}
