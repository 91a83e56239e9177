// Package sqlite is the embedded SQLite adapter of the store (pure Go,
// modernc.org/sqlite; no C toolchain needed).
//
// Durability and serialisation: the database runs in WAL mode with
// synchronous=FULL, so a commit that returned is on disk. All writes go
// through one connection whose transactions begin IMMEDIATE (taking the
// database's write lock at BEGIN); Update is therefore serialised per
// facility (in fact per database), and another process writing the same
// file waits up to the busy timeout. Reads run on a separate pool of
// connections, each seeing the last committed state.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"revolver/date"
	"revolver/store"
	"revolver/store/sqlstore"
)

// Store is the SQLite store.
type Store struct {
	*sqlstore.DB
	path       string
	stop, done chan struct{}
	closeOnce  sync.Once
	closeErr   error
}

// Open opens (creating if needed) the database file at path and applies
// the migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := func(txlock string) string { return dsn(path, txlock) }
	w, err := sql.Open("sqlite", dsn("immediate")+"&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	d := &dialect{}
	db, err := sqlstore.Open(ctx, d, w, r)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if d.txStmt, err = w.PrepareContext(ctx, txInsert+values(chunk, txCols)); err == nil {
		if d.pStmt, err = w.PrepareContext(ctx, pInsert+values(chunk, pCols)); err == nil {
			d.lookupStmt, err = r.PrepareContext(ctx, lookupQuery(lookupChunk))
		}
	}
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	st := &Store{DB: db, path: path, stop: make(chan struct{}), done: make(chan struct{})}
	go st.checkpointer()
	return st, nil
}

// dsn is the data source name of the database file at path with the
// store's pragmas, its transactions beginning as txlock says.
func dsn(path, txlock string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)", "temp_store(MEMORY)", "cache_size(-65536)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", txlock)
	return "file:" + path + "?" + q.Encode()
}

// NewPool opens another pool of one connection on the store's database
// file, with the store's pragmas and IMMEDIATE transactions, for a
// component that runs its own statements and transactions beside the
// store's (the job queue): it waits for the write lock as another process
// would, and never takes the store's own writer connection. The caller
// closes it.
func (s *Store) NewPool(ctx context.Context) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(s.path, "immediate"))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", s.path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", s.path, err)
	}
	return db, nil
}

