package httpapi

import (
	"net/http"
	"reflect"
	"strings"
	"time"

	"revolver/app"
	"revolver/auth"
	"revolver/store"
)

// The bodies and answers of the routes that add users, create tokens,
// reset and change passwords and change a user's access.
type (
	userInput struct {
		Email      string   `json:"email"`
		Role       string   `json:"role"`
		Password   string   `json:"password"`
		Facilities []string `json:"facilities,omitempty"`
	}
	tokenInput struct {
		// TTL is the token's lifetime as a Go duration ("720h"; default
		// 90 days, at most a year).
		TTL string `json:"ttl,omitempty"`
	}
	tokenCreated struct {
		Token   string    `json:"token"`
		SHA256  string    `json:"sha256"`
		User    string    `json:"user"`
		Expires time.Time `json:"expires"`
	}
	resetInput struct {
		Password string `json:"password,omitempty"`
	}
	passwordInput struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	passwordChanged struct {
		SessionsEnded int `json:"sessions_ended"`
	}
)

func init() {
	schemaTypes["UserInput"] = userInput{}
	schemaTypes["TokenInput"] = tokenInput{}
	schemaTypes["TokenCreated"] = tokenCreated{}
	schemaTypes["PasswordResetInput"] = resetInput{}
	schemaTypes["PasswordReset"] = app.PasswordReset{}
	schemaTypes["PasswordInput"] = passwordInput{}
	schemaTypes["PasswordChanged"] = passwordChanged{}
	schemaTypes["AccessInput"] = app.Access{}
	type rd = struct {
		required []string
		optional bool
	}
	requestDocs[reflect.TypeFor[userInput]()] = rd{required: []string{"email", "role", "password"}}
	requestDocs[reflect.TypeFor[tokenInput]()] = rd{optional: true}
	requestDocs[reflect.TypeFor[resetInput]()] = rd{optional: true}
	requestDocs[reflect.TypeFor[passwordInput]()] = rd{required: []string{"current_password", "new_password"}}
	requestDocs[reflect.TypeFor[app.Access]()] = rd{required: []string{"role"}}
	roles := enum(store.Roles...)
	fieldDocs[reflect.TypeFor[userInput]()] = obj{"role": roles, "password": obj{"description": "the first password (at least 12 characters, not a common one)"},
		"facilities": obj{"type": "array", "items": obj{"type": "string"}, "description": "the facilities a borrower sees (required for a borrower, refused for anyone else)"}}
	fieldDocs[reflect.TypeFor[app.Access]()] = obj{"role": roles,
		"facilities": obj{"type": "array", "items": obj{"type": "string"}, "description": "the facilities a borrower sees, replacing the earlier grants (required for a borrower, refused for anyone else)"}}
	fieldDocs[reflect.TypeFor[tokenCreated]()] = obj{"token": obj{"description": "the token: shown only in this answer, never stored"}}
	fieldDocs[reflect.TypeFor[app.PasswordReset]()] = obj{"password": obj{"description": "the password generated when none was given: shown only in this answer, never stored"}}
	fieldDocs[reflect.TypeFor[resetInput]()] = obj{"password": obj{"description": "the new password (default: one generated and answered once)"}}
}

// userRoutes: the administrator adds users, creates their API tokens,
// resets their passwords and changes their role and facilities; every
// signed-in user changes their own password (app.Service.AddUser and the
// others, each audited in its own store transaction).
func (s *Server) userRoutes() []*Route {
	const u = "/api/v1/users/{email}"
	admin := roles(app.ActManageUsers)
	return []*Route{
		{Method: "POST", Path: "/api/v1/users", Summary: "Add a user with their role, first password and, for a borrower, the facilities they see", Roles: admin, Mutating: true, Op: app.OpAddUser, Request: "UserInput", Response: "User", Status: http.StatusCreated, h: s.addUser},
		{Method: "POST", Path: u + "/tokens", Summary: "Create an API token for a user: the token is answered once and only its SHA-256 is kept", Roles: admin, Mutating: true, Op: app.OpCreateToken, Request: "TokenInput", Response: "TokenCreated", Status: http.StatusCreated, h: s.createToken},
		{Method: "POST", Path: u + "/password", Summary: "Reset a user's password (the one given, or one generated and answered once): every session of theirs ends and they must change it at their next sign-in", Roles: admin, Mutating: true, Op: app.OpResetPassword, Request: "PasswordResetInput", Response: "PasswordReset", h: s.resetPassword},
		{Method: "POST", Path: u + "/access", Summary: "Change a user's role and the facilities granted to them (appended; the earlier grants are replaced)", Roles: admin, Mutating: true, Op: app.OpSetAccess, Request: "AccessInput", Response: "User", h: s.setAccess},
		{Method: "POST", Path: "/api/v1/me/password", Summary: "Change one's own password with the current one: every other session of the caller ends (their API tokens stay)", Roles: roles(app.ActChangePassword), Mutating: true, Op: app.OpChangePassword, Request: "PasswordInput", Response: "PasswordChanged", h: s.changePassword},
	}
}

func (s *Server) addUser(c *call) (any, error) {
	var in userInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	return c.svc().AddUser(c.r.Context(), app.NewUser{Email: in.Email, Role: in.Role, Password: in.Password, Facilities: in.Facilities})
}

func (s *Server) createToken(c *call) (any, error) {
	var in tokenInput
	if err := c.decodeOptional(&in); err != nil {
		return nil, err
	}
	var ttl time.Duration
	if v := strings.TrimSpace(in.TTL); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, store.Errorf(store.CodeInvalid, "ttl %q: expected a duration such as 720h", in.TTL)
		}
		ttl = d
	}
	tok, u, err := c.svc().CreateToken(c.r.Context(), c.r.PathValue("email"), ttl)
	if err != nil {
		return nil, err
	}
	ts, err := c.svc().Tokens(c.r.Context(), u.Email)
	if err != nil {
		return nil, err
	}
	out := tokenCreated{Token: tok, SHA256: auth.SHA256(tok), User: u.Email}
	for _, t := range ts {
		if t.SHA256 == out.SHA256 {
			out.Expires = t.Expires
		}
	}
	return out, nil
}

func (s *Server) resetPassword(c *call) (any, error) {
	var in resetInput
	if err := c.decodeOptional(&in); err != nil {
		return nil, err
	}
	return c.svc().ResetPassword(c.r.Context(), c.r.PathValue("email"), in.Password)
}

func (s *Server) setAccess(c *call) (any, error) {
	var in app.Access
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	return c.svc().SetAccess(c.r.Context(), c.r.PathValue("email"), in)
}

func (s *Server) changePassword(c *call) (any, error) {
	var in passwordInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	keep := ""
	if c.session != nil {
		keep = c.session.IDSHA256
	}
	n, err := c.svc().ChangePassword(c.r.Context(), app.PasswordChange{Current: in.CurrentPassword, New: in.NewPassword, KeepSession: keep})
	if err != nil {
		return nil, err
	}
	return passwordChanged{SessionsEnded: n}, nil
}
