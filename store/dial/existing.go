package dial

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"

	"revolver/store"
)

// NoDatabaseError says that target names no revolver database: no SQLite
// file there, or a PostgreSQL database without revolver's schema.
type NoDatabaseError struct {
	Target string
	// Postgres: the database exists but has no revolver schema.
	Postgres bool
}

func (e *NoDatabaseError) Error() string {
	if e.Postgres {
		return "the database has no revolver schema (create it with revolver migrate)"
	}
	return fmt.Sprintf("no database at %s (create one with revolver migrate --db %s, or load the example with revolver demo --db %s)", e.Target, e.Target, e.Target)
}

// OpenExisting is Open for a database that exists already: a SQLite file
// that is there, a PostgreSQL database that has revolver's schema (the
// migrations not yet applied then are). It never creates one; a target
// without one is a *NoDatabaseError.
func OpenExisting(ctx context.Context, target string) (store.Store, error) {
	if isPostgres(target) {
		conn, err := pgx.Connect(ctx, target)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		var has bool
		err = conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&has)
		conn.Close(ctx)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		if !has {
			return nil, &NoDatabaseError{Target: target, Postgres: true}
		}
		return Open(ctx, target)
	}
	fi, err := os.Stat(target)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &NoDatabaseError{Target: target}
	}
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a database file", target)
	}
	return Open(ctx, target)
}

func isPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}
