package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// feesAmendment gives the example facility, from 1 January 2006, an unused
// line fee with a rate grid by usage (0.375% below 50%, 0.25% otherwise,
// quarterly), a letter-of-credit fee (2%, monthly), a monitoring fee
// (1,500.00 a quarter), a minimum interest of 100,000.00 a quarter and a
// fixed amendment fee of 5,000.00 due 15 February 2006.
var feesAmendment = agreement.NewFile("2006-01-01-fees.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: fees
document: first-amendment
effective: 2006-01-01
order: 1
changes:
  - op: replace
    path: fees.unused_line_fee
    cite: first-amendment §2.6
    value:
      label: Unused line fee
      kind: unused_line
      basis: actual_360
      billing: quarterly
      steps:
        - id: low_usage
          usage_below: 50%
          rate: 0.375%
        - id: high_usage
          rate: 0.25%
  - op: set
    path: fees.lc_fee
    cite: first-amendment §2.7
    value:
      label: Letter of credit fee
      kind: letter_of_credit
      rate: 2%
      basis: actual_360
      billing: monthly
  - op: set
    path: fees.monitoring_fee
    cite: first-amendment §2.8
    value:
      label: Collateral monitoring fee
      kind: monitoring
      amount: 1500.00
      billing: quarterly
  - op: set
    path: fees.minimum_interest
    cite: first-amendment §2.9
    value:
      label: Minimum interest
      kind: minimum_interest
      amount: 100000.00
      billing: quarterly
  - op: set
    path: fees.amendment_fee
    cite: first-amendment §2.10
    value:
      label: Amendment fee
      amount: 5000.00
      due: 2006-02-15
`))

// feeWorld is the example facility with the fees, loans of 4,000,000.00
// from 3 January 2006 and 6,000,000.00 from 1 February, a letter of credit
// of 500,000.00 from 10 January, prime at 6%.
func feeWorld(t *testing.T, s store.Store, slugs ...string) *Service {
	t.Helper()
	ctx := context.Background()
	d := date.MustParse
	now := time.Date(2006, 4, 4, 12, 0, 0, 0, time.UTC)
	svc := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: func() time.Time { return now }}
	if err := s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-01-01"), Value: money.MustRate("0.06")}, nil); err != nil {
		t.Fatal(err)
	}
	for _, slug := range slugs {
		btuAs(t, svc, slug, feesAmendment)
		var txs []ledger.Transaction
		for _, b := range []func() (ledger.Transaction, error){
			func() (ledger.Transaction, error) {
				return ledger.Advance(ledger.Ref{Facility: slug, Key: "a1", ValueDate: d("2006-01-03")}, 4_000_000_00)
			},
			func() (ledger.Transaction, error) {
				return ledger.LCIssue(ledger.Ref{Facility: slug, Key: "lc1", ValueDate: d("2006-01-10")}, 500_000_00)
			},
			func() (ledger.Transaction, error) {
				return ledger.Advance(ledger.Ref{Facility: slug, Key: "a2", ValueDate: d("2006-02-01")}, 2_000_000_00)
			},
		} {
			tr, err := b()
			if err != nil {
				t.Fatal(err)
			}
			txs = append(txs, tr)
		}
		if _, err := s.PostBatch(ctx, txs); err != nil {
			t.Fatal(err)
		}
	}
	return svc
}

// feePostings are a facility's fee transactions: key → value date, amount
// and memo.
func feePostings(t *testing.T, s store.Store, slug string) map[string]string {
	t.Helper()
	txs, err := s.Transactions(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tr := range txs {
		if tr.Kind == ledger.KindFee {
			out[tr.Key] = fmt.Sprintf("%s %s %s", tr.ValueDate, tr.Postings[0].Amount, tr.Memo)
		}
	}
	return out
}

// Close of business bills each fee on its billing date, computed from
// each day's balances (figures worked out in the comments), posted once:
// a run through the quarter and runs day by day post the same
// transactions, and running again posts nothing.
func TestFeesInCloseOfBusiness(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		svc := feeWorld(t, s, "once", "daily")
		through := d("2006-04-03")
		if _, err := svc.CloseOfBusiness(ctx, through); err != nil {
			t.Fatal(err)
		}
		got := feePostings(t, s, "once")
		// Unused line fee, Q1 2006 (90 days), commitment 14,000,000.00:
		// unused 14,000,000 × 2 days + 10,000,000 × 7 (loans 4,000,000) +
		// 9,500,000 × 22 (and the letter of credit) + 7,500,000 × 59 (loans
		// 6,000,000) = 749,500,000.00; used 510,500,000.00 of 1,260,000,000.00:
		// usage 40.5…% < 50%, 0.375%: 749,500,000 × 0.00375 / 360 =
		// 7,807.2916… → 7,807.29; average 8,327,777.78.
		// Letter-of-credit fee at 2%: 500,000 × 0.02 × 22/360 = 611.11
		// (January), × 28/360 = 777.78 (February), × 31/360 = 861.11 (March).
		// Minimum interest: 100,000.00 − the quarter's interest (4,000,000 ×
		// 6%/360 = 666.67 × 29 days + 1,000.00 × 59 = 78,333.43) = 21,666.57.
		want := map[string]string{
			"fee:unused_line_fee:2006-03-31":  "2006-03-31 7807.29 Unused line fee (unused_line_fee) 2006-01-01 to 2006-03-31 (90 days): 0.375% × average daily unused 8,327,777.78 × 90/360 = 7,807.29; average usage 40.52% chose the rate; basis actual_360; First Amendment to Loan Agreement §2.6",
			"fee:lc_fee:2006-01-31":           "2006-01-31 611.11 Letter of credit fee (lc_fee) 2006-01-01 to 2006-01-31 (31 days): 2% × average daily face of letters of credit 354,838.71 × 31/360 = 611.11; basis actual_360; First Amendment to Loan Agreement §2.7",
			"fee:lc_fee:2006-02-28":           "2006-02-28 777.78 Letter of credit fee (lc_fee) 2006-02-01 to 2006-02-28 (28 days): 2% × average daily face of letters of credit 500,000.00 × 28/360 = 777.78; basis actual_360; First Amendment to Loan Agreement §2.7",
			"fee:lc_fee:2006-03-31":           "2006-03-31 861.11 Letter of credit fee (lc_fee) 2006-03-01 to 2006-03-31 (31 days): 2% × average daily face of letters of credit 500,000.00 × 31/360 = 861.11; basis actual_360; First Amendment to Loan Agreement §2.7",
			"fee:monitoring_fee:2006-03-31":   "2006-03-31 1500.00 Collateral monitoring fee (monitoring_fee) 2006-01-01 to 2006-03-31 (90 days): 1,500.00 per period; First Amendment to Loan Agreement §2.8",
			"fee:minimum_interest:2006-03-31": "2006-03-31 21666.57 Minimum interest (minimum_interest) 2006-01-01 to 2006-03-31 (90 days): max(0, minimum 100,000.00 − interest of the period 78,333.43) = 21,666.57; First Amendment to Loan Agreement §2.9",
			"fee:amendment_fee":               "2006-02-15 5000.00 Amendment fee (amendment_fee) due 2006-02-15; First Amendment to Loan Agreement §2.10",
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s:\n got %q\nwant %q", k, got[k], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("fee transactions %v, want %d", got, len(want))
		}
		if again, err := svc.CloseOfBusiness(ctx, through); err != nil || again.Posted != 0 {
			t.Errorf("again: %+v %v, want nothing posted", again, err)
		}
		// Day by day (a run a day, as the schedule does), the same postings.
		for day := d("2006-01-03"); day <= through; day++ {
			if _, err := svc.CloseOfBusiness(ctx, day); err != nil {
				t.Fatal(err)
			}
		}
		daily := feePostings(t, s, "daily")
		for k, w := range got {
			if daily[k] != w {
				t.Errorf("day by day %s: %q, want %q", k, daily[k], w)
			}
		}
		if len(daily) != len(got) {
			t.Errorf("day by day: %d fee transactions, want %d", len(daily), len(got))
		}
		// The fees are receivable, not loans: they bear no interest.
		bal, err := s.Balances(ctx, "once", through)
		if err != nil {
			t.Fatal(err)
		}
		if want := money.Amount(7_807_29 + 611_11 + 777_78 + 861_11 + 1_500_00 + 21_666_57 + 5_000_00); bal[ledger.FeesReceivable] != want || bal[ledger.FeeIncome] != -want {
			t.Errorf("fees receivable %s, fee income %s; want %s", bal[ledger.FeesReceivable], bal[ledger.FeeIncome], want)
		}
	})
}

// A fixed fee charged before its due date (to the loans, with ChargeFee)
// is not charged again by close of business; a periodic fee is not
// charged by ChargeFee.
func TestFixedFeeChargedOnce(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		svc := feeWorld(t, s, "btu")
		if _, err := svc.ChargeFee(ctx, "btu", "amendment_fee", d("2006-02-10"), true); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ChargeFee(ctx, "btu", "lc_fee", d("2006-02-10"), false); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("ChargeFee of a periodic fee: %v, want invalid", err)
		}
		if _, err := svc.CloseOfBusiness(ctx, d("2006-02-28")); err != nil {
			t.Fatal(err)
		}
		got := feePostings(t, s, "btu")
		if got["fee:amendment_fee"] != "2006-02-10 5000.00 amendment_fee" {
			t.Errorf("amendment fee %q, want the one charged on 2006-02-10 only", got["fee:amendment_fee"])
		}
	})
}

// An unknown term of a fee blocks that fee only: the facility is closed
// (interest, the other fees), the fee is not posted, and the run reports
// it naming the term's path; it succeeds.
func TestUnknownFeeTermBlocksThatFee(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		svc := feeWorld(t, s)
		btuAs(t, svc, "btu", feesAmendment, agreement.NewFile("2006-01-02-unknown.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: unknown-fee-rate
document: first-amendment
effective: 2006-01-02
order: 1
changes:
  - op: replace
    path: fees.lc_fee.rate
    cite: first-amendment §2.7
    value:
      unknown: the fee letter is not in the documents held
`)))
		for _, tr := range []func() (ledger.Transaction, error){
			func() (ledger.Transaction, error) {
				return ledger.Advance(ledger.Ref{Facility: "btu", Key: "a1", ValueDate: d("2006-01-03")}, 4_000_000_00)
			},
		} {
			x, _ := tr()
			if _, err := s.PostBatch(ctx, []ledger.Transaction{x}); err != nil {
				t.Fatal(err)
			}
		}
		res, err := svc.CloseOfBusiness(ctx, d("2006-02-01"))
		if err != nil || len(res.Failed) != 0 {
			t.Fatalf("close of business: %+v %v", res, err)
		}
		if len(res.Undetermined) != 1 || res.Undetermined[0].Facility != "btu" ||
			!strings.Contains(res.Undetermined[0].Reason, "the letter of credit fee (lc_fee) for 2006-01-01 to 2006-01-31 is undetermined") ||
			!strings.Contains(res.Undetermined[0].Reason, "(fees.lc_fee.rate): the fee letter is not in the documents held") {
			t.Errorf("undetermined %+v, want the letter-of-credit fee naming fees.lc_fee.rate", res.Undetermined)
		}
		txs, err := s.Transactions(ctx, "btu")
		if err != nil {
			t.Fatal(err)
		}
		interest := 0
		for _, tr := range txs {
			if tr.Kind == ledger.KindInterest {
				interest++
			}
			if tr.Kind == ledger.KindFee && strings.HasPrefix(tr.Key, "fee:lc_fee") {
				t.Errorf("the fee of unknown rate posted: %+v", tr)
			}
		}
		if interest != 30 {
			t.Errorf("%d days of interest, want 30 (3 January to 1 February)", interest)
		}
		if bd, _ := svc.BusinessDate(ctx); bd != d("2006-02-02") {
			t.Errorf("business date %s, want 2006-02-02", bd)
		}
	})
}

