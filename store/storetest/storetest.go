// Package storetest is the conformance suite every store adapter must pass:
// Run(t, open) exercises facilities, documents, certificates, financial
// statements, base rates, business dates, the loan account, advance
// requests, overadvances, fact records and the close-of-business accrual
// state, checking the accounting invariants after every ledger operation,
// idempotency, forward-only status, that rejected commands change nothing
// and that concurrent Updates of one facility run one after the other.
// RunAccounts does the same for store.Accounts; AppendOnly and
// FactsAppendOnly check that the database itself refuses edits; Kill9 that
// a killed process loses no acknowledged commit.
//
// The suite tests the store contract and nothing above it, so it imports
// only package store and the packages the store interface is written in:
// ledger (transactions, postings, balances, rate points, and the ledger
// constructors that build them), money and date. The allowed list is
// allowedImports in imports_test.go, which fails when the suite imports any
// other revolver package. Scenarios that drive the use cases (advances
// within availability, close of business, interest adjustments,
// collections, property tests against a model ledger) are app's own suite,
// app/apptest, run against both stores.
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Run runs the suite. open returns a new, empty store for each subtest; it
// should close the store when the test ends (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Facilities", testFacilities},
		{"FacilityVersions", testFacilityVersions},
		{"Documents", testDocuments},
		{"Certificates", testCertificates},
		{"CertificateJournals", testCertificateJournals},
		{"CertificateRecords", testCertificateRecords},
		{"Receivables", testReceivables},
		{"CertificateSummaries", testCertificateSummaries},
		{"Financials", testFinancials},
		{"Rates", testRates},
		{"BusinessDates", testBusinessDates},
		{"Ledger", testLedger},
		{"Idempotency", testIdempotency},
		{"Rejected", testRejected},
		{"Batch", testBatch},
		{"SerialisedUpdates", testSerialisedUpdates},
		{"AdvanceRequestRecords", testAdvanceRequestRecords},
		{"AvailabilityInputs", testAvailabilityInputs},
		{"AdvanceRequestsOn", testAdvanceRequestsOn},
		{"Overadvances", testOveradvances},
		{"TxMethods", testTxMethods},
		{"FactRecords", testFactRecords},
		{"AccrualState", testAccrualState},
		{"AccrualRace", testAccrualRace},
		{"AccrualCarried", testAccrualCarried},
		{"Pages", testPages},
		{"LoanNotices", testLoanNotices},
		{"ElectionFacilities", testElectionFacilities},
		{"LastOut", testLastOut},
		{"ReserveRecords", testReserveRecords},
		{"CashImports", testCashImports},
		{"UpdateFacilities", testUpdateFacilities},
		{"Triggers", testTriggers},
		{"ReportMaps", testReportMaps},
		{"RiskRatings", testRiskRatings},
		{"FieldExams", testFieldExams},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

var (
	ctx = context.Background()
	t0  = time.Date(2006, 1, 2, 15, 4, 5, 123456789, time.UTC)
)

func d(s string) date.Date { return date.MustParse(s) }

