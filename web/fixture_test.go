package web

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/auth"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/httpapi"
	"revolver/money"
	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/sqlite"
	"revolver/store/testdb"
)

// The example facility's reports are as of 2004-10-03; the pages' clock
// is the next Tuesday.
var testNow = time.Date(2004, 10, 5, 14, 0, 0, 0, time.UTC)

const testPassword = "correct horse battery"

// env is a store with the example facility (btu), a second facility
// (other), and users: a borrower of btu, a lender officer, a lender
// admin, an auditor and a borrower of other.
type env struct {
	st store.Store
	// reopen opens the fixture's database again, as another server
	// process would.
	reopen func(t testing.TB) store.Store
	acc    store.Accounts
	api    *httpapi.Server
	web    *Server
	srv    *httptest.Server
	data   map[string][]byte // example data files by base name
	// clock is the time of the pages, the API and the use cases
	// (testNow unless moved: setClock).
	clock *atomic.Pointer[time.Time]
}

var cheap = auth.Params{Memory: 64, Time: 1, Threads: 1}

func exampleFiles(t testing.TB) ([]agreement.File, map[string][]byte) {
	t.Helper()
	var files []agreement.File
	data := map[string][]byte{}
	err := fs.WalkDir(examples.FS, "btu-sovereign", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "history" {
			return fs.SkipDir // the reporting history's reports, by date: the tests use data/
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(examples.FS, p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".yaml") {
			files = append(files, agreement.NewFile(path.Base(p), b))
		} else {
			data[path.Base(p)] = b
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, data
}

func newEnv(t testing.TB) *env { return newEnvOn(t, "sqlite") }

// forEachStore runs f on a fixture on SQLite and on one on PostgreSQL (when
// REVOLVER_TEST_DATABASE_URL is set).
func forEachStore(t *testing.T, f func(t *testing.T, e *env)) {
	for _, b := range []string{"sqlite", "postgres"} {
		t.Run(b, func(t *testing.T) { f(t, newEnvOn(t, b)) })
	}
}

// openStore opens an empty store: a SQLite file, or a schema of its own
// in the PostgreSQL database of REVOLVER_TEST_DATABASE_URL; and how to
// open the same database again (as another server process would).
func openStore(t testing.TB, backend string) (store.Store, func(t testing.TB) store.Store) {
	var open func(t testing.TB) store.Store
	if backend == "postgres" {
		u := testdb.PostgresURL(t)
		open = func(t testing.TB) store.Store {
			st, err := postgres.Open(context.Background(), u)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
	} else {
		path := t.TempDir() + "/revolver.db"
		open = func(t testing.TB) store.Store {
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
	}
	return open(t), open
}

// setClock moves the fixture's clock (the pages', the API's and the use
// cases').
func (e *env) setClock(t time.Time) { e.clock.Store(&t) }

func newEnvOn(t testing.TB, backend string) *env {
	t.Helper()
	ctx := context.Background()
	st, reopen := openStore(t, backend)
	clock := &atomic.Pointer[time.Time]{}
	start := testNow
	clock.Store(&start)
	now := func() time.Time { return *clock.Load() }
	files, data := exampleFiles(t)
	svc := &app.Service{Store: st, Now: now}
	threshold := money.Amount(25000000) // USD 250,000.00
	for _, slug := range []string{"btu", "other"} {
		fs := make([]agreement.File, len(files))
		copy(fs, files)
		if _, err := svc.RegisterFacility(ctx, slug, fs, app.Settings{MakerCheckerThreshold: &threshold}, "setup"); err != nil {
			t.Fatal(err)
		}
		lmaPerformed(t, svc, slug)
	}
	for _, f := range []struct {
		name string
		at   time.Time
	}{{"financials.csv", testNow.Add(-24 * time.Hour)}, {"financials-restated-2006q2.csv", time.Date(2006, 9, 1, 12, 0, 0, 0, time.UTC)}} {
		sts, err := covenant.ReadStatements(f.name, data[f.name])
		if err != nil {
			t.Fatal(err)
		}
		_, pending, err := svc.AddStatementsAt(ctx, "btu", sts, "controller@btu.example", f.at)
		if err != nil {
			t.Fatal(err)
		}
		// The restatement is accepted by a lender the next day.
		accept := &app.Service{Store: st, Now: func() time.Time { return f.at.Add(24 * time.Hour) }}
		for _, r := range pending {
			if _, err := accept.DecideRequest(ctx, app.FactInput{Facility: "btu", Key: "accept-" + r.ID, By: "officer@bank.example"}, r.Record.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	acc := any(st).(store.Accounts)
	hash, err := auth.HashPassword(testPassword, cheap)
	if err != nil {
		t.Fatal(err)
	}
	users := []struct {
		email, role, fac string
	}{
		{"controller@btu.example", store.RoleBorrower, "btu"},
		{"officer@bank.example", store.RoleLenderOfficer, ""},
		{"admin@bank.example", store.RoleLenderAdmin, ""},
		{"auditor@audit.example", store.RoleAuditor, ""},
		{"analyst@bank.example", store.RoleLenderAnalyst, ""},
		{"controller@other.example", store.RoleBorrower, "other"},
	}
	for _, u := range users {
		nu, err := acc.CreateUser(ctx, store.User{Email: u.email, Role: u.role, PasswordHash: hash, Created: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if u.fac != "" {
			if err := acc.GrantFacility(ctx, nu.ID, u.fac); err != nil {
				t.Fatal(err)
			}
		}
	}
	api, err := httpapi.New(httpapi.Config{Store: st, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewServer(Config{API: api, Service: api.Service(), Store: st, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, reopen: reopen, acc: acc, api: api, web: w, data: data, clock: clock}
	e.srv = httptest.NewServer(w)
	t.Cleanup(e.srv.Close)
	return e
}

// client is a browser-like client (cookies, no redirects followed
// automatically unless asked).
type client struct {
	t    testing.TB
	e    *env
	http *http.Client
	csrf string
}

func (e *env) signIn(t testing.TB, email string) *client {
	t.Helper()
	return e.signInWith(t, email, testPassword)
}

// signInWith signs in with a password.
func (e *env) signInWith(t testing.TB, email, password string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	resp, err := c.http.PostForm(e.srv.URL+"/sign-in", signInForm(t, c.http, e.srv.URL, url.Values{"email": {email}, "password": {password}}))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d", email, resp.StatusCode)
	}
	// The CSRF token is in every page's sign-out form.
	_, body := c.get("/sign-in?next=/audit")
	_ = body
	s, _ := c.e.acc.(store.Accounts)
	_ = s
	for _, ck := range jar.Cookies(mustURL(e.srv.URL)) {
		if ck.Name == auth.SessionCookie {
			sess, err := e.acc.Session(context.Background(), auth.SHA256(ck.Value), *e.clock.Load())
			if err != nil {
				t.Fatal(err)
			}
			c.csrf = sess.CSRF
		}
	}
	return c
}

var signInTokenField = regexp.MustCompile(`name="signin_token" value="([^"]+)"`)

// signInForm opens the sign-in page with hc (whose jar keeps the sign-in
// cookie) and returns v with the form's sign-in token.
func signInForm(t testing.TB, hc *http.Client, base string, v url.Values) url.Values {
	t.Helper()
	resp, err := hc.Get(base + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := signInTokenField.FindSubmatch(b)
	if m == nil {
		t.Fatalf("the sign-in page has no sign-in token: %s", b)
	}
	v.Set("signin_token", string(m[1]))
	return v
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func (c *client) get(p string) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.e.srv.URL + p)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp, b.String()
}

func (c *client) post(p string, form url.Values) *http.Response {
	c.t.Helper()
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", c.csrf)
	}
	resp, err := c.http.PostForm(c.e.srv.URL+p, form)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// postPage posts a form and reads the page answered.
func (c *client) postPage(p string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", c.csrf)
	}
	resp, err := c.http.PostForm(c.e.srv.URL+p, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, err = io.Copy(&b, resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, b.String()
}

// lmaPerformed records on svc, as known on 5 February 2004, the fee of the
// Loan Modification Agreement §II.A paid at closing and its §III.F costs
// paid that day, as the demo does: without them every later date has the
// LMA §III.D(i) event of default of their being overdue, which refuses the
// advances these tests make.
func lmaPerformed(t testing.TB, svc *app.Service, slug string) {
	t.Helper()
	now, terms := svc.Now, svc.Terms
	defer func() { svc.Now, svc.Terms = now, terms }()
	if svc.Terms == nil {
		svc.Terms = &app.StoredTerms{Store: svc.Store}
	}
	svc.Now = func() time.Time { return time.Date(2004, 2, 5, 22, 0, 0, 0, time.UTC) }
	for _, e := range []defaults.Event{
		{Kind: "fee_paid", Ref: "transaction_fee", Date: date.MustParse("2004-01-28"), Note: "paid by wire at closing"},
		{Kind: "costs_paid", Ref: "lma_costs", Date: date.MustParse("2004-02-05"), Note: "counsel's invoice paid"},
	} {
		if _, err := svc.RecordOccurrence(context.Background(), app.FactInput{Facility: slug, Key: "lma-" + e.Kind, By: "setup"}, e); err != nil {
			t.Fatal(err)
		}
	}
}
