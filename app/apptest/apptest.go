// Package apptest is the use-case suite of package app, run against every
// store: Run(t, open) drives app.Service over a real store — advances
// within availability, also concurrently; advance requests with
// maker-checker; overadvances; close of business, interest adjustments for
// back-valued postings and catch-up over month ends; collections, returned
// items and fees; and property tests against a model ledger; the kind and
// action each use case records (its own, app.Op), and a close of business
// whose accruals, business date and audit record commit together. After every
// ledger operation it checks the accounting invariants with
// storetest.CheckInvariants.
//
// What the store itself guarantees (append-only records, idempotency keys,
// forward-only status, serialised Updates, crash safety) is tested by
// store/storetest, which knows nothing of app.
package apptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/storetest"
)

// Run runs the suite. open returns a new, empty store for each subtest; it
// should close the store when the test ends (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ConcurrentAdvances", testConcurrentAdvances},
		{"AdvanceRequests", testAdvanceRequests},
		{"CloseOfBusiness", testCloseOfBusiness},
		{"Collections", testCollections},
		{"AccrualProperty", testAccrualProperty},
		{"InterestAdjustment", testInterestAdjustment},
		{"Random", testRandom},
		{"AuditNames", testAuditNames},
		{"CloseOfBusinessAtomic", testCloseOfBusinessAtomic},
		{"Rates", testRates},
		{"Elections", testElections},
		{"Loans", testLoans},
		{"LoansCapitalised", testLoansCapitalised},
	}
	t.Run("BankCash", func(t *testing.T) { testBankCash(t, open) })
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

// TB is what the helpers need of *testing.T, *testing.B and *rapid.T.
type TB = storetest.TB

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

// submitted stores a submitted certificate with borrowing base bb.
func submitted(t TB, s store.Store, facility string, asOf date.Date, bb money.Amount, supersedes int64) store.Certificate {
	t.Helper()
	c := must(s.CreateCertificate(ctx, store.Certificate{Facility: facility, AsOf: asOf, PreparedBy: "borrower@btu", CreatedAt: t0, Supersedes: supersedes})).of(t)
	return must(s.SubmitCertificate(ctx, c.ID, store.Submission{
		Body:          json.RawMessage(fmt.Sprintf(`{"as_of":%q,"borrowing_base":%q}`, asOf, bb)),
		BorrowingBase: bb, LCOutstanding: amt("100000.00"), LCReserve: amt("0.00"),
		Inputs: []store.InputContent{{Name: "receivables.csv", Content: []byte("debtor_id,invoice_no,amount\nD1,I1," + bb.String() + "\n")}},
		By:     "borrower@btu", At: t0.Add(time.Minute)})).of(t)
}

// post stores tr directly (no use case), failing t on err or a refusal.
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

// terms is a fixed set of terms for the use-case tests.
func terms(commitment money.Amount, capAmt *money.Amount) app.Terms {
	return app.TermsFunc(func(context.Context, string, date.Date) (app.FacilityTerms, error) {
		return app.FacilityTerms{Commitment: commitment, AdvanceCap: capAmt, TerminationDate: d("2007-06-30"),
			Pricing: ledger.Pricing{Series: "prime", Margin: money.MustRate("0.0025"), DayCount: ledger.Actual360}, Capitalise: true, CureDays: 30,
			ClearanceDays: 2, Fees: map[string]app.FeeTerm{"transaction_fee": {Amount: amt("20000.00")}}}, nil
	})
}

