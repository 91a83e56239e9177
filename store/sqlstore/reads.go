package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

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

// AvailabilityInputs reads what availability from a date on needs in one
// read transaction (one snapshot of the database).
func (db *DB) AvailabilityInputs(ctx context.Context, facility string, from date.Date, knownAt time.Time, later bool) (store.AvailabilityInputs, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return store.AvailabilityInputs{}, err
	}
	tx, err := db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: db.D.Name() != "sqlite"})
	if err != nil {
		return store.AvailabilityInputs{}, fmt.Errorf("availability of %q: begin: %w", facility, err)
	}
	defer tx.Rollback()
	return db.availabilityInputs(ctx, tx, true, fid, from, knownAt, later)
}

func (t *facilityTx) AvailabilityInputs(from date.Date, knownAt time.Time, later bool) (store.AvailabilityInputs, error) {
	return t.db.availabilityInputs(t.ctx, t.tx, false, t.fid, from, knownAt, later)
}

// availabilityInputs runs the reads of AvailabilityInputs in tx: the
// certificates approved by knownAt from the as-of date of the one in force
// on from (all later ones too, with later), the balances of the accounts
// availability reads at the end of from, and (with later) their postings
// after it by day. The balances are range scans of the postings_balance
// index (facility, account, value date).
func (db *DB) availabilityInputs(ctx context.Context, tx *sql.Tx, reader bool, fid int64, from date.Date, knownAt time.Time, later bool) (store.AvailabilityInputs, error) {
	in := store.AvailabilityInputs{From: from, KnownAt: knownAt, Balances: ledger.Balances{}}
	k := db.D.Time(store.Truncate(knownAt))
	certQ := `SELECT id, as_of, borrowing_base, decided_at FROM certificates WHERE facility_id = ? AND status = 'approved' AND decided_at <= ?
		AND as_of >= coalesce((SELECT max(as_of) FROM certificates WHERE facility_id = ? AND status = 'approved' AND decided_at <= ? AND as_of <= ?), ?)`
	if !later {
		certQ += ` AND as_of <= ?`
	}
	certQ += ` ORDER BY as_of, decided_at, id`
	args := []any{fid, k, fid, k, db.D.Date(from), db.D.Date(from)}
	if !later {
		args = append(args, db.D.Date(from))
	}
	rows, err := db.query(ctx, tx, reader, certQ, args...)
	if err != nil {
		return in, fmt.Errorf("certificates in force: %w", err)
	}
	for rows.Next() {
		var c store.CertificateFigure
		var asOf Date
		var at Time
		if err := rows.Scan(&c.ID, &asOf, &c.BorrowingBase, &at); err != nil {
			rows.Close()
			return in, err
		}
		c.AsOf, c.DecidedAt = asOf.D, at.T
		in.Certificates = append(in.Certificates, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	accounts := make([]any, len(store.AvailabilityAccounts))
	for i, a := range store.AvailabilityAccounts {
		accounts[i] = string(a)
	}
	const balQ = `SELECT account, sum(amount) FROM postings WHERE facility_id = ? AND value_date <= ? AND account IN (?, ?, ?) GROUP BY account`
	rows, err = db.query(ctx, tx, reader, balQ, append([]any{fid, db.D.Date(from)}, accounts...)...)
	if err != nil {
		return in, fmt.Errorf("balances: %w", err)
	}
	for rows.Next() {
		var a string
		var s int64
		if err := rows.Scan(&a, &s); err != nil {
			rows.Close()
			return in, err
		}
		if s != 0 {
			in.Balances[ledger.Account(a)] = money.Amount(s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || !later {
		return in, err
	}
	const laterQ = `SELECT value_date, account, sum(amount) FROM postings WHERE facility_id = ? AND value_date > ? AND account IN (?, ?, ?)
		GROUP BY value_date, account ORDER BY value_date, account`
	rows, err = db.query(ctx, tx, reader, laterQ, append([]any{fid, db.D.Date(from)}, accounts...)...)
	if err != nil {
		return in, fmt.Errorf("later postings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d Date
		var a string
		var s int64
		if err := rows.Scan(&d, &a, &s); err != nil {
			return in, err
		}
		if s != 0 {
			in.Later = append(in.Later, store.AccountDay{Day: d.D, Account: ledger.Account(a), Amount: money.Amount(s)})
		}
	}
	return in, rows.Err()
}

// query runs q in tx; in a transaction of the reader pool, through the
// statement cache when the database has one (database/sql reuses the
// statement prepared on the transaction's connection).
func (db *DB) query(ctx context.Context, tx *sql.Tx, reader bool, q string, args ...any) (*sql.Rows, error) {
	if reader {
		st, err := db.readStmt(ctx, q)
		if err != nil {
			return nil, err
		}
		if st != nil {
			return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
		}
	}
	return tx.QueryContext(ctx, db.q(q), args...)
}
