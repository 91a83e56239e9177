package statementpdf

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"revolver/calendar"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/statement"
)

// A statement of many lines prints on several pages, the same statement
// to the same bytes.
func TestBytes(t *testing.T) {
	var txs []ledger.Transaction
	for i := 0; i < 120; i++ {
		txs = append(txs, ledger.Transaction{ID: int64(i + 1), Kind: ledger.KindCollection, ValueDate: date.MustParse("2006-04-03") + date.Date(i%25),
			Memo:     fmt.Sprintf("received %s, credited after 1 clearance business days (US calendar) and a memo long enough to be cut to its column", date.MustParse("2006-04-02")+date.Date(i%25)),
			Postings: []ledger.Posting{{Account: ledger.CollectionsClearing, Amount: money.Amount(1000_00 + i)}, {Account: ledger.Loans, Amount: -money.Amount(1000_00 + i)}}})
	}
	s, err := statement.Build(statement.Input{Facility: "f", Year: 2006, Month: time.April, KnownAt: time.Date(2006, 5, 1, 12, 0, 0, 0, time.UTC),
		Transactions: txs, Billing: statement.BilledMonthly, Calendar: calendar.FederalReserve()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Bytes(s, "Facility F")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bytes(s, "Facility F")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Equal(a, b) {
		t.Errorf("PDF: %.20q, the same twice: %v", a, bytes.Equal(a, b))
	}
	if n := bytes.Count(a, []byte("/Type /Page\n")); n < 3 {
		t.Errorf("%d pages, want 3 or more", n)
	}
	if Name(s) != "f-statement-2006-04.pdf" {
		t.Errorf("name %s", Name(s))
	}
}
