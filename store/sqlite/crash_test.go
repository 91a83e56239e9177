package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/sqlite"
	"revolver/store/storetest"
)

// TestCrashChild is the process TestKill9 kills: it posts single
// transactions and batches of ten to the database named by
// REVOLVER_CRASH_DB and prints "ack KEY" after each acknowledged commit.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("REVOLVER_CRASH_DB")
	if path == "" {
		t.Skip("run by TestKill9")
	}
	round := os.Getenv("REVOLVER_CRASH_ROUND")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	vd := date.MustParse("2006-01-10")
	for i := 0; ; i++ {
		key := fmt.Sprintf("r%s-%d", round, i)
		if i%3 == 2 {
			var batch []ledger.Transaction
			for j := 0; j < 10; j++ {
				tr, _ := ledger.LCDraw(ledger.Ref{Facility: "f", Key: fmt.Sprintf("%s-b%d", key, j), ValueDate: vd}, money.Amount(100+j))
				batch = append(batch, tr)
			}
			if _, err := s.PostBatch(ctx, batch); err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			for _, tr := range batch {
				fmt.Fprintln(out, "ack", tr.Key)
			}
		} else {
			tr, _ := ledger.Advance(ledger.Ref{Facility: "f", Key: key, ValueDate: vd}, money.Amount(1000+i))
			err := s.Update(ctx, "f", func(tx store.Tx) error { _, err := tx.Post(tr); return err })
			if err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			fmt.Fprintln(out, "ack", key)
		}
		out.Flush()
	}
}

// TestKill9 kills a writing process with SIGKILL at random moments, again
// and again, and checks afterwards that every acknowledged transaction is
// stored, no batch is half stored and the ledger invariants hold.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateFacility(ctx, store.Facility{Slug: "f", Name: "F", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	acked := map[string]bool{}
	for round := 0; round < 8; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "REVOLVER_CRASH_DB="+path, fmt.Sprintf("REVOLVER_CRASH_ROUND=%d", round))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		deadline := time.After(time.Duration(150+rand.IntN(400)) * time.Millisecond)
		killed := false
		n := 0
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				if k, found := strings.CutPrefix(l, "ack "); found {
					acked[k] = true
					n++
				} else if strings.HasPrefix(l, "error") {
					t.Fatalf("round %d: child: %s", round, l)
				}
			case <-deadline:
				if !killed {
					cmd.Process.Kill() // SIGKILL
					killed = true
				}
			}
		}
		cmd.Wait()
		if n == 0 {
			t.Fatalf("round %d: the child acknowledged nothing before it was killed", round)
		}
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	txs := storetest.CheckInvariants(t, s, "f")
	stored := map[string]bool{}
	batches := map[string]int{}
	for _, tr := range txs {
		stored[tr.Key] = true
		if i := strings.LastIndex(tr.Key, "-b"); i > 0 {
			batches[tr.Key[:i]]++
		}
	}
	for k := range acked {
		if !stored[k] {
			t.Errorf("acknowledged transaction %s lost", k)
		}
	}
	for b, n := range batches {
		if n != 10 {
			t.Errorf("batch %s: %d of 10 transactions stored", b, n)
		}
	}
	t.Logf("%d acknowledged, %d stored after 8 kills", len(acked), len(txs))
}
