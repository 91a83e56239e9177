package collateral

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"

	"revolver/money"
)

// Shape is what a Layout found in a report: where its header is and the
// rows that are not data.
type Shape struct {
	HeaderLine int          `json:"header_line"`
	Sheets     []string     `json:"sheets,omitempty"` // the sheets read, in order (workbooks)
	Header     []string     `json:"header"`           // the header's cells as found
	Skipped    []SkippedRow `json:"skipped,omitempty"`
	Detail     int          `json:"detail_rows"` // rows read as data
}

// SkippedRow is a row a Layout did not read as data.
type SkippedRow struct {
	Line  int    `json:"line"`
	Sheet string `json:"sheet,omitempty"`
	Role  string `json:"role"` // RoleTitle, RoleGroup, RoleSubtotal or RoleTotal
	Text  string `json:"text"` // its first non-empty cell
	// Total is a total row's amount ("" for other rows); it was checked
	// against the detail it covers (Covered rows).
	Total   string `json:"total,omitempty"`
	Covered int    `json:"covered,omitempty"`
}

// Roles of skipped rows.
const (
	RoleTitle    = "title"
	RoleGroup    = "group"
	RoleSubtotal = "subtotal"
	RoleTotal    = "total"
)

// shaped is a report after its layout: the header and the detail rows
// with their values normalised, each row with its line, ready to be read
// as a spreadsheet's rows are.
type shaped struct {
	file   string
	rows   [][]string // rows[0] is the header
	lines  []int32    // lines[i] is rows[i]'s line
	xlsx   bool
	format string
	sheets []sheetSpan // when rows come from more than one sheet
	errs   errList
	shape  Shape
}

// sheetSpan: a sheet's rows are lines off+1 … off+n of a workbook read
// with SheetsAll (the sheets numbered on, one after the other).
type sheetSpan struct {
	name   string
	off, n int
}

// rawRow is one row of a report before its layout: its cells and line.
type rawRow struct {
	cells []string
	line  int
}

// csvRows splits a CSV input into rows (records), each with its line.
func csvRows(name string, data []byte, errs *errList) []rawRow {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	switch {
	case tooBig(len(data)):
		errs.add(&FieldError{File: name, Value: fmt.Sprintf("%d bytes", len(data)), Expected: "a file under 2 GiB"})
		return nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		errs.add(&FieldError{File: name, Value: "a UTF-16 text file", Expected: "CSV in UTF-8 (save as \"CSV UTF-8\")"})
		return nil
	}
	w := newWorker(name, 4096, 0)
	var out []rawRow
	line := 1
	for i := 0; i < len(data); {
		next, nl := w.recordAny(data, i)
		if w.qcol >= 0 {
			w.fail(int32(line), "", w.qval, expQuoteClose)
		} else if w.nf > len(w.fields) {
			w.fail(int32(line), "", []byte(plural(w.nf, "field")), "at most 4096 fields")
		} else {
			cells := make([]string, w.nf)
			for k := range cells {
				cells[k] = string(w.fields[k])
			}
			out = append(out, rawRow{cells, line})
		}
		line += nl
		i = next
	}
	errs.merge(&w.errs)
	return out
}

