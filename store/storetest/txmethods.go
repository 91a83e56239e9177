package storetest

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"revolver/store"
)

// testTxMethods: the certificate, financials, pending-action and document
// methods of store.Tx behave as the Store's own inside Update (same
// validation, forward-only status, idempotency and conflict codes), what
// they do is visible to reads in the same Update, another facility's
// records are not_found or invalid, and when the Update's function fails
// nothing they did is kept.
func testTxMethods(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	body := json.RawMessage(`{"borrowing_base":"4200000.00","lines":[1,2]}`)
	input := []byte("debtor_id,invoice_no,amount\nD1,I1,10.00\n")
	sub := store.Submission{Body: body, BorrowingBase: amt("4200000.00"), LCOutstanding: amt("250000.00"), LCReserve: amt("25000.00"),
		Inputs: []store.InputContent{{Name: "receivables.csv", Content: input}}, By: "borrower@btu", At: t0.Add(time.Minute)}
	approve := store.Decision{Status: store.Approved, Reviewer: "lender@bank", Comment: "ok", At: t0.Add(time.Hour)}
	fin := store.Financials{Facility: "f", PeriodEnd: d("2006-03-31"), RecordedAt: t0, SubmittedBy: "cfo@btu", Payload: json.RawMessage(`{"net_worth":"1000.00"}`)}
	doc := store.Document{Facility: "f", ID: "first-amendment", Kind: "amendment", Effective: d("2006-02-01"),
		RecordedBy: "ops@bank", RecordedAt: t0, Content: []byte("FIRST AMENDMENT\n§1 ...\n")}
	pend := store.Pending{Facility: "f", Kind: "amendment", Payload: json.RawMessage(`{"document":"first-amendment"}`), RequestedBy: "ann@bank", RequestedAt: t0}

	// Everything in one Update, each step read back inside it.
	var cert, inForce store.Certificate
	var fin1 store.Financials
	var p1 store.Pending
	var doc1 store.Document
	err := s.Update(ctx, "f", func(tx store.Tx) error {
		c, err := tx.CreateCertificate(store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "borrower@btu", CreatedAt: t0})
		if err != nil {
			return err
		}
		if c.ID == 0 || c.Status != store.Draft || !c.CreatedAt.Equal(store.Truncate(t0)) {
			t.Errorf("tx.CreateCertificate = %+v", c)
		}
		if got, err := tx.Certificate(c.ID); err != nil || got.Status != store.Draft || got.AsOf != d("2006-01-31") || got.PreparedBy != "borrower@btu" {
			t.Errorf("draft read in the transaction: %+v, %v", got, err)
		}
		sc, err := tx.SubmitCertificate(c.ID, sub)
		if err != nil {
			return err
		}
		if sc.Status != store.Submitted || string(sc.Body) != string(body) || sc.BodySHA256 != sha(body) || sc.BorrowingBase != amt("4200000.00") ||
			sc.LCOutstanding != amt("250000.00") || sc.LCReserve != amt("25000.00") || len(sc.Inputs) != 1 || sc.Inputs[0].SHA256 != sha(input) ||
			sc.Inputs[0].Size != int64(len(input)) || sc.SubmittedBy != "borrower@btu" || !sc.SubmittedAt.Equal(store.Truncate(sub.At)) {
			t.Errorf("tx.SubmitCertificate = %+v", sc)
		}
		if got, err := tx.Certificate(c.ID); err != nil || !reflect.DeepEqual(got, sc) {
			t.Errorf("submitted read in the transaction: %+v, %v\nwant %+v", got, err, sc)
		}
		if _, err := tx.CertificateInForce(d("2006-02-01")); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("in force before approval: %v, want not_found", err)
		}
		if cert, err = tx.DecideCertificate(c.ID, approve); err != nil {
			return err
		}
		if cert.Status != store.Approved || cert.Reviewer != "lender@bank" || cert.Comment != "ok" || !cert.DecidedAt.Equal(store.Truncate(approve.At)) ||
			string(cert.Body) != string(body) {
			t.Errorf("tx.DecideCertificate = %+v", cert)
		}
		if inForce, err = tx.CertificateInForce(d("2006-02-01")); err != nil || inForce.ID != c.ID {
			t.Errorf("in force after approval in the transaction: %+v, %v", inForce, err)
		}

		if fin1, err = tx.AddFinancials(fin); err != nil {
			return err
		}
		if fin1.ID == 0 || !fin1.RecordedAt.Equal(store.Truncate(t0)) {
			t.Errorf("tx.AddFinancials = %+v", fin1)
		}

		if p1, err = tx.CreatePending(pend); err != nil {
			return err
		}
		if p1.ID == 0 || p1.Status != store.PendingRequested {
			t.Errorf("tx.CreatePending = %+v", p1)
		}
		if got, err := tx.Pending(p1.ID); err != nil || got.Status != store.PendingRequested || string(got.Payload) != string(pend.Payload) || got.RequestedBy != "ann@bank" {
			t.Errorf("pending read in the transaction: %+v, %v", got, err)
		}
		if p1, err = tx.DecidePending(p1.ID, store.PendingApproved, "bob@bank", "fine", t0.Add(2*time.Hour)); err != nil {
			return err
		}
		if p1.Status != store.PendingApproved || p1.DecidedBy != "bob@bank" || p1.Comment != "fine" || !p1.DecidedAt.Equal(store.Truncate(t0.Add(2*time.Hour))) {
			t.Errorf("tx.DecidePending = %+v", p1)
		}
		if got, err := tx.Pending(p1.ID); err != nil || !reflect.DeepEqual(got, p1) {
			t.Errorf("decided pending read in the transaction: %+v, %v\nwant %+v", got, err, p1)
		}

		var stored bool
		if doc1, stored, err = tx.PutDocument(doc); err != nil {
			return err
		}
		if stored || doc1.SHA256 != sha(doc.Content) || doc1.Size != int64(len(doc.Content)) {
			t.Errorf("tx.PutDocument = %+v, stored %v", doc1, stored)
		}
		again := doc
		again.RecordedAt = t0.Add(time.Hour)
		got, stored, err := tx.PutDocument(again)
		if err != nil || !stored || !got.RecordedAt.Equal(store.Truncate(t0)) || string(got.Content) != string(doc.Content) {
			t.Errorf("same document again in the transaction: %+v, stored %v, %v", got, stored, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}

	// Committed: the Store reads what the transaction saw.
	if got := must(s.Certificate(ctx, cert.ID)).of(t); !reflect.DeepEqual(got, cert) {
		t.Errorf("certificate after commit %+v\nwant %+v", got, cert)
	}
	if got := must(s.CertificateInForce(ctx, "f", d("2006-02-01"))).of(t); got.ID != cert.ID {
		t.Errorf("in force after commit: %d, want %d", got.ID, cert.ID)
	}
	if b := must(s.Blob(ctx, sha(input))).of(t); string(b) != string(input) {
		t.Errorf("input blob = %q", b)
	}
	if h := must(s.FinancialsHistory(ctx, "f", fin.PeriodEnd)).of(t); len(h) != 1 || !reflect.DeepEqual(h[0], fin1) {
		t.Errorf("financials after commit %+v\nwant %+v", h, fin1)
	}
	if got := must(s.Document(ctx, "f", doc.ID)).of(t); string(got.Content) != string(doc.Content) || got.SHA256 != doc1.SHA256 ||
		!got.RecordedAt.Equal(store.Truncate(t0)) || got.Kind != "amendment" || got.Effective != doc.Effective {
		t.Errorf("document after commit %+v", got)
	}
	if got := readPending(t, s, "f", p1.ID); !reflect.DeepEqual(got, p1) {
		t.Errorf("pending after commit %+v\nwant %+v", got, p1)
	}
	// The Store's PutDocument finds the document the transaction stored, and
	// the transaction's finds one the Store stored.
	if got := must(s.PutDocument(ctx, doc)).of(t); !got.RecordedAt.Equal(store.Truncate(t0)) || got.SHA256 != doc1.SHA256 {
		t.Errorf("Store.PutDocument of the transaction's document = %+v", got)
	}
	agreement := store.Document{Facility: "f", ID: "loan-agreement", Kind: "agreement", Effective: d("2004-06-30"),
		RecordedBy: "ops@bank", RecordedAt: t0, Content: []byte("LOAN AGREEMENT\n")}
	must(s.PutDocument(ctx, agreement)).of(t)
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		again := agreement
		again.RecordedAt = t0.Add(time.Hour)
		got, stored, err := tx.PutDocument(again)
		if err == nil && (!stored || !got.RecordedAt.Equal(store.Truncate(t0)) || string(got.Content) != string(agreement.Content)) {
			t.Errorf("tx.PutDocument of the Store's document = %+v, stored %v", got, stored)
		}
		return err
	}))

	// Records the refusals below must leave as they are.
	draft := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-02-28"), PreparedBy: "borrower@btu", CreatedAt: t0})).of(t)
	subm := submitted(t, s, "f", d("2006-03-31"), amt("3900000.00"), 0)
	gCert := submitted(t, s, "g", d("2006-01-31"), amt("100.00"), 0)
	var requested, gPend store.Pending
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		var err error
		requested, err = tx.CreatePending(store.Pending{Facility: "f", Kind: "event_of_default", Payload: json.RawMessage(`{"event":"e1"}`), RequestedBy: "ann@bank", RequestedAt: t0})
		return err
	}))
	ok(t, s.Update(ctx, "g", func(tx store.Tx) error {
		var err error
		gPend, err = tx.CreatePending(store.Pending{Facility: "g", Kind: "waiver", Payload: json.RawMessage(`{}`), RequestedBy: "ann@bank", RequestedAt: t0})
		return err
	}))
	snap := takeTxSnapshot(t, s, "f")

	// Refusals: the Store's codes, and another facility's records.
	other := doc
	other.Content = []byte("tampered")
	badFin := fin
	badFin.Payload = json.RawMessage(`{`)
	noBy := fin
	noBy.SubmittedBy = ""
	for _, tc := range []struct {
		name string
		code string
		fn   func(tx store.Tx) error
	}{
		{"create certificate without preparer", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.CreateCertificate(store.Certificate{Facility: "f", AsOf: d("2006-01-31"), CreatedAt: t0})
			return err
		}},
		{"create certificate without as-of date", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.CreateCertificate(store.Certificate{Facility: "f", PreparedBy: "x", CreatedAt: t0})
			return err
		}},
		{"create certificate already submitted", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.CreateCertificate(store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "x", CreatedAt: t0, Status: store.Submitted})
			return err
		}},
		{"create certificate of another facility", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.CreateCertificate(store.Certificate{Facility: "g", AsOf: d("2006-01-31"), PreparedBy: "x", CreatedAt: t0})
			return err
		}},
		{"create certificate superseding another facility's", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.CreateCertificate(store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "x", CreatedAt: t0, Supersedes: gCert.ID})
			return err
		}},
		{"create certificate superseding none", store.CodeNotFound, func(tx store.Tx) error {
			_, err := tx.CreateCertificate(store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "x", CreatedAt: t0, Supersedes: 999999})
			return err
		}},
		{"read another facility's certificate", store.CodeNotFound, func(tx store.Tx) error { _, err := tx.Certificate(gCert.ID); return err }},
		{"read no certificate", store.CodeNotFound, func(tx store.Tx) error { _, err := tx.Certificate(999999); return err }},
		{"submit a submitted certificate", store.CodeConflict, func(tx store.Tx) error { _, err := tx.SubmitCertificate(subm.ID, sub); return err }},
		{"submit an approved certificate", store.CodeConflict, func(tx store.Tx) error { _, err := tx.SubmitCertificate(cert.ID, sub); return err }},
		{"submit invalid JSON", store.CodeInvalid, func(tx store.Tx) error {
			bad := sub
			bad.Body = json.RawMessage(`{"a":`)
			_, err := tx.SubmitCertificate(draft.ID, bad)
			return err
		}},
		{"submit without submitter", store.CodeInvalid, func(tx store.Tx) error {
			bad := sub
			bad.By = ""
			_, err := tx.SubmitCertificate(draft.ID, bad)
			return err
		}},
		{"submit an unnamed input", store.CodeInvalid, func(tx store.Tx) error {
			bad := sub
			bad.Inputs = []store.InputContent{{Content: []byte("x")}}
			_, err := tx.SubmitCertificate(draft.ID, bad)
			return err
		}},
		{"submit another facility's certificate", store.CodeNotFound, func(tx store.Tx) error { _, err := tx.SubmitCertificate(gCert.ID, sub); return err }},
		{"submit no certificate", store.CodeNotFound, func(tx store.Tx) error { _, err := tx.SubmitCertificate(999999, sub); return err }},
		{"approve a draft", store.CodeConflict, func(tx store.Tx) error { _, err := tx.DecideCertificate(draft.ID, approve); return err }},
		{"approve an approved certificate", store.CodeConflict, func(tx store.Tx) error { _, err := tx.DecideCertificate(cert.ID, approve); return err }},
		{"reject an approved certificate", store.CodeConflict, func(tx store.Tx) error {
			_, err := tx.DecideCertificate(cert.ID, store.Decision{Status: store.Rejected, Reviewer: "lender", Comment: "no", At: t0})
			return err
		}},
		{"reject without a comment", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.DecideCertificate(subm.ID, store.Decision{Status: store.Rejected, Reviewer: "lender", At: t0})
			return err
		}},
		{"decide back to draft", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.DecideCertificate(subm.ID, store.Decision{Status: store.Draft, Reviewer: "lender", At: t0})
			return err
		}},
		{"decide without reviewer", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.DecideCertificate(subm.ID, store.Decision{Status: store.Approved, At: t0})
			return err
		}},
		{"decide another facility's certificate", store.CodeNotFound, func(tx store.Tx) error { _, err := tx.DecideCertificate(gCert.ID, approve); return err }},
		{"financials with invalid JSON", store.CodeInvalid, func(tx store.Tx) error { _, err := tx.AddFinancials(badFin); return err }},
		{"financials without submitter", store.CodeInvalid, func(tx store.Tx) error { _, err := tx.AddFinancials(noBy); return err }},
		{"financials of another facility", store.CodeInvalid, func(tx store.Tx) error {
			g := fin
			g.Facility = "g"
			_, err := tx.AddFinancials(g)
			return err
		}},
		{"pending of another facility", store.CodeInvalid, func(tx store.Tx) error {
			g := pend
			g.Facility = "g"
			_, err := tx.CreatePending(g)
			return err
		}},
		{"read another facility's pending", store.CodeNotFound, func(tx store.Tx) error { _, err := tx.Pending(gPend.ID); return err }},
		{"read no pending", store.CodeNotFound, func(tx store.Tx) error { _, err := tx.Pending(999999); return err }},
		{"approve an approved pending", store.CodeConflict, func(tx store.Tx) error {
			_, err := tx.DecidePending(p1.ID, store.PendingApproved, "bob@bank", "", t0)
			return err
		}},
		{"reject an approved pending", store.CodeConflict, func(tx store.Tx) error {
			_, err := tx.DecidePending(p1.ID, store.PendingRejected, "bob@bank", "", t0)
			return err
		}},
		{"decide pending as maybe", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.DecidePending(requested.ID, "maybe", "bob@bank", "", t0)
			return err
		}},
		{"decide pending back to requested", store.CodeInvalid, func(tx store.Tx) error {
			_, err := tx.DecidePending(requested.ID, store.PendingRequested, "bob@bank", "", t0)
			return err
		}},
		{"decide another facility's pending", store.CodeNotFound, func(tx store.Tx) error {
			_, err := tx.DecidePending(gPend.ID, store.PendingApproved, "bob@bank", "", t0)
			return err
		}},
		{"document with other content", store.CodeConflict, func(tx store.Tx) error { _, _, err := tx.PutDocument(other); return err }},
		{"document without kind", store.CodeInvalid, func(tx store.Tx) error {
			_, _, err := tx.PutDocument(store.Document{Facility: "f", ID: "x", RecordedBy: "a", RecordedAt: t0})
			return err
		}},
		{"document of another facility", store.CodeInvalid, func(tx store.Tx) error {
			g := doc
			g.Facility = "g"
			_, _, err := tx.PutDocument(g)
			return err
		}},
	} {
		err := s.Update(ctx, "f", tc.fn)
		if got := store.ErrorCode(err); got != tc.code {
			t.Errorf("%s: error %v: code %q, want %q", tc.name, err, got, tc.code)
		}
	}
	if got := takeTxSnapshot(t, s, "f"); !reflect.DeepEqual(got, snap) {
		t.Errorf("refused calls changed the facility:\n%+v\nwant\n%+v", got, snap)
	}
	if got := must(s.Certificate(ctx, gCert.ID)).of(t); got.Status != store.Submitted {
		t.Errorf("another facility's certificate is %s after refused calls", got.Status)
	}
	if got := readPending(t, s, "g", gPend.ID); got.Status != store.PendingRequested {
		t.Errorf("another facility's pending action is %s after refused calls", got.Status)
	}

	// A failed Update keeps nothing: new records, moves of existing ones and
	// blobs, whether the function fails on its own or with a store error.
	abandon := errors.New("abandon")
	for _, mode := range []string{"own error", "store error"} {
		var newCert, newPend int64
		rbInput := []byte("rolled back input, " + mode)
		rbBody := json.RawMessage(`{"rolled_back":"` + mode + `"}`)
		rbDoc := store.Document{Facility: "f", ID: "rolled-back " + mode, Kind: "amendment", Effective: d("2006-04-01"),
			RecordedBy: "ops@bank", RecordedAt: t0, Content: []byte("never kept, " + mode)}
		err := s.Update(ctx, "f", func(tx store.Tx) error {
			c, err := tx.CreateCertificate(store.Certificate{Facility: "f", AsOf: d("2006-04-30"), PreparedBy: "x", CreatedAt: t0, Supersedes: cert.ID})
			if err != nil {
				return err
			}
			newCert = c.ID
			rb := sub
			rb.Body, rb.Inputs = rbBody, []store.InputContent{{Name: "receivables.csv", Content: rbInput}}
			if _, err := tx.SubmitCertificate(c.ID, rb); err != nil {
				return err
			}
			if _, err := tx.DecideCertificate(c.ID, approve); err != nil {
				return err
			}
			if _, err := tx.SubmitCertificate(draft.ID, sub); err != nil {
				return err
			}
			if _, err := tx.DecideCertificate(subm.ID, approve); err != nil {
				return err
			}
			if got, err := tx.CertificateInForce(d("2006-05-01")); err != nil || got.ID != c.ID {
				t.Errorf("%s: in force in the transaction: %+v, %v", mode, got, err)
			}
			if _, err := tx.AddFinancials(store.Financials{Facility: "f", PeriodEnd: d("2006-06-30"), RecordedAt: t0, SubmittedBy: "cfo@btu", Payload: json.RawMessage(`{}`)}); err != nil {
				return err
			}
			if _, err := tx.AddFinancials(fin); err != nil { // a restatement of a stored period
				return err
			}
			p, err := tx.CreatePending(pend)
			if err != nil {
				return err
			}
			newPend = p.ID
			if _, err := tx.DecidePending(p.ID, store.PendingRejected, "bob@bank", "no", t0); err != nil {
				return err
			}
			if _, err := tx.DecidePending(requested.ID, store.PendingApproved, "bob@bank", "", t0); err != nil {
				return err
			}
			if _, _, err := tx.PutDocument(rbDoc); err != nil {
				return err
			}
			if mode == "store error" {
				_, err := tx.DecideCertificate(cert.ID, approve) // conflict: already approved
				return err
			}
			return abandon
		})
		if mode == "own error" && !errors.Is(err, abandon) {
			t.Errorf("%s: Update = %v, want the function's error", mode, err)
		}
		if mode == "store error" && store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("%s: Update = %v, want conflict", mode, err)
		}
		if newCert == 0 || newPend == 0 {
			t.Fatalf("%s: the transaction did not get as far as expected (certificate %d, pending %d)", mode, newCert, newPend)
		}
		if got := takeTxSnapshot(t, s, "f"); !reflect.DeepEqual(got, snap) {
			t.Errorf("%s: a failed Update changed the facility:\n%+v\nwant\n%+v", mode, got, snap)
		}
		if _, err := s.Certificate(ctx, newCert); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("%s: certificate %d created in a failed Update: %v, want not_found", mode, newCert, err)
		}
		if got := must(s.CertificateInForce(ctx, "f", d("2006-05-01"))).of(t); got.ID != cert.ID {
			t.Errorf("%s: in force after a failed Update: %d, want %d", mode, got.ID, cert.ID)
		}
		for _, b := range [][]byte{rbInput, rbBody} {
			if _, err := s.Blob(ctx, sha(b)); store.ErrorCode(err) != store.CodeNotFound {
				t.Errorf("%s: blob %q of a failed Update: %v, want not_found", mode, b, err)
			}
		}
		if _, err := s.Document(ctx, "f", rbDoc.ID); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("%s: document of a failed Update: %v, want not_found", mode, err)
		}
		if _, err := s.Blob(ctx, sha(rbDoc.Content)); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("%s: document content of a failed Update: %v, want not_found", mode, err)
		}
		err = s.Update(ctx, "f", func(tx store.Tx) error { _, err := tx.Pending(newPend); return err })
		if store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("%s: pending action %d of a failed Update: %v, want not_found", mode, newPend, err)
		}
		if a, isAccounts := s.(store.Accounts); isAccounts {
			if _, err := a.Pending(ctx, newPend); store.ErrorCode(err) != store.CodeNotFound {
				t.Errorf("%s: Accounts.Pending(%d) of a failed Update: %v, want not_found", mode, newPend, err)
			}
		}
	}

	// After the failed Updates, the moves they made can be made for real.
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		c, err := tx.DecideCertificate(subm.ID, store.Decision{Status: store.Rejected, Reviewer: "lender", Comment: "aging wrong", At: t0})
		if err == nil && c.Status != store.Rejected {
			t.Errorf("reject after failed Updates: %+v", c)
		}
		if err != nil {
			return err
		}
		p, err := tx.DecidePending(requested.ID, store.PendingRejected, "bob@bank", "no", t0)
		if err == nil && p.Status != store.PendingRejected {
			t.Errorf("reject pending after failed Updates: %+v", p)
		}
		return err
	}))
	if got := must(s.Certificate(ctx, subm.ID)).of(t); got.Status != store.Rejected || got.Comment != "aging wrong" {
		t.Errorf("rejected certificate read back: %+v", got)
	}
	if got := readPending(t, s, "f", requested.ID); got.Status != store.PendingRejected || got.DecidedBy != "bob@bank" {
		t.Errorf("rejected pending read back: %+v", got)
	}
}

