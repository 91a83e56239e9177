package collateral

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	"revolver/date"
	"revolver/money"
)

// Options tell a reader what to expect.
type Options struct {
	// Currency is the currency every receivable must be in; default "USD".
	Currency string
	// Columns maps a standard column name (e.g. "amount") to the header name
	// the file uses for it (e.g. "Open Balance"), for other ERP exports. A
	// file without the mapped header may still use the standard name. Header
	// names are matched without regard to case or surrounding spaces.
	Columns map[string]string
	// XLSXLimits bound the reading of a workbook (DefaultXLSXLimits for
	// any limit zero).
	XLSXLimits XLSXLimits
	// Layout is the shape of a report as an accounting package exports it
	// (layout.go); nil for a plain report, read by the fast path.
	Layout *Layout
}

func (o Options) currency() string {
	if o.Currency == "" {
		return "USD"
	}
	return strings.ToUpper(strings.TrimSpace(o.Currency))
}

// Standard columns of each report, in the order of the data README.
var (
	DebtorColumns      = []string{"debtor_id", "name", "country", "government", "affiliate", "credit_insured", "assignment_of_claims", "contra_payable"}
	ReceivableColumns  = []string{"debtor_id", "invoice_no", "invoice_date", "due_date", "amount", "currency", "disputed"}
	InventoryColumns   = []string{"item", "description", "location", "category", "quantity", "unit_cost", "extended_cost", "last_movement_date"}
	standardColumnSets = [][]string{DebtorColumns, ReceivableColumns, InventoryColumns}
)

func isStandard(name string) bool {
	for _, set := range standardColumnSets {
		if slices.Contains(set, name) {
			return true
		}
	}
	return false
}

func standardNames() string {
	var all []string
	for _, set := range standardColumnSets {
		for _, c := range set {
			if !slices.Contains(all, c) {
				all = append(all, c)
			}
		}
	}
	return strings.Join(all, ", ")
}

