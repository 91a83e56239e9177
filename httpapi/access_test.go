package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"revolver/auth"
	"revolver/store"
)

func init() {
	admin := []string{store.RoleLenderAdmin}
	for _, r := range []string{"GET /api/v1/users", "POST /api/v1/users/{email}/disable", "POST /api/v1/users/{email}/enable",
		"GET /api/v1/users/{email}/tokens", "POST /api/v1/users/{email}/tokens/{token}/revoke", "GET /api/v1/users/{email}/sessions",
		"POST /api/v1/users/{email}/sessions/end", "POST /api/v1/users/{email}/sessions/{session}/end"} {
		policy[r] = struct {
			roles []string
			ok    int
		}{admin, 200}
	}
}

// accessRequest builds a request for a route of accessRoutes: on a user
// made for it, with what the route acts on (disabled, a token, a session).
func (e *env) accessRequest(route string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	if !strings.HasPrefix(pattern, "/api/v1/users") {
		return req{}, false
	}
	ctx := context.Background()
	now := time.Now()
	u, err := e.acc.CreateUser(ctx, store.User{Email: fmt.Sprintf("target-%d@test.example", e.seq()), Role: store.RoleLenderAnalyst, PasswordHash: "x", Created: now})
	if err != nil {
		e.t.Fatal(err)
	}
	_, tok := auth.NewToken()
	sess := auth.SHA256(auth.Random("", 32))
	if err := e.acc.CreateToken(ctx, u.ID, tok, now, now.Add(time.Hour)); err != nil {
		e.t.Fatal(err)
	}
	if err := e.acc.CreateSession(ctx, store.Session{IDSHA256: sess, UserID: u.ID, CSRF: "c", Created: now, Expires: now.Add(time.Hour)}); err != nil {
		e.t.Fatal(err)
	}
	if strings.HasSuffix(route, "/enable") {
		if err := e.acc.SetUserDisabled(ctx, u.ID, true, now, nil); err != nil {
			e.t.Fatal(err)
		}
	}
	path := strings.NewReplacer("{email}", url.PathEscape(u.Email), "{token}", tok, "{session}", sess).Replace(pattern)
	return jsonReq(method, path, nil), true
}

// signInCookie signs in through the API and returns the session cookie's
// header value.
func (e *env) signInCookie(role string) string {
	e.t.Helper()
	r := e.do("", jsonReq("POST", "/api/v1/session", map[string]string{"email": e.email[role], "password": "password-" + role}))
	if r.status != http.StatusCreated {
		e.t.Fatalf("sign in %s: %d %s", role, r.status, r.body)
	}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == auth.SessionCookie {
			return c.Name + "=" + c.Value
		}
	}
	e.t.Fatal("no session cookie")
	return ""
}

