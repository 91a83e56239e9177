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
	for r, ok := range map[string]int{"POST /api/v1/users": 201, "POST /api/v1/users/{email}/tokens": 201,
		"POST /api/v1/users/{email}/password": 200, "POST /api/v1/users/{email}/access": 200} {
		policy[r] = struct {
			roles []string
			ok    int
		}{admin, ok}
	}
	policy["POST /api/v1/me/password"] = struct {
		roles []string
		ok    int
	}{nil, 200}
}

// userFormsRequest builds a request for a route of userRoutes: a new
// user, or one made for it (a lender analyst), or, for the caller's own
// password, the caller's password set again to the one they signed in
// with (as: the caller's email).
func (e *env) userFormsRequest(route, as string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	ctx := context.Background()
	switch route {
	case "POST /api/v1/users":
		return jsonReq(method, pattern, map[string]any{"email": fmt.Sprintf("new-%d@bank.example", e.seq()), "role": store.RoleAuditor, "password": "a-long-first-password"}), true
	case "POST /api/v1/me/password":
		if as == "" {
			as = e.email[store.RoleLenderAdmin]
		}
		role := ""
		for r, m := range e.email {
			if m == as && as != "" {
				role = r
			}
		}
		if role == "" {
			return jsonReq(method, pattern, map[string]string{"current_password": "x", "new_password": "y"}), true
		}
		u, err := e.acc.UserByEmail(ctx, as)
		if err != nil {
			e.t.Fatal(err)
		}
		h, err := auth.HashPassword("password-"+role, auth.DefaultParams)
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.acc.SetPassword(ctx, store.PasswordChange{UserID: u.ID, Hash: h, At: time.Now(), KeepSession: "none"}, nil); err != nil {
			e.t.Fatal(err)
		}
		return jsonReq(method, pattern, map[string]string{"current_password": "password-" + role, "new_password": fmt.Sprintf("another-password-%d", e.seq())}), true
	}
	if !strings.HasPrefix(pattern, "/api/v1/users/{email}/") || !strings.HasSuffix(pattern, "/tokens") && !strings.HasSuffix(pattern, "/password") && !strings.HasSuffix(pattern, "/access") {
		return req{}, false
	}
	u, err := e.acc.CreateUser(ctx, store.User{Email: fmt.Sprintf("target-%d@test.example", e.seq()), Role: store.RoleLenderAnalyst, PasswordHash: "x", Created: time.Now()})
	if err != nil {
		e.t.Fatal(err)
	}
	path := strings.ReplaceAll(pattern, "{email}", url.PathEscape(u.Email))
	if method == "POST" && strings.HasSuffix(pattern, "/access") {
		return jsonReq(method, path, map[string]any{"role": store.RoleLenderOfficer}), true
	}
	return jsonReq(method, path, nil), true
}

