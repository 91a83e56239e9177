package ledger_test

import (
	"fmt"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// One day's interest on $10,000,000 at prime 5.50% plus a 0.25% margin,
// Actual/360, rounded half away from zero to the cent.
func ExampleAccrueDay() {
	prime := ledger.RateSeries{{Effective: date.MustParse("2005-03-01"), Value: money.MustRate("5.50%")}}
	p := ledger.Pricing{Series: "prime", Margin: money.MustRate("0.25%"), DayCount: ledger.Actual360}
	a, _ := ledger.AccrueDay(p, prime, date.MustParse("2005-03-15"), 10_000_000_00)
	fmt.Println(a.Rate.Percent(), a.Amount)
	// Output: 5.75% 1597.22
}

// An advance refused with the numbers.
func ExampleCheckAdvance() {
	vd := date.MustParse("2006-01-10")
	a := ledger.ComputeAvailability(ledger.Limits{AsOf: vd, Commitment: 10_000_000_00, Loans: 5_500_000_00,
		Certificate: &ledger.Certificate{ID: 12, AsOf: date.MustParse("2005-12-31"), BorrowingBase: 6_000_000_00}})
	err := ledger.CheckAdvance([]ledger.Availability{a}, 600_000_00)
	fmt.Println(err)
	// Output: advance of 600,000.00 on 2006-01-10 refused: availability is 500,000.00 = min(commitment 10,000,000.00, advance cap none, borrowing base 6,000,000.00) − letters of credit 0.00 − loans outstanding 5,500,000.00
}

// A transaction and its reversal leave every balance as it was.
func ExampleReverse() {
	r := ledger.Ref{Facility: "btu-sovereign", Key: "fee-closing", ValueDate: date.MustParse("2004-06-30")}
	fee, _ := ledger.Fee(r, 20_000_00, true)
	fee.ID = 1
	rev, _ := ledger.Reverse(ledger.Ref{Facility: "btu-sovereign", Key: "fee-closing-rev", ValueDate: date.MustParse("2004-07-01")}, ledger.KindReversal, fee)
	txs := []ledger.Transaction{fee, rev}
	fmt.Println(ledger.Balance(txs, ledger.Loans, date.MustParse("2004-06-30")), ledger.Balance(txs, ledger.Loans, date.MustParse("2004-07-01")))
	// Output: 20000.00 0.00
}

// The explanation of an availability figure.
func ExampleAvailability_Explain() {
	capAmt := money.Amount(8_000_000_00)
	a := ledger.ComputeAvailability(ledger.Limits{AsOf: date.MustParse("2006-01-10"), Commitment: 10_000_000_00, AdvanceCap: &capAmt,
		Certificate: &ledger.Certificate{ID: 12, AsOf: date.MustParse("2005-12-31"), BorrowingBase: 6_000_000_00}, Loans: 5_500_000_00})
	fmt.Print(a.Explain().Text())
	// Output:
	// Availability: 500000.00
	//   formula: limit − letters of credit − loans outstanding
	//   Limit: 6000000.00
	//     formula: min(commitment, advance cap, borrowing base); binding: borrowing_base
	//     Commitment: 10000000.00
	//     Advance cap: 8000000.00
	//     Borrowing base of the certificate in force: 6000000.00
	//       formula: certificate's borrowing base − exclusions
	//       Certificate 12 as of 2005-12-31: 6000000.00
	//   Letters of credit (deduct_from_borrowing_base): 0.00
	//     formula: outstanding + drawn and not reimbursed
	//   Loans outstanding: 5500000.00
}
