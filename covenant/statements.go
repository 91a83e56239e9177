package covenant

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"revolver/date"
	"revolver/money"
)

// Columns every financial statements file must have, in this order when
// written. The amount columns (from total_assets on) become lines of the
// statement; net_income is the quarter's, the others are as of the period end.
const (
	ColPeriodEnd     = "period_end"
	ColFiscalYear    = "fiscal_year"
	ColFiscalQuarter = "fiscal_quarter"
)

// Standard lines.
const (
	TotalAssets      = "total_assets"
	IntangibleAssets = "intangible_assets"
	TotalLiabilities = "total_liabilities"
	SubordinatedDebt = "subordinated_debt"
	NetIncome        = "net_income"
)

// RequiredColumns are the columns a financial statements file must have.
var RequiredColumns = []string{
	ColPeriodEnd, ColFiscalYear, ColFiscalQuarter,
	TotalAssets, IntangibleAssets, TotalLiabilities, SubordinatedDebt, NetIncome,
}

// Statement is the financial statement of one fiscal quarter: balance-sheet
// lines as of PeriodEnd and income lines for the quarter.
type Statement struct {
	PeriodEnd     date.Date
	FiscalYear    int
	FiscalQuarter int // 1–4; 4 is the fiscal year's last quarter
	// Lines holds every amount the file reports for the period, by column
	// name. A blank cell is a line not reported: it is absent here, and a
	// covenant that needs it is undetermined.
	Lines map[string]money.Amount
	File  string // the file the statement was read from
	Line  int32  // its line in the file (header = 1)
	// Submission and RecordedAt identify the submission the statement came
	// from (see AsKnownOn); zero for a statement read directly.
	Submission string
	RecordedAt time.Time
}

// Period names the statement's fiscal period, e.g. "fiscal 2004 Q2 (ending 2004-07-04)".
func (s *Statement) Period() string {
	return fmt.Sprintf("fiscal %d Q%d (ending %s)", s.FiscalYear, s.FiscalQuarter, s.PeriodEnd)
}

// Where names the statement's place in its input, e.g. "financials.csv line 3".
func (s *Statement) Where() string {
	w := s.File
	if w == "" {
		w = "statement"
	}
	w += " line " + strconv.Itoa(int(s.Line))
	if s.Submission != "" {
		w += " (submission " + s.Submission + ")"
	}
	return w
}

// InputError is a rejected financial statements input: where, what was found,
// and what was expected.
type InputError struct {
	File     string
	Line     int    // 1-based; the header is line 1
	Column   string // column name, when known
	Field    int    // 1-based column (field) number, 0 when not known
	Char     int    // for malformed CSV: 1-based character position in the line
	Value    string // the offending value, as found
	Expected string
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Char > 0 {
			b.WriteString(":" + strconv.Itoa(e.Char))
		}
	}
	if e.Column != "" || e.Field > 0 {
		b.WriteString(": column ")
		if e.Column != "" {
			b.WriteString(e.Column)
			if e.Field > 0 {
				b.WriteString(" (" + strconv.Itoa(e.Field) + ")")
			}
		} else {
			b.WriteString(strconv.Itoa(e.Field))
		}
	}
	b.WriteString(": ")
	if (e.Field > 0 && e.Column != "") || e.Value != "" {
		b.WriteString(strconv.Quote(e.Value) + ": ")
	}
	b.WriteString("expected " + e.Expected)
	return b.String()
}

type cell struct {
	line  int
	field int
	value string
}

