// Package postgres is the PostgreSQL adapter of the store (jackc/pgx/v5,
// pgxpool).
//
// Serialisation: Update runs at READ COMMITTED and first takes a row lock
// on the facility (SELECT … FOR UPDATE), so updates of one facility run one
// after the other while other facilities proceed in parallel; each
// statement after the lock sees everything committed before it was
// granted, so the availability check inside Update still holds when the
// advance is posted. No serialisation-failure retries are needed.
// Durability is PostgreSQL's (synchronous_commit on). Bulk writes (posting
// batches, receivables) use COPY.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"revolver/date"
	"revolver/store"
	"revolver/store/sqlstore"
)

// Store is the PostgreSQL store.
type Store struct {
	*sqlstore.DB
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by url (postgres://…; a search_path
// parameter selects a schema) and applies the migrations.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	s, err := sqlstore.Open(ctx, dialect{}, db, db)
	if err != nil {
		db.Close()
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &Store{DB: s, pool: pool}, nil
}

// NewPool opens another connection pool to the store's database, with the
// store's connection settings (search_path included) and at most maxConns
// connections, for a component that holds connections of its own (the job
// queue listens on one): it never takes a connection the store's use cases
// need. The caller closes it.
func (s *Store) NewPool(ctx context.Context, maxConns int32) (*pgxpool.Pool, error) {
	cfg := s.pool.Config()
	cfg.MaxConns = maxConns
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return pool, nil
}

// Close closes the connections.
func (s *Store) Close() error {
	err := s.DB.Close()
	s.pool.Close()
	return err
}

type dialect struct{}

func (dialect) Name() string { return "postgres" }

// rebound caches Rebind's answers: the store's statements are a few
// hundred texts (those built per call, such as multi-row INSERTs of a
// given width, repeat too), and rebinding the longest on every call cost
// about 5% of a read's CPU. Bounded by maxRebound entries; beyond them,
// texts are rebound each time.
var (
	rebound  sync.Map // string → string
	nRebound atomic.Int32
)

const maxRebound = 4096

func (dialect) Rebind(q string) string {
	if r, ok := rebound.Load(q); ok {
		return r.(string)
	}
	r := rebind(q)
	if nRebound.Load() < maxRebound {
		if _, loaded := rebound.LoadOrStore(q, r); !loaded {
			nRebound.Add(1)
		}
	}
	return r
}

func rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (dialect) Date(d date.Date) any { return d.Time() }

// MigrationLock serialises migrations of processes starting together
// (a session advisory lock; the key is arbitrary but fixed).
func (dialect) MigrationLock() (string, string) {
	return `SELECT pg_advisory_lock(72680001)`, `SELECT pg_advisory_unlock(72680001)`
}
func (dialect) Time(t time.Time) any { return t }

func (dialect) IsUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// BeginFacility begins a READ COMMITTED transaction holding the facility's
// row lock.
func (d dialect) BeginFacility(ctx context.Context, db *sqlstore.DB, id int64) (*sql.Tx, error) {
	tx, err := db.W.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return nil, err
	}
	var got int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM facilities WHERE id = $1 FOR UPDATE`, id).Scan(&got); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// withPgx runs fn in a pgx transaction on one connection of the pool,
// observed as the write transaction name.
func withPgx(ctx context.Context, db *sqlstore.DB, name string, fn func(pgx.Tx) error) (err error) {
	start := time.Now()
	committed := false
	defer func() { db.Observed(name, start, committed) }()
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		committed = true
		return nil
	})
}

// WriteBatch allocates IDs from the sequence and COPYs transactions and
// postings.
func (dialect) WriteBatch(ctx context.Context, db *sqlstore.DB, rows []*sqlstore.Row, mark *sqlstore.Mark) error {
	return withPgx(ctx, db, "write_batch", func(tx pgx.Tx) error {
		if mark != nil {
			// Locking the facilities' rows: Updates in flight finish first,
			// new ones wait; the counts below then see them all. The rows
			// are marked once the accruals are written.
			seen, err := pgCounts(ctx, tx, `SELECT id, accrued_seen FROM facilities WHERE id = ANY($1) FOR UPDATE`, mark.FacilityIDs)
			if err != nil {
				return err
			}
			since, full := map[int64]int64{}, map[int64]int64{}
			minSeen, all := mark.Guarded()
			if minSeen >= 0 {
				if since, err = pgCounts(ctx, tx, db.D.Rebind(sqlstore.GuardSince), minSeen, mark.Through.Time()); err != nil {
					return err
				}
			}
			if len(all) > 0 {
				if full, err = pgCounts(ctx, tx, db.D.Rebind(sqlstore.GuardAll+`= ANY(?)`+sqlstore.GuardAllEnd), mark.Through.Time(), all); err != nil {
					return err
				}
			}
			if err := mark.Check(db, seen, since, full); err != nil {
				return err
			}
		}
		if len(rows) > 0 {
			ids, err := tx.Query(ctx, `SELECT nextval('transactions_id_seq') FROM generate_series(1, $1)`, len(rows))
			if err != nil {
				return err
			}
			i := 0
			for ids.Next() {
				if err := ids.Scan(&rows[i].T.ID); err != nil {
					ids.Close()
					return err
				}
				i++
			}
			ids.Close()
			if err := ids.Err(); err != nil {
				return err
			}
			i = 0
			_, err = tx.CopyFrom(ctx, pgx.Identifier{"transactions"}, []string{"id", "facility_id", "kind", "value_date", "key", "hash", "reverses", "memo", "recorded_at"},
				pgx.CopyFromFunc(func() ([]any, error) {
					if i == len(rows) {
						return nil, nil
					}
					r := rows[i]
					i++
					var rev any
					if r.T.Reverses != 0 {
						rev = r.T.Reverses
					}
					return []any{r.T.ID, r.FacilityID, string(r.T.Kind), r.T.ValueDate.Time(), r.T.Key, r.Hash[:], rev, r.T.Memo, recordedAt(r.T.RecordedAt)}, nil
				}))
			if err != nil {
				return err
			}
			i, j := 0, 0
			_, err = tx.CopyFrom(ctx, pgx.Identifier{"postings"}, []string{"tx_id", "seq", "facility_id", "account", "value_date", "amount", "recorded_at"},
				pgx.CopyFromFunc(func() ([]any, error) {
					for i < len(rows) && j == len(rows[i].T.Postings) {
						i, j = i+1, 0
					}
					if i == len(rows) {
						return nil, nil
					}
					r := rows[i]
					p := r.T.Postings[j]
					j++
					return []any{r.T.ID, int32(j - 1), r.FacilityID, string(p.Account), r.T.ValueDate.Time(), int64(p.Amount), recordedAt(r.T.RecordedAt)}, nil
				}))
			if err != nil {
				return err
			}
		}
		if mark != nil {
			// One update per row: accrued through the day (a facility
			// accrued further keeps its day, and carries nothing), the id
			// seen and the balances carried.
			ids, loans, receivable := mark.Carry(rows)
			_, err := tx.Exec(ctx, sqlstore.SeenUpdate+`,
	accrued_loans = CASE WHEN accrued_through IS NULL OR accrued_through <= $1 THEN v.loans END,
	accrued_receivable = CASE WHEN accrued_through IS NULL OR accrued_through <= $1 THEN v.receivable END,
	accrued_through = CASE WHEN accrued_through IS NULL OR accrued_through < $1 THEN $1 ELSE accrued_through END
FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS v(id, loans, receivable) WHERE facilities.id = v.id`,
				mark.Through.Time(), ids, loans, receivable)
			if err != nil {
				return err
			}
			if mark.Then != nil {
				if err := mark.Then(ctx, pgxExec{tx}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// pgCounts runs a query of (id, count) rows.
func pgCounts(ctx context.Context, tx pgx.Tx, query string, args ...any) (map[int64]int64, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlstore.Counts(rows)
}

// pgxExec is the sqlstore.Exec of a pgx transaction.
type pgxExec struct{ tx pgx.Tx }

func (x pgxExec) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := x.tx.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (x pgxExec) CopyRows(ctx context.Context, table string, cols []string, n int, row func(i int) []any) error {
	i := 0
	_, err := x.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		i++
		return row(i - 1), nil
	}))
	return err
}

func (x pgxExec) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Scanner {
	return x.tx.QueryRow(ctx, query, args...)
}

// InsertReceivables COPYs the rows.
func (dialect) InsertReceivables(ctx context.Context, db *sqlstore.DB, cert int64, rows []store.ReceivableRow) error {
	return withPgx(ctx, db, "insert_receivables", func(tx pgx.Tx) error {
		i := 0
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"certificate_receivables"},
			[]string{"certificate_id", "line", "debtor_id", "invoice_no", "invoice_date", "due_date", "amount", "disputed"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == len(rows) {
					return nil, nil
				}
				r := rows[i]
				i++
				return []any{cert, r.Line, r.DebtorID, r.InvoiceNo, r.InvoiceDate.Time(), r.DueDate.Time(), int64(r.Amount), r.Disputed}, nil
			}))
		return err
	})
}

// LookupKeys joins the keys, passed as two arrays, with transactions.
func (dialect) LookupKeys(ctx context.Context, db *sqlstore.DB, fids []int64, keys []string, fn func(int64, string, int64, []byte)) error {
	if len(keys) == 0 {
		return nil
	}
	rows, err := db.R.QueryContext(ctx, `SELECT t.facility_id, t.key, t.id, t.hash FROM unnest($1::bigint[], $2::text[]) AS k(f, key)
		JOIN transactions t ON t.facility_id = k.f AND t.key = k.key`, fids, keys)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var fid, id int64
		var key string
		var h []byte
		if err := rows.Scan(&fid, &key, &id, &h); err != nil {
			return err
		}
		fn(fid, key, id, h)
	}
	return rows.Err()
}

// recordedAt is a transaction's recorded time for COPY (NULL when none).
func recordedAt(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return store.Truncate(t)
}