func testConcurrentAdvances(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	c := submitted(t, s, "f", d("2006-01-31"), amt("1000000.00"), 0)
	must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})).of(t)
	lc, _ := ledger.LCIssue(ref("f", "lc", "2006-02-01"), amt("100000.00"))
	post(t, s, lc, nil)
	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil)}
	// Availability: min(5,000,000, 1,000,000 − 100,000 LC) − 0 = 900,000.
	const workers, each = 8, 10
	var funded atomic.Int64
	var refused atomic.Int64
	var fundedReq sync.Map // key → app.AdvanceRequest
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				amount := money.Amount(int64(1+(w*7+i*13)%25) * 1_000_000) // 10,000.00 … 250,000.00
				req := app.AdvanceRequest{Facility: "f", Key: fmt.Sprintf("w%d-%d", w, i), Amount: amount, ValueDate: d("2006-02-10")}
				r, err := svc.Advance(ctx, req)
				var le *ledger.Error
				switch {
				case err == nil:
					funded.Add(int64(r.Posted.Transaction.Postings[0].Amount))
					fundedReq.Store(req.Key, req)
				case errors.As(err, &le) && le.Code == ledger.CodeAvailabilityExceeded:
					if le.Availability == nil || le.Requested != amount || le.Availability.Limit-le.Availability.LettersOfCredit.Exposure != amt("900000.00") {
						errs <- fmt.Errorf("refusal without the numbers: %+v", le)
					}
					refused.Add(1)
				default:
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if refused.Load() == 0 {
		t.Fatal("no request was refused: the test did not ask for more than availability")
	}
	loans := must(s.Balances(ctx, "f", date.Max)).of(t)[ledger.Loans]
	if money.Amount(funded.Load()) != loans || loans > amt("900000.00") {
		t.Fatalf("funded %s, loans %s, availability 900,000.00", money.Amount(funded.Load()), loans)
	}
	storetest.CheckInvariants(t, s, "f")
	// A refusal after termination, and one with the numbers.
	_, err := svc.Advance(ctx, app.AdvanceRequest{Facility: "f", Key: "late", Amount: 1, ValueDate: d("2007-07-01")})
	wantCode(t, err, ledger.CodeFacilityTerminated)
	_, err = svc.Advance(ctx, app.AdvanceRequest{Facility: "f", Key: "big", Amount: amt("900000.01"), ValueDate: d("2006-02-10")})
	wantCode(t, err, ledger.CodeAvailabilityExceeded)
	// Through the use case, an advance cannot be posted as a plain
	// transaction, and a letter of credit needs availability too.
	_, err = svc.Post(ctx, must(ledger.Advance(ref("f", "sneak", "2006-02-10"), 1)).of(t))
	wantCode(t, err, store.CodeInvalid)
	_, err = svc.Post(ctx, must(ledger.LCIssue(ref("f", "lc-big", "2006-02-10"), 900_000_00-loans+1)).of(t))
	wantCode(t, err, ledger.CodeAvailabilityExceeded)
	if loans < amt("900000.00") {
		must(svc.Post(ctx, must(ledger.LCIssue(ref("f", "lc-fits", "2006-02-10"), 900_000_00-loans)).of(t))).of(t)
	}
	storetest.CheckInvariants(t, s, "f")

	// Overadvance: a lower certificate puts the loans over the limit.
	low := submitted(t, s, "f", d("2006-03-31"), amt("500000.00"), 0)
	must(s.DecideCertificate(ctx, low.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})).of(t)
	o, over, err := svc.Overadvance(ctx, "f", d("2006-04-03"), d("2006-04-05"))
	ok(t, err)
	lcOut := must(s.Balances(ctx, "f", d("2006-04-03"))).of(t)[ledger.LCOutstanding]
	wantOver := loans - (amt("500000.00") - lcOut)
	if !over || o.Amount != wantOver || o.CureBy != d("2006-05-05") {
		t.Errorf("Overadvance = %+v, %v; want %s cured by 2006-05-05", o, over, wantOver)
	}
	if _, over, _ := svc.Overadvance(ctx, "f", d("2006-03-30"), d("2006-03-30")); over {
		t.Error("overadvance before the lower certificate")
	}
	// A retried funded advance replays even though availability is now used.
	fundedReq.Range(func(_, v any) bool {
		req := v.(app.AdvanceRequest)
		r := must(svc.Advance(ctx, req)).of(t)
		if !r.Posted.Replayed || r.Posted.Transaction.Key != req.Key {
			t.Fatalf("retry of %s = %+v, want replay", req.Key, r)
		}
		req.Amount++
		_, err := svc.Advance(ctx, req)
		wantCode(t, err, store.CodeIdempotencyMismatch)
		return false
	})
	storetest.CheckInvariants(t, s, "f")
}

