package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"revolver/store"
	"revolver/store/sqlite"
	"revolver/store/storetest"
)

// TestCrashChild is the process TestKill9 kills.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("REVOLVER_CRASH_DB")
	if path == "" {
		t.Skip("run by TestKill9")
	}
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.CrashChild(s, os.Getenv("REVOLVER_CRASH_ROUND"))
}

// TestKill9: a writing process killed with SIGKILL at random moments loses
// no acknowledged posting and leaves no half transaction.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	open := func() store.Store {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	storetest.Kill9(t, open, "TestCrashChild", []string{"REVOLVER_CRASH_DB=" + path}, 8)
}
