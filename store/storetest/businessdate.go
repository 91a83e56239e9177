package storetest

import (
	"time"

	"testing"

	"revolver/store"
)

// testBusinessDates: the business date starts unset, moves only forward,
// the same date again returns the first record, and every move is kept.
func testBusinessDates(t *testing.T, s store.Store) {
	if _, err := s.BusinessDate(ctx); store.ErrorCode(err) != store.CodeNotFound {
		t.Fatalf("before any: %v, want not_found", err)
	}
	// The accounts' version is testAccessVersion's.
	if rs, err := s.ReadState(ctx, "", d("2006-01-02")); err != nil || noAccess(rs) != (store.ReadState{}) {
		t.Errorf("read state before any: %+v %v, want none", rs, err)
	}
	if _, err := s.OpenBusinessDate(ctx, store.BusinessDay{Date: d("2006-01-02")}); store.ErrorCode(err) != store.CodeInvalid {
		t.Errorf("without who, when and why: %v, want invalid", err)
	}
	first := store.BusinessDay{Date: d("2006-01-02"), RecordedBy: "ops@bank", RecordedAt: t0, Reason: "start"}
	got, err := s.OpenBusinessDate(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if got.Date != first.Date || !got.RecordedAt.Equal(store.Truncate(t0)) {
		t.Errorf("opened %+v", got)
	}
	again, err := s.OpenBusinessDate(ctx, store.BusinessDay{Date: d("2006-01-02"), RecordedBy: "other", RecordedAt: t0.Add(1), Reason: "again"})
	if err != nil || again.RecordedBy != "ops@bank" || again.Reason != "start" {
		t.Errorf("same date again: %+v %v, want the first record", again, err)
	}
	if _, err := s.OpenBusinessDate(ctx, store.BusinessDay{Date: d("2006-01-03"), RecordedBy: "cob", RecordedAt: t0.Add(2), Reason: "close of business 2006-01-02"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenBusinessDate(ctx, store.BusinessDay{Date: d("2006-01-02"), RecordedBy: "x", RecordedAt: t0, Reason: "back"}); store.ErrorCode(err) != store.CodeConflict {
		t.Errorf("backwards: %v, want conflict", err)
	}
	if b, err := s.BusinessDayAfter(ctx, d("2006-01-02")); err != nil || b.Date != d("2006-01-03") || b.RecordedBy != "cob" {
		t.Errorf("after 2006-01-02: %+v %v, want the opening of 2006-01-03", b, err)
	}
	if b, err := s.BusinessDayAfter(ctx, d("2005-12-01")); err != nil || b.Date != d("2006-01-02") {
		t.Errorf("after 2005-12-01: %+v %v, want 2006-01-02", b, err)
	}
	if _, err := s.BusinessDayAfter(ctx, d("2006-01-03")); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("after the current date: %v, want not_found", err)
	}
	cur, err := s.BusinessDate(ctx)
	if err != nil || cur.Date != d("2006-01-03") || cur.RecordedBy != "cob" {
		t.Errorf("current: %+v %v", cur, err)
	}
	// ReadState: the same answers in one statement, with the facility's
	// fact records' version.
	newFacility(t, s, "rs")
	want := store.ReadState{BusinessDate: store.BusinessDay{Date: d("2006-01-03")},
		After: store.BusinessDay{Date: d("2006-01-03"), RecordedAt: store.Truncate(t0.Add(2))}}
	sameCombined(t, s, "rs", d("2006-01-02"), store.Everything, true)
	sameCombined(t, s, "rs", d("2006-01-03"), t0, true)
	sameCombined(t, s, "rs", d("2006-01-04"), t0, false)
	if rs, err := s.ReadState(ctx, "rs", d("2006-01-02")); err != nil || noAccess(rs) != want {
		t.Errorf("read state after 2006-01-02: %+v %v, want %+v", rs, err, want)
	}
	want.After = store.BusinessDay{}
	if rs, err := s.ReadState(ctx, "", d("2006-01-03")); err != nil || noAccess(rs) != want {
		t.Errorf("read state after the current date: %+v %v, want %+v", rs, err, want)
	}
	var rec store.FactRecord
	if err := s.Update(ctx, "rs", func(tx store.Tx) error {
		var err error
		rec, _, err = tx.AddFactRecord(store.FactRecord{Facility: "rs", Key: "k1", Kind: store.FactNotice, On: d("2006-01-03"),
			Body: []byte(`{"notice":{}}`), RecordedBy: "ops", RecordedAt: t0})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	n, last, err := s.FactRecordsVersion(ctx, "rs")
	sameCombined(t, s, "rs", d("2006-01-02"), store.Everything, true)
	sameCombined(t, s, "rs", d("2006-01-03"), t0, true)
	sameCombined(t, s, "rs", d("2006-01-04"), t0, false)
	if rs, err2 := s.ReadState(ctx, "rs", d("2006-01-03")); err != nil || err2 != nil || rs.Facts != (store.FactsVersion{N: n, Last: last}) || n != 1 || last != rec.ID {
		t.Errorf("read state's fact records: %+v %v %v, want 1 and %d", rs.Facts, err, err2, rec.ID)
	}
	if rs, err := s.ReadState(ctx, "rs", 0); err != nil || rs.Docs != (store.DocsVersion{}) {
		t.Errorf("read state's documents before any: %+v %v", rs.Docs, err)
	}
	for i, id := range []string{"a", "b"} {
		if _, err := s.PutDocument(ctx, store.Document{Facility: "rs", ID: id, Kind: "k", RecordedBy: "ops", RecordedAt: t0.Add(time.Duration(i+1) * time.Minute), Content: []byte(id)}); err != nil {
			t.Fatal(err)
		}
	}
	sameCombined(t, s, "rs", d("2006-01-02"), store.Everything, true)
	sameCombined(t, s, "rs", d("2006-01-03"), t0, true)
	sameCombined(t, s, "rs", d("2006-01-04"), t0, false)
	docs, err := s.Documents(ctx, "rs")
	if rs, err2 := s.ReadState(ctx, "rs", 0); err != nil || err2 != nil || len(docs) != 2 || rs.Docs.N != 2 || !rs.Docs.Last.Equal(docs[1].RecordedAt) || !rs.Docs.Last.Equal(store.Truncate(t0.Add(2*time.Minute))) {
		t.Errorf("read state's documents: %+v %v %v, want 2 and the latest recorded time of %+v", rs.Docs, err, err2, docs)
	}
	if _, err := s.ReadState(ctx, "nope", 0); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("read state of an unknown facility: %v, want not_found", err)
	}
	if _, _, err := s.ReadStateAndInputs(ctx, "nope", d("2006-01-03"), store.Everything, true); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("read state and inputs of an unknown facility: %v, want not_found", err)
	}
}

// noAccess is the read state without the accounts' version.
func noAccess(rs store.ReadState) store.ReadState {
	rs.Access = 0
	return rs
}
