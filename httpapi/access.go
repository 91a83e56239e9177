package httpapi

import (
	"net/http"
	"time"

	"revolver/app"
	"revolver/store"
)

// The answers of the routes that revoke access.
type (
	userList struct {
		Users []store.User `json:"users"`
	}
	tokenList struct {
		Tokens []store.Token `json:"tokens"`
	}
	// sessionInfo is a session as an administrator sees it: named by the
	// SHA-256 of its cookie, without its CSRF token.
	sessionInfo struct {
		SHA256  string    `json:"sha256"`
		Created time.Time `json:"created"`
		Expires time.Time `json:"expires"`
	}
	sessionList struct {
		Sessions []sessionInfo `json:"sessions"`
	}
	sessionsEnded struct {
		Ended int `json:"ended"`
	}
)

func init() {
	schemaTypes["User"] = store.User{}
	schemaTypes["UserList"] = userList{}
	schemaTypes["Token"] = store.Token{}
	schemaTypes["TokenList"] = tokenList{}
	schemaTypes["SessionList"] = sessionList{}
	schemaTypes["SessionsEnded"] = sessionsEnded{}
}

// accessRoutes: the administrator lists users, disables and enables them,
// lists and revokes their API tokens, lists and ends their sessions
// (app.Service.DisableUser and the others, each audited in its own store
// transaction).
func (s *Server) accessRoutes() []*Route {
	const u = "/api/v1/users/{email}"
	admin := roles(app.ActManageUsers)
	return []*Route{
		{Method: "GET", Path: "/api/v1/users", Summary: "The users, with their role, facilities and whether they are disabled", Roles: admin, Response: "UserList", h: s.users},
		{Method: "POST", Path: u + "/disable", Summary: "Disable a user at once: no sign-in, every session ended and every API token revoked", Roles: admin, Mutating: true, Op: app.OpDisableUser, Response: "User", h: s.setDisabled(true)},
		{Method: "POST", Path: u + "/enable", Summary: "Enable a disabled user again (their API tokens stay revoked)", Roles: admin, Mutating: true, Op: app.OpEnableUser, Response: "User", h: s.setDisabled(false)},
		{Method: "GET", Path: u + "/tokens", Summary: "A user's API tokens by SHA-256, with their expiry and revocation", Roles: admin, Response: "TokenList", h: s.userTokens},
		{Method: "POST", Path: u + "/tokens/{token}/revoke", Summary: "Revoke a user's API token at once", Roles: admin, Mutating: true, Op: app.OpRevokeToken, Response: "Token", h: s.revokeToken},
		{Method: "GET", Path: u + "/sessions", Summary: "A user's live sessions, by the SHA-256 of their cookie", Roles: admin, Response: "SessionList", h: s.userSessions},
		{Method: "POST", Path: u + "/sessions/end", Summary: "End every session of a user at once", Roles: admin, Mutating: true, Op: app.OpEndSessions, Response: "SessionsEnded", h: s.endSessions},
		{Method: "POST", Path: u + "/sessions/{session}/end", Summary: "End one session of a user at once", Roles: admin, Mutating: true, Op: app.OpEndSessions, Response: "SessionsEnded", h: s.endSessions},
	}
}

func (s *Server) users(c *call) (any, error) {
	us, err := c.svc().Users(c.r.Context())
	if err != nil {
		return nil, err
	}
	if us == nil {
		us = []store.User{}
	}
	return userList{Users: us}, nil
}

func (s *Server) setDisabled(disabled bool) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		if disabled {
			return c.svc().DisableUser(c.r.Context(), c.r.PathValue("email"))
		}
		return c.svc().EnableUser(c.r.Context(), c.r.PathValue("email"))
	}
}

func (s *Server) userTokens(c *call) (any, error) {
	ts, err := c.svc().Tokens(c.r.Context(), c.r.PathValue("email"))
	if err != nil {
		return nil, err
	}
	if ts == nil {
		ts = []store.Token{}
	}
	return tokenList{Tokens: ts}, nil
}

func (s *Server) revokeToken(c *call) (any, error) {
	return c.svc().RevokeToken(c.r.Context(), c.r.PathValue("email"), c.r.PathValue("token"))
}

func (s *Server) userSessions(c *call) (any, error) {
	ss, err := c.svc().Sessions(c.r.Context(), c.r.PathValue("email"))
	if err != nil {
		return nil, err
	}
	out := sessionList{Sessions: []sessionInfo{}}
	for _, x := range ss {
		out.Sessions = append(out.Sessions, sessionInfo{SHA256: x.IDSHA256, Created: x.Created, Expires: x.Expires})
	}
	return out, nil
}

func (s *Server) endSessions(c *call) (any, error) {
	n, err := c.svc().EndSessions(c.r.Context(), c.r.PathValue("email"), c.r.PathValue("session"))
	if err != nil {
		return nil, err
	}
	if c.session != nil && c.r.PathValue("session") == "" && c.user.Email == c.r.PathValue("email") {
		// The caller ended their own sessions, this one too.
		http.SetCookie(c.w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	}
	return sessionsEnded{Ended: n}, nil
}