func amt(s string) money.Amount {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// must(v, err).of(t) is v, or fails t with err.
func must[T any](v T, err error) result[T] { return result[T]{v, err} }

type result[T any] struct {
	v   T
	err error
}

func (r result[T]) of(t TB) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

func ok(t TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err carries code.
func wantCode(t TB, err error, code string) {
	t.Helper()
	if got := store.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func newFacility(t TB, s store.Store, slug string) {
	t.Helper()
	must(s.CreateFacility(ctx, store.Facility{Slug: slug, Name: "Facility " + slug, Created: t0,
		Settings: json.RawMessage(`{"maker_checker_threshold":"250000.00"}`)})).of(t)
}

// CheckInvariants checks a facility's ledger and returns its transactions:
// every transaction has two or more postings and sums to zero; the store's
// balances equal the sum of its postings on every value date that occurs
// (and the day before) and at the end of time.
func CheckInvariants(t TB, s store.Store, facility string) []ledger.Transaction {
	t.Helper()
	txs := must(s.Transactions(ctx, facility)).of(t)
	dates := map[date.Date]bool{date.Max: true}
	for i := range txs {
		tr := &txs[i]
		if len(tr.Postings) < 2 {
			t.Fatalf("transaction %d has %d postings", tr.ID, len(tr.Postings))
		}
		if tr.Sum() != 0 {
			t.Fatalf("transaction %d sums to %s", tr.ID, tr.Sum())
		}
		if i > 0 && txs[i-1].ID >= tr.ID {
			t.Fatalf("transactions not in id order: %d then %d", txs[i-1].ID, tr.ID)
		}
		dates[tr.ValueDate] = true
		dates[tr.ValueDate-1] = true
	}
	for day := range dates {
		got := must(s.Balances(ctx, facility, day)).of(t)
		want := ledger.BalancesAsOf(txs, day)
		for a, v := range want {
			if v == 0 {
				delete(want, a)
			}
		}
		if len(got) != len(want) || !reflect.DeepEqual(got, want) {
			if !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("balances as of %s = %v, sum of postings = %v", day, got, want)
			}
		}
		if got.Total() != 0 {
			t.Fatalf("balances as of %s total %s, want 0", day, got.Total())
		}
		// Availability's running balances agree with the postings.
		in := must(s.AvailabilityInputs(ctx, facility, day, store.Everything, false)).of(t)
		for _, a := range store.AvailabilityAccounts {
			if in.Balances[a] != want[a] {
				t.Fatalf("availability's %s balance as of %s = %s, sum of postings = %s", a, day, in.Balances[a], want[a])
			}
		}
	}
	return txs
}

func testFacilities(t *testing.T, s store.Store) {
	newFacility(t, s, "btu-sovereign")
	newFacility(t, s, "acme")
	_, err := s.CreateFacility(ctx, store.Facility{Slug: "btu-sovereign", Name: "again", Created: t0})
	wantCode(t, err, store.CodeConflict)
	for _, bad := range []store.Facility{
		{Slug: "BTU", Name: "x", Created: t0},
		{Slug: "", Name: "x", Created: t0},
		{Slug: "ok", Name: "", Created: t0},
		{Slug: "ok", Name: "x"},
		{Slug: "ok", Name: "x", Created: t0, Settings: json.RawMessage(`{`)},
	} {
		_, err := s.CreateFacility(ctx, bad)
		wantCode(t, err, store.CodeInvalid)
	}
	f := must(s.Facility(ctx, "btu-sovereign")).of(t)
	if f.Name != "Facility btu-sovereign" || !f.Created.Equal(store.Truncate(t0)) || string(f.Settings) != `{"maker_checker_threshold":"250000.00"}` {
		t.Errorf("Facility = %+v", f)
	}
	_, err = s.Facility(ctx, "nope")
	wantCode(t, err, store.CodeNotFound)
	list := must(s.Facilities(ctx)).of(t)
	if len(list) != 2 || list[0].Slug != "acme" || list[1].Slug != "btu-sovereign" {
		t.Errorf("Facilities = %+v, want acme, btu-sovereign", list)
	}
	ok(t, s.UpdateFacilitySettings(ctx, "acme", json.RawMessage(`{"maker_checker_threshold":"1.00"}`)))
	if f := must(s.Facility(ctx, "acme")).of(t); string(f.Settings) != `{"maker_checker_threshold":"1.00"}` {
		t.Errorf("settings = %s", f.Settings)
	}
	wantCode(t, s.UpdateFacilitySettings(ctx, "nope", nil), store.CodeNotFound)

	many := []store.Facility{{Slug: "m1", Name: "M1", Created: t0}, {Slug: "m2", Name: "M2", Created: t0}}
	ok(t, s.CreateFacilities(ctx, many))
	wantCode(t, s.CreateFacilities(ctx, []store.Facility{{Slug: "m3", Name: "M3", Created: t0}, {Slug: "m3", Name: "M3", Created: t0}}), store.CodeInvalid)
	wantCode(t, s.CreateFacilities(ctx, []store.Facility{{Slug: "m4", Name: "M4", Created: t0}, {Slug: "m1", Name: "M1", Created: t0}}), store.CodeConflict)
	if list := must(s.Facilities(ctx)).of(t); len(list) != 4 {
		t.Errorf("after bulk creation %d facilities, want 4 (m4 must not exist)", len(list))
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func testDocuments(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	content := []byte("LOAN AGREEMENT\n§2.1 Borrowing Base ...\n")
	doc := store.Document{Facility: "f", ID: "loan-agreement", Kind: "agreement", Effective: d("2004-06-30"),
		RecordedBy: "ops@bank", RecordedAt: t0, Content: content}
	got := must(s.PutDocument(ctx, doc)).of(t)
	if got.SHA256 != sha(content) || got.Size != int64(len(content)) {
		t.Errorf("PutDocument sha %s size %d, want %s %d", got.SHA256, got.Size, sha(content), len(content))
	}
	again := doc
	again.RecordedAt = t0.Add(time.Hour)
	if g := must(s.PutDocument(ctx, again)).of(t); !g.RecordedAt.Equal(store.Truncate(t0)) {
		t.Errorf("re-put returned recorded at %v, want the first %v", g.RecordedAt, store.Truncate(t0))
	}
	other := doc
	other.Content = []byte("tampered")
	_, err := s.PutDocument(ctx, other)
	wantCode(t, err, store.CodeConflict)
	amend := store.Document{Facility: "f", ID: "first-amendment", Kind: "amendment", Effective: d("2005-03-01"),
		RecordedBy: "ops@bank", RecordedAt: t0.Add(2 * time.Hour), Content: []byte{}}
	must(s.PutDocument(ctx, amend)).of(t)

	g := must(s.Document(ctx, "f", "loan-agreement")).of(t)
	if string(g.Content) != string(content) || g.Kind != "agreement" || g.Effective != d("2004-06-30") || g.RecordedBy != "ops@bank" {
		t.Errorf("Document = %+v", g)
	}
	if b := must(s.Blob(ctx, g.SHA256)).of(t); string(b) != string(content) {
		t.Errorf("Blob = %q", b)
	}
	list := must(s.Documents(ctx, "f")).of(t)
	if len(list) != 2 || list[0].ID != "loan-agreement" || list[1].ID != "first-amendment" || list[1].Size != 0 || list[0].Content != nil {
		t.Errorf("Documents = %+v", list)
	}
	_, err = s.Document(ctx, "f", "nope")
	wantCode(t, err, store.CodeNotFound)
	_, err = s.PutDocument(ctx, store.Document{Facility: "nope", ID: "x", Kind: "k", RecordedBy: "a", RecordedAt: t0})
	wantCode(t, err, store.CodeNotFound)
	_, err = s.PutDocument(ctx, store.Document{Facility: "f", ID: "x", Kind: "k", RecordedAt: t0})
	wantCode(t, err, store.CodeInvalid)
	// Many at once: all or none.
	newFacility(t, s, "g")
	bulk := []store.Document{
		{Facility: "g", ID: "loan-agreement", Kind: "agreement", Effective: d("2004-06-30"), RecordedBy: "ops@bank", RecordedAt: t0, Content: content},
		{Facility: "g", ID: "first-amendment", Kind: "amendment", Effective: d("2005-03-01"), RecordedBy: "ops@bank", RecordedAt: t0, Content: []byte("amended")},
		{Facility: "f", ID: "loan-agreement", Kind: "agreement", Effective: d("2004-06-30"), RecordedBy: "ops@bank", RecordedAt: t0, Content: []byte("tampered")},
	}
	wantCode(t, s.PutDocuments(ctx, bulk), store.CodeConflict)
	if list := must(s.Documents(ctx, "g")).of(t); len(list) != 0 {
		t.Errorf("a refused PutDocuments stored %+v", list)
	}
	ok(t, s.PutDocuments(ctx, bulk[:2]))
	if list := must(s.Documents(ctx, "g")).of(t); len(list) != 2 || list[0].ID != "loan-agreement" || list[1].ID != "first-amendment" {
		t.Errorf("Documents after PutDocuments = %+v", list)
	}
	if g := must(s.Document(ctx, "g", "first-amendment")).of(t); string(g.Content) != "amended" {
		t.Errorf("Document after PutDocuments = %+v", g)
	}
	_, err = s.Blob(ctx, sha([]byte("never stored")))
	wantCode(t, err, store.CodeNotFound)

	// A blob put on its own (a report waiting for its import job): by its
	// SHA-256, once.
	report := []byte("customer_id,name\nC1,Acme\n")
	h := must(s.PutBlob(ctx, report)).of(t)
	if h != sha(report) {
		t.Errorf("PutBlob = %s, want %s", h, sha(report))
	}
	if again := must(s.PutBlob(ctx, report)).of(t); again != h {
		t.Errorf("PutBlob again = %s, want %s", again, h)
	}
	if b := must(s.Blob(ctx, h)).of(t); string(b) != string(report) {
		t.Errorf("Blob of PutBlob = %q", b)
	}
	if b := must(s.Blob(ctx, must(s.PutBlob(ctx, nil)).of(t))).of(t); b == nil || len(b) != 0 {
		t.Errorf("Blob of an empty PutBlob = %#v, want empty", b)
	}

	// Large contents (a store may keep them compressed): an aging that
	// compresses well and bytes that do not, each read back as given,
	// through Blob and as a document, its size the content's.
	aging, noise := LargeAging(1<<20), Noise(300<<10)
	for _, big := range [][]byte{aging, noise} {
		h := must(s.PutBlob(ctx, big)).of(t)
		if h != sha(big) {
			t.Errorf("PutBlob of %d bytes = %s, want %s", len(big), h, sha(big))
		}
		if b := must(s.Blob(ctx, h)).of(t); !bytes.Equal(b, big) {
			t.Errorf("Blob of %d bytes read back as %d bytes, not the same", len(big), len(b))
		}
	}
	bigDoc := store.Document{Facility: "g", ID: "aging", Kind: "other", Effective: d("2004-09-30"), RecordedBy: "ops@bank", RecordedAt: t0, Content: aging}
	if got := must(s.PutDocument(ctx, bigDoc)).of(t); got.Size != int64(len(aging)) {
		t.Errorf("PutDocument of %d bytes: size %d", len(aging), got.Size)
	}
	if g := must(s.Document(ctx, "g", "aging")).of(t); !bytes.Equal(g.Content, aging) || g.Size != int64(len(aging)) {
		t.Errorf("Document of %d bytes read back as %d bytes (size %d), not the same", len(aging), len(g.Content), g.Size)
	}
}

func submitted(t TB, s store.Store, facility string, asOf date.Date, bb money.Amount, supersedes int64) store.Certificate {
	t.Helper()
	c := must(s.CreateCertificate(ctx, store.Certificate{Facility: facility, AsOf: asOf, PreparedBy: "borrower@btu", CreatedAt: t0, Supersedes: supersedes})).of(t)
	return must(s.SubmitCertificate(ctx, c.ID, store.Submission{
		Body:          json.RawMessage(fmt.Sprintf(`{"as_of":%q,"borrowing_base":%q}`, asOf, bb)),
		BorrowingBase: bb, LCOutstanding: amt("100000.00"), LCReserve: amt("0.00"),
		Inputs: []store.InputContent{{Name: "receivables.csv", Content: []byte("debtor_id,invoice_no,amount\nD1,I1," + bb.String() + "\n")}},
		By:     "borrower@btu", At: t0.Add(time.Minute)})).of(t)
}

// testCertificateJournals: a certificate's inputs keep their kinds (the
// journals after the reports, in order) and its roll-forward is stored by
// SHA-256 with it, read back whole by Certificate and by reference only in
// the list; a certificate without one has none.
func testCertificateJournals(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	c := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "borrower@btu", CreatedAt: t0})).of(t)
	rf := json.RawMessage(`{"as_of":"2006-01-31","receivables":{"unexplained_variance":"0.00"}}`)
	sales := []byte("invoice_no,debtor_id,invoice_date,amount\nI1,D1,2006-01-10,10.00\n")
	in := []store.InputContent{{Name: "aging.csv", Content: []byte("a"), Kind: store.InputReceivables, Map: json.RawMessage(`{"layout":{"date_format":"MM/DD/YYYY"}}`)},
		{Name: "debtors.csv", Content: []byte("d"), Kind: store.InputDebtors}, {Name: "inv.csv", Content: []byte("i"), Kind: store.InputInventory},
		{Name: "sales.csv", Content: sales, Kind: store.InputSales}, {Name: "credits.xlsx", Content: []byte("c"), Kind: store.InputCredits}}
	sub := must(s.SubmitCertificate(ctx, c.ID, store.Submission{Body: json.RawMessage(`{}`), RollForward: rf, Inputs: in,
		By: "borrower@btu", At: t0.Add(time.Minute)})).of(t)
	check := func(what string, got store.Certificate, whole bool) {
		t.Helper()
		if len(got.Inputs) != len(in) {
			t.Fatalf("%s: %d inputs, want %d", what, len(got.Inputs), len(in))
		}
		for i, w := range in {
			if g := got.Inputs[i]; g.Name != w.Name || g.Kind != w.Kind || g.SHA256 != sha(w.Content) || string(g.Map) != string(w.Map) {
				t.Errorf("%s: input %d = %+v, want %s %s", what, i, g, w.Kind, w.Name)
			}
		}
		if got.RollForwardSHA256 != sha(rf) {
			t.Errorf("%s: roll-forward sha256 %q, want %q", what, got.RollForwardSHA256, sha(rf))
		}
		if whole && string(got.RollForward) != string(rf) {
			t.Errorf("%s: roll-forward %s, want %s", what, got.RollForward, rf)
		}
	}
	check("submitted", sub, true)
	check("read", must(s.Certificate(ctx, c.ID)).of(t), true)
	list := must(s.Certificates(ctx, "f")).of(t)
	if len(list) != 1 {
		t.Fatalf("Certificates = %d", len(list))
	}
	check("listed", list[0], false)
	if b := must(s.Blob(ctx, list[0].RollForwardSHA256)).of(t); string(b) != string(rf) {
		t.Errorf("roll-forward blob = %s", b)
	}
	ap := must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender@bank", Comment: "ok", At: t0.Add(time.Hour)})).of(t)
	check("approved", ap, true)
	plain := submitted(t, s, "f", d("2006-02-28"), amt("10.00"), 0)
	if plain.RollForwardSHA256 != "" || plain.RollForward != nil || plain.Inputs[0].Kind != "" {
		t.Errorf("certificate without journals: roll-forward %q %s, kind %q", plain.RollForwardSHA256, plain.RollForward, plain.Inputs[0].Kind)
	}
	_, err := s.SubmitCertificate(ctx, must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-03-31"), PreparedBy: "b", CreatedAt: t0})).of(t).ID,
		store.Submission{Body: json.RawMessage(`{}`), RollForward: json.RawMessage(`{`), By: "b", At: t0})
	wantCode(t, err, store.CodeInvalid)
}

func testCertificates(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	c := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "borrower@btu", CreatedAt: t0})).of(t)
	if c.ID == 0 || c.Status != store.Draft {
		t.Fatalf("CreateCertificate = %+v", c)
	}
	_, err := s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})
	wantCode(t, err, store.CodeConflict) // a draft cannot be approved
	body := json.RawMessage(`{"borrowing_base":"4200000.00","lines":[1,2,3]}`)
	input := []byte("debtor_id,invoice_no,amount\nD1,I1,10.00\n")
	sub := must(s.SubmitCertificate(ctx, c.ID, store.Submission{Body: body, BorrowingBase: amt("4200000.00"),
		LCOutstanding: amt("250000.00"), LCReserve: amt("25000.00"),
		Inputs: []store.InputContent{{Name: "receivables.csv", Content: input}, {Name: "debtors.csv", Content: []byte("d")}},
		By:     "borrower@btu", At: t0.Add(time.Minute)})).of(t)
	if sub.Status != store.Submitted || string(sub.Body) != string(body) || sub.BodySHA256 != sha(body) ||
		sub.BorrowingBase != amt("4200000.00") || sub.LCOutstanding != amt("250000.00") || sub.LCReserve != amt("25000.00") ||
		len(sub.Inputs) != 2 || sub.Inputs[0].Name != "receivables.csv" || sub.Inputs[0].SHA256 != sha(input) || sub.Inputs[0].Size != int64(len(input)) ||
		sub.SubmittedBy != "borrower@btu" || !sub.SubmittedAt.Equal(store.Truncate(t0.Add(time.Minute))) {
		t.Fatalf("SubmitCertificate = %+v", sub)
	}
	if b := must(s.Blob(ctx, sub.Inputs[0].SHA256)).of(t); string(b) != string(input) {
		t.Errorf("input blob = %q", b)
	}
	_, err = s.SubmitCertificate(ctx, c.ID, store.Submission{Body: json.RawMessage(`{}`), By: "x", At: t0})
	wantCode(t, err, store.CodeConflict)
	_, err = s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Rejected, Reviewer: "lender", At: t0})
	wantCode(t, err, store.CodeInvalid) // rejection needs a comment
	_, err = s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Draft, Reviewer: "lender", At: t0})
	wantCode(t, err, store.CodeInvalid)
	if c2 := must(s.Certificate(ctx, c.ID)).of(t); c2.Status != store.Submitted {
		t.Fatalf("after rejected commands status = %s", c2.Status)
	}
	ap := must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender@bank", Comment: "ok", At: t0.Add(time.Hour)})).of(t)
	if ap.Status != store.Approved || ap.Reviewer != "lender@bank" || ap.Comment != "ok" || string(ap.Body) != string(body) {
		t.Fatalf("approved = %+v", ap)
	}
	_, err = s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Rejected, Reviewer: "lender", Comment: "no", At: t0})
	wantCode(t, err, store.CodeConflict) // never backwards or sideways
	_, err = s.SubmitCertificate(ctx, c.ID, store.Submission{Body: json.RawMessage(`{}`), By: "x", At: t0})
	wantCode(t, err, store.CodeConflict)

	// In force: the latest approved as of the date.
	feb := submitted(t, s, "f", d("2006-02-28"), amt("3900000.00"), 0)
	must(s.DecideCertificate(ctx, feb.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(2 * time.Hour)})).of(t)
	febFix := submitted(t, s, "f", d("2006-02-28"), amt("3950000.00"), feb.ID)
	must(s.DecideCertificate(ctx, febFix.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(3 * time.Hour)})).of(t)
	mar := submitted(t, s, "f", d("2006-03-31"), amt("5000000.00"), 0)
	must(s.DecideCertificate(ctx, mar.ID, store.Decision{Status: store.Rejected, Reviewer: "lender", Comment: "aging wrong", At: t0.Add(4 * time.Hour)})).of(t)
	for _, tc := range []struct {
		asOf string
		want int64
	}{{"2006-01-30", 0}, {"2006-01-31", c.ID}, {"2006-02-27", c.ID}, {"2006-02-28", febFix.ID}, {"2006-04-15", febFix.ID}} {
		got, err := s.CertificateInForce(ctx, "f", d(tc.asOf))
		if tc.want == 0 {
			wantCode(t, err, store.CodeNotFound)
			continue
		}
		if err != nil || got.ID != tc.want {
			t.Errorf("CertificateInForce(%s) = %d, %v; want %d", tc.asOf, got.ID, err, tc.want)
		}
	}
	if got := must(s.Certificate(ctx, febFix.ID)).of(t); got.Supersedes != feb.ID {
		t.Errorf("supersedes = %d, want %d", got.Supersedes, feb.ID)
	}
	list := must(s.Certificates(ctx, "f")).of(t)
	if len(list) != 4 || list[0].ID != c.ID || list[3].Status != store.Rejected || list[3].Comment != "aging wrong" {
		t.Errorf("Certificates = %+v", list)
	}
	_, err = s.CreateCertificate(ctx, store.Certificate{Facility: "g", AsOf: d("2006-01-31"), PreparedBy: "x", CreatedAt: t0, Supersedes: c.ID})
	wantCode(t, err, store.CodeInvalid) // supersedes another facility's certificate
	_, err = s.CreateCertificate(ctx, store.Certificate{Facility: "f", PreparedBy: "x", CreatedAt: t0})
	wantCode(t, err, store.CodeInvalid)
	_, err = s.Certificate(ctx, 999999)
	wantCode(t, err, store.CodeNotFound)
}

