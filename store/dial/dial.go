// Package dial opens the store a command line names: a PostgreSQL URL
// (postgres:// or postgresql://) selects the PostgreSQL adapter, anything
// else is the path of a SQLite database file.
package dial

import (
	"context"
	"strings"

	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/sqlite"
)

// Open opens the store named by target, running migrations.
func Open(ctx context.Context, target string) (store.Store, error) {
	if strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://") {
		return postgres.Open(ctx, target)
	}
	return sqlite.Open(ctx, target)
}
