package postgres_test

import (
	"testing"

	"revolver/store/storetest"
)

func TestFactsAppendOnly(t *testing.T) {
	s := Open(t)
	storetest.FactsAppendOnly(t, s, s.W)
}
