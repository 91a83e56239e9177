package postgres_test

import (
	"context"
	"os"
	"testing"

	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/storetest"
	"revolver/store/testdb"
)

// TestCrashChild is the process TestKill9 kills.
func TestCrashChild(t *testing.T) {
	url := os.Getenv("REVOLVER_CRASH_URL")
	if url == "" {
		t.Skip("run by TestKill9")
	}
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	storetest.CrashChild(s, os.Getenv("REVOLVER_CRASH_ROUND"))
}

// TestKill9: a client process killed with SIGKILL at random moments loses
// no acknowledged posting and leaves no half transaction.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	url := testdb.PostgresURL(t)
	open := func() store.Store {
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	storetest.Kill9(t, open, "TestCrashChild", []string{"REVOLVER_CRASH_URL=" + url}, 6)
}