// ParseColumnMap reads a column map as given on a command line:
// "amount=Open Balance,invoice_no=Doc No". Keys are standard column names.
func ParseColumnMap(spec string) (map[string]string, error) {
	m := map[string]string{}
	for part := range strings.SplitSeq(spec, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("column map: found %q, expected standard_column=Header Name", part)
		}
		if !isStandard(k) {
			return nil, fmt.Errorf("column map: found %q, expected one of the standard columns %s", k, standardNames())
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("column map: column %q mapped twice", k)
		}
		m[k] = v
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// table is one input's header, resolved against the standard columns.
type table struct {
	file    string
	kind    string
	idx     []int    // per standard column: its field index
	extra   []int    // field indexes of non-standard columns (with a name)
	names   []string // names of the extra columns
	columns []string // per field: standard name or the header text
	ncols   int
	errs    errList
	hline   int // the header's line (0: line 1)
}

// headerLine is the line header problems are named on.
func (t *table) headerLine() int { return max(t.hline, 1) }

func (t *table) col(name string, std []string) int {
	return t.idx[slices.Index(std, name)]
}

// resolve matches the header against std. It reports false (with problems
// recorded) when a standard column is missing or found twice.
func (t *table) resolve(header []string, std []string, opt Options) bool {
	for _, k := range sortedKeys(opt.Columns) {
		if !isStandard(k) {
			t.errs.add(&FieldError{File: t.file, Line: t.headerLine(), Column: k, Value: k,
				Expected: "a column map key among the standard columns " + standardNames()})
		}
	}
	want := make([]string, len(std))
	for i, s := range std {
		want[i] = s
		if h := strings.TrimSpace(opt.Columns[s]); h != "" {
			want[i] = h
		}
	}
	t.ncols = len(header)
	t.idx = make([]int, len(std))
	for i := range t.idx {
		t.idx[i] = -1
	}
	t.columns = make([]string, len(header))
	matched := make([]bool, len(header))
	match := func(names []string, fallback bool) {
		for f, h := range header {
			h = strings.TrimSpace(h)
			if !fallback {
				t.columns[f] = h
			}
			if matched[f] {
				continue
			}
			for i, wname := range names {
				if fallback && (t.idx[i] >= 0 || wname == want[i]) || !strings.EqualFold(h, wname) {
					continue
				}
				matched[f] = true
				if t.idx[i] >= 0 {
					t.errs.add(&FieldError{File: t.file, Line: t.headerLine(), Column: std[i], Value: h,
						Expected: fmt.Sprintf("the column once (it is both field %d and field %d)", t.idx[i]+1, f+1)})
					continue
				}
				t.idx[i] = f
				t.columns[f] = std[i]
			}
		}
	}
	match(want, false)
	// A mapped column absent from this file may still have its standard name
	// (one column map serves the customer master and the aging alike).
	match(std, true)
	for f, h := range header {
		h = strings.TrimSpace(h)
		if !matched[f] && h != "" {
			name := h
			if slices.Contains(t.names, name) {
				name = fmt.Sprintf("%s (field %d)", h, f+1)
			}
			t.extra = append(t.extra, f)
			t.names = append(t.names, name)
			t.columns[f] = name
		}
	}
	found := strings.Join(header, ", ")
	for i, s := range std {
		if t.idx[i] < 0 {
			e := &FieldError{File: t.file, Line: t.headerLine(), Column: s, Value: found, Missing: true}
			if want[i] != s {
				e.Expected = fmt.Sprintf("looked for header %q or %q", want[i], s)
			}
			t.errs.add(e)
		}
	}
	return t.errs.total == 0
}

// headerCSV reads and resolves the header of a CSV input. It returns where
// the body starts and its first line, or ok=false with problems recorded.
func headerCSV(t *table, data []byte, std []string, opt Options) (body []byte, start, firstLine int, ok bool) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if tooBig(len(data)) {
		t.errs.add(&FieldError{File: t.file, Value: fmt.Sprintf("%d bytes", len(data)), Expected: "a file under 2 GiB"})
		return nil, 0, 0, false
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		t.errs.add(&FieldError{File: t.file, Value: "a UTF-16 text file", Expected: "CSV in UTF-8 (save as \"CSV UTF-8\")"})
		return nil, 0, 0, false
	}
	if len(bytes.TrimSpace(data)) == 0 {
		t.errs.add(&FieldError{File: t.file, Value: "an empty file",
			Expected: "a header line with the columns " + strings.Join(std, ",")})
		return nil, 0, 0, false
	}
	w := newWorker(t.file, 4096, 0)
	next, nl := w.record(data, 0)
	if w.qcol >= 0 {
		w.fail(1, "", w.qval, expQuoteClose)
		t.errs.merge(&w.errs)
		return nil, 0, 0, false
	}
	if w.nf > len(w.fields) {
		t.errs.add(&FieldError{File: t.file, Line: 1, Value: plural(w.nf, "column"), Expected: "at most 4096 columns"})
		return nil, 0, 0, false
	}
	header := make([]string, w.nf)
	for i := range header {
		header[i] = string(w.field(i))
	}
	if !t.resolve(header, std, opt) {
		return nil, 0, 0, false
	}
	return data, next, 1 + nl, true
}

// Value parsers shared by the readers.

func parseBool(b []byte) (v, ok bool) {
	switch len(b) {
	case 1:
		switch b[0] {
		case '1':
			return true, true
		case '0':
			return false, true
		}
	case 2:
		return false, (b[0]|0x20) == 'n' && (b[1]|0x20) == 'o'
	case 3:
		return true, (b[0]|0x20) == 'y' && (b[1]|0x20) == 'e' && (b[2]|0x20) == 's'
	case 4: // "true" in any case, the four bytes as one word
		return true, binary.LittleEndian.Uint32(b)|0x20202020 == 't'|'r'<<8|'u'<<16|'e'<<24
	case 5: // "false" in any case
		return false, binary.LittleEndian.Uint32(b)|0x20202020 == 'f'|'a'<<8|'l'<<16|'s'<<24 && b[4]|0x20 == 'e'
	}
	return false, false
}

// excelEpoch is the day number of spreadsheet serial 0 (1899-12-30).
var excelEpoch = date.Of(1899, 12, 30)

