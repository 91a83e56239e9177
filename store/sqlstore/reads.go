package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
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

// readRow runs a hot one-row read on the reader pool through the
// statement cache (preparing it failed: without).
func (db *DB) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st, err := db.readStmt(ctx, q); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.R.QueryRowContext(ctx, db.q(q), args...)
}

// AvailabilityInputs reads what availability from a date on needs in one
// SQL statement: one snapshot of the database, and on the reader pool one
// prepared statement per connection.
func (db *DB) AvailabilityInputs(ctx context.Context, facility string, from date.Date, knownAt time.Time, later bool) (store.AvailabilityInputs, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return store.AvailabilityInputs{}, err
	}
	q, args := db.availabilityQuery(fid, from, knownAt, later)
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return store.AvailabilityInputs{}, err
	}
	var rows *sql.Rows
	if st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = db.R.QueryContext(ctx, db.q(q), args...)
	}
	return scanAvailability(rows, err, from, knownAt, later)
}

// ReadStateAndInputs is ReadState and AvailabilityInputs in one statement:
// the availability statement with ReadState's figures as three more rows
// (readStateRows), one snapshot of the database.
func (db *DB) ReadStateAndInputs(ctx context.Context, facility string, from date.Date, knownAt time.Time, later bool) (store.ReadState, store.AvailabilityInputs, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return store.ReadState{}, store.AvailabilityInputs{}, err
	}
	q, args := db.availabilityQuery(fid, from, knownAt, later)
	q += readStateRows
	args = append(args, db.readStateArgs(fid, from)...)
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return store.ReadState{}, store.AvailabilityInputs{}, err
	}
	var rows *sql.Rows
	if st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = db.R.QueryContext(ctx, db.q(q), args...)
	}
	var rs store.ReadState
	in, err := scanAvailabilityState(rows, err, from, knownAt, later, &rs)
	if err == nil {
		store.NoteAccess(ctx, rs.Access)
	}
	return rs, in, err
}

func (db *DB) AvailabilityInputsOn(ctx context.Context, d date.Date) (map[string]store.AvailabilityInputs, error) {
	out := map[string]store.AvailabilityInputs{}
	of := func(f string) store.AvailabilityInputs {
		in, ok := out[f]
		if !ok {
			in = store.AvailabilityInputs{From: d, KnownAt: store.Everything, Balances: ledger.Balances{}}
		}
		return in
	}
	k, day := db.D.Time(store.Truncate(store.Everything)), db.D.Date(d)
	// The certificates of the latest as-of date on or before d, approved
	// and not superseded (availabilityQuery's rule, as known now).
	const known = `status = 'approved' AND decided_at <= ?
		AND NOT EXISTS (SELECT 1 FROM certificates s WHERE s.supersedes = c.id AND s.status = 'approved' AND s.decided_at <= ?)`
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT f.slug, c.id, c.as_of, c.borrowing_base, c.decided_at, coalesce(CAST(c.last_out_base AS TEXT), '')
		FROM certificates c JOIN facilities f ON f.id = c.facility_id
		JOIN (SELECT c.facility_id, max(c.as_of) AS as_of FROM certificates c WHERE `+known+` AND c.as_of <= ? GROUP BY c.facility_id) m
			ON m.facility_id = c.facility_id AND m.as_of = c.as_of
		WHERE `+known), k, k, day, k, k)
	if err != nil {
		return nil, fmt.Errorf("availability inputs on %s: %w", d, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f, lastOut string
		var c store.CertificateFigure
		var asOf Date
		var at Time
		var bb int64
		if err := rows.Scan(&f, &c.ID, &asOf, &bb, &at, &lastOut); err != nil {
			return nil, err
		}
		c.AsOf, c.BorrowingBase, c.DecidedAt = asOf.D, money.Amount(bb), at.T
		if lastOut != "" {
			n, err := strconv.ParseInt(lastOut, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("certificate %d: last-out base %q: %w", c.ID, lastOut, err)
			}
			lo := money.Amount(n)
			c.LastOutBase = &lo
		}
		in := of(f)
		in.Certificates = append(in.Certificates, c)
		out[f] = in
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Each account's running balance at the end of d.
	accounts := make([]any, 0, len(store.AvailabilityAccounts)+1)
	accounts = append(accounts, day)
	for _, a := range store.AvailabilityAccounts {
		accounts = append(accounts, string(a))
	}
	brows, err := db.R.QueryContext(ctx, db.q(`SELECT f.slug, b.account, b.balance
		FROM (SELECT facility_id, account, max(value_date) AS value_date FROM account_balances WHERE value_date <= ? AND account IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(store.AvailabilityAccounts)), ", ")+`) GROUP BY facility_id, account) m
		JOIN account_balances b ON b.facility_id = m.facility_id AND b.account = m.account AND b.value_date = m.value_date
		JOIN facilities f ON f.id = b.facility_id
		WHERE b.balance <> 0`), accounts...)
	if err != nil {
		return nil, fmt.Errorf("availability inputs on %s: %w", d, err)
	}
	defer brows.Close()
	for brows.Next() {
		var f, account string
		var bal int64
		if err := brows.Scan(&f, &account, &bal); err != nil {
			return nil, err
		}
		in := of(f)
		in.Balances[ledger.Account(account)] = money.Amount(bal)
		out[f] = in
	}
	if err := brows.Err(); err != nil {
		return nil, err
	}
	for f, in := range out {
		sortAvailability(&in)
		out[f] = in
	}
	return out, nil
}