// A field examination is charged to the loan account as a cost, its memo
// citing Security Agreement ¶7; once per key; a cost the terms do not name
// is not_found.
func TestFieldExamCost(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		svc := feeWorld(t, s)
		btuAs(t, svc, "btu")
		in := CostInput{Facility: "btu", Kind: "field_exam", ValueDate: d("2006-03-15"), Amount: 4_500_00, Memo: "examiner's invoice 4411"}
		p, err := svc.ChargeCost(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		tr := p.Transaction
		if tr.Kind != ledger.KindCost || tr.Key != "cost:field_exam:2006-03-15" || tr.Memo != "Field examination (field_exam): examiner's invoice 4411; Security Agreement ¶7" ||
			len(tr.Postings) != 2 || tr.Postings[0] != (ledger.Posting{Account: ledger.Loans, Amount: 4_500_00}) {
			t.Errorf("cost %+v", tr)
		}
		if again, err := svc.ChargeCost(ctx, in); err != nil || !again.Replayed {
			t.Errorf("again: %+v %v, want the first replayed", again, err)
		}
		in.Kind = "appraisal"
		if _, err := svc.ChargeCost(ctx, in); store.ErrorCode(err) != store.CodeNotFound || !strings.Contains(err.Error(), "its costs: field_exam") {
			t.Errorf("a cost the terms do not name: %v", err)
		}
	})
}
