package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"revolver/auth"
	"revolver/store"
)

// TestSignOutEndsTheSession: signing out through the page is the use case
// (app.Service.SignOut): the cookie is removed, the session is ended in
// the store (the old cookie, sent again, opens no page) and the audit
// record is the API's sign-out (kind session, action sign_out) naming the
// user and the page's route.
func TestSignOutEndsTheSession(t *testing.T) {
	e := newEnv(t)
	c := e.signIn(t, "officer@bank.example")
	var token string
	for _, ck := range c.http.Jar.Cookies(mustURL(e.srv.URL)) {
		if ck.Name == auth.SessionCookie {
			token = ck.Value
		}
	}
	if token == "" {
		t.Fatal("no session cookie after signing in")
	}
	// Without the CSRF token nothing happens.
	resp := c.post("/sign-out", url.Values{"csrf_token": {"wrong"}})
	mustStatus(t, "sign out without the token", resp.StatusCode, http.StatusForbidden)
	if _, err := e.acc.Session(context.Background(), auth.SHA256(token), testNow); err != nil {
		t.Fatalf("a refused sign-out ended the session: %v", err)
	}
	resp = c.post("/sign-out", url.Values{})
	mustStatus(t, "sign out", resp.StatusCode, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/sign-in" {
		t.Errorf("sign out redirects to %q", loc)
	}
	removed := false
	for _, ck := range resp.Cookies() {
		if ck.Name == auth.SessionCookie && ck.MaxAge < 0 && ck.Value == "" && ck.HttpOnly && ck.SameSite == http.SameSiteLaxMode {
			removed = true
		}
	}
	if !removed {
		t.Errorf("sign out does not remove the cookie: %v", resp.Header.Values("Set-Cookie"))
	}
	if _, err := e.acc.Session(context.Background(), auth.SHA256(token), testNow); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("the session after signing out: %v, want not found", err)
	}
	// The old cookie sent again: the pages ask to sign in, the API refuses.
	for _, p := range []string{"/facilities/btu", "/api/v1/me"} {
		r, _ := http.NewRequest(http.MethodGet, e.srv.URL+p, nil)
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: token})
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if p == "/facilities/btu" && (resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in")) {
			t.Errorf("%s with the old cookie: %d %s", p, resp.StatusCode, resp.Header.Get("Location"))
		}
		if p == "/api/v1/me" && resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with the old cookie: %d", p, resp.StatusCode)
		}
	}
	recs := e.auditOf(t, "web POST /sign-out")
	if len(recs) != 1 || recs[0].Actor != "officer@bank.example" || recs[0].Role != store.RoleLenderOfficer || recs[0].Kind != "session" ||
		recs[0].Action != "sign_out" || recs[0].Result != store.AuditDone {
		t.Fatalf("audit records of the sign-out: %+v", recs)
	}
	if in := e.auditOf(t, "web POST /sign-in"); len(in) != 1 || in[0].Kind != "session" || in[0].Action != "sign_in" || in[0].Actor != "officer@bank.example" {
		t.Errorf("audit records of the sign-in: %+v", in)
	}
	// Signing out again (no session): the sign-in page, nothing audited.
	resp = c.post("/sign-out", url.Values{})
	mustStatus(t, "sign out again", resp.StatusCode, http.StatusSeeOther)
	if n := len(e.auditOf(t, "web POST /sign-out")); n != 1 {
		t.Errorf("%d sign-out records after signing out twice", n)
	}
}
