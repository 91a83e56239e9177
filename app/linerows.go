package app

import (
	"revolver/collateral"
	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// ReceivableRow is one invoice of a certificate's aging as a line's detail
// shows it: its debtor's name and country from the customer master, its
// age and days past due on the certificate's date (the criteria's
// age_days and days_past_due), its amount.
type ReceivableRow struct {
	Line        int          `json:"line"`
	DebtorID    string       `json:"debtor_id"`
	DebtorName  string       `json:"debtor_name"`
	Country     string       `json:"country"`
	InvoiceNo   string       `json:"invoice_no"`
	InvoiceDate date.Date    `json:"invoice_date"`
	DueDate     date.Date    `json:"due_date"`
	AgeDays     int          `json:"age_days"`
	DaysPastDue int          `json:"days_past_due"`
	Amount      money.Amount `json:"amount"`
	Disputed    bool         `json:"disputed"`
}

// CertificateReports is a stored certificate's three reports, each with
// its kind and map, as submitted (the first three inputs).
func CertificateReports(c store.Certificate, blob func(sha string) ([]byte, error)) (CertificateInput, error) {
	var in CertificateInput
	for i, x := range c.Inputs {
		if i == 3 {
			break
		}
		b, err := blob(x.SHA256)
		if err != nil {
			return in, err
		}
		ic := store.InputContent{Name: x.Name, Content: b, Kind: x.Kind, Map: x.Map}
		switch {
		case x.Kind == store.InputReceivables || x.Kind == "" && i == 0:
			in.Receivables = ic
		case x.Kind == store.InputDebtors || x.Kind == "" && i == 1:
			in.Debtors = ic
		default:
			in.Inventory = ic
		}
	}
	return in, nil
}

// ReceivableRows reads the aging of a certificate's reports (ReadReports,
// with their maps) and gives the invoices at the given lines of it (all
// when lines is nil), in the file's order, as of asOf.
func ReceivableRows(in CertificateInput, currency string, asOf date.Date, lines map[int]bool) ([]ReceivableRow, error) {
	recv, _, err := ReadReports(in, currency)
	if err != nil {
		return nil, err
	}
	return receivableRowsOf(recv, asOf, lines), nil
}

func receivableRowsOf(recv *collateral.Receivables, asOf date.Date, lines map[int]bool) []ReceivableRow {
	var out []ReceivableRow
	for i := range recv.Rows {
		r := &recv.Rows[i]
		if lines != nil && !lines[int(r.Line)] {
			continue
		}
		d := recv.Debtors[r.Debtor]
		out = append(out, ReceivableRow{Line: int(r.Line), DebtorID: d.ID, DebtorName: d.Name, Country: d.Country, InvoiceNo: recv.InvoiceNo(i),
			InvoiceDate: r.InvoiceDate, DueDate: r.DueDate, AgeDays: r.AgeDays(asOf), DaysPastDue: r.DaysPastDue(asOf), Amount: r.Amount, Disputed: r.Disputed})
	}
	return out
}