func testCloseOfBusiness(t *testing.T, s store.Store) {
	for _, f := range []string{"a", "b", "c"} {
		newFacility(t, s, f)
	}
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2006-01-01"), Value: money.MustRate("0.0725")}, nil))
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2006-01-30"), Value: money.MustRate("0.0775")}, nil))
	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil)}
	a1, _ := ledger.Advance(ref("a", "a1", "2006-01-28"), amt("3600000.00"))
	post(t, s, a1, nil)
	b1, _ := ledger.Advance(ref("b", "b1", "2006-01-31"), amt("360000.00"))
	post(t, s, b1, nil)
	r := must(svc.CloseOfBusiness(ctx, d("2006-01-30"))).of(t)
	// a: 28th, 29th at 7.50%: 3,600,000 × 0.075 / 360 = 750.00; 30th at 8.00%: 800.00.
	if r.Posted != 3 || r.Replayed != 0 || r.Facilities != 3 {
		t.Fatalf("first run = %+v, want 3 posted", r)
	}
	if again := must(svc.CloseOfBusiness(ctx, d("2006-01-30"))).of(t); again.Posted != 0 {
		t.Fatalf("second run = %+v, want nothing posted", again)
	}
	r = must(svc.CloseOfBusiness(ctx, d("2006-01-31"))).of(t)
	// a: 800.00 and capitalisation of 2,300.00; b: 360,000 × 0.08 / 360 = 80.00 and capitalisation.
	if r.Posted != 4 {
		t.Fatalf("month-end run = %+v, want 4 posted", r)
	}
	ba := must(s.Balances(ctx, "a", d("2006-01-31"))).of(t)
	if ba[ledger.Loans] != amt("3603100.00") || ba[ledger.InterestReceivable] != 0 || ba[ledger.InterestIncome] != amt("-3100.00") {
		t.Errorf("a balances = %v", ba)
	}
	bb := must(s.Balances(ctx, "b", d("2006-01-31"))).of(t)
	if bb[ledger.Loans] != amt("360080.00") {
		t.Errorf("b balances = %v", bb)
	}
	r = must(svc.CloseOfBusiness(ctx, d("2006-02-01"))).of(t)
	// a: 3,603,100 × 0.08 / 360 = 800.6888… → 800.69; b: 360,080 × 0.08/360 = 80.0177… → 80.02.
	if r.Posted != 2 {
		t.Fatalf("feb run = %+v", r)
	}
	txs := storetest.CheckInvariants(t, s, "a")
	if last := txs[len(txs)-1]; last.Key != ledger.InterestKey(d("2006-02-01")) || last.Postings[0].Amount != amt("800.69") {
		t.Errorf("a last accrual = %+v", last)
	}
	storetest.CheckInvariants(t, s, "b")
	storetest.CheckInvariants(t, s, "c")
	if n := len(must(s.Transactions(ctx, "c")).of(t)); n != 0 {
		t.Errorf("facility without loans got %d transactions", n)
	}

	// Catching up over a month end: c's first advance is on 2006-01-31 and
	// its first run is for 2006-02-02; the January interest is capitalised
	// on the 31st and bears interest from 1 February.
	c1, _ := ledger.Advance(ref("c", "c1", "2006-01-31"), amt("3600000.00"))
	post(t, s, c1, nil)
	r = must(svc.CloseOfBusiness(ctx, d("2006-02-02"))).of(t)
	// a, b: one day each; c: 31st, capitalisation, 1st, 2nd.
	if r.Posted != 6 {
		t.Fatalf("catch-up run = %+v, want 6 posted", r)
	}
	txs = storetest.CheckInvariants(t, s, "c")
	var got []string
	for _, tr := range txs[1:] {
		got = append(got, tr.ValueDate.String()+" "+string(tr.Kind)+" "+tr.Postings[0].Amount.String())
	}
	// 3,600,000 × 8% / 360 = 800.00; then 3,600,800 × 8% / 360 = 800.1777… → 800.18.
	want := []string{"2006-01-31 interest 800.00", "2006-01-31 interest_capitalise 800.00", "2006-02-01 interest 800.18", "2006-02-02 interest 800.18"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("c transactions = %q, want %q", got, want)
	}
	if again := must(svc.CloseOfBusiness(ctx, d("2006-02-02"))).of(t); again.Posted != 0 {
		t.Fatalf("second catch-up run = %+v, want nothing posted", again)
	}
}
