package sqlstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"

	"revolver/store"
)

const factCols = `id, key, kind, subject, dated, body, body_sha256, recorded_by, recorded_at`

func scanFact(sc interface{ Scan(...any) error }, facility string) (store.FactRecord, error) {
	var r store.FactRecord
	var on Date
	var at Time
	var body string
	err := sc.Scan(&r.ID, &r.Key, &r.Kind, &r.Subject, &on, &body, &r.BodySHA256, &r.RecordedBy, &at)
	r.Facility, r.On, r.RecordedAt, r.Body = facility, on.D, at.T, json.RawMessage(body)
	return r, err
}

// AddFactRecord implements store.FactTx.
func (t *facilityTx) AddFactRecord(r store.FactRecord) (store.FactRecord, bool, error) {
	if r.Facility != t.f.Slug {
		return r, false, store.Errorf(store.CodeInvalid, "fact record %q is for facility %q, not %q", r.Key, r.Facility, t.f.Slug)
	}
	if !slices.Contains(store.FactKinds, r.Kind) {
		return r, false, store.Errorf(store.CodeInvalid, "fact record %q of facility %q: kind %q, expected one of %v", r.Key, r.Facility, r.Kind, store.FactKinds)
	}
	if r.Key == "" || r.On == 0 || r.RecordedBy == "" || r.RecordedAt.IsZero() {
		return r, false, store.Errorf(store.CodeInvalid, "fact record %q (%s) of facility %q: key, date, recorded by and at are required", r.Key, r.Kind, r.Facility)
	}
	if !json.Valid(r.Body) || len(bytes.TrimSpace(r.Body)) == 0 || bytes.TrimSpace(r.Body)[0] != '{' {
		return r, false, store.Errorf(store.CodeInvalid, "fact record %q (%s) of facility %q: the body must be a JSON object", r.Key, r.Kind, r.Facility)
	}
	sum := sha256.Sum256(r.Body)
	r.BodySHA256 = hex.EncodeToString(sum[:])
	old, err := scanFact(t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT `+factCols+` FROM fact_records WHERE facility_id = ? AND key = ?`), t.fid, r.Key), t.f.Slug)
	switch {
	case err == nil:
		if old.Kind != r.Kind || old.Subject != r.Subject || old.On != r.On || old.BodySHA256 != r.BodySHA256 {
			return old, false, store.Errorf(store.CodeIdempotencyMismatch,
				"idempotency key %q of facility %q was used for %s record %d of %s with other content", r.Key, r.Facility, old.Kind, old.ID, old.On)
		}
		return old, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return r, false, err
	}
	r.RecordedAt = store.Truncate(r.RecordedAt)
	err = t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO fact_records (facility_id, key, kind, subject, dated, body, body_sha256, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, r.Key, r.Kind, r.Subject, t.db.D.Date(r.On), string(r.Body), r.BodySHA256, r.RecordedBy, t.db.D.Time(r.RecordedAt)).Scan(&r.ID)
	return r, false, err
}

// FactRecords implements store.FactTx.
func (t *facilityTx) FactRecords() ([]store.FactRecord, error) {
	return t.db.factRecords(t.ctx, t.tx, t.fid, t.f.Slug)
}

// FactRecords lists a facility's fact records by id.
func (db *DB) FactRecords(ctx context.Context, facility string) ([]store.FactRecord, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	return db.factRecords(ctx, db.R, fid, facility)
}

// FactRecordsVersion implements store.FactStore.
func (db *DB) FactRecordsVersion(ctx context.Context, facility string) (int, int64, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return 0, 0, err
	}
	var n int
	var last sql.NullInt64
	err = db.readRow(ctx, `SELECT count(*), max(id) FROM fact_records WHERE facility_id = ?`, fid).Scan(&n, &last)
	return n, last.Int64, err
}

func (db *DB) factRecords(ctx context.Context, q querier, fid int64, facility string) ([]store.FactRecord, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT `+factCols+` FROM fact_records WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.FactRecord
	for rows.Next() {
		r, err := scanFact(rows, facility)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