func (t *facilityTx) AvailabilityInputs(from date.Date, knownAt time.Time, later bool) (store.AvailabilityInputs, error) {
	q, args := t.db.availabilityQuery(t.fid, from, knownAt, later)
	rows, err := t.tx.QueryContext(t.ctx, t.db.q(q), args...)
	return scanAvailability(rows, err, from, knownAt, later)
}

// availabilityQuery is the statement of AvailabilityInputs: rows of kind
// 'c' (a certificate approved by knownAt and not superseded by one approved
// by then, from the as-of date of the one in force on from; with later,
// every later one too), 'b' (the balance of an
// account availability reads at the end of from) and, with later, 'l'
// (those accounts' postings after from, summed by value date). The
// balances are range scans of the postings_balance index (facility,
// account, value date).
func (db *DB) availabilityQuery(fid int64, from date.Date, knownAt time.Time, later bool) (string, []any) {
	k, f := db.D.Time(store.Truncate(knownAt)), db.D.Date(from)
	accounts := make([]any, len(store.AvailabilityAccounts))
	for i, a := range store.AvailabilityAccounts {
		accounts[i] = string(a)
	}
	inAccounts := strings.TrimSuffix(strings.Repeat("?, ", len(accounts)), ", ")
	// A certificate superseded by one approved by knownAt is not in force.
	const known = `status = 'approved' AND decided_at <= ?
		AND NOT EXISTS (SELECT 1 FROM certificates s WHERE s.supersedes = c.id AND s.status = 'approved' AND s.decided_at <= ?)`
	// A certificate's last-out borrowing base is in the text column.
	q := `SELECT 'c', c.id, c.as_of, c.borrowing_base, c.decided_at, coalesce(CAST(c.last_out_base AS TEXT), '') FROM certificates c WHERE c.facility_id = ? AND ` + known + `
		AND c.as_of >= coalesce((SELECT max(c.as_of) FROM certificates c WHERE c.facility_id = ? AND ` + known + ` AND c.as_of <= ?), ?)`
	args := []any{fid, k, k, fid, k, k, f, f}
	if !later {
		q += ` AND c.as_of <= ?`
		args = append(args, f)
	}
	// How many certificates in force on from were approved after knownAt
	// (what hindsight would change): none after every record.
	if !knownAt.Equal(store.Everything) {
		q += `
		UNION ALL SELECT 'n', count(*), NULL, 0, NULL, '' FROM certificates WHERE facility_id = ? AND status = 'approved' AND decided_at > ? AND as_of <= ?`
		args = append(args, fid, k, f)
	}
	// Each account's balance at the end of from is its running balance
	// (account_balances, kept with the postings): one index lookup per
	// account, whatever the ledger's length. As known at knownAt, the
	// postings on or before from recorded after knownAt are taken off it
	// and counted ('b', id): postings count once recorded (those from
	// before recorded times were kept always).
	// One branch over the accounts (a list of values), not one per
	// account: the statement's plan, which the server builds and tears
	// down on every execution, is that much smaller.
	q += `
		UNION ALL SELECT 'b', 0, NULL, coalesce((SELECT b.balance FROM account_balances b WHERE b.facility_id = ? AND b.account = a.column1 AND b.value_date <= ?
			ORDER BY b.value_date DESC LIMIT 1), 0), NULL, a.column1 FROM (VALUES (CAST(? AS TEXT))` + strings.Repeat(", (?)", len(accounts)-1) + `) a`
	args = append(append(args, fid, f), accounts...)
	if knownAt.Equal(store.Everything) {
		// Every record (a change's own checks): no recorded time to read.
		if later {
			q += `
		UNION ALL SELECT 'l', 0, value_date, CAST(sum(amount) AS BIGINT), NULL, account FROM postings WHERE facility_id = ? AND value_date > ? AND account IN (` + inAccounts + `) GROUP BY value_date, account`
			args = append(append(args, fid, f), accounts...)
		}
		return q, args
	}
	const recorded = ` AND (recorded_at IS NULL OR recorded_at <= ?)`
	q += `
		UNION ALL SELECT 'b', count(*), NULL, -CAST(sum(amount) AS BIGINT), NULL, account
		FROM postings WHERE facility_id = ? AND recorded_at > ? AND value_date <= ? AND account IN (` + inAccounts + `) GROUP BY account`
	args = append(append(args, fid, k, f), accounts...)
	if later {
		q += `
		UNION ALL SELECT 'l', 0, value_date, CAST(sum(amount) AS BIGINT), NULL, account FROM postings WHERE facility_id = ? AND value_date > ? AND account IN (` + inAccounts + `)` + recorded + ` GROUP BY value_date, account`
		args = append(append(append(args, fid, f), accounts...), k)
	}
	return q, args
}

