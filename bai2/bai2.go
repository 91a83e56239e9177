// Package bai2 reads BAI2 cash management balance reporting files (Cash
// Management Balance Reporting Specifications Version 2): records 01 file
// header, 02 group header, 03 account identifier and summary, 16
// transaction detail, 49 account trailer, 98 group trailer, 99 file
// trailer, and 88 continuations of any of them.
//
// Read is pure: bytes in, a File or an *Error out. Every control total and
// record count is verified; any mismatch refuses the whole file. The
// conventions chosen where the specification leaves room are in
// docs/bai2.md.
package bai2

import (
	"fmt"
	"strconv"
	"strings"

	"revolver/date"
	"revolver/money"
)

// File is a BAI2 file: its 01 header, its groups, and the number of
// physical records read (88 continuations included).
type File struct {
	Sender, Receiver string
	// Created and CreatedTime are the 01 record's creation date and time
	// (HHMM, as written).
	Created     date.Date
	CreatedTime string
	FileID      string
	// RecordLength and BlockSize are the 01 record's optional physical
	// record length and block size, as written.
	RecordLength, BlockSize string
	Groups                  []Group
	Records                 int
}

// Group is one 02 group header with its accounts.
type Group struct {
	Ultimate, Originator string
	// Status is the group status: 1 update, 2 deletion, 3 correction, 4 test only.
	Status int
	AsOf   date.Date
	// AsOfTime is HHMM as written, or empty.
	AsOfTime string
	// Currency is the group's currency, USD when the 02 record leaves it out.
	Currency string
	// AsOfModifier is the as-of-date modifier: empty, or 1 interim previous-day,
	// 2 final previous-day, 3 interim same-day, 4 final same-day.
	AsOfModifier string
	Accounts     []Account
	Line         int
}

// Account is one 03 account identifier with its summaries and its 16
// transaction details.
type Account struct {
	Number string
	// Currency is the account's currency: the group's when the 03 leaves it out.
	Currency     string
	Summaries    []Summary
	Transactions []Transaction
	Line         int
}

// Summary is one status or summary entry of an 03 record.
type Summary struct {
	TypeCode string
	// Amount is in cents, signed as written (status amounts may be negative).
	Amount money.Amount
	// Items is the item count, nil when not given.
	Items *int
	Funds Funds
}

// Transaction is one 16 transaction detail.
type Transaction struct {
	TypeCode string
	// Amount is in cents, unsigned as written; Signed gives its direction.
	Amount               money.Amount
	Funds                Funds
	BankRef, CustomerRef string
	// Text is the free text: the rest of the record, commas included.
	Text string
	// Record and Line are the 16 record's physical record number and line.
	Record, Line int
}

// Funds is the availability of an amount. Type is empty (not given), Z
// (unknown), 0 (immediate), 1 (one day), 2 (two or more days), S (the
// immediate, one-day and two-or-more-day amounts follow), V (value dated:
// ValueDate and the optional ValueTime follow) or D (Distributions follow).
type Funds struct {
	Type                       string
	Immediate, OneDay, TwoPlus money.Amount
	ValueDate                  date.Date
	ValueTime                  string
	Distributions              []Distribution
}

// Distribution is one availability of a distributed (D) funds type: Amount
// becomes available after Days days.
type Distribution struct {
	Days   int
	Amount money.Amount
}

// Error is every error Read returns. Record is the 1-based physical record
// number (88 continuations counted), Line the 1-based line; Field names the
// record and the field; Found is what the file holds (empty for nothing),
// Expected what the specification asks for.
type Error struct {
	Name            string
	Record, Line    int
	Field           string
	Found, Expected string
}

func (e *Error) Error() string {
	found := "nothing"
	if e.Found != "" {
		found = strconv.Quote(e.Found)
	}
	return fmt.Sprintf("%s: record %d, line %d, %s: found %s, expected %s",
		e.Name, e.Record, e.Line, e.Field, found, e.Expected)
}

// recordNames are the record codes and what they are called in errors.
var recordNames = map[string]string{
	"01": "01 file header", "02": "02 group header", "03": "03 account identifier",
	"16": "16 transaction detail", "49": "49 account trailer", "88": "88 continuation",
	"98": "98 group trailer", "99": "99 file trailer",
}

