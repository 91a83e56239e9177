package httpapi_test

import (
	"strings"
	"testing"

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
