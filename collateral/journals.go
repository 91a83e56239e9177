package collateral

import (
	"bytes"
	"fmt"

	"revolver/date"
	"revolver/money"
)

// The period's journals: what happened between two reports (the data
// README's sales.csv, collections.csv, credits.csv and
// inventory_activity.csv). Their readers work as the reports' do: CSV or
// XLSX (chosen by the name's extension, .xlsx or .xlsm), a header line with
// the standard columns or the names Options.Columns maps them to, and every
// rejected row named by file, line and column with what was found and what
// was expected. Text is copied out of the input: a journal does not refer to
// the bytes it was read from.

// Standard columns of the journals, in the order of the data README.
var (
	SalesColumns             = []string{"debtor_id", "invoice_no", "invoice_date", "due_date", "amount", "currency"}
	CollectionColumns        = []string{"date", "debtor_id", "invoice_no", "kind", "check_no", "batch", "amount"}
	CreditColumns            = []string{"date", "debtor_id", "invoice_no", "memo_no", "kind", "amount"}
	InventoryActivityColumns = []string{"date", "item", "location", "kind", "quantity", "unit_cost", "amount"}
)

func init() {
	standardColumnSets = append(standardColumnSets, SalesColumns, CollectionColumns, CreditColumns, InventoryActivityColumns)
}

// Kinds of journal rows, as written in the files.
const (
	CollectionReceipt  = "receipt"  // cash applied to an invoice: amount > 0
	CollectionReturned = "returned" // a check that bounced: amount < 0, the invoice is open again

	CreditReturn    = "return"
	CreditAllowance = "allowance"
	CreditDiscount  = "discount"
	CreditWriteoff  = "writeoff"

	MoveReceipt    = "receipt"    // stock in: quantity and amount > 0
	MoveIssue      = "issue"      // stock out: quantity and amount > 0, both reduce stock
	MoveAdjustment = "adjustment" // a count adjustment, signed
)

// CreditKinds are the kinds of a credits journal row, in the order figures
// by kind are shown.
var CreditKinds = []string{CreditReturn, CreditAllowance, CreditDiscount, CreditWriteoff}

// SaleRow is one invoice of the sales journal.
type SaleRow struct {
	Line        int // line in the file, header = 1
	DebtorID    string
	InvoiceNo   string
	InvoiceDate date.Date
	DueDate     date.Date
	Amount      money.Amount // signed: a credit memo issued as a negative invoice is allowed
	Currency    string
}

// SalesJournal is the invoices issued in a period.
type SalesJournal struct {
	File    string
	Rows    []SaleRow
	Columns []string // the header's names after the column map
}

// CollectionRow is one cash receipt applied to an invoice, or a returned
// check.
type CollectionRow struct {
	Line      int
	Date      date.Date
	DebtorID  string
	InvoiceNo string
	Kind      string // CollectionReceipt or CollectionReturned
	CheckNo   string
	Batch     string
	Amount    money.Amount // > 0 for a receipt, < 0 for a returned check
}

// CollectionsJournal is the cash applied (and returned) in a period.
type CollectionsJournal struct {
	File    string
	Rows    []CollectionRow
	Columns []string
}

// CreditRow is one credit memo, discount or write-off applied to an invoice.
type CreditRow struct {
	Line      int
	Date      date.Date
	DebtorID  string
	InvoiceNo string
	MemoNo    string
	Kind      string       // one of CreditKinds
	Amount    money.Amount // > 0; it reduces the invoice
}

// CreditsJournal is the credits applied in a period.
type CreditsJournal struct {
	File    string
	Rows    []CreditRow
	Columns []string
}

// InventoryMove is one inventory receipt, issue or count adjustment.
type InventoryMove struct {
	Line     int
	Date     date.Date
	Item     string
	Location string
	Kind     string       // MoveReceipt, MoveIssue or MoveAdjustment
	Quantity string       // as written: > 0 for a receipt or an issue, signed for an adjustment
	UnitCost string       // as written, ≥ 0
	Amount   money.Amount // > 0 for a receipt or an issue, signed for an adjustment
}

// InventoryActivity is the inventory moves of a period.
type InventoryActivity struct {
	File    string
	Rows    []InventoryMove
	Columns []string
}

// Journals are the journals delivered with a report; a nil member was not
// delivered (its figures are then undetermined, never zero).
type Journals struct {
	Sales             *SalesJournal
	Collections       *CollectionsJournal
	Credits           *CreditsJournal
	InventoryActivity *InventoryActivity
}

