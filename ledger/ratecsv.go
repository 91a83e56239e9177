package ledger

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"revolver/date"
	"revolver/money"
)

// InputError is a rejected rate file: where (file, line, character or
// column), what was found and what was expected.
type InputError struct {
	File     string
	Line     int    // 1-based; the header is the line it is on
	Char     int    // for malformed CSV: 1-based character position in the line
	Field    int    // 1-based column number, 0 when not known
	Column   string // the column's name in the header, when known
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
		} else if e.Field > 0 {
			b.WriteString(":" + strconv.Itoa(e.Field))
		}
	}
	if e.Column != "" {
		b.WriteString(": column " + strconv.Quote(e.Column))
	}
	b.WriteString(": ")
	if e.Value != "" || e.Field > 0 {
		b.WriteString("found " + strconv.Quote(e.Value) + ", ")
	}
	b.WriteString("expected " + e.Expected)
	return b.String()
}

// ErrorCode is "invalid": a rate file is the caller's input.
func (e *InputError) ErrorCode() string { return CodeInvalid }

// RateRow is one value read from a rate file, with the line it is on.
type RateRow struct {
	Point RatePoint
	Line  int
}

// noValue are the cells central-bank downloads put on a day without a value:
// FRED's "." (or blank), the Federal Reserve's Data Download Program's "ND"
// (no data) and "NC", and the usual spreadsheet markers.
var noValue = []string{"", ".", "nd", "nc", "na", "n/a", "#n/a"}

// ddpMeta are the first cells of the description rows the Federal Reserve's
// Data Download Program puts above its header row ("Time Period", …).
var ddpMeta = []string{"series description", "unit:", "multiplier:", "currency:", "unique identifier:"}

var percentRE = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,8})?$`)

// ReadRates reads a base-rate file as central banks publish them: a header
// row, then one row per day with a date column and a value column, the value
// an annual rate in percent ("4.00" is 4%), blank (or ".", "ND", "NA") on a
// day without a value, such as FRED's DPRIME.csv ("observation_date,DPRIME")
// or the Federal Reserve H.15 Data Download Program's CSV (its description
// rows above "Time Period" are skipped). The date column is the first; the
// value column is the only other one, or the one named column (matched
// case-insensitively) when the file has more. Dates are YYYY-MM-DD or
// MM/DD/YYYY; rows may come in any order (the New York Fed's downloads are
// newest first) but a date only once. The first error found is returned, as
// an *InputError, and no rows with it. Rows are returned by date.
func ReadRates(name string, data []byte, column string) ([]RateRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var header []string
	var hline int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil, &InputError{File: name, Line: 1, Expected: "a header row naming a date column and a value column (e.g. observation_date,DPRIME)"}
		}
		if err != nil {
			return nil, rateCSVError(name, err)
		}
		hline, _ = r.FieldPos(0)
		if slices.Contains(ddpMeta, strings.ToLower(strings.TrimSpace(rec[0]))) {
			continue
		}
		header = rec
		break
	}
	iDate, iVal := 0, -1
	switch {
	case column != "":
		for i, h := range header {
			if i > 0 && strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(column)) {
				iVal = i
			}
		}
		if iVal < 0 {
			return nil, &InputError{File: name, Line: hline, Value: strings.Join(header, ","),
				Expected: fmt.Sprintf("a value column named %q after the date column", column)}
		}
	case len(header) == 2:
		iVal = 1
	default:
		return nil, &InputError{File: name, Line: hline, Value: strings.Join(header, ","),
			Expected: "two columns (a date and a value), or the value column named (--column, column=)"}
	}
	dateCol, valCol := strings.TrimSpace(header[iDate]), strings.TrimSpace(header[iVal])
	var out []RateRow
	seen := map[date.Date]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rateCSVError(name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			return nil, &InputError{File: name, Line: line, Value: strconv.Itoa(len(rec)) + " fields",
				Expected: fmt.Sprintf("%d fields, as the header has (%s)", len(header), strings.Join(header, ","))}
		}
		dl, dc := r.FieldPos(iDate)
		d, ok := parseRateDate(strings.TrimSpace(rec[iDate]))
		if !ok {
			return nil, &InputError{File: name, Line: dl, Char: dc, Column: dateCol, Value: rec[iDate],
				Expected: "a date YYYY-MM-DD or MM/DD/YYYY"}
		}
		if prev, dup := seen[d]; dup {
			return nil, &InputError{File: name, Line: dl, Char: dc, Column: dateCol, Value: rec[iDate],
				Expected: fmt.Sprintf("each date once (%s is already on line %d)", d, prev)}
		}
		seen[d] = line
		v := strings.TrimSpace(rec[iVal])
		if slices.Contains(noValue, strings.ToLower(v)) {
			continue // a day without a value
		}
		vl, vc := r.FieldPos(iVal)
		if !percentRE.MatchString(v) {
			return nil, &InputError{File: name, Line: vl, Char: vc, Column: valCol, Value: rec[iVal],
				Expected: "a rate in percent, 0 or more, with at most 8 decimals (4.00 is 4%), or blank or \".\" for a day without a value"}
		}
		rate, err := money.ParseRate(v + "%")
		if err != nil {
			return nil, &InputError{File: name, Line: vl, Char: vc, Column: valCol, Value: rec[iVal], Expected: "a rate in percent"}
		}
		out = append(out, RateRow{Point: RatePoint{Effective: d, Value: rate}, Line: line})
	}
	slices.SortFunc(out, func(a, b RateRow) int { return int(a.Point.Effective - b.Point.Effective) })
	return out, nil
}

func parseRateDate(s string) (date.Date, bool) {
	if d, ok := date.ParseBytes([]byte(s)); ok {
		return d, true
	}
	t, err := time.Parse("1/2/2006", s)
	if err != nil {
		return 0, false
	}
	d := date.FromTime(t)
	return d, d >= date.Min && d <= date.Max
}

func rateCSVError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &InputError{File: name, Line: pe.Line, Char: pe.Column, Expected: "well-formed CSV (" + pe.Err.Error() + ")"}
	}
	return &InputError{File: name, Expected: "readable CSV (" + err.Error() + ")"}
}
