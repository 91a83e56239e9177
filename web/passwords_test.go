package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"revolver/auth"
	"revolver/store"
)

// TestUserForms: the administrator adds a user (a refusal shown beside
// its field, the values kept), creates their API token (shown once, it
// works), changes their facilities and resets their password (generated,
// shown once); the user signs in with it, is sent to the change password
// page before anything else, changes it there (a wrong current password
// refused beside its field) and goes on. On both databases.
func TestUserForms(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.signIn(t, "admin@bank.example")
		_, page := admin.get("/users")
		for _, want := range []string{`action="/users"`, `id="add-email"`, `href="/password" id="password-link"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("the users page has no %q", want)
			}
		}
		form := url.Values{"email": {"cfo@btu.example"}, "role": {store.RoleBorrower}, "password": {"first-long-password"}}
		resp, page := admin.postPage("/users", form)
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(page, `id="add-facilities-err">`) || !strings.Contains(page, `value="cfo@btu.example"`) {
			t.Fatalf("a borrower without facilities: %d %s", resp.StatusCode, errorsOf(page))
		}
		form.Set("facilities", "btu")
		resp = admin.post("/users", form)
		mustStatus(t, "add user", resp.StatusCode, http.StatusSeeOther)
		if got := Flash(resp.Header.Get("Location")); got != "cfo@btu.example is added." {
			t.Errorf("add says %q", got)
		}
		resp, page = admin.postPage("/users/cfo@btu.example/tokens", url.Values{"ttl_days": {"400"}})
		if !strings.Contains(page, `class="error" id="token-ttl-err`) {
			t.Errorf("a token for 400 days: %d %s", resp.StatusCode, errorsOf(page))
		}
		_, page = admin.postPage("/users/cfo@btu.example/tokens", url.Values{"ttl_days": {"30"}})
		tok := regexp.MustCompile(`<code id="new-token">([^<]+)</code>`).FindStringSubmatch(page)
		if tok == nil {
			t.Fatalf("the token is not shown")
		}
		if _, err := e.acc.UserByToken(ctx, auth.SHA256(tok[1]), *e.clock.Load()); err != nil {
			t.Fatalf("the token shown: %v", err)
		}
		resp = admin.post("/users/cfo@btu.example/access", url.Values{"role": {store.RoleBorrower}, "facilities": {"btu, nope"}})
		if resp.StatusCode == http.StatusSeeOther {
			t.Fatalf("an unknown facility granted")
		}
		resp, page = admin.postPage("/users/cfo@btu.example/access", url.Values{"role": {store.RoleAuditor}, "facilities": {"btu"}})
		if !strings.Contains(page, `id="access-facilities-err`) {
			t.Errorf("an auditor with facilities: %d %s", resp.StatusCode, errorsOf(page))
		}
		resp = admin.post("/users/cfo@btu.example/access", url.Values{"role": {store.RoleLenderAnalyst}, "facilities": {""}})
		mustStatus(t, "set access", resp.StatusCode, http.StatusSeeOther)
		if u, _ := e.acc.UserByEmail(ctx, "cfo@btu.example"); u.Role != store.RoleLenderAnalyst || len(u.Facilities) != 0 {
			t.Errorf("after the change: %s %v", u.Role, u.Facilities)
		}
		_, page = admin.postPage("/users/cfo@btu.example/password", url.Values{})
		pw := regexp.MustCompile(`<code id="new-password">([^<]+)</code>`).FindStringSubmatch(page)
		if pw == nil {
			t.Fatalf("the generated password is not shown")
		}
		// The user signs in with it and must change it first.
		cfo := e.signInWith(t, "cfo@btu.example", pw[1])
		resp, _ = cfo.get("/")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/password") {
			t.Fatalf("first page after a reset: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, page = cfo.get("/password")
		if !strings.Contains(page, `id="must-change"`) {
			t.Errorf("the change password page does not say why")
		}
		resp, page = cfo.postPage("/password", url.Values{"current_password": {"not-the-password"}, "new_password": {"my-own-long-password"}})
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(page, `id="current_password-err">Refused, and nothing was changed: current password: not the password`) {
			t.Fatalf("a wrong current password: %d %s", resp.StatusCode, errorsOf(page))
		}
		resp, page = cfo.postPage("/password", url.Values{"current_password": {pw[1]}, "new_password": {"short"}})
		if !strings.Contains(page, `id="new_password-err">`) {
			t.Fatalf("a short new password: %d %s", resp.StatusCode, errorsOf(page))
		}
		resp = cfo.post("/password", url.Values{"current_password": {pw[1]}, "new_password": {"my-own-long-password"}})
		mustStatus(t, "change password", resp.StatusCode, http.StatusSeeOther)
		if resp, _ := cfo.get("/"); resp.StatusCode != http.StatusOK {
			t.Errorf("the portfolio after the change: %d", resp.StatusCode)
		}
		e.signInWith(t, "cfo@btu.example", "my-own-long-password")
		// Each change is in the audit trail.
		recs, _ := e.acc.AuditRecords(ctx, 0, 10000)
		var ops []string
		for _, r := range recs {
			if r.Result != store.AuditRefused && (r.Resource == "cfo@btu.example") {
				ops = append(ops, r.Kind+"/"+r.Action)
			}
		}
		for _, want := range []string{"user/add", "token/create", "user/set_access", "password/reset", "password/change"} {
			if !slices.Contains(ops, want) {
				t.Errorf("audit trail lacks %s: %v", want, ops)
			}
		}
	})
}
