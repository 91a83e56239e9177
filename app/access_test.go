package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/auth"
	"revolver/store"
	"revolver/store/testdb"
)

// TestNewUserRules: the password rule in characters with common passwords
// refused, and bare email addresses (the sweep: five "é" or eight spaces
// passed, and emails were not validated). Nothing refused is stored.
func TestNewUserRules(t *testing.T) {
	st := testdb.SQLite(t)
	var acc store.Accounts = st
	s := &app.Service{Store: st, Now: time.Now}
	admin := app.WithActor(context.Background(), app.Actor{User: "root@bank.example", UserID: 1, Role: store.RoleLenderAdmin, Via: "test"})
	for _, tc := range []struct{ email, pw, want string }{
		{"a@bank.example", "ééééé", "5 characters"},
		{"a@bank.example", "        ", "only spaces"},
		{"a@bank.example", strings.Repeat(" ", 16), "only spaces"},
		{"a@bank.example", "password12345678", "commonest"},
		{"Ann <ann@bank.example>", "a-long-password", "expected an address"},
		{"ann", "a-long-password", "expected an address"},
		{"ann@bank", "a-long-password", "expected an address"},
		{"ann@@bank.example", "a-long-password", "expected an address"},
		{"ann @bank.example", "a-long-password", "expected an address"},
	} {
		_, err := s.AddUser(admin, app.NewUser{Email: tc.email, Role: store.RoleAuditor, Password: tc.pw})
		if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("AddUser(%q, %q) = %v, want invalid saying %q", tc.email, tc.pw, err, tc.want)
		}
	}
	if us, _ := acc.Users(context.Background()); len(us) != 0 {
		t.Fatalf("refused users stored: %+v", us)
	}
	if _, err := s.AddUser(admin, app.NewUser{Email: " Ann@Bank.Example ", Role: store.RoleAuditor, Password: "élève à l'école"}); err != nil {
		t.Fatalf("fifteen characters in 19 bytes: %v", err)
	}
}

