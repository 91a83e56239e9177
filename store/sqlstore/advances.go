package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"revolver/date"
	"revolver/money"
	"revolver/store"
)

const advCols = `id, key, amount, value_date, status, requested_by, requested_at, decided_by, decided_at, comment, transaction_id, business_date, reason, rate_option, interest_period, tranche`

func scanAdvance(sc interface{ Scan(...any) error }, facility string) (store.AdvanceRequest, error) {
	var r store.AdvanceRequest
	var vd, bd Date
	var at, dat Time
	var status string
	var by, comment, reason, option, period, tranche sql.NullString
	var txid sql.NullInt64
	err := sc.Scan(&r.ID, &r.Key, &r.Amount, &vd, &status, &r.RequestedBy, &at, &by, &dat, &comment, &txid, &bd, &reason, &option, &period, &tranche)
	r.Option, r.InterestPeriod = option.String, period.String
	if tranche.String != "first_out" {
		r.Tranche = tranche.String
	}
	r.Facility, r.ValueDate, r.Status, r.RequestedAt = facility, vd.D, store.AdvanceStatus(status), at.T
	r.DecidedBy, r.DecidedAt, r.Comment, r.Transaction = by.String, dat.T, comment.String, txid.Int64
	r.BusinessDate, r.Reason = bd.D, reason.String
	return r, err
}

func (t *facilityTx) AddAdvanceRequest(r store.AdvanceRequest) (store.AdvanceRequest, bool, error) {
	if r.Facility != t.f.Slug {
		return r, false, store.Errorf(store.CodeInvalid, "advance request %q is for facility %q, not %q", r.Key, r.Facility, t.f.Slug)
	}
	if r.Key == "" || r.Amount <= 0 || r.RequestedBy == "" || r.RequestedAt.IsZero() || r.ValueDate == 0 {
		return r, false, store.Errorf(store.CodeInvalid, "advance request %q of facility %q: key, positive amount, value date, requested by and at are required", r.Key, r.Facility)
	}
	if r.Status != store.AdvanceRequested && r.Status != store.AdvanceFunded {
		return r, false, store.Errorf(store.CodeInvalid, "advance request %q: a new request is requested or funded, not %q", r.Key, r.Status)
	}
	if (r.Status == store.AdvanceFunded) != (r.Transaction != 0) {
		return r, false, store.Errorf(store.CodeInvalid, "advance request %q: a funded request names its transaction, a requested one none", r.Key)
	}
	old, err := scanAdvance(t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT `+advCols+` FROM advance_requests WHERE facility_id = ? AND key = ?`), t.fid, r.Key), t.f.Slug)
	switch {
	case err == nil:
		if old.Amount != r.Amount || old.ValueDate != r.ValueDate || old.RequestedBy != r.RequestedBy || old.Reason != r.Reason ||
			old.Option != "" && (old.Option != r.Option || old.InterestPeriod != r.InterestPeriod) || old.Tranche != r.Tranche {
			return old, false, store.Errorf(store.CodeIdempotencyMismatch,
				"idempotency key %q of facility %q was used for advance request %d of %s on %s by %s", r.Key, r.Facility, old.ID, old.Amount, old.ValueDate, old.RequestedBy)
		}
		return old, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return r, false, err
	}
	r.RequestedAt = store.Truncate(r.RequestedAt)
	var by, dat any
	if r.Status == store.AdvanceFunded {
		by, dat = r.RequestedBy, t.db.D.Time(r.RequestedAt)
		r.DecidedBy, r.DecidedAt = r.RequestedBy, r.RequestedAt
	}
	var bd, alone any
	if r.BusinessDate != 0 {
		bd = t.db.D.Date(r.BusinessDate)
		if alone, err = t.aloneTotal(r.BusinessDate, r.RequestedBy, r.Status, r.RequestedBy, r.Amount); err != nil {
			return r, false, err
		}
	}
	err = t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO advance_requests (facility_id, key, amount, value_date, status, requested_by, requested_at, decided_by, decided_at, transaction_id, business_date, reason, alone_total, rate_option, interest_period, tranche)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, r.Key, int64(r.Amount), t.db.D.Date(r.ValueDate), string(r.Status), r.RequestedBy, t.db.D.Time(r.RequestedAt), by, dat, nullInt(r.Transaction), bd, nullString(r.Reason), alone,
		nullString(r.Option), nullString(r.InterestPeriod), trancheOf(r.Tranche)).Scan(&r.ID)
	return r, false, err
}

// aloneTotal is what a request funded by its own requester (by == requester)
// brings the requester's sum funded alone on the business date to, kept on
// the request (alone_total) so that the day's sum is one index lookup; nil
// for any other decision.
func (t *facilityTx) aloneTotal(businessDate date.Date, requester string, status store.AdvanceStatus, by string, amount money.Amount) (any, error) {
	if status != store.AdvanceFunded || by != requester {
		return nil, nil
	}
	prev, err := t.FundedAloneOn(businessDate, requester)
	if err != nil {
		return nil, err
	}
	return int64(prev + amount), nil
}

func (t *facilityTx) AdvanceRequestByKey(key string) (store.AdvanceRequest, bool, error) {
	r, err := scanAdvance(t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT `+advCols+` FROM advance_requests WHERE facility_id = ? AND key = ?`), t.fid, key), t.f.Slug)
	if errors.Is(err, sql.ErrNoRows) {
		return store.AdvanceRequest{}, false, nil
	}
	return r, err == nil, err
}

