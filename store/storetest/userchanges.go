package storetest

import (
	"slices"
	"testing"
	"time"

	"revolver/store"
)

// testUserChanges: a new password and a new role with its facilities are
// appended, the latest holding; a new password ends every session of the
// user but the one kept, and says whether it must be changed; each change
// commits with its audit record; a change to what the user already has
// is a conflict and an unknown facility is not found, with nothing
// appended.
func testUserChanges(t *testing.T, s store.Store, a store.Accounts) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	u, err := a.AddUser(actx, store.User{Email: "carl@borrower.example", Role: store.RoleBorrower, PasswordHash: "h0", Created: t0}, []string{"f"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"s1", "s2", "s3"} {
		if err := a.CreateSession(actx, store.Session{IDSHA256: id, UserID: u.ID, CSRF: "c", Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(what string) *store.AuditRecord {
		return &store.AuditRecord{At: t0, Actor: "admin@bank.example", RequestID: "r", Route: "test", Kind: what, Action: "x"}
	}
	head := func() int64 {
		rs, err := a.AuditRecords(actx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return int64(len(rs))
	}
	n0 := head()

	// Reset by an administrator: every session ends, the user must change it.
	n, err := a.SetPassword(actx, store.PasswordChange{UserID: u.ID, Hash: "h1", MustChange: true, At: t0.Add(time.Minute)}, rec("password"))
	if err != nil || n != 3 {
		t.Fatalf("reset: %d sessions ended, %v; want 3", n, err)
	}
	got, err := a.UserByEmail(actx, u.Email)
	if err != nil || got.PasswordHash != "h1" || !got.MustChangePassword {
		t.Fatalf("after reset: hash %q must change %v, %v; want h1, true", got.PasswordHash, got.MustChangePassword, err)
	}
	// Changed by the user: the session kept stays, the others end.
	for _, id := range []string{"s4", "s5"} {
		if err := a.CreateSession(actx, store.Session{IDSHA256: id, UserID: u.ID, CSRF: "c", Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	n, err = a.SetPassword(actx, store.PasswordChange{UserID: u.ID, Hash: "h2", At: t0.Add(2 * time.Minute), KeepSession: "s4"}, rec("password"))
	if err != nil || n != 1 {
		t.Fatalf("change: %d sessions ended, %v; want 1", n, err)
	}
	if _, err := a.Session(actx, "s4", t0); err != nil {
		t.Errorf("the session kept: %v", err)
	}
	if _, err := a.Session(actx, "s5", t0); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("another session after a change of password: %v, want not_found", err)
	}
	got, _ = a.UserByID(actx, u.ID)
	if got.PasswordHash != "h2" || got.MustChangePassword {
		t.Errorf("after change: hash %q must change %v; want h2, false", got.PasswordHash, got.MustChangePassword)
	}
	_, err = a.SetPassword(actx, store.PasswordChange{UserID: 99999, Hash: "h", At: t0}, rec("password"))
	wantCodeA(t, err, store.CodeNotFound)

	// A new role and grants replace the old.
	if !slices.Equal(got.Facilities, []string{"f"}) {
		t.Fatalf("facilities added with: %v", got.Facilities)
	}
	ch, err := a.SetAccess(actx, u.ID, store.RoleBorrower, []string{"g", "f", "g"}, t0.Add(3*time.Minute), rec("user"))
	if err != nil || !slices.Equal(ch.Facilities, []string{"f", "g"}) {
		t.Fatalf("grant g: %+v %v", ch, err)
	}
	got, _ = a.UserByEmail(actx, u.Email)
	if got.Role != store.RoleBorrower || !slices.Equal(got.Facilities, []string{"f", "g"}) {
		t.Fatalf("after grant: %s %v", got.Role, got.Facilities)
	}
	_, err = a.SetAccess(actx, u.ID, store.RoleBorrower, []string{"g", "f"}, t0, rec("user"))
	wantCodeA(t, err, store.CodeConflict)
	_, err = a.SetAccess(actx, u.ID, store.RoleBorrower, []string{"nope"}, t0, rec("user"))
	wantCodeA(t, err, store.CodeNotFound)
	_, err = a.SetAccess(actx, u.ID, "king", nil, t0, rec("user"))
	wantCodeA(t, err, store.CodeInvalid)
	if _, err := a.SetAccess(actx, u.ID, store.RoleLenderAnalyst, nil, t0.Add(4*time.Minute), rec("user")); err != nil {
		t.Fatal(err)
	}
	got, _ = a.UserByEmail(actx, u.Email)
	if got.Role != store.RoleLenderAnalyst || len(got.Facilities) != 0 {
		t.Fatalf("after the change to analyst: %s %v", got.Role, got.Facilities)
	}
	// A grant after a change of access is a change of access too.
	if err := a.GrantFacility(actx, u.ID, "g"); err != nil {
		t.Fatal(err)
	}
	got, _ = a.UserByID(actx, u.ID)
	if !slices.Equal(got.Facilities, []string{"g"}) {
		t.Errorf("grant after a change: %v, want [g]", got.Facilities)
	}
	// Each change appended its record; the refused ones none.
	if d := head() - n0; d != 4 {
		t.Errorf("%d audit records appended, want 4 (2 passwords, 2 changes of access)", d)
	}
	// Listed users show the latest too.
	us, err := a.Users(actx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range us {
		if x.ID == u.ID && (x.Role != store.RoleLenderAnalyst || x.PasswordHash != "h2") {
			t.Errorf("listed: %+v", x)
		}
	}
}