// TestUserForms: an administrator adds a user (a refusal names the
// field), creates their token (answered once, it works), resets their
// password (generated, answered once; they must change it) and changes
// their role; the user changes their password with the current one and
// then signs in with the new one only.
func TestUserForms(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		admin := e.email[store.RoleLenderAdmin]
		r := e.do(admin, jsonReq("POST", "/api/v1/users", map[string]any{"email": "cfo@btu.example", "role": store.RoleBorrower, "password": "a-long-first-password"}))
		if r.status != 422 && r.status != 400 || !strings.Contains(string(r.body), "facilities: none") {
			t.Fatalf("borrower without facilities: %d %s", r.status, r.body)
		}
		r = e.do(admin, jsonReq("POST", "/api/v1/users", map[string]any{"email": "cfo@btu.example", "role": store.RoleBorrower, "password": "a-long-first-password", "facilities": []string{own}}))
		if r.status != 201 {
			t.Fatalf("add: %d %s", r.status, r.body)
		}
		r = e.do(admin, jsonReq("POST", "/api/v1/users/cfo@btu.example/tokens", map[string]string{"ttl": "48h"}))
		tok, _ := r.json(t)["token"].(string)
		if r.status != 201 || !strings.HasPrefix(tok, "rvk_") {
			t.Fatalf("token: %d %s", r.status, r.body)
		}
		e.token["cfo@btu.example"] = tok
		me := e.do("cfo@btu.example", jsonReq("GET", "/api/v1/me", nil))
		if me.status != 200 || !strings.Contains(string(me.body), "cfo@btu.example") {
			t.Fatalf("the new token: %d %s", me.status, me.body)
		}
		r = e.do(admin, jsonReq("POST", "/api/v1/users/cfo@btu.example/password", nil))
		pw, _ := r.json(t)["password"].(string)
		if r.status != 200 || len(pw) < 15 || !strings.Contains(string(r.body), `"must_change_password":true`) {
			t.Fatalf("reset: %d %s", r.status, r.body)
		}
		// Until the password is changed, nothing else is open (its token
		// included), but who one is and the change itself.
		if f := e.do("cfo@btu.example", jsonReq("GET", "/api/v1/facilities/"+own, nil)); f.status != http.StatusForbidden || !strings.Contains(string(f.body), "change it first") {
			t.Errorf("before changing the password an administrator set: %d %s", f.status, f.body)
		}
		if me := e.do("cfo@btu.example", jsonReq("GET", "/api/v1/me", nil)); me.status != 200 || !strings.Contains(string(me.body), `"must_change_password":true`) {
			t.Errorf("GET /me before the change: %d %s", me.status, me.body)
		}
		r = e.do("cfo@btu.example", jsonReq("POST", "/api/v1/me/password", map[string]string{"current_password": "wrong-password-x", "new_password": "the-cfo-new-password"}))
		if r.status != 422 && r.status != 400 || !strings.Contains(string(r.body), "current password: not the password") {
			t.Fatalf("wrong current: %d %s", r.status, r.body)
		}
		r = e.do("cfo@btu.example", jsonReq("POST", "/api/v1/me/password", map[string]string{"current_password": pw, "new_password": "the-cfo-new-password"}))
		if r.status != 200 {
			t.Fatalf("change: %d %s", r.status, r.body)
		}
		if f := e.do("cfo@btu.example", jsonReq("GET", "/api/v1/facilities/"+own, nil)); f.status != 200 {
			t.Errorf("after the change: %d %s", f.status, f.body)
		}
		if s := e.do("", jsonReq("POST", "/api/v1/session", map[string]string{"email": "cfo@btu.example", "password": pw})); s.status == http.StatusCreated {
			t.Errorf("signed in with the old password")
		}
		if s := e.do("", jsonReq("POST", "/api/v1/session", map[string]string{"email": "cfo@btu.example", "password": "the-cfo-new-password"})); s.status != http.StatusCreated {
			t.Errorf("sign in with the new password: %d %s", s.status, s.body)
		}
		r = e.do(admin, jsonReq("POST", "/api/v1/users/cfo@btu.example/access", map[string]any{"role": store.RoleAuditor, "facilities": []string{own}}))
		if r.status != 422 && r.status != 400 || !strings.Contains(string(r.body), "facilities: facilities are granted to borrower users") {
			t.Fatalf("auditor with facilities: %d %s", r.status, r.body)
		}
		r = e.do(admin, jsonReq("POST", "/api/v1/users/cfo@btu.example/access", map[string]any{"role": store.RoleBorrower, "facilities": []string{own, other}}))
		if r.status != 200 || !strings.Contains(string(r.body), other) {
			t.Fatalf("grant: %d %s", r.status, r.body)
		}
		if f := e.do("cfo@btu.example", jsonReq("GET", "/api/v1/facilities/"+other, nil)); f.status != 200 {
			t.Errorf("the facility granted: %d", f.status)
		}
	})
}

// TestPreviewFinancials: the preview answers each period's lines with
// the covenants they feed and stores nothing; a bad amount is refused
// naming the file, row and column.
func TestPreviewFinancials(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		borrower := e.email[store.RoleBorrower]
		path := "/api/v1/facilities/" + own + "/financial-statements/preview?file=q.csv"
		before := e.snapshot()
		r := e.do(borrower, req{method: "POST", path: path, body: []byte(statementsCSV), ctype: "text/csv"})
		if r.status != 200 || !strings.Contains(string(r.body), `"name":"total_assets","value":"63000000.00","feeds":[`) || !strings.Contains(string(r.body), `"row":2`) {
			t.Fatalf("preview: %d %s", r.status, r.body)
		}
		r = e.do(borrower, req{method: "POST", path: path, body: []byte(strings.Replace(statementsCSV, "63000000.00", "63000000.0x", 1)), ctype: "text/csv"})
		if r.status != 422 && r.status != 400 || !strings.Contains(string(r.body), "q.csv:2") || !strings.Contains(string(r.body), "total_assets") {
			t.Fatalf("a bad amount: %d %s", r.status, r.body)
		}
		if after := e.snapshot(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the preview stored something: %v → %v", before, after)
		}
	})
}
