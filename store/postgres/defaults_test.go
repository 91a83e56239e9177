package postgres_test

import (
	"testing"

	"revolver/store/storetest"
	"revolver/store/testdb"
)

func TestFactsAppendOnly(t *testing.T) {
	s := testdb.Postgres(t)
	storetest.FactsAppendOnly(t, s, s.W)
}
