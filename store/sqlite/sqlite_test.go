package sqlite_test

import (
	"bytes"
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

// TestBlobsCompressed: SQLite keeps a large content that compresses as an
// S2 stream (half an aging's size or less), a small one and one that
// does not compress as given; each reads back as put.
func TestBlobsCompressed(t *testing.T) {
	s := open(t).(*sqlite.Store)
	ctx := context.Background()
	aging, noise := storetest.LargeAging(4<<20), storetest.Noise(1<<20)
	for _, c := range []struct {
		name    string
		content []byte
		enc     string
		atMost  int // stored bytes
	}{
		{"aging", aging, "s2", len(aging) / 2},
		{"small", []byte("customer_id,name\nC1,Acme\n"), "", 100},
		{"noise", noise, "", len(noise)},
	} {
		h, err := s.PutBlob(ctx, c.content)
		if err != nil {
			t.Fatal(err)
		}
		var enc string
		var stored, size int
		if err := s.R.QueryRow(`SELECT encoding, length(content), size FROM blobs WHERE sha256 = ?`, h).Scan(&enc, &stored, &size); err != nil {
			t.Fatal(err)
		}
		if enc != c.enc || stored > c.atMost || size != len(c.content) {
			t.Errorf("%s of %d bytes stored as %q, %d bytes (size %d); want %q, at most %d", c.name, len(c.content), enc, stored, size, c.enc, c.atMost)
		}
		b, err := s.Blob(ctx, h)
		if err != nil || !bytes.Equal(b, c.content) {
			t.Errorf("%s read back as %d bytes (%v), not the content", c.name, len(b), err)
		}
	}
}
