package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"revolver/store"
	"revolver/store/sqlite"
	"revolver/store/storetest"
	"revolver/store/testdb"
)

func open(t *testing.T) store.Store { return testdb.SQLite(t) }

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return testdb.SQLite(b) })
}

func TestAppendOnly(t *testing.T) {
	s := open(t).(*sqlite.Store)
	storetest.AppendOnly(t, s, s.W)
}

func TestBackup(t *testing.T) {
	s := open(t).(*sqlite.Store)
	ctx := context.Background()
	if _, err := s.CreateFacility(ctx, store.Facility{Slug: "f", Name: "F", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Facility(ctx, "f"); err != nil {
		t.Fatalf("backup: %v", err)
	}
}

func TestCertificatesFrozen(t *testing.T) {
	s := open(t).(*sqlite.Store)
	storetest.CertificatesFrozen(t, s, s.W)
}
