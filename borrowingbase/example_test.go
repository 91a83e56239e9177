package borrowingbase_test

import (
	"fmt"

	"revolver/agreement"
	"revolver/borrowingbase"
	"revolver/collateral"
	"revolver/date"
	"revolver/money"
)

// A debtor with one invoice past 90 days and one current; 80% advance rate;
// a letter of credit deducted from the borrowing base.
func ExampleCompute() {
	asOf := date.MustParse("2004-06-30")
	days := &agreement.Term[int]{Value: 90}
	terms := &agreement.Terms{
		Currency: "USD",
		BorrowingBase: agreement.BorrowingBase{
			Components: []agreement.Component{{ID: "receivables", Collateral: agreement.Receivables,
				AdvanceRate: agreement.Term[money.Rate]{Value: money.MustRate("80%")}}},
			LettersOfCredit: agreement.Term[string]{Value: "deduct_from_borrowing_base"},
		},
		Receivables: []agreement.Criterion{{ID: "past_due", Kind: agreement.PastDue, Days: days}},
	}
	debtors := []collateral.Debtor{{ID: "C1", Country: "US"}}
	rows := []collateral.Receivable{
		{Line: 2, Debtor: 0, InvoiceDate: asOf.AddDays(-120), Amount: 250_000_00},
		{Line: 3, Debtor: 0, InvoiceDate: asOf.AddDays(-10), Amount: 1_000_000_03},
	}
	rv := collateral.NewReceivables("receivables.csv", "debtors.csv", debtors, rows, []string{"A1", "A2"})
	c, err := borrowingbase.Compute(borrowingbase.Input{Terms: terms, AsOf: asOf, Receivables: rv, LCOutstanding: 100_000_00})
	if err != nil {
		panic(err)
	}
	fmt.Print(c.Table())
	// Output:
	// Borrowing base certificate as of 2004-06-30 (USD)
	//
	// Receivables
	//   Gross (receivables.csv, 2 rows)                             1,250,000.03
	//   Less ineligible:
	//     Past due (over 90 days from invoice date)                   250,000.00
	//   Eligible                                                    1,000,000.03
	//   Advance rate 80% × eligible                                   800,000.02
	//   Availability                                                  800,000.02
	//
	// Less letters of credit (outstanding 100,000.00 + drawn 0.00)    100,000.00
	// Borrowing base                                                  700,000.02
}
