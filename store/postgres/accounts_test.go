package postgres_test

import (
	"testing"

	"revolver/store"
	"revolver/store/storetest"
	"revolver/store/testdb"
)

func TestAccountsConformance(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) store.Store { return testdb.Postgres(t) })
}
