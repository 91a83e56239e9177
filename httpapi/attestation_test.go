package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/app"
	"revolver/store"
)

// TestCertificateAttestation: the upload takes the officer's attestation
// (attestation_name, attestation_title) to the use case: a title missing
// is refused naming it, and the certificate submitted answers with the
// attestation stored, in the market-standard words where the terms give
// none.
func TestCertificateAttestation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		borrower := e.email[store.RoleBorrower]
		r := e.do(borrower, e.certificateUpload(own, "2004-10-04", map[string]string{"attestation_name": "Jane Roe"}))
		if r.status != 400 && r.status != 422 || !strings.Contains(string(r.body), "attestation title: required") {
			t.Fatalf("a title missing: %d %s", r.status, r.body)
		}
		r = e.do(borrower, e.certificateUpload(own, "2004-10-04", map[string]string{"attestation_name": "Jane Roe", "attestation_title": "Controller"}))
		if r.status != 201 {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		att, _ := r.json(t)["attestation"].(map[string]any)
		if att["name"] != "Jane Roe" || att["title"] != "Controller" || att["text"] != app.AttestationStandard {
			t.Errorf("attestation answered: %v (%s)", att, r.body)
		}
	})
}

// TestAttestationRequired: where the terms require the attestation
// (setting certificate_attestation_required), an upload without it is
// refused naming the field, and one with it is submitted.
func TestAttestationRequired(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		ctx := context.Background()
		req := agreement.NewFile("2004-09-01-attestation.yaml", []byte(`revolver: amendment/1
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
`))
		if _, err := e.svc.RegisterFacility(ctx, "attest", append(agreementFiles(t), req), app.Settings{}, "setup"); err != nil {
			t.Fatal(err)
		}
		lmaPerformed(t, e.svc, "attest")
		officer := e.email[store.RoleLenderOfficer]
		r := e.do(officer, e.certificateUpload("attest", "2004-10-04", nil))
		if r.status != 422 && r.status != 400 || !strings.Contains(string(r.body), "attestation name: required: the terms require") {
			t.Fatalf("without the attestation: %d %s", r.status, r.body)
		}
		if cs, _ := e.st.Certificates(ctx, "attest"); len(cs) != 0 {
			t.Fatalf("stored %d certificate(s)", len(cs))
		}
		r = e.do(officer, e.certificateUpload("attest", "2004-10-04", map[string]string{"attestation_name": "Jane Roe", "attestation_title": "Controller"}))
		if r.status != 201 {
			t.Fatalf("with the attestation: %d %s", r.status, r.body)
		}
	})
}