// txSnapshot is what testTxMethods compares before and after refused or
// failed Updates.
type txSnapshot struct {
	Certificates []store.Certificate
	Bodies       map[int64]store.Certificate
	Financials   []store.Financials
	Documents    []store.Document
	Pending      []store.Pending
}

func takeTxSnapshot(t TB, s store.Store, facility string) txSnapshot {
	t.Helper()
	var snap txSnapshot
	snap.Certificates = must(s.Certificates(ctx, facility)).of(t)
	snap.Bodies = map[int64]store.Certificate{}
	for _, c := range snap.Certificates {
		snap.Bodies[c.ID] = must(s.Certificate(ctx, c.ID)).of(t)
	}
	snap.Financials = must(s.FinancialsAsKnown(ctx, facility, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))).of(t)
	snap.Documents = must(s.Documents(ctx, facility)).of(t)
	if a, isAccounts := s.(store.Accounts); isAccounts {
		snap.Pending = must(a.PendingList(ctx, facility)).of(t)
	}
	return snap
}

// readPending reads a pending action through a read-only Update, so the
// suite needs no store.Accounts.
func readPending(t TB, s store.Store, facility string, id int64) store.Pending {
	t.Helper()
	var p store.Pending
	ok(t, s.Update(ctx, facility, func(tx store.Tx) error {
		var err error
		p, err = tx.Pending(id)
		return err
	}))
	return p
}