// ReadSales reads a sales journal (CSV, or XLSX when name ends in .xlsx or
// .xlsm). Amounts must be in opt's currency (default USD). On any problem it
// returns nil and an *Errors.
func ReadSales(name string, data []byte, opt Options) (*SalesJournal, error) {
	cur := opt.currency()
	curB := []byte(cur)
	curExp := fmt.Sprintf("%q (the currency of this report)", cur)
	c := SalesColumns
	rows, cols, err := readJournal(name, "sales", data, c, opt, func(w *worker, f fields, line int32, r *SaleRow) {
		r.Line = int(line)
		r.DebtorID = w.required(line, c[0], f.at(0), "a debtor_id")
		r.InvoiceNo = w.required(line, c[1], f.at(1), "an invoice number")
		r.InvoiceDate = w.date(line, c[2], f.at(2))
		r.DueDate = w.date(line, c[3], f.at(3))
		r.Amount = w.amount(line, c[4], f.at(4), 0)
		if b := f.at(5); bytes.EqualFold(b, curB) {
			r.Currency = cur
		} else {
			w.fail(line, c[5], b, curExp)
		}
	}, func(r *SaleRow) int { return r.Line })
	if err != nil {
		return nil, err
	}
	return &SalesJournal{File: name, Rows: rows, Columns: cols}, nil
}

// ReadCollections reads a collections journal (CSV, or XLSX by the name's
// extension). A receipt's amount must be > 0, a returned check's < 0. On
// any problem it returns nil and an *Errors.
func ReadCollections(name string, data []byte, opt Options) (*CollectionsJournal, error) {
	c := CollectionColumns
	rows, cols, err := readJournal(name, "collections", data, c, opt, func(w *worker, f fields, line int32, r *CollectionRow) {
		r.Line = int(line)
		r.Date = w.date(line, c[0], f.at(0))
		r.DebtorID = w.required(line, c[1], f.at(1), "a debtor_id")
		r.InvoiceNo = w.required(line, c[2], f.at(2), "an invoice number")
		r.Kind = w.kind(line, c[3], f.at(3), collectionKinds, "receipt or returned")
		r.CheckNo = w.keep(f.at(4))
		r.Batch = w.internBytes(f.at(5))
		sign := 0
		switch r.Kind {
		case CollectionReceipt:
			sign = 1
		case CollectionReturned:
			sign = -1
		}
		r.Amount = w.amount(line, c[6], f.at(6), sign)
	}, func(r *CollectionRow) int { return r.Line })
	if err != nil {
		return nil, err
	}
	return &CollectionsJournal{File: name, Rows: rows, Columns: cols}, nil
}

// ReadCredits reads a credits journal (CSV, or XLSX by the name's
// extension). Every amount must be > 0. On any problem it returns nil and an
// *Errors.
func ReadCredits(name string, data []byte, opt Options) (*CreditsJournal, error) {
	c := CreditColumns
	rows, cols, err := readJournal(name, "credits", data, c, opt, func(w *worker, f fields, line int32, r *CreditRow) {
		r.Line = int(line)
		r.Date = w.date(line, c[0], f.at(0))
		r.DebtorID = w.required(line, c[1], f.at(1), "a debtor_id")
		r.InvoiceNo = w.required(line, c[2], f.at(2), "an invoice number")
		r.MemoNo = w.keep(f.at(3))
		r.Kind = w.kind(line, c[4], f.at(4), CreditKinds, "return, allowance, discount or writeoff")
		r.Amount = w.amount(line, c[5], f.at(5), 1)
	}, func(r *CreditRow) int { return r.Line })
	if err != nil {
		return nil, err
	}
	return &CreditsJournal{File: name, Rows: rows, Columns: cols}, nil
}

