// Package sqlstore implements store.Store over database/sql. It is shared by
// the SQLite and PostgreSQL adapters, which supply a Dialect: placeholders,
// column encodings, the facility lock and bulk writes. Everything that is
// not a difference between the two databases is written once, here.
package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"revolver/date"
	"revolver/store"
)

//go:embed migrations
var migrations embed.FS

// Dialect is what differs between databases.
type Dialect interface {
	// Name is "sqlite" or "postgres": the migrations directory.
	Name() string
	// Rebind turns ? placeholders into the database's.
	Rebind(q string) string
	// Date and Time encode a date and a timestamp as query arguments.
	Date(d date.Date) any
	Time(t time.Time) any
	// IsUnique reports a unique-constraint violation.
	IsUnique(err error) bool
	// BeginFacility starts the transaction of Update for the facility with
	// the given id, holding that facility's write lock until it ends.
	BeginFacility(ctx context.Context, db *DB, facilityID int64) (*sql.Tx, error)
	// WriteBatch inserts new transactions and their postings (assigning
	// IDs) and, if mark is not nil, marks facilities accrued and runs
	// mark.Then, in one durable database transaction.
	WriteBatch(ctx context.Context, db *DB, rows []*Row, mark *Mark) error
	// LookupKeys calls fn for each (facility id, key) pair already stored,
	// with the transaction's id and content hash.
	LookupKeys(ctx context.Context, db *DB, fids []int64, keys []string, fn func(fid int64, key string, id int64, hash []byte)) error
	// InsertReceivables bulk-inserts a certificate's receivable rows in one
	// database transaction.
	InsertReceivables(ctx context.Context, db *DB, certificate int64, rows []store.ReceivableRow) error
}

// Mark says facilities are accrued through a day. Guards holds, by
// facility id, what the accrual was computed from; WriteBatch locks the
// facilities before it counts again and calls Check, and carries the
// balances Carry returns.
type Mark struct {
	Through     date.Date
	FacilityIDs []int64
	Guards      map[int64]store.AccrualGuard
	// Then, if set, runs last in the batch's database transaction (after
	// the transactions and the marks are written): an error from it
	// stores nothing.
	Then func(ctx context.Context, x Exec) error
	// carry are the balances read, by facility id (Carry).
	carry map[int64]Carried
	// close is what CommitAccrual commits with the batch (postBatch makes
	// Then of it).
	close *store.AccrualClose
}

// Check compares, under the lock, the facilities' accrued_seen (seen) and
// the counts of GuardSince (since) and GuardAll (full) with the guards.
func (m *Mark) Check(db *DB, seen, since, full map[int64]int64) error {
	for _, id := range m.FacilityIDs {
		g := m.Guards[id]
		got := full[id]
		if g.Carried {
			got = since[id]
			if seen[id] != g.Seen {
				return store.Errorf(store.CodeConflict, "close of business %s: facility %q was closed by another run while interest was computed; run it again",
					m.Through, db.slugOf(id))
			}
		}
		if got != g.Postings {
			return store.Errorf(store.CodeConflict, "close of business %s: the loans or the interest receivable of facility %q changed while interest was computed (%d postings, now %d); run it again",
				m.Through, db.slugOf(id), g.Postings, got)
		}
	}
	return nil
}

// DB is a store.Store over database/sql.
type DB struct {
	// W runs writes; R runs reads outside Update (the same pool for
	// PostgreSQL; a separate reader pool for SQLite).
	W, R *sql.DB
	D    Dialect

	// txObs is told of every write transaction (ObserveTx).
	txObs atomic.Pointer[store.TxObserver]

	// triggerKeys are the trigger keys known stored (triggers.go).
	triggerKeys sync.Map

	mu   sync.RWMutex
	fids map[string]int64
	fsl  map[int64]string
}

var _ store.Store = (*DB)(nil)