// TestRevokeAccessAPI: an administrator disables a user (their token and
// session stop working at once), revokes a token, lists and ends a user's
// sessions; an expired token is refused with 401; nobody else may.
func TestRevokeAccessAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		admin, officer := e.email[store.RoleLenderAdmin], e.email[store.RoleLenderOfficer]
		users := "/api/v1/users/"
		me := jsonReq("GET", "/api/v1/me", nil)
		if r := e.do(officer, jsonReq("GET", "/api/v1/users", nil)); r.status != http.StatusForbidden {
			t.Fatalf("officer lists users: %d", r.status)
		}
		if r := e.do(officer, jsonReq("POST", users+url.PathEscape(e.email[store.RoleAuditor])+"/disable", nil)); r.status != http.StatusForbidden {
			t.Fatalf("officer disables a user: %d", r.status)
		}
		r := e.do(admin, jsonReq("GET", "/api/v1/users", nil))
		if r.status != http.StatusOK || len(r.json(t)["users"].([]any)) != len(roles)+1 {
			t.Fatalf("users: %d %s", r.status, r.body)
		}

		// Disabling: the token and the session stop at once.
		cookie := e.signInCookie(store.RoleLenderOfficer)
		withCookie := me
		withCookie.header = map[string]string{"Cookie": cookie}
		if r := e.do("", withCookie); r.status != http.StatusOK {
			t.Fatalf("session before: %d", r.status)
		}
		r = e.do(admin, jsonReq("POST", users+officer+"/disable", nil))
		if r.status != http.StatusOK || r.json(t)["disabled"] != true {
			t.Fatalf("disable: %d %s", r.status, r.body)
		}
		if r := e.do(officer, me); r.status != http.StatusUnauthorized {
			t.Fatalf("token of a disabled user: %d", r.status)
		}
		if r := e.do("", withCookie); r.status != http.StatusUnauthorized {
			t.Fatalf("session of a disabled user: %d", r.status)
		}
		r = e.do("", jsonReq("POST", "/api/v1/session", map[string]string{"email": officer, "password": "password-" + store.RoleLenderOfficer}))
		if r.status != http.StatusUnauthorized {
			t.Fatalf("a disabled user signs in: %d %s", r.status, r.body)
		}
		if r := e.do(admin, jsonReq("POST", users+officer+"/disable", nil)); r.status != http.StatusConflict {
			t.Fatalf("disable twice: %d", r.status)
		}
		r = e.do(admin, jsonReq("GET", users+officer+"/tokens", nil))
		if ts := r.json(t)["tokens"].([]any); len(ts) != 1 || ts[0].(map[string]any)["revoked"] == nil {
			t.Fatalf("tokens of a disabled user: %s", r.body)
		}
		if r := e.do(admin, jsonReq("POST", users+officer+"/enable", nil)); r.status != http.StatusOK || r.json(t)["disabled"] != false {
			t.Fatalf("enable: %d %s", r.status, r.body)
		}
		if r := e.do(officer, me); r.status != http.StatusUnauthorized {
			t.Fatalf("a token works again once its user is enabled: %d", r.status)
		}

		// Revoking one token.
		analyst := e.email[store.RoleLenderAnalyst]
		if r := e.do(analyst, me); r.status != http.StatusOK {
			t.Fatalf("analyst before: %d", r.status)
		}
		sum := auth.SHA256(e.token[analyst])
		if r := e.do(admin, jsonReq("POST", users+officer+"/tokens/"+sum+"/revoke", nil)); r.status != http.StatusNotFound {
			t.Fatalf("revoke through another user: %d %s", r.status, r.body)
		}
		r = e.do(admin, jsonReq("POST", users+analyst+"/tokens/"+sum+"/revoke", nil))
		if r.status != http.StatusOK || r.json(t)["sha256"] != sum {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if r := e.do(analyst, me); r.status != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", r.status)
		}

		// An expired token: 401.
		u, _ := e.acc.UserByEmail(context.Background(), e.email[store.RoleAuditor])
		tok, h := auth.NewToken()
		if err := e.acc.CreateToken(context.Background(), u.ID, h, time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		e.token["expired"] = tok
		if r := e.do("expired", me); r.status != http.StatusUnauthorized || r.code() != "unauthorized" {
			t.Fatalf("expired token: %d %s", r.status, r.body)
		}

		// Sessions listed and ended.
		borrower := e.email[store.RoleBorrower]
		c1, c2 := e.signInCookie(store.RoleBorrower), e.signInCookie(store.RoleBorrower)
		r = e.do(admin, jsonReq("GET", users+borrower+"/sessions", nil))
		ss := r.json(t)["sessions"].([]any)
		if len(ss) != 2 {
			t.Fatalf("sessions: %s", r.body)
		}
		one := ss[0].(map[string]any)["sha256"].(string)
		if r := e.do(admin, jsonReq("POST", users+borrower+"/sessions/"+one+"/end", nil)); r.status != http.StatusOK || r.json(t)["ended"] != 1.0 {
			t.Fatalf("end one: %d %s", r.status, r.body)
		}
		if r := e.do(admin, jsonReq("POST", users+borrower+"/sessions/end", nil)); r.status != http.StatusOK || r.json(t)["ended"] != 1.0 {
			t.Fatalf("end all: %d %s", r.status, r.body)
		}
		for _, c := range []string{c1, c2} {
			q := me
			q.header = map[string]string{"Cookie": c}
			if r := e.do("", q); r.status != http.StatusUnauthorized {
				t.Fatalf("an ended session: %d", r.status)
			}
		}
		// Each change is in the audit trail.
		recs, _ := e.acc.FindAudit(context.Background(), store.AuditFilter{Actor: admin})
		got := map[string]int{}
		for _, r := range recs {
			if r.Result == store.AuditDone {
				got[r.Kind+"/"+r.Action]++
			}
		}
		for k, n := range map[string]int{"user/disable": 1, "user/enable": 1, "token/revoke": 1, "session/end": 2} {
			if got[k] != n {
				t.Errorf("audit records %s: %d, want %d (%v)", k, got[k], n, got)
			}
		}
	})
}
