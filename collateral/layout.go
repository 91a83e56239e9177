package collateral

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"revolver/date"
	"revolver/money"
)

// A Layout is the shape of a report as an accounting package exports it,
// beside the column map that names its columns: title rows above the
// column header, the header on a later row, US or day-first dates, amounts
// written "$1,234.56", "(12.00)" or "12.00-", group header rows and
// subtotal and total rows, several sheets of one workbook. A report read
// under a Layout goes through one slower path, shared by every kind of
// report, that shapes its rows (shapeReport) and then reads them as a
// spreadsheet's are; a report without one takes the fast CSV path.
//
// Rows are classified in order:
//
//   - rows above the header are title rows, skipped;
//   - a blank row is skipped;
//   - a total row is one whose marker cell (MarkerColumn, or else the first
//     non-empty cell, then only when the key column is empty) is one of
//     TotalMarkers or starts with one and a space ("Total Acme Corp"), or
//     one whose key column is empty while its amount is not. Its amount is
//     checked against the detail it covers: a subtotal ("Subtotal …",
//     "Total …", or a bare marker under an open group) the detail rows
//     since the group header or the previous subtotal, a grand total
//     ("Grand Total …", or a bare marker with no group open) every detail
//     row since the previous grand total. A difference is refused, naming
//     the total's row, the rows it covers and the difference;
//   - a group header is a row whose key column and whose date and amount
//     columns are all empty, or with one cell alone (e.g. a customer's
//     name); it opens a group;
//   - every other row is a detail row, read as data.
//
// The key column is the report's identifier (receivables, sales,
// collections, credits: invoice_no; debtors: debtor_id; inventory and
// inventory activity: item); the checked amount is amount (contra_payable
// for debtors, extended_cost for inventory).
type Layout struct {
	// DateFormat is how dates are written: DateISO (the default), DateMDY,
	// DateMDYLoose, DateDMY or DateDMYLoose. ISO dates and spreadsheet
	// dates are read under any format. A date with slashes under no
	// declared format is refused with the format to declare: an ambiguous
	// date is never guessed.
	DateFormat string `json:"date_format,omitempty"`
	// HeaderRow is the row (line) of the column header; 0: the first row
	// (of the first MaxHeaderSearch) that has every mapped column.
	HeaderRow int `json:"header_row,omitempty"`
	// Sheet is the workbook's sheet to read: "" the sheet named like the
	// report or else the first; a name, that sheet; SheetsAll ("*"), every
	// non-empty sheet, each with the same header, concatenated in order.
	Sheet string `json:"sheet,omitempty"`
	// TotalMarkers are the words that mark a total row; default "Total",
	// "Subtotal", "Grand Total" (matched without regard to case).
	TotalMarkers []string `json:"total_markers,omitempty"`
	// MarkerColumn is the column (a standard name or a header name) whose
	// value marks a total row; "" the row's first non-empty cell.
	MarkerColumn string `json:"marker_column,omitempty"`
	// Defaults give the value of a standard column the report does not
	// have (e.g. currency=USD, disputed=false for an aging without them).
	Defaults map[string]string `json:"defaults,omitempty"`
}

// Date formats of a Layout.
const (
	DateISO      = "YYYY-MM-DD"
	DateMDY      = "MM/DD/YYYY" // two-digit month and day
	DateMDYLoose = "M/D/YYYY"   // one or two digits
	DateDMY      = "DD/MM/YYYY"
	DateDMYLoose = "D/M/YYYY"
)

// DateFormats are the date formats a Layout may declare.
var DateFormats = []string{DateISO, DateMDY, DateMDYLoose, DateDMY, DateDMYLoose}

// SheetsAll as a Layout's Sheet reads every sheet of a workbook.
const SheetsAll = "*"

// MaxHeaderSearch is how many rows are searched for the column header
// when a Layout does not declare its row.
const MaxHeaderSearch = 100

// DefaultTotalMarkers mark total rows when a Layout names none.
var DefaultTotalMarkers = []string{"Total", "Subtotal", "Grand Total"}

