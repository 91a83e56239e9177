package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"revolver/app"
	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

func (c *client) upload(slug, asOf string, files map[string][2]string) *http.Response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", c.csrf)
	mw.WriteField("as_of", asOf)
	for field, nf := range files {
		w, _ := mw.CreateFormFile(field, nf[0])
		w.Write([]byte(nf[1]))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+"/facilities/"+slug+"/certificates", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func (e *env) exampleUpload() map[string][2]string {
	return map[string][2]string{
		"receivables": {"receivables.csv", string(e.data["receivables.csv"])},
		"debtors":     {"debtors.csv", string(e.data["debtors.csv"])},
		"inventory":   {"inventory.csv", string(e.data["inventory.csv"])},
	}
}

func mustStatus(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d", what, got, want)
	}
}

// TestScenario runs the morning's work through the pages without a
// browser: upload, approve, advance, approve, availability.
func TestScenario(t *testing.T) {
	// The main flow of the pages, on both databases.
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		b := e.signIn(t, "controller@btu.example")
		resp := b.upload("btu", "2004-10-03", e.exampleUpload())
		mustStatus(t, "upload", resp.StatusCode, http.StatusSeeOther)
		loc := resp.Header.Get("Location")
		if !strings.HasPrefix(loc, "/facilities/btu/certificates/1?") {
			t.Fatalf("upload redirected to %q", loc)
		}
		resp, page := b.get(loc)
		mustStatus(t, "certificate page", resp.StatusCode, 200)
		for _, want := range []string{"was submitted for the lender", "Computation, line by line", ">submitted<", "receivables.csv"} {
			if !strings.Contains(page, want) {
				t.Errorf("certificate page lacks %q", want)
			}
		}
		if strings.Contains(page, "Approve certificate") {
			t.Error("the borrower is offered to approve")
		}
		c, err := e.st.Certificate(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page, c.BorrowingBase.Grouped()) && !strings.Contains(page, (c.BorrowingBase-c.LCReserve).Grouped()) {
			t.Errorf("certificate page does not show the borrowing base %s", c.BorrowingBase.Grouped())
		}
		// The borrower cannot approve through the page either.
		resp = b.post("/facilities/btu/certificates/1/approve", url.Values{})
		mustStatus(t, "borrower approves", resp.StatusCode, http.StatusForbidden)
		if c, _ := e.st.Certificate(ctx, 1); c.Status != store.Submitted {
			t.Fatalf("borrower's approval changed the status to %s", c.Status)
		}

		l := e.signIn(t, "officer@bank.example")
		resp, page = l.get("/facilities/btu/certificates/1")
		mustStatus(t, "lender certificate page", resp.StatusCode, 200)
		if !strings.Contains(page, "Approve certificate") {
			t.Fatal("the lender is not offered to approve")
		}
		resp = l.post("/facilities/btu/certificates/1/approve", url.Values{"comment": {"checked against the aging"}, "idempotency_key": {"a1"}})
		mustStatus(t, "approve", resp.StatusCode, http.StatusSeeOther)
		if c, _ := e.st.Certificate(ctx, 1); c.Status != store.Approved {
			t.Fatalf("status %s after approval", c.Status)
		}

		// Advance above the maker-checker threshold waits.
		resp = b.post("/facilities/btu/advances", url.Values{"amount": {"300,000.00"}, "value_date": {"2004-10-05"}, "idempotency_key": {"k1"}})
		mustStatus(t, "advance", resp.StatusCode, http.StatusSeeOther)
		// Above the threshold the request waits for approval; it fits the
		// availability now and is checked again when approved.
		if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "waits for a lender") {
			t.Fatalf("advance before approval: %s", loc)
		}

		rs, _ := e.st.AdvanceRequests(ctx, "btu")
		var id int64
		for _, r := range rs {
			if r.Status == store.AdvanceRequested {
				id = r.ID
			}
		}
		if id == 0 {
			t.Fatalf("no waiting request in %+v", rs)
		}
		_, page = l.get("/facilities/btu/loans")
		if !strings.Contains(page, fmt.Sprintf("approve-advance-%d", id)) {
			t.Fatal("the queue does not offer the approval")
		}
		resp = l.post(fmt.Sprintf("/facilities/btu/advances/%d/approve", id), url.Values{"idempotency_key": {"a2"}})
		mustStatus(t, "approve advance", resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "is funded") {
			t.Fatalf("approve advance: %s", loc)
		}
		a, err := e.api.Service().Availability(ctx, "btu", date.FromTime(testNow), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if a.LoansOutstanding != 30000000 {
			t.Fatalf("loans %s, want 300,000.00", a.LoansOutstanding.Grouped())
		}
		_, page = b.get("/facilities/btu")
		if !strings.Contains(page, "USD "+a.Available.Grouped()) {
			t.Errorf("facility page does not show the availability USD %s", a.Available.Grouped())
		}
		_, page = b.get("/facilities/btu/loans")
		if !strings.Contains(page, "300,000.00") {
			t.Error("the ledger does not show the advance")
		}
	})
}