// checkpointer copies the write-ahead log into the database file from a
// reader connection, off the commit path (the writer's automatic
// checkpoints are turned off). A PASSIVE checkpoint never blocks writers or
// readers.
func (s *Store) checkpointer() {
	defer close(s.done)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.R.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// Close stops the checkpointer, checkpoints and closes the database (once:
// closing again returns the first Close's result).
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		s.R.ExecContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`)
		s.closeErr = s.DB.Close()
	})
	return s.closeErr
}

var _ store.Store = (*Store)(nil)

// Backup writes a consistent copy of the database to dest (online: the
// store stays usable), with VACUUM INTO.
func (s *Store) Backup(ctx context.Context, dest string) error {
	_, err := s.R.ExecContext(ctx, `VACUUM INTO ?`, dest)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// dialect holds the batch insert statements, prepared once on the single
// writer connection.
type dialect struct {
	txStmt, pStmt *sql.Stmt
	lookupStmt    *sql.Stmt // on the reader pool
}

const (
	txInsert = `INSERT INTO transactions (id, facility_id, kind, value_date, key, hash, reverses, memo, recorded_at) VALUES `
	pInsert  = `INSERT INTO postings (tx_id, seq, facility_id, account, value_date, amount, recorded_at) VALUES `
	txCols   = 9
	pCols    = 7
)

func (dialect) Name() string { return "sqlite" }

// CompressBlobs: SQLite stores values as given; the store compresses the
// large contents (sqlstore.encodeBlob).
func (dialect) CompressBlobs() bool    { return true }
func (dialect) Rebind(q string) string { return q }
func (dialect) Date(d date.Date) any   { return int64(d) }
func (dialect) Time(t time.Time) any   { return t.UnixMicro() }
func (dialect) IsUnique(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "PRIMARY KEY constraint failed"))
}

// BeginFacility begins an IMMEDIATE transaction on the single writer
// connection: it holds the database's write lock.
func (dialect) BeginFacility(ctx context.Context, db *sqlstore.DB, _ int64) (*sql.Tx, error) {
	return db.W.BeginTx(ctx, nil)
}

const chunk = 128

func values(n, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", n), ",")
}

// WriteBatch inserts with multi-row statements; IDs continue from the
// largest stored, which is safe under the write lock.
func (d *dialect) WriteBatch(ctx context.Context, db *sqlstore.DB, rows []*sqlstore.Row, mark *sqlstore.Mark) error {
	tx, err := db.Begin(ctx, "write_batch", nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if mark != nil {
		st, err := tx.PrepareContext(ctx, `UPDATE facilities SET accrued_through = ? WHERE id = ? AND (accrued_through IS NULL OR accrued_through < ?)`)
		if err != nil {
			return err
		}
		for _, id := range mark.FacilityIDs {
			if _, err := st.ExecContext(ctx, int64(mark.Through), id, int64(mark.Through)); err != nil {
				return err
			}
		}
		// Under the write lock: the counts see every posting stored.
		seen, err := sqliteCounts(ctx, tx.Tx, `SELECT id, accrued_seen FROM facilities`)
		if err != nil {
			return err
		}
		since, full := map[int64]int64{}, map[int64]int64{}
		minSeen, all := mark.Guarded()
		if minSeen >= 0 {
			if since, err = sqliteCounts(ctx, tx.Tx, sqlstore.GuardSince, minSeen, int64(mark.Through)); err != nil {
				return err
			}
		}
		if len(all) > 0 {
			list, err := json.Marshal(all)
			if err != nil {
				return err
			}
			if full, err = sqliteCounts(ctx, tx.Tx, sqlstore.GuardAll+`IN (SELECT value FROM json_each(?))`+sqlstore.GuardAllEnd, int64(mark.Through), string(list)); err != nil {
				return err
			}
		}
		if err := mark.Check(db, seen, since, full); err != nil {
			return err
		}
	}
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM transactions`).Scan(&next); err != nil {
		return err
	}
	var fullTx, fullP *sql.Stmt
	targs := make([]any, 0, chunk*txCols)
	pargs := make([]any, 0, chunk*4*pCols)
	np := 0
	flushP := func(force bool) error {
		for np >= chunk || (force && np > 0) {
			n := min(np, chunk)
			var err error
			if n == chunk {
				if fullP == nil {
					fullP = tx.StmtContext(ctx, d.pStmt)
				}
				_, err = fullP.ExecContext(ctx, pargs[:n*pCols]...)
			} else {
				_, err = tx.ExecContext(ctx, pInsert+values(n, pCols), pargs[:n*pCols]...)
			}
			if err != nil {
				return err
			}
			pargs = append(pargs[:0], pargs[n*pCols:]...)
			np -= n
		}
		return nil
	}
	for i := 0; i < len(rows); i += chunk {
		part := rows[i:min(i+chunk, len(rows))]
		targs = targs[:0]
		for _, r := range part {
			next++
			r.T.ID = next
			var rev any
			if r.T.Reverses != 0 {
				rev = r.T.Reverses
			}
			var rec any
			if !r.T.RecordedAt.IsZero() {
				rec = r.T.RecordedAt.UnixMicro()
			}
			targs = append(targs, r.T.ID, r.FacilityID, string(r.T.Kind), int64(r.T.ValueDate), r.T.Key, r.Hash[:], rev, r.T.Memo, rec)
			for seq, p := range r.T.Postings {
				pargs = append(pargs, r.T.ID, seq, r.FacilityID, string(p.Account), int64(r.T.ValueDate), int64(p.Amount), rec)
				np++
			}
		}
		if len(part) == chunk {
			if fullTx == nil {
				fullTx = tx.StmtContext(ctx, d.txStmt)
			}
			_, err = fullTx.ExecContext(ctx, targs...)
		} else {
			_, err = tx.ExecContext(ctx, txInsert+values(len(part), txCols), targs...)
		}
		if err != nil {
			return err
		}
		if err := flushP(false); err != nil {
			return err
		}
	}
	if err := flushP(true); err != nil {
		return err
	}
	if mark != nil {
		// The id seen and the balances carried (none by a facility
		// accrued further than the day).
		st, err := tx.PrepareContext(ctx, sqlstore.SeenUpdate+`,
	accrued_loans = CASE WHEN accrued_through = ? THEN ? END,
	accrued_receivable = CASE WHEN accrued_through = ? THEN ? END WHERE id = ?`)
		if err != nil {
			return err
		}
		ids, loans, receivable := mark.Carry(rows)
		day := int64(mark.Through)
		for i, id := range ids {
			if _, err := st.ExecContext(ctx, day, loans[i], day, receivable[i], id); err != nil {
				return err
			}
		}
		if mark.Then != nil {
			if err := mark.Then(ctx, sqlstore.TxExec{Tx: tx}); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// sqliteCounts runs a query of (id, count) rows.
func sqliteCounts(ctx context.Context, tx *sql.Tx, query string, args ...any) (map[int64]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlstore.Counts(rows)
}

// InsertReceivables inserts rows with multi-row statements in one
// transaction.
func (dialect) InsertReceivables(ctx context.Context, db *sqlstore.DB, cert int64, rows []store.ReceivableRow) error {
	tx, err := db.Begin(ctx, "insert_receivables", nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const cols = 8
	const ins = `INSERT INTO certificate_receivables (certificate_id, line, debtor_id, invoice_no, invoice_date, due_date, amount, disputed) VALUES `
	full, err := tx.PrepareContext(ctx, ins+values(chunk, cols))
	if err != nil {
		return err
	}
	args := make([]any, 0, chunk*cols)
	for i := 0; i < len(rows); i += chunk {
		part := rows[i:min(i+chunk, len(rows))]
		args = args[:0]
		for _, r := range part {
			d := int64(0)
			if r.Disputed {
				d = 1
			}
			args = append(args, cert, r.Line, r.DebtorID, r.InvoiceNo, int64(r.InvoiceDate), int64(r.DueDate), int64(r.Amount), d)
		}
		if len(part) == chunk {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, ins+values(len(part), cols), args...)
		}
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

const lookupChunk = 500

func lookupQuery(n int) string {
	return `SELECT t.facility_id, t.key, t.id, t.hash FROM (VALUES ` + values(n, 2) + `) AS k
			CROSS JOIN transactions t ON t.facility_id = k.column1 AND t.key = k.column2`
}

// LookupKeys joins a VALUES list with the unique (facility_id, key) index,
// in chunks. CROSS JOIN keeps the VALUES list as the outer loop (SQLite
// would otherwise be free to scan transactions).
func (d *dialect) LookupKeys(ctx context.Context, db *sqlstore.DB, fids []int64, keys []string, fn func(int64, string, int64, []byte)) error {
	for i := 0; i < len(keys); i += lookupChunk {
		n := min(lookupChunk, len(keys)-i)
		args := make([]any, 0, 2*n)
		for j := i; j < i+n; j++ {
			args = append(args, fids[j], keys[j])
		}
		var rows *sql.Rows
		var err error
		if n == lookupChunk && d.lookupStmt != nil {
			rows, err = d.lookupStmt.QueryContext(ctx, args...)
		} else {
			rows, err = db.R.QueryContext(ctx, lookupQuery(n), args...)
		}
		if err != nil {
			return err
		}
		for rows.Next() {
			var fid, id int64
			var key string
			var h []byte
			if err := rows.Scan(&fid, &key, &id, &h); err != nil {
				rows.Close()
				return err
			}
			fn(fid, key, id, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
