package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"revolver/store"
	"revolver/store/sqlite"
)

// A database with certificates from before migration 0007 (which rebuilds
// the certificates table) keeps them, their inputs, their ids and the
// freezing triggers.
func TestMigrationRebuildsCertificates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "revolver.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	dir := filepath.Join("..", "sqlstore", "migrations", "sqlite")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)`)
	for _, n := range names {
		if n >= "0007" {
			break
		}
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		exec(string(b))
		exec(`INSERT INTO schema_migrations VALUES (?)`, n)
	}
	at := time.Date(2006, 1, 2, 15, 0, 0, 0, time.UTC).UnixMicro()
	exec(`INSERT INTO facilities (id, slug, name, created) VALUES (1, 'f', 'F', ?)`, at)
	exec(`INSERT INTO blobs VALUES ('b1', 2, '{}'), ('r1', 1, 'r')`)
	exec(`INSERT INTO certificates (id, facility_id, as_of, status, prepared_by, created_at, body_sha256, borrowing_base, submitted_by, submitted_at, reviewer, decided_at)
		VALUES (3, 1, 13179, 'approved', 'b', ?, 'b1', 500, 'b', ?, 'l', ?)`, at, at, at)
	exec(`INSERT INTO certificates (id, facility_id, as_of, status, supersedes, prepared_by, created_at, body_sha256, borrowing_base, submitted_by, submitted_at)
		VALUES (7, 1, 13179, 'submitted', 3, 'b', ?, 'b1', 600, 'b', ?)`, at, at)
	exec(`INSERT INTO certificates (id, facility_id, as_of, status, prepared_by, created_at) VALUES (8, 1, 13210, 'draft', 'b', ?)`, at)
	exec(`INSERT INTO certificate_inputs VALUES (3, 0, 'receivables.csv', 'r1'), (7, 0, 'receivables.csv', 'r1')`)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.Certificates(ctx, "f")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range list {
		got = append(got, strings.Join([]string{c.AsOf.String(), string(c.Status), c.BorrowingBase.String(), c.BodySHA256}, " "))
		if c.ID != 8 && (len(c.Inputs) != 1 || c.Inputs[0].SHA256 != "r1") {
			t.Errorf("certificate %d inputs %+v", c.ID, c.Inputs)
		}
	}
	want := []string{"2006-01-31 approved 5.00 b1", "2006-01-31 submitted 6.00 b1", "2006-03-03 draft 0.00 "}
	if !reflect.DeepEqual(got, want) || list[0].ID != 3 || list[1].ID != 7 || list[1].Supersedes != 3 || list[2].ID != 8 {
		t.Fatalf("after the migration: %v (%+v), want %v", got, list, want)
	}
	rows, err := s.W.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign key violations after the migration")
	}
	rows.Close()
	for _, q := range []string{`UPDATE certificates SET borrowing_base = 1 WHERE id = 3`, `DELETE FROM certificates WHERE id = 3`} {
		if _, err := s.W.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: accepted after the migration", q)
		}
	}
	w, err := s.DecideCertificate(ctx, 7, store.Decision{Status: store.Withdrawn, Reviewer: "b", At: time.Now()})
	if err != nil || w.Status != store.Withdrawn {
		t.Fatalf("withdraw after the migration: %+v, %v", w, err)
	}
	n, err := s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: list[0].AsOf, PreparedBy: "b", CreatedAt: time.Now()})
	if err != nil || n.ID != 9 {
		t.Fatalf("a new certificate after the migration: %+v, %v", n, err)
	}
}
