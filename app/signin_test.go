package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"revolver/auth"
	"revolver/date"
	"revolver/store"
)

// TestSignInLimits: failures count per account and, with a far higher
// limit, per address; another account's failures never block an account;
// two services on one database share the counts; every attempt is
// audited and the chain verifies.
func TestSignInLimits(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		acc := st.(store.Accounts)
		h, _ := auth.HashPassword("right password", auth.Params{Memory: 1024, Time: 1, Threads: 1})
		for _, e := range []string{"ann@bank.example", "bob@bank.example"} {
			if _, err := acc.CreateUser(ctx, store.User{Email: e, Role: store.RoleLenderOfficer, PasswordHash: h, Created: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		lim := auth.SignInLimits{PerAccount: 3, PerAddress: 6, Window: 10 * time.Minute}
		// Two server processes on one database.
		one := &Service{Store: st, Now: clock, SignInLimits: lim}
		two := &Service{Store: st, Now: clock, SignInLimits: lim}
		try := func(svc *Service, email, pw, addr string) string {
			t.Helper()
			_, err := svc.SignIn(WithActor(ctx, Actor{RequestID: "r", Via: "POST /api/v1/session"}), SignIn{Email: email, Password: pw, Address: addr, TTL: time.Hour})
			var se *SignInError
			switch {
			case err == nil:
				return "ok"
			case errors.As(err, &se):
				return se.Code
			}
			t.Fatal(err)
			return ""
		}
		steps := []struct {
			svc                   *Service
			email, pw, addr, want string
		}{
			{one, "ann@bank.example", "wrong", "10.0.0.1", "unauthorized"},
			{two, "ann@bank.example", "wrong", "10.0.0.2", "unauthorized"},
			{one, "ANN@bank.example", "wrong", "10.0.0.3", "unauthorized"},
			// Three failures on two servers from three addresses: ann waits,
			// even with the right password.
			{two, "ann@bank.example", "right password", "10.0.0.4", "rate_limited"},
			// bob, from the address of ann's failures, is not blocked.
			{one, "bob@bank.example", "right password", "10.0.0.1", "ok"},
			// Typos of other accounts, and an unknown one, from one address.
			{one, "bo@bank.example", "right password", "10.0.0.9", "unauthorized"},
			{two, "nobody@bank.example", "right password", "10.0.0.9", "unauthorized"},
			{one, "bob@bank.example", "wrong", "10.0.0.9", "unauthorized"},
			{two, "bob@bank.example", "right password", "10.0.0.9", "ok"},
		}
		for i, s := range steps {
			if got := try(s.svc, s.email, s.pw, s.addr); got != s.want {
				t.Fatalf("step %d (%s from %s): %s, want %s", i, s.email, s.addr, got, s.want)
			}
		}
		// The address limit (six) is reached by many accounts' failures.
		for _, e := range []string{"x1@bank.example", "x2@bank.example", "x3@bank.example"} {
			if got := try(one, e, "guess", "10.0.0.9"); got != "unauthorized" {
				t.Fatalf("%s: %s", e, got)
			}
		}
		if got := try(two, "bob@bank.example", "right password", "10.0.0.9"); got != "rate_limited" {
			t.Errorf("seven failures from one address: %s, want rate_limited", got)
		}
		if got := try(two, "bob@bank.example", "right password", "10.0.0.10"); got != "ok" {
			t.Errorf("bob from another address: %s", got)
		}
		// The window passes: ann signs in; a success clears her count.
		now = now.Add(10 * time.Minute)
		if got := try(one, "ann@bank.example", "right password", "10.0.0.4"); got != "ok" {
			t.Errorf("after the window: %s", got)
		}
		v, err := one.VerifyAudit(ctx)
		if err != nil || v.Break != nil || v.Records != len(steps)+3+3 {
			t.Fatalf("audit chain: %+v %v", v, err)
		}
		recs, _ := one.AuditTrail(ctx, store.AuditFilter{Kind: "session"})
		refused := 0
		for _, r := range recs {
			if r.Action != "sign_in" || r.Summary == "" || (r.Result == store.AuditRefused) == (r.Error == "") {
				t.Errorf("record %+v", r)
			}
			if r.Result == store.AuditRefused {
				refused++
			}
		}
		if refused != 11 {
			t.Errorf("%d refused sign-ins audited, want 11", refused)
		}
		if r := recs[3]; r.Error != "rate_limited" || r.Actor != "ann@bank.example" || r.Summary != "ann@bank.example tried to sign in: refused (rate_limited)" {
			t.Errorf("rate-limited record %+v", r)
		}
		if r := recs[4]; r.Role != store.RoleLenderOfficer || r.Summary != "bob@bank.example (lender officer) signed in" {
			t.Errorf("sign-in record %+v", r)
		}
		// Sign-out ends the session, audited.
		in, err := one.SignIn(ctx, SignIn{Email: "bob@bank.example", Password: "right password", Address: "10.0.0.10", TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if err := two.SignOut(WithActor(ctx, Actor{RequestID: "r2", Via: "DELETE /api/v1/session"}), in.User, in.Session); err != nil {
			t.Fatal(err)
		}
		if _, err := acc.Session(ctx, in.Session.IDSHA256, now); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("session after sign-out: %v", err)
		}
		recs, _ = one.AuditTrail(ctx, store.AuditFilter{Kind: "session", Newest: true, Limit: 1})
		if len(recs) != 1 || recs[0].Action != "sign_out" || recs[0].Summary != "bob@bank.example (lender officer) signed out" {
			t.Errorf("sign-out record %+v", recs)
		}
		if v, _ := one.VerifyAudit(ctx); v.Break != nil {
			t.Errorf("chain after sign-out: %+v", v.Break)
		}
	})
}

// TestAuditCSV: a header row, one row per record, and text a spreadsheet
// would run as a formula kept as text.
func TestAuditCSV(t *testing.T) {
	recs := []store.AuditRecord{
		{ID: 1, At: time.Date(2026, 3, 2, 9, 0, 0, 123456000, time.UTC), Actor: "=HYPERLINK(\"x\")", Kind: "session", Action: "sign_in",
			Result: "refused", Error: "unauthorized", Summary: "s, with a comma", Hash: "ab"},
		{ID: 2, At: time.Date(2026, 3, 2, 9, 1, 0, 0, time.UTC), Actor: "ann@bank.example", Facility: "btu", Kind: "advance", Action: "request",
			Amount: 1000050, Dated: date.MustParse("2003-10-20"), StatusAfter: "funded", Result: "done", Summary: "ann requested"},
	}
	var b bytes.Buffer
	if err := WriteAuditCSV(&b, recs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows %v %v", rows, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, c := range []struct {
		row        int
		name, want string
	}{
		{1, "recorded_at", "2026-03-02T09:00:00.123456Z"},
		{1, "actor", "'=HYPERLINK(\"x\")"},
		{1, "summary", "s, with a comma"},
		{1, "error", "unauthorized"},
		{1, "business_date", ""},
		{2, "amount", "10000.50"},
		{2, "facility", "btu"},
		{2, "status_after", "funded"},
		{2, "dated", "2003-10-20"},
	} {
		if got := rows[c.row][col[c.name]]; got != c.want {
			t.Errorf("row %d %s: %q, want %q", c.row, c.name, got, c.want)
		}
	}
}

// TestSignInInvalid: a sign-in without an email or a password, or with an
// email longer than any address, is invalid and stores nothing.
func TestSignInInvalid(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		svc := &Service{Store: st}
		for _, in := range []SignIn{
			{Email: "", Password: "x", Address: "a"},
			{Email: "ann@bank.example", Password: "", Address: "a"},
			{Email: strings.Repeat("a", 250) + "@b.cd", Password: "x", Address: "a"},
		} {
			if _, err := svc.SignIn(ctx, in); store.ErrorCode(err) != store.CodeInvalid {
				t.Errorf("%.20q: %v, want invalid", in.Email, err)
			}
		}
		acc := st.(store.Accounts)
		fails, fromAddr, err := acc.SignInFailures(ctx, strings.Repeat("a", 250)+"@b.cd", "a", time.Time{})
		recs, _ := acc.AuditRecords(ctx, 0, 10)
		if err != nil || len(fails)+len(fromAddr)+len(recs) != 0 {
			t.Errorf("stored: %v %v %v %v", fails, fromAddr, recs, err)
		}
	})
}

