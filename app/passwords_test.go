package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/auth"
	"revolver/store"
	"revolver/store/testdb"
)

// TestPasswordsAndAccess: a user changes their own password with the
// current one (their other sessions end, this one stays); an
// administrator resets another's (given or generated, every session ends,
// it must be changed at the next sign-in) and changes their role and
// facilities; each change is audited without the password; refusals name
// the field and store nothing.
func TestPasswordsAndAccess(t *testing.T) {
	for name, open := range map[string]func(testing.TB) store.Store{
		"sqlite":   func(t testing.TB) store.Store { return testdb.SQLite(t) },
		"postgres": func(t testing.TB) store.Store { return testdb.Postgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			acc := st.(store.Accounts)
			now := time.Date(2006, 12, 29, 15, 0, 0, 0, time.UTC)
			s := &app.Service{Store: st, Now: func() time.Time { return now }}
			ctx := context.Background()
			for _, f := range []string{"btu", "acme"} {
				if _, err := st.CreateFacility(ctx, store.Facility{Slug: f, Name: f, Created: now}); err != nil {
					t.Fatal(err)
				}
			}
			root, err := s.AddUser(ctx, app.NewUser{Email: "root@bank.example", Role: store.RoleLenderAdmin, Password: "root-long-password"})
			if err != nil {
				t.Fatal(err)
			}
			cfo, err := s.AddUser(ctx, app.NewUser{Email: "cfo@btu.example", Role: store.RoleBorrower, Password: "cfo-long-password", Facilities: []string{"btu"}})
			if err != nil {
				t.Fatal(err)
			}
			admin := app.WithActor(ctx, app.Actor{User: root.Email, UserID: root.ID, Role: root.Role, Via: "test"})
			asCFO := app.WithActor(ctx, app.Actor{User: cfo.Email, UserID: cfo.ID, Role: cfo.Role, Facilities: cfo.Facilities, Via: "test"})
			for _, id := range []string{"here", "there"} {
				if err := acc.CreateSession(ctx, store.Session{IDSHA256: id, UserID: cfo.ID, CSRF: "c", Created: now, Expires: now.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			n0 := len(mustGet(acc.AuditRecords(ctx, 0, 1000)))

			for _, c := range []struct {
				name         string
				in           app.PasswordChange
				wantInPrefix string
			}{
				{"no current", app.PasswordChange{New: "a-new-long-password"}, "current password: required"},
				{"wrong current", app.PasswordChange{Current: "wrong-long-password", New: "a-new-long-password"}, "current password: not the password"},
				{"short new", app.PasswordChange{Current: "cfo-long-password", New: "short"}, "new password: 5 characters"},
				{"same", app.PasswordChange{Current: "cfo-long-password", New: "cfo-long-password"}, "new password: the same"},
			} {
				_, err := s.ChangePassword(asCFO, c.in)
				if store.ErrorCode(err) != store.CodeInvalid || !strings.HasPrefix(err.Error(), c.wantInPrefix) {
					t.Errorf("%s: %v, want invalid %q…", c.name, err, c.wantInPrefix)
				}
			}
			if _, err := s.ChangePassword(ctx, app.PasswordChange{Current: "x", New: "y"}); store.ErrorCode(err) != store.CodeForbidden {
				t.Errorf("no signed-in user: %v, want forbidden", err)
			}
			if n := len(mustGet(acc.AuditRecords(ctx, 0, 1000))); n != n0 {
				t.Fatalf("refused changes appended %d records", n-n0)
			}
			n, err := s.ChangePassword(asCFO, app.PasswordChange{Current: "cfo-long-password", New: "a-new-long-password", KeepSession: "here"})
			if err != nil || n != 1 {
				t.Fatalf("change: %d ended, %v", n, err)
			}
			u := mustGet(acc.UserByID(ctx, cfo.ID))
			if !auth.VerifyPassword(u.PasswordHash, "a-new-long-password") || u.MustChangePassword {
				t.Errorf("after change: new password not held, or must change %v", u.MustChangePassword)
			}
			if _, err := acc.Session(ctx, "here", now); err != nil {
				t.Errorf("the session that changed it ended: %v", err)
			}

			// The administrator's reset.
			officer := app.WithActor(ctx, app.Actor{User: "ann@bank.example", UserID: 99, Role: store.RoleLenderOfficer, Via: "test"})
			if _, err := s.ResetPassword(officer, cfo.Email, ""); store.ErrorCode(err) != store.CodeForbidden {
				t.Errorf("officer resets: %v, want forbidden", err)
			}
			if _, err := s.ResetPassword(admin, root.Email, ""); store.ErrorCode(err) != store.CodeConflict {
				t.Errorf("own reset: %v, want conflict", err)
			}
			if _, err := s.ResetPassword(admin, cfo.Email, "short"); store.ErrorCode(err) != store.CodeInvalid || !strings.HasPrefix(err.Error(), "new password:") {
				t.Errorf("reset to a short password: %v", err)
			}
			r, err := s.ResetPassword(admin, cfo.Email, "")
			if err != nil || len(r.Generated) < 15 || r.Ended != 1 || !r.User.MustChangePassword {
				t.Fatalf("reset: %+v %v", r, err)
			}
			u = mustGet(acc.UserByID(ctx, cfo.ID))
			if !auth.VerifyPassword(u.PasswordHash, r.Generated) || !u.MustChangePassword {
				t.Errorf("after reset: the generated password is not held, or need not be changed")
			}
			if ss := mustGet(acc.Sessions(ctx, cfo.ID, now)); len(ss) != 0 {
				t.Errorf("sessions after reset: %v", ss)
			}
			// Changing it afterwards clears the need.
			if _, err := s.ChangePassword(asCFO, app.PasswordChange{Current: r.Generated, New: "yet-another-password"}); err != nil {
				t.Fatal(err)
			}
			if u = mustGet(acc.UserByID(ctx, cfo.ID)); u.MustChangePassword {
				t.Errorf("must still change after changing")
			}

			// Role and facilities.
			if _, err := s.SetAccess(officer, cfo.Email, app.Access{Role: store.RoleBorrower, Facilities: []string{"acme"}}); store.ErrorCode(err) != store.CodeForbidden {
				t.Errorf("officer sets access: %v", err)
			}
			if _, err := s.SetAccess(admin, root.Email, app.Access{Role: store.RoleAuditor}); store.ErrorCode(err) != store.CodeConflict {
				t.Errorf("own role: %v, want conflict", err)
			}
			for _, in := range []app.Access{{Role: "king"}, {Role: store.RoleBorrower}, {Role: store.RoleAuditor, Facilities: []string{"btu"}}} {
				if _, err := s.SetAccess(admin, cfo.Email, in); store.ErrorCode(err) != store.CodeInvalid {
					t.Errorf("%+v: %v, want invalid", in, err)
				}
			}
			if _, err := s.SetAccess(admin, cfo.Email, app.Access{Role: store.RoleBorrower, Facilities: []string{"nope"}}); store.ErrorCode(err) != store.CodeNotFound || !strings.HasPrefix(err.Error(), "facilities: facility nope") {
				t.Errorf("unknown facility: %v", err)
			}
			got, err := s.SetAccess(admin, cfo.Email, app.Access{Role: store.RoleBorrower, Facilities: []string{"acme", "btu"}})
			if err != nil || !slices.Equal(got.Facilities, []string{"acme", "btu"}) {
				t.Fatalf("grant acme: %+v %v", got, err)
			}
			if _, err := s.SetAccess(admin, cfo.Email, app.Access{Role: store.RoleBorrower, Facilities: []string{"btu", "acme"}}); store.ErrorCode(err) != store.CodeConflict {
				t.Errorf("the same access again: %v, want conflict", err)
			}
			recs := mustGet(acc.AuditRecords(ctx, 0, 1000))[n0:]
			var kinds []string
			for _, r := range recs {
				kinds = append(kinds, r.Kind+"/"+r.Action)
				if strings.Contains(string(r.After), "password\":\"") || strings.Contains(string(r.After), r.Summary+"x") {
					t.Errorf("record holds a password: %s", r.After)
				}
			}
			if want := []string{"password/change", "password/reset", "password/change", "user/set_access"}; !slices.Equal(kinds, want) {
				t.Errorf("records %v, want %v", kinds, want)
			}
			if last := recs[len(recs)-1]; last.StatusBefore != store.RoleBorrower || !strings.Contains(string(last.Before), `"btu"`) {
				t.Errorf("access record: %+v", last)
			}
		})
	}
}

func mustGet[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