// Receivables makes n receivable rows.
func Receivables(n int) []store.ReceivableRow {
	rows := make([]store.ReceivableRow, n)
	for i := range rows {
		rows[i] = store.ReceivableRow{Line: int32(i + 2), DebtorID: fmt.Sprintf("D%05d", i%5000), InvoiceNo: fmt.Sprintf("INV-%08d", i),
			InvoiceDate: d("2006-01-01") + date.Date(i%90), DueDate: d("2006-02-01") + date.Date(i%90),
			Amount: money.Amount(int64(i%100000)*7 - 1000), Disputed: i%97 == 0}
	}
	return rows
}

func testReceivables(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	draft := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "x", CreatedAt: t0})).of(t)
	rows := Receivables(1000)
	wantCode(t, s.PutReceivables(ctx, draft.ID, rows), store.CodeConflict)
	c := submitted(t, s, "f", d("2006-02-28"), amt("1.00"), 0)
	dup := append([]store.ReceivableRow{}, rows[:3]...)
	dup[2].Line = dup[0].Line
	wantCode(t, s.PutReceivables(ctx, c.ID, dup), store.CodeInvalid)
	ok(t, s.PutReceivables(ctx, c.ID, rows))
	got := must(s.Receivables(ctx, c.ID)).of(t)
	if !reflect.DeepEqual(got, rows) {
		t.Fatalf("Receivables: %d rows back, first %+v, want %+v", len(got), got[0], rows[0])
	}
	wantCode(t, s.PutReceivables(ctx, c.ID, rows[:1]), store.CodeConflict)
	wantCode(t, s.PutReceivables(ctx, 999999, rows[:1]), store.CodeNotFound)
}

