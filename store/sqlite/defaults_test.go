package sqlite_test

import (
	"testing"

	"revolver/store/sqlite"
	"revolver/store/storetest"
)

func TestFactsAppendOnly(t *testing.T) {
	s := open(t).(*sqlite.Store)
	storetest.FactsAppendOnly(t, s, s.W)
}