// Kinds of report a column map and a layout are kept for, as
// store.Input* names them.
var Kinds = []string{"receivables", "debtors", "inventory", "sales", "collections", "credits", "inventory_activity"}

// kindSpec is what the layout path knows of a kind of report.
type kindSpec struct {
	std     []string
	dates   []string // columns holding dates
	amounts []string // columns holding amounts (accounting forms normalised)
	numbers []string // quantities and unit costs ($ and thousands separators removed)
	key     string   // the identifier: empty on group header and total rows
	total   string   // the amount checked against totals
}

var kindSpecs = map[string]kindSpec{
	"receivables":        {ReceivableColumns, []string{"invoice_date", "due_date"}, []string{"amount"}, nil, "invoice_no", "amount"},
	"debtors":            {DebtorColumns, nil, []string{"contra_payable"}, nil, "debtor_id", "contra_payable"},
	"inventory":          {InventoryColumns, []string{"last_movement_date"}, []string{"extended_cost"}, []string{"quantity", "unit_cost"}, "item", "extended_cost"},
	"sales":              {SalesColumns, []string{"invoice_date", "due_date"}, []string{"amount"}, nil, "invoice_no", "amount"},
	"collections":        {CollectionColumns, []string{"date"}, []string{"amount"}, nil, "invoice_no", "amount"},
	"credits":            {CreditColumns, []string{"date"}, []string{"amount"}, nil, "invoice_no", "amount"},
	"inventory_activity": {InventoryActivityColumns, []string{"date"}, []string{"amount"}, []string{"quantity", "unit_cost"}, "item", "amount"},
}

// StandardColumns returns a kind's standard columns (nil for an unknown
// kind).
func StandardColumns(kind string) []string { return kindSpecs[kind].std }

// ReportMap is what a facility keeps for one kind of report: its column
// map and its layout (nil: a plain report).
type ReportMap struct {
	Columns map[string]string `json:"columns,omitempty"`
	Layout  *Layout           `json:"layout,omitempty"`
}

// IsZero reports whether m maps nothing.
func (m ReportMap) IsZero() bool { return len(m.Columns) == 0 && m.Layout == nil }

// Options returns the reader options of m for the currency.
func (m ReportMap) Options(currency string) Options {
	return Options{Currency: currency, Columns: m.Columns, Layout: m.Layout}
}

// Validate checks m for a kind of report: the column map's keys and the
// layout's defaults are the kind's standard columns, the date format one of
// DateFormats, the header row not negative.
func (m ReportMap) Validate(kind string) error {
	spec, ok := kindSpecs[kind]
	if !ok {
		return fmt.Errorf("report kind: found %q, expected one of %s", kind, strings.Join(Kinds, ", "))
	}
	for _, k := range sortedKeys(m.Columns) {
		if !slices.Contains(spec.std, k) {
			return fmt.Errorf("column map: found %q, expected one of the %s columns %s", k, kind, strings.Join(spec.std, ", "))
		}
		if strings.TrimSpace(m.Columns[k]) == "" {
			return fmt.Errorf("column map: column %q mapped to an empty header, expected a header name", k)
		}
	}
	if l := m.Layout; l != nil {
		if l.DateFormat != "" && !slices.Contains(DateFormats, l.DateFormat) {
			return fmt.Errorf("layout date_format: found %q, expected one of %s", l.DateFormat, strings.Join(DateFormats, ", "))
		}
		if l.HeaderRow < 0 || l.HeaderRow > 1<<20 {
			return fmt.Errorf("layout header_row: found %d, expected a row number from 1 (or 0: found by the column names)", l.HeaderRow)
		}
		for _, k := range sortedKeys(l.Defaults) {
			if !slices.Contains(spec.std, k) {
				return fmt.Errorf("layout defaults: found %q, expected one of the %s columns %s", k, kind, strings.Join(spec.std, ", "))
			}
		}
		for _, mk := range l.TotalMarkers {
			if strings.TrimSpace(mk) == "" {
				return fmt.Errorf("layout total_markers: found an empty marker, expected words such as Total")
			}
		}
	}
	return nil
}

