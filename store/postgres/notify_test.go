package postgres_test

import (
	"testing"

	"revolver/store"
	"revolver/store/storetest"
	"revolver/store/testdb"
)

func TestNotifyConformance(t *testing.T) {
	storetest.RunNotify(t, func(t *testing.T) store.Store { return testdb.Postgres(t) })
}

func TestNotifyAppendOnly(t *testing.T) {
	s := testdb.Postgres(t)
	storetest.NotifyAppendOnly(t, s, s.W)
}