// shapeReport applies opt.Layout to a report of a kind (CSV, or a workbook
// when xlsx).
func shapeReport(name, kind string, data []byte, xlsx bool, opt Options) (*shaped, error) {
	spec := kindSpecs[kind]
	l := opt.Layout
	if l == nil {
		l = &Layout{}
	}
	sh := &shaped{file: name, xlsx: xlsx, format: l.DateFormat}
	if !xlsx {
		var errs errList
		rows := csvRows(name, data, &errs)
		if err := errs.err(); err != nil {
			return nil, err
		}
		if err := sh.add(rows, spec, l, opt, ""); err != nil {
			return nil, err
		}
		return sh, nil
	}
	f, lim, err := openWorkbook(name, data, opt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	list := f.GetSheetList()
	if len(list) == 0 {
		return nil, xlsxRefused(name, "a workbook without sheets", "a sheet with a header row")
	}
	var sheets []string
	switch {
	case l.Sheet == SheetsAll:
		sheets = list
	case l.Sheet != "":
		for _, s := range list {
			if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(l.Sheet)) {
				sheets = []string{s}
			}
		}
		if sheets == nil {
			return nil, xlsxRefused(name, fmt.Sprintf("no sheet %q (the sheets are %s)", l.Sheet, strings.Join(quoteAll(list), ", ")), "the sheet the layout names")
		}
	default:
		sheets = []string{reportSheet(list, kind)}
	}
	off := 0
	for _, s := range sheets {
		cells, err := readSheet(f, name, s, lim, nil)
		if err != nil {
			return nil, err
		}
		empty := true
		rows := make([]rawRow, 0, len(cells))
		for r, c := range cells {
			if len(c) > 0 {
				empty = false
				rows = append(rows, rawRow{c, off + r + 1})
			}
		}
		if empty && len(sheets) > 1 {
			continue // an empty sheet among several
		}
		sh.sheets = append(sh.sheets, sheetSpan{s, off, len(cells)})
		sh.shape.Sheets = append(sh.shape.Sheets, s)
		if err := sh.add(rows, spec, l, opt, s); err != nil {
			return nil, sh.fix(err)
		}
		off += len(cells)
	}
	if len(sh.rows) == 0 {
		return nil, xlsxRefused(name, "an empty workbook", "a sheet with a header row")
	}
	if len(sh.sheets) == 1 {
		sh.sheets = nil // lines are the sheet's rows
	}
	return sh, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// fix names the sheet and its row in the problems of a workbook read with
// several sheets.
func (sh *shaped) fix(err error) error {
	var es *Errors
	if len(sh.sheets) < 2 || !errors.As(err, &es) {
		return err
	}
	for _, e := range es.List {
		for _, s := range sh.sheets {
			if e.Sheet == "" && e.Line > s.off && e.Line <= s.off+s.n {
				e.Sheet, e.Line = s.name, e.Line-s.off
				break
			}
		}
	}
	return err
}

// sheetLine is a line of the shaped rows as the sheet and row it is.
func (sh *shaped) sheetLine(line int) (string, int) {
	for _, s := range sh.sheets {
		if line > s.off && line <= s.off+s.n {
			return s.name, line - s.off
		}
	}
	return "", line
}

// add shapes one CSV's or sheet's rows.
func (sh *shaped) add(rows []rawRow, spec kindSpec, l *Layout, opt Options, sheet string) error {
	std := spec.std
	// The header: the declared row, or the first with every column.
	hi := -1
	var best *table
	bestFound := -1
	for i, r := range rows {
		if l.HeaderRow > 0 {
			if r.line-sheetOff(sh, sheet) != l.HeaderRow {
				continue
			}
			if firstText(r.cells) == "" {
				break // an empty row: no header
			}
		} else if i >= MaxHeaderSearch {
			break
		}
		t := &table{file: sh.file, hline: r.line}
		hdr, _ := withDefaults(r.cells, std, opt)
		if t.resolve(hdr, std, opt) {
			hi = i
			break
		}
		found := 0
		for _, x := range t.idx {
			if x >= 0 {
				found++
			}
		}
		if found > bestFound {
			best, bestFound = t, found
		}
		if l.HeaderRow > 0 {
			break
		}
	}
	if hi < 0 {
		var errs errList
		switch {
		case best != nil && (bestFound > 0 || l.HeaderRow > 0):
			errs.merge(&best.errs)
		case l.HeaderRow > 0:
			errs.add(&FieldError{File: sh.file, Line: l.HeaderRow + sheetOff(sh, sheet), Value: "an empty row",
				Expected: "the column header (the layout's header_row)"})
		default:
			errs.add(&FieldError{File: sh.file, Value: fmt.Sprintf("no row with the columns among the first %d", MaxHeaderSearch),
				Expected: "a header row with the columns " + strings.Join(wanted(std, opt), ", ") + " (or declare the layout's header_row)"})
		}
		return errs.err()
	}
	hrow := rows[hi]
	hdr, added := withDefaults(hrow.cells, std, opt)
	width := len(hdr) - len(added) // the header's cells
	if len(sh.rows) == 0 {
		sh.rows = append(sh.rows, hdr)
		sh.lines = append(sh.lines, int32(hrow.line))
		_, sh.shape.HeaderLine = sh.sheetLine(hrow.line)
		sh.shape.Header = trimAll(hrow.cells)
	} else if !sameHeader(sh.rows[0], hdr) {
		return (&errList{list: []*FieldError{{File: sh.file, Line: hrow.line,
			Value:    strings.Join(trimAll(hrow.cells), ", "),
			Expected: fmt.Sprintf("the header of sheet %q: %s (every sheet read alike)", sh.shape.Sheets[0], strings.Join(trimAll(sh.rows[0][:len(sh.rows[0])-len(added)]), ", "))}}, total: 1}).err()
	}
	for _, r := range rows[:hi] {
		if txt := firstText(r.cells); txt != "" {
			sh.skip(r.line, RoleTitle, txt, "", 0)
		}
	}
	t := &table{file: sh.file, hline: hrow.line}
	t.resolve(hdr, std, opt)
	colOf := func(name string) int {
		if name == "" {
			return -1
		}
		return t.col(name, std)
	}
	key, total := colOf(spec.key), colOf(spec.total)
	marker := -1
	if mc := strings.TrimSpace(l.MarkerColumn); mc != "" {
		for f, c := range t.columns {
			if strings.EqualFold(c, mc) || strings.EqualFold(strings.TrimSpace(hdr[f]), mc) {
				marker = f
				break
			}
		}
		if marker < 0 {
			return (&errList{list: []*FieldError{{File: sh.file, Line: hrow.line, Column: mc, Value: strings.Join(trimAll(hrow.cells), ", "), Missing: true,
				Expected: "the layout's marker_column"}}, total: 1}).err()
		}
	}
	var dates, amounts, numbers []int
	for _, c := range spec.dates {
		dates = append(dates, colOf(c))
	}
	for _, c := range spec.amounts {
		amounts = append(amounts, colOf(c))
	}
	for _, c := range spec.numbers {
		numbers = append(numbers, colOf(c))
	}
	markers := l.TotalMarkers
	if len(markers) == 0 {
		markers = DefaultTotalMarkers
	}
	w := newWorker(sh.file, 0, 0)
	w.xlsx = sh.xlsx
	type run struct {
		sum         money.Amount
		first, last int
		n           int
		bad         bool // an amount not read, or the sum beyond range
	}
	var group, grand run
	groupOpen, groupLine := false, 0
	addTo := func(r *run, a money.Amount, ok bool, line int) {
		if r.n == 0 {
			r.first = line
		}
		r.n++
		r.last = line
		if !ok {
			r.bad = true
			return
		}
		if s := r.sum + a; (a > 0 && s < r.sum) || (a < 0 && s > r.sum) || s > math.MaxInt64/2 || s < -math.MaxInt64/2 {
			r.bad = true
		} else {
			r.sum = s
		}
	}
	check := func(r *run, line int, text string, under string) {
		a, ok := w.parseAmount([]byte(normalizeOr(text)))
		col := spec.total
		if !ok {
			sh.errs.add(&FieldError{File: sh.file, Line: line, Column: col, Value: text, Expected: "an amount (the total row's)"})
			return
		}
		if r.bad || a == r.sum {
			return
		}
		cover := "no detail rows"
		if r.n > 0 {
			_, first := sh.sheetLine(r.first)
			_, last := sh.sheetLine(r.last)
			cover = fmt.Sprintf("lines %d–%d", first, last)
			if r.n == 1 {
				cover = fmt.Sprintf("line %d", first)
			}
		}
		if under != "" {
			cover += ", " + under
		}
		sh.errs.add(&FieldError{File: sh.file, Line: line, Column: col, Value: text,
			Expected: fmt.Sprintf("%s, the sum of the detail it covers (%s): the total differs by %s", r.sum, cover, a-r.sum)})
	}
	for _, r := range rows[hi+1:] {
		cells := padCells(r.cells, width)
		if firstText(cells) == "" {
			continue
		}
		at := func(f int) string {
			if f < 0 || f >= len(cells) {
				return ""
			}
			return strings.TrimSpace(cells[f])
		}
		keyEmpty := at(key) == ""
		amt := at(total)
		mtext, first, filled := at(marker), -1, 0
		for f := range cells {
			if strings.TrimSpace(cells[f]) != "" {
				if first < 0 {
					first = f
				}
				filled++
			}
		}
		if marker < 0 {
			mtext = at(first)
		}
		level := markerLevel(mtext, markers)
		// A marker in the first cell counts when the key is empty or is
		// that cell ("Total Raw materials" in the item column).
		isTotal := level != "" && (marker >= 0 || keyEmpty || first == key) || keyEmpty && amt != "" && key >= 0
		if isTotal {
			if level == "" {
				level = "bare"
			}
			sub := level == RoleSubtotal || level == "bare" && groupOpen
			if sub {
				under := ""
				if groupOpen {
					_, gl := sh.sheetLine(groupLine)
					under = fmt.Sprintf("under the group header on line %d", gl)
				}
				if amt != "" {
					check(&group, r.line, amt, under)
				}
				sh.skip(r.line, RoleSubtotal, firstText(cells), amt, group.n)
				group, groupOpen = run{}, false
			} else {
				if amt != "" {
					check(&grand, r.line, amt, "")
				}
				sh.skip(r.line, RoleTotal, firstText(cells), amt, grand.n)
				grand, group, groupOpen = run{}, run{}, false
			}
			continue
		}
		// A group header: the key, dates and amounts empty, or one cell
		// alone (a customer's name in the key column, a batch's in the date
		// column).
		if key >= 0 && (filled == 1 || keyEmpty && allEmpty(at, dates) && allEmpty(at, amounts) && allEmpty(at, numbers)) {
			sh.skip(r.line, RoleGroup, firstText(cells), "", 0)
			group, groupOpen, groupLine = run{}, true, r.line
			continue
		}
		// A detail row: its values normalised, its amount summed.
		row := make([]string, len(cells), len(cells)+len(added))
		copy(row, cells)
		for _, f := range dates {
			if f >= 0 && f < len(row) {
				row[f], _ = normalizeDate(row[f], l.DateFormat)
			}
		}
		for _, f := range amounts {
			if f >= 0 && f < len(row) && strings.TrimSpace(row[f]) != "" {
				// Only a form that then reads is rewritten: a refused value
				// is named as it was written.
				if n, ok := normalizeAmount(row[f]); ok {
					if _, ok := w.parseAmount([]byte(n)); ok {
						row[f] = n
					}
				}
			}
		}
		for _, f := range numbers {
			if f >= 0 && f < len(row) && strings.TrimSpace(row[f]) != "" {
				row[f], _ = normalizeNumber(row[f])
			}
		}
		for len(added) > 0 && len(row) < width {
			row = append(row, "")
		}
		for _, c := range added {
			row = append(row, l.Defaults[c])
		}
		if total >= 0 && total < len(row) {
			a, ok := w.parseAmount([]byte(strings.TrimSpace(row[total])))
			addTo(&group, a, ok, r.line)
			addTo(&grand, a, ok, r.line)
		}
		sh.rows = append(sh.rows, row)
		sh.lines = append(sh.lines, int32(r.line))
		sh.shape.Detail++
	}
	return nil
}

// sheetOff is the line offset of a sheet's rows (0 for a CSV).
func sheetOff(sh *shaped, sheet string) int {
	for _, s := range sh.sheets {
		if s.name == sheet {
			return s.off
		}
	}
	return 0
}

func (sh *shaped) skip(line int, role, text, total string, covered int) {
	sheet, row := sh.sheetLine(line)
	if len(sh.shape.Skipped) < 10_000 {
		sh.shape.Skipped = append(sh.shape.Skipped, SkippedRow{Line: row, Sheet: sheet, Role: role, Text: text, Total: total, Covered: covered})
	}
}

// markerLevel tells a marker cell's kind of total: RoleTotal (a grand
// total), RoleSubtotal, "bare" (a marker alone: the level depends on
// whether a group is open), or "" when it is no marker.
func markerLevel(text string, markers []string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" {
		return ""
	}
	for _, m := range markers {
		m = strings.ToLower(strings.TrimSpace(m))
		if m == "" {
			continue
		}
		rest, ok := strings.CutPrefix(t, m)
		if !ok || rest != "" && rest[0] != ' ' && rest[0] != ':' {
			continue
		}
		switch {
		case strings.HasPrefix(m, "grand"):
			return RoleTotal
		case strings.HasPrefix(m, "sub"):
			return RoleSubtotal
		case strings.TrimLeft(rest, " :") != "":
			return RoleSubtotal // "Total Acme Corp"
		}
		return "bare"
	}
	return ""
}

