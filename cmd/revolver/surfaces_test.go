package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/calendar"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/dial"
	"revolver/store/testdb"
	"revolver/web"
)

// TestSurfacesAgree drives random interleavings of operations through the
// API, the web forms and the command line: advances small and large
// (approved by a second lender), repayments, close of business, quarterly
// statements that pass or fail the covenants, restated statements a
// lender accepts or rejects, lenders' back-valued corrections (advances
// and repayments) a second lender approves, and borrowing base
// certificates submitted, approved (a second one for a date approved as a
// supersession) and withdrawn; and operations that must be refused, tried
// on every surface that offers them. After each step it reads, from every
// surface, availability, loans, the borrowing base, the certificate in
// force and the events of default on the business date, and on an earlier
// date as known then and as known now: they must be identical, and agree
// with a model kept by the test (the loans by value date, the certificates
// in force as known at a time, the covenant defaults with their ends, what
// is stored). It runs on SQLite and on PostgreSQL.
// REVOLVER_SURFACES_SEED replays a sequence.
func TestSurfacesAgree(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "revolver.db")
			flag := "--db"
			if backend == "postgres" {
				target, flag = testdb.PostgresURL(t), "--database"
			}
			seed := uint64(time.Now().UnixNano())
			if v := os.Getenv("REVOLVER_SURFACES_SEED"); v != "" {
				seed, _ = strconv.ParseUint(v, 10, 64)
			}
			t.Logf("seed %d (REVOLVER_SURFACES_SEED=%d replays it)", seed, seed)
			w := newWorld(t, flag, target, rand.New(rand.NewPCG(seed, 1)))
			for step := 0; step < surfSteps; step++ {
				w.now = w.now.Add(time.Minute)
				w.step()
				w.check()
			}
			if testing.Verbose() {
				t.Logf("steps:\n  %s\n%d of %d checks of a past date found it otherwise as known now", strings.Join(w.log, "\n  "), w.hindsight, w.past)
			}
		})
	}
}

const (
	surfSteps    = 60
	surfSlug     = "btu"
	surfBorrower = "cfo@btu.example"
	surfOfficer  = "officer@bank.example"
	surfCredit   = "credit@bank.example"
	surfPassword = "a-long-password"
)

var (
	surfStart = date.MustParse("2004-10-04") // the first business date
	surfLate  = date.MustParse("2004-10-03") // the reports' date: certificates may be as of it or later
)

// The drivers: for each operation, how each surface that offers it does
// it. An operation is tried on the surfaces listed here, and a refusal
// must be a refusal on each of them; a surface that gains a form gains a
// row.
var drivers = map[string]map[string]driver{
	"advance":              {"api": apiAdvance, "web": webAdvance, "cli": cliAdvance},
	"correct advance":      {"api": apiAdvance, "web": webAdvance, "cli": cliAdvance},
	"approve advance":      {"api": apiApproveAdvance, "web": webApproveAdvance, "cli": cliApproveAdvance},
	"repay":                {"api": apiRepay, "web": webRepay, "cli": cliRepay},
	"correct repayment":    {"api": apiRepay, "web": webRepay, "cli": cliRepay},
	"approve pending":      {"api": apiApprovePending, "web": webApprovePending, "cli": cliApprovePending},
	"statements":           {"api": apiStatements, "web": webStatements, "cli": cliStatements},
	"approve request":      {"api": apiDecideRequest("approve"), "web": webDecideRequest("approve"), "cli": cliDecideRequest("approve")},
	"reject request":       {"api": apiDecideRequest("reject"), "web": webDecideRequest("reject"), "cli": cliDecideRequest("reject")},
	"submit certificate":   {"api": apiSubmitCertificate, "web": webSubmitCertificate, "cli": cliSubmitCertificate},
	"approve certificate":  {"api": apiDecideCertificate("approve"), "web": webDecideCertificate("approve"), "cli": cliDecideCertificate("approve")},
	"withdraw certificate": {"api": apiDecideCertificate("withdraw"), "web": webDecideCertificate("withdraw"), "cli": cliDecideCertificate("withdraw")},
}

// A driver does an operation as a user through one surface and says what
// the surface answered.
type driver func(w *world, user string, in opIn) answer

// opIn is an operation's input; each operation reads its own fields.
type opIn struct {
	amount     money.Amount
	valueDate  date.Date
	reason     string // a correction's, or a rejection's comment
	id         int64  // the request, pending action or certificate decided
	supersedes int64  // a certificate approval's acknowledgement
	asOf       date.Date
	variant    int    // which certificate reports
	csv        string // statements
}

// answer is what a surface answered, in one vocabulary.
type answer struct {
	refused bool
	status  string // funded, requested, posted, pending, submitted, approved, withdrawn, recorded
	id      int64  // what it created or decided
	// supersedes: a submitted certificate's; restatements: the request ids.
	supersedes int64
	requests   []int64
	said       string // for the failure messages
}

type world struct {
	t      *testing.T
	rnd    *rand.Rand
	flag   string // --db or --database
	target string
	st     store.Store
	svc    *app.Service
	srv    *httptest.Server
	now    time.Time
	cal    calendar.Calendar
	tokens map[string]string
	web    map[string]*webUser
	files  []string // the certificate reports' directories, by variant
	log    []string

	// The model.
	loans    money.Amount // advances funded less repayments, all value dates
	moves    []move       // the same by value date
	closedAt map[date.Date]time.Time
	periods  map[date.Date][]report // the statements accepted for each period, in order
	certs    []*mcert
	// What is stored: advance requests, pending approvals, restatement
	// requests by id with their status.
	advances, approvals int
	requests            map[int64]*mrequest

	past, hindsight int // checks of a past date, and those where hindsight differs
}

type webUser struct {
	c        *http.Client
	csrf     string
	signedIn time.Time
}

type move struct {
	on     date.Date
	amount money.Amount
	at     time.Time // recorded: a back-valued correction is known from then
}

// report is statements of a period accepted at a time.
type report struct {
	at   time.Time
	fail bool
}

type mcert struct {
	id         int64
	asOf       date.Date
	variant    int
	status     string
	supersedes int64
	approvedAt time.Time
}

type mrequest struct {
	id     int64
	period date.Date
	fail   bool
	status string
}

