package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"revolver/auth"
	"revolver/store"
)

// TestUsersPage: the administrator's page lists users with their tokens
// and sessions; disabling a user from it ends their session at once (their
// next page asks to sign in) and revokes their tokens; a token is revoked
// and sessions ended from it; anyone else gets not found. On both
// databases.
func TestUsersPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		officer, _ := e.acc.UserByEmail(ctx, "officer@bank.example")
		_, sum := auth.NewToken()
		if err := e.acc.CreateToken(ctx, officer.ID, sum, testNow, testNow.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		admin := e.signIn(t, "admin@bank.example")
		victim := e.signIn(t, "officer@bank.example")
		if resp, _ := victim.get("/users"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("an officer sees /users: %d", resp.StatusCode)
		}
		if resp := victim.post("/users/"+url.PathEscape("analyst@bank.example")+"/disable", url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an officer disables a user: %d", resp.StatusCode)
		}
		resp, body := admin.get("/users")
		mustStatus(t, "users page", resp.StatusCode, http.StatusOK)
		for _, want := range []string{"officer@bank.example", "controller@btu.example", sum[:13], `href="/users"`} {
			if !strings.Contains(body, want) {
				t.Errorf("users page lacks %q", want)
			}
		}
		// Disabling ends the officer's session at once.
		resp = admin.post("/users/officer@bank.example/disable", url.Values{})
		mustStatus(t, "disable", resp.StatusCode, http.StatusSeeOther)
		if got := Flash(resp.Header.Get("Location")); got != "officer@bank.example is disabled: their sessions ended and their API tokens are revoked." {
			t.Errorf("disable says %q", got)
		}
		if resp, _ := victim.get("/"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
			t.Fatalf("the disabled officer's next page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, err := e.acc.UserByToken(ctx, sum, testNow); store.ErrorCode(err) != store.CodeNotFound {
			t.Fatalf("the disabled officer's token: %v", err)
		}
		_, body = admin.get("/users")
		if !strings.Contains(body, "Enable officer@bank.example") {
			t.Error("the page does not offer to enable the disabled officer")
		}
		// Twice: refused, shown on the page, audited.
		resp, body = admin.postPage("/users/officer@bank.example/disable", url.Values{})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already disabled") {
			t.Fatalf("disable twice: %d", resp.StatusCode)
		}
		mustStatus(t, "enable", admin.post("/users/officer@bank.example/enable", url.Values{}).StatusCode, http.StatusSeeOther)
		// Ending another user's sessions.
		ctl := e.signIn(t, "controller@btu.example")
		resp = admin.post("/users/controller@btu.example/sessions/end", url.Values{})
		mustStatus(t, "end sessions", resp.StatusCode, http.StatusSeeOther)
		if got := Flash(resp.Header.Get("Location")); got != "1 session(s) of controller@btu.example ended." {
			t.Errorf("end sessions says %q", got)
		}
		if resp, _ := ctl.get("/"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
			t.Fatalf("an ended session's next page: %d", resp.StatusCode)
		}
		// Revoking a token.
		_, sum2 := auth.NewToken()
		if err := e.acc.CreateToken(ctx, officer.ID, sum2, testNow, testNow.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		resp = admin.post("/users/officer@bank.example/tokens/"+sum2+"/revoke", url.Values{})
		mustStatus(t, "revoke", resp.StatusCode, http.StatusSeeOther)
		if _, err := e.acc.UserByToken(ctx, sum2, testNow); store.ErrorCode(err) != store.CodeNotFound {
			t.Fatalf("revoked token: %v", err)
		}
		recs, _ := e.acc.FindAudit(ctx, store.AuditFilter{Actor: "admin@bank.example"})
		got := map[string]int{}
		for _, r := range recs {
			got[r.Kind+"/"+r.Action+"/"+r.Result]++
		}
		for k, n := range map[string]int{"user/disable/done": 1, "user/disable/refused": 1, "user/enable/done": 1, "session/end/done": 1, "token/revoke/done": 1} {
			if got[k] != n {
				t.Errorf("audit %s: %d, want %d (%v)", k, got[k], n, got)
			}
		}
	})
}