func testFinancials(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	q1, q2 := d("2005-03-31"), d("2005-06-30")
	add := func(pe date.Date, at time.Time, payload string) store.Financials {
		return must(s.AddFinancials(ctx, store.Financials{Facility: "f", PeriodEnd: pe, RecordedAt: at, SubmittedBy: "cfo@btu", Payload: json.RawMessage(payload)})).of(t)
	}
	k1 := time.Date(2005, 4, 30, 9, 0, 0, 0, time.UTC)
	k2 := time.Date(2005, 7, 30, 9, 0, 0, 0, time.UTC)
	k3 := time.Date(2005, 9, 15, 9, 0, 0, 0, time.UTC)
	a := add(q1, k1, `{"net_worth":"1000.00"}`)
	b := add(q2, k2, `{"net_worth":"1100.00"}`)
	c := add(q1, k3, `{"net_worth":"900.00","restated":true}`)
	for _, tc := range []struct {
		name  string
		known time.Time
		want  []int64
	}{
		{"before anything", k1.Add(-time.Second), nil},
		{"at the first recording", k1, []int64{a.ID}},
		{"between", k2.Add(time.Hour), []int64{a.ID, b.ID}},
		{"after the restatement", k3, []int64{c.ID, b.ID}},
	} {
		got := must(s.FinancialsAsKnown(ctx, "f", tc.known)).of(t)
		var ids []int64
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		if !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("%s: FinancialsAsKnown(%v) = %v, want %v", tc.name, tc.known, ids, tc.want)
		}
	}
	got := must(s.FinancialsAsKnown(ctx, "f", k3)).of(t)
	if string(got[0].Payload) != `{"net_worth":"900.00","restated":true}` || got[0].PeriodEnd != q1 || !got[0].RecordedAt.Equal(k3) || got[0].SubmittedBy != "cfo@btu" {
		t.Errorf("restated = %+v", got[0])
	}
	h := must(s.FinancialsHistory(ctx, "f", q1)).of(t)
	if len(h) != 2 || h[0].ID != a.ID || h[1].ID != c.ID {
		t.Errorf("history = %+v", h)
	}
	_, err := s.AddFinancials(ctx, store.Financials{Facility: "f", PeriodEnd: q1, RecordedAt: k1, SubmittedBy: "x", Payload: json.RawMessage(`{`)})
	wantCode(t, err, store.CodeInvalid)
	_, err = s.AddFinancials(ctx, store.Financials{Facility: "nope", PeriodEnd: q1, RecordedAt: k1, SubmittedBy: "x", Payload: json.RawMessage(`{}`)})
	wantCode(t, err, store.CodeNotFound)
}

