package app_test

import (
	"testing"

	"revolver/app/apptest"
	"revolver/store"
	"revolver/store/testdb"
)

// TestUseCases runs the use-case suite on SQLite, and on PostgreSQL when
// REVOLVER_TEST_DATABASE_URL is set.
func TestUseCases(t *testing.T) {
	for _, b := range testdb.Backends {
		t.Run(b.Name, func(t *testing.T) {
			apptest.Run(t, func(t *testing.T) store.Store { return b.Open(t) })
		})
	}
}

func BenchmarkUseCases(b *testing.B) {
	for _, be := range testdb.Backends {
		b.Run(be.Name, func(b *testing.B) {
			apptest.Bench(b, func(b *testing.B) store.Store { return be.Open(b) })
		})
	}
}
