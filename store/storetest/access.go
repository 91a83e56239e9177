package storetest

import (
	"testing"
	"time"

	"revolver/store"
)

// testRevokeAccess: tokens expire and are revoked, sessions are listed and
// ended, and disabling a user ends every session and revokes every token
// in one transaction with its audit record; enabling again brings back
// neither.
func testRevokeAccess(t *testing.T, s store.Store, a store.Accounts) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	u, err := a.CreateUser(actx, store.User{Email: "ann@bank.example", Role: store.RoleLenderOfficer, PasswordHash: "h", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.CreateUser(actx, store.User{Email: "bob@bank.example", Role: store.RoleLenderOfficer, PasswordHash: "h", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	wantCodeA(t, a.CreateToken(actx, u.ID, "never", t0, t0), store.CodeInvalid)
	for _, h := range []string{"t1", "t2"} {
		if err := a.AddToken(actx, u.ID, h, t0, t0.Add(24*time.Hour), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.AddToken(actx, other.ID, "t3", t0, t0.Add(24*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	// Expiry: valid until the instant it expires, then not found.
	if _, err := a.UserByToken(actx, "t1", t0.Add(24*time.Hour-time.Second)); err != nil {
		t.Fatalf("a token before it expires: %v", err)
	}
	_, err = a.UserByToken(actx, "t1", t0.Add(24*time.Hour))
	wantCodeA(t, err, store.CodeNotFound)

	rec := func(what string) *store.AuditRecord {
		return &store.AuditRecord{At: t0, Actor: "admin@bank.example", RequestID: "r", Route: "test", Kind: what, Action: "x"}
	}
	tok, err := a.RevokeToken(actx, "t1", t0.Add(time.Minute), rec("token"))
	if err != nil || !tok.Revoked.Equal(t0.Add(time.Minute)) {
		t.Fatalf("revoke: %+v %v", tok, err)
	}
	_, err = a.RevokeToken(actx, "t1", t0.Add(time.Minute), nil)
	wantCodeA(t, err, store.CodeConflict)
	_, err = a.RevokeToken(actx, "nope", t0, nil)
	wantCodeA(t, err, store.CodeNotFound)
	_, err = a.UserByToken(actx, "t1", t0.Add(2*time.Minute))
	wantCodeA(t, err, store.CodeNotFound)
	ts, err := a.Tokens(actx, u.ID)
	if err != nil || len(ts) != 2 || ts[0].SHA256 != "t1" || ts[0].Revoked.IsZero() || !ts[1].Revoked.IsZero() || !ts[1].Expires.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("tokens: %+v %v", ts, err)
	}

	for i, h := range []string{"s1", "s2", "s3"} {
		if err := a.CreateSession(actx, store.Session{IDSHA256: h, UserID: u.ID, CSRF: "c", Created: t0.Add(time.Duration(i) * time.Second), Expires: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.CreateSession(actx, store.Session{IDSHA256: "b1", UserID: other.ID, CSRF: "c", Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ss, err := a.Sessions(actx, u.ID, t0)
	if err != nil || len(ss) != 3 || ss[0].IDSHA256 != "s1" {
		t.Fatalf("sessions: %+v %v", ss, err)
	}
	if ss, _ := a.Sessions(actx, u.ID, t0.Add(time.Hour)); len(ss) != 0 {
		t.Fatalf("expired sessions listed: %+v", ss)
	}
	if n, err := a.EndSessions(actx, u.ID, "s1", rec("session")); err != nil || n != 1 {
		t.Fatalf("end one: %d %v", n, err)
	}
	_, err = a.EndSessions(actx, u.ID, "b1", nil) // another user's
	wantCodeA(t, err, store.CodeNotFound)

	before, _ := a.AuditRecords(actx, 0, 100)
	if err := a.SetUserDisabled(actx, u.ID, true, t0.Add(time.Hour/2), rec("user")); err != nil {
		t.Fatal(err)
	}
	wantCodeA(t, a.SetUserDisabled(actx, u.ID, true, t0.Add(time.Hour/2), nil), store.CodeConflict)
	after, _ := a.AuditRecords(actx, 0, 100)
	if len(after) != len(before)+1 {
		t.Fatalf("audit records %d, want %d", len(after), len(before)+1)
	}
	got, err := a.UserByEmail(actx, u.Email)
	if err != nil || !got.Disabled {
		t.Fatalf("disabled user: %+v %v", got, err)
	}
	if ss, _ := a.Sessions(actx, u.ID, t0); len(ss) != 0 {
		t.Fatalf("sessions of a disabled user: %+v", ss)
	}
	_, err = a.Session(actx, "s2", t0)
	wantCodeA(t, err, store.CodeNotFound)
	ts, _ = a.Tokens(actx, u.ID)
	for _, tk := range ts {
		if tk.Revoked.IsZero() {
			t.Fatalf("token %s of a disabled user not revoked", tk.SHA256)
		}
	}
	// Another user keeps theirs.
	if _, err := a.UserByToken(actx, "t3", t0); err != nil {
		t.Fatalf("another user's token: %v", err)
	}
	if _, err := a.Session(actx, "b1", t0); err != nil {
		t.Fatalf("another user's session: %v", err)
	}
	// Enabled again: the user may sign in, but the tokens stay revoked.
	if err := a.SetUserDisabled(actx, u.ID, false, t0.Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.UserByID(actx, u.ID); got.Disabled {
		t.Fatal("enabled user still disabled")
	}
	_, err = a.UserByToken(actx, "t2", t0.Add(time.Hour))
	wantCodeA(t, err, store.CodeNotFound)
	us, err := a.Users(actx)
	if err != nil || len(us) != 2 || us[0].Email != "ann@bank.example" {
		t.Fatalf("users: %+v %v", us, err)
	}
	wantCodeA(t, a.SetUserDisabled(actx, 999999, true, t0, nil), store.CodeNotFound)
}
