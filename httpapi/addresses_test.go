package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"revolver/auth"
	"revolver/httpapi"
	"revolver/store"
)

// TestSignInLimitsManyAddresses: the sign-in limits with several client
// addresses. An account's limit holds whatever address the attempts come
// from; the address limit counts the connection's peer, whatever
// X-Forwarded-For says, unless the peer is a trusted proxy, whose header
// then names the client (its last untrusted hop: what the client writes
// before it is not believed). On both databases.
func TestSignInLimitsManyAddresses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		lim := auth.SignInLimits{PerAccount: 5, PerAddress: 3, Window: 15 * time.Minute}
		newSrv := func(trusted ...netip.Prefix) *httpapi.Server {
			srv, err := httpapi.New(httpapi.Config{Store: e.st, Terms: e.terms, SignInLimits: lim, TrustedProxies: trusted})
			if err != nil {
				t.Fatal(err)
			}
			return srv
		}
		plain := newSrv()
		signIn := func(srv *httpapi.Server, remote, xff, email, pw string) int {
			b, _ := json.Marshal(map[string]string{"email": email, "password": pw})
			r := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(string(b)))
			r.Header.Set("Content-Type", "application/json")
			r.RemoteAddr = remote
			if xff != "" {
				r.Header.Set("X-Forwarded-For", xff)
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			return w.Code
		}
		// One account from five addresses: its limit holds.
		officer := e.email[store.RoleLenderOfficer]
		for i, addr := range []string{"198.51.100.1:1", "198.51.100.2:1", "198.51.100.3:1", "198.51.100.4:1", "198.51.100.5:1"} {
			if got := signIn(plain, addr, "", officer, "wrong"); got != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i+1, got)
			}
		}
		if got := signIn(plain, "198.51.100.6:1", "", officer, "password-"+store.RoleLenderOfficer); got != http.StatusTooManyRequests {
			t.Fatalf("the right password from a sixth address after five failures: %d, want 429", got)
		}
		// One address, each attempt claiming another X-Forwarded-For: one
		// address to the limits.
		users := []string{"nobody1@test.example", "nobody2@test.example", "nobody3@test.example"}
		for i, u := range users {
			if got := signIn(plain, "203.0.113.7:1", "192.0.2."+string(rune('1'+i)), u, "wrong"); got != http.StatusUnauthorized {
				t.Fatalf("address attempt %d: %d", i+1, got)
			}
		}
		auditor := e.email[store.RoleAuditor]
		if got := signIn(plain, "203.0.113.7:1", "192.0.2.99", auditor, "password-"+store.RoleAuditor); got != http.StatusTooManyRequests {
			t.Fatalf("a fourth attempt from the address, X-Forwarded-For changed: %d, want 429", got)
		}
		if got := signIn(plain, "203.0.113.8:1", "", auditor, "password-"+store.RoleAuditor); got != http.StatusCreated {
			t.Fatalf("the same sign-in from another address: %d, want 201", got)
		}
		// Behind a trusted proxy the header names the client.
		proxied := newSrv(netip.MustParsePrefix("10.0.0.0/8"))
		for i, u := range users {
			if got := signIn(proxied, "10.1.1.1:1", "1.2.3.4, 198.18.0.1", u, "wrong"); got != http.StatusUnauthorized {
				t.Fatalf("proxied attempt %d: %d", i+1, got)
			}
		}
		analyst := e.email[store.RoleLenderAnalyst]
		if got := signIn(proxied, "10.1.1.2:1", "5.6.7.8, 198.18.0.1", analyst, "password-"+store.RoleLenderAnalyst); got != http.StatusTooManyRequests {
			t.Fatalf("the client behind the proxy, a prefix of its own added: %d, want 429", got)
		}
		if got := signIn(proxied, "10.1.1.1:1", "198.18.0.2", analyst, "password-"+store.RoleLenderAnalyst); got != http.StatusCreated {
			t.Fatalf("another client behind the same proxy: %d, want 201", got)
		}
		// The audit records name the address counted.
		recs, _ := e.acc.FindAudit(t.Context(), store.AuditFilter{Kind: "session", Newest: true, Limit: 1})
		if len(recs) != 1 || !strings.Contains(string(recs[0].After), `"198.18.0.2"`) {
			t.Fatalf("the sign-in's record: %+v", recs)
		}
	})
}