// TestScoping: a borrower sees only their facility; pages need a session;
// the audit trail is for auditors and lender admins.
func TestScoping(t *testing.T) {
	// The main flow of the pages, on both databases.
	forEachStore(t, func(t *testing.T, e *env) {
		o := e.signIn(t, "controller@other.example")
		for _, p := range []string{"/facilities/btu", "/facilities/btu/certificates", "/facilities/btu/loans", "/facilities/btu/covenants",
			"/facilities/btu/terms", "/facilities/btu/calendar", "/facilities/btu/calendar.ics", "/facilities/nosuch",
			"/facilities/btu/trend.svg", "/facilities/btu/certificates/1", "/facilities/btu/certificates/1/certificate.pdf",
			"/facilities/btu/certificates/1/certificate.xlsx", "/facilities/btu/covenants/compliance.pdf", "/facilities/btu/loans?format=csv"} {
			resp, page := o.get(p)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("other borrower GET %s: status %d, want 404", p, resp.StatusCode)
			}
			if strings.Contains(page, "BTU") && strings.Contains(page, "Availability") {
				t.Errorf("other borrower GET %s shows the facility", p)
			}
		}
		resp := o.upload("btu", "2004-10-03", e.exampleUpload())
		mustStatus(t, "other borrower uploads to btu", resp.StatusCode, http.StatusNotFound)
		resp, _ = o.get("/audit")
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
			t.Errorf("borrower GET /audit: %d", resp.StatusCode)
		}
		resp, _ = o.get("/")
		mustStatus(t, "borrower home", resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/facilities/other" {
			t.Errorf("borrower home redirects to %q", loc)
		}

		anon := &client{t: t, e: e, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		resp, _ = anon.get("/facilities/btu")
		mustStatus(t, "anonymous", resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/sign-in?next=") {
			t.Errorf("anonymous redirected to %q", loc)
		}

		a := e.signIn(t, "auditor@audit.example")
		resp, page := a.get("/audit")
		mustStatus(t, "auditor /audit", resp.StatusCode, 200)
		if !strings.Contains(page, "verified") {
			t.Error("the audit page does not say whether the chain verifies")
		}
		resp, _ = a.get("/facilities/btu")
		mustStatus(t, "auditor facility", resp.StatusCode, 200)

		// A form without the CSRF token changes nothing.
		b := e.signIn(t, "controller@btu.example")
		resp = b.post("/facilities/btu/advances", url.Values{"amount": {"1.00"}, "value_date": {"2004-10-05"}, "csrf_token": {"forged"}})
		mustStatus(t, "forged CSRF", resp.StatusCode, http.StatusForbidden)
		if txs, _ := e.st.AdvanceRequests(context.Background(), "btu"); len(txs) != 0 {
			t.Errorf("forged CSRF stored %v", txs)
		}
	})
}

