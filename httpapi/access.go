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
		Users     []store.User `json:"users"`
		NextAfter *int64       `json:"next_after"`
	}
	tokenList struct {
		Tokens    []store.Token `json:"tokens"`
		NextAfter *string       `json:"next_after"`
	}
	// sessionInfo is a session as an administrator sees it: named by the
	// SHA-256 of its cookie, without its CSRF token.
	sessionInfo struct {
		SHA256  string    `json:"sha256"`
		Created time.Time `json:"created"`
		Expires time.Time `json:"expires"`
	}
	sessionList struct {
		Sessions  []sessionInfo `json:"sessions"`
		NextAfter *string       `json:"next_after"`
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
	return append(s.userRoutes(), []*Route{
		{Method: "GET", Path: "/api/v1/users", Summary: "The users, with their role, facilities and whether they are disabled, by id", Roles: admin, Query: []string{"after", "limit"}, Response: "UserList", h: s.users},
		{Method: "POST", Path: u + "/disable", Summary: "Disable a user at once: no sign-in, every session ended and every API token revoked", Roles: admin, Mutating: true, Op: app.OpDisableUser, Response: "User", h: s.setDisabled(true)},
		{Method: "POST", Path: u + "/enable", Summary: "Enable a disabled user again (their API tokens stay revoked)", Roles: admin, Mutating: true, Op: app.OpEnableUser, Response: "User", h: s.setDisabled(false)},
		{Method: "GET", Path: u + "/tokens", Summary: "A user's API tokens by SHA-256, with their expiry and revocation", Roles: admin, Query: []string{"after_sha256", "limit"}, Response: "TokenList", h: s.userTokens},
		{Method: "POST", Path: u + "/tokens/{token}/revoke", Summary: "Revoke a user's API token at once", Roles: admin, Mutating: true, Op: app.OpRevokeToken, Response: "Token", h: s.revokeToken},
		{Method: "GET", Path: u + "/sessions", Summary: "A user's live sessions, by the SHA-256 of their cookie", Roles: admin, Query: []string{"after_sha256", "limit"}, Response: "SessionList", h: s.userSessions},
		{Method: "POST", Path: u + "/sessions/end", Summary: "End every session of a user at once", Roles: admin, Mutating: true, Op: app.OpEndSessions, Response: "SessionsEnded", h: s.endSessions},
		{Method: "POST", Path: u + "/sessions/{session}/end", Summary: "End one session of a user at once", Roles: admin, Mutating: true, Op: app.OpEndSessions, Response: "SessionsEnded", h: s.endSessions},
	}...)
}

// users is a page of the users by id.
func (s *Server) users(c *call) (any, error) {
	p, err := c.page(false)
	if err != nil {
		return nil, err
	}
	us, err := c.svc().Users(c.r.Context())
	if err != nil {
		return nil, err
	}
	out, next := pageOf(us, p, func(u store.User) int64 { return u.ID })
	return userList{Users: out, NextAfter: next}, nil
}

func (s *Server) setDisabled(disabled bool) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		if disabled {
			return c.svc().DisableUser(c.r.Context(), c.r.PathValue("email"))
		}
		return c.svc().EnableUser(c.r.Context(), c.r.PathValue("email"))
	}
}

// userTokens is a page of a user's tokens by SHA-256.
func (s *Server) userTokens(c *call) (any, error) {
	p, after, err := c.keyPage()
	if err != nil {
		return nil, err
	}
	ts, err := c.svc().Tokens(c.r.Context(), c.r.PathValue("email"))
	if err != nil {
		return nil, err
	}
	out, next := pageByKey(ts, p.Limit, after, func(t store.Token) string { return t.SHA256 })
	return tokenList{Tokens: out, NextAfter: next}, nil
}

func (s *Server) revokeToken(c *call) (any, error) {
	return c.svc().RevokeToken(c.r.Context(), c.r.PathValue("email"), c.r.PathValue("token"))
}

// userSessions is a page of a user's live sessions by SHA-256.
func (s *Server) userSessions(c *call) (any, error) {
	p, after, err := c.keyPage()
	if err != nil {
		return nil, err
	}
	ss, err := c.svc().Sessions(c.r.Context(), c.r.PathValue("email"))
	if err != nil {
		return nil, err
	}
	infos := make([]sessionInfo, 0, len(ss))
	for _, x := range ss {
		infos = append(infos, sessionInfo{SHA256: x.IDSHA256, Created: x.Created, Expires: x.Expires})
	}
	out, next := pageByKey(infos, p.Limit, after, func(x sessionInfo) string { return x.SHA256 })
	return sessionList{Sessions: out, NextAfter: next}, nil
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
