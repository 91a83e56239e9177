// Package dial opens the store a command line names: a PostgreSQL URL
// (postgres:// or postgresql://) selects the PostgreSQL adapter, anything
// else is the path of a SQLite database file.
package dial

import (
	"context"
	"strings"

	"revolver/jobs"
	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/sqlite"
)

// Open opens the store named by target, running migrations: the store's,
// then the job queue's (River's tables, package jobs), so that a new
// database has both.
func Open(ctx context.Context, target string) (store.Store, error) {
	var st store.Store
	var err error
	if strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://") {
		st, err = postgres.Open(ctx, target)
	} else {
		st, err = sqlite.Open(ctx, target)
	}
	if err != nil {
		return nil, err
	}
	if err := jobs.Migrate(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
