package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"revolver/store"
)

const noticeCols = `id, key, loan, period_end, kind, rate_option, interest_period, given_by, given_at, business_date`

func scanLoanNotice(sc interface{ Scan(...any) error }, facility string) (store.LoanNotice, error) {
	var n store.LoanNotice
	var end, bd Date
	var at Time
	var period sql.NullString
	err := sc.Scan(&n.ID, &n.Key, &n.Loan, &end, &n.Kind, &n.Option, &period, &n.GivenBy, &at, &bd)
	n.Facility, n.PeriodEnd, n.InterestPeriod, n.GivenAt, n.BusinessDate = facility, end.D, period.String, at.T, bd.D
	return n, err
}

func (t *facilityTx) AddLoanNotice(n store.LoanNotice) (store.LoanNotice, bool, error) {
	if n.Facility != t.f.Slug {
		return n, false, store.Errorf(store.CodeInvalid, "loan notice %q is for facility %q, not %q", n.Key, n.Facility, t.f.Slug)
	}
	if n.Key == "" || n.Loan <= 0 || n.PeriodEnd == 0 || n.Option == "" || n.GivenBy == "" || n.GivenAt.IsZero() ||
		(n.Kind != store.LoanContinue && n.Kind != store.LoanConvert) {
		return n, false, store.Errorf(store.CodeInvalid, "loan notice %q of facility %q: key, loan, period end, kind (continue or convert), option, given by and at are required", n.Key, n.Facility)
	}
	old, err := scanLoanNotice(t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT `+noticeCols+` FROM loan_notices WHERE facility_id = ? AND key = ?`), t.fid, n.Key), t.f.Slug)
	switch {
	case err == nil:
		if old.Loan != n.Loan || old.PeriodEnd != n.PeriodEnd || old.Kind != n.Kind || old.Option != n.Option || old.InterestPeriod != n.InterestPeriod || old.GivenBy != n.GivenBy {
			return old, false, store.Errorf(store.CodeIdempotencyMismatch,
				"idempotency key %q of facility %q was used for loan notice %d (loan %d, period end %s)", n.Key, n.Facility, old.ID, old.Loan, old.PeriodEnd)
		}
		return old, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return n, false, err
	}
	var other int64
	err = t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT id FROM loan_notices WHERE facility_id = ? AND loan = ? AND period_end = ?`), t.fid, n.Loan, t.db.D.Date(n.PeriodEnd)).Scan(&other)
	switch {
	case err == nil:
		return n, false, store.Errorf(store.CodeConflict, "loan %d of facility %q already has notice %d for its interest period ending %s: a notice is not replaced", n.Loan, n.Facility, other, n.PeriodEnd)
	case !errors.Is(err, sql.ErrNoRows):
		return n, false, err
	}
	n.GivenAt = store.Truncate(n.GivenAt)
	err = t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO loan_notices (facility_id, key, loan, period_end, kind, rate_option, interest_period, given_by, given_at, business_date)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, n.Key, n.Loan, t.db.D.Date(n.PeriodEnd), n.Kind, n.Option, nullString(n.InterestPeriod), n.GivenBy, t.db.D.Time(n.GivenAt), t.db.nullDate(n.BusinessDate)).Scan(&n.ID)
	return n, false, err
}

func (t *facilityTx) LoanNotices() ([]store.LoanNotice, error) {
	return t.db.loanNotices(t.ctx, t.tx, t.fid, t.f.Slug)
}

// LoanNotices lists a facility's loan notices by id.
func (db *DB) LoanNotices(ctx context.Context, facility string) ([]store.LoanNotice, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	return db.loanNotices(ctx, db.R, fid, facility)
}

func (db *DB) loanNotices(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, fid int64, facility string) ([]store.LoanNotice, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT `+noticeCols+` FROM loan_notices WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.LoanNotice
	for rows.Next() {
		n, err := scanLoanNotice(rows, facility)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// ElectionFacilities implements store.LoanNoticeStore.
func (db *DB) ElectionFacilities(ctx context.Context) ([]string, error) {
	return db.slugs(ctx, `SELECT f.slug FROM facilities f WHERE EXISTS (SELECT 1 FROM loan_notices n WHERE n.facility_id = f.id)
		OR EXISTS (SELECT 1 FROM advance_requests r WHERE r.facility_id = f.id AND r.status = ? AND coalesce(r.rate_option, '') <> '') ORDER BY f.slug`, string(store.AdvanceFunded))
}
