package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"revolver/app"
	"revolver/auth"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store/dial"
	"revolver/store/testdb"
)

// TestThreeProcessesOneAnswer starts three `revolver serve` processes on one
// PostgreSQL database and spreads requests over them, as a load balancer
// would: concurrent advances never exceed availability; an idempotency key
// replayed on another process returns the first answer (and one sent to all
// three at once is funded once); a change made through one process is seen
// by the next read through another (a repayment, an amendment, a token
// revoked, a user disabled); sign-in limits hold across them.
func TestThreeProcessesOneAnswer(t *testing.T) {
	url := testdb.PostgresURL(t)
	t0 := time.Date(2004, 10, 4, 15, 0, 0, 0, time.UTC)
	cli := func(stdin string, args ...string) string {
		t.Helper()
		out, err := revolver(t, stdin, append(args, "--database", url, "--clock", "fixed:"+t0.Format(time.RFC3339))...)
		if err != nil {
			t.Fatalf("revolver %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	example, err := filepath.Abs("../../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	cli("", "migrate")
	cli("", "facility", "add", "--slug", surfSlug, "--agreement", example, "--maker-checker-threshold", "14000000.00")
	lmaPerformedIn(t, url, surfSlug)
	const admin = "admin@bank.example"
	for _, u := range []struct{ email, role string }{{surfOfficer, "lender_officer"}, {surfCredit, "lender_officer"}, {surfBorrower, "borrower"}, {admin, "lender_admin"}} {
		args := []string{"user", "add", "--email", u.email, "--role", u.role, "--password-stdin"}
		if u.role == "borrower" {
			args = append(args, "--facility", surfSlug)
		}
		cli(surfPassword+"\n", args...)
	}
	ctx := context.Background()
	st, err := dial.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: func() time.Time { return t0 }}
	prime, _ := money.ParseRate("0.0475")
	if err := st.PutRate(ctx, "prime", ledger.RatePoint{Effective: date.MustParse("2004-09-22"), Value: prime}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenBusinessDate(ctx, date.FromTime(t0), "test", "start"); err != nil {
		t.Fatal(err)
	}
	files := certificateReports(t, filepath.Join(example, "data"))
	var cert struct{ ID int64 }
	json.Unmarshal([]byte(cli("", "certificate", "submit", "--slug", surfSlug, "--as", surfBorrower, "--as-of", surfLate.String(),
		"--receivables", filepath.Join(files[0], "receivables.csv"), "--debtors", filepath.Join(files[0], "debtors.csv"), "--inventory", filepath.Join(files[0], "inventory.csv"))), &cert)
	cli("", "certificate", "approve", "--slug", surfSlug, "--as", surfOfficer, "--id", strconv.FormatInt(cert.ID, 10))
	tokens := map[string]string{}
	for _, u := range []string{surfBorrower, surfOfficer, surfCredit, admin} {
		if tokens[u], _, err = svc.CreateToken(ctx, u, 0); err != nil {
			t.Fatal(err)
		}
	}
	// A second token of the borrower's, revoked later, and one of an
	// officer disabled later.
	const revoked, disabled = "revoked", "disabled"
	if tokens[revoked], _, err = svc.CreateToken(ctx, surfBorrower, 0); err != nil {
		t.Fatal(err)
	}
	if tokens[disabled], _, err = svc.CreateToken(ctx, surfCredit, 0); err != nil {
		t.Fatal(err)
	}

	bases := make([]string, 3)
	for i := range bases {
		bases[i] = startServer(t, "serve", "--database", url, "--addr", "127.0.0.1:0", "--clock", "from:"+t0.Add(time.Minute).Format(time.RFC3339))
	}
	call := func(i int, user, method, path string, body any, hdr ...string) (int, http.Header, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		r, _ := http.NewRequest(method, bases[i%3]+path, rd)
		if user != "" {
			r.Header.Set("Authorization", "Bearer "+tokens[user])
		}
		if body != nil {
			r.Header.Set("Content-Type", "application/json")
		}
		for j := 0; j+1 < len(hdr); j += 2 {
			r.Header.Set(hdr[j], hdr[j+1])
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b
	}
	fac := "/api/v1/facilities/" + surfSlug
	type avail struct {
		ToAdvance  money.Amount `json:"available_to_advance"`
		Loans      money.Amount `json:"loans_outstanding"`
		Commitment money.Amount `json:"commitment"`
	}
	availability := func(i int) avail {
		t.Helper()
		st, _, b := call(i, surfOfficer, "GET", fac+"/availability", nil)
		var a avail
		if err := json.Unmarshal(b, &a); st != 200 || err != nil {
			t.Fatalf("availability through process %d: %d %s", i, st, b)
		}
		return a
	}
	today := date.FromTime(t0).String()

	// An idempotency key replayed on another process returns the first
	// answer.
	st1, _, first := call(0, surfBorrower, "POST", fac+"/advances", map[string]string{"amount": "1000.00", "value_date": today}, "Idempotency-Key", "replay-1")
	if st1 != 201 {
		t.Fatalf("advance: %d %s", st1, first)
	}
	st2, h2, again := call(1, surfBorrower, "POST", fac+"/advances", map[string]string{"amount": "1000.00", "value_date": today}, "Idempotency-Key", "replay-1")
	if st2 != st1 || !bytes.Equal(again, first) || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replayed on another process: %d %q %s, want %d and the first answer %s", st2, h2.Get("Idempotent-Replayed"), again, st1, first)
	}
	// The same key sent to the three processes at once: funded once, and
	// every answer is the first's.
	before := availability(2).Loans
	var wg sync.WaitGroup
	answers := make([][]byte, 9)
	statuses := make([]int, 9)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, answers[i] = call(i, surfBorrower, "POST", fac+"/advances", map[string]string{"amount": "2000.00", "value_date": today}, "Idempotency-Key", "together-1")
		}()
	}
	wg.Wait()
	for i := range answers {
		if statuses[i] != 201 || !bytes.Equal(answers[i], answers[0]) {
			t.Fatalf("the same key at once, answer %d: %d %s, want 201 and %s", i, statuses[i], answers[i], answers[0])
		}
	}
	if got := availability(0).Loans; got != before+2000_00 {
		t.Fatalf("loans after one key sent nine times: %s, want %s", got, before+2000_00)
	}

	// Concurrent advances spread over the processes never exceed
	// availability: each asks for a twentieth of it, thirty at once.
	a := availability(0)
	if a.ToAdvance <= 0 {
		t.Fatalf("nothing to advance: %+v", a)
	}
	part := a.ToAdvance / 20
	var mu sync.Mutex
	funded, refused := 0, 0
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _, b := call(i, surfBorrower, "POST", fac+"/advances", map[string]string{"amount": part.String(), "value_date": today})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case st == 201:
				funded++
			case st == 422 && bytes.Contains(b, []byte(ledger.CodeAvailabilityExceeded)):
				refused++
			default:
				t.Errorf("advance %d: %d %s", i, st, b)
			}
		}()
	}
	wg.Wait()
	if funded != 20 || refused != 10 {
		t.Errorf("thirty advances of a twentieth of availability: %d funded, %d refused, want 20 and 10", funded, refused)
	}
	for i := range 3 {
		if got := availability(i); got.Loans != a.Loans+money.Amount(funded)*part || got.Loans > a.Loans+a.ToAdvance {
			t.Errorf("loans through process %d: %s, want %s (within availability %s)", i, got.Loans, a.Loans+money.Amount(funded)*part, a.ToAdvance)
		}
	}

	// A change made through one is seen by the next read through another.
	loans := availability(0).Loans
	if st, _, b := call(0, surfBorrower, "POST", fac+"/repayments", map[string]string{"amount": "5000.00", "value_date": today}); st != 201 {
		t.Fatalf("repayment: %d %s", st, b)
	}
	for i := 1; i < 3; i++ {
		if got := availability(i).Loans; got != loans-5000_00 {
			t.Errorf("loans through process %d after a repayment through process 0: %s, want %s", i, got, loans-5000_00)
		}
	}
	availability(2) // process 2 has the terms cached
	amend := app.AmendmentFile{Name: "2004-10-04-commitment-reduction.yaml", Content: `revolver: amendment/1
facility: btu-sovereign
id: commitment-reduction
document: loan-modification-agreement
effective: 2004-10-01
order: 9
changes:
  - op: replace
    path: commitment
    value: 12000000.00
    cite: loan-modification-agreement §1
`}
	st3, _, b := call(0, surfOfficer, "POST", fac+"/amendments", amend)
	var p struct{ ID int64 }
	if json.Unmarshal(b, &p); st3 != 202 || p.ID == 0 {
		t.Fatalf("amendment: %d %s", st3, b)
	}
	if st, _, b := call(1, surfCredit, "POST", fmt.Sprintf("%s/approvals/%d/approve", fac, p.ID), map[string]string{}); st != 200 {
		t.Fatalf("approving the amendment: %d %s", st, b)
	}
	if got := availability(2).Commitment; got != 12_000_000_00 {
		t.Errorf("commitment through process 2 after an amendment approved through process 1: %s, want 12000000.00", got)
	}

	// A token revoked through one process is refused by the next request
	// to another; so is every token of a user disabled through one.
	for i := range 3 {
		if st, _, b := call(i, revoked, "GET", fac+"/availability", nil); st != 200 {
			t.Fatalf("the borrower's second token through process %d: %d %s", i, st, b)
		}
	}
	if st, _, b := call(0, admin, "POST", "/api/v1/users/"+surfBorrower+"/tokens/"+auth.SHA256(tokens[revoked])+"/revoke", map[string]string{}); st != 200 {
		t.Fatalf("revoking a token through process 0: %d %s", st, b)
	}
	for i := 1; i < 3; i++ {
		if st, _, b := call(i, revoked, "GET", fac+"/availability", nil); st != 401 {
			t.Errorf("a token revoked through process 0, used through process %d: %d %s, want 401", i, st, b)
		}
	}
	if st, _, b := call(1, disabled, "GET", fac+"/availability", nil); st != 200 {
		t.Fatalf("the officer's token: %d %s", st, b)
	}
	if st, _, b := call(1, admin, "POST", "/api/v1/users/"+surfCredit+"/disable", map[string]string{}); st != 200 {
		t.Fatalf("disabling a user through process 1: %d %s", st, b)
	}
	for _, i := range []int{0, 2} {
		if st, _, b := call(i, disabled, "GET", fac+"/availability", nil); st != 401 {
			t.Errorf("a token of a user disabled through process 1, used through process %d: %d %s, want 401", i, st, b)
		}
	}
	if st, _, b := call(1, admin, "POST", "/api/v1/users/"+surfCredit+"/enable", map[string]string{}); st != 200 {
		t.Fatalf("enabling the user again: %d %s", st, b)
	}

	// Sign-in limits hold across the processes: twelve wrong passwords at
	// once over three processes are at most the account's limit checked,
	// and then even the right password is refused on every process.
	limit := 5 // auth.DefaultSignInLimits.PerAccount
	checked, limited := 0, 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _, b := call(i, "", "POST", "/api/v1/session", map[string]string{"email": surfCredit, "password": "not the password"})
			mu.Lock()
			defer mu.Unlock()
			switch st {
			case 401:
				checked++
			case 429:
				limited++
			default:
				t.Errorf("wrong password %d: %d %s", i, st, b)
			}
		}()
	}
	wg.Wait()
	if checked > limit || checked+limited != 12 {
		t.Errorf("twelve wrong passwords over three processes: %d checked, %d limited, want at most %d checked", checked, limited, limit)
	}
	for i := range 3 {
		if st, _, b := call(i, "", "POST", "/api/v1/session", map[string]string{"email": surfCredit, "password": surfPassword}); st != 429 {
			t.Errorf("the right password through process %d after the limit: %d %s, want 429", i, st, b)
		}
	}
}

var servingRe = regexp.MustCompile(`serving .* on (https?://[0-9.:]+)/`)

// startServer runs the revolver command (a real process) with args until
// the test ends and returns the base URL it says it serves on.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("revolver", args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case base := <-found:
		return base
	case <-time.After(60 * time.Second):
		t.Fatalf("revolver %s did not say where it serves\n%s", strings.Join(args, " "), stderr.String())
		return ""
	}
}
