package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"revolver/app"
	"revolver/store"
)

func init() {
	flashes["password_changed"] = flashMsg{"Your password is changed; %s other session(s) of yours ended.", []*regexp.Regexp{flashID}}
	flashes["access_set"] = flashMsg{"The role and facilities of %s are changed.", []*regexp.Regexp{flashEmail}}
	flashes["user_added"] = flashMsg{"%s is added.", []*regexp.Regexp{flashEmail}}
	flashes["must_change_password"] = flashMsg{"Your password was set by an administrator: choose your own before you go on.", nil}
}

// passwordPage is the page where a signed-in user changes their own
// password, with the refusal beside its field.
type passwordPage struct {
	MustChange bool
	Field, Err string
}

// passwordPage shows the change password form.
func (s *Server) passwordPage(rq *req) error {
	p := passwordPage{MustChange: rq.user.MustChangePassword}
	if rq.formErr != nil {
		p.Field, p.Err = rq.formErr.field, rq.errMsg
	}
	return rq.render(http.StatusOK, "password", rq.view("Change password", "password", p))
}

// changePassword changes the signed-in user's password
// (app.Service.ChangePassword): this session stays, the others end.
func (s *Server) changePassword(rq *req) error {
	rq.asks(app.OpChangePassword)
	n, err := s.svc.ChangePassword(rq.actx(), app.PasswordChange{Current: rq.r.PostFormValue("current_password"), New: rq.r.PostFormValue("new_password"), KeepSession: rq.sess.IDSHA256})
	if err != nil {
		return rq.refusedAt("password", fieldOf(err, "new_password"), err, s.passwordPage)
	}
	return rq.done("/", "password_changed", strconv.Itoa(n))
}

// fieldOf is the field of a form a use case's refusal names (its message
// begins with the field's name), or def.
func fieldOf(err error, def string) string {
	msg := err.Error()
	for _, f := range []struct{ prefix, field string }{
		{"current password:", "current_password"}, {"new password:", "new_password"}, {"password:", "password"},
		{"email", "email"}, {"role", "role"}, {"facilities:", "facilities"}, {"token lifetime", "ttl"},
	} {
		if strings.HasPrefix(msg, f.prefix) {
			return f.field
		}
	}
	return def
}

// mustChange sends a user whose password an administrator set to the
// change password page before anything else (signing out aside).
func (rq *req) mustChange() bool {
	if app.PasswordChangeRequired(rq.user) == nil {
		return false
	}
	switch rq.r.URL.Path {
	case "/password", "/sign-out":
		return false
	}
	http.Redirect(rq.w, rq.r, "/password?"+flashQuery("must_change_password"), http.StatusSeeOther)
	return true
}

// userForm is what the users page shows of a refused form: which form
// (add, token, reset, access), for which user, the field and the values
// sent.
type userForm struct {
	Form, For, Field, Err string
	Sent                  map[string]string
}

// shownOnce is what the users page shows once: a token created or a password
// generated, never stored.
type shownOnce struct {
	For, Token, Password string
	Expires              time.Time
}

// userForms fills the users page's forms: the roles, facilities, and
// the refusal of a form sent.
func (s *Server) userForms(rq *req, p *usersPage) error {
	p.Roles = store.Roles
	fs, err := s.st.Facilities(rq.r.Context())
	if err != nil {
		return err
	}
	for _, f := range fs {
		p.Facilities = append(p.Facilities, f.Slug)
	}
	if rq.r.Method == http.MethodPost && rq.formErr != nil {
		p.Form = userForm{Form: rq.formErr.form, For: rq.r.PathValue("email"), Field: rq.formErr.field, Err: rq.errMsg, Sent: map[string]string{}}
		for _, k := range []string{"email", "role", "ttl_days", "facilities"} {
			p.Form.Sent[k] = rq.r.PostFormValue(k)
		}
	}
	return nil
}

// facilitiesOf reads the facilities of a form: one per line or separated
// by commas.
func facilitiesOf(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

// addUser adds a user (app.Service.AddUser).
func (s *Server) addUser(rq *req) error {
	rq.asks(app.OpAddUser)
	if err := rq.allow(app.ActManageUsers, "manage users"); err != nil {
		return err
	}
	u, err := s.svc.AddUser(rq.actx(), app.NewUser{Email: rq.r.PostFormValue("email"), Role: rq.r.PostFormValue("role"),
		Password: rq.r.PostFormValue("password"), Facilities: facilitiesOf(rq.r.PostFormValue("facilities"))})
	if err != nil {
		return rq.refusedAt("add", fieldOf(err, "email"), err, s.usersPage)
	}
	return rq.done("/users#user-"+strconv.FormatInt(u.ID, 10), "user_added", u.Email)
}

// createToken creates an API token (app.Service.CreateToken) and shows it
// once, on the users page answered (never in a redirect's address).
func (s *Server) createToken(rq *req) error {
	rq.asks(app.OpCreateToken)
	if err := rq.allow(app.ActManageUsers, "manage users"); err != nil {
		return err
	}
	var ttl time.Duration
	if v := strings.TrimSpace(rq.r.PostFormValue("ttl_days")); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 1 || d > 366 {
			return rq.refusedAt("token", "ttl", userErr(http.StatusBadRequest, fmt.Sprintf("Valid for: %q is not a number of days: enter 1 to 366 (default 90).", v)), s.usersPage)
		}
		ttl = time.Duration(d) * 24 * time.Hour
	}
	tok, u, err := s.svc.CreateToken(rq.actx(), rq.r.PathValue("email"), ttl)
	if err != nil {
		return rq.refusedAt("token", fieldOf(err, "ttl"), err, s.usersPage)
	}
	rq.shown = &shownOnce{For: u.Email, Token: tok}
	return s.usersPage(rq)
}

// resetPassword resets a user's password (app.Service.ResetPassword) and
// shows the one generated once.
func (s *Server) resetPassword(rq *req) error {
	rq.asks(app.OpResetPassword)
	if err := rq.allow(app.ActManageUsers, "manage users"); err != nil {
		return err
	}
	r, err := s.svc.ResetPassword(rq.actx(), rq.r.PathValue("email"), rq.r.PostFormValue("password"))
	if err != nil {
		return rq.refusedAt("reset", fieldOf(err, "password"), err, s.usersPage)
	}
	rq.shown = &shownOnce{For: r.User.Email, Password: r.Generated}
	if r.Generated == "" {
		rq.shown.Password = "(the one you gave)"
	}
	return s.usersPage(rq)
}

// setAccess changes a user's role and facilities (app.Service.SetAccess).
func (s *Server) setAccess(rq *req) error {
	rq.asks(app.OpSetAccess)
	if err := rq.allow(app.ActManageUsers, "manage users"); err != nil {
		return err
	}
	u, err := s.svc.SetAccess(rq.actx(), rq.r.PathValue("email"), app.Access{Role: rq.r.PostFormValue("role"), Facilities: facilitiesOf(rq.r.PostFormValue("facilities"))})
	if err != nil {
		return rq.refusedAt("access", fieldOf(err, "role"), err, s.usersPage)
	}
	return rq.done("/users#user-"+strconv.FormatInt(u.ID, 10), "access_set", u.Email)
}
