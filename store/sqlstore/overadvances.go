package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"revolver/money"
	"revolver/store"
)

const overCols = `id, key, detected_on, amount, borrowing_base, loans, notice_on, cure_by, recorded_by, recorded_at`

func scanOveradvance(sc interface{ Scan(...any) error }, facility string) (store.Overadvance, error) {
	var o store.Overadvance
	var det, notice, cure Date
	var at Time
	var amount, bb, loans int64
	err := sc.Scan(&o.ID, &o.Key, &det, &amount, &bb, &loans, &notice, &cure, &o.RecordedBy, &at)
	o.Facility, o.DetectedOn, o.Notice, o.CureBy, o.RecordedAt = facility, det.D, notice.D, cure.D, at.T
	o.Amount, o.BorrowingBase, o.Loans = money.Amount(amount), money.Amount(bb), money.Amount(loans)
	return o, err
}

func (t *facilityTx) RecordOveradvance(o store.Overadvance) (store.Overadvance, bool, error) {
	if o.Facility != t.f.Slug {
		return o, false, store.Errorf(store.CodeInvalid, "overadvance %q is for facility %q, not %q", o.Key, o.Facility, t.f.Slug)
	}
	if o.Key == "" || o.Amount <= 0 || o.DetectedOn == 0 || o.RecordedBy == "" || o.RecordedAt.IsZero() || (o.CureBy != 0) != (o.Notice != 0) {
		return o, false, store.Errorf(store.CodeInvalid, "overadvance %q of facility %q: key, positive amount, date, recorded by and at are required, and a cure deadline exactly when notice was given", o.Key, o.Facility)
	}
	old, err := scanOveradvance(t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT `+overCols+` FROM overadvances WHERE facility_id = ? AND key = ?`), t.fid, o.Key), t.f.Slug)
	switch {
	case err == nil:
		if old.DetectedOn != o.DetectedOn || old.Amount != o.Amount || old.Notice != o.Notice || old.CureBy != o.CureBy {
			return old, false, store.Errorf(store.CodeIdempotencyMismatch,
				"idempotency key %q of facility %q was used for overadvance %d of %s on %s", o.Key, o.Facility, old.ID, old.Amount, old.DetectedOn)
		}
		return old, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return o, false, err
	}
	o.RecordedAt = store.Truncate(o.RecordedAt)
	err = t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO overadvances (facility_id, key, detected_on, amount, borrowing_base, loans, notice_on, cure_by, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, o.Key, t.db.D.Date(o.DetectedOn), int64(o.Amount), int64(o.BorrowingBase), int64(o.Loans),
		t.db.nullDate(o.Notice), t.db.nullDate(o.CureBy), o.RecordedBy, t.db.D.Time(o.RecordedAt)).Scan(&o.ID)
	return o, false, err
}

// Overadvances lists a facility's recorded overadvances by id.
func (db *DB) Overadvances(ctx context.Context, facility string) ([]store.Overadvance, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT `+overCols+` FROM overadvances WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Overadvance
	for rows.Next() {
		o, err := scanOveradvance(rows, facility)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