// ReadInventoryActivity reads an inventory activity journal (CSV, or XLSX by
// the name's extension). A receipt's or an issue's quantity and amount must
// be > 0; an adjustment's are signed. On any problem it returns nil and an
// *Errors.
func ReadInventoryActivity(name string, data []byte, opt Options) (*InventoryActivity, error) {
	c := InventoryActivityColumns
	rows, cols, err := readJournal(name, "inventory_activity", data, c, opt, func(w *worker, f fields, line int32, r *InventoryMove) {
		r.Line = int(line)
		r.Date = w.date(line, c[0], f.at(0))
		r.Item = w.required(line, c[1], f.at(1), "an item number")
		if b := f.at(2); len(b) > 0 {
			r.Location = w.internBytes(b)
		} else {
			w.fail(line, c[2], b, "a location code")
		}
		r.Kind = w.kind(line, c[3], f.at(3), moveKinds, "receipt, issue or adjustment")
		q := f.at(4)
		if r.Kind == MoveAdjustment {
			if len(q) > 0 && q[0] == '-' && validQuantity(q[1:]) || validQuantity(q) {
				r.Quantity = w.keep(q)
			} else {
				w.fail(line, c[4], q, "a signed quantity (digits, optionally with a decimal point)")
			}
		} else if validQuantity(q) && !zeroQuantity(q) {
			r.Quantity = w.keep(q)
		} else if r.Kind != "" {
			w.fail(line, c[4], q, "a quantity > 0 (digits, optionally with a decimal point)")
		}
		if b := f.at(5); validQuantity(b) {
			r.UnitCost = w.keep(b)
		} else {
			w.fail(line, c[5], b, expUnitCost)
		}
		sign := 1
		if r.Kind == MoveAdjustment || r.Kind == "" {
			sign = 0
		}
		r.Amount = w.amount(line, c[6], f.at(6), sign)
	}, func(r *InventoryMove) int { return r.Line })
	if err != nil {
		return nil, err
	}
	return &InventoryActivity{File: name, Rows: rows, Columns: cols}, nil
}

var (
	collectionKinds = []string{CollectionReceipt, CollectionReturned}
	moveKinds       = []string{MoveReceipt, MoveIssue, MoveAdjustment}
)

// LoadSales reads a sales journal file, CSV or XLSX by its extension.
func LoadSales(path string, opt Options) (*SalesJournal, error) {
	return load(path, opt, ReadSales)
}

// LoadCollections reads a collections journal file.
func LoadCollections(path string, opt Options) (*CollectionsJournal, error) {
	return load(path, opt, ReadCollections)
}

// LoadCredits reads a credits journal file.
func LoadCredits(path string, opt Options) (*CreditsJournal, error) {
	return load(path, opt, ReadCredits)
}

// LoadInventoryActivity reads an inventory activity file.
func LoadInventoryActivity(path string, opt Options) (*InventoryActivity, error) {
	return load(path, opt, ReadInventoryActivity)
}

func load[J any](path string, opt Options, read func(string, []byte, Options) (*J, error)) (*J, error) {
	data, release, err := readInput(path)
	if err != nil {
		return nil, err
	}
	defer release() // a journal copies its text out of the input
	return read(path, data, opt)
}

// readJournal reads a journal's rows with parse (given each standard
// column's field); line gives a row's line (0 for the holes left by blank
// lines and multi-line records, dropped).
func readJournal[R any](name, kind string, data []byte, std []string, opt Options,
	parse func(w *worker, f fields, line int32, r *R), line func(*R) int) ([]R, []string, error) {
	t := &table{file: name, kind: kind}
	s := &journalSink[R]{t: t, parse: parse}
	var ws []*worker
	var sh *shaped
	if opt.Layout != nil {
		var err error
		if sh, err = shapeReport(name, kind, data, isXLSX(name), opt); err != nil {
			return nil, nil, err
		}
		var ok bool
		if t, ok = sh.table(kind, std, opt); !ok {
			return nil, nil, sh.fix(t.errs.err())
		}
		s.t = t
		s.cols(std)
		ws = sh.scan(t, s)
		t.errs.merge(&sh.errs)
	} else if isXLSX(name) {
		rows, err := sheetRows(name, kind, data, std, opt)
		if err != nil {
			return nil, nil, err
		}
		if !headerRows(t, rows, std, opt) {
			return nil, nil, t.errs.err()
		}
		s.cols(std)
		ws = scanRows(t, rows, s)
	} else {
		body, start, firstLine, ok := headerCSV(t, data, std, opt)
		if !ok {
			return nil, nil, t.errs.err()
		}
		s.cols(std)
		ws = scanCSV(t, body, start, firstLine, s)
	}
	collect(t, ws)
	if err := t.errs.err(); err != nil {
		if sh != nil {
			return nil, nil, sh.fix(err)
		}
		return nil, nil, err
	}
	rows := s.rows
	n := 0
	for i := range rows {
		if line(&rows[i]) == 0 {
			continue
		}
		if n != i {
			rows[n] = rows[i]
		}
		n++
	}
	return rows[:n:n], t.columns, nil
}

