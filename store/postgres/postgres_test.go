package postgres_test

import (
	"context"
	"strings"
	"testing"

	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/storetest"
	"revolver/store/testdb"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return testdb.Postgres(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return testdb.Postgres(b) })
}

func TestAppendOnly(t *testing.T) {
	s := testdb.Postgres(t)
	storetest.AppendOnly(t, s, s.W)
}

// Processes starting together migrate one at a time.
func TestConcurrentOpen(t *testing.T) {
	url := testdb.PostgresURL(t)
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
	s := testdb.Postgres(t)
	storetest.CertificatesFrozen(t, s, s.W)
}

// TestEveryAppendOnlyTableRefusesTruncate: TRUNCATE fires no row trigger,
// so every table whose DELETE a row trigger refuses has a TRUNCATE
// trigger too (0105, 0181), and TRUNCATE of it is refused. A table added
// later without one fails here.
func TestEveryAppendOnlyTableRefusesTruncate(t *testing.T) {
	s := testdb.Postgres(t)
	rows, err := s.W.Query(`SELECT c.relname, bool_or((t.tgtype & 32) <> 0)
		FROM pg_class c JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
		GROUP BY c.relname
		HAVING bool_or((t.tgtype & 1) <> 0 AND (t.tgtype & 2) <> 0 AND (t.tgtype & 8) <> 0)
		ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		var truncate bool
		if err := rows.Scan(&name, &truncate); err != nil {
			t.Fatal(err)
		}
		if !truncate {
			t.Errorf("%s refuses DELETE by a row trigger but has no TRUNCATE trigger", name)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 30 {
		t.Fatalf("%d append-only tables found (%v): the query reads the wrong schema", len(tables), tables)
	}
	for _, tbl := range tables {
		if _, err := s.W.Exec(`TRUNCATE ` + tbl + ` CASCADE`); err == nil || !strings.Contains(err.Error(), "cannot be truncated") {
			t.Errorf("TRUNCATE %s: %v, want refused", tbl, err)
		}
	}
}
