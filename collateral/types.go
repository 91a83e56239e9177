// Package collateral owns the borrower's collateral reports as revolver reads
// them: the customer master (debtors), the accounts-receivable aging and the
// inventory valuation, from CSV or XLSX, with column maps for other ERP
// exports. Every rejected input names the file, row (line) and column, what
// was found and what was expected.
//
// Readers: ReadDebtors, ReadReceivables, ReadInventory (CSV bytes), their
// XLSX twins, and LoadDebtors, LoadReceivables, LoadInventory, which pick the
// format by the file's extension. The period's journals (journals.go):
// ReadSales, ReadCollections, ReadCredits, ReadInventoryActivity pick CSV or
// XLSX by the name given, their Load twins read a file, LoadJournals a
// period's directory; Journals.CheckPeriod refuses rows dated outside the
// period. ReadPeriods reads a history's periods.csv (history.go). A rejected input gives an *Errors listing
// up to MaxErrors FieldErrors in line order, and nothing else.
//
// CSV is RFC 4180 (quoted fields, "" for a quote inside, line ends LF or
// CRLF, an optional UTF-8 byte-order mark; unquoted values are trimmed of
// spaces). The reader scans the whole input as bytes, in parallel chunks cut
// at line boundaries, without allocating per row (BenchmarkReadReceivables1M: a
// million invoices, 60 MB, in about 70 ms on two cores). Invoice
// numbers are not copied: a Receivables refers to the input it was read from.
package collateral

import (
	"revolver/date"
	"revolver/money"
)

// Debtor is one account debtor of the customer master (debtors.csv).
type Debtor struct {
	ID                 string       `json:"debtor_id"`
	Name               string       `json:"name"`
	Country            string       `json:"country"` // ISO 3166 alpha-2
	Government         bool         `json:"government"`
	Affiliate          bool         `json:"affiliate"`
	CreditInsured      bool         `json:"credit_insured"`
	AssignmentOfClaims bool         `json:"assignment_of_claims"`
	ContraPayable      money.Amount `json:"contra_payable"`
	Line               int32        `json:"line"` // line in the file, header = 1
}

// Receivable is one open invoice or credit memo of the aging (receivables.csv).
// Text fields live in the owning Receivables' buffer; use its accessors.
type Receivable struct {
	Line        int32        // line in the file, header = 1
	Debtor      int32        // index into Receivables.Debtors
	InvoiceDate date.Date    // invoice_date
	DueDate     date.Date    // due_date
	Amount      money.Amount // open balance; negative for a credit memo
	Disputed    bool
	invLen      uint16 // invoice_no is buf[invOff:invOff+invLen] (32-byte rows)
	invOff      int32
}

// AgeDays is the invoice's age on asOf: the days since its invoice date
// (the criteria's age_days).
func (r *Receivable) AgeDays(asOf date.Date) int { return asOf.Sub(r.InvoiceDate) }

// DaysPastDue is how many days the invoice is past due on asOf (negative:
// not yet due; the criteria's days_past_due).
func (r *Receivable) DaysPastDue(asOf date.Date) int { return asOf.Sub(r.DueDate) }

// Receivables is a parsed aging with its customer master.
type Receivables struct {
	File        string // name of the receivables input, e.g. "receivables.csv"
	DebtorsFile string
	Debtors     []Debtor
	Rows        []Receivable
	// Columns are the receivables file's header names (after the column map),
	// and extra holds, per row, the text of columns beyond the standard ones,
	// for custom (CEL) criteria.
	Columns []string
	buf     []byte
	extra   map[string][]string
	input   *mapping // the mapped input file buf may point into
}

// mapping keeps a memory-mapped input alive; it is unmapped once no
// Receivables (or copy of one) refers to it.
type mapping struct{ release func() }

// InvoiceNo returns row i's invoice number.
func (r *Receivables) InvoiceNo(i int) string {
	x := r.Rows[i]
	return string(r.buf[x.invOff : x.invOff+int32(x.invLen)])
}

// Extra returns the text of a non-standard column for row i ("" if absent).
func (r *Receivables) Extra(column string, i int) string {
	v := r.extra[column]
	if v == nil {
		return ""
	}
	return v[i]
}

// Item is one inventory row (inventory.csv): an item at a location.
type Item struct {
	Line         int32
	Item         string
	Description  string
	Location     string
	Category     string
	Quantity     string       // as written (may be fractional); not used for value
	UnitCost     string       // as written: a decimal ≥ 0, any number of decimals (ERPs often give four); not used for value
	ExtendedCost money.Amount // the value counted: quantity × unit cost, as reported
	LastMovement date.Date
}

// Inventory is a parsed inventory valuation.
type Inventory struct {
	File    string
	Rows    []Item
	Columns []string
	extra   map[string][]string
}

// Extra returns the text of a non-standard column for row i ("" if absent).
func (v *Inventory) Extra(column string, i int) string {
	c := v.extra[column]
	if c == nil {
		return ""
	}
	return c[i]
}

// InvoiceBytes returns row i's invoice number without a copy. The bytes
// belong to r (they may be its input file, mapped): they must not be
// changed, and are valid only while r is alive.
func (r *Receivables) InvoiceBytes(i int) []byte {
	x := r.Rows[i]
	return r.buf[x.invOff : x.invOff+int32(x.invLen) : x.invOff+int32(x.invLen)]
}

// DebtorID returns row i's debtor id.
func (r *Receivables) DebtorID(i int) string { return r.Debtors[r.Rows[i].Debtor].ID }