// fields gives a record's standard columns by their index in the
// journal's column list.
type fields struct {
	w   *worker
	idx []int
}

func (f fields) at(i int) []byte { return f.w.field(f.idx[i]) }

type journalSink[R any] struct {
	t     *table
	idx   []int
	rows  []R
	parse func(w *worker, f fields, line int32, r *R)
}

func (s *journalSink[R]) cols(std []string) {
	s.idx = make([]int, len(std))
	for i, c := range std {
		s.idx[i] = s.t.col(c, std)
	}
}

func (s *journalSink[R]) alloc(n int)         { s.rows = make([]R, n) }
func (s *journalSink[R]) reset()              { clear(s.rows) }
func (s *journalSink[R]) chunkDone(w *worker) {}

func (s *journalSink[R]) row(w *worker, line int32, idx int) {
	r := &s.rows[idx]
	if !w.shape(s.t, line) {
		return // the problem is recorded: no rows are returned
	}
	s.parse(w, fields{w, s.idx}, line, r)
}

// Field readers of the journals: each records a problem and returns the
// zero value when the field is not what was expected.

func (w *worker) required(line int32, col string, b []byte, expected string) string {
	if len(b) == 0 {
		w.fail(line, col, b, expected)
		return ""
	}
	return w.keep(b)
}

func (w *worker) date(line int32, col string, b []byte) date.Date {
	d, ok := w.parseDate(b)
	if !ok {
		w.fail(line, col, b, w.expDateOf(b))
	}
	return d
}

// amount reads an amount that must be > 0 (sign 1), < 0 (sign -1) or may
// be anything (sign 0).
func (w *worker) amount(line int32, col string, b []byte, sign int) money.Amount {
	a, ok := w.parseAmount(b)
	switch {
	case !ok:
		w.fail(line, col, b, w.expAmount(expAmount))
	case sign > 0 && a <= 0:
		w.fail(line, col, b, "an amount > 0 with at most two decimals (e.g. 1234.56)")
	case sign < 0 && a >= 0:
		w.fail(line, col, b, "an amount < 0 with at most two decimals (e.g. -1234.56): a returned check is negative")
	}
	return a
}

// kind returns the one of kinds b names (in any case), or "" with a problem
// recorded.
func (w *worker) kind(line int32, col string, b []byte, kinds []string, expected string) string {
	for _, k := range kinds {
		if len(b) == len(k) && equalFoldASCII(b, k) {
			return k
		}
	}
	w.fail(line, col, b, expected)
	return ""
}

func equalFoldASCII(b []byte, s string) bool {
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func zeroQuantity(b []byte) bool {
	for _, c := range b {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}

// CheckPeriod refuses every journal row dated outside the period (previous,
// asOf]: a sales row by its invoice_date, every other row by its date. The
// problems are listed journal by journal (sales, collections, credits,
// inventory activity), in line order, the first MaxErrors of them.
func (j Journals) CheckPeriod(previous, asOf date.Date) error {
	expected := fmt.Sprintf("a date after %s and on or before %s", previous, asOf)
	var list []*FieldError
	total := 0
	check := func(file string, line int, col string, d date.Date) {
		if d > previous && d <= asOf {
			return
		}
		total++
		if len(list) < MaxErrors {
			list = append(list, &FieldError{File: file, Line: line, Column: col, Value: d.String(), Expected: expected})
		}
	}
	if s := j.Sales; s != nil {
		for i := range s.Rows {
			check(s.File, s.Rows[i].Line, "invoice_date", s.Rows[i].InvoiceDate)
		}
	}
	if c := j.Collections; c != nil {
		for i := range c.Rows {
			check(c.File, c.Rows[i].Line, "date", c.Rows[i].Date)
		}
	}
	if c := j.Credits; c != nil {
		for i := range c.Rows {
			check(c.File, c.Rows[i].Line, "date", c.Rows[i].Date)
		}
	}
	if v := j.InventoryActivity; v != nil {
		for i := range v.Rows {
			check(v.File, v.Rows[i].Line, "date", v.Rows[i].Date)
		}
	}
	if total == 0 {
		return nil
	}
	return &Errors{List: list, Total: total}
}