func scanAvailability(rows *sql.Rows, err error, from date.Date, knownAt time.Time, later bool) (store.AvailabilityInputs, error) {
	return scanAvailabilityState(rows, err, from, knownAt, later, nil)
}

// scanAvailabilityState scans the availability statement's rows, and into
// rs (when not nil) the read state's (readStateRows).
func scanAvailabilityState(rows *sql.Rows, err error, from date.Date, knownAt time.Time, later bool, rs *store.ReadState) (store.AvailabilityInputs, error) {
	in := store.AvailabilityInputs{From: from, KnownAt: knownAt, Balances: ledger.Balances{}}
	if err != nil {
		return in, fmt.Errorf("availability inputs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, account string
		var id, amount int64
		var d Date
		var at Time
		if err := rows.Scan(&kind, &id, &d, &amount, &at, &account); err != nil {
			return in, err
		}
		switch kind {
		case "c":
			c := store.CertificateFigure{ID: id, AsOf: d.D, BorrowingBase: money.Amount(amount), DecidedAt: at.T}
			if account != "" {
				n, err := strconv.ParseInt(account, 10, 64)
				if err != nil {
					return in, fmt.Errorf("certificate %d: last-out base %q: %w", id, account, err)
				}
				lo := money.Amount(n)
				c.LastOutBase = &lo
			}
			in.Certificates = append(in.Certificates, c)
		case "n":
			in.ApprovedAfter = int(id)
		case "b":
			in.PostedAfter += int(id)
			in.Balances[ledger.Account(account)] += money.Amount(amount)
			if in.Balances[ledger.Account(account)] == 0 {
				delete(in.Balances, ledger.Account(account))
			}
		case "l":
			if amount != 0 {
				in.Later = append(in.Later, store.AccountDay{Day: d.D, Account: ledger.Account(account), Amount: money.Amount(amount)})
			}
		case "r":
			rs.Facts.N, rs.BusinessDate.Date, rs.Facts.Last = int(id), d.D, amount
		case "q":
			rs.After.Date, rs.After.RecordedAt, rs.Access = d.D, at.T, id
		case "s":
			rs.Reserves, rs.Docs.N, rs.Docs.Last = int(id), int(amount), at.T
		}
	}
	if err := rows.Err(); err != nil {
		return in, err
	}
	sortAvailability(&in)
	return in, nil
}

// sortAvailability puts the inputs' certificates and later days in their
// order (AvailabilityInputs).
func sortAvailability(in *store.AvailabilityInputs) {
	sort.Slice(in.Certificates, func(i, j int) bool {
		a, b := in.Certificates[i], in.Certificates[j]
		if a.AsOf != b.AsOf {
			return a.AsOf < b.AsOf
		}
		if !a.DecidedAt.Equal(b.DecidedAt) {
			return a.DecidedAt.Before(b.DecidedAt)
		}
		return a.ID < b.ID
	})
	sort.Slice(in.Later, func(i, j int) bool {
		a, b := in.Later[i], in.Later[j]
		return a.Day < b.Day || a.Day == b.Day && a.Account < b.Account
	})
}
