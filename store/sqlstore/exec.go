package sqlstore

import (
	"context"
)

// Exec runs statements in one open database transaction: a *sql.Tx
// (TxExec), or a dialect's own transaction (the PostgreSQL dialect's
// batch writes run on pgx). The statements that must commit with more
// than one kind of write — appending an audit record, opening a business
// date — take an Exec, so that they join whichever transaction their
// change is written in.
type Exec interface {
	// Exec runs a statement, returning the rows it affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// QueryRow runs a query returning at most one row.
	QueryRow(ctx context.Context, query string, args ...any) Scanner
}

// Copier is an Exec that bulk-loads rows into a table (PostgreSQL's COPY):
// row(i) gives the values of row i, in cols' order.
type Copier interface {
	CopyRows(ctx context.Context, table string, cols []string, n int, row func(i int) []any) error
}

// Scanner is one row of a query (sql.ErrNoRows from Scan when there is none).
type Scanner interface {
	Scan(dest ...any) error
}

// TxExec is the Exec of a *sql.Tx (or of a facility transaction's
// preparedTx).
type TxExec struct{ Tx querier }

// Exec implements Exec.
func (t TxExec) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.Tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// QueryRow implements Exec.
func (t TxExec) QueryRow(ctx context.Context, query string, args ...any) Scanner {
	return t.Tx.QueryRowContext(ctx, query, args...)
}
