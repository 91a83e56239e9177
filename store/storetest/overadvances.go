package storetest

import (
	"testing"

	"revolver/store"
)

// testOveradvances: an overadvance is recorded once under its key, read back
// whole, and a record under the same key with other content is refused.
func testOveradvances(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	rec := store.Overadvance{Facility: "f", Key: "overadvance:2006-02-01", DetectedOn: d("2006-02-01"), Amount: amt("400000.00"),
		BorrowingBase: amt("500000.00"), Loans: amt("900000.00"), Notice: d("2006-02-02"), CureBy: d("2006-03-04"),
		RecordedBy: "officer@bank", RecordedAt: t0}
	var first store.Overadvance
	err := s.Update(ctx, "f", func(tx store.Tx) error {
		var replay bool
		var err error
		first, replay, err = tx.RecordOveradvance(rec)
		if replay {
			t.Errorf("first record is a replay")
		}
		return err
	})
	if err != nil || first.ID == 0 {
		t.Fatalf("record: %+v, %v", first, err)
	}
	err = s.Update(ctx, "f", func(tx store.Tx) error {
		again, replay, err := tx.RecordOveradvance(rec)
		if !replay || again.ID != first.ID {
			t.Errorf("same key and content: %+v replay %v", again, replay)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	other := rec
	other.Amount = amt("1.00")
	wantCode(t, s.Update(ctx, "f", func(tx store.Tx) error { _, _, err := tx.RecordOveradvance(other); return err }), store.CodeIdempotencyMismatch)
	bad := rec
	bad.Key, bad.CureBy = "no-deadline", 0
	wantCode(t, s.Update(ctx, "f", func(tx store.Tx) error { _, _, err := tx.RecordOveradvance(bad); return err }), store.CodeInvalid)
	got := must(s.Overadvances(ctx, "f")).of(t)
	if len(got) != 1 {
		t.Fatalf("overadvances = %+v", got)
	}
	want := first
	want.RecordedAt = store.Truncate(t0)
	if got[0] != want {
		t.Errorf("read back %+v\nwant %+v", got[0], want)
	}
}