func (w *worker) parseDate(b []byte) (date.Date, bool) {
	if len(b) == 10 && b[4] == '-' {
		// Reports repeat few dates: a small direct-mapped cache of parsed ones.
		a, c := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint16(b[8:])
		h := (a ^ uint64(c)<<32) * 0x9E3779B97F4A7C15 >> 54 // the day over the first dash
		e := &w.dates[h]
		if e.a == a && e.c == c {
			return e.d, true
		}
		if d, ok := date.ParseBytes(b); ok {
			*e = dateEntry{a, c, d}
			return d, true
		}
	}
	if !w.xlsx || len(b) == 0 || len(b) > 12 {
		return 0, false
	}
	// A spreadsheet serial date: whole days since 1899-12-30 (from 61, i.e. 1900-03-01).
	s := b
	if k := bytes.IndexByte(s, '.'); k >= 0 {
		for _, c := range s[k+1:] {
			if c != '0' {
				return 0, false // a time of day is not a date
			}
		}
		s = s[:k]
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if len(s) == 0 || n < 61 {
		return 0, false
	}
	d := excelEpoch + date.Date(n)
	if d < date.Min || d > date.Max {
		return 0, false
	}
	return d, true
}

// parseAmount reads an amount; from a spreadsheet it also accepts the
// binary-floating-point residue of a two-decimal number, written out in
// full (e.g. 10086.720000000001 or 0.30000000000000004 or 4.9999999999), and
// takes the two-decimal number meant. The residue is recognised on the
// decimal text (seven or more 0s or 9s after the cents), never computed.
func (w *worker) parseAmount(b []byte) (money.Amount, bool) {
	if a, ok := money.ParseAmountBytes(b); ok {
		return a, true
	}
	if !w.xlsx {
		return 0, false
	}
	dot := bytes.IndexByte(b, '.')
	if dot < 0 || len(b)-dot-1 <= 2 {
		return 0, false
	}
	cents, rest := b[:dot+3], b[dot+3:]
	a, ok := money.ParseAmountBytes(cents)
	if !ok {
		return 0, false
	}
	run := func(c byte) int {
		n := 0
		for n < len(rest) && rest[n] == c {
			n++
		}
		return n
	}
	if z := run('0'); z >= 7 && len(rest)-z <= 3 {
		return a, true
	}
	if z := run('9'); z >= 7 && len(rest)-z <= 3 {
		if len(b) > 0 && b[0] == '-' {
			return a - 1, true
		}
		return a + 1, true
	}
	return 0, false
}

func validCountry(b []byte) bool {
	return len(b) == 2 && (b[0]|0x20) >= 'a' && (b[0]|0x20) <= 'z' && (b[1]|0x20) >= 'a' && (b[1]|0x20) <= 'z'
}

func validQuantity(b []byte) bool {
	digits, dot := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// internBytes returns a shared string for a short repeated value.
func (w *worker) internBytes(b []byte) string {
	if s, ok := w.intern[string(b)]; ok {
		return s
	}
	if w.intern == nil {
		w.intern = map[string]string{}
	}
	s := string(b)
	if len(w.intern) < 4096 {
		w.intern[s] = s
	}
	return s
}

// extras keeps the text of non-standard columns per row.
type extras struct {
	t    *table
	span [][]span   // per extra column, per row index
	vals [][]string // per extra column, per row index
}

func (e *extras) alloc(n int) {
	if len(e.t.extra) == 0 {
		return
	}
	e.span = make([][]span, len(e.t.extra))
	e.vals = make([][]string, len(e.t.extra))
	for k := range e.span {
		e.span[k] = make([]span, n)
		e.vals[k] = make([]string, n)
	}
}

func (e *extras) reset() {
	for k := range e.span {
		clear(e.span[k])
		clear(e.vals[k])
	}
}

func (e *extras) take(w *worker, idx int) {
	for k, f := range e.t.extra {
		v := w.field(f)
		e.span[k][idx] = span{int32(len(w.ext[k])), int32(len(v))}
		w.ext[k] = append(w.ext[k], v...)
	}
}

// done turns a chunk's extra text into strings (one allocation per column).
func (e *extras) done(w *worker) {
	for k := range e.span {
		s := string(w.ext[k])
		sp, vals := e.span[k], e.vals[k]
		for i := w.lo; i < w.hi; i++ {
			if x := sp[i]; x.n > 0 {
				vals[i] = s[x.off : x.off+x.n]
			}
		}
		w.ext[k] = nil
	}
}

func (e *extras) move(dst, src int) {
	for k := range e.vals {
		e.vals[k][dst] = e.vals[k][src]
	}
}

func (e *extras) result(n int) map[string][]string {
	if len(e.vals) == 0 {
		return nil
	}
	m := make(map[string][]string, len(e.vals))
	for k, name := range e.t.names {
		m[name] = e.vals[k][:n:n]
	}
	e.span = nil
	return m
}

// sortedKeys is for stable messages.
func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

type dateEntry struct {
	a uint64
	c uint16
	d date.Date
}