func TestSignInWrongPassword(t *testing.T) {
	e := newEnv(t)
	cj, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: cj}
	resp, err := hc.PostForm(e.srv.URL+"/sign-in", signInForm(t, hc, e.srv.URL, url.Values{"email": {"officer@bank.example"}, "password": {"wrong password"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	mustStatus(t, "wrong password", resp.StatusCode, http.StatusUnauthorized)
	if !strings.Contains(b.String(), "The email or the password is wrong") || !strings.Contains(b.String(), `value="officer@bank.example"`) {
		t.Errorf("wrong password page: %s", b.String())
	}
}

// TestPagesRender: every page answers 200 for the lender with labels on
// every input.
func TestPagesRender(t *testing.T) {
	// The main flow of the pages, on both databases.
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.signIn(t, "controller@btu.example")
		mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
		l := e.signIn(t, "admin@bank.example")
		l.post("/facilities/btu/certificates/1/approve", url.Values{})
		inputID := regexp.MustCompile(`<(?:input|select)[^>]*\bid="([^"]+)"`)
		for _, p := range []string{"/", "/facilities/btu", "/facilities/btu/certificates", "/facilities/btu/certificates/1",
			"/facilities/btu/certificates/1/lines/receivables.ineligible.past_due", "/facilities/btu/loans", "/facilities/btu/covenants",
			"/facilities/btu/covenants?as_known_on=2006-06-01", "/facilities/btu/terms", "/facilities/btu/terms?from=2003-01-01&to=2004-12-31",
			"/facilities/btu/calendar", "/audit", "/rates", "/rates?series=prime"} {
			resp, page := l.get(p)
			if resp.StatusCode != 200 {
				t.Errorf("GET %s: status %d", p, resp.StatusCode)
				continue
			}
			for _, m := range inputID.FindAllStringSubmatch(page, -1) {
				if !strings.Contains(page, `for="`+m[1]+`"`) {
					t.Errorf("GET %s: input %q has no label", p, m[1])
				}
			}
			if !strings.Contains(page, "<main") || strings.Count(page, "<h1") != 1 {
				t.Errorf("GET %s: no main or not one h1", p)
			}
			ids := map[string]bool{}
			for _, m := range regexp.MustCompile(`\bid="([^"]+)"`).FindAllStringSubmatch(page, -1) {
				if ids[m[1]] {
					t.Errorf("GET %s: id %q twice", p, m[1])
				}
				ids[m[1]] = true
			}
		}
	})
}

// TestDownloads: the certificate as PDF and XLSX, the compliance
// certificate, the calendar and the exports.
func TestDownloads(t *testing.T) {
	// The main flow of the pages, on both databases.
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.signIn(t, "controller@btu.example")
		mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
		for _, c := range []struct {
			path, ctype, starts string
			contains            string
		}{
			{"/facilities/btu/certificates/1/certificate.pdf", "application/pdf", "%PDF-", ""},
			{"/facilities/btu/certificates/1/certificate.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK", ""},
			{"/facilities/btu/covenants/compliance.pdf?as_known_on=2006-10-01&period=2006-07-02", "application/pdf", "%PDF-", ""},
			{"/facilities/btu/calendar.ics", "text/calendar; charset=utf-8", "BEGIN:VCALENDAR", "Termination"},
			{"/facilities/btu/loans?format=csv", "text/csv; charset=utf-8", "id,value_date,kind", ""},
			{"/facilities/btu/certificates/1/lines/receivables.ineligible.past_due?format=csv", "text/csv; charset=utf-8", "line,", ""},
		} {
			resp, body := b.get(c.path)
			if resp.StatusCode != 200 {
				t.Errorf("GET %s: %d %.300s", c.path, resp.StatusCode, body)
				continue
			}
			if got := resp.Header.Get("Content-Type"); got != c.ctype {
				t.Errorf("GET %s: Content-Type %q, want %q", c.path, got, c.ctype)
			}
			if !strings.HasPrefix(body, c.starts) || !strings.Contains(body, c.contains) {
				t.Errorf("GET %s: body starts %.40q", c.path, body)
			}
			if d := os.Getenv("REVOLVER_SCREENSHOTS"); d != "" && strings.HasSuffix(c.ctype, "pdf") {
				os.WriteFile(filepath.Join(d, path.Base(strings.SplitN(c.path, "?", 2)[0])), []byte(body), 0o644)
			}
		}
		// The line's CSV has one row per input row the line covers.
		_, body := b.get("/facilities/btu/certificates/1/lines/receivables.ineligible.past_due?format=csv")
		if n := strings.Count(strings.TrimSpace(body), "\n"); n != 281 {
			t.Errorf("past-due CSV has %d rows, want 281", n)
		}
		_, body = b.get("/facilities/btu/certificates/1/lines/receivables.ineligible.past_due?format=csv&q=zzzz-no-such")
		if n := strings.Count(strings.TrimSpace(body), "\n"); n != 0 {
			t.Errorf("filtered CSV has %d rows, want 0", n)
		}
	})
}

