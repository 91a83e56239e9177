package storetest

import (
	"testing"
	"time"

	"revolver/ledger"
	"revolver/store"
)

// testAccessVersion: the accounts' version that ReadState,
// ReadStateAndInputs and TokenCaller read is the same in one quiet
// database, is raised by every change to what makes a token's caller (a
// new user, a grant, a token, its revocation, a password, a role and
// its facilities, a user disabled and enabled) and by nothing else (a
// posting, a business date, a session), and is noted in the context's
// AccessCheck by both read-state reads, which confirm a caller read at
// that version and refuse one read before any change.
func testAccessVersion(t *testing.T, s store.Store, a store.Accounts) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	version := func() int64 {
		t.Helper()
		rs, err := s.ReadState(actx, "f", 0)
		if err != nil {
			t.Fatal(err)
		}
		rs2, _, err := s.ReadStateAndInputs(actx, "f", d("2006-01-02"), store.Everything, true)
		if err != nil {
			t.Fatal(err)
		}
		if rs.Access != rs2.Access || rs.Access == 0 {
			t.Fatalf("ReadState's accounts' version %d, ReadStateAndInputs' %d: want the same, not 0", rs.Access, rs2.Access)
		}
		return rs.Access
	}
	raised := func(what string, change func() error) {
		t.Helper()
		before := version()
		if err := change(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if after := version(); after <= before {
			t.Errorf("%s: accounts' version %d, then %d: want it raised", what, before, after)
		}
	}
	same := func(what string, change func() error) {
		t.Helper()
		before := version()
		if err := change(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if after := version(); after != before {
			t.Errorf("%s: accounts' version %d, then %d: want it unchanged", what, before, after)
		}
	}
	var u store.User
	raised("a user added", func() (err error) {
		u, err = a.AddUser(actx, store.User{Email: "dee@borrower.example", Role: store.RoleBorrower, PasswordHash: "h0", Created: t0}, []string{"f"}, nil)
		return err
	})
	raised("a facility granted", func() error { return a.GrantFacility(actx, u.ID, "g") })
	raised("a token added", func() error { return a.AddToken(actx, u.ID, "tk", t0, t0.Add(time.Hour), nil) })

	c, err := a.TokenCaller(actx, "tk", t0)
	if err != nil || c.User.ID != u.ID || !c.Expires.Equal(t0.Add(time.Hour)) || c.Access != version() || len(c.User.Facilities) != 2 {
		t.Fatalf("TokenCaller: %+v, %v; want user %d, expiring %s, at version %d, two facilities", c, err, u.ID, t0.Add(time.Hour), version())
	}
	check := func(want int64) *store.AccessCheck {
		t.Helper()
		k := &store.AccessCheck{Want: want}
		cx := store.WithAccessCheck(actx, k)
		if k.Confirmed() {
			t.Fatal("a check confirmed before any read")
		}
		if _, _, err := s.ReadStateAndInputs(cx, "f", d("2006-01-02"), store.Everything, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReadState(cx, "", 0); err != nil {
			t.Fatal(err)
		}
		return k
	}
	if !check(c.Access).Confirmed() {
		t.Error("a caller read at the current version: not confirmed")
	}

	same("a session", func() error {
		return a.CreateSession(actx, store.Session{IDSHA256: "s1", UserID: u.ID, CSRF: "c", Created: t0, Expires: t0.Add(time.Hour)})
	})
	same("a posting", func() error {
		tr, err := ledger.Advance(ref("f", "adv-1", "2006-01-02"), 100_00)
		post(t, s, tr, err)
		return nil
	})
	same("a business date", func() error {
		_, err := s.OpenBusinessDate(actx, store.BusinessDay{Date: d("2006-01-03"), RecordedBy: "x", RecordedAt: t0, Reason: "test"})
		return err
	})
	if !check(c.Access).Confirmed() {
		t.Error("after changes to nothing of the caller: not confirmed")
	}
	rec := &store.AuditRecord{At: t0, Actor: "admin@bank.example", RequestID: "r", Route: "test", Kind: "user", Action: "x"}
	raised("a token revoked", func() error { _, err := a.RevokeToken(actx, "tk", t0.Add(time.Minute), rec); return err })
	if check(c.Access).Confirmed() {
		t.Error("a caller read before its token was revoked: confirmed")
	}
	raised("a password set", func() error {
		_, err := a.SetPassword(actx, store.PasswordChange{UserID: u.ID, Hash: "h1", At: t0.Add(2 * time.Minute)}, rec)
		return err
	})
	raised("a role and its facilities", func() error {
		_, err := a.SetAccess(actx, u.ID, store.RoleBorrower, []string{"g"}, t0.Add(3*time.Minute), rec)
		return err
	})
	raised("a user disabled", func() error { return a.SetUserDisabled(actx, u.ID, true, t0.Add(4*time.Minute), rec) })
	raised("a user enabled", func() error { return a.SetUserDisabled(actx, u.ID, false, t0.Add(5*time.Minute), rec) })
}
