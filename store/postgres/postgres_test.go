package postgres_test

import (
	"context"
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
