package app_test

import (
	"context"
	"testing"
	"time"

	"revolver/app"
	"revolver/auth"
	"revolver/store"
	"revolver/store/testdb"
)

// TestAddUserAndToken: only a lender admin (or the command line) adds users
// and tokens; each is stored with its audit record; a refusal stores
// nothing.
func TestAddUserAndToken(t *testing.T) {
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
			officer := app.WithActor(ctx, app.Actor{User: "ann@bank.example", UserID: 7, Role: store.RoleLenderOfficer, Via: "test"})
			if _, err := s.AddUser(officer, app.NewUser{Email: "x@bank.example", Role: store.RoleAuditor, Password: "a-long-password"}); store.ErrorCode(err) != store.CodeForbidden {
				t.Fatalf("officer adds a user: %v, want forbidden", err)
			}
			admin := app.WithActor(ctx, app.Actor{User: "root@bank.example", UserID: 1, Role: store.RoleLenderAdmin, Via: "test"})
			if _, err := s.AddUser(admin, app.NewUser{Email: "cfo@btu.example", Role: store.RoleBorrower, Password: "a-long-password"}); store.ErrorCode(err) != store.CodeInvalid {
				t.Fatalf("borrower without facility: %v, want invalid", err)
			}
			if _, err := acc.UserByEmail(ctx, "cfo@btu.example"); store.ErrorCode(err) != store.CodeNotFound {
				t.Fatalf("refused user stored: %v", err)
			}
			u, err := s.AddUser(admin, app.NewUser{Email: "Aud@Bank.example", Role: store.RoleAuditor, Password: "a-long-password"})
			if err != nil || u.Email != "aud@bank.example" {
				t.Fatalf("add: %+v %v", u, err)
			}
			tok, _, err := s.CreateToken(admin, "aud@bank.example", 0)
			if err != nil || tok == "" {
				t.Fatalf("token: %v", err)
			}
			if got, err := acc.UserByToken(ctx, auth.SHA256(tok), now); err != nil || got.ID != u.ID {
				t.Fatalf("token's user: %+v %v", got, err)
			}
			recs, err := acc.AuditRecords(ctx, 0, 10)
			if err != nil || len(recs) != 2 {
				t.Fatalf("audit: %d records %v", len(recs), err)
			}
			if r := recs[0]; r.Actor != "root@bank.example" || r.Kind != "user" || r.Action != "add" || r.Resource != "aud@bank.example" || !r.At.Equal(now) {
				t.Errorf("user record: %+v", r)
			}
			if r := recs[1]; r.Kind != "token" || r.Action != "create" {
				t.Errorf("token record: %+v", r)
			}
		})
	}
}
