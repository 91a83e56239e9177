// Package testdb opens empty stores for tests: SQLite in the test's
// temporary directory, always; PostgreSQL in a schema of the test's own in
// the database named by REVOLVER_TEST_DATABASE_URL, skipping the test when
// that variable is not set. Suites that run against every store loop over
// Backends.
package testdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/sqlite"
)

// EnvURL names the PostgreSQL database the tests use.
const EnvURL = "REVOLVER_TEST_DATABASE_URL"

// Backends are the stores a suite runs against, by name.
var Backends = []struct {
	Name string
	Open func(t testing.TB) store.Store
}{
	{"sqlite", func(t testing.TB) store.Store { return SQLite(t) }},
	{"postgres", func(t testing.TB) store.Store { return Postgres(t) }},
}

// SQLite opens a store in a new database file in the test's temporary
// directory, closed when the test ends.
func SQLite(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "revolver.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Postgres opens a store in a schema of the test's own (PostgresURL),
// closed when the test ends.
func Postgres(t testing.TB) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var schemaSeq atomic.Int64

// PostgresURL creates a schema of the test's own in the database named by
// EnvURL, dropped when the test ends, and returns the URL selecting it. It
// skips the test when EnvURL is not set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		t.Skip("PostgreSQL tests skipped: set " + EnvURL + "=postgres://postgres@127.0.0.1:5432/DB?sslmode=disable to run them")
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("revolver_test_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}
