package sqlstore

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"

	"revolver/store"
)

// ObserveTx makes o told of every write transaction from now on (nil:
// nobody); it implements store.TxObservable.
func (db *DB) ObserveTx(o store.TxObserver) {
	if o == nil {
		db.txObs.Store(nil)
		return
	}
	db.txObs.Store(&o)
}

// Observed tells the observer that the write transaction name, begun at
// start, ended now, committed or not. The dialects call it for the
// transactions they run on their own driver.
func (db *DB) Observed(name string, start time.Time, committed bool) {
	if o := db.txObs.Load(); o != nil {
		(*o)(name, time.Since(start), committed)
	}
}

// Tx is a write transaction whose end (the first Commit or Rollback) is
// told to the store's TxObserver with the time since it began, waiting
// for the write lock included.
type Tx struct {
	*sql.Tx
	db    *DB
	name  string
	start time.Time
	ended atomic.Bool
}

// begin begins the write transaction name (the store method's name, a
// label of the store's metrics) on the writer pool. Every write
// transaction begins here or in Track.
func (db *DB) begin(ctx context.Context, name string, opts *sql.TxOptions) (*Tx, error) {
	start := time.Now()
	tx, err := db.W.BeginTx(ctx, opts)
	if err != nil {
		db.Observed(name, start, false)
		return nil, err
	}
	return &Tx{Tx: tx, db: db, name: name, start: start}, nil
}

// Begin is begin for the dialects' own write transactions.
func (db *DB) Begin(ctx context.Context, name string, opts *sql.TxOptions) (*Tx, error) {
	return db.begin(ctx, name, opts)
}

// Track observes tx, begun at start by a dialect, as the transaction name.
func (db *DB) Track(name string, start time.Time, tx *sql.Tx) *Tx {
	return &Tx{Tx: tx, db: db, name: name, start: start}
}

// Commit commits and tells the observer.
func (t *Tx) Commit() error {
	err := t.Tx.Commit()
	t.end(err == nil)
	return err
}

// Rollback rolls back and tells the observer (once: a Rollback after the
// Commit is not a second transaction).
func (t *Tx) Rollback() error {
	err := t.Tx.Rollback()
	t.end(false)
	return err
}

func (t *Tx) end(committed bool) {
	if t.ended.CompareAndSwap(false, true) {
		t.db.Observed(t.name, t.start, committed)
	}
}
