package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// writeStmts caches the statements of facility transactions prepared on
// the writer pool (SQLite: one connection), so that a change does not
// parse its SQL again: database/sql reuses a statement already prepared on
// the transaction's connection. PostgreSQL's driver caches its own.
var writeStmts sync.Map // stmtKey → *sql.Stmt

// writeStmtsN counts the cached statements; past maxWriteStmts (statements
// built with a varying number of rows, say) the rest run unprepared.
var writeStmtsN atomic.Int64

const maxWriteStmts = 512

// preparedTx is a facility transaction whose statements go through
// writeStmts. A statement not yet prepared runs unprepared and is prepared
// after the transaction ends (prepareMissed): the transaction holds the
// writer connection, which preparing on the pool would wait for.
type preparedTx struct {
	*sql.Tx
	db     *DB
	missed *[]string
}

func (p preparedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if p.db.D.Name() != "sqlite" {
		return nil
	}
	k := stmtKey{p.db, q}
	if st, ok := writeStmts.Load(k); ok {
		return p.Tx.StmtContext(ctx, st.(*sql.Stmt))
	}
	if p.missed != nil && writeStmtsN.Load() < maxWriteStmts {
		*p.missed = append(*p.missed, q)
	}
	return nil
}

// prepareMissed prepares, on the writer pool, the statements a finished
// transaction ran unprepared (one failing to prepare is left out: it runs
// unprepared again).
func (db *DB) prepareMissed(ctx context.Context, missed []string) {
	if db.D.Name() != "sqlite" {
		return
	}
	for _, q := range missed {
		k := stmtKey{db, q}
		if _, ok := writeStmts.Load(k); ok || writeStmtsN.Load() >= maxWriteStmts {
			continue
		}
		st, err := db.W.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		if _, loaded := writeStmts.LoadOrStore(k, st); loaded {
			st.Close()
		} else {
			writeStmtsN.Add(1)
		}
	}
}

func (p preparedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.Tx.QueryContext(ctx, q, args...)
}

func (p preparedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.Tx.QueryRowContext(ctx, q, args...)
}

func (p preparedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.Tx.ExecContext(ctx, q, args...)
}