// ParseLayout reads a layout as given on a command line, keys separated by
// commas: "date_format=MM/DD/YYYY,header_row=5,sheet=*,
// total_markers=Total|Subtotal,marker_column=Type,default.currency=USD".
// An empty spec gives nil.
func ParseLayout(spec string) (*Layout, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	l := &Layout{}
	for part := range strings.SplitSeq(spec, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return nil, fmt.Errorf("layout: found %q, expected key=value", part)
		}
		switch {
		case k == "date_format":
			if !slices.Contains(DateFormats, v) {
				return nil, fmt.Errorf("layout date_format: found %q, expected one of %s", v, strings.Join(DateFormats, ", "))
			}
			l.DateFormat = v
		case k == "header_row":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("layout header_row: found %q, expected a row number", v)
			}
			l.HeaderRow = n
		case k == "sheet":
			l.Sheet = v
		case k == "total_markers":
			for mk := range strings.SplitSeq(v, "|") {
				if mk = strings.TrimSpace(mk); mk != "" {
					l.TotalMarkers = append(l.TotalMarkers, mk)
				}
			}
		case k == "marker_column":
			l.MarkerColumn = v
		case strings.HasPrefix(k, "default."):
			if l.Defaults == nil {
				l.Defaults = map[string]string{}
			}
			l.Defaults[strings.TrimPrefix(k, "default.")] = v
		default:
			return nil, fmt.Errorf("layout: found key %q, expected date_format, header_row, sheet, total_markers, marker_column or default.COLUMN", k)
		}
	}
	return l, nil
}

// String writes l as ParseLayout reads it.
func (l *Layout) String() string {
	if l == nil {
		return ""
	}
	var parts []string
	if l.DateFormat != "" {
		parts = append(parts, "date_format="+l.DateFormat)
	}
	if l.HeaderRow > 0 {
		parts = append(parts, "header_row="+strconv.Itoa(l.HeaderRow))
	}
	if l.Sheet != "" {
		parts = append(parts, "sheet="+l.Sheet)
	}
	if len(l.TotalMarkers) > 0 {
		parts = append(parts, "total_markers="+strings.Join(l.TotalMarkers, "|"))
	}
	if l.MarkerColumn != "" {
		parts = append(parts, "marker_column="+l.MarkerColumn)
	}
	for _, k := range sortedKeys(l.Defaults) {
		parts = append(parts, "default."+k+"="+l.Defaults[k])
	}
	return strings.Join(parts, ",")
}

// Value normalisation.

// normalizeAmount rewrites an accounting amount ("$1,234.56", "(12.00)",
// "12.00-", "-$5.00", "$-5.00") as the plain form the amount parser reads
// ("1,234.56", "-12.00"); thousands separators stay, the parser checks
// their grouping. It reports false for text that is no such form (left as
// found, for the reader to refuse).
func normalizeAmount(s string) (string, bool) {
	t := strings.TrimSpace(s)
	neg := false
	if len(t) >= 2 && t[0] == '(' && t[len(t)-1] == ')' {
		neg, t = true, strings.TrimSpace(t[1:len(t)-1])
	}
	if strings.HasSuffix(t, "-") {
		if neg {
			return s, false
		}
		neg, t = true, strings.TrimSpace(t[:len(t)-1])
	}
	if strings.HasPrefix(t, "-") {
		if neg {
			return s, false
		}
		neg, t = true, strings.TrimSpace(t[1:])
	}
	if strings.HasPrefix(t, "$") {
		t = strings.TrimSpace(t[1:])
		if strings.HasPrefix(t, "-") {
			if neg {
				return s, false
			}
			neg, t = true, strings.TrimSpace(t[1:])
		}
	}
	if t == "" || t[0] != '.' && (t[0] < '0' || t[0] > '9') {
		return s, false
	}
	if neg {
		return "-" + t, true
	}
	return t, true
}

