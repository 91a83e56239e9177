package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

var _ store.AvailabilityReader = (*DB)(nil)

type stmtKey struct {
	db *DB
	q  string
}

// readStmts caches prepared statements of the hot reads on the reader pool
// (database/sql prepares them again on each connection as needed), so that
// a request does not parse its SQL again.
var readStmts sync.Map // stmtKey → *sql.Stmt

func (db *DB) readStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if db.D.Name() != "sqlite" {
		// pgx caches prepared statements per connection itself; a
		// database/sql statement on top of it only adds work.
		return nil, nil
	}
	k := stmtKey{db, q}
	if st, ok := readStmts.Load(k); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.R.PrepareContext(ctx, db.q(q))
	if err != nil {
		return nil, err
	}
	if prev, loaded := readStmts.LoadOrStore(k, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// AccountBalances sums the postings of the named accounts only, by range
// scans of the postings_balance index (facility, account, value date): far
// less work than Balances on a facility whose ledger is mostly daily
// interest accruals.
func (db *DB) AccountBalances(ctx context.Context, facility string, asOf date.Date, accounts ...ledger.Account) (ledger.Balances, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	b := ledger.Balances{}
	if len(accounts) == 0 {
		return b, nil
	}
	args := []any{fid, db.D.Date(asOf)}
	for _, a := range accounts {
		args = append(args, string(a))
	}
	q := `SELECT account, sum(amount) FROM postings WHERE facility_id = ? AND value_date <= ? AND account IN (` +
		strings.TrimSuffix(strings.Repeat("?,", len(accounts)), ",") + `) GROUP BY account`
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return nil, err
	}
	var rows *sql.Rows
	if st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = db.R.QueryContext(ctx, db.q(q), args...)
	}
	if err != nil {
		return nil, fmt.Errorf("balances of %q: %w", facility, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		var s int64
		if err := rows.Scan(&a, &s); err != nil {
			return nil, err
		}
		if s != 0 {
			b[ledger.Account(a)] = money.Amount(s)
		}
	}
	return b, rows.Err()
}

// BorrowingBaseInForce reads the certificate in force's id and borrowing
// base only (same order as CertificateInForce).
func (db *DB) BorrowingBaseInForce(ctx context.Context, facility string, asOf date.Date) (int64, money.Amount, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return 0, 0, err
	}
	var id, bb int64
	const q = `SELECT c.id, c.borrowing_base FROM certificates c WHERE ` + inForce
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return 0, 0, err
	}
	var row *sql.Row
	if st != nil {
		row = st.QueryRowContext(ctx, fid, db.D.Date(asOf))
	} else {
		row = db.R.QueryRowContext(ctx, db.q(q), fid, db.D.Date(asOf))
	}
	err = row.Scan(&id, &bb)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, store.Errorf(store.CodeNotFound, "facility %q has no approved borrowing base certificate as of %s", facility, asOf)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("certificate in force of %q: %w", facility, err)
	}
	return id, money.Amount(bb), nil
}