func newWorld(t *testing.T, flag, target string, rnd *rand.Rand) *world {
	w := &world{t: t, rnd: rnd, flag: flag, target: target, cal: calendar.FederalReserve(),
		now: time.Date(2004, 10, 4, 15, 0, 0, 0, time.UTC), tokens: map[string]string{}, web: map[string]*webUser{},
		closedAt: map[date.Date]time.Time{}, periods: map[date.Date][]report{}, requests: map[int64]*mrequest{}}
	example, err := filepath.Abs("../../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	w.cli("", "migrate")
	w.cli("", "facility", "add", "--slug", surfSlug, "--agreement", example, "--maker-checker-threshold", "1000000.00")
	w.cli(surfPassword+"\n", "user", "add", "--email", surfOfficer, "--role", "lender_officer", "--password-stdin")
	w.cli(surfPassword+"\n", "user", "add", "--email", surfCredit, "--role", "lender_officer", "--password-stdin")
	w.cli(surfPassword+"\n", "user", "add", "--email", surfBorrower, "--role", "borrower", "--facility", surfSlug, "--password-stdin")
	ctx := context.Background()
	st, err := dial.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.st = st
	w.svc = &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: w.clock}
	lmaPerformed(t, w.svc, surfSlug)
	prime, _ := money.ParseRate("0.0475")
	if err := st.PutRate(ctx, "prime", ledger.RatePoint{Effective: date.MustParse("2004-09-22"), Value: prime}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.OpenBusinessDate(ctx, date.FromTime(w.now), "test", "start"); err != nil {
		t.Fatal(err)
	}
	w.files = certificateReports(t, filepath.Join(example, "data"))
	r := w.cli("", "certificate", "submit", "--slug", surfSlug, "--as", surfBorrower, "--as-of", surfLate.String(),
		"--receivables", filepath.Join(w.files[0], "receivables.csv"), "--debtors", filepath.Join(w.files[0], "debtors.csv"), "--inventory", filepath.Join(w.files[0], "inventory.csv"))
	var first struct{ ID int64 }
	json.Unmarshal([]byte(r), &first)
	w.cli("", "certificate", "approve", "--slug", surfSlug, "--as", surfOfficer, "--id", strconv.FormatInt(first.ID, 10))
	w.certs = append(w.certs, &mcert{id: first.ID, asOf: surfLate, status: "approved", approvedAt: w.now})
	h, err := handler(st, w.clock, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	w.srv = httptest.NewServer(h)
	t.Cleanup(w.srv.Close)
	for _, u := range []string{surfBorrower, surfOfficer, surfCredit} {
		tok, _, err := w.svc.CreateToken(ctx, u, 0)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[u] = tok
	}
	return w
}

// certificateReports writes the example's reports as of 3 October 2004 in
// three variants, each in a directory of its own under the same names: as
// they are, and without the last 150 or 300 invoices of the aging (a
// smaller borrowing base).
func certificateReports(t *testing.T, data string) []string {
	var dirs []string
	recv, err := os.ReadFile(filepath.Join(data, "receivables.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(recv), "\n")
	for v, drop := range []int{0, 150, 300} {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("v%d", v))
		os.MkdirAll(dir, 0o755)
		keep := lines[:len(lines)-1-drop]
		os.WriteFile(filepath.Join(dir, "receivables.csv"), []byte(strings.Join(keep, "")), 0o644)
		for _, f := range []string{"debtors.csv", "inventory.csv"} {
			b, err := os.ReadFile(filepath.Join(data, f))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

func (w *world) clock() time.Time { return w.now }

// book records a change of the loans in the model.
func (w *world) book(on date.Date, amt money.Amount) {
	w.loans += amt
	w.moves = append(w.moves, move{on, amt, w.now})
}

// loansOn is the model's loans outstanding on d.
func (w *world) loansOn(d date.Date) money.Amount {
	var sum money.Amount
	for _, m := range w.moves {
		if m.on <= d {
			sum += m.amount
		}
	}
	return sum
}

// loansKnown is the model's loans outstanding on d as known at k: the
// changes recorded by then.
func (w *world) loansKnown(d date.Date, k time.Time) money.Amount {
	var sum money.Amount
	for _, m := range w.moves {
		if m.on <= d && !m.at.After(k) {
			sum += m.amount
		}
	}
	return sum
}

// lowestFrom is the lowest of the model's loans on d and every later date.
func (w *world) lowestFrom(d date.Date) money.Amount {
	low := w.loansOn(d)
	for _, m := range w.moves {
		if m.on > d {
			low = min(low, w.loansOn(m.on))
		}
	}
	return low
}

// defaultsOn is the model's events of default continuing on d as known at
// k (zero: every fact): each covenant of a period whose statements fail is
// one (tangible net worth and leverage fail together); statements passing
// over failing ones, accepted by a lender, end them from the day accepted;
// failing again opens them again.
func (w *world) defaultsOn(d date.Date, k time.Time) int {
	n := 0
	for p, rs := range w.periods {
		if p > d {
			continue
		}
		exists, failing := false, false
		var cured date.Date
		for _, r := range rs {
			if !k.IsZero() && r.at.After(k) {
				continue
			}
			switch {
			case r.fail:
				exists, failing, cured = true, true, 0
			case failing:
				failing, cured = false, date.FromTime(r.at)
			}
		}
		if exists && (cured == 0 || d < cured) {
			n += 2
		}
	}
	return n
}

// inForce is the model's certificate in force on d as known at k (zero:
// now): approved by then and not superseded by one approved by then, the
// latest as of d; exact: only one as of d itself.
func (w *world) inForce(d date.Date, k time.Time, exact bool) int64 {
	approved := func(c *mcert) bool {
		return c.status == "approved" && (k.IsZero() || !c.approvedAt.After(k))
	}
	var best *mcert
	for _, c := range w.certs {
		if !approved(c) || c.asOf > d || exact && c.asOf != d {
			continue
		}
		if slices.ContainsFunc(w.certs, func(x *mcert) bool { return x.supersedes == c.id && approved(x) }) {
			continue
		}
		if best == nil || c.asOf > best.asOf || c.asOf == best.asOf && (c.approvedAt.After(best.approvedAt) || c.approvedAt.Equal(best.approvedAt) && c.id > best.id) {
			best = c
		}
	}
	if best == nil {
		return 0
	}
	return best.id
}

func (w *world) cert(id int64) *mcert {
	for _, c := range w.certs {
		if c.id == id {
			return c
		}
	}
	return nil
}

func (w *world) biz() date.Date {
	d, err := w.svc.BusinessDate(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

// cli runs a command line on the world's store and clock; it fails the
// test on an error.
func (w *world) cli(stdin string, args ...string) string {
	out, err := w.tryCLI(stdin, args...)
	if err != nil {
		w.t.Fatalf("revolver %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (w *world) tryCLI(stdin string, args ...string) (string, error) {
	args = append(args, w.flag, w.target, "--clock", "fixed:"+w.now.Format(time.RFC3339))
	return revolver(w.t, stdin, args...)
}

// cliAnswer runs an operation's command line: a usage error is a refusal,
// any other error fails the test.
func (w *world) cliAnswer(args ...string) (answer, []byte) {
	out, err := w.tryCLI("", args...)
	var ue usageError
	switch {
	case err == nil:
		return answer{said: out}, []byte(out)
	case errors.As(err, &ue):
		return answer{refused: true, said: err.Error()}, nil
	}
	w.t.Fatalf("revolver %s: %v\n%s", strings.Join(args, " "), err, out)
	return answer{}, nil
}

// api calls the API as a user; it returns the status and the body.
func (w *world) api(user, method, path, ctype string, body io.Reader) (int, []byte) {
	r, err := http.NewRequest(method, w.srv.URL+"/api/v1/facilities/"+surfSlug+path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer "+w.tokens[user])
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// apiAnswer calls an operation of the API: 4xx is a refusal, 5xx fails
// the test.
func (w *world) apiAnswer(user, path, ctype string, body io.Reader) (answer, []byte) {
	st, b := w.api(user, "POST", path, ctype, body)
	switch {
	case st >= 500:
		w.t.Fatalf("API POST %s: %d %s", path, st, b)
	case st >= 400:
		return answer{refused: true, said: fmt.Sprintf("%d %s", st, b)}, nil
	}
	return answer{said: fmt.Sprintf("%d %s", st, b)}, b
}

func (w *world) getJSON(path string, v any) {
	st, b := w.api(surfOfficer, "GET", path, "", nil)
	if st != 200 {
		w.t.Fatalf("API GET %s: %d %s", path, st, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		w.t.Fatalf("API GET %s: %v\n%s", path, err, b)
	}
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// webUser signs a user in on the pages, again when the session may have
// ended (close of business moves the clock a day on), and keeps the
// session's CSRF token.
func (w *world) webUser(u string) *webUser {
	if wu := w.web[u]; wu != nil && w.now.Sub(wu.signedIn) < 6*time.Hour {
		return wu
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(w.srv.URL + "/sign-in")
	if err != nil {
		w.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok := regexp.MustCompile(`name="signin_token" value="([^"]+)"`).FindSubmatch(page)
	if tok == nil {
		w.t.Fatalf("the sign-in page has no sign-in token")
	}
	resp, err = c.PostForm(w.srv.URL+"/sign-in", url.Values{"email": {u}, "password": {surfPassword}, "signin_token": {string(tok[1])}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		w.t.Fatalf("sign in %s on the pages: %v %v", u, resp.Status, err)
	}
	resp.Body.Close()
	resp, err = c.Get(w.srv.URL + "/api/v1/me")
	if err != nil {
		w.t.Fatal(err)
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()
	if me.CSRF == "" {
		w.t.Fatalf("the session of %s has no CSRF token", u)
	}
	w.web[u] = &webUser{c: c, csrf: me.CSRF, signedIn: w.now}
	return w.web[u]
}

// page gets a page as a user.
func (w *world) page(u, path string) (int, []byte) {
	resp, err := w.webUser(u).c.Get(w.srv.URL + path)
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, b
}

// form posts a web form as a user (multipart when files are given): a
// redirect (303) is done — its message is in its location — 4xx a refusal
// (the page shown again with why), 5xx fails the test.
func (w *world) form(user, path string, v url.Values, files map[string]string) answer {
	wu := w.webUser(user)
	v.Set("csrf_token", wu.csrf)
	v.Set("idempotency_key", fmt.Sprintf("k%d", w.rnd.Int64()))
	var body bytes.Buffer
	ctype := "application/x-www-form-urlencoded"
	if files == nil {
		body.WriteString(v.Encode())
	} else {
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf_token", v.Get("csrf_token")) // the first field, checked before the rest is read
		for k := range v {
			if k != "csrf_token" {
				mw.WriteField(k, v.Get(k))
			}
		}
		for field, p := range files {
			fw, _ := mw.CreateFormFile(field, filepath.Base(p))
			b, err := os.ReadFile(p)
			if err != nil {
				w.t.Fatal(err)
			}
			fw.Write(b)
		}
		mw.Close()
		ctype = mw.FormDataContentType()
	}
	req, _ := http.NewRequest("POST", w.srv.URL+"/facilities/"+surfSlug+path, &body)
	req.Header.Set("Content-Type", ctype)
	resp, err := wu.c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusSeeOther:
		loc := resp.Header.Get("Location")
		if page, _, ok := strings.Cut(loc, "?"); ok {
			loc = page + "?done=" + web.Flash(loc)
		}
		if strings.HasPrefix(loc, "/sign-in") {
			w.t.Fatalf("web POST %s: the session of %s ended", path, user)
		}
		return answer{said: loc}
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		msg := string(b)
		if m := webRefusedRE.FindString(msg); m != "" {
			msg = m
		}
		return answer{refused: true, said: fmt.Sprintf("%d %.300s", resp.StatusCode, msg)}
	}
	w.t.Fatalf("web POST %s: %d %.2000s", path, resp.StatusCode, b)
	return answer{}
}

func (w *world) logf(format string, a ...any) {
	w.log = append(w.log, fmt.Sprintf("%s: ", w.now.Format("01-02 15:04"))+fmt.Sprintf(format, a...))
}

func (w *world) fatalf(format string, a ...any) {
	w.t.Helper()
	w.t.Fatalf(format+"\nafter:\n  %s", append(a, strings.Join(w.log, "\n  "))...)
}

// surfaces are the surfaces of an operation, in a stable order.
func surfaces(op string) []string {
	var out []string
	for _, s := range []string{"api", "web", "cli"} {
		if drivers[op][s] != nil {
			out = append(out, s)
		}
	}
	return out
}

// do runs an operation through a surface picked at random.
func (w *world) do(op, user string, in opIn) (string, answer) {
	ss := surfaces(op)
	s := ss[w.rnd.IntN(len(ss))]
	return s, drivers[op][s](w, user, in)
}

// refusedEverywhere tries an operation that must be refused on every
// surface that offers it; check then finds that nothing was stored.
func (w *world) refusedEverywhere(op, user string, in opIn, why string) {
	w.t.Helper()
	for _, s := range surfaces(op) {
		if a := drivers[op][s](w, user, in); !a.refused {
			w.fatalf("%s %s by %s (%s) was not refused: %s", s, op, user, why, a.said)
		}
	}
	w.logf("%s by %s refused on %s (%s)", op, user, strings.Join(surfaces(op), ", "), why)
}

// pastBankingDay is a banking day before the business date and not before
// the first one, at random (0 when there is none).
func (w *world) pastBankingDay() date.Date {
	var ds []date.Date
	for d := surfStart; d < w.biz(); d++ {
		if _, closed := w.cal.Closed(d); !closed {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return 0
	}
	return ds[w.rnd.IntN(len(ds))]
}

// step does one random operation through a random surface.
func (w *world) step() {
	vd := w.cal.OnOrAfter(w.biz())
	switch op := w.rnd.IntN(21); {
	case op < 4: // an advance up to the threshold, funded at once if it fits
		w.advance(money.Amount(w.rnd.Int64N(30)+1)*10_000_00, vd)
	case op < 5: // an advance above the threshold, approved by a second lender
		w.largeAdvance(money.Amount(w.rnd.Int64N(10)+101)*10_000_00, vd)
	case op < 7: // a repayment of part of the loans
		w.repay(vd)
	case op < 10: // close of business: the next business date opens
		w.cob()
	case op < 11: // a new quarter's statements, passing or failing
		w.statements()
	case op < 12: // a quarter's statements restated
		w.restate()
	case op < 13: // a restatement accepted or rejected
		w.decideRestatement()
	case op < 14:
		w.correctAdvance()
	case op < 15:
		w.correctRepayment()
	case op < 17:
		w.submitCertificate()
	case op < 18:
		w.approveCertificate()
	case op < 19:
		w.withdrawCertificate()
	default:
		w.probe()
	}
}

func (w *world) cob() {
	d := w.biz()
	w.cli("", "cob", "--date", d.String())
	w.closedAt[d] = w.now
	w.now = w.now.Add(24 * time.Hour)
	w.logf("cob %s: business date %s", d, w.biz())
}

// advance asks for an advance up to the threshold: funded at once, or —
// when what the borrower funded that business day comes above the
// threshold with it — left waiting for a lender, or refused; always
// refused while an event of default continues (the terms block advances).
func (w *world) advance(amt money.Amount, vd date.Date) {
	s, a := w.do("advance", surfBorrower, opIn{amount: amt, valueDate: vd})
	switch {
	case a.refused:
	case w.defaultsOn(w.biz(), time.Time{}) > 0:
		w.fatalf("%s advance of %s was not refused while an event of default continues: %s", s, amt, a.said)
	case a.status == "funded":
		w.book(vd, amt)
		w.advances++
	case a.status == "requested":
		w.advances++
	default:
		w.fatalf("%s advance neither funded, waiting nor refused: %s", s, a.said)
	}
	w.logf("%s advance %s on %s: %s", s, amt, vd, a.status+map[bool]string{true: "refused"}[a.refused])
}

func (w *world) largeAdvance(amt money.Amount, vd date.Date) {
	s, a := w.do("advance", surfBorrower, opIn{amount: amt, valueDate: vd})
	if a.refused {
		w.logf("%s large advance %s refused", s, amt)
		return
	}
	if a.status != "requested" {
		w.fatalf("%s large advance of %s above the threshold not left for a lender: %s", s, amt, a.said)
	}
	w.advances++
	d, b := w.do("approve advance", surfCredit, opIn{id: a.id})
	if !b.refused {
		w.book(vd, amt)
	}
	w.logf("%s large advance %d of %s, %s approval: funded %v", s, a.id, amt, d, !b.refused)
}

func (w *world) repay(vd date.Date) {
	if w.loans == 0 {
		return
	}
	amt := money.Amount(w.rnd.Int64N(int64(w.loans)/100_00)+1) * 100_00
	s, a := w.do("repay", surfBorrower, opIn{amount: amt, valueDate: vd})
	if a.refused || a.status != "posted" {
		w.fatalf("%s repayment of %s (loans %s): %s", s, amt, w.loans, a.said)
	}
	w.book(vd, -amt)
	w.logf("%s repayment %s on %s", s, amt, vd)
}

// correctAdvance: an officer asks for an advance value-dated before the
// business date, with the reason; it waits for a second lender whatever
// its size, whom the officer cannot be.
func (w *world) correctAdvance() {
	vd := w.pastBankingDay()
	if vd == 0 {
		w.cob()
		return
	}
	amt := money.Amount(w.rnd.Int64N(30)+1) * 10_000_00
	s, a := w.do("correct advance", surfOfficer, opIn{amount: amt, valueDate: vd, reason: "funded by wire, not booked"})
	switch {
	case a.refused:
		w.logf("%s advance correction %s value %s refused", s, amt, vd)
		return
	case w.defaultsOn(vd, time.Time{}) > 0:
		w.fatalf("%s advance correction of %s value %s was not refused while an event of default continues then: %s", s, amt, vd, a.said)
	case a.status != "requested":
		w.fatalf("%s advance correction of %s value %s not left for a second lender: %s", s, amt, vd, a.said)
	}
	w.advances++
	w.refusedEverywhere("approve advance", surfOfficer, opIn{id: a.id}, "the maker approves her own correction")
	d, b := w.do("approve advance", surfCredit, opIn{id: a.id})
	if !b.refused {
		w.book(vd, amt)
	}
	w.logf("%s advance correction %d of %s value %s, %s approval: funded %v", s, a.id, amt, vd, d, !b.refused)
}

// correctRepayment: an officer records a repayment value-dated before the
// business date, with the reason; it waits for a second lender, and is
// posted only if it takes the loans below zero on no date.
func (w *world) correctRepayment() {
	vd := w.pastBankingDay()
	if vd == 0 || w.loansOn(vd) == 0 {
		w.cob()
		return
	}
	amt := money.Amount(w.rnd.Int64N(int64(w.loansOn(vd))/100_00)+1) * 100_00
	s, a := w.do("correct repayment", surfOfficer, opIn{amount: amt, valueDate: vd, reason: "received, not booked"})
	if a.refused || a.status != "pending" {
		w.fatalf("%s repayment correction of %s value %s not left for a second lender: %s", s, amt, vd, a.said)
	}
	w.approvals++
	w.refusedEverywhere("approve pending", surfOfficer, opIn{id: a.id}, "the maker approves her own correction")
	low := w.lowestFrom(vd)
	d, b := w.do("approve pending", surfCredit, opIn{id: a.id})
	switch {
	case b.refused && amt <= low:
		w.fatalf("%s approval of repayment correction %d of %s value %s (loans %s then, at least %s since) refused: %s", d, a.id, amt, vd, w.loansOn(vd), low, b.said)
	case !b.refused && amt > low:
		w.fatalf("%s approval of repayment correction %d of %s value %s posted though the loans are %s on a later date: %s", d, a.id, amt, vd, low, b.said)
	case !b.refused:
		w.book(vd, -amt)
	}
	w.logf("%s repayment correction %d of %s value %s, %s approval: posted %v", s, a.id, amt, vd, d, !b.refused)
}

// quarters the statements may be for: 2004's first three.
var surfQuarters = []struct {
	end     date.Date
	year, q int
}{{date.MustParse("2004-04-04"), 2004, 1}, {date.MustParse("2004-07-04"), 2004, 2}, {date.MustParse("2004-10-03"), 2004, 3}}

// statementsCSV: failing, intangible assets that leave a tangible net
// worth under the $10,000,000 minimum (First Amendment §1(h)) and a
// leverage ratio above its 2.0 maximum (§1(j)): two events of default.
// The net income varies, so that a restatement restates something.
func (w *world) statementsCSV(q int, fail bool) string {
	intangibles := "1052400.00"
	if fail {
		intangibles = "25000000.00"
	}
	income := money.Amount(452318_00 + w.rnd.Int64N(100)*1000_00)
	return "period_end,fiscal_year,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income\n" +
		fmt.Sprintf("%s,%d,%d,58412337.00,%s,26741089.00,0.00,%s\n", surfQuarters[q].end, surfQuarters[q].year, surfQuarters[q].q, intangibles, income)
}

// statements reports a quarter not reported yet: recorded at once with its
// covenant tests.
func (w *world) statements() {
	var pick []int
	for i, q := range surfQuarters {
		if w.periods[q.end] == nil {
			pick = append(pick, i)
		}
	}
	if len(pick) == 0 {
		w.restate()
		return
	}
	q := pick[w.rnd.IntN(len(pick))]
	fail := w.rnd.IntN(3) == 0
	s, a := w.do("statements", surfBorrower, opIn{csv: w.statementsCSV(q, fail)})
	if a.refused || a.status != "recorded" || len(a.requests) != 0 {
		w.fatalf("%s statements of %s: %s", s, surfQuarters[q].end, a.said)
	}
	w.periods[surfQuarters[q].end] = []report{{w.now, fail}}
	w.logf("%s statements %s failing %v", s, surfQuarters[q].end, fail)
}

// restate: the borrower restates a quarter already reported; it is a
// request a lender decides, and changes nothing until then.
func (w *world) restate() {
	var pick []int
	for i, q := range surfQuarters {
		if w.periods[q.end] != nil {
			pick = append(pick, i)
		}
	}
	if len(pick) == 0 {
		w.statements()
		return
	}
	q := pick[w.rnd.IntN(len(pick))]
	// Mostly statements that pass: the restatement of a failing quarter
	// that ends its defaults once accepted.
	fail := w.rnd.IntN(4) == 0
	s, a := w.do("statements", surfBorrower, opIn{csv: w.statementsCSV(q, fail)})
	if a.refused || len(a.requests) != 1 {
		w.fatalf("%s restatement of %s not left for a lender: %s", s, surfQuarters[q].end, a.said)
	}
	w.requests[a.requests[0]] = &mrequest{id: a.requests[0], period: surfQuarters[q].end, fail: fail, status: "requested"}
	w.logf("%s restatement %d of %s failing %v", s, a.requests[0], surfQuarters[q].end, fail)
}

// decideRestatement: a lender accepts (two times in three) or rejects a
// restatement waiting; the borrower cannot, and a decided one cannot be
// decided again.
func (w *world) decideRestatement() {
	var open []*mrequest
	for _, r := range w.requests {
		if r.status == "requested" {
			open = append(open, r)
		}
	}
	if len(open) == 0 {
		w.restate()
		return
	}
	slices.SortFunc(open, func(a, b *mrequest) int { return int(a.id - b.id) })
	r := open[w.rnd.IntN(len(open))]
	w.refusedEverywhere("approve request", surfBorrower, opIn{id: r.id}, "the borrower accepts its own restatement")
	lender := []string{surfOfficer, surfCredit}[w.rnd.IntN(2)]
	op, status := "approve request", "approved"
	if w.rnd.IntN(3) == 0 {
		op, status = "reject request", "rejected"
	}
	s, a := w.do(op, lender, opIn{id: r.id, reason: "the figures do not reconcile"})
	if a.refused {
		w.fatalf("%s %s %d: %s", s, op, r.id, a.said)
	}
	r.status = status
	if status == "approved" {
		w.periods[r.period] = append(w.periods[r.period], report{w.now, r.fail})
	}
	w.logf("%s %s %d (%s failing %v)", s, op, r.id, r.period, r.fail)
	if w.rnd.IntN(2) == 0 {
		w.refusedEverywhere("reject request", surfCredit, opIn{id: r.id, reason: "again"}, "decided already")
	}
}

// submitCertificate: the borrower submits a certificate as of the business
// date, of a date with an approved certificate (it supersedes it once
// approved as such) or of another day since the reports' date. The same
// reports for the same date while the first waits are the first.
func (w *world) submitCertificate() {
	bd := w.biz()
	var asOf date.Date
	switch w.rnd.IntN(4) {
	case 0:
		asOf = bd
	case 1:
		asOf = w.cert(w.inForce(bd, time.Time{}, false)).asOf
	case 2:
		// Of the date of one waiting: once one is approved the other can
		// only be rejected or withdrawn.
		if c := w.waiting(); c != nil {
			asOf = c.asOf
			break
		}
		fallthrough
	default:
		asOf = surfLate + date.Date(w.rnd.IntN(int(bd-surfLate)+1))
	}
	in := opIn{asOf: asOf, variant: w.rnd.IntN(len(w.files))}
	s, a := w.do("submit certificate", surfBorrower, in)
	if a.refused || a.status != "submitted" {
		w.fatalf("%s certificate as of %s: %s", s, asOf, a.said)
	}
	var same *mcert
	for _, c := range w.certs {
		if c.status == "submitted" && c.asOf == asOf && c.variant == in.variant {
			same = c
		}
	}
	want := w.inForce(asOf, time.Time{}, true)
	switch {
	case same != nil && a.id != same.id:
		w.fatalf("%s certificate as of %s, the same reports as certificate %d waiting: stored as %d", s, asOf, same.id, a.id)
	case same == nil && w.cert(a.id) != nil:
		w.fatalf("%s certificate as of %s: answered certificate %d, which is another", s, asOf, a.id)
	case same == nil && a.supersedes != want:
		w.fatalf("%s certificate %d as of %s supersedes %d, want %d", s, a.id, asOf, a.supersedes, want)
	case same == nil:
		w.certs = append(w.certs, &mcert{id: a.id, asOf: asOf, variant: in.variant, status: "submitted", supersedes: a.supersedes})
	}
	w.logf("%s certificate %d as of %s (reports %d), supersedes %d", s, a.id, asOf, in.variant, a.supersedes)
}

func (w *world) waiting() *mcert {
	var open []*mcert
	for _, c := range w.certs {
		if c.status == "submitted" {
			open = append(open, c)
		}
	}
	if len(open) == 0 {
		return nil
	}
	return open[w.rnd.IntN(len(open))]
}

// approveCertificate: a lender approves a certificate waiting, naming the
// one it supersedes; one whose date had a certificate approved after it
// was submitted can only be rejected or withdrawn. Approving without the
// right acknowledgement is refused on every surface.
func (w *world) approveCertificate() {
	c := w.waiting()
	if c == nil {
		w.submitCertificate()
		return
	}
	current := w.inForce(c.asOf, time.Time{}, true)
	if current == c.supersedes && w.rnd.IntN(2) == 0 {
		wrong := c.supersedes + 1000
		if c.supersedes != 0 {
			wrong = 0
		}
		w.refusedEverywhere("approve certificate", surfCredit, opIn{id: c.id, supersedes: wrong}, fmt.Sprintf("certificate %d supersedes %d, not %d", c.id, c.supersedes, wrong))
	}
	lender := []string{surfOfficer, surfCredit}[w.rnd.IntN(2)]
	s, a := w.do("approve certificate", lender, opIn{id: c.id, supersedes: c.supersedes})
	switch {
	case current != c.supersedes && !a.refused:
		w.fatalf("%s approval of certificate %d as of %s (supersedes %d) though %d is now approved for that date: %s", s, c.id, c.asOf, c.supersedes, current, a.said)
	case current == c.supersedes && (a.refused || a.status != "approved"):
		w.fatalf("%s approval of certificate %d as of %s (supersedes %d): %s", s, c.id, c.asOf, c.supersedes, a.said)
	case !a.refused:
		c.status, c.approvedAt = "approved", w.now
	}
	w.logf("%s approval of certificate %d as of %s (supersedes %d, approved for the date %d): approved %v", s, c.id, c.asOf, c.supersedes, current, !a.refused)
}

// withdrawCertificate: the borrower withdraws a certificate waiting; a
// lender cannot, nor can a withdrawn certificate be approved.
func (w *world) withdrawCertificate() {
	c := w.waiting()
	if c == nil {
		w.submitCertificate()
		return
	}
	w.refusedEverywhere("withdraw certificate", surfOfficer, opIn{id: c.id}, "a lender withdraws")
	s, a := w.do("withdraw certificate", surfBorrower, opIn{id: c.id, reason: "sent in error"})
	if a.refused || a.status != "withdrawn" {
		w.fatalf("%s withdrawal of certificate %d: %s", s, c.id, a.said)
	}
	c.status = "withdrawn"
	w.logf("%s withdrawal of certificate %d as of %s", s, c.id, c.asOf)
	w.refusedEverywhere("approve certificate", surfCredit, opIn{id: c.id, supersedes: c.supersedes}, "withdrawn")
}

// probe tries something that must be refused on every surface.
func (w *world) probe() {
	bd := w.biz()
	past := w.pastBankingDay()
	closed := bd
	for _, ok := w.cal.Closed(closed); !ok; _, ok = w.cal.Closed(closed) {
		closed++
	}
	switch w.rnd.IntN(6) {
	case 0:
		if past != 0 {
			w.refusedEverywhere("advance", surfBorrower, opIn{amount: 10_000_00, valueDate: past}, "a borrower's back-valued advance")
			return
		}
	case 1:
		if past != 0 && w.loansOn(past) > 0 {
			w.refusedEverywhere("repay", surfBorrower, opIn{amount: 100_00, valueDate: past}, "a borrower's back-valued repayment")
			return
		}
	case 2:
		if past != 0 {
			w.refusedEverywhere("correct repayment", surfOfficer, opIn{amount: 100_00, valueDate: past}, "a back-valued repayment without a reason")
			w.refusedEverywhere("correct advance", surfOfficer, opIn{amount: 10_000_00, valueDate: past}, "a back-valued advance without a reason")
			return
		}
	case 3:
		vd := w.cal.OnOrAfter(bd)
		w.refusedEverywhere("correct advance", surfOfficer, opIn{amount: 10_000_00, valueDate: vd, reason: "not back-valued"}, "a reason for an advance that is not a correction")
		if w.loans > 0 {
			w.refusedEverywhere("correct repayment", surfOfficer, opIn{amount: 100_00, valueDate: vd, reason: "not back-valued"}, "a reason for a repayment that is not a correction")
		}
		return
	case 4:
		w.refusedEverywhere("advance", surfBorrower, opIn{amount: 10_000_00, valueDate: closed}, "a value date the bank is closed")
		if w.loans > 0 {
			w.refusedEverywhere("repay", surfBorrower, opIn{amount: 100_00, valueDate: closed}, "a value date the bank is closed")
		}
		return
	}
	// An approved certificate cannot be withdrawn, nor approved by the borrower.
	c := w.cert(w.inForce(bd, time.Time{}, false))
	w.refusedEverywhere("withdraw certificate", surfBorrower, opIn{id: c.id}, "approved already")
	if c := w.waiting(); c != nil {
		w.refusedEverywhere("approve certificate", surfBorrower, opIn{id: c.id, supersedes: c.supersedes}, "a borrower approves")
	}
}

// --- the drivers ---

func apiAdvance(w *world, user string, in opIn) answer {
	a, b := w.apiAnswer(user, "/advances", "application/json", jsonBody(map[string]string{"amount": in.amount.String(), "value_date": in.valueDate.String(), "reason": in.reason}))
	return advanceAnswer(a, b)
}

func cliAdvance(w *world, user string, in opIn) answer {
	args := []string{"advance", "request", "--slug", surfSlug, "--as", user, "--amount", in.amount.String(), "--value-date", in.valueDate.String()}
	if in.reason != "" {
		args = append(args, "--reason", in.reason)
	}
	return advanceAnswer(w.cliAnswer(args...))
}

func advanceAnswer(a answer, b []byte) answer {
	if !a.refused {
		var r struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		json.Unmarshal(b, &r)
		a.id, a.status = r.ID, r.Status
	}
	return a
}

var webRefusedRE = regexp.MustCompile(`Refused, and nothing was changed: [^<]*`)

var webAdvanceRE = regexp.MustCompile(`Advance request (\d+) of USD [0-9,.]+ value \S+ (was funded|waits for a lender's approval)`)

func webAdvance(w *world, user string, in opIn) answer {
	v := url.Values{"amount": {in.amount.String()}, "value_date": {in.valueDate.String()}}
	if in.reason != "" {
		v.Set("reason", in.reason)
	}
	a := w.form(user, "/advances", v, nil)
	if !a.refused {
		m := webAdvanceRE.FindStringSubmatch(a.said)
		if m == nil {
			w.fatalf("web advance: %s", a.said)
		}
		a.id, _ = strconv.ParseInt(m[1], 10, 64)
		a.status = map[string]string{"was funded": "funded"}[m[2]]
		if a.status == "" {
			a.status = "requested"
		}
	}
	return a
}

func apiApproveAdvance(w *world, user string, in opIn) answer {
	return advanceAnswer(w.apiAnswer(user, fmt.Sprintf("/advances/%d/approve", in.id), "", nil))
}

func cliApproveAdvance(w *world, user string, in opIn) answer {
	return advanceAnswer(w.cliAnswer("advance", "approve", "--slug", surfSlug, "--as", user, "--id", strconv.FormatInt(in.id, 10)))
}

func webApproveAdvance(w *world, user string, in opIn) answer {
	a := w.form(user, fmt.Sprintf("/advances/%d/approve", in.id), url.Values{}, nil)
	if !a.refused {
		a.id, a.status = in.id, "funded"
		if !strings.Contains(a.said, fmt.Sprintf("Advance request %d is funded", in.id)) {
			w.fatalf("web approval of advance %d: %s", in.id, a.said)
		}
	}
	return a
}

func apiRepay(w *world, user string, in opIn) answer {
	return repayAnswer(w.apiAnswer(user, "/repayments", "application/json", jsonBody(map[string]string{"amount": in.amount.String(), "value_date": in.valueDate.String(), "reason": in.reason})))
}

func cliRepay(w *world, user string, in opIn) answer {
	args := []string{"repay", "--slug", surfSlug, "--as", user, "--amount", in.amount.String(), "--value-date", in.valueDate.String()}
	if in.reason != "" {
		args = append(args, "--reason", in.reason)
	}
	return repayAnswer(w.cliAnswer(args...))
}

func repayAnswer(a answer, b []byte) answer {
	if !a.refused {
		var r struct {
			Transaction *struct{ ID int64 } `json:"transaction"`
			Pending     *struct{ ID int64 } `json:"pending"`
		}
		json.Unmarshal(b, &r)
		switch {
		case r.Transaction != nil:
			a.id, a.status = r.Transaction.ID, "posted"
		case r.Pending != nil:
			a.id, a.status = r.Pending.ID, "pending"
		}
	}
	return a
}

// webRepay records a repayment on the loans page, or with a reason asks
// for a correction (a back-valued repayment) in its Corrections form.
func webRepay(w *world, user string, in opIn) answer {
	v := url.Values{"amount": {in.amount.String()}, "value_date": {in.valueDate.String()}}
	path := "/repayments"
	if in.reason != "" {
		path = "/corrections"
		v.Set("kind", "repayment")
		v.Set("reason", in.reason)
	}
	a := w.form(user, path, v, nil)
	if !a.refused {
		if m := webPostedRE.FindStringSubmatch(a.said); m != nil {
			a.id, _ = strconv.ParseInt(m[1], 10, 64)
			a.status = "posted"
		} else if m := webPendingRE.FindStringSubmatch(a.said); m != nil {
			a.id, _ = strconv.ParseInt(m[1], 10, 64)
			a.status = "pending"
		} else {
			w.fatalf("web repayment: %s", a.said)
		}
	}
	return a
}

var (
	webPostedRE  = regexp.MustCompile(`\(transaction (\d+)\)`)
	webPendingRE = regexp.MustCompile(`\(pending action (\d+)\)`)
)

func webApprovePending(w *world, user string, in opIn) answer {
	return w.form(user, fmt.Sprintf("/corrections/%d/approve", in.id), url.Values{}, nil)
}

func webDecideRequest(verb string) driver {
	return func(w *world, user string, in opIn) answer {
		return w.form(user, fmt.Sprintf("/requests/%d/%s", in.id, verb), url.Values{"comment": {in.reason}}, nil)
	}
}

// webStatements uploads statements on the covenants page; the requests a
// restatement opened are read from the API (the page names none).
func webStatements(w *world, user string, in opIn) answer {
	ids := func() map[int64]bool {
		var r struct {
			Requests []struct {
				ID int64 `json:"id"`
			} `json:"requests"`
		}
		w.getJSON("/requests", &r)
		out := map[int64]bool{}
		for _, q := range r.Requests {
			out[q.ID] = true
		}
		return out
	}
	before := ids()
	f := filepath.Join(w.t.TempDir(), "statements.csv")
	os.WriteFile(f, []byte(in.csv), 0o644)
	a := w.form(user, "/statements", url.Values{}, map[string]string{"statements": f})
	if !a.refused {
		msg := a.said
		if i := strings.Index(msg, "done="); i >= 0 {
			msg = msg[i+len("done="):]
		}
		if !strings.HasPrefix(msg, "0 period") {
			a.status = "recorded"
		}
		for id := range ids() {
			if !before[id] {
				a.requests = append(a.requests, id)
			}
		}
		slices.Sort(a.requests)
	}
	return a
}

func apiApprovePending(w *world, user string, in opIn) answer {
	a, _ := w.apiAnswer(user, fmt.Sprintf("/approvals/%d/approve", in.id), "", nil)
	return a
}

func cliApprovePending(w *world, user string, in opIn) answer {
	a, _ := w.cliAnswer("approvals", "approve", "--slug", surfSlug, "--as", user, "--id", strconv.FormatInt(in.id, 10))
	return a
}

func apiStatements(w *world, user string, in opIn) answer {
	return statementsAnswer(w.apiAnswer(user, "/financial-statements", "text/csv", strings.NewReader(in.csv)))
}

func cliStatements(w *world, user string, in opIn) answer {
	f := filepath.Join(w.t.TempDir(), "statements.csv")
	os.WriteFile(f, []byte(in.csv), 0o644)
	return statementsAnswer(w.cliAnswer("statements", "add", "--slug", surfSlug, "--as", user, "--file", f))
}

func statementsAnswer(a answer, b []byte) answer {
	if !a.refused {
		var r struct {
			Recorded []json.RawMessage `json:"financial_statements"`
			Pending  []app.Recorded    `json:"pending"`
		}
		json.Unmarshal(b, &r)
		if len(r.Recorded) > 0 {
			a.status = "recorded"
		}
		for _, p := range r.Pending {
			if p.Pending && p.Request != nil {
				a.requests = append(a.requests, p.Request.ID)
			}
		}
	}
	return a
}

func apiDecideRequest(verb string) driver {
	return func(w *world, user string, in opIn) answer {
		a, _ := w.apiAnswer(user, fmt.Sprintf("/requests/%d/%s", in.id, verb), "application/json", jsonBody(map[string]string{"comment": in.reason}))
		return a
	}
}

func cliDecideRequest(verb string) driver {
	return func(w *world, user string, in opIn) answer {
		a, _ := w.cliAnswer("requests", verb, "--slug", surfSlug, "--as", user, "--id", strconv.FormatInt(in.id, 10), "--comment", in.reason)
		return a
	}
}

func (w *world) reports(variant int) map[string]string {
	out := map[string]string{}
	for _, f := range []string{"receivables", "debtors", "inventory"} {
		out[f] = filepath.Join(w.files[variant], f+".csv")
	}
	return out
}

func apiSubmitCertificate(w *world, user string, in opIn) answer {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("as_of", in.asOf.String())
	for field, p := range w.reports(in.variant) {
		fw, _ := mw.CreateFormFile(field, filepath.Base(p))
		b, _ := os.ReadFile(p)
		fw.Write(b)
	}
	mw.Close()
	return certificateAnswer(w.apiAnswer(user, "/borrowing-base-certificates", mw.FormDataContentType(), &body))
}

func cliSubmitCertificate(w *world, user string, in opIn) answer {
	r := w.reports(in.variant)
	return certificateAnswer(w.cliAnswer("certificate", "submit", "--slug", surfSlug, "--as", user, "--as-of", in.asOf.String(),
		"--receivables", r["receivables"], "--debtors", r["debtors"], "--inventory", r["inventory"]))
}

var webCertificateRE = regexp.MustCompile(`^/facilities/[^/]+/certificates/(\d+)\?done=Certificate \d+ as of \S+ was submitted for the lender's review(; it supersedes certificate (\d+))?`)

func webSubmitCertificate(w *world, user string, in opIn) answer {
	a := w.form(user, "/certificates", url.Values{"as_of": {in.asOf.String()}}, w.reports(in.variant))
	if !a.refused {
		m := webCertificateRE.FindStringSubmatch(a.said)
		if m == nil {
			w.fatalf("web certificate upload: %s", a.said)
		}
		a.id, _ = strconv.ParseInt(m[1], 10, 64)
		a.supersedes, _ = strconv.ParseInt(m[3], 10, 64)
		a.status = "submitted"
	}
	return a
}

func certificateAnswer(a answer, b []byte) answer {
	if !a.refused {
		var r struct {
			ID         int64  `json:"id"`
			Status     string `json:"status"`
			Supersedes int64  `json:"supersedes"`
		}
		json.Unmarshal(b, &r)
		a.id, a.status, a.supersedes = r.ID, r.Status, r.Supersedes
	}
	return a
}

func apiDecideCertificate(verb string) driver {
	return func(w *world, user string, in opIn) answer {
		body := map[string]any{"comment": in.reason}
		if verb == "approve" {
			body["supersedes"] = in.supersedes
		}
		return certificateAnswer(w.apiAnswer(user, fmt.Sprintf("/borrowing-base-certificates/%d/%s", in.id, verb), "application/json", jsonBody(body)))
	}
}

func cliDecideCertificate(verb string) driver {
	return func(w *world, user string, in opIn) answer {
		args := []string{"certificate", verb, "--slug", surfSlug, "--as", user, "--id", strconv.FormatInt(in.id, 10), "--comment", in.reason}
		if verb == "approve" {
			args = append(args, "--supersedes", strconv.FormatInt(in.supersedes, 10))
		}
		return certificateAnswer(w.cliAnswer(args...))
	}
}

func webDecideCertificate(verb string) driver {
	return func(w *world, user string, in opIn) answer {
		v := url.Values{"comment": {in.reason}}
		if verb == "approve" && in.supersedes != 0 {
			v.Set("supersedes", strconv.FormatInt(in.supersedes, 10))
		}
		a := w.form(user, fmt.Sprintf("/certificates/%d/%s", in.id, verb), v, nil)
		if !a.refused {
			m := regexp.MustCompile(fmt.Sprintf(`Certificate %d is (\w+)\.`, in.id)).FindStringSubmatch(a.said)
			if m == nil {
				w.fatalf("web %s of certificate %d: %s", verb, in.id, a.said)
			}
			a.id, a.status = in.id, m[1]
		}
		return a
	}
}

// --- the reads ---

// figures are what a surface says of the facility on a date as known at a
// time.
type figures struct {
	Availability, Loans, BorrowingBase string
	Certificate                        int64
	Defaults                           int
}

var (
	figureRE = func(label string) *regexp.Regexp {
		return regexp.MustCompile(`<dt>` + label + `</dt><dd class="num">(?:USD )?((?:<span class="neg">−)?[-0-9,.]+(?:</span>)?|undetermined)</dd>`)
	}
	webAvail, webLoans, webBB = figureRE("Availability"), figureRE("Loans outstanding"), figureRE("Borrowing base")
	webCert                   = regexp.MustCompile(`, on certificate <a href="/facilities/[^/]+/certificates/(\d+)">`)
	webDefault                = regexp.MustCompile(`<li><span class="badge fail">`)
	webNow                    = regexp.MustCompile(`id="avail-now">(?:((?:<span class="neg">−)?[-0-9,.]+)|(undetermined))<`)
)

func amountText(a *money.Amount) string {
	if a == nil {
		return "undetermined"
	}
	return a.String()
}

// apiRead is the API's availability and events of default on asOf as known
// at knownAt ("": the default), with the answers as written.
func (w *world) apiRead(asOf date.Date, knownAt string) (figures, []string, []string, json.RawMessage, json.RawMessage) {
	q := "?as_of=" + asOf.String()
	if knownAt != "" {
		q += "&known_at=" + knownAt
	}
	var av struct {
		Availability  *money.Amount `json:"availability"`
		Loans         money.Amount  `json:"loans_outstanding"`
		BorrowingBase money.Amount  `json:"borrowing_base"`
		Certificate   int64         `json:"certificate"`
		Defaults      []string      `json:"events_of_default_continuing"`
	}
	var rawAv, rawEoD json.RawMessage
	w.getJSON("/availability"+q, &rawAv)
	json.Unmarshal(rawAv, &av)
	var eod struct {
		Continuing []string `json:"continuing"`
		Hindsight  []string `json:"continuing_with_hindsight"`
	}
	w.getJSON("/events-of-default"+q, &rawEoD)
	json.Unmarshal(rawEoD, &eod)
	if !sameIDs(av.Defaults, eod.Continuing) {
		w.fatalf("on %s as known at %q the API's availability counts the events of default %v, its events of default %v", asOf, knownAt, av.Defaults, eod.Continuing)
	}
	f := figures{amountText(av.Availability), av.Loans.String(), av.BorrowingBase.String(), av.Certificate, len(eod.Continuing)}
	return f, eod.Continuing, eod.Hindsight, rawAv, rawEoD
}

// cliRead is the same from the command line.
func (w *world) cliRead(asOf date.Date, knownAt string) (figures, json.RawMessage, json.RawMessage) {
	args := []string{"--slug", surfSlug, "--as-of", asOf.String()}
	if knownAt != "" {
		args = append(args, "--known-at", knownAt)
	}
	av := w.cli("", append([]string{"availability"}, args...)...)
	var a struct {
		Availability  *money.Amount `json:"availability"`
		Loans         money.Amount  `json:"loans_outstanding"`
		BorrowingBase money.Amount  `json:"borrowing_base"`
		Certificate   int64         `json:"certificate"`
	}
	if err := json.Unmarshal([]byte(av), &a); err != nil {
		w.fatalf("CLI availability: %v\n%s", err, av)
	}
	eod := w.cli("", append([]string{"defaults"}, args...)...)
	var e struct {
		Continuing []string `json:"continuing"`
	}
	if err := json.Unmarshal([]byte(eod), &e); err != nil {
		w.fatalf("CLI defaults: %v\n%s", err, eod)
	}
	return figures{amountText(a.Availability), a.Loans.String(), a.BorrowingBase.String(), a.Certificate, len(e.Continuing)}, json.RawMessage(av), json.RawMessage(eod)
}

// webRead is the facility page on asOf (as known at the end of its
// business for a past date): its figures, and as known now the
// availability and the events of default hindsight adds.
func (w *world) webRead(asOf date.Date) (then figures, nowAvail string, added int) {
	code, b := w.page(surfOfficer, "/facilities/"+surfSlug+"?as_of="+asOf.String())
	html := string(b)
	if code != 200 {
		w.fatalf("facility page on %s: %d", asOf, code)
	}
	for _, f := range []struct {
		re  *regexp.Regexp
		dst *string
	}{{webAvail, &then.Availability}, {webLoans, &then.Loans}, {webBB, &then.BorrowingBase}} {
		m := f.re.FindStringSubmatch(html)
		if m == nil {
			w.fatalf("facility page on %s does not show %s", asOf, f.re)
		}
		*f.dst = webAmount(w, m[1])
	}
	if m := webCert.FindStringSubmatch(html); m != nil {
		then.Certificate, _ = strconv.ParseInt(m[1], 10, 64)
	}
	eod := html
	if i := strings.Index(eod, `id="eod-h"`); i >= 0 {
		eod = eod[i:]
		if j := strings.Index(eod, "<h3"); j >= 0 {
			eod = eod[:j]
		}
	}
	// The events of default as known then, and after them what was
	// recorded since (continuing as known now and not then).
	known, since := eod, ""
	if i := strings.Index(eod, `id="defaults-hindsight"`); i >= 0 {
		known, since = eod[:i], eod[i:]
	}
	then.Defaults = len(webDefault.FindAllStringIndex(known, -1))
	nowAvail = then.Availability
	if m := webNow.FindStringSubmatch(html); m != nil {
		nowAvail = webAmount(w, m[1]+m[2])
	}
	added = strings.Count(since, `<span class="badge fail">continuing as known now</span>`)
	if os.Getenv("REVOLVER_SURFACES_DUMP") != "" {
		os.WriteFile(filepath.Join(os.TempDir(), "surfaces-facility.html"), b, 0o644)
	}
	return then, nowAvail, added
}

func webAmount(w *world, s string) string {
	if s == "undetermined" {
		return s
	}
	// A negative amount is shown as <span class="neg">−1,234.56</span>.
	plain := strings.NewReplacer(",", "", `<span class="neg">−`, "-", "</span>", "").Replace(s)
	amt, err := money.ParseAmount(plain)
	if err != nil {
		w.fatalf("facility page figure %q: %v", s, err)
	}
	return amt.String()
}

// sameJSON: the API and the command line wrote the same answer.
func (w *world) sameJSON(what string, api, cli json.RawMessage) {
	var a, c any
	if json.Unmarshal(api, &a) != nil || json.Unmarshal(cli, &c) != nil || !reflect.DeepEqual(a, c) {
		w.fatalf("%s: the API and the command line answer differently:\n  API %s\n  CLI %s", what, api, cli)
	}
}

// check reads every surface on the business date, and on an earlier date
// as known then and as known now, and compares them with each other and
// with the model; then what is stored.
func (w *world) check() {
	w.t.Helper()
	bd := w.biz()
	api, _, _, av, eod := w.apiRead(bd, "")
	cli, cav, ceod := w.cliRead(bd, "")
	page, _, _ := w.webRead(bd)
	w.sameJSON("availability on "+bd.String(), av, cav)
	w.sameJSON("events of default on "+bd.String(), eod, ceod)
	model := figures{api.Availability, w.loansOn(bd).String(), api.BorrowingBase, w.inForce(bd, time.Time{}, false), w.defaultsOn(bd, time.Time{})}
	if api != page || api != cli || api != model {
		w.fatalf("on the business date %s the surfaces disagree:\n  API   %+v\n  web   %+v\n  CLI   %+v\n  model %+v", bd, api, page, cli, model)
	}
	w.statement(bd)

	if e := w.pastDay(); e != 0 {
		k := w.closedAt[e]
		// As known at the end of business of e (the default for a past date).
		api, then, hindsight, av, eod := w.apiRead(e, "")
		cli, cav, ceod := w.cliRead(e, "")
		page, webNow, webAdded := w.webRead(e)
		w.sameJSON("availability on "+e.String()+" as known then", av, cav)
		w.sameJSON("events of default on "+e.String()+" as known then", eod, ceod)
		model := figures{api.Availability, w.loansKnown(e, k).String(), api.BorrowingBase, w.inForce(e, k, false), w.defaultsOn(e, k)}
		if api != page || api != cli || api != model {
			w.fatalf("on %s as known at the end of its business (%s) the surfaces disagree:\n  API   %+v\n  web   %+v\n  CLI   %+v\n  model %+v", e, k.Format(time.RFC3339), api, page, cli, model)
		}
		// The same asked with the date as known-at time.
		dated, _, _, _, _ := w.apiRead(e, e.String())
		cdated, _, _ := w.cliRead(e, e.String())
		dated.Defaults, cdated.Defaults = api.Defaults, cli.Defaults // a date means the end of the UTC day for the defaults
		if dated != api || cdated != cli {
			w.fatalf("on %s as known at %s (the date given) the API says %+v, the command line %+v; as known then %+v", e, e, dated, cdated, api)
		}
		// As known now.
		nowAPI, nowIDs, _, av, eod := w.apiRead(e, "now")
		nowCLI, cav, ceod := w.cliRead(e, "now")
		w.sameJSON("availability on "+e.String()+" as known now", av, cav)
		w.sameJSON("events of default on "+e.String()+" as known now", eod, ceod)
		added := 0
		for _, id := range nowIDs {
			if !slices.Contains(then, id) {
				added++
			}
		}
		w.past++
		if nowAPI != api {
			w.hindsight++
		}
		model = figures{nowAPI.Availability, w.loansOn(e).String(), nowAPI.BorrowingBase, w.inForce(e, time.Time{}, false), w.defaultsOn(e, time.Time{})}
		if nowAPI != nowCLI || nowAPI != model || webNow != nowAPI.Availability || webAdded != added || !sameIDs(hindsight, nowIDs) {
			w.fatalf("on %s as known now the surfaces disagree:\n  API   %+v (with hindsight as known then: %v)\n  web   availability %s, %d more defaults\n  CLI   %+v\n  model %+v", e, nowAPI, hindsight, webNow, webAdded, nowCLI, model)
		}
	}
	w.stored()
}

// statement: the borrower's statement of the business date's month as
// known now is the same from the API and the command line, and its loans
// at the month's end are the model's.
func (w *world) statement(bd date.Date) {
	w.t.Helper()
	month := bd.String()[:7]
	st, b := w.api(surfBorrower, "GET", "/statements/"+month+"?known_at=now", "", nil)
	if st != 200 {
		w.fatalf("API statement %s: %d %s", month, st, b)
	}
	out := w.cli("", "statement", "--facility", surfSlug, "--month", month, "--known-at", "now")
	w.sameJSON("the statement of "+month, b, json.RawMessage(out))
	var s struct {
		To      date.Date `json:"to"`
		Closing struct {
			Accounts []struct {
				Account string       `json:"account"`
				Amount  money.Amount `json:"amount"`
			} `json:"accounts"`
		} `json:"closing"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		w.fatalf("API statement %s: %v", month, err)
	}
	if got, want := s.Closing.Accounts[0].Amount, w.loansOn(s.To); s.Closing.Accounts[0].Account != "loans" || got != want {
		w.fatalf("the statement of %s closes with loans %s, the model %s", month, got, want)
	}
}

// pastDay is a closed business date at random (0 before the first close).
func (w *world) pastDay() date.Date {
	var ds []date.Date
	for d := range w.closedAt {
		ds = append(ds, d)
	}
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[w.rnd.IntN(len(ds))]
}

// stored: what the API lists is what the model says was stored — nothing
// for a refusal.
func (w *world) stored() {
	var adv struct{ Advances []json.RawMessage }
	w.getJSON("/advances", &adv)
	var apr struct{ Approvals []json.RawMessage }
	w.getJSON("/approvals", &apr)
	var req struct {
		Requests []struct {
			ID     int64
			Kind   string
			Status string
		}
	}
	w.getJSON("/requests", &req)
	var certs struct {
		Certificates []struct {
			ID         int64
			Status     string
			Supersedes int64
		}
	}
	w.getJSON("/borrowing-base-certificates", &certs)
	bad := len(adv.Advances) != w.advances || len(apr.Approvals) != w.approvals || len(req.Requests) != len(w.requests) || len(certs.Certificates) != len(w.certs)
	for _, r := range req.Requests {
		if m := w.requests[r.ID]; m == nil || m.status != r.Status || r.Kind != "restatement" {
			bad = true
		}
	}
	for _, c := range certs.Certificates {
		if m := w.cert(c.ID); m == nil || m.status != c.Status || m.supersedes != c.Supersedes {
			bad = true
		}
	}
	if bad {
		var reqs, cs []string
		for _, r := range w.requests {
			reqs = append(reqs, fmt.Sprintf("%d %s", r.id, r.status))
		}
		for _, c := range w.certs {
			cs = append(cs, fmt.Sprintf("%d %s (supersedes %d)", c.id, c.status, c.supersedes))
		}
		w.fatalf("stored: %d advance requests, %d approvals, requests %+v, certificates %+v; the model: %d, %d, %v, %v",
			len(adv.Advances), len(apr.Approvals), req.Requests, certs.Certificates, w.advances, w.approvals, reqs, cs)
	}
}

// TestSurfacesAuditAlike: the same use case asked through the API, the
// web forms and the command line is recorded under the same kind and
// action — the use case's own (app.Op) — done, refused by the use case,
// or refused by the surface before it runs (a role that may not, input
// that does not read; the command line refuses bad flags before any use case runs). It runs on
// SQLite and on PostgreSQL.
func TestSurfacesAuditAlike(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "revolver.db")
			flag := "--db"
			if backend == "postgres" {
				target, flag = testdb.PostgresURL(t), "--database"
			}
			w := newWorld(t, flag, target, rand.New(rand.NewPCG(1, 2)))
			acc := w.st.(store.Accounts)
			last := func() int64 {
				recs, err := acc.FindAudit(context.Background(), store.AuditFilter{Newest: true, Limit: 1})
				if err != nil || len(recs) == 0 {
					t.Fatalf("audit trail: %v %d", err, len(recs))
				}
				return recs[0].ID
			}
			// got[op][surface] is "kind/action result" of the record each
			// surface appended.
			got := map[string]map[string]string{}
			// one runs a change through a surface and takes its one record.
			one := func(name, surf string, run func()) store.AuditRecord {
				t.Helper()
				from := last()
				run()
				recs, err := acc.AuditRecords(context.Background(), from, 10)
				if err != nil || len(recs) != 1 {
					t.Fatalf("%s through %s: %d records (%v), want 1: %+v", name, surf, len(recs), err, recs)
				}
				r := recs[0]
				if got[name] == nil {
					got[name] = map[string]string{}
				}
				got[name][surf] = r.Kind + "/" + r.Action + " " + r.Result
				return r
			}
			// api and form as this test reads them: the status and the
			// body or the page redirected to.
			api := func(user, method, path, ctype, body string) (int, string) {
				st, b := w.api(user, method, path, ctype, strings.NewReader(body))
				return st, string(b)
			}
			form := func(user, path string, v url.Values) (int, string) {
				a := w.form(user, path, v, nil)
				if !a.refused {
					return http.StatusSeeOther, a.said
				}
				st, _ := strconv.Atoi(strings.SplitN(a.said, " ", 2)[0])
				return st, a.said
			}
			// Signed in on the pages first: a sign-in is a record of its own.
			w.webUser(surfBorrower)
			w.webUser(surfCredit)
			vd := w.cal.OnOrAfter(w.biz()).String()
			small := `{"amount":"10000.00","value_date":"` + vd + `"}`
			large := `{"amount":"1010000.00","value_date":"` + vd + `"}`
			huge := `{"amount":"900000000.00","value_date":"` + vd + `"}`
			var ids []int64
			for _, surf := range []string{"api", "web", "cli"} {
				one("request", surf, func() {
					switch surf {
					case "api":
						if st, b := api(surfBorrower, "POST", "/advances", "application/json", small); st != 201 {
							t.Fatalf("API small advance: %d %s", st, b)
						}
					case "web":
						if st, b := form(surfBorrower, "/advances", url.Values{"amount": {"10000.00"}, "value_date": {vd}}); st != http.StatusSeeOther || !strings.Contains(b, "was funded") {
							t.Fatalf("web small advance: %d %s", st, b)
						}
					case "cli":
						w.cli("", "advance", "request", "--slug", surfSlug, "--as", surfBorrower, "--amount", "10000.00", "--value-date", vd)
					}
				})
				r := one("request waiting", surf, func() {
					switch surf {
					case "api":
						st, b := api(surfBorrower, "POST", "/advances", "application/json", large)
						if st != 202 {
							t.Fatalf("API large advance: %d %s", st, b)
						}
					case "web":
						if st, b := form(surfBorrower, "/advances", url.Values{"amount": {"1010000.00"}, "value_date": {vd}}); st != http.StatusSeeOther || !strings.Contains(b, "waits for a lender") {
							t.Fatalf("web large advance: %d %s", st, b)
						}
					case "cli":
						w.cli("", "advance", "request", "--slug", surfSlug, "--as", surfBorrower, "--amount", "1010000.00", "--value-date", vd)
					}
				})
				id, err := strconv.ParseInt(r.Resource, 10, 64)
				if err != nil {
					t.Fatalf("the waiting request's record names no request: %+v", r)
				}
				ids = append(ids, id)
				one("approve", surf, func() {
					switch surf {
					case "api":
						if st, b := api(surfCredit, "POST", fmt.Sprintf("/advances/%d/approve", id), "", ""); st != 200 {
							t.Fatalf("API approval: %d %s", st, b)
						}
					case "web":
						if st, b := form(surfCredit, fmt.Sprintf("/advances/%d/approve", id), url.Values{}); st != http.StatusSeeOther {
							t.Fatalf("web approval: %d %s", st, b)
						}
					case "cli":
						w.cli("", "advance", "approve", "--slug", surfSlug, "--as", surfCredit, "--id", strconv.FormatInt(id, 10))
					}
				})
				one("refused by the rules", surf, func() {
					switch surf {
					case "cli":
						if _, err := w.tryCLI("", "advance", "request", "--slug", surfSlug, "--as", surfBorrower, "--amount", "900000000.00", "--value-date", vd); err == nil {
							t.Fatal("CLI advance above availability: not refused")
						}
					case "api":
						if st, b := api(surfBorrower, "POST", "/advances", "application/json", huge); st != 422 {
							t.Fatalf("API advance above availability: %d %s", st, b)
						}
					case "web":
						if st, b := form(surfBorrower, "/advances", url.Values{"amount": {"900000000.00"}, "value_date": {vd}}); st != 422 {
							t.Fatalf("web advance above availability: %d %s", st, b)
						}
					}
				})
				if surf == "cli" {
					// The command line refuses bad flags before any use case
					// runs (usage errors, exit 2), with nothing to record.
					one("approve refused by role", surf, func() {
						if _, err := w.tryCLI("", "advance", "approve", "--slug", surfSlug, "--as", surfBorrower, "--id", strconv.FormatInt(ids[0], 10)); err == nil {
							t.Fatal("CLI approval by the borrower: not refused")
						}
					})
					continue
				}
				one("refused input", surf, func() {
					switch surf {
					case "api":
						if st, b := api(surfBorrower, "POST", "/advances", "application/json", `{"amount":"lots","value_date":"`+vd+`"}`); st != 400 {
							t.Fatalf("API advance of no amount: %d %s", st, b)
						}
					case "web":
						if st, b := form(surfBorrower, "/advances", url.Values{"amount": {"lots"}, "value_date": {vd}}); st != 400 {
							t.Fatalf("web advance of no amount: %d %s", st, b)
						}
					}
				})
				one("approve refused by role", surf, func() {
					switch surf {
					case "api":
						if st, b := api(surfBorrower, "POST", fmt.Sprintf("/advances/%d/approve", ids[0]), "", ""); st != 403 {
							t.Fatalf("API approval by the borrower: %d %s", st, b)
						}
					case "web":
						if st, b := form(surfBorrower, fmt.Sprintf("/advances/%d/approve", ids[0]), url.Values{}); st != 403 {
							t.Fatalf("web approval by the borrower: %d %s", st, b)
						}
					}
				})
			}
			want := map[string]string{
				"request":                 string(app.OpRequestAdvance) + " done",
				"request waiting":         string(app.OpRequestAdvance) + " done",
				"approve":                 string(app.OpApproveAdvance) + " done",
				"refused by the rules":    string(app.OpRequestAdvance) + " refused",
				"refused input":           string(app.OpRequestAdvance) + " refused",
				"approve refused by role": string(app.OpApproveAdvance) + " refused",
			}
			for name, bySurface := range got {
				for surf, g := range bySurface {
					if g != want[name] {
						t.Errorf("%s through %s recorded as %s, want %s (every surface: %v)", name, surf, g, want[name], bySurface)
					}
				}
			}
			if len(got) != len(want) {
				t.Errorf("changes recorded: %v, want %d", got, len(want))
			}
		})
	}
}
