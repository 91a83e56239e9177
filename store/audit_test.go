package store_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"revolver/store"
)

func chain(recs []store.AuditRecord) []store.AuditRecord {
	prev := ""
	for i := range recs {
		recs[i].ID, recs[i].PrevHash = int64(i+1), prev
		recs[i].Hash = store.AuditHash(recs[i])
		prev = recs[i].Hash
	}
	return recs
}

// TestAuditChainProperty: a chain verifies; changing any field of any
// record, or removing or swapping records, is reported at that record.
func TestAuditChainProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 20).Draw(t, "n")
		recs := make([]store.AuditRecord, n)
		for i := range recs {
			recs[i] = store.AuditRecord{
				At:        time.Unix(rapid.Int64Range(0, 4e9).Draw(t, "at"), rapid.Int64Range(0, 999999).Draw(t, "us")*1000).UTC(),
				Actor:     rapid.StringN(0, 8, -1).Draw(t, "actor"),
				RequestID: rapid.StringN(0, 8, -1).Draw(t, "rid"),
				Route:     rapid.StringN(0, 8, -1).Draw(t, "route"),
				Facility:  rapid.StringN(0, 8, -1).Draw(t, "facility"),
				After:     json.RawMessage(fmt.Sprintf(`{"n":%d}`, rapid.Int().Draw(t, "after"))),
			}
		}
		recs = chain(recs)
		if b := store.VerifyAudit(0, "", recs); b != nil {
			t.Fatalf("intact chain: %+v", b)
		}
		i := rapid.IntRange(0, n-1).Draw(t, "i")
		c := append([]store.AuditRecord(nil), recs...)
		switch rapid.IntRange(0, 6).Draw(t, "field") {
		case 0:
			c[i].Actor += "x"
		case 1:
			c[i].At = c[i].At.Add(time.Microsecond)
		case 2:
			c[i].Route += "x"
		case 3:
			c[i].After = json.RawMessage(string(c[i].After) + " ")
		case 4:
			c[i].Before = json.RawMessage(`{}`)
		case 5: // remove record i
			c = append(c[:i], c[i+1:]...)
			if i == len(c) {
				return // removing the last record is not detectable by the chain alone
			}
		case 6:
			c[i].Facility += "x"
		}
		b := store.VerifyAudit(0, "", c)
		if b == nil || b.ID != recs[i].ID && (i+1 >= n || b.ID != recs[i+1].ID) {
			t.Fatalf("change at record %d: verify %+v", recs[i].ID, b)
		}
	})
}

// The canonical encoding is unambiguous: moving bytes between fields
// changes the hash.
func TestAuditCanonical(t *testing.T) {
	a := store.AuditRecord{ID: 1, Actor: "ab", RequestID: "c"}
	b := store.AuditRecord{ID: 1, Actor: "a", RequestID: "bc"}
	if store.AuditHash(a) == store.AuditHash(b) {
		t.Fatal("field boundaries are not encoded")
	}
}