func (t *facilityTx) AdvanceRequestsOn(businessDate date.Date) ([]store.AdvanceRequest, error) {
	rows, err := t.tx.QueryContext(t.ctx, t.db.q(`SELECT `+advCols+` FROM advance_requests WHERE facility_id = ? AND business_date = ? ORDER BY id`), t.fid, t.db.D.Date(businessDate))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AdvanceRequest
	for rows.Next() {
		r, err := scanAdvance(rows, t.f.Slug)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *facilityTx) FundedAloneOn(businessDate date.Date, by string) (money.Amount, error) {
	// Each request funded alone keeps the running sum it brought the day
	// to (aloneTotal): the largest is the day's.
	var sum int64
	err := t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT coalesce(max(alone_total), 0) FROM advance_requests
		WHERE facility_id = ? AND business_date = ? AND requested_by = ?`),
		t.fid, t.db.D.Date(businessDate), by).Scan(&sum)
	return money.Amount(sum), err
}

func (t *facilityTx) AdvanceRequest(id int64) (store.AdvanceRequest, error) {
	r, err := scanAdvance(t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT `+advCols+` FROM advance_requests WHERE facility_id = ? AND id = ?`), t.fid, id), t.f.Slug)
	if errors.Is(err, sql.ErrNoRows) {
		return r, store.Errorf(store.CodeNotFound, "facility %q has no advance request %d", t.f.Slug, id)
	}
	return r, err
}

func (t *facilityTx) DecideAdvanceRequest(id int64, d store.AdvanceDecision) (store.AdvanceRequest, error) {
	if d.Status != store.AdvanceFunded && d.Status != store.AdvanceRejected && d.Status != store.AdvanceCancelled {
		return store.AdvanceRequest{}, store.Errorf(store.CodeInvalid, "advance request %d: decision %q, expected funded, rejected or cancelled", id, d.Status)
	}
	if d.By == "" || d.At.IsZero() || (d.Status == store.AdvanceFunded) != (d.Transaction != 0) {
		return store.AdvanceRequest{}, store.Errorf(store.CodeInvalid, "advance request %d: decided by and at are required, and the funding transaction exactly when funded", id)
	}
	r, err := t.AdvanceRequest(id)
	if err != nil {
		return r, err
	}
	if r.Status != store.AdvanceRequested {
		return r, store.Errorf(store.CodeConflict, "advance request %d is already %s", id, r.Status)
	}
	var alone any
	if r.BusinessDate != 0 {
		if alone, err = t.aloneTotal(r.BusinessDate, r.RequestedBy, d.Status, d.By, r.Amount); err != nil {
			return r, err
		}
	}
	_, err = t.tx.ExecContext(t.ctx, t.db.q(`UPDATE advance_requests SET status = ?, decided_by = ?, decided_at = ?, comment = ?, transaction_id = ?, alone_total = ? WHERE id = ? AND status = 'requested'`),
		string(d.Status), d.By, t.db.D.Time(store.Truncate(d.At)), nullString(d.Comment), nullInt(d.Transaction), alone, id)
	if err != nil {
		return r, err
	}
	return t.AdvanceRequest(id)
}

// AdvanceRequests lists a facility's advance requests.
func (db *DB) AdvanceRequests(ctx context.Context, facility string) ([]store.AdvanceRequest, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT `+advCols+` FROM advance_requests WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AdvanceRequest
	for rows.Next() {
		r, err := scanAdvance(rows, facility)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// trancheOf is the stored tranche of a request: first_out unless it elects
// another.
func trancheOf(t string) string {
	if t == "" {
		return "first_out"
	}
	return t
}