func testRates(t *testing.T, s store.Store) {
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-06-30"), Value: money.MustRate("0.0625")}, nil))
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-01-01"), Value: money.MustRate("0.0525")}, nil))
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-06-30"), Value: money.MustRate("6.25%")}, nil)) // same value
	wantCode(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-06-30"), Value: money.MustRate("0.07")}, nil), store.CodeConflict)
	wantCode(t, s.PutRate(ctx, "Prime!", ledger.RatePoint{Effective: d("2005-06-30"), Value: money.MustRate("0.07")}, nil), store.CodeInvalid)
	ser := must(s.RateSeries(ctx, "prime")).of(t)
	if len(ser) != 2 || ser[0].Effective != d("2005-01-01") || ser[1].Value.String() != "0.0625" {
		t.Errorf("RateSeries = %+v", ser)
	}
	if r, _ := ser.At(d("2005-07-01")); r.String() != "0.0625" {
		t.Errorf("At = %s", r)
	}
	_, err := s.RateSeries(ctx, "sofr")
	wantCode(t, err, store.CodeNotFound)

	// Many values in one transaction, each with its source and recording
	// time: all or none.
	at := time.Date(2006, 7, 5, 14, 0, 0, 0, time.UTC)
	batch := []ledger.RatePoint{
		{Effective: d("2006-06-28"), Value: money.MustRate("0.08"), Source: "H.15", RecordedAt: at},
		{Effective: d("2006-06-29"), Value: money.MustRate("0.0825"), Source: "H.15", RecordedAt: at},
		{Effective: d("2005-06-30"), Value: money.MustRate("0.0625"), Source: "H.15", RecordedAt: at}, // already recorded, same value
	}
	n, err := s.PutRates(ctx, "prime", batch, nil)
	if err != nil || n != 2 {
		t.Fatalf("PutRates = %d, %v; want 2 new", n, err)
	}
	_, err = s.PutRates(ctx, "prime", []ledger.RatePoint{
		{Effective: d("2006-08-10"), Value: money.MustRate("0.0825"), Source: "H.15"},
		{Effective: d("2006-06-29"), Value: money.MustRate("0.085"), Source: "H.15"}, // differs: refuses the whole batch
	}, nil)
	wantCode(t, err, store.CodeConflict)
	ser = must(s.RateSeries(ctx, "prime")).of(t)
	if len(ser) != 4 {
		t.Fatalf("after the refused batch: %+v", ser)
	}
	last := ser[3]
	if last.Effective != d("2006-06-29") || last.Source != "H.15" || !last.RecordedAt.Equal(at) {
		t.Errorf("stored point %+v", last)
	}
	if ser[0].Source != "" || !ser[0].RecordedAt.IsZero() {
		t.Errorf("a point put without source: %+v", ser[0])
	}
}

func post(t TB, s store.Store, tr ledger.Transaction, err error) store.Posted {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var p store.Posted
	ok(t, s.Update(ctx, tr.Facility, func(tx store.Tx) error {
		var err error
		p, err = tx.Post(tr)
		return err
	}))
	return p
}

func ref(f, key, vd string) ledger.Ref { return ledger.Ref{Facility: f, Key: key, ValueDate: d(vd)} }

func testLedger(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	CheckInvariants(t, s, "f")
	a1, err := ledger.Advance(ref("f", "adv-1", "2006-01-10"), amt("1000000.00"))
	p1 := post(t, s, a1, err)
	if p1.Replayed || p1.Transaction.ID == 0 {
		t.Fatalf("first post = %+v", p1)
	}
	CheckInvariants(t, s, "f")
	steps := []func() (ledger.Transaction, error){
		func() (ledger.Transaction, error) {
			return ledger.Repayment(ref("f", "rep-1", "2006-01-20"), amt("250000.00"))
		},
		func() (ledger.Transaction, error) {
			return ledger.Fee(ref("f", "fee-1", "2006-01-10"), amt("20000.00"), true)
		},
		func() (ledger.Transaction, error) {
			return ledger.Cost(ref("f", "cost-1", "2006-01-12"), amt("1234.56"))
		},
		func() (ledger.Transaction, error) {
			return ledger.LCIssue(ref("f", "lc-1", "2006-01-15"), amt("500000.00"))
		},
		func() (ledger.Transaction, error) {
			return ledger.LCDraw(ref("f", "lc-1-draw", "2006-02-01"), amt("200000.00"))
		},
		func() (ledger.Transaction, error) {
			return ledger.LCReimburse(ref("f", "lc-1-reimb", "2006-02-02"), amt("200000.00"), true)
		},
		func() (ledger.Transaction, error) {
			return ledger.LCExpire(ref("f", "lc-1-exp", "2006-03-01"), amt("300000.00"))
		},
		func() (ledger.Transaction, error) {
			// Received Wednesday 25 January, credited two Business Days later.
			return ledger.Collection(ref("f", "col-1", "2006-01-27"), amt("50000.00"))
		},
	}
	for _, st := range steps {
		tr, err := st()
		post(t, s, tr, err)
		CheckInvariants(t, s, "f")
	}
	txs := must(s.Transactions(ctx, "f")).of(t)
	col := txs[len(txs)-1]
	if col.Kind != ledger.KindCollection || col.ValueDate != d("2006-01-27") {
		t.Fatalf("last = %+v", col)
	}
	// A returned item reverses the collection's credit.
	ret, err := ledger.Reverse(ref("f", "col-1-returned", "2006-01-30"), ledger.KindReturnedItem, col)
	post(t, s, ret, err)
	CheckInvariants(t, s, "f")
	want := map[string]ledger.Balances{
		"2006-01-09": {},
		"2006-01-10": {ledger.Loans: amt("1020000.00"), ledger.Cash: amt("-1000000.00"), ledger.FeeIncome: amt("-20000.00")},
		"2006-01-27": {ledger.Loans: amt("721234.56"), ledger.Cash: amt("-751234.56"), ledger.FeeIncome: amt("-20000.00"),
			ledger.LCOutstanding: amt("500000.00"), ledger.LCContingent: amt("-500000.00"), ledger.CollectionsClearing: amt("50000.00")},
		"2006-01-30": {ledger.Loans: amt("771234.56"), ledger.Cash: amt("-751234.56"), ledger.FeeIncome: amt("-20000.00"),
			ledger.LCOutstanding: amt("500000.00"), ledger.LCContingent: amt("-500000.00")},
		"2006-03-01": {ledger.Loans: amt("971234.56"), ledger.Cash: amt("-951234.56"), ledger.FeeIncome: amt("-20000.00")},
	}
	for day, w := range want {
		got := must(s.Balances(ctx, "f", d(day))).of(t)
		if !reflect.DeepEqual(got, w) {
			t.Errorf("balances as of %s = %v, want %v", day, got, w)
		}
	}
	// Inside Update, the Tx sees the facility and its own postings.
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		if tx.Facility().Slug != "f" {
			t.Errorf("Tx.Facility = %+v", tx.Facility())
		}
		r, err := ledger.Repayment(ref("f", "rep-2", "2006-03-02"), amt("1.00"))
		if err != nil {
			return err
		}
		if _, err := tx.Post(r); err != nil {
			return err
		}
		got, err := tx.Balance(ledger.Loans, d("2006-03-02"))
		if err != nil {
			return err
		}
		if got != amt("971233.56") {
			t.Errorf("Tx.Balance after own post = %s", got)
		}
		l, found, err := tx.Lookup("rep-2")
		if err != nil || !found || l.Postings[0].Amount != amt("1.00") {
			t.Errorf("Lookup = %+v %v %v", l, found, err)
		}
		if _, found, _ := tx.Lookup("nope"); found {
			t.Error("Lookup(nope) found")
		}
		return nil
	}))
	CheckInvariants(t, s, "f")
	// Reversal: once only, same facility only.
	rev, err := ledger.Reverse(ref("f", "fee-1-rev", "2006-03-03"), ledger.KindReversal, txs[2])
	post(t, s, rev, err)
	CheckInvariants(t, s, "f")
	rev2, _ := ledger.Reverse(ref("f", "fee-1-rev-again", "2006-03-03"), ledger.KindReversal, txs[2])
	err = s.Update(ctx, "f", func(tx store.Tx) error { _, err := tx.Post(rev2); return err })
	wantCode(t, err, store.CodeConflict)
	g := txs[2]
	g.Facility = "g"
	rev3, _ := ledger.Reverse(ref("g", "x", "2006-03-03"), ledger.KindReversal, g)
	err = s.Update(ctx, "g", func(tx store.Tx) error { _, err := tx.Post(rev3); return err })
	wantCode(t, err, store.CodeNotFound)
	if _, err := s.Transaction(ctx, "g", txs[2].ID); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("Transaction of another facility: %v", err)
	}
	if got := must(s.Transaction(ctx, "f", txs[2].ID)).of(t); got.Kind != ledger.KindFee {
		t.Errorf("Transaction = %+v", got)
	}
	CheckInvariants(t, s, "g")
	if n := len(must(s.Transactions(ctx, "g")).of(t)); n != 0 {
		t.Errorf("facility g has %d transactions", n)
	}
	err = s.Update(ctx, "nope", func(store.Tx) error { return nil })
	wantCode(t, err, store.CodeNotFound)
}

