package dial_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revolver/store"
	"revolver/store/dial"
	"revolver/store/postgres"
	"revolver/store/sqlite"
	"revolver/store/testdb"
)

// TestOpenExistingNeverCreates: a missing SQLite file and a PostgreSQL
// database without revolver's schema are refused and left as they were;
// once created (Open), both open.
func TestOpenExistingNeverCreates(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		target func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing.db") }},
		{"postgres", func(t *testing.T) string { return testdb.PostgresURL(t) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			target := c.target(t)
			_, err := dial.OpenExisting(ctx, target)
			var nd *dial.NoDatabaseError
			if !errors.As(err, &nd) {
				t.Fatalf("OpenExisting on no database: %v, want a NoDatabaseError", err)
			}
			if c.name == "sqlite" {
				if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("the file was created: %v", err)
				}
			}
			// Still nothing: the refusal created no schema either.
			if _, err := dial.OpenExisting(ctx, target); !errors.As(err, &nd) {
				t.Fatalf("OpenExisting again: %v, want a NoDatabaseError", err)
			}
			st, err := dial.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			st, err = dial.OpenExisting(ctx, target)
			if err != nil {
				t.Fatalf("OpenExisting on a created database: %v", err)
			}
			defer st.Close()
			// Ready: the database answers with every migration applied.
			rc := st.(store.ReadyChecker)
			if err := rc.Ready(ctx); err != nil {
				t.Fatalf("Ready on a migrated database: %v", err)
			}
			var w *sql.DB
			switch s := st.(type) {
			case *sqlite.Store:
				w = s.W
			case *postgres.Store:
				w = s.W
			}
			if _, err := w.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
				t.Fatal(err)
			}
			if err := rc.Ready(ctx); err == nil || !strings.Contains(err.Error(), "migrations applied") {
				t.Errorf("Ready with a migration missing: %v, want it named", err)
			}
		})
	}
}
