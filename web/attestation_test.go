package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/app"
)

// uploadWith posts the certificate upload form with fields besides the
// date and the files, and returns the answer and its page.
func (c *client) uploadWith(slug, asOf string, fields map[string]string, files map[string][2]string) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", c.csrf)
	mw.WriteField("as_of", asOf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
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

// TestCertificateAttestationForm: the upload form asks for the officer's
// name and title and shows the words stated (the market standard where
// the terms give none); a title missing is refused beside its field by
// the use case, with the name kept and nothing stored; the certificate
// submitted keeps the attestation (app.Service.SubmitCertificate) and its
// page shows it.
func TestCertificateAttestationForm(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		b := e.signIn(t, "controller@btu.example")
		_, page := b.get("/facilities/btu/certificates")
		for _, want := range []string{`<label for="attestation_name">Name</label>`, `<label for="attestation_title">Title</label>`, "certifies that, as of the certificate date, " + app.AttestationStandard} {
			if !strings.Contains(page, want) {
				t.Fatalf("the upload form has no %q", want)
			}
		}
		resp, page := b.uploadWith("btu", "2004-10-03", map[string]string{"attestation_name": "Jane Roe"}, e.exampleUpload())
		if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="att-title-err">certificate as of 2004-10-03: attestation title: required`) || !strings.Contains(page, `value="Jane Roe"`) {
			t.Errorf("a title missing: %d %s", resp.StatusCode, errorsOf(page))
		}
		if cs, _ := e.st.Certificates(ctx, "btu"); len(cs) != 0 {
			t.Fatalf("a refused attestation stored %d certificate(s)", len(cs))
		}
		resp, _ = b.uploadWith("btu", "2004-10-03", map[string]string{"attestation_name": "Jane Roe", "attestation_title": "Controller"}, e.exampleUpload())
		mustStatus(t, "upload", resp.StatusCode, http.StatusSeeOther)
		cs, err := e.st.Certificates(ctx, "btu")
		if err != nil || len(cs) != 1 {
			t.Fatalf("certificates: %d %v", len(cs), err)
		}
		c, err := e.st.Certificate(ctx, cs[0].ID)
		if err != nil || c.Attestation == nil || c.Attestation.Name != "Jane Roe" || c.Attestation.Title != "Controller" || c.Attestation.Text != app.AttestationStandard {
			t.Fatalf("stored attestation %+v %v", c.Attestation, err)
		}
		_, page = b.get(resp.Header.Get("Location"))
		if !strings.Contains(page, `id="attestation"`) || !strings.Contains(page, `as of <time datetime="2004-10-03">2004-10-03</time>, `+app.AttestationStandard) || !strings.Contains(page, "Jane Roe, Controller") {
			i := strings.Index(page, `id="attestation"`)
			t.Errorf("the certificate page does not show the attestation: %s", page[max(i, 0):min(max(i, 0)+500, len(page))])
		}
	})
}

// attestationRequired is an amendment requiring the officer's attestation
// with every certificate.
const attestationRequired = `revolver: amendment/1
facility: btu-sovereign
id: attestation-required
document: first-amendment
effective: 2004-09-01
order: 1
changes:
  - op: set
    path: settings
    value:
      certificate_attestation_required: "true"
    cite: first-amendment §5.1
`

// TestAttestationRequiredForm: where the terms require the attestation,
// the upload form says so and marks its fields required, and a
// submission without it is refused beside the name by the use case with
// nothing stored.
func TestAttestationRequiredForm(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		files, _ := exampleFiles(t)
		if _, err := e.web.svc.RegisterFacility(ctx, "attest", append(files, agreement.NewFile("2004-09-01-attestation.yaml", []byte(attestationRequired))), app.Settings{}, "setup"); err != nil {
			t.Fatal(err)
		}
		lmaPerformed(t, e.web.svc, "attest")
		b := e.signIn(t, "officer@bank.example")
		_, page := b.get("/facilities/attest/certificates")
		if !strings.Contains(page, `id="att-required"`) || !strings.Contains(page, `name="attestation_name" autocomplete="name" maxlength="200" required`) {
			t.Fatalf("the form does not say the attestation is required")
		}
		if _, page := b.get("/facilities/btu/certificates"); strings.Contains(page, `id="att-required"`) {
			t.Errorf("btu's form says the attestation is required")
		}
		resp, page := b.uploadWith("attest", "2004-10-03", nil, e.exampleUpload())
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(page, `id="att-name-err">certificate as of 2004-10-03: attestation name: required: the terms require`) {
			t.Errorf("without the attestation: %d %s", resp.StatusCode, errorsOf(page))
		}
		if cs, _ := e.st.Certificates(ctx, "attest"); len(cs) != 0 {
			t.Fatalf("a submission without the required attestation stored %d certificate(s)", len(cs))
		}
		resp, _ = b.uploadWith("attest", "2004-10-03", map[string]string{"attestation_name": "Jane Roe", "attestation_title": "Controller"}, e.exampleUpload())
		mustStatus(t, "upload with the attestation", resp.StatusCode, http.StatusSeeOther)
	})
}
