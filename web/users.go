package web

import (
	"fmt"
	"net/http"

	"revolver/app"
	"revolver/store"
)

// usersPage is the administrator's page of users: each with their role,
// state, API tokens and live sessions, and the forms that disable or
// enable them, revoke a token and end their sessions.
type usersPage struct {
	Users []userRow
	// Current is the session of the page's request.
	Current string
	// Roles and Facilities are the choices of the forms; Form the refusal
	// of one sent; Shown a token or password shown once.
	Roles, Facilities []string
	Form              userForm
	Shown             *shownOnce
}

type userRow struct {
	User     store.User
	Tokens   []tokenRow
	Sessions []store.Session
}

type tokenRow struct {
	store.Token
	State string // valid, expired or revoked
}

// usersPage shows the users to an administrator (anyone else: not found).
func (s *Server) usersPage(rq *req) error {
	if !rq.may(app.ActManageUsers) {
		rq.notFound()
		return nil
	}
	ctx := rq.actx()
	us, err := s.svc.Users(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	p := usersPage{Current: rq.sess.IDSHA256, Shown: rq.shown}
	if err := s.userForms(rq, &p); err != nil {
		return err
	}
	for _, u := range us {
		row := userRow{User: u}
		ts, err := s.svc.Tokens(ctx, u.Email)
		if err != nil {
			return err
		}
		for _, t := range ts {
			st := "valid"
			switch {
			case !t.Revoked.IsZero():
				st = "revoked"
			case !now.Before(t.Expires):
				st = "expired"
			}
			row.Tokens = append(row.Tokens, tokenRow{t, st})
		}
		if row.Sessions, err = s.svc.Sessions(ctx, u.Email); err != nil {
			return err
		}
		p.Users = append(p.Users, row)
	}
	return rq.render(http.StatusOK, "users", rq.view("Users", "users", p))
}

// changeAccess carries out one of the forms of the users page through its
// use case; a refusal shows the page again with it.
func (s *Server) changeAccess(op app.Op) func(rq *req) error {
	return func(rq *req) error {
		rq.asks(op)
		if err := rq.allow(app.ActManageUsers, "manage users"); err != nil {
			return err
		}
		email := rq.r.PathValue("email")
		ctx := rq.actx()
		var err error
		var key string
		var args []string
		switch op {
		case app.OpDisableUser:
			var u store.User
			u, err = s.svc.DisableUser(ctx, email)
			key, args = "user_disabled", []string{u.Email}
		case app.OpEnableUser:
			var u store.User
			u, err = s.svc.EnableUser(ctx, email)
			key, args = "user_enabled", []string{u.Email}
		case app.OpRevokeToken:
			_, err = s.svc.RevokeToken(ctx, email, rq.r.PathValue("token"))
			key, args = "token_revoked", []string{email}
		case app.OpEndSessions:
			var n int
			n, err = s.svc.EndSessions(ctx, email, rq.r.PostFormValue("session"))
			key, args = "sessions_ended", []string{fmt.Sprint(n), email}
		}
		if err != nil {
			return rq.refused(err, s.usersPage)
		}
		if op == app.OpEndSessions && email == rq.user.Email && rq.r.PostFormValue("session") == "" {
			// Their own sessions, this one too.
			http.SetCookie(rq.w, s.sessionCookie(rq.r, "", -1))
			return rq.redirect("/sign-in", "")
		}
		return rq.done("/users", key, args...)
	}
}
