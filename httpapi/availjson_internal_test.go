package httpapi

import (
	"encoding/json"
	"testing"
	"time"

	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
)

// TestAvailabilityJSON: the availability answer's own encoder writes what
// encoding/json writes for the struct, with every optional field absent
// and present, and strings that need escapes.
func TestAvailabilityJSON(t *testing.T) {
	amt := func(s string) *money.Amount {
		a, err := money.ParseAmount(s)
		if err != nil {
			t.Fatal(err)
		}
		return &a
	}
	full := Availability{AsOf: date.MustParse("2004-10-15"), KnownAt: time.Date(2004, 10, 15, 17, 30, 0, 123456000, time.UTC),
		BusinessDate: date.MustParse("2004-10-16"), Commitment: *amt("25000000.00"), AdvanceCap: amt("20000000.00"),
		TerminationDate: date.MustParse("2007-06-30"), Certificate: 42, CertificateAsOf: date.MustParse("2004-10-03"),
		CertificateBorrowingBase: *amt("12345678.91"), Exclusions: *amt("-1.05"), BorrowingBase: *amt("12000000.00"),
		LettersOfCredit: *amt("300000.00"), LettersOfCreditTreatment: "deducted <from> the \"limit\" & more\n",
		LCOutstanding: *amt("250000.00"), LCDrawn: *amt("50000.00"), Limit: *amt("11700000.00"), BindingLimit: "borrowing base — §2.1",
		LoansOutstanding: *amt("9000000.00"), Availability: amt("-2700000.01"), AvailableToAdvance: 0, LowestOn: date.MustParse("2004-11-01"),
		Formula:            "min(commitment, borrowing base) − loans = 1 < 2",
		AdvancesBlocked:    []ledger.Reason{{Code: "default", Message: "an event of default continues", Cite: explain.Cite{}}},
		DefaultsContinuing: []string{"overadvance"},
		Overadvance:        &ledger.Overadvance{Amount: *amt("2700000.01"), AsOf: date.MustParse("2004-10-15"), Cause: "loans", Detail: "x"},
		Hindsight:          &Hindsight{KnownAt: time.Date(2004, 10, 20, 0, 0, 0, 0, time.FixedZone("x", 3600)), Why: []string{"a later certificate"}},
	}
	for name, a := range map[string]Availability{
		"empty": {AdvancesBlocked: []ledger.Reason{}, DefaultsContinuing: []string{}},
		"nils":  {AsOf: date.MustParse("2004-10-15"), KnownAt: time.Now()},
		"full":  full,
		"tranches": func() Availability {
			a := full
			a.Tranches = &ledger.Tranches{FirstOut: ledger.Tranche{Tranche: "first_out", Account: ledger.Loans, Limit: *amt("10.00")},
				LastOut: ledger.Tranche{Tranche: "last_out", Account: ledger.LoansLastOut, Limit: *amt("1.00")}}
			a.AvailableToAdvanceLastOut = amt("0.50")
			return a
		}(),
		"no hint": func() Availability {
			a := full
			a.Hindsight, a.Overadvance, a.Availability, a.Formula = nil, nil, nil, ""
			return a
		}(),
	} {
		want, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}
