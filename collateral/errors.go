package collateral

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxErrors is how many problems a reader reports at once, so that a file can
// be corrected in one go.
const MaxErrors = 20

// FieldError is one problem in an input file: where it is, what was found
// and what was expected.
type FieldError struct {
	File     string `json:"file"`            // the input's name, e.g. "receivables.csv"
	Sheet    string `json:"sheet,omitempty"` // the workbook's sheet, when a report is read from several (Layout.Sheet "*"); Line is then its row
	Line     int    `json:"line"`            // line in the file (header = 1); 0 when it concerns the whole file
	Column   string `json:"column"`          // standard column name; "" when it concerns the whole row or file
	Value    string `json:"found"`           // the text found (for a missing column: the header found)
	Expected string `json:"expected"`        // what was expected instead
	// Missing is set when Column is absent from the header; Value then lists
	// the header's columns.
	Missing bool `json:"missing,omitempty"`
}

// Error reads like (a sheet of several as aging.xlsx[East]:12)
//
//	receivables.csv:1043: column "amount": found "12.345", expected an amount with at most two decimals
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, "[%s]", e.Sheet)
	}
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	switch {
	case e.Missing:
		fmt.Fprintf(&b, "missing column %q", e.Column)
		if e.Expected != "" {
			b.WriteString(" (")
			b.WriteString(e.Expected)
			b.WriteByte(')')
		}
		b.WriteString("; header found: ")
		b.WriteString(e.Value)
	case e.Column == "":
		fmt.Fprintf(&b, "found %s, expected %s", e.Value, e.Expected)
	default:
		fmt.Fprintf(&b, "column %q: found %q, expected %s", e.Column, e.Value, e.Expected)
	}
	return b.String()
}

// Errors is what a reader returns when an input is rejected: the first
// MaxErrors problems in line order, and how many were found in all.
type Errors struct {
	List  []*FieldError
	Total int
}

func (e *Errors) Error() string {
	var b strings.Builder
	for i, x := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(x.Error())
	}
	if e.Total > len(e.List) {
		fmt.Fprintf(&b, "\n(%d more problems not shown)", e.Total-len(e.List))
	}
	return b.String()
}

// Unwrap gives the individual FieldErrors to errors.Is and errors.As.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.List))
	for i, x := range e.List {
		out[i] = x
	}
	return out
}

// errList collects problems from one source in line order, keeping the
// first MaxErrors; merged lists are sorted and cut again in err.
type errList struct {
	list  []*FieldError
	total int
}

func (l *errList) add(e *FieldError) {
	l.total++
	if len(l.list) < MaxErrors {
		l.list = append(l.list, e)
	}
}

func (l *errList) merge(o *errList) {
	l.total += o.total
	l.list = append(l.list, o.list...)
}

// err returns nil or an *Errors with the first MaxErrors problems by line
// (stable, so problems of one line stay in column order).
func (l *errList) err() error {
	if l.total == 0 {
		return nil
	}
	list := l.list
	sortByLine(list)
	if len(list) > MaxErrors {
		list = list[:MaxErrors]
	}
	return &Errors{List: list, Total: l.total}
}

func sortByLine(list []*FieldError) {
	slices.SortStableFunc(list, func(a, b *FieldError) int { return a.Line - b.Line })
}

// Expectations, worded once.
const (
	expAmount     = "an amount with at most two decimals (e.g. 1234.56)"
	expNonNegAmt  = "an amount ≥ 0 with at most two decimals (e.g. 1234.56)"
	expDate       = "a date YYYY-MM-DD"
	expDateXLSX   = "a date YYYY-MM-DD or a spreadsheet date"
	expBool       = "true or false (also yes/no, 1/0)"
	expCountry    = "a two-letter ISO 3166 country code (e.g. US)"
	expUnitCost   = "a unit cost ≥ 0 (digits, optionally with a decimal point)"
	expQuantity   = "a quantity ≥ 0 (digits, optionally with a decimal point)"
	expQuoteClose = "a closing quote followed by a comma or the line's end"
)