// Open runs the embedded migrations not yet applied and returns the store.
func Open(ctx context.Context, d Dialect, w, r *sql.DB) (*DB, error) {
	db := &DB{W: w, R: r, D: d, fids: map[string]int64{}, fsl: map[int64]string{}}
	if err := db.migrate(ctx); err != nil {
		return nil, err
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.W.Close()
	if db.R != db.W {
		if e := db.R.Close(); err == nil {
			err = e
		}
	}
	return err
}

func (db *DB) q(s string) string { return db.D.Rebind(s) }

// MigrationLocker is implemented by a dialect whose database needs an
// explicit lock so that processes starting together migrate one at a time
// (SQLite's IMMEDIATE transactions already do).
type MigrationLocker interface {
	// MigrationLock returns the statements taking and releasing a
	// session-level lock.
	MigrationLock() (lock, unlock string)
}

func (db *DB) migrate(ctx context.Context) error {
	if ml, ok := db.D.(MigrationLocker); ok {
		conn, err := db.W.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		lock, unlock := ml.MigrationLock()
		if _, err := conn.ExecContext(ctx, lock); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), unlock)
	}
	dir := "migrations/" + db.D.Name()
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		body, err := fs.ReadFile(migrations, dir+"/"+name)
		if err != nil {
			return err
		}
		tx, err := db.W.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT count(*) FROM schema_migrations WHERE version = ?`), name).Scan(&n); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if n > 0 {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version) VALUES (?)`), name); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

// querier is *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// facilityID resolves a slug (facilities are never deleted, so the mapping
// is cached).
func (db *DB) facilityID(ctx context.Context, q querier, slug string) (int64, error) {
	db.mu.RLock()
	id, ok := db.fids[slug]
	db.mu.RUnlock()
	if ok {
		return id, nil
	}
	err := q.QueryRowContext(ctx, db.q(`SELECT id FROM facilities WHERE slug = ?`), slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.Errorf(store.CodeNotFound, "facility %q not found", slug)
	}
	if err != nil {
		return 0, fmt.Errorf("facility %q: %w", slug, err)
	}
	db.remember(slug, id)
	return id, nil
}

func (db *DB) remember(slug string, id int64) {
	db.mu.Lock()
	db.fids[slug] = id
	db.fsl[id] = slug
	db.mu.Unlock()
}

func (db *DB) slugOf(id int64) string {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.fsl[id]
}

// putBlob stores content by SHA-256 and returns the hex digest.
func (db *DB) putBlob(ctx context.Context, q querier, content []byte) (string, error) {
	sum := sha256.Sum256(content)
	h := hex.EncodeToString(sum[:])
	if content == nil {
		content = []byte{}
	}
	stored, enc := db.encodeBlob(content)
	_, err := q.ExecContext(ctx, db.q(`INSERT INTO blobs (sha256, size, content, encoding) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`),
		h, int64(len(content)), stored, enc)
	if err != nil {
		return "", fmt.Errorf("store blob: %w", err)
	}
	return h, nil
}

// PutBlob stores content by SHA-256 in its own transaction.
func (db *DB) PutBlob(ctx context.Context, content []byte) (string, error) {
	return db.putBlob(ctx, db.W, content)
}

// Blob returns content by SHA-256.
func (db *DB) Blob(ctx context.Context, h string) ([]byte, error) {
	return db.blob(ctx, db.R, strings.ToLower(h))
}

// Date scans a date column encoded as days (SQLite) or DATE (PostgreSQL).
type Date struct {
	D     date.Date
	Valid bool
}

// Scan implements sql.Scanner.
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
	case int64:
		*d = Date{date.Date(x), true}
	case time.Time:
		*d = Date{date.FromTime(x), true}
	default:
		return fmt.Errorf("scan date: unexpected %T", v)
	}
	return nil
}

// Time scans a timestamp encoded as Unix microseconds (SQLite) or
// TIMESTAMPTZ (PostgreSQL).
type Time struct {
	T     time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (t *Time) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*t = Time{}
	case int64:
		*t = Time{time.UnixMicro(x).UTC(), true}
	case time.Time:
		*t = Time{x.UTC(), true}
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func (db *DB) nullDate(d date.Date) any {
	if d == 0 {
		return nil
	}
	return db.D.Date(d)
}

func (db *DB) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.D.Time(store.Truncate(t))
}

func rollback(tx interface{ Rollback() error }) { _ = tx.Rollback() }

// Ready reports whether the database answers and has every migration this
// build knows applied (a process started on an older schema, or on a
// database being migrated, is not ready).
func (db *DB) Ready(ctx context.Context) error {
	dir := "migrations/" + db.D.Name()
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return err
	}
	want := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			want++
		}
	}
	var have int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if have < want {
		return fmt.Errorf("database: %d of %d migrations applied; run revolver migrate", have, want)
	}
	return nil
}
