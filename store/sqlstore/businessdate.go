package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"revolver/date"
	"revolver/store"
)

// BusinessDate is the latest business date opened.
func (db *DB) BusinessDate(ctx context.Context) (store.BusinessDay, error) {
	var b store.BusinessDay
	var d Date
	var at Time
	err := db.readRow(ctx, `SELECT business_date, recorded_by, recorded_at, reason FROM business_dates ORDER BY business_date DESC LIMIT 1`).
		Scan(&d, &b.RecordedBy, &at, &b.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return b, store.Errorf(store.CodeNotFound, "no business date has been opened")
	}
	b.Date, b.RecordedAt = d.D, at.T
	return b, err
}

// BusinessDayAfter is the first business date opened after d.
func (db *DB) BusinessDayAfter(ctx context.Context, after date.Date) (store.BusinessDay, error) {
	var b store.BusinessDay
	var d Date
	var at Time
	err := db.R.QueryRowContext(ctx, db.q(`SELECT business_date, recorded_by, recorded_at, reason FROM business_dates WHERE business_date > ? ORDER BY business_date LIMIT 1`), db.D.Date(after)).
		Scan(&d, &b.RecordedBy, &at, &b.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return b, store.Errorf(store.CodeNotFound, "no business date has been opened after %s", after)
	}
	b.Date, b.RecordedAt = d.D, at.T
	return b, err
}

// OpenBusinessDate appends a business date after the latest one. The
// latest date again returns it unchanged; an earlier one is a conflict.
func (db *DB) OpenBusinessDate(ctx context.Context, b store.BusinessDay) (store.BusinessDay, error) {
	if err := validBusinessDay(b); err != nil {
		return b, err
	}
	tx, err := db.begin(ctx, "open_business_date", nil)
	if err != nil {
		return b, err
	}
	defer tx.Rollback()
	opened, err := db.openBusinessDate(ctx, TxExec{tx}, b)
	if err != nil {
		return b, err
	}
	if !opened {
		return db.BusinessDate(ctx)
	}
	b.RecordedAt = store.Truncate(b.RecordedAt)
	return b, tx.Commit()
}

func validBusinessDay(b store.BusinessDay) error {
	if b.Date == 0 || b.RecordedBy == "" || b.RecordedAt.IsZero() || b.Reason == "" {
		return store.Errorf(store.CodeInvalid, "business date: the date, who opens it, when and why are required")
	}
	return nil
}

// openBusinessDate appends b after the latest business date in the
// transaction of x: false when b's date is the latest already, a conflict
// when it is earlier.
func (db *DB) openBusinessDate(ctx context.Context, x Exec, b store.BusinessDay) (bool, error) {
	if db.D.Name() == "postgres" {
		if _, err := x.Exec(ctx, `LOCK TABLE business_dates IN EXCLUSIVE MODE`); err != nil {
			return false, err
		}
	}
	var last Date
	err := x.QueryRow(ctx, `SELECT business_date FROM business_dates ORDER BY business_date DESC LIMIT 1`).Scan(&last)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, err
	case last.D == b.Date:
		return false, nil
	case last.D > b.Date:
		return false, store.Errorf(store.CodeConflict, "business date %s: the business date is already %s and only moves forward", b.Date, last.D)
	}
	if _, err := x.Exec(ctx, db.q(`INSERT INTO business_dates (business_date, recorded_by, recorded_at, reason) VALUES (?, ?, ?, ?)`),
		db.D.Date(b.Date), b.RecordedBy, db.D.Time(store.Truncate(b.RecordedAt)), b.Reason); err != nil {
		return false, err
	}
	return true, nil
}

// ReadState reads the business date, the business date opened after
// after and the facility's fact records' version in one statement.
func (db *DB) ReadState(ctx context.Context, facility string, after date.Date) (store.ReadState, error) {
	var fid int64
	if facility != "" {
		var err error
		if fid, err = db.facilityID(ctx, db.R, facility); err != nil {
			return store.ReadState{}, err
		}
	}
	var rs store.ReadState
	var bd, next Date
	var nextAt Time
	var last sql.NullInt64
	var docsAt Time
	err := db.readRow(ctx, `SELECT (SELECT max(business_date) FROM business_dates),
		(SELECT min(business_date) FROM business_dates WHERE business_date > ?),
		(SELECT recorded_at FROM business_dates WHERE business_date > ? ORDER BY business_date LIMIT 1),
		(SELECT count(*) FROM fact_records WHERE facility_id = ?),
		(SELECT max(id) FROM fact_records WHERE facility_id = ?),
		(SELECT count(*) FROM documents WHERE facility_id = ?),
		(SELECT max(recorded_at) FROM documents WHERE facility_id = ?),
		(SELECT count(*) FROM reserve_records WHERE facility_id = ?),
		(SELECT n FROM access_version)`,
		db.D.Date(after), db.D.Date(after), fid, fid, fid, fid, fid).Scan(&bd, &next, &nextAt, &rs.Facts.N, &last, &rs.Docs.N, &docsAt, &rs.Reserves, &rs.Access)
	if err != nil {
		return rs, fmt.Errorf("read state: %w", err)
	}
	store.NoteAccess(ctx, rs.Access)
	rs.BusinessDate.Date = bd.D
	rs.After.Date, rs.After.RecordedAt = next.D, nextAt.T
	rs.Facts.Last = last.Int64
	rs.Docs.Last = docsAt.T
	return rs, nil
}

// readStateRows are ReadState's figures as three rows of the
// availability statement's columns (kind, id, date, amount, time,
// account): 'r' the fact records' count, the business date and the last
// fact record's id; 'q' the accounts' version, the first business date
// after the date and when it was opened; 's' the reserve records' count,
// the documents' count and their last recorded time. Each table is read
// once (the fact records' count and last id in one aggregate, the
// documents' likewise, the next business date with its time), so that the
// statement's plan stays small.
const readStateRows = `
		UNION ALL SELECT 'r', fr.n, (SELECT max(business_date) FROM business_dates), fr.m, NULL, ''
			FROM (SELECT count(*) AS n, coalesce(max(id), 0) AS m FROM fact_records WHERE facility_id = ?) fr
		UNION ALL SELECT 'q', v.n, nb.business_date, 0, nb.recorded_at, '' FROM access_version v
			LEFT JOIN (SELECT business_date, recorded_at FROM business_dates WHERE business_date > ? ORDER BY business_date LIMIT 1) nb ON 1 = 1
		UNION ALL SELECT 's', (SELECT count(*) FROM reserve_records WHERE facility_id = ?), NULL, dc.n, dc.t, ''
			FROM (SELECT count(*) AS n, max(recorded_at) AS t FROM documents WHERE facility_id = ?) dc`

// readStateArgs are readStateRows' arguments.
func (db *DB) readStateArgs(fid int64, after date.Date) []any {
	return []any{fid, db.D.Date(after), fid, fid}
}
