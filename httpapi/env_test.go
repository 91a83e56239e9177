package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"revolver/agreement"
	"revolver/app"
	"revolver/auth"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/httpapi"
	"revolver/jobs"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/sqlite"
)

const envURL = "REVOLVER_TEST_DATABASE_URL"

var schemaSeq atomic.Int64

// backends are the stores every test runs against: SQLite always,
// PostgreSQL when REVOLVER_TEST_DATABASE_URL is set.
var backends = []struct {
	name string
	open func(t testing.TB) (store.Store, *sql.DB)
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

func openSQLite(t testing.TB) (store.Store, *sql.DB) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, s.W
}

func openPostgres(t testing.TB) (store.Store, *sql.DB) { return openPostgresWith(t, "") }

// openPostgresWith opens PostgreSQL with extra connection parameters (e.g.
// pool_max_conns=2).
func openPostgresWith(t testing.TB, params string) (store.Store, *sql.DB) {
	url := os.Getenv(envURL)
	if url == "" {
		t.Skip("PostgreSQL tests skipped: set " + envURL + "=postgres://postgres@127.0.0.1:5432/DB?sslmode=disable to run them")
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("revolver_api_test_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	if params != "" {
		params = "&" + params
	}
	s, err := postgres.Open(ctx, url+sep+"search_path="+schema+params)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return s, s.W
}

func forEachBackend(t *testing.T, f func(t *testing.T, open openFunc)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.open) })
	}
}

// Facilities of the tests: the borrower belongs to own, not to other.
const (
	own   = "btu-sovereign"
	other = "other-facility"
)

// People of the tests, by role.
var roles = []string{store.RoleLenderAdmin, store.RoleLenderOfficer, store.RoleLenderAnalyst, store.RoleBorrower, store.RoleAuditor}

type env struct {
	t      testing.TB
	st     store.Store
	db     *sql.DB
	acc    store.Accounts
	srv    *httpapi.Server
	ts     *httptest.Server
	svc    *app.Service
	terms  *app.StoredTerms
	token  map[string]string // email → token
	email  map[string]string // role → email
	reader func(name string) []byte
	jobs   *lazyJobs
}

// lazyJobs is the test server's job queue (no workers: jobs are only
// enqueued), opened on first use so that the tests that do not use it do
// not migrate River's tables.
type lazyJobs struct {
	t   testing.TB
	cfg jobs.Config
	mu  sync.Mutex
	q   *jobs.Queue
}

func (l *lazyJobs) queue() *jobs.Queue {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.q == nil {
		q, err := jobs.Open(context.Background(), l.cfg)
		if err != nil {
			l.t.Fatal(err)
		}
		l.q = q
	}
	return l.q
}

func (l *lazyJobs) EnqueueCloseOfBusiness(ctx context.Context, through date.Date, by app.Actor) (jobs.Job, error) {
	return l.queue().EnqueueCloseOfBusiness(ctx, through, by)
}

func (l *lazyJobs) Get(ctx context.Context, id int64) (jobs.Job, error) {
	return l.queue().Get(ctx, id)
}

var fastHash = auth.Params{Memory: 1024, Time: 1, Threads: 1}

func readExample(t testing.TB, name string) []byte {
	b, err := examples.FS.ReadFile("btu-sovereign/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func agreementFiles(t testing.TB) []agreement.File {
	var files []agreement.File
	entries, _ := examples.FS.ReadDir("btu-sovereign")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			files = append(files, agreement.NewFile(e.Name(), readExample(t, e.Name())))
		}
	}
	return files
}

var threshold = money.Amount(100_000_000) // 1,000,000.00