// TestAdvanceRefusalExplained: an advance over availability is refused
// with the figures, and nothing is posted.
func TestAdvanceRefusalExplained(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(t, "controller@btu.example")
	resp, page := b.postPage("/facilities/btu/advances", url.Values{"amount": {"100000.00"}, "value_date": {"2004-10-05"}, "idempotency_key": {"r1"}})
	mustStatus(t, "advance over availability", resp.StatusCode, http.StatusUnprocessableEntity)
	// Without an approved certificate the borrowing base is undetermined:
	// the refusal says so rather than showing a bare 0.00.
	if !strings.Contains(page, "Refused, and nothing was changed: advance on 2004-10-05 refused: no borrowing base certificate as of 2004-10-05 or before is approved") || !strings.Contains(page, `value="100000.00"`) {
		t.Errorf("refusal page: %s", page[strings.Index(page, "<main"):min(len(page), strings.Index(page, "<main")+800)])
	}
	txs, _ := e.st.Transactions(context.Background(), "btu")
	if len(txs) != 0 {
		t.Errorf("%d transactions posted", len(txs))
	}
}

// TestUploadErrorNamesTheProblem: a bad report is refused with the file,
// line and column, the form is shown again and nothing is stored.
func TestUploadErrorNamesTheProblem(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(t, "controller@btu.example")
	files := e.exampleUpload()
	rec := files["receivables"]
	lines := strings.SplitN(rec[1], "\n", 4)
	f := strings.Split(lines[2], ",")
	f[4] = "12,34x"
	lines[2] = strings.Join(f, ",")
	files["receivables"] = [2]string{"aging.csv", strings.Join(lines, "\n")}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", b.csrf)
	mw.WriteField("as_of", "2004-10-03")
	for field, nf := range files {
		w, _ := mw.CreateFormFile(field, nf[0])
		w.Write([]byte(nf[1]))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/facilities/btu/certificates", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page bytes.Buffer
	page.ReadFrom(resp.Body)
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if !strings.Contains(page.String(), "aging.csv") || !strings.Contains(page.String(), "upload the files again") {
		t.Errorf("error page does not name the file: %s", page.String()[strings.Index(page.String(), "<main"):min(page.Len(), strings.Index(page.String(), "<main")+600)])
	}
	// The row is named next to the box of the file it is in.
	if i := strings.Index(page.String(), `id="receivables-errors"`); i < 0 || !strings.Contains(page.String()[i:], "aging.csv:3") {
		t.Errorf("the error is not shown next to the receivables box")
	}
	if cs, _ := e.st.Certificates(context.Background(), "btu"); len(cs) != 0 {
		t.Errorf("%d certificates stored", len(cs))
	}
}

// TestLineShowsClauseText: the advance lines cite the First Amendment
// §1(b), whose text the agreement file records.
func TestLineShowsClauseText(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(t, "controller@btu.example")
	mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	for _, key := range []string{"receivables.advance", "inventory.cap", "letters_of_credit"} {
		resp, page := b.get("/facilities/btu/certificates/1/lines/" + key)
		mustStatus(t, "line", resp.StatusCode, 200)
		i := strings.Index(page, "<h2>Clause</h2>")
		if i < 0 || !strings.Contains(page[i:], "<blockquote><p>(b) Section 2.1 of the Original Loan Agreement") {
			t.Errorf("no clause text on the %s line: %.1500s", key, page[max(0, i):])
		}
	}
	resp, _ := b.get("/facilities/btu/certificates/1/lines/no.such.line")
	mustStatus(t, "unknown line", resp.StatusCode, http.StatusNotFound)
	resp, _ = b.get("/facilities/btu/certificates/99")
	mustStatus(t, "unknown certificate", resp.StatusCode, http.StatusNotFound)
}

// TestRolesSeeTheirActions: the analyst reads but is offered no action;
// the borrower is offered the upload and the advance but no decision.
func TestRolesSeeTheirActions(t *testing.T) {
	// The main flow of the pages, on both databases.
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.signIn(t, "controller@btu.example")
		mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
		for _, c := range []struct {
			email       string
			path        string
			want, donot []string
		}{
			{"analyst@bank.example", "/facilities/btu/certificates/1", nil, []string{"Approve certificate", "Reject certificate"}},
			{"analyst@bank.example", "/facilities/btu/certificates", nil, []string{`id="upload"`}},
			{"analyst@bank.example", "/facilities/btu/loans", []string{"Your role cannot request advances"}, []string{`id="request-advance"`}},
			{"analyst@bank.example", "/", []string{"Portfolio"}, []string{`href="/audit"`}},
			{"controller@btu.example", "/facilities/btu/certificates/1", nil, []string{"Approve certificate"}},
			{"controller@btu.example", "/facilities/btu/certificates", []string{`id="upload"`}, nil},
			{"controller@btu.example", "/facilities/btu/loans", []string{`id="request-advance"`}, nil},
			{"officer@bank.example", "/facilities/btu/certificates/1", []string{"Approve certificate", "Reject certificate"}, nil},
			{"admin@bank.example", "/facilities/btu", []string{`href="/audit"`}, nil},
		} {
			cl := e.signIn(t, c.email)
			resp, page := cl.get(c.path)
			mustStatus(t, c.email+" "+c.path, resp.StatusCode, 200)
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s %s: lacks %q", c.email, c.path, w)
				}
			}
			for _, w := range c.donot {
				if strings.Contains(page, w) {
					t.Errorf("%s %s: shows %q", c.email, c.path, w)
				}
			}
		}
	})
}

