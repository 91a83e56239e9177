package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"revolver/certpdf"
	"revolver/date"
	"revolver/store"
)

// The certificate's PDF prints, once approved, the loans, letters of
// credit and availability on its date as the one rule gives them as known
// when it was approved, with the attestation and the signature block; a
// certificate not yet approved says they come with the approval. The same
// certificate prints the same bytes, from a restarted server too.
func TestCertificatePDFPosition(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(t, "controller@btu.example")
	mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	l := e.signIn(t, "officer@bank.example")
	_, pdf := l.get("/facilities/btu/certificates/1/certificate.pdf")
	if s := pdfText(t, []byte(pdf)); !strings.Contains(s, "printed once a lender approves it") || strings.Contains(s, "Loans outstanding") {
		t.Errorf("submitted certificate's PDF:\n%s", s)
	}
	mustStatus(t, "approve", l.post("/facilities/btu/certificates/1/approve", url.Values{}).StatusCode, http.StatusSeeOther)
	c, err := e.st.Certificate(ctx, 1)
	if err != nil || c.Status != store.Approved {
		t.Fatalf("certificate 1: %v %v", c.Status, err)
	}
	a, err := e.web.svc.Availability(ctx, "btu", c.AsOf, c.DecidedAt)
	if err != nil || a.Certificate == nil || a.Certificate.ID != 1 {
		t.Fatalf("availability on %s as known at approval: %+v %v", c.AsOf, a.Certificate, err)
	}
	_, pdf = l.get("/facilities/btu/certificates/1/certificate.pdf")
	pages, err := certpdf.PageTexts([]byte(pdf))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Join(pages, "\n")
	for _, want := range []string{
		"Loans outstanding\n" + a.LoansOutstanding.Grouped(),
		"Letters of credit outstanding\n" + a.LettersOfCredit.Outstanding.Grouped(),
		"Commitment\n" + a.Commitment.Grouped(),
		"Availability\n" + a.Available.Grouped(),
		"Signature:", "Title:", "no Default or Event of Default exists",
	} {
		if !strings.Contains(pdfText(t, []byte(pdf)), want) {
			t.Errorf("the PDF does not show %q:\n%s", want, s)
		}
	}
	for i, p := range pages {
		if strings.Contains(p, "The undersigned officer") != strings.Contains(p, "Signature:") {
			t.Errorf("page %d has the attestation or the signature block without the other", i+1)
		}
	}
	_, again := e.restarted(t).signIn(t, "officer@bank.example").get("/facilities/btu/certificates/1/certificate.pdf")
	if again != pdf {
		t.Error("the same certificate printed other bytes from a restarted server")
	}
}

// The compliance certificate of a period prints the covenant engine's
// results of that period as the covenants page shows them (actual,
// required, headroom, result) with the statement figures used, the same
// bytes twice.
func TestCompliancePDF(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	l := e.signIn(t, "officer@bank.example")
	const path = "/facilities/btu/covenants/compliance.pdf?as_known_on=2006-10-01&period=2006-07-02"
	resp, pdf := l.get(path)
	mustStatus(t, "compliance.pdf", resp.StatusCode, http.StatusOK)
	if _, again := l.get(path); again != pdf {
		t.Error("the compliance certificate printed other bytes twice")
	}
	knownAt, err := e.web.svc.EndOfBusiness(ctx, date.MustParse("2006-10-01"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.web.covenants(ctx, "btu", knownAt)
	if err != nil {
		t.Fatal(err)
	}
	s := pdfText(t, []byte(pdf))
	n := 0
	for _, ts := range res.Tests {
		if ts.PeriodEnd != date.MustParse("2006-07-02") {
			continue
		}
		n++
		for _, want := range []string{ts.Label, certpdf.Figure(ts.Actual.String()), certpdf.Figure(ts.Required.String()), certpdf.Figure(ts.Headroom.String()), certpdf.Result(ts)} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: the PDF does not show %q:\n%s", ts.Covenant, want, s)
			}
		}
		if st := ts.Statement; st != nil {
			for k, v := range st.Lines {
				if !strings.Contains(s, strings.ReplaceAll(k, "_", " ")+"\n"+certpdf.Figure(v.String())) {
					t.Errorf("the PDF does not show the statement's %s %s", k, v)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no covenant test of the period ending 2006-07-02")
	}
	for _, want := range []string{"Signature:", "Title:", "Date:", "The undersigned officer"} {
		if !strings.Contains(s, want) {
			t.Errorf("the PDF does not show %q", want)
		}
	}
	resp, _ = l.get("/facilities/btu/covenants/compliance.pdf?period=2001-01-01")
	mustStatus(t, "compliance.pdf of a period without tests", resp.StatusCode, http.StatusNotFound)
}
