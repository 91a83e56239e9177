package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// AuditCanonical is the canonical encoding of a record's content: each
// field in a fixed order as an 8-byte big-endian length followed by its
// bytes (ID as decimal, At as RFC 3339 with microseconds in UTC, Before and
// After as stored). Length prefixes make the encoding unambiguous.
func AuditCanonical(r AuditRecord) []byte {
	fields := [][]byte{
		[]byte(fmt.Sprint(r.ID)),
		[]byte(Truncate(r.At).Format("2006-01-02T15:04:05.000000Z")),
		[]byte(r.Actor), []byte(r.RequestID), []byte(r.Route), []byte(r.Facility),
		r.Before, r.After, []byte(r.PrevHash),
	}
	var b []byte
	for _, f := range fields {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// AuditHash is the hash of a record given its PrevHash.
func AuditHash(r AuditRecord) string {
	s := sha256.Sum256(AuditCanonical(r))
	return hex.EncodeToString(s[:])
}

// AuditBreak is the first broken link of a chain.
type AuditBreak struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// VerifyAudit checks records (consecutive, by ID, continuing after prev,
// the hash of the record before them, "" at the start): each record's
// PrevHash is the hash before it, its Hash is recomputed, IDs have no gap.
// It returns the first broken link, or nil.
func VerifyAudit(prevID int64, prev string, recs []AuditRecord) *AuditBreak {
	for _, r := range recs {
		if r.ID != prevID+1 {
			return &AuditBreak{ID: r.ID, Reason: fmt.Sprintf("record %d follows record %d: a record is missing", r.ID, prevID)}
		}
		if r.PrevHash != prev {
			return &AuditBreak{ID: r.ID, Reason: fmt.Sprintf("record %d names previous hash %s, but record %d hashes to %s", r.ID, r.PrevHash, prevID, prev)}
		}
		if h := AuditHash(r); h != r.Hash {
			return &AuditBreak{ID: r.ID, Reason: fmt.Sprintf("record %d was altered: its content hashes to %s, stored hash %s", r.ID, h, r.Hash)}
		}
		prevID, prev = r.ID, r.Hash
	}
	return nil
}