// TestSecurityHeaders: every answer — a page, the sign-in page, a page
// not found, a static file, the API and its 404 — carries the security
// headers and, unless it may be kept, Cache-Control: no-store.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	get := func(path string, hdr ...string) *http.Response {
		t.Helper()
		r, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	page := "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
	api := "default-src 'none'; frame-ancestors 'none'"
	hashed, err := assetURL("style.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, csp, cache string
		status           int
	}{
		{"/sign-in", page, "no-store", 200},
		{"/no-such-page", page, "no-store", 404},
		{"/static/no-such-file.css", page, "no-store", 404},
		{hashed, page, "public, max-age=31536000, immutable", 200},
		{"/static/style.css", page, "public, no-cache", 200},
		{"/api/v1/health", api, "no-store", 200},
		{"/api/v1/no-such-route", api, "no-store", 404},
	} {
		resp := get(c.path)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.path, resp.StatusCode, c.status)
		}
		for h, want := range map[string]string{
			"X-Frame-Options":              "DENY",
			"X-Content-Type-Options":       "nosniff",
			"Content-Security-Policy":      c.csp,
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Resource-Policy": "same-origin",
			"Permissions-Policy":           "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()",
			"Referrer-Policy":              "same-origin",
			"Cache-Control":                c.cache,
		} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s: %s %q, want %q", c.path, h, got, want)
			}
		}
		if resp.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", c.path)
		}
	}
	// The API under /api/ answers as the API.
	resp := get("/api/v1/health")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("/api/v1/health: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestStaticHashedNames: the pages reference the static files under their
// hashed names; such a file answers 304 to its ETag, and is compressed
// when large and accepted.
func TestStaticHashedNames(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, name := range []string{"style.css", "app.js"} {
		u, err := assetURL(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"`+u+`"`) || u == "/static/"+name {
			t.Errorf("the sign-in page does not reference %s as %s", name, u)
		}
		r, _ := http.NewRequest("GET", e.srv.URL+u, nil)
		r.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || etag == "" {
			t.Fatalf("%s: %d ETag %q", u, resp.StatusCode, etag)
		}
		if a := assets[name]; len(a.content) >= 4096 && resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s of %d bytes not compressed (%d bytes sent)", u, len(a.content), len(body))
		}
		r.Header.Set("If-None-Match", etag)
		resp, err = http.DefaultTransport.RoundTrip(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match %s: %d, want 304", u, etag, resp.StatusCode)
		}
	}
}

// TestXLSXUploadRows: a receivables aging sent as XLSX is computed like
// the CSV, and a line's input rows are read from the workbook.
func TestXLSXUploadRows(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(t, "controller@btu.example")
	x := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(string(e.data["receivables.csv"])), "\n") {
		for j, f := range strings.Split(line, ",") {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			x.SetCellStr("Sheet1", cell, f)
		}
	}
	var xb bytes.Buffer
	if _, err := x.WriteTo(&xb); err != nil {
		t.Fatal(err)
	}
	files := e.exampleUpload()
	files["receivables"] = [2]string{"receivables.xlsx", xb.String()}
	resp := b.upload("btu", "2004-10-03", files)
	if resp.StatusCode != http.StatusSeeOther {
		_, page := b.get("/facilities/btu/certificates")
		t.Fatalf("xlsx upload: %d %s", resp.StatusCode, page)
	}
	resp, page := b.get("/facilities/btu/certificates/1/lines/receivables.ineligible.past_due")
	mustStatus(t, "line", resp.StatusCode, 200)
	if !strings.Contains(page, "281 rows of <code>receivables.xlsx</code>") || !strings.Contains(page, "INV0000") {
		i := strings.Index(page, "Input rows")
		t.Errorf("xlsx rows: %.800s", page[max(0, i):])
	}
}

// TestUploadTwiceSameForm: the same form sent twice (its idempotency key
// is in the form's address) stores one certificate.
func TestUploadTwiceSameForm(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(t, "controller@btu.example")
	_, page := b.get("/facilities/btu/certificates")
	m := regexp.MustCompile(`action="(/facilities/btu/certificates\?idempotency_key=[^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the upload form has no idempotency key")
	}
	var locs []string
	for i := 0; i < 2; i++ {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf_token", b.csrf)
		mw.WriteField("as_of", "2004-10-03")
		for field, nf := range e.exampleUpload() {
			w, _ := mw.CreateFormFile(field, nf[0])
			w.Write([]byte(nf[1]))
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+strings.ReplaceAll(m[1], "&amp;", "&"), &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := b.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var pb bytes.Buffer
		pb.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			i := strings.Index(pb.String(), `<div class="error"`)
			t.Fatalf("upload %d: %d %.400s", i, resp.StatusCode, pb.String()[max(0, i):])
		}
		locs = append(locs, strings.SplitN(resp.Header.Get("Location"), "?", 2)[0])
	}
	if locs[0] != locs[1] {
		t.Errorf("two submissions went to %v", locs)
	}
	if cs, _ := e.st.Certificates(context.Background(), "btu"); len(cs) != 1 {
		t.Errorf("%d certificates stored", len(cs))
	}
}

// The loans page lets the requester cancel a request not yet decided; the
// facility page and the portfolio show an overadvance as a state: amount,
// since when, the cure deadline (undetermined until the bank's notice).
func TestCancelAndOveradvanceShown(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	approve := func(asOf string, bb money.Amount) {
		t.Helper()
		c, err := e.st.CreateCertificate(ctx, store.Certificate{Facility: "btu", AsOf: date.MustParse(asOf), PreparedBy: "controller@btu.example", CreatedAt: testNow.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.SubmitCertificate(ctx, c.ID, store.Submission{Body: []byte(`{}`), BorrowingBase: bb, By: "controller@btu.example", At: testNow.Add(-time.Hour),
			Inputs: []store.InputContent{{Name: "r.csv", Content: []byte(asOf)}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "officer@bank.example", At: testNow.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	approve("2004-10-01", 100_000_000)
	b := e.signIn(t, "controller@btu.example")
	resp := b.post("/facilities/btu/advances", url.Values{"amount": {"300000.00"}, "value_date": {"2004-10-05"}, "idempotency_key": {"c1"}})
	mustStatus(t, "advance", resp.StatusCode, http.StatusSeeOther)
	rs, _ := e.st.AdvanceRequests(ctx, "btu")
	if len(rs) != 1 || rs[0].Status != store.AdvanceRequested {
		t.Fatalf("requests %+v", rs)
	}
	_, page := b.get("/facilities/btu/loans")
	if !strings.Contains(page, fmt.Sprintf("cancel-advance-%d", rs[0].ID)) {
		t.Fatal("the requester is not offered to cancel")
	}
	resp = b.post(fmt.Sprintf("/facilities/btu/advances/%d/cancel", rs[0].ID), url.Values{"idempotency_key": {"c2"}})
	mustStatus(t, "cancel", resp.StatusCode, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "is cancelled") {
		t.Fatalf("cancel: %s", loc)
	}

	if _, err := e.api.Service().Advance(ctx, app.AdvanceRequest{Facility: "btu", Key: "a", Amount: 90_000_000, ValueDate: date.MustParse("2004-10-05")}); err != nil {
		t.Fatal(err)
	}
	approve("2004-10-04", 50_000_000)
	_, page = b.get("/facilities/btu")
	for _, want := range []string{"Overadvance of USD 400,000.00", ">2004-10-05</time>: loans", "deadline undetermined"} {
		if !strings.Contains(page, want) {
			t.Errorf("facility page lacks %q", want)
		}
	}
	l := e.signIn(t, "officer@bank.example")
	_, page = l.get("/?status=overadvance")
	if !strings.Contains(page, "overadvance since") || !strings.Contains(page, "BTU") {
		t.Errorf("portfolio does not show the overadvance")
	}
}

// The loan account shows a fee with its explanation (formula, rate,
// average balance, days, basis, clause) and a field examination charged
// as a cost with its clause.
func TestLoanAccountShowsFeesAndCosts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rate := money.MustRate("2%")
	fee := ledger.FeeTerms{ID: "lc_fee", Label: "Letter of credit fee", Kind: ledger.FeeLetterOfCredit, Rate: rate, DayCount: ledger.Actual360, Basis: "actual_360", Billing: "monthly",
		Cite: explain.Cite{Document: "first-amendment", Section: "§2.7", Title: "First Amendment to Loan Agreement"}}
	from, to := date.MustParse("2004-09-01"), date.MustParse("2004-09-30")
	var days []ledger.FeeDay
	for d := from; d <= to; d++ {
		days = append(days, ledger.FeeDay{Day: d, Fee: &fee, LCOutstanding: 360_000_00})
	}
	b, err := ledger.BillFee(fee, from, to, to, days, 0)
	if err != nil {
		t.Fatal(err)
	}
	tr, _, err := ledger.FeeBilled("btu", b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.PostBatch(ctx, []ledger.Transaction{tr}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.Service().ChargeCost(ctx, app.CostInput{Facility: "btu", Kind: "field_exam", ValueDate: date.MustParse("2004-09-30"), Amount: 4_500_00, Memo: "invoice 4411"}); err != nil {
		t.Fatal(err)
	}
	_, page := e.signIn(t, "officer@bank.example").get("/facilities/btu/loans?from=2004-09-01&to=2004-10-01")
	for _, want := range []string{
		"Letter of credit fee (lc_fee) 2004-09-01 to 2004-09-30 (30 days): 2% × average daily face of letters of credit 360,000.00 × 30/360 = 600.00; basis actual_360; First Amendment to Loan Agreement §2.7",
		"Field examination (field_exam): invoice 4411; Security Agreement ¶7",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("loan account lacks %q", want)
		}
	}
}