// segment is one physical record's content, after the record code.
type segment struct {
	line, record int
	raw          string // the content after "CC," without the terminating '/'
}

// logical is a record with its 88 continuations: the fields run on from one
// segment to the next. Fields are split at commas as they are taken.
type logical struct {
	code string
	segs []segment
	seg  int // the segment of the next field
	off  int // the offset in segs[seg].raw of the next field, -1 when none is left
}

// reader holds the state of one Read.
type reader struct {
	name       string
	lastRecord int // the record number of the last field taken
	lastLine   int
}

func (r *reader) errAt(rec, line int, field, found, expected string) *Error {
	return &Error{Name: r.name, Record: rec, Line: line, Field: field, Found: found, Expected: expected}
}

// next returns the next field of l, its segment, and whether there was one
// (a record ended early defaults the fields it leaves out).
func (l *logical) next() (string, *segment, bool) {
	for l.seg < len(l.segs) {
		s := &l.segs[l.seg]
		if l.off >= 0 {
			rest := s.raw[l.off:]
			if i := strings.IndexByte(rest, ','); i >= 0 {
				l.off += i + 1
				return rest[:i], s, true
			}
			l.off = -1
			return rest, s, true
		}
		l.seg++
		l.off = 0
	}
	return "", nil, false
}

// rest returns the rest of the record as text: the rest of the current
// segment, commas included, and each later segment, joined by one space.
func (l *logical) rest() string {
	if l.seg == len(l.segs)-1 { // no continuation: no copy
		s := &l.segs[l.seg]
		l.seg++
		if l.off >= 0 && l.off < len(s.raw) {
			return s.raw[l.off:]
		}
		return ""
	}
	var parts []string
	for l.seg < len(l.segs) {
		s := &l.segs[l.seg]
		if l.off >= 0 && l.off < len(s.raw) {
			parts = append(parts, s.raw[l.off:])
		}
		l.seg++
		l.off = 0
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts, " ")
}

// field is a field taken, with its position and its name for errors.
type field struct {
	text         string
	present      bool
	record, line int
	code, name   string
}

func (r *reader) take(l *logical, name string) field {
	t, s, ok := l.next()
	if !ok {
		rec, line := l.last()
		return field{record: rec, line: line, code: l.code, name: name}
	}
	return field{text: t, present: true, record: s.record, line: s.line, code: l.code, name: name}
}

// last is the record and line of the logical record's last segment.
func (l *logical) last() (int, int) {
	s := &l.segs[len(l.segs)-1]
	return s.record, s.line
}

func (r *reader) fail(f field, expected string) *Error {
	return r.errAt(f.record, f.line, recordNames[f.code]+" "+f.name, f.text, expected)
}

func (r *reader) required(f field, expected string) error {
	if f.text == "" {
		return r.fail(f, expected)
	}
	return nil
}

// end refuses any non-empty field left in l.
func (r *reader) end(l *logical) error {
	for {
		t, s, ok := l.next()
		if !ok {
			return nil
		}
		if t != "" {
			return r.errAt(s.record, s.line, recordNames[l.code], t, "the end of the record")
		}
	}
}

const (
	wantAmount   = "an amount in cents: digits only, no decimal point"
	wantSigned   = "an amount in cents: an optional + or - and digits, no decimal point"
	wantCount    = "a count: digits only"
	wantDate     = "a date YYMMDD"
	wantTime     = "a time HHMM (0000 to 2400, or 9999)"
	wantTypeCode = "a three-digit type code"
)

// amount reads an amount in cents; empty is zero.
func (r *reader) amount(f field, signed bool) (money.Amount, error) {
	s := f.text
	if s == "" {
		return 0, nil
	}
	want := wantAmount
	if signed {
		want = wantSigned
	}
	neg := false
	if signed && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || !digits(s) {
		return 0, r.fail(f, want)
	}
	if len(s) > 18 {
		return 0, r.fail(f, fmt.Sprintf("%s, at most %d", want, int64(money.MaxAmount)))
	}
	v, _ := strconv.ParseInt(s, 10, 64)
	if v > int64(money.MaxAmount) {
		return 0, r.fail(f, fmt.Sprintf("%s, at most %d", want, int64(money.MaxAmount)))
	}
	if neg {
		v = -v
	}
	return money.Amount(v), nil
}