// defaultInterestOnNotice is a synthetic amendment of the tests'
// facilities (the example's documents give no default interest): default
// interest of 2% on the lender's notice from 2005-01-01, so that the
// election route has terms to act on. Nothing accrues at it without an
// election.
var defaultInterestOnNotice = agreement.NewFile("2005-01-01-default-interest.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: default-interest
document: first-amendment
effective: 2005-01-01
order: 1
changes:
  - op: set
    path: pricing.default_interest
    cite: first-amendment §9
    value: {rate: 2%, applies: on_notice}
`))

// businessDate is the business date of the tests' store.
var businessDate = date.MustParse("2004-10-15")

// newEnv opens a store with two facilities (each with an approved
// certificate as of 2004-10-03), users of every role (a second officer,
// "officer2"), and a server on loopback.
func newEnv(t testing.TB, open func(t testing.TB) (store.Store, *sql.DB)) *env {
	st, db := open(t)
	ctx := context.Background()
	e := &env{t: t, st: st, db: db, acc: st.(store.Accounts), token: map[string]string{}, email: map[string]string{}}
	e.terms = &app.StoredTerms{Store: st}
	e.svc = &app.Service{Store: st, Terms: e.terms}
	thr := threshold
	for _, slug := range []string{own, other} {
		if _, err := e.svc.RegisterFacility(ctx, slug, append(agreementFiles(t), defaultInterestOnNotice), app.Settings{MakerCheckerThreshold: &thr}, "setup"); err != nil {
			t.Fatal(err)
		}
		lmaPerformed(t, e.svc, slug)
		c := e.submitCertificate(slug, "setup@bank.example")
		if _, _, err := e.svc.DecideCertificate(ctx, slug, c.ID, app.CertificateDecision{Status: store.Approved, By: "setup-checker@bank.example", Supersedes: c.Supersedes}); err != nil {
			t.Fatal(err)
		}
	}
	// The bank's business date: the tests' advances are value that day.
	if _, err := e.svc.OpenBusinessDate(ctx, businessDate, "setup", "tests"); err != nil {
		t.Fatal(err)
	}
	for _, r := range append(roles, "officer2") {
		role := r
		if r == "officer2" {
			role = store.RoleLenderOfficer
		}
		email := strings.ReplaceAll(r, "_", "-") + "@test.example"
		h, _ := auth.HashPassword("password-"+r, fastHash)
		u, err := e.acc.CreateUser(ctx, store.User{Email: email, Role: role, PasswordHash: h, Created: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if role == store.RoleBorrower {
			if err := e.acc.GrantFacility(ctx, u.ID, own); err != nil {
				t.Fatal(err)
			}
		}
		tok, sum := auth.NewToken()
		if err := e.acc.CreateToken(ctx, u.ID, sum, time.Now(), time.Now().Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		e.token[email], e.email[r] = tok, email
	}
	e.jobs = &lazyJobs{t: t, cfg: jobs.Config{Store: st, Service: e.svc}}
	srv, err := httpapi.New(httpapi.Config{Store: st, Terms: e.terms, MaxBody: 1 << 20, MaxUpload: 8 << 20, Jobs: e.jobs})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(validated(t, srv))
	t.Cleanup(e.ts.Close)
	return e
}

func (e *env) submitCertificate(slug, by string) store.Certificate {
	t, err := e.terms.TermsAsOf(context.Background(), slug, date.MustParse("2004-10-03"))
	if err != nil {
		e.t.Fatal(err)
	}
	c, _, err := e.svc.SubmitCertificate(context.Background(), t, app.CertificateInput{Facility: slug, AsOf: date.MustParse("2004-10-03"), By: by,
		Receivables: store.InputContent{Name: "receivables.csv", Content: readExample(e.t, "data/receivables.csv")},
		Debtors:     store.InputContent{Name: "debtors.csv", Content: readExample(e.t, "data/debtors.csv")},
		Inventory:   store.InputContent{Name: "inventory.csv", Content: readExample(e.t, "data/inventory.csv")}})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// req is a request to send.
type req struct {
	method, path string
	body         []byte
	ctype        string
	header       map[string]string
}

func jsonReq(method, path string, body any) req {
	var b []byte
	switch v := body.(type) {
	case nil:
	case string:
		b = []byte(v)
	default:
		b, _ = json.Marshal(v)
	}
	r := req{method: method, path: path, body: b}
	if b != nil {
		r.ctype = "application/json"
	}
	return r
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.status, err, r.body)
	}
	return m
}

func (r resp) code() string {
	var m struct{ Code string }
	json.Unmarshal(r.body, &m)
	return m.Code
}

// do sends r as the user with email as (by Bearer token; "" anonymous).
func (e *env) do(as string, r req) resp {
	e.t.Helper()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, e.ts.URL+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if as != "" {
		hr.Header.Set("Authorization", "Bearer "+e.token[as])
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

// certificateUpload is a multipart upload of the example reports.
func (e *env) certificateUpload(slug, asOf string, extra map[string]string) req {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if tok, ok := extra["csrf_token"]; ok {
		w.WriteField("csrf_token", tok) // the first field, read before the rest
	}
	w.WriteField("as_of", asOf)
	for k, v := range extra {
		if k != "csrf_token" {
			w.WriteField(k, v)
		}
	}
	for _, f := range []string{"receivables", "debtors", "inventory"} {
		fw, _ := w.CreateFormFile(f, f+".csv")
		fw.Write(readExample(e.t, "data/"+f+".csv"))
	}
	w.Close()
	return req{method: "POST", path: "/api/v1/facilities/" + slug + "/borrowing-base-certificates", body: buf.Bytes(), ctype: w.FormDataContentType()}
}

const amendmentYAML = `revolver: amendment/1
facility: btu-sovereign
id: second-amendment
document: first-amendment
effective: 2005-06-01
order: 2
changes:
  - op: replace
    path: commitment
    value: 16000000.00
    cite: first-amendment §9
`

const statementsCSV = "period_end,fiscal_year,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income\n2007-04-01,2007,1,63000000.00,900000.00,29000000.00,0.00,500000.00\n"

// snapshot counts everything a request could store, but the audit records
// of refusals (a refusal stores nothing but its record).
func (e *env) snapshot() map[string]int {
	ctx := context.Background()
	out := map[string]int{}
	for _, slug := range []string{own, other} {
		cs, _ := e.st.Certificates(ctx, slug)
		as, _ := e.st.AdvanceRequests(ctx, slug)
		ns, _ := e.st.LoanNotices(ctx, slug)
		out[slug+"/loan_notices"] = len(ns)
		ts, _ := e.st.Transactions(ctx, slug)
		ps, _ := e.acc.PendingList(ctx, slug)
		fs, _ := e.st.FinancialsAsKnown(ctx, slug, time.Now().Add(time.Hour))
		ds, _ := e.st.Documents(ctx, slug)
		decided := 0
		for _, c := range cs {
			if c.Status != store.Submitted {
				decided++
			}
		}
		for _, p := range ps {
			if p.Status != store.PendingRequested {
				decided++
			}
		}
		for _, a := range as {
			if a.Status != store.AdvanceRequested {
				decided++
			}
		}
		out[slug+" certificates"] = len(cs)
		out[slug+" advances"] = len(as)
		out[slug+" transactions"] = len(ts)
		out[slug+" pending"] = len(ps)
		out[slug+" financials"] = len(fs)
		out[slug+" documents"] = len(ds)
		out[slug+" decided"] = decided
		h, _ := e.st.FinancialsHistory(ctx, slug, date.MustParse("2007-04-01"))
		out[slug+" restatements"] = len(h)
	}
	// Refused requests are audited too; those records are not counted
	// (see refusals).
	recs, _ := e.acc.AuditRecords(ctx, 0, 100000)
	out["audit"] = 0
	for _, r := range recs {
		if r.Result != store.AuditRefused {
			out["audit"]++
		}
	}
	return out
}

type openFunc = func(t testing.TB) (store.Store, *sql.DB)

func ledgerLC(facility, key, d string, face int64) (ledger.Transaction, error) {
	return ledger.LCIssue(ledger.Ref{Facility: facility, Key: key, ValueDate: date.MustParse(d)}, money.Amount(face))
}

func ledgerDraw(facility, key, d string, amount int64) (ledger.Transaction, error) {
	return ledger.LCDraw(ledger.Ref{Facility: facility, Key: key, ValueDate: date.MustParse(d)}, money.Amount(amount))
}

func moneyParse(s string) (money.Amount, error) { return money.ParseAmount(s) }

// srvNow is the server's clock (the wall clock in these tests).
func (e *env) srvNow() time.Time { return time.Now() }

// openBusinessDate moves the store's business date forward to d.
func (e *env) openBusinessDate(d string) {
	e.t.Helper()
	if _, err := e.svc.OpenBusinessDate(context.Background(), date.MustParse(d), "test", "test"); err != nil {
		e.t.Fatal(err)
	}
}

// lmaPerformed records on svc, as known on 5 February 2004, the fee of the
// Loan Modification Agreement §II.A paid at closing and its §III.F costs
// paid that day, as the demo does: without them every later date has the
// LMA §III.D(i) event of default of their being overdue, which refuses the
// advances these tests make.
func lmaPerformed(t testing.TB, svc *app.Service, slug string) {
	t.Helper()
	now := svc.Now
	defer func() { svc.Now = now }()
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