// AccountingAmount reads an amount as accounting packages write it
// ("$1,234.56", "(12.00)", "12.00-", a plain "-5.00"): the form the
// reports' column maps read, for an amount typed into a form.
func AccountingAmount(s string) (money.Amount, bool) {
	t, ok := normalizeAmount(s)
	if !ok {
		return 0, false
	}
	a, err := money.ParseAmount(t)
	return a, err == nil
}

// normalizeNumber rewrites a quantity or unit cost: "$" and thousands
// separators (in groups of three) removed, parentheses for a negative.
func normalizeNumber(s string) (string, bool) {
	t, ok := normalizeAmount(s)
	if !ok {
		return s, false
	}
	if !strings.Contains(t, ",") {
		return t, true
	}
	sign := ""
	if t[0] == '-' {
		sign, t = "-", t[1:]
	}
	whole, frac, hasFrac := strings.Cut(t, ".")
	groups := strings.Split(whole, ",")
	for i, g := range groups {
		if i == 0 && (len(g) < 1 || len(g) > 3) || i > 0 && len(g) != 3 {
			return s, false
		}
	}
	out := sign + strings.Join(groups, "")
	if hasFrac {
		out += "." + frac
	}
	return out, true
}

// normalizeDate rewrites a date written in format as YYYY-MM-DD (the
// calendar is checked by the reader). An ISO date or a spreadsheet serial
// is left as it is; text not in the format is left as found (false).
func normalizeDate(s, format string) (string, bool) {
	t := strings.TrimSpace(s)
	if format == "" || format == DateISO || len(t) == 10 && t[4] == '-' {
		return t, true
	}
	if isDigits(strings.TrimSuffix(t, ".0")) { // a spreadsheet date
		return t, true
	}
	p := strings.Split(t, "/")
	if len(p) != 3 || len(p[2]) != 4 || !isDigits(p[0]) || !isDigits(p[1]) || !isDigits(p[2]) {
		return s, false
	}
	loose := format == DateMDYLoose || format == DateDMYLoose
	for _, x := range p[:2] {
		if loose && (len(x) < 1 || len(x) > 2) || !loose && len(x) != 2 {
			return s, false
		}
	}
	m, d := p[0], p[1]
	if format == DateDMY || format == DateDMYLoose {
		m, d = d, m
	}
	pad := func(x string) string {
		if len(x) == 1 {
			return "0" + x
		}
		return x
	}
	iso := p[2] + "-" + pad(m) + "-" + pad(d)
	if _, ok := date.ParseBytes([]byte(iso)); !ok {
		return s, false // not a day of the calendar: named as written
	}
	return iso, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// slashDateHint says which date_format a date written with slashes calls
// for, given the format declared ("" or ISO: none), or "" when b is no such
// date or fits the format.
func slashDateHint(b []byte, format string) string {
	p := bytes.Split(bytes.TrimSpace(b), []byte{'/'})
	if len(p) != 3 || len(p[2]) != 4 || len(p[0]) < 1 || len(p[0]) > 2 || len(p[1]) < 1 || len(p[1]) > 2 ||
		!isDigits(string(p[0])) || !isDigits(string(p[1])) || !isDigits(string(p[2])) {
		return ""
	}
	a, _ := strconv.Atoi(string(p[0]))
	c, _ := strconv.Atoi(string(p[1]))
	declared := format != "" && format != DateISO
	switch {
	case a > 12 && c <= 12:
		if format == DateDMY || format == DateDMYLoose {
			return ""
		}
		return "it reads only day first: declare the layout's date_format DD/MM/YYYY (or D/M/YYYY)"
	case c > 12 && a <= 12:
		if format == DateMDY || format == DateMDYLoose {
			return ""
		}
		return "it reads only month first: declare the layout's date_format MM/DD/YYYY (or M/D/YYYY)"
	case declared:
		return ""
	}
	return "month and day are ambiguous and never guessed: declare the layout's date_format MM/DD/YYYY (M/D/YYYY) or DD/MM/YYYY (D/M/YYYY)"
}
