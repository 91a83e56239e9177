package app

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/date"
	"revolver/store"
)

// TestCertificateAttestation: a submission carries the officer's
// attestation, stored with the certificate: the name and title given and
// the market-standard words where the terms give none, the agreement's
// wording (setting certificate_attestation) where they do; a name or title
// missing is refused and nothing is stored.
func TestCertificateAttestation(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		terms, err := e.terms.TermsAsOf(ctx, "btu", date.MustParse("2004-10-03"))
		if err != nil {
			t.Fatal(err)
		}
		in := e.input("2004-10-03", e.recv)
		for _, a := range []Attester{{Title: "Controller"}, {Name: "Jane Roe", Title: " "}} {
			in.Attestation = &a
			_, _, err := e.svc.SubmitCertificate(ctx, terms, in)
			if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "attestation") {
				t.Errorf("attestation %+v: %v, want it refused", a, err)
			}
		}
		if cs, _ := s.Certificates(ctx, "btu"); len(cs) != 0 {
			t.Fatalf("refused attestations stored %d certificate(s)", len(cs))
		}
		in.Attestation = &Attester{Name: " Jane Roe ", Title: "Controller"}
		c, _, err := e.svc.SubmitCertificate(ctx, terms, in)
		if err != nil {
			t.Fatal(err)
		}
		want := &store.Attestation{Name: "Jane Roe", Title: "Controller", Text: AttestationStandard}
		if got, _ := s.Certificate(ctx, c.ID); !reflect.DeepEqual(got.Attestation, want) {
			t.Errorf("stored attestation %+v, want %+v", got.Attestation, want)
		}
		// The agreement's wording where the terms give it.
		own := *terms
		own.Settings = map[string]agreement.Term[string]{AttestationSetting: {Value: "no Default or Event of Default has occurred and is continuing", Cite: agreement.Cite{Document: "loan-agreement", Section: "§5.1"}}}
		if text, cite := AttestationText(&own); text != "no Default or Event of Default has occurred and is continuing" || cite == "" {
			t.Errorf("the agreement's wording: %q (%q)", text, cite)
		}
		e.now = e.now.Add(60e9)
		in2 := e.input("2004-10-03", e.recv)
		in2.By = "cfo@btu.example" // another submission, not the first again
		in2.Attestation = &Attester{Name: "Jane Roe", Title: "Controller"}
		c2, _, err := e.svc.SubmitCertificate(ctx, &own, in2)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Certificate(ctx, c2.ID); got.Attestation == nil || got.Attestation.Text != "no Default or Event of Default has occurred and is continuing" {
			t.Errorf("stored with the agreement's wording: %+v", got.Attestation)
		}
	})
}

// TestAttestationRequired: where the terms require the attestation
// (setting certificate_attestation_required), a submission without it is
// refused naming the field and nothing is stored; with it, it is
// submitted; a setting that is neither yes nor no is refused.
func TestAttestationRequired(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		terms, err := e.terms.TermsAsOf(ctx, "btu", date.MustParse("2004-10-03"))
		if err != nil {
			t.Fatal(err)
		}
		req := *terms
		req.Settings = map[string]agreement.Term[string]{AttestationRequiredSetting: {Value: "true", Cite: agreement.Cite{Document: "loan-agreement", Section: "§5.1"}}}
		in := e.input("2004-10-03", e.recv)
		_, _, err = e.svc.SubmitCertificate(ctx, &req, in)
		if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "attestation name: required: the terms require") || !strings.Contains(err.Error(), "§5.1") {
			t.Fatalf("without the attestation: %v, want refused citing the terms", err)
		}
		odd := *terms
		odd.Settings = map[string]agreement.Term[string]{AttestationRequiredSetting: {Value: "sometimes"}}
		if _, _, err := e.svc.SubmitCertificate(ctx, &odd, in); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "expected true or false") {
			t.Errorf("an odd setting: %v", err)
		}
		if cs, _ := s.Certificates(ctx, "btu"); len(cs) != 0 {
			t.Fatalf("refused submissions stored %d certificate(s)", len(cs))
		}
		in.Attestation = &Attester{Name: "Jane Roe", Title: "Controller"}
		if _, _, err := e.svc.SubmitCertificate(ctx, &req, in); err != nil {
			t.Fatalf("with the attestation: %v", err)
		}
	})
}