// Regression (security sweep): the limit was checked before hashing and
// the failure recorded after, so 100 simultaneous wrong passwords for one
// account were all hashed. The attempt is reserved first: of 40 at once,
// no more than the limit are checked against the password, the rest are
// refused by the limit; a successful sign-in afterwards (once the window
// passed) does not count against the address.
func TestSignInLimitsHoldUnderConcurrency(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		acc := st.(store.Accounts)
		h, _ := auth.HashPassword("right password", auth.Params{Memory: 1024, Time: 1, Threads: 1})
		if _, err := acc.CreateUser(ctx, store.User{Email: "ann@bank.example", Role: store.RoleLenderOfficer, PasswordHash: h, Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		lim := auth.SignInLimits{PerAccount: 5, PerAddress: 100, Window: 10 * time.Minute}
		svc := &Service{Store: st, Now: clock, SignInLimits: lim}
		const n = 40
		codes := make(chan string, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.SignIn(WithActor(ctx, Actor{RequestID: "r", Via: "POST /api/v1/session"}), SignIn{Email: "ann@bank.example", Password: "wrong", Address: "10.0.0.9", TTL: time.Hour})
				var se *SignInError
				if errors.As(err, &se) {
					codes <- se.Code
				} else {
					codes <- fmt.Sprint(err)
				}
			}()
		}
		wg.Wait()
		close(codes)
		count := map[string]int{}
		for c := range codes {
			count[c]++
		}
		if count[CodeUnauthorized] != lim.PerAccount || count[CodeRateLimited] != n-lim.PerAccount {
			t.Fatalf("40 wrong passwords at once: %v, want %d checked (unauthorized) and the rest rate_limited", count, lim.PerAccount)
		}
		mu.Lock()
		now = now.Add(11 * time.Minute)
		mu.Unlock()
		if _, err := svc.SignIn(WithActor(ctx, Actor{RequestID: "r", Via: "POST /api/v1/session"}), SignIn{Email: "ann@bank.example", Password: "right password", Address: "10.0.0.9", TTL: time.Hour}); err != nil {
			t.Fatalf("the right password after the window: %v", err)
		}
		fails, addr, err := acc.SignInFailures(ctx, "ann@bank.example", "10.0.0.9", now.Add(-time.Minute))
		if err != nil || len(fails) != 0 || len(addr) != 0 {
			t.Errorf("after the success: %d account and %d address failures counted (%v), want none", len(fails), len(addr), err)
		}
	})
}
