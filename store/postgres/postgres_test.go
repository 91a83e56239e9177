package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/storetest"
)

const envURL = "REVOLVER_TEST_DATABASE_URL"

var schemaSeq atomic.Int64

// Schema creates a schema of its own for the test in the database named by
// REVOLVER_TEST_DATABASE_URL, dropped when the test ends, and returns the
// URL selecting it.
func Schema(t testing.TB) string {
	url := os.Getenv(envURL)
	if url == "" {
		t.Skip("PostgreSQL tests skipped: set " + envURL + "=postgres://postgres@127.0.0.1:5432/DB?sslmode=disable to run them")
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

// Open opens a store in a schema of the test's own.
func Open(t testing.TB) *postgres.Store {
	url := Schema(t)
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return Open(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return Open(b) })
}

func TestAppendOnly(t *testing.T) {
	s := Open(t)
	storetest.AppendOnly(t, s, s.W)
}

// Processes starting together migrate one at a time.
func TestConcurrentOpen(t *testing.T) {
	url := Schema(t)
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			s, err := postgres.Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestCertificatesFrozen(t *testing.T) {
	s := Open(t)
	storetest.CertificatesFrozen(t, s, s.W)
}
