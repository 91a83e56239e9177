package storetest

import (
	"database/sql"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"revolver/store"
)

// testCertificateRecords: the explanation and warnings stored with a
// submission, withdrawal as a forward-only status, the certificate in
// force when one supersedes another, and the transaction's list.
func testCertificateRecords(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")

	// Explanation and warnings are kept with the submission.
	expl := json.RawMessage(`{"tree":{"key":"borrowing_base","label":"Borrowing base","value":"10.00"}}`)
	warn := []store.CertificateWarning{
		{Code: "stale_aging", Message: "the newest invoice is 31 days before the as-of date",
			Figures: []store.WarningFigure{{Name: "newest_invoice", Label: "Newest invoice", Value: "2005-12-31"}, {Name: "days", Label: "Days", Value: "31"}}},
		{Code: "duplicate", Message: "same reports as certificate 1"},
	}
	dr := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "borrower@btu", CreatedAt: t0})).of(t)
	_, err := s.SubmitCertificate(ctx, dr.ID, store.Submission{Body: json.RawMessage(`{}`), Explanation: json.RawMessage(`{"tree":`), By: "b", At: t0})
	wantCode(t, err, store.CodeInvalid) // the explanation must be JSON
	_, err = s.SubmitCertificate(ctx, dr.ID, store.Submission{Body: json.RawMessage(`{}`), Warnings: []store.CertificateWarning{{Code: "x"}}, By: "b", At: t0})
	wantCode(t, err, store.CodeInvalid) // a warning needs a message
	c := must(s.SubmitCertificate(ctx, dr.ID, store.Submission{Body: json.RawMessage(`{"borrowing_base":"10.00"}`), Explanation: expl, Warnings: warn,
		BorrowingBase: amt("10.00"), Inputs: []store.InputContent{{Name: "receivables.csv", Content: []byte("r")}, {Name: "debtors.csv", Content: []byte("d")}},
		By: "borrower@btu", At: t0.Add(time.Minute)})).of(t)
	if string(c.Explanation) != string(expl) || c.ExplanationSHA256 != sha(expl) || !reflect.DeepEqual(c.Warnings, warn) {
		t.Fatalf("submitted: explanation %s (%s), warnings %+v", c.Explanation, c.ExplanationSHA256, c.Warnings)
	}
	if b := must(s.Blob(ctx, c.ExplanationSHA256)).of(t); string(b) != string(expl) {
		t.Errorf("explanation blob = %s", b)
	}
	list := must(s.Certificates(ctx, "f")).of(t)
	if len(list) != 1 || list[0].Body != nil || list[0].Explanation != nil || list[0].ExplanationSHA256 != c.ExplanationSHA256 ||
		!reflect.DeepEqual(list[0].Warnings, warn) || !reflect.DeepEqual(list[0].Inputs, c.Inputs) {
		t.Errorf("Certificates = %+v, want warnings and inputs without body and explanation", list)
	}
	// The attestation is kept with the submission, whole or not at all.
	att := &store.Attestation{Name: "Jane Roe", Title: "Controller", Text: "no Default or Event of Default exists"}
	ad := must(s.CreateCertificate(ctx, store.Certificate{Facility: "g", AsOf: d("2006-01-31"), PreparedBy: "borrower@btu", CreatedAt: t0})).of(t)
	_, err = s.SubmitCertificate(ctx, ad.ID, store.Submission{Body: json.RawMessage(`{}`), Attestation: &store.Attestation{Name: "Jane Roe", Text: "x"}, By: "b", At: t0})
	wantCode(t, err, store.CodeInvalid) // the title is required
	ac := must(s.SubmitCertificate(ctx, ad.ID, store.Submission{Body: json.RawMessage(`{}`), Attestation: att, By: "b", At: t0})).of(t)
	if got := must(s.Certificate(ctx, ac.ID)).of(t); !reflect.DeepEqual(got.Attestation, att) || !reflect.DeepEqual(ac.Attestation, att) {
		t.Errorf("attestation stored %+v, read %+v, want %+v", ac.Attestation, got.Attestation, att)
	}
	if c.Attestation != nil {
		t.Errorf("a submission without attestation reads %+v", c.Attestation)
	}
	plain := submitted(t, s, "f", d("2006-02-28"), amt("20.00"), 0)
	if plain.Warnings != nil || plain.Explanation != nil || plain.ExplanationSHA256 != "" {
		t.Errorf("a submission without explanation or warnings: %+v", plain)
	}

	// Withdrawn: only a submitted certificate, once, and never decided after.
	draft := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-03-31"), PreparedBy: "borrower@btu", CreatedAt: t0})).of(t)
	_, err = s.DecideCertificate(ctx, draft.ID, store.Decision{Status: store.Withdrawn, Reviewer: "borrower@btu", At: t0})
	wantCode(t, err, store.CodeConflict)
	_, err = s.DecideCertificate(ctx, plain.ID, store.Decision{Status: store.Withdrawn, At: t0})
	wantCode(t, err, store.CodeInvalid) // who withdraws is required
	w := must(s.DecideCertificate(ctx, plain.ID, store.Decision{Status: store.Withdrawn, Reviewer: "borrower@btu", Comment: "wrong aging", At: t0.Add(time.Hour)})).of(t)
	if w.Status != store.Withdrawn || w.Reviewer != "borrower@btu" || w.Comment != "wrong aging" || !w.DecidedAt.Equal(store.Truncate(t0.Add(time.Hour))) {
		t.Fatalf("withdrawn = %+v", w)
	}
	for _, st := range []store.CertificateStatus{store.Approved, store.Rejected, store.Withdrawn} {
		_, err = s.DecideCertificate(ctx, plain.ID, store.Decision{Status: st, Reviewer: "lender", Comment: "x", At: t0})
		wantCode(t, err, store.CodeConflict)
	}
	ap := must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(time.Hour)})).of(t)
	_, err = s.DecideCertificate(ctx, ap.ID, store.Decision{Status: store.Withdrawn, Reviewer: "borrower@btu", At: t0})
	wantCode(t, err, store.CodeConflict) // an approved certificate cannot be withdrawn
	if got := must(s.CertificateInForce(ctx, "f", d("2006-02-28"))).of(t); got.ID != c.ID {
		t.Errorf("in force on 2006-02-28 = %d, want %d (the withdrawn one never counts)", got.ID, c.ID)
	}

	// Supersession: the superseding certificate is in force once approved,
	// even when its decision is stamped earlier than the one it supersedes;
	// one withdrawn or rejected supersedes nothing.
	inForce := func(asOf string, want int64) {
		t.Helper()
		got, err := s.CertificateInForce(ctx, "f", d(asOf))
		if err != nil || got.ID != want {
			t.Errorf("CertificateInForce(%s) = %d, %v; want %d", asOf, got.ID, err, want)
		}
		in := must(s.AvailabilityInputs(ctx, "f", d(asOf), t0.Add(1000*time.Hour), false)).of(t)
		if c, found := in.InForce(d(asOf)); !found || c.ID != want || c.BorrowingBase != got.BorrowingBase {
			t.Errorf("AvailabilityInputs(%s) in force = %+v, %v; want %d, %s", asOf, c, found, want, got.BorrowingBase)
		}
	}
	apr := submitted(t, s, "f", d("2006-04-30"), amt("40.00"), 0)
	must(s.DecideCertificate(ctx, apr.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(5 * time.Hour)})).of(t)
	inForce("2006-05-15", apr.ID)
	wd := submitted(t, s, "f", d("2006-04-30"), amt("41.00"), apr.ID)
	must(s.DecideCertificate(ctx, wd.ID, store.Decision{Status: store.Withdrawn, Reviewer: "borrower@btu", At: t0.Add(6 * time.Hour)})).of(t)
	rj := submitted(t, s, "f", d("2006-04-30"), amt("42.00"), apr.ID)
	must(s.DecideCertificate(ctx, rj.ID, store.Decision{Status: store.Rejected, Reviewer: "lender", Comment: "no", At: t0.Add(7 * time.Hour)})).of(t)
	inForce("2006-05-15", apr.ID)
	fix := submitted(t, s, "f", d("2006-04-30"), amt("43.00"), apr.ID)
	inForce("2006-05-15", apr.ID) // submitted, not yet approved
	must(s.DecideCertificate(ctx, fix.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(4 * time.Hour)})).of(t)
	inForce("2006-04-30", fix.ID)
	inForce("2006-05-15", fix.ID)
	inForce("2006-04-29", c.ID)
	fix2 := submitted(t, s, "f", d("2006-04-30"), amt("44.00"), fix.ID)
	must(s.DecideCertificate(ctx, fix2.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(3 * time.Hour)})).of(t)
	inForce("2006-05-15", fix2.ID)

	// Inside an Update: the facility's certificates, including one created
	// in it; another facility's are not listed.
	submitted(t, s, "g", d("2006-01-31"), amt("1.00"), 0)
	want := must(s.Certificates(ctx, "f")).of(t)
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		got, err := tx.Certificates()
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Tx.Certificates = %+v\nwant %+v", got, want)
		}
		n, err := tx.CreateCertificate(store.Certificate{Facility: "f", AsOf: d("2006-05-31"), PreparedBy: "x", CreatedAt: t0})
		if err != nil {
			return err
		}
		if _, err := tx.SubmitCertificate(n.ID, store.Submission{Body: json.RawMessage(`{}`), Warnings: warn[1:], By: "x", At: t0}); err != nil {
			return err
		}
		got, err = tx.Certificates()
		if err != nil {
			return err
		}
		if len(got) != len(want)+1 || got[len(got)-1].ID != n.ID || !reflect.DeepEqual(got[len(got)-1].Warnings, warn[1:]) {
			t.Errorf("Tx.Certificates after a submission in the Update: %+v", got)
		}
		if _, err := tx.DecideCertificate(n.ID, store.Decision{Status: store.Withdrawn, Reviewer: "x", At: t0}); err != nil {
			return err
		}
		return nil
	}))
	if got := must(s.Certificates(ctx, "f")).of(t); got[len(got)-1].Status != store.Withdrawn {
		t.Errorf("withdrawn in an Update: %+v", got[len(got)-1])
	}
}

