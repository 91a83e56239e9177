package storetest

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// CrashChild is the body of the process Kill9 kills: it posts single
// transactions (through Update) and batches of ten (PostBatch) to facility
// "f" of s, forever, and prints "ack KEY" on stdout after each commit
// returns.
func CrashChild(s store.Store, round string) {
	out := bufio.NewWriter(os.Stdout)
	vd := date.MustParse("2006-01-10")
	fail := func(err error) {
		fmt.Println("error", err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		key := fmt.Sprintf("r%s-%d", round, i)
		if i%3 == 2 {
			var batch []ledger.Transaction
			for j := 0; j < 10; j++ {
				tr, _ := ledger.LCDraw(ledger.Ref{Facility: "f", Key: fmt.Sprintf("%s-b%d", key, j), ValueDate: vd}, money.Amount(100+j))
				batch = append(batch, tr)
			}
			if _, err := s.PostBatch(ctx, batch); err != nil {
				fail(err)
			}
			for _, tr := range batch {
				fmt.Fprintln(out, "ack", tr.Key)
			}
		} else {
			tr, _ := ledger.Advance(ledger.Ref{Facility: "f", Key: key, ValueDate: vd}, money.Amount(1000+i))
			if err := s.Update(ctx, "f", func(tx store.Tx) error { _, err := tx.Post(tr); return err }); err != nil {
				fail(err)
			}
			fmt.Fprintln(out, "ack", key)
		}
		out.Flush()
	}
}

// Kill9 starts the test binary's child test (which must call CrashChild
// with REVOLVER_CRASH_ROUND as the round) again and again, kills it with
// SIGKILL at a random moment, and checks afterwards that every
// acknowledged transaction is stored, no batch is half stored and the
// invariants hold. open opens the store the children write to; env is
// added to the children's environment.
func Kill9(t *testing.T, open func() store.Store, child string, env []string, rounds int) {
	s := open()
	if _, err := s.CreateFacility(ctx, store.Facility{Slug: "f", Name: "F", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	acked := map[string]bool{}
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1")
		cmd.Env = append(append(os.Environ(), env...), fmt.Sprintf("REVOLVER_CRASH_ROUND=%d", round))
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
		// The kill comes at a random moment after the first acknowledgement
		// (so a slow start cannot make the round empty).
		var deadline <-chan time.Time
		startup := time.After(time.Minute)
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
					if n++; n == 1 {
						deadline = time.After(time.Duration(50+rand.IntN(400)) * time.Millisecond)
					}
				} else if strings.HasPrefix(l, "error") {
					t.Fatalf("round %d: child: %s", round, l)
				}
			case <-deadline:
				cmd.Process.Kill() // SIGKILL
				deadline = nil
			case <-startup:
				if n == 0 {
					cmd.Process.Kill()
				}
			}
		}
		cmd.Wait()
		if n == 0 {
			t.Fatalf("round %d: the child acknowledged nothing before it was killed", round)
		}
	}
	s = open()
	defer s.Close()
	// A killed child's last commit may still be finishing in a database
	// server after the process is gone: wait until what is stored stops
	// changing before the invariants are read.
	settle(t, s, "f")
	txs := CheckInvariants(t, s, "f")
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
	t.Logf("%d acknowledged, %d stored after %d kills", len(acked), len(txs), rounds)
}

// settle waits (up to 30 s) until two reads of the facility's transactions
// half a second apart agree.
func settle(t *testing.T, s store.Store, facility string) {
	t.Helper()
	prev := -1
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		txs, err := s.Transactions(ctx, facility)
		if err != nil {
			t.Fatal(err)
		}
		if len(txs) == prev {
			return
		}
		prev = len(txs)
	}
}