func normalizeOr(s string) string {
	if n, ok := normalizeAmount(s); ok {
		return n
	}
	return s
}

func allEmpty(at func(int) string, cols []int) bool {
	for _, f := range cols {
		if at(f) != "" {
			return false
		}
	}
	return true
}

func firstText(cells []string) string {
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			return c
		}
	}
	return ""
}

func trimAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimSpace(c)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// padCells drops empty cells beyond n (a spreadsheet row may end early or
// run on with empty cells).
func padCells(cells []string, n int) []string {
	for len(cells) > n && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

func sameHeader(a, b []string) bool {
	a, b = trimAll(a), trimAll(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// wanted is the header names looked for: each standard column's mapped
// name, or the column itself.
func wanted(std []string, opt Options) []string {
	out := make([]string, len(std))
	for i, s := range std {
		out[i] = s
		if h := strings.TrimSpace(opt.Columns[s]); h != "" {
			out[i] = fmt.Sprintf("%q", h)
		}
	}
	return out
}

// withDefaults is a header row's cells (without the empty ones at its
// end) and the standard columns the layout gives a default for that it
// does not have (by their mapped or standard name), appended.
func withDefaults(header, std []string, opt Options) ([]string, []string) {
	hdr := trimAll(header)
	if opt.Layout == nil || len(opt.Layout.Defaults) == 0 {
		return hdr, nil
	}
	var added []string
	for _, c := range std {
		if _, ok := opt.Layout.Defaults[c]; !ok {
			continue
		}
		name := strings.TrimSpace(opt.Columns[c])
		has := false
		for _, h := range hdr {
			if strings.EqualFold(h, c) || name != "" && strings.EqualFold(h, name) {
				has = true
			}
		}
		if !has {
			added = append(added, c)
		}
	}
	return append(hdr, added...), added
}

// table resolves the shaped header for a reader.
func (sh *shaped) table(kind string, std []string, opt Options) (*table, bool) {
	t := &table{file: sh.file, kind: kind, hline: int(sh.lines[0])}
	ok := t.resolve(sh.rows[0], std, opt)
	return t, ok
}

// scan feeds the shaped rows to a reader's sink.
func (sh *shaped) scan(t *table, s sink) []*worker {
	return scanRowsAt(t, sh.rows, sh.lines, sh.xlsx, sh.format, s)
}

// The readers of each kind under a Layout.

func readDebtorsLayout(name string, data []byte, xlsx bool, opt Options) ([]Debtor, error) {
	sh, err := shapeReport(name, "debtors", data, xlsx, opt)
	if err != nil {
		return nil, err
	}
	t, ok := sh.table("debtors", DebtorColumns, opt)
	if !ok {
		return nil, sh.fix(t.errs.err())
	}
	s := newDebtorSink(t)
	ws := sh.scan(t, s)
	t.errs.merge(&sh.errs)
	ds, err := s.finish(ws)
	return ds, sh.fix(err)
}

func readReceivablesLayout(name string, data []byte, xlsx bool, dfile string, debtors []Debtor, opt Options) (*Receivables, error) {
	sh, err := shapeReport(name, "receivables", data, xlsx, opt)
	if err != nil {
		return nil, err
	}
	t, ok := sh.table("receivables", ReceivableColumns, opt)
	if !ok {
		return nil, sh.fix(t.errs.err())
	}
	s := newRecvSink(t, dfile, debtors, opt)
	ws := sh.scan(t, s)
	t.errs.merge(&sh.errs)
	r, err := s.finish(ws)
	return r, sh.fix(err)
}

func readInventoryLayout(name string, data []byte, xlsx bool, opt Options) (*Inventory, error) {
	sh, err := shapeReport(name, "inventory", data, xlsx, opt)
	if err != nil {
		return nil, err
	}
	t, ok := sh.table("inventory", InventoryColumns, opt)
	if !ok {
		return nil, sh.fix(t.errs.err())
	}
	s := newInvSink(t)
	ws := sh.scan(t, s)
	t.errs.merge(&sh.errs)
	v, err := s.finish(ws)
	return v, sh.fix(err)
}
