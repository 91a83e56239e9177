package storetest

import (
	"database/sql"
	"encoding/json"
	"testing"

	"revolver/store"
)

// testFactRecords: fact records are stored once under their key and read
// back whole in order, a retry with the same content is the first record,
// other content under the key is idempotency_mismatch, a bad record is
// invalid and stores nothing, and a transaction sees its own records.
func testFactRecords(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	notice := store.FactRecord{Facility: "f", Key: "k1", Kind: store.FactNotice, On: d("2006-02-03"),
		Body:       json.RawMessage(`{"notice":{"from":"lender","to":"borrower","subject":"event_of_default","method":"courier","sent":"2006-02-03T16:30:00-05:00"}}`),
		RecordedBy: "officer@bank", RecordedAt: t0}
	policy := store.FactRecord{Facility: "f", Key: "k2", Kind: store.FactPolicy, Subject: "P-1", On: d("2006-01-01"),
		Body: json.RawMessage(`{"id":"P-1","insurer":"Mutual","expires":"2007-01-01"}`), RecordedBy: "officer@bank", RecordedAt: t0}
	var first, second store.FactRecord
	err := s.Update(ctx, "f", func(tx store.Tx) error {
		var replay bool
		var err error
		if first, replay, err = tx.AddFactRecord(notice); err != nil || replay {
			t.Errorf("first record: replay %v, %v", replay, err)
			return err
		}
		if second, _, err = tx.AddFactRecord(policy); err != nil {
			return err
		}
		seen, err := tx.FactRecords()
		if len(seen) != 2 || seen[0].ID != first.ID || seen[1].ID != second.ID {
			t.Errorf("inside the transaction: %+v", seen)
		}
		return err
	})
	if err != nil || first.ID == 0 || second.ID <= first.ID || first.BodySHA256 == "" {
		t.Fatalf("record: %+v %+v, %v", first, second, err)
	}
	err = s.Update(ctx, "f", func(tx store.Tx) error {
		again, replay, err := tx.AddFactRecord(notice)
		if !replay || again.ID != first.ID {
			t.Errorf("same key and content: %+v replay %v", again, replay)
		}
		return err
	})
	ok(t, err)
	for name, change := range map[string]func(r *store.FactRecord){
		"body":    func(r *store.FactRecord) { r.Body = json.RawMessage(`{"notice":{}}`) },
		"date":    func(r *store.FactRecord) { r.On = d("2006-02-04") },
		"subject": func(r *store.FactRecord) { r.Subject = "x" },
		"kind":    func(r *store.FactRecord) { r.Kind = store.FactOccurrence },
	} {
		other := notice
		change(&other)
		err := s.Update(ctx, "f", func(tx store.Tx) error { _, _, err := tx.AddFactRecord(other); return err })
		if store.ErrorCode(err) != store.CodeIdempotencyMismatch {
			t.Errorf("other %s under the key: %v, want idempotency_mismatch", name, err)
		}
	}
	for name, change := range map[string]func(r *store.FactRecord){
		"unknown kind":  func(r *store.FactRecord) { r.Kind = "gossip" },
		"no key":        func(r *store.FactRecord) { r.Key = "" },
		"no date":       func(r *store.FactRecord) { r.On = 0 },
		"not JSON":      func(r *store.FactRecord) { r.Body = json.RawMessage(`{"a":`) },
		"not an object": func(r *store.FactRecord) { r.Body = json.RawMessage(`[1]`) },
		"no recorder":   func(r *store.FactRecord) { r.RecordedBy = "" },
		"other facility": func(r *store.FactRecord) {
			r.Facility = "g"
		},
	} {
		bad := notice
		bad.Key = "bad:" + name
		change(&bad)
		err := s.Update(ctx, "f", func(tx store.Tx) error { _, _, err := tx.AddFactRecord(bad); return err })
		if store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	// A failed Update keeps nothing.
	_ = s.Update(ctx, "f", func(tx store.Tx) error {
		r := policy
		r.Key = "rolled-back"
		if _, _, err := tx.AddFactRecord(r); err != nil {
			return err
		}
		return store.Errorf(store.CodeConflict, "abandon")
	})
	got := must(s.FactRecords(ctx, "f")).of(t)
	if len(got) != 2 {
		t.Fatalf("records = %+v", got)
	}
	for i, want := range []store.FactRecord{first, second} {
		want.RecordedAt = store.Truncate(t0)
		g := got[i]
		if g.ID != want.ID || g.Key != want.Key || g.Kind != want.Kind || g.Subject != want.Subject || g.On != want.On ||
			string(g.Body) != string(want.Body) || g.BodySHA256 != want.BodySHA256 || g.RecordedBy != want.RecordedBy || !g.RecordedAt.Equal(want.RecordedAt) {
			t.Errorf("read back %+v\nwant %+v", g, want)
		}
	}
	if g := must(s.FactRecords(ctx, "g")).of(t); len(g) != 0 {
		t.Errorf("facility g sees %+v", g)
	}
	if n, last, err := s.FactRecordsVersion(ctx, "f"); err != nil || n != 2 || last != second.ID {
		t.Errorf("version of f = %d, %d, %v; want 2, %d", n, last, err, second.ID)
	}
	if n, last, err := s.FactRecordsVersion(ctx, "g"); err != nil || n != 0 || last != 0 {
		t.Errorf("version of g = %d, %d, %v; want 0, 0", n, last, err)
	}
	wantCode(t, func() error { _, err := s.FactRecords(ctx, "nope"); return err }(), store.CodeNotFound)
}

// FactsAppendOnly checks that the database refuses to update or delete
// fact records, whatever client writes to it. db is the adapter's
// connection to the same database as s.
func FactsAppendOnly(t *testing.T, s store.Store, db *sql.DB) {
	newFacility(t, s, "f")
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		_, _, err := tx.AddFactRecord(store.FactRecord{Facility: "f", Key: "k", Kind: store.FactOccurrence, On: d("2006-01-05"),
			Body: json.RawMessage(`{"kind":"delivered","date":"2006-01-05"}`), RecordedBy: "x", RecordedAt: t0})
		return err
	}))
	for _, q := range []string{`UPDATE fact_records SET body = '{}'`, `UPDATE fact_records SET subject = 'x'`, `DELETE FROM fact_records`} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: accepted, want refused by the database", q)
		}
	}
	if got := must(s.FactRecords(ctx, "f")).of(t); len(got) != 1 || string(got[0].Body) != `{"kind":"delivered","date":"2006-01-05"}` {
		t.Errorf("records changed: %+v", got)
	}
}