// TestRevokeAccess: an administrator disables a user, which ends their
// sessions and revokes their tokens at once; tokens expire; a token is
// revoked and sessions ended one by one; each change is audited, and only
// an administrator may make it. On both databases.
func TestRevokeAccess(t *testing.T) {
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
			admin := app.WithActor(ctx, app.Actor{User: "root@bank.example", UserID: 1000, Role: store.RoleLenderAdmin, Via: "test"})
			officer := app.WithActor(ctx, app.Actor{User: "bob@bank.example", UserID: 2, Role: store.RoleLenderOfficer, Via: "test"})
			const pw = "correct horse battery"
			ann, err := s.AddUser(admin, app.NewUser{Email: "ann@bank.example", Role: store.RoleLenderOfficer, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			tok, _, err := s.CreateToken(admin, ann.Email, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			long, _, err := s.CreateToken(admin, ann.Email, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.CreateToken(admin, ann.Email, 400*24*time.Hour); store.ErrorCode(err) != store.CodeInvalid {
				t.Fatalf("a token for 400 days: %v, want invalid", err)
			}
			// Expiry: the default is 90 days; the hour-long token ends.
			ts, _ := s.Tokens(admin, ann.Email)
			exp := map[string]time.Time{}
			for _, x := range ts {
				exp[x.SHA256] = x.Expires
			}
			if len(ts) != 2 || !exp[auth.SHA256(tok)].Equal(now.Add(time.Hour)) || !exp[auth.SHA256(long)].Equal(now.Add(app.DefaultTokenTTL)) {
				t.Fatalf("tokens: %+v", ts)
			}
			if _, err := acc.UserByToken(ctx, auth.SHA256(tok), now.Add(time.Hour)); store.ErrorCode(err) != store.CodeNotFound {
				t.Fatalf("expired token: %v, want not_found", err)
			}
			var sessions []string
			for range 3 {
				in, err := s.SignIn(ctx, app.SignIn{Email: ann.Email, Password: pw, Address: "10.0.0.1", TTL: time.Hour})
				if err != nil {
					t.Fatal(err)
				}
				sessions = append(sessions, in.Session.IDSHA256)
			}
			// Only an administrator.
			for what, err := range map[string]error{
				"disable": func() error { _, err := s.DisableUser(officer, ann.Email); return err }(),
				"revoke":  func() error { _, err := s.RevokeToken(officer, ann.Email, auth.SHA256(long)); return err }(),
				"end":     func() error { _, err := s.EndSessions(officer, ann.Email, ""); return err }(),
				"list":    func() error { _, err := s.Sessions(officer, ann.Email); return err }(),
			} {
				if store.ErrorCode(err) != store.CodeForbidden {
					t.Errorf("officer %s: %v, want forbidden", what, err)
				}
			}
			ss, err := s.Sessions(admin, ann.Email)
			if err != nil || len(ss) != 3 || ss[0].CSRF != "" {
				t.Fatalf("sessions: %+v %v", ss, err)
			}
			if n, err := s.EndSessions(admin, ann.Email, sessions[0]); err != nil || n != 1 {
				t.Fatalf("end one session: %d %v", n, err)
			}
			if _, err := acc.Session(ctx, sessions[0], now); store.ErrorCode(err) != store.CodeNotFound {
				t.Fatalf("ended session still live: %v", err)
			}
			// Disabling: at once, sessions and tokens.
			before, _ := acc.AuditRecords(ctx, 0, 1000)
			u, err := s.DisableUser(admin, ann.Email)
			if err != nil || !u.Disabled {
				t.Fatalf("disable: %+v %v", u, err)
			}
			if _, err := s.DisableUser(admin, ann.Email); store.ErrorCode(err) != store.CodeConflict {
				t.Fatalf("disable twice: %v, want conflict", err)
			}
			after, _ := acc.AuditRecords(ctx, 0, 1000)
			if len(after) != len(before)+1 {
				t.Fatalf("disable appended %d records, want 1", len(after)-len(before))
			}
			if r := after[len(after)-1]; r.Kind != "user" || r.Action != "disable" || r.Resource != ann.Email || r.Actor != "root@bank.example" || r.StatusAfter != "disabled" {
				t.Errorf("disable record: %+v", r)
			}
			for _, h := range sessions[1:] {
				if _, err := acc.Session(ctx, h, now); store.ErrorCode(err) != store.CodeNotFound {
					t.Errorf("session of a disabled user: %v", err)
				}
			}
			if _, err := acc.UserByToken(ctx, auth.SHA256(long), now); store.ErrorCode(err) != store.CodeNotFound {
				t.Errorf("token of a disabled user: %v", err)
			}
			_, err = s.SignIn(ctx, app.SignIn{Email: ann.Email, Password: pw, Address: "10.0.0.1", TTL: time.Hour})
			var se *app.SignInError
			if !errors.As(err, &se) || !se.Disabled || se.Code != app.CodeUnauthorized {
				t.Fatalf("a disabled user signs in: %v", err)
			}
			if _, _, err := s.CreateToken(admin, ann.Email, 0); store.ErrorCode(err) != store.CodeConflict {
				t.Fatalf("a token for a disabled user: %v, want conflict", err)
			}
			// Enabled again: signs in; the tokens stay revoked.
			if _, err := s.EnableUser(admin, ann.Email); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SignIn(ctx, app.SignIn{Email: ann.Email, Password: pw, Address: "10.0.0.1", TTL: time.Hour}); err != nil {
				t.Fatalf("sign in once enabled: %v", err)
			}
			if _, err := acc.UserByToken(ctx, auth.SHA256(long), now); store.ErrorCode(err) != store.CodeNotFound {
				t.Errorf("a revoked token works again once the user is enabled: %v", err)
			}
			// Revoking one token; another user's token is not found.
			fresh, _, err := s.CreateToken(admin, ann.Email, 0)
			if err != nil {
				t.Fatal(err)
			}
			bob, err := s.AddUser(admin, app.NewUser{Email: "bob@bank.example", Role: store.RoleLenderOfficer, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.RevokeToken(admin, bob.Email, auth.SHA256(fresh)); store.ErrorCode(err) != store.CodeNotFound {
				t.Fatalf("revoke another user's token: %v, want not_found", err)
			}
			if _, err := s.RevokeToken(admin, ann.Email, auth.SHA256(fresh)); err != nil {
				t.Fatal(err)
			}
			if _, err := acc.UserByToken(ctx, auth.SHA256(fresh), now); store.ErrorCode(err) != store.CodeNotFound {
				t.Fatalf("revoked token: %v", err)
			}
			// An administrator cannot lock themself out.
			root, err := s.AddUser(admin, app.NewUser{Email: "root@bank.example", Role: store.RoleLenderAdmin, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			self := app.WithActor(ctx, app.Actor{User: root.Email, UserID: root.ID, Role: store.RoleLenderAdmin, Via: "test"})
			if _, err := s.DisableUser(self, root.Email); store.ErrorCode(err) != store.CodeConflict {
				t.Fatalf("disable oneself: %v, want conflict", err)
			}
		})
	}
}