func testIdempotency(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	a, _ := ledger.Advance(ref("f", "k", "2006-01-10"), amt("100.00"))
	p1 := post(t, s, a, nil)
	before := CheckInvariants(t, s, "f")
	p2 := post(t, s, a, nil)
	if !p2.Replayed || p2.Transaction.ID != p1.Transaction.ID || !reflect.DeepEqual(p2.Transaction, p1.Transaction) {
		t.Fatalf("replay = %+v, want first %+v replayed", p2, p1)
	}
	b, _ := ledger.Advance(ref("f", "k", "2006-01-10"), amt("100.01"))
	err := s.Update(ctx, "f", func(tx store.Tx) error { _, err := tx.Post(b); return err })
	wantCode(t, err, store.CodeIdempotencyMismatch)
	c, _ := ledger.Advance(ref("f", "k", "2006-01-11"), amt("100.00"))
	err = s.Update(ctx, "f", func(tx store.Tx) error { _, err := tx.Post(c); return err })
	wantCode(t, err, store.CodeIdempotencyMismatch)
	if after := CheckInvariants(t, s, "f"); !reflect.DeepEqual(after, before) {
		t.Fatalf("rejected commands changed the ledger: %v → %v", before, after)
	}
	// Keys are per facility.
	g, _ := ledger.Advance(ref("g", "k", "2006-01-10"), amt("100.00"))
	if p := post(t, s, g, nil); p.Replayed {
		t.Error("same key on another facility replayed")
	}
}

