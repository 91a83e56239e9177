package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"revolver/store"
)

// RunAccounts is the conformance suite of store.Accounts: users and their
// facilities, tokens, sessions, kept responses, pending approvals, sign-in
// attempts and the audit chain (including concurrent appends, the fields
// of a record and its filters, and the records that close of business and
// a rate commit with their changes).
func RunAccounts(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s store.Store, a store.Accounts)
	}{
		{"Users", testUsers},
		{"TokensSessions", testTokensSessions},
		{"RevokeAccess", testRevokeAccess},
		{"UserChanges", testUserChanges},
		{"AccessVersion", testAccessVersion},
		{"IdempotentResponses", testIdempotentResponses},
		{"Pending", testPending},
		{"PendingRefused", testPendingRefused},
		{"Audit", testAudit},
		{"AuditFields", testAuditFields},
		{"SignInAttempts", testSignInAttempts},
		{"CloseAudited", testCloseAudited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			a, ok := s.(store.Accounts)
			if !ok {
				t.Fatalf("%T does not implement store.Accounts", s)
			}
			tc.fn(t, s, a)
		})
	}
}

var actx = context.Background()

func wantCodeA(t *testing.T, err error, code string) {
	t.Helper()
	if got := store.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
}

func testUsers(t *testing.T, s store.Store, a store.Accounts) {
	if _, err := s.CreateFacility(actx, store.Facility{Slug: "f", Name: "F", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	u, err := a.CreateUser(actx, store.User{Email: " Ann@Bank.Example ", Role: store.RoleBorrower, PasswordHash: "h", Created: time.Now()})
	if err != nil || u.ID == 0 || u.Email != "ann@bank.example" {
		t.Fatalf("create: %+v %v", u, err)
	}
	_, err = a.CreateUser(actx, store.User{Email: "ann@bank.example", Role: store.RoleAuditor, PasswordHash: "h"})
	wantCodeA(t, err, store.CodeConflict)
	_, err = a.CreateUser(actx, store.User{Email: "x@y", Role: "king", PasswordHash: "h"})
	wantCodeA(t, err, store.CodeInvalid)
	_, err = a.CreateUser(actx, store.User{Email: "nobody", Role: store.RoleAuditor, PasswordHash: "h"})
	wantCodeA(t, err, store.CodeInvalid)
	for i := 0; i < 2; i++ {
		if err := a.GrantFacility(actx, u.ID, "f"); err != nil {
			t.Fatal(err)
		}
	}
	wantCodeA(t, a.GrantFacility(actx, u.ID, "nope"), store.CodeNotFound)
	got, err := a.UserByEmail(actx, "ANN@bank.example")
	if err != nil || got.ID != u.ID || fmt.Sprint(got.Facilities) != "[f]" || got.PasswordHash != "h" {
		t.Fatalf("by email: %+v %v", got, err)
	}
	if got, err := a.UserByID(actx, u.ID); err != nil || got.Email != u.Email {
		t.Fatalf("by id: %+v %v", got, err)
	}
	_, err = a.UserByEmail(actx, "bob@bank.example")
	wantCodeA(t, err, store.CodeNotFound)
}

func testTokensSessions(t *testing.T, s store.Store, a store.Accounts) {
	u, _ := a.CreateUser(actx, store.User{Email: "a@b.c", Role: store.RoleAuditor, PasswordHash: "h", Created: time.Now()})
	if err := a.CreateToken(actx, u.ID, "abc", time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantCodeA(t, a.CreateToken(actx, u.ID, "abc", time.Now(), time.Now().Add(time.Hour)), store.CodeConflict)
	if got, err := a.UserByToken(actx, "abc", time.Now()); err != nil || got.ID != u.ID {
		t.Fatalf("by token: %+v %v", got, err)
	}
	_, err := a.UserByToken(actx, "abd", time.Now())
	wantCodeA(t, err, store.CodeNotFound)
	now := time.Now()
	if err := a.CreateSession(actx, store.Session{IDSHA256: "s1", UserID: u.ID, CSRF: "c", Created: now, Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Session(actx, "s1", now); err != nil || got.UserID != u.ID || got.CSRF != "c" {
		t.Fatalf("session: %+v %v", got, err)
	}
	_, err = a.Session(actx, "s1", now.Add(time.Hour))
	wantCodeA(t, err, store.CodeNotFound) // expired
	if err := a.DeleteSession(actx, "s1"); err != nil {
		t.Fatal(err)
	}
	_, err = a.Session(actx, "s1", now)
	wantCodeA(t, err, store.CodeNotFound)
}

func testIdempotentResponses(t *testing.T, s store.Store, a store.Accounts) {
	r := store.IdempotentResponse{UserID: 1, Key: "k", RequestHash: "h1", Status: 201, Body: []byte(`{"a":1}`), Created: time.Now()}
	_, err := a.IdempotentResponse(actx, 1, "k")
	wantCodeA(t, err, store.CodeNotFound)
	if _, first, err := a.PutIdempotentResponse(actx, r); err != nil || !first {
		t.Fatalf("first put: %v %v", first, err)
	}
	r2 := r
	r2.RequestHash, r2.Body = "h2", []byte("other")
	kept, first, err := a.PutIdempotentResponse(actx, r2)
	if err != nil || first || kept.RequestHash != "h1" || string(kept.Body) != `{"a":1}` || kept.Status != 201 {
		t.Fatalf("second put: %+v %v %v", kept, first, err)
	}
	// Keys are per user.
	r3 := r2
	r3.UserID = 2
	if _, first, err := a.PutIdempotentResponse(actx, r3); err != nil || !first {
		t.Fatalf("other user: %v %v", first, err)
	}
	// FinishRequest: response and audit together, or neither.
	rec := store.AuditRecord{At: time.Now(), Actor: "x", RequestID: "r", Route: "POST /x"}
	r4 := store.IdempotentResponse{UserID: 1, Key: "k4", RequestHash: "h", Status: 200, Body: []byte("{}"), Created: time.Now()}
	if _, first, err := a.FinishRequest(actx, &rec, &r4); err != nil || !first {
		t.Fatalf("finish: %v %v", first, err)
	}
	if kept, first, err := a.FinishRequest(actx, &rec, &r4); err != nil || first || kept.Key != "k4" {
		t.Fatalf("finish again: %+v %v %v", kept, first, err)
	}
	recs, _ := a.AuditRecords(actx, 0, 10)
	if len(recs) != 1 {
		t.Fatalf("%d audit records after a repeated finish", len(recs))
	}
}

func testPending(t *testing.T, s store.Store, a store.Accounts) {
	s.CreateFacility(actx, store.Facility{Slug: "f", Name: "F", Created: time.Now()})
	p, err := a.CreatePending(actx, store.Pending{Facility: "f", Kind: "waiver", Payload: json.RawMessage(`{"event":"e"}`), RequestedBy: "ann", RequestedAt: time.Now()})
	if err != nil || p.ID == 0 || p.Status != store.PendingRequested {
		t.Fatalf("create: %+v %v", p, err)
	}
	_, err = a.CreatePending(actx, store.Pending{Facility: "nope", Kind: "waiver", Payload: json.RawMessage(`{}`)})
	wantCodeA(t, err, store.CodeNotFound)
	d, err := a.DecidePending(actx, p.ID, store.PendingApproved, "bob", "ok", time.Now())
	if err != nil || d.Status != store.PendingApproved || d.DecidedBy != "bob" || d.Comment != "ok" || string(d.Payload) != `{"event":"e"}` {
		t.Fatalf("decide: %+v %v", d, err)
	}
	_, err = a.DecidePending(actx, p.ID, store.PendingRejected, "bob", "", time.Now())
	wantCodeA(t, err, store.CodeConflict)
	_, err = a.DecidePending(actx, p.ID, "maybe", "bob", "", time.Now())
	wantCodeA(t, err, store.CodeInvalid)
	list, err := a.PendingList(actx, "f")
	if err != nil || len(list) != 1 || list[0].Status != store.PendingApproved {
		t.Fatalf("list: %+v %v", list, err)
	}
}

func testAudit(t *testing.T, s store.Store, a store.Accounts) {
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := a.AppendAudit(actx, store.AuditRecord{At: time.Now(), Actor: fmt.Sprintf("w%d", w), RequestID: fmt.Sprint(i), Route: "POST /x",
					After: json.RawMessage(fmt.Sprintf(`{"i":%d}`, i))})
				errs <- err
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	recs, err := a.AuditRecords(actx, 0, 1000)
	if err != nil || len(recs) != workers*each {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if b := store.VerifyAudit(0, "", recs); b != nil {
		t.Fatalf("chain of concurrent appends broken: %+v", b)
	}
	// Verifying in pages gives the same answer.
	if b := store.VerifyAudit(recs[39].ID, recs[39].Hash, recs[40:]); b != nil {
		t.Fatalf("second page: %+v", b)
	}
	// Any change of content, link or order is found.
	for name, mut := range map[string]func(r []store.AuditRecord){
		"actor":  func(r []store.AuditRecord) { r[5].Actor = "mallory" },
		"after":  func(r []store.AuditRecord) { r[5].After = json.RawMessage(`{"i":99}`) },
		"time":   func(r []store.AuditRecord) { r[5].At = r[5].At.Add(time.Microsecond) },
		"link":   func(r []store.AuditRecord) { r[5].PrevHash = r[3].Hash },
		"hash":   func(r []store.AuditRecord) { r[5].Hash = r[4].Hash },
		"delete": func(r []store.AuditRecord) { copy(r[5:], r[6:]) },
	} {
		c := append([]store.AuditRecord(nil), recs...)
		mut(c)
		if b := store.VerifyAudit(0, "", c); b == nil || b.ID != c[5].ID && b.ID != c[6].ID {
			t.Errorf("%s: verify %+v", name, b)
		}
	}
}

// testPendingRefused: a pending action without a kind, a JSON payload, who
// requested it or when is refused as invalid, as is a decision without who
// or when; nothing is stored.
func testPendingRefused(t *testing.T, s store.Store, a store.Accounts) {
	newFacility(t, s, "f")
	ok := store.Pending{Facility: "f", Kind: "amendment", Payload: json.RawMessage(`{}`), RequestedBy: "officer@bank", RequestedAt: t0}
	for name, mutate := range map[string]func(p *store.Pending){
		"no kind":          func(p *store.Pending) { p.Kind = "" },
		"no requester":     func(p *store.Pending) { p.RequestedBy = "" },
		"no time":          func(p *store.Pending) { p.RequestedAt = time.Time{} },
		"no payload":       func(p *store.Pending) { p.Payload = nil },
		"payload not JSON": func(p *store.Pending) { p.Payload = json.RawMessage(`{`) },
	} {
		p := ok
		mutate(&p)
		_, err := a.CreatePending(actx, p)
		if store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	p, err := a.CreatePending(actx, ok)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		by string
		at time.Time
	}{"no decider": {"", t0}, "no time": {"credit@bank", time.Time{}}} {
		if _, err := a.DecidePending(actx, p.ID, store.PendingApproved, c.by, "", c.at); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	got, err := a.Pending(actx, p.ID)
	if err != nil || got.Status != store.PendingRequested {
		t.Errorf("after refused decisions: %+v, %v", got, err)
	}
}
