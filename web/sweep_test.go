package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"revolver/app"
	"revolver/auth"
	"revolver/store"
)

// Regression (security sweep): next=/%09/evil after sign-in redirected to
// "/\t/evil", which a browser follows as //evil. Only same-site paths are
// kept, after decoding.
func TestSafeNextDecoded(t *testing.T) {
	for in, want := range map[string]string{
		"/facilities/btu": "/facilities/btu", "/facilities/btu?as_of=2004-10-04": "/facilities/btu?as_of=2004-10-04",
		"/\t/evil": "/", "/\n/evil": "/", "//evil": "/", "/\\evil": "/", "/%2F/evil": "/", "/%09/evil": "/", "/%5Cevil": "/",
		"https://evil.example/": "/", "evil": "/", "": "/", "/ok%20path": "/ok%20path",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// Regression (security sweep): /static/ listed its directory.
func TestStaticListsNoDirectory(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, p := range []string{"/static/", "/static"} {
			resp, err := http.Get(e.srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMovedPermanently {
				t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
			}
		}
		resp, err := http.Get(e.srv.URL + "/static/style.css")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET /static/style.css: %d", resp.StatusCode)
		}
	})
}

// Regression (security sweep): borrower-supplied values starting with =,
// +, -, @, a tab or a carriage return came out verbatim in the CSV exports.
func TestCSVCellsCarryNoFormula(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1+1": "'+1+1", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"-1,250.00": "-1,250.00", "+42": "+42", "ACME Corp": "ACME Corp", "": "",
	} {
		if got := app.CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// Regression (security sweep): the sign-in form had no CSRF token, so a
// page of another site could sign a victim in to the attacker's account.
// A sign-in without the form's token (the cookie's value) is refused,
// checks no password and begins no session.
func TestLoginCSRF(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		creds := func() url.Values { return url.Values{"email": {"officer@bank.example"}, "password": {testPassword}} }
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		before, _ := e.acc.FindAudit(context.Background(), store.AuditFilter{Kind: "session"})
		forged := signInForm(t, hc, e.srv.URL, creds())
		forged.Set("signin_token", "A"+forged.Get("signin_token")[1:])
		for name, form := range map[string]url.Values{
			"no token":           creds(),
			"another token":      forged,
			"a token, no cookie": signInForm(t, &http.Client{}, e.srv.URL, creds()),
		} {
			c := hc
			if name == "a token, no cookie" {
				c = &http.Client{CheckRedirect: hc.CheckRedirect}
			}
			resp, err := c.PostForm(e.srv.URL+"/sign-in", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", name, resp.StatusCode)
			}
			for _, ck := range resp.Cookies() {
				if ck.Name == auth.SessionCookie && ck.Value != "" {
					t.Errorf("%s: a session began", name)
				}
			}
		}
		after, _ := e.acc.FindAudit(context.Background(), store.AuditFilter{Kind: "session"})
		if len(after) != len(before) {
			t.Errorf("refused forms audited %d sign-ins", len(after)-len(before))
		}
		resp, err := hc.PostForm(e.srv.URL+"/sign-in", signInForm(t, hc, e.srv.URL, creds()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a sign-in from the page: %d", resp.StatusCode)
		}
		// The API's form sign-in, posted from another site.
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/session", strings.NewReader(creds().Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("the API's form sign-in from another site: %d, want 403", resp.StatusCode)
		}
	})
}