// count reads a non-negative count (at most nine digits).
func (r *reader) count(f field) (int, error) {
	if f.text == "" || !digits(f.text) || len(f.text) > 9 {
		return 0, r.fail(f, wantCount)
	}
	n, _ := strconv.Atoi(f.text)
	return n, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// yymmdd reads a date YYMMDD: years 70–99 are 1970–1999, 00–69 2000–2069.
func (r *reader) yymmdd(f field) (date.Date, error) {
	s := f.text
	if len(s) != 6 || !digits(s) {
		return 0, r.fail(f, wantDate)
	}
	century := "20"
	if s[0] >= '7' {
		century = "19"
	}
	d, ok := date.ParseBytes([]byte(century + s[0:2] + "-" + s[2:4] + "-" + s[4:6]))
	if !ok {
		return 0, r.fail(f, wantDate)
	}
	return d, nil
}

// hhmm checks a time HHMM: 0000–2359, 2400 (end of day) or 9999 (end of
// day, an older convention); empty when optional.
func (r *reader) hhmm(f field, optional bool) (string, error) {
	s := f.text
	if s == "" && optional {
		return "", nil
	}
	if len(s) != 4 || !digits(s) {
		return "", r.fail(f, wantTime)
	}
	h, m := (s[0]-'0')*10+s[1]-'0', (s[2]-'0')*10+s[3]-'0'
	if !(s == "9999" || s == "2400" || h < 24 && m < 60) {
		return "", r.fail(f, wantTime)
	}
	return s, nil
}

func (r *reader) typeCode(f field, detail bool) (string, error) {
	if len(f.text) != 3 || !digits(f.text) {
		return "", r.fail(f, wantTypeCode)
	}
	if detail && f.text[0] == '0' {
		return "", r.fail(f, "a detail type code (100 to 999), not a status code")
	}
	return f.text, nil
}

func (r *reader) currency(f field) (string, error) {
	s := f.text
	if s == "" {
		return "", nil
	}
	if len(s) != 3 || strings.IndexFunc(s, func(c rune) bool { return c < 'A' || c > 'Z' }) >= 0 {
		return "", r.fail(f, "a currency code of three capital letters")
	}
	return s, nil
}

// funds reads a funds type and the fields that follow it.
func (r *reader) funds(l *logical, signed bool) (Funds, error) {
	f := r.take(l, "funds type")
	fu := Funds{Type: f.text}
	var err error
	switch f.text {
	case "", "Z", "0", "1", "2":
	case "S":
		if fu.Immediate, err = r.amount(r.take(l, "immediate availability"), signed); err != nil {
			return fu, err
		}
		if fu.OneDay, err = r.amount(r.take(l, "one-day availability"), signed); err != nil {
			return fu, err
		}
		if fu.TwoPlus, err = r.amount(r.take(l, "two-or-more-day availability"), signed); err != nil {
			return fu, err
		}
	case "V":
		if fu.ValueDate, err = r.yymmdd(r.take(l, "value date")); err != nil {
			return fu, err
		}
		if fu.ValueTime, err = r.hhmm(r.take(l, "value time"), true); err != nil {
			return fu, err
		}
	case "D":
		n, err := r.count(r.take(l, "number of distributions"))
		if err != nil {
			return fu, err
		}
		for i := 0; i < n; i++ {
			df := r.take(l, fmt.Sprintf("distribution %d days", i+1))
			days, err := r.count(df)
			if err != nil {
				return fu, err
			}
			a, err := r.amount(r.take(l, fmt.Sprintf("distribution %d amount", i+1)), signed)
			if err != nil {
				return fu, err
			}
			fu.Distributions = append(fu.Distributions, Distribution{Days: days, Amount: a})
		}
	default:
		return fu, r.fail(f, "a funds type: Z, 0, 1, 2, S, V, D or nothing")
	}
	return fu, nil
}