// ReadStatements reads a financial statements CSV: a header row naming the
// columns (RequiredColumns in any order, plus any further amount columns,
// which become lines of the same name), then one row per fiscal quarter.
// Column names are matched case-insensitively and stored lower case.
// Amounts have at most two decimals; thousands commas and accounting
// parentheses for negatives ("(1,234.00)") are accepted; a blank amount is a
// line not reported. Rows may come in any order; the statements are returned
// in period order. The first error found is returned, as an *InputError, and
// no statements with it.
//
// Checks: every required column present and no column twice; period_end a
// date YYYY-MM-DD; fiscal_year a year 1900–2199; fiscal_quarter 1–4; each
// fiscal quarter and each period end at most once; period ends increasing
// with (fiscal_year, fiscal_quarter), within a fiscal year and across years.
func ReadStatements(name string, data []byte) ([]Statement, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = false
	header, err := r.Read()
	if err == io.EOF {
		return nil, &InputError{File: name, Line: 1, Expected: "a header row with the columns " + strings.Join(RequiredColumns, ", ")}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	cols := make([]string, len(header))
	index := map[string]int{}
	hline, _ := r.FieldPos(0)
	for i, h := range header {
		c := strings.ToLower(strings.TrimSpace(h))
		if !isIdent(c) {
			return nil, &InputError{File: name, Line: hline, Field: i + 1, Column: c, Value: h,
				Expected: "a column name of lower-case letters, digits and underscores, starting with a letter"}
		}
		if j, dup := index[c]; dup {
			return nil, &InputError{File: name, Line: hline, Field: i + 1, Column: c, Value: h,
				Expected: fmt.Sprintf("each column once (%s is also column %d)", c, j+1)}
		}
		index[c] = i
		cols[i] = c
	}
	for _, c := range RequiredColumns {
		if _, ok := index[c]; !ok {
			return nil, &InputError{File: name, Line: hline, Column: c,
				Expected: "a column named " + c + " in the header (required: " + strings.Join(RequiredColumns, ", ") + ")"}
		}
	}
	iPE, iFY, iFQ := index[ColPeriodEnd], index[ColFiscalYear], index[ColFiscalQuarter]

	var out []Statement
	byPeriod := map[[2]int]int{} // (fy, fq) → line
	byEnd := map[date.Date]int{} // period end → line
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if errors.Is(err, csv.ErrFieldCount) && rec != nil {
			l, _ := r.FieldPos(0)
			return nil, &InputError{File: name, Line: l, Value: strconv.Itoa(len(rec)) + " fields",
				Expected: strconv.Itoa(len(cols)) + " fields, as many as the header has"}
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := r.FieldPos(0)
		at := func(i int) cell {
			l, _ := r.FieldPos(i)
			return cell{line: l, field: i + 1, value: rec[i]}
		}
		bad := func(i int, expected string) error {
			c := at(i)
			return &InputError{File: name, Line: c.line, Column: cols[i], Field: c.field, Value: c.value, Expected: expected}
		}
		st := Statement{File: name, Line: int32(line), Lines: make(map[string]money.Amount, len(cols)-3)}
		pe, ok := date.ParseBytes([]byte(strings.TrimSpace(rec[iPE])))
		if !ok {
			return nil, bad(iPE, "a date YYYY-MM-DD (years 1900–2199)")
		}
		st.PeriodEnd = pe
		fy, err := strconv.Atoi(strings.TrimSpace(rec[iFY]))
		if err != nil || fy < 1900 || fy > 2199 {
			return nil, bad(iFY, "a fiscal year 1900–2199")
		}
		st.FiscalYear = fy
		fq, err := strconv.Atoi(strings.TrimSpace(rec[iFQ]))
		if err != nil || fq < 1 || fq > 4 {
			return nil, bad(iFQ, "a fiscal quarter 1, 2, 3 or 4")
		}
		st.FiscalQuarter = fq
		for i, c := range cols {
			if i == iPE || i == iFY || i == iFQ {
				continue
			}
			v := strings.TrimSpace(rec[i])
			if v == "" {
				continue
			}
			a, ok := parseAmount(v)
			if !ok {
				return nil, bad(i, "an amount with at most two decimals (e.g. 1234567.89, -12.00 or (12.00)), or blank if not reported")
			}
			st.Lines[c] = a
		}
		key := [2]int{fy, fq}
		if prev, dup := byPeriod[key]; dup {
			return nil, bad(iFQ, fmt.Sprintf("each fiscal quarter once (fiscal %d Q%d is already on line %d)", fy, fq, prev))
		}
		if prev, dup := byEnd[pe]; dup {
			return nil, bad(iPE, fmt.Sprintf("each period end once (%s is already on line %d)", pe, prev))
		}
		byPeriod[key] = line
		byEnd[pe] = line
		out = append(out, st)
	}
	sortStatements(out)
	for i := 1; i < len(out); i++ {
		p, s := &out[i-1], &out[i]
		if s.PeriodEnd <= p.PeriodEnd {
			return nil, &InputError{File: name, Line: int(s.Line), Column: ColPeriodEnd, Field: iPE + 1,
				Value: s.PeriodEnd.String(),
				Expected: fmt.Sprintf("a period end after %s, the end of fiscal %d Q%d (line %d), since fiscal %d Q%d follows it",
					p.PeriodEnd, p.FiscalYear, p.FiscalQuarter, p.Line, s.FiscalYear, s.FiscalQuarter)}
		}
	}
	return out, nil
}

// sortStatements orders by (fiscal year, fiscal quarter), then period end.
func sortStatements(s []Statement) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := &s[i], &s[j]
		if a.FiscalYear != b.FiscalYear {
			return a.FiscalYear < b.FiscalYear
		}
		if a.FiscalQuarter != b.FiscalQuarter {
			return a.FiscalQuarter < b.FiscalQuarter
		}
		return a.PeriodEnd < b.PeriodEnd
	})
}

func parseAmount(v string) (money.Amount, bool) {
	if len(v) >= 2 && v[0] == '(' && v[len(v)-1] == ')' {
		inner := v[1 : len(v)-1]
		if inner == "" || inner[0] == '-' || inner[0] == '+' {
			return 0, false
		}
		a, ok := money.ParseAmountBytes([]byte(inner))
		return -a, ok
	}
	return money.ParseAmountBytes([]byte(v))
}

func isIdent(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		exp := "well-formed CSV"
		switch {
		case errors.Is(pe.Err, csv.ErrFieldCount):
			exp = "as many fields as the header has"
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			exp = "well-formed CSV quoting (" + pe.Err.Error() + ")"
		}
		return &InputError{File: name, Line: pe.Line, Char: pe.Column, Expected: exp}
	}
	return &InputError{File: name, Expected: "readable CSV (" + err.Error() + ")"}
}

// FormatStatements writes statements as a financial statements CSV that
// ReadStatements reads back to the same periods and lines: the required
// columns first, then any other lines in name order; a line a statement does
// not report is blank.
func FormatStatements(stmts []Statement) []byte {
	extra := map[string]bool{}
	for i := range stmts {
		for k := range stmts[i].Lines {
			extra[k] = true
		}
	}
	for _, c := range RequiredColumns {
		delete(extra, c)
	}
	cols := append([]string(nil), RequiredColumns...)
	var names []string
	for k := range extra {
		names = append(names, k)
	}
	sort.Strings(names)
	cols = append(cols, names...)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(cols)
	rec := make([]string, len(cols))
	for i := range stmts {
		s := &stmts[i]
		rec[0] = s.PeriodEnd.String()
		rec[1] = strconv.Itoa(s.FiscalYear)
		rec[2] = strconv.Itoa(s.FiscalQuarter)
		for j := 3; j < len(cols); j++ {
			if a, ok := s.Lines[cols[j]]; ok {
				rec[j] = a.String()
			} else {
				rec[j] = ""
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}