// CertificatesFrozen checks that the database itself refuses to change a
// submitted certificate's explanation and warnings, and to move a decided
// (withdrawn) certificate again. db is the adapter's connection to the
// same database as s.
func CertificatesFrozen(t *testing.T, s store.Store, db *sql.DB) {
	newFacility(t, s, "f")
	c := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "b", CreatedAt: t0})).of(t)
	c = must(s.SubmitCertificate(ctx, c.ID, store.Submission{Body: json.RawMessage(`{}`), Explanation: json.RawMessage(`{"a":1}`),
		Warnings: []store.CertificateWarning{{Code: "duplicate", Message: "m"}}, By: "b", At: t0})).of(t)
	w := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-02-28"), PreparedBy: "b", CreatedAt: t0})).of(t)
	must(s.SubmitCertificate(ctx, w.ID, store.Submission{Body: json.RawMessage(`{}`), By: "b", At: t0})).of(t)
	must(s.DecideCertificate(ctx, w.ID, store.Decision{Status: store.Withdrawn, Reviewer: "b", At: t0})).of(t)
	for _, q := range []string{
		`UPDATE certificates SET explanation_sha256 = body_sha256`,
		`UPDATE certificates SET warnings = NULL`,
		`UPDATE certificates SET rollforward_sha256 = body_sha256`,
		`UPDATE certificates SET prepared_by = 'someone else'`,
		`UPDATE certificates SET status = 'approved' WHERE status = 'withdrawn'`,
		`UPDATE certificates SET status = 'submitted' WHERE status = 'withdrawn'`,
	} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: accepted, want refused by the database", q)
		}
	}
	got := must(s.Certificate(ctx, c.ID)).of(t)
	if string(got.Explanation) != `{"a":1}` || len(got.Warnings) != 1 || got.PreparedBy != "b" {
		t.Errorf("certificate changed: %+v", got)
	}
	if got := must(s.Certificate(ctx, w.ID)).of(t); got.Status != store.Withdrawn {
		t.Errorf("withdrawn certificate changed: %+v", got)
	}
}