func testRejected(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	a, _ := ledger.Advance(ref("f", "a", "2006-01-10"), amt("100.00"))
	post(t, s, a, nil)
	before := CheckInvariants(t, s, "f")
	bad := []ledger.Transaction{
		{Facility: "f", Kind: ledger.KindAdvance, Key: "u", ValueDate: d("2006-01-10"), Postings: []ledger.Posting{{Account: ledger.Loans, Amount: 5}, {Account: ledger.Cash, Amount: -4}}},
		{Facility: "f", Kind: ledger.KindAdvance, Key: "v", ValueDate: d("2006-01-10"), Postings: []ledger.Posting{{Account: ledger.Loans, Amount: 5}}},
		{Facility: "g", Kind: ledger.KindAdvance, Key: "w", ValueDate: d("2006-01-10"), Postings: []ledger.Posting{{Account: ledger.Loans, Amount: 5}, {Account: ledger.Cash, Amount: -5}}},
	}
	for _, b := range bad {
		err := s.Update(ctx, "f", func(tx store.Tx) error { _, err := tx.Post(b); return err })
		wantCode(t, err, store.CodeInvalid)
	}
	// An error returned by fn rolls back what fn posted.
	boom := errors.New("boom")
	err := s.Update(ctx, "f", func(tx store.Tx) error {
		r, _ := ledger.Repayment(ref("f", "r", "2006-01-11"), amt("50.00"))
		if _, err := tx.Post(r); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update error = %v, want boom", err)
	}
	if after := CheckInvariants(t, s, "f"); !reflect.DeepEqual(after, before) {
		t.Fatalf("rejected commands changed the ledger: %v → %v", before, after)
	}
	// The key of a rolled-back command is free.
	r, _ := ledger.Repayment(ref("f", "r", "2006-01-11"), amt("60.00"))
	if p := post(t, s, r, nil); p.Replayed {
		t.Error("rolled-back key replayed")
	}
	CheckInvariants(t, s, "f")
}

func testBatch(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	var txs []ledger.Transaction
	for i := 0; i < 700; i++ {
		f := "f"
		if i%2 == 1 {
			f = "g"
		}
		tr, err := ledger.LCDraw(ref(f, fmt.Sprintf("k%d", i), "2006-01-10"), money.Amount(i+1))
		ok(t, err)
		txs = append(txs, tr)
	}
	txs = append(txs, txs[4]) // duplicate inside the batch
	ps := must(s.PostBatch(ctx, txs)).of(t)
	if len(ps) != len(txs) {
		t.Fatalf("%d results for %d", len(ps), len(txs))
	}
	for i, p := range ps[:700] {
		if p.Replayed || p.Transaction.ID == 0 || p.Transaction.Key != txs[i].Key {
			t.Fatalf("result %d = %+v", i, p)
		}
	}
	if last := ps[700]; !last.Replayed || last.Transaction.ID != ps[4].Transaction.ID {
		t.Fatalf("duplicate in batch = %+v, want replay of %d", last, ps[4].Transaction.ID)
	}
	CheckInvariants(t, s, "f")
	CheckInvariants(t, s, "g")
	// f has the odd amounts 1, 3, …, 699 cents: 350² = 122,500 cents.
	if got := must(s.Balances(ctx, "f", d("2006-01-10"))).of(t)[ledger.LCDrawn]; got != 122500 {
		t.Errorf("f lc_drawn = %d cents, want 122500", got)
	}
	// Again: all replays, nothing new.
	ps2 := must(s.PostBatch(ctx, txs[:10])).of(t)
	for i, p := range ps2 {
		if !p.Replayed || p.Transaction.ID != ps[i].Transaction.ID {
			t.Fatalf("replayed batch %d = %+v", i, p)
		}
	}
	before := must(s.Transactions(ctx, "f")).of(t)
	// One mismatching key fails the whole batch.
	fresh, _ := ledger.Repayment(ref("f", "fresh", "2006-01-11"), amt("1.00"))
	changed, _ := ledger.LCDraw(ref("f", "k0", "2006-01-10"), 2)
	_, err := s.PostBatch(ctx, []ledger.Transaction{fresh, changed})
	wantCode(t, err, store.CodeIdempotencyMismatch)
	_, err = s.PostBatch(ctx, []ledger.Transaction{fresh, {Facility: "f", Kind: ledger.KindFee, Key: "z"}})
	wantCode(t, err, store.CodeInvalid)
	if after := CheckInvariants(t, s, "f"); !reflect.DeepEqual(after, before) {
		t.Fatalf("failed batch changed the ledger")
	}
}

// TB is what the helpers need of *testing.T, *testing.B and *rapid.T.
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
}

