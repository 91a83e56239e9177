package sqlite_test

import (
	"testing"

	"revolver/store/storetest"
	"revolver/store/testdb"
)

func TestNotifyConformance(t *testing.T) { storetest.RunNotify(t, open) }

func TestNotifyAppendOnly(t *testing.T) {
	s := testdb.SQLite(t)
	storetest.NotifyAppendOnly(t, s, s.W)
}
