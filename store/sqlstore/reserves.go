package sqlstore

import (
	"context"
	"slices"

	"revolver/money"
	"revolver/store"
)

const reserveCols = `id, reserve_id, action, kind, placement, component, amount, rate, effective_from, effective_until, reason, recorded_by, recorded_at`

func scanReserve(sc interface{ Scan(...any) error }, facility string) (store.ReserveRecord, error) {
	var r store.ReserveRecord
	var from, until Date
	var at Time
	var amount int64
	err := sc.Scan(&r.ID, &r.ReserveID, &r.Action, &r.Kind, &r.Placement, &r.Component, &amount, &r.Rate, &from, &until, &r.Reason, &r.RecordedBy, &at)
	r.Facility, r.Amount, r.From, r.Until, r.RecordedAt = facility, money.Amount(amount), from.D, until.D, at.T
	return r, err
}

// AddReserveRecord implements store.ReserveTx.
func (t *facilityTx) AddReserveRecord(r store.ReserveRecord) (store.ReserveRecord, error) {
	if r.Facility != t.f.Slug {
		return r, store.Errorf(store.CodeInvalid, "reserve record %q is for facility %q, not %q", r.ReserveID, r.Facility, t.f.Slug)
	}
	if !slices.Contains([]string{store.ReserveSet, store.ReserveApprove, store.ReserveRelease}, r.Action) {
		return r, store.Errorf(store.CodeInvalid, "reserve record %q: action %q, expected set, approve or release", r.ReserveID, r.Action)
	}
	if r.ReserveID == "" || r.RecordedBy == "" || r.RecordedAt.IsZero() {
		return r, store.Errorf(store.CodeInvalid, "reserve record %q (%s) of facility %q: reserve id, recorded by and at are required", r.ReserveID, r.Action, r.Facility)
	}
	if r.Action != store.ReserveApprove && r.Reason == "" {
		return r, store.Errorf(store.CodeInvalid, "reserve record %q (%s) of facility %q: a reason is required", r.ReserveID, r.Action, r.Facility)
	}
	r.RecordedAt = store.Truncate(r.RecordedAt)
	err := t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO reserve_records (facility_id, reserve_id, action, kind, placement, component, amount, rate, effective_from, effective_until, reason, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, r.ReserveID, r.Action, r.Kind, r.Placement, r.Component, int64(r.Amount), r.Rate, t.db.nullDate(r.From), t.db.nullDate(r.Until),
		r.Reason, r.RecordedBy, t.db.D.Time(r.RecordedAt)).Scan(&r.ID)
	return r, err
}

// ReserveRecords implements store.ReserveTx.
func (t *facilityTx) ReserveRecords() ([]store.ReserveRecord, error) {
	return t.db.reserveRecords(t.ctx, t.tx, t.fid, t.f.Slug)
}

// ReserveRecords lists a facility's reserve records by id.
func (db *DB) ReserveRecords(ctx context.Context, facility string) ([]store.ReserveRecord, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	return db.reserveRecords(ctx, db.R, fid, facility)
}

func (db *DB) reserveRecords(ctx context.Context, q querier, fid int64, facility string) ([]store.ReserveRecord, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT `+reserveCols+` FROM reserve_records WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ReserveRecord
	for rows.Next() {
		r, err := scanReserve(rows, facility)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReserveFacilities lists the facilities that have reserve records, by
// slug.
func (db *DB) ReserveFacilities(ctx context.Context) ([]string, error) {
	return db.slugs(ctx, `SELECT f.slug FROM facilities f WHERE EXISTS (SELECT 1 FROM reserve_records r WHERE r.facility_id = f.id) ORDER BY f.slug`)
}

// slugs runs a statement listing facility slugs.
func (db *DB) slugs(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
