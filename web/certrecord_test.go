package web

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"revolver/app"
	"revolver/date"
	"revolver/httpapi"
	"revolver/store"
)

var (
	pdfStream = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	pdfShow   = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

// pdfText is the text a PDF shows (fpdf's Tj strings of its deflated
// content streams), one string a line.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	var out []string
	for _, m := range pdfStream.FindAllSubmatch(b, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a deflated stream (fonts, images)
		}
		plain, err := io.ReadAll(r)
		if err != nil {
			continue
		}
		for _, s := range pdfShow.FindAllSubmatch(plain, -1) {
			out = append(out, strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(string(s[1])))
		}
	}
	return strings.Join(out, "\n")
}

// pdfFigures keeps the lines of a PDF's text that are amounts.
func pdfFigures(text string) []string {
	amt := regexp.MustCompile(`^-?[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}$`)
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if amt.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

const lowerRateAmendment = `revolver: amendment/1
facility: btu-sovereign
id: second-amendment
document: first-amendment
effective: 2004-06-30
order: 2
changes:
  - op: replace
    path: borrowing_base.components.receivables.advance_rate
    value: 70%
    cite: first-amendment §1(b)
`

// restarted is e served by a new API and web server over the same store
// (nothing kept in memory from before).
func (e *env) restarted(t *testing.T) *env {
	now := func() time.Time { return testNow }
	api, err := httpapi.New(httpapi.Config{Store: e.st, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewServer(Config{API: api, Service: api.Service(), Store: e.st, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	e2 := *e
	e2.api, e2.web = api, w
	e2.srv = httptest.NewServer(w)
	t.Cleanup(e2.srv.Close)
	return &e2
}

// Regression: approved certificates were recomputed under today's terms
// when shown and printed, so the PDF could print figures other than those
// approved next to the stored hash. An amendment recorded after the
// approval (lowering the receivables advance rate from a date before the
// certificate's) changes neither the page's lines nor the PDF's or XLSX's
// figures; the page flags the recomputation's difference and says why.
func TestApprovedCertificateShownAsStored(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(t, "controller@btu.example")
	mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	l := e.signIn(t, "officer@bank.example")
	mustStatus(t, "approve", l.post("/facilities/btu/certificates/1/approve", url.Values{}).StatusCode, http.StatusSeeOther)
	c, err := e.st.Certificate(ctx, 1)
	if err != nil || c.Status != store.Approved {
		t.Fatalf("certificate 1: %v %v", c.Status, err)
	}
	const approved, recomputed = "6,913,323.65", "6,284,662.42"

	_, pdf := l.get("/facilities/btu/certificates/1/certificate.pdf")
	before := pdfText(t, []byte(pdf))
	if n := len(pdfFigures(before)); n < 10 {
		t.Fatalf("the PDF shows %d figures:\n%s", n, before)
	}
	if !strings.Contains(before, approved) || !strings.Contains(before, c.BodySHA256) || !strings.Contains(before, c.ExplanationSHA256) {
		t.Fatalf("the PDF does not show the approved borrowing base and the hashes:\n%s", before)
	}
	_, page := l.get("/facilities/btu/certificates/1")
	if !strings.Contains(page, `id="check"`) || !strings.Contains(page, "give the same figures") {
		t.Errorf("the page's check before the amendment is missing")
	}
	_, xl := l.get("/facilities/btu/certificates/1/certificate.xlsx")
	xlBefore := xlsxValues(t, xl)

	if _, err := e.st.PutDocument(ctx, store.Document{Facility: "btu", ID: "second-amendment.yaml", Kind: app.DocAmendment, Effective: date.MustParse("2004-06-30"),
		RecordedBy: "officer@bank.example", RecordedAt: testNow.Add(time.Hour), Content: []byte(lowerRateAmendment)}); err != nil {
		t.Fatal(err)
	}
	for _, srv := range []*env{e, e.restarted(t)} {
		srv.web.terms.Invalidate("btu")
		l := srv.signIn(t, "officer@bank.example")
		_, pdf := l.get("/facilities/btu/certificates/1/certificate.pdf")
		after := pdfText(t, []byte(pdf))
		if got, want := strings.Join(pdfFigures(after), " "), strings.Join(pdfFigures(before), " "); got != want || strings.Contains(after, recomputed) {
			t.Errorf("the PDF's figures changed with the terms:\n%s\nwant\n%s", got, want)
		}
		if !strings.Contains(after, c.BodySHA256) {
			t.Errorf("the PDF lost the stored hash")
		}
		_, xl := l.get("/facilities/btu/certificates/1/certificate.xlsx")
		if got := xlsxValues(t, xl); got != xlBefore {
			t.Errorf("the XLSX changed with the terms:\n%s\nwant\n%s", got, xlBefore)
		}
		_, page := l.get("/facilities/btu/certificates/1")
		lines := page[strings.Index(page, `<table class="lines"><thead>`):]
		if !strings.Contains(lines, approved) || strings.Contains(lines, recomputed) {
			t.Errorf("the page's lines are not the approved ones")
		}
		check := page[strings.Index(page, `id="check"`):]
		for _, want := range []string{"Recomputed today: " + recomputed, "differs from the approved " + approved, "second-amendment.yaml", "only a check"} {
			if !strings.Contains(check, want) {
				t.Errorf("the page's check does not say %q", want)
			}
		}
		_, line := l.get("/facilities/btu/certificates/1/lines/receivables.advance")
		if !strings.Contains(line, "5,029,289.84") || !strings.Contains(line, "80%") {
			t.Errorf("the line page is not the approved line")
		}
	}
}

// xlsxValues lists the certificate sheet's label and amount columns.
func xlsxValues(t *testing.T, b string) string {
	t.Helper()
	x, err := excelize.OpenReader(strings.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Certificate")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if len(r) > 1 {
			out = append(out, r[0]+"="+r[1])
		}
	}
	return strings.Join(out, "\n")
}

// The submitter sees the warnings on the upload's result; the lender sees
// them on the review page, approves a supersession as such; the borrower
// withdraws a certificate not yet decided.
func TestCertificateWarningsSupersessionWithdrawal(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(t, "controller@btu.example")
	l := e.signIn(t, "officer@bank.example")
	mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	mustStatus(t, "approve", l.post("/facilities/btu/certificates/1/approve", url.Values{}).StatusCode, http.StatusSeeOther)

	// The same files again for the same date: a duplicate that supersedes.
	resp := b.upload("btu", "2004-10-03", e.exampleUpload())
	mustStatus(t, "second upload", resp.StatusCode, http.StatusSeeOther)
	_, page := b.get(resp.Header.Get("Location"))
	for _, want := range []string{"it supersedes certificate 1 once approved as such", "It has 2 warnings", "Warnings when it was submitted",
		`data-code="duplicate"`, `data-code="supersedes"`, "the same three reports as certificate 1", `id="supersedes"`, "Withdraw certificate"} {
		if !strings.Contains(page, want) {
			t.Errorf("the submitter's page does not show %q", want)
		}
	}
	_, review := l.get("/facilities/btu/certificates/2")
	for _, want := range []string{`data-code="duplicate"`, "Approve as superseding certificate 1", `name="supersedes" value="1"`} {
		if !strings.Contains(review, want) {
			t.Errorf("the review page does not show %q", want)
		}
	}
	if strings.Contains(review, "Withdraw certificate") {
		t.Errorf("a lender is offered to withdraw")
	}
	// A plain approval is refused; the one the page offers approves it.
	resp, refused := l.postPage("/facilities/btu/certificates/2/approve", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(refused, "as a supersession") {
		t.Errorf("plain approval of a supersession: %d", resp.StatusCode)
	}
	mustStatus(t, "approve as a supersession", l.post("/facilities/btu/certificates/2/approve", url.Values{"supersedes": {"1"}}).StatusCode, http.StatusSeeOther)
	if got, _ := e.st.CertificateInForce(ctx, "btu", date.MustParse("2004-10-05")); got.ID != 2 {
		t.Errorf("in force: %d, want 2", got.ID)
	}
	if _, old := l.get("/facilities/btu/certificates/1"); !strings.Contains(old, `id="superseded"`) {
		t.Errorf("certificate 1 does not say it is superseded")
	}

	// Withdrawn by the borrower.
	resp = b.upload("btu", "2004-10-04", e.exampleUpload())
	mustStatus(t, "third upload", resp.StatusCode, http.StatusSeeOther)
	resp = b.post("/facilities/btu/certificates/3/withdraw", url.Values{"comment": {"wrong date"}})
	mustStatus(t, "withdraw", resp.StatusCode, http.StatusSeeOther)
	if c, _ := e.st.Certificate(ctx, 3); c.Status != store.Withdrawn || c.Comment != "wrong date" {
		t.Errorf("after withdrawal: %s %q", c.Status, c.Comment)
	}
	_, page = b.get("/facilities/btu/certificates/3")
	if !strings.Contains(page, ">withdrawn<") || !strings.Contains(page, "Why it was withdrawn") || strings.Contains(page, "Withdraw certificate") {
		t.Errorf("the withdrawn certificate's page")
	}
	// Rows dated after the as-of date: refused, the rows named.
	resp, refusedPage := b.postUpload("btu", "2004-09-30", e.exampleUpload())
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(refusedPage, "dated after the as-of date") ||
		!strings.Contains(refusedPage, "receivables.csv:") {
		t.Errorf("rows after the as-of date: %d", resp.StatusCode)
	}
}

// postUpload is upload reading the page answered.
func (c *client) postUpload(slug, asOf string, files map[string][2]string) (*http.Response, string) {
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
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestApprovedCertificateDocumentsVersioned: the PDF and XLSX of an
// approved certificate are the same bytes each time, with a strong ETag
// and Last-Modified (the approval); a conditional GET naming them is
// answered 304. Before the decision they carry no ETag.
func TestApprovedCertificateDocumentsVersioned(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(t, "controller@btu.example")
	mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	l := e.signIn(t, "officer@bank.example")
	for _, f := range []string{"certificate.pdf", "certificate.xlsx"} {
		if resp, _ := l.get("/facilities/btu/certificates/1/" + f); resp.Header.Get("ETag") != "" {
			t.Errorf("%s before the decision: ETag %q", f, resp.Header.Get("ETag"))
		}
	}
	mustStatus(t, "approve", l.post("/facilities/btu/certificates/1/approve", url.Values{}).StatusCode, http.StatusSeeOther)
	for _, f := range []string{"certificate.pdf", "certificate.xlsx"} {
		p := "/facilities/btu/certificates/1/" + f
		r1, b1 := l.get(p)
		r2, b2 := l.get(p)
		etag, mod := r1.Header.Get("ETag"), r1.Header.Get("Last-Modified")
		if r1.StatusCode != 200 || etag == "" || strings.HasPrefix(etag, "W/") || mod == "" || r2.Header.Get("ETag") != etag {
			t.Fatalf("%s: %d ETag %q then %q, Last-Modified %q", f, r1.StatusCode, etag, r2.Header.Get("ETag"), mod)
		}
		if b1 != b2 {
			t.Errorf("%s: two GETs of one version gave different bytes (%d, %d)", f, len(b1), len(b2))
		}
		if r1.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: compressed (%s), yet it is a zip or PDF already", f, r1.Header.Get("Content-Encoding"))
		}
		for _, hdr := range [][2]string{{"If-None-Match", etag}, {"If-Modified-Since", mod}} {
			req, _ := http.NewRequest("GET", e.srv.URL+p, nil)
			req.Header.Set(hdr[0], hdr[1])
			resp, err := l.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("%s with %s: %d, want 304", f, hdr[0], resp.StatusCode)
			}
		}
	}
}