// testAccrualRace: a Loans posting that arrives between AccrualState and
// CommitAccrual makes the commit fail and post nothing.
func testAccrualRace(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	a, _ := ledger.Advance(ref("f", "a1", "2006-01-10"), amt("1000.00"))
	post(t, s, a, nil)
	through := d("2006-01-10")
	states := must(s.AccrualState(ctx, through)).of(t)
	if len(states) != 1 || states[0].Guard.Postings != 1 || states[0].Opening+states[0].Deltas[0].Amount != amt("1000.00") {
		t.Fatalf("AccrualState = %+v", states)
	}
	late, _ := ledger.Advance(ref("f", "a2", "2006-01-09"), amt("500.00"))
	post(t, s, late, nil)
	accrual := ledger.Transaction{Facility: "f", Kind: ledger.KindInterest, ValueDate: through, Key: ledger.InterestKey(through),
		Postings: []ledger.Posting{{Account: ledger.InterestReceivable, Amount: 1}, {Account: ledger.InterestIncome, Amount: -1}}}
	_, err := s.CommitAccrual(ctx, through, states, []ledger.Transaction{accrual}, nil)
	wantCode(t, err, store.CodeConflict)
	if n := len(CheckInvariants(t, s, "f")); n != 2 {
		t.Fatalf("%d transactions after a refused commit, want 2", n)
	}
	states = must(s.AccrualState(ctx, through)).of(t)
	if states[0].Guard.Postings != 2 || states[0].AccruedThrough != 0 {
		t.Fatalf("AccrualState after refused commit = %+v", states)
	}
	must(s.CommitAccrual(ctx, through, states, []ledger.Transaction{accrual}, nil)).of(t)
	if states = must(s.AccrualState(ctx, through)).of(t); states[0].AccruedThrough != through {
		t.Fatalf("accrued through %s, want %s", states[0].AccruedThrough, through)
	}
	CheckInvariants(t, s, "f")
}

// LargeAging is a receivables aging of at least n bytes, deterministic,
// that compresses as a real one does (large contents a store may keep
// compressed).
func LargeAging(n int) []byte {
	var b bytes.Buffer
	b.WriteString("debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "C%04d,INV-%07d,2004-08-%02d,2004-09-%02d,%d.%02d,USD,false\n", i%4999, i, 1+i%28, 1+i%28, 100+i*7919%999983, i%100)
	}
	return b.Bytes()
}

// Noise is n deterministic bytes that do not compress (xorshift).
func Noise(n int) []byte {
	out := make([]byte, n)
	for i, x := 0, uint64(88172645463325252); i < n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		out[i] = byte(x >> 24)
	}
	return out
}
