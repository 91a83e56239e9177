package postgres_test

import (
	"testing"

	"revolver/store"
	"revolver/store/storetest"
)

func TestAccountsConformance(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) store.Store { return Open(t) })
}
