package bai2

import (
	"fmt"
	"strings"

	"revolver/money"
)

// state is where the reader is in the file's structure.
type state int

const (
	beforeFile state = iota // expecting the 01
	inFile                  // expecting an 02 or the 99
	inGroup                 // expecting an 03 or the 98
	inAccount               // expecting a 16 or the 49
	afterFile               // the 99 has been read
)

// Read reads the BAI2 file data, named name in errors. It returns the file,
// or an *Error for the first thing wrong and no file: a syntax error, a
// record out of place, or a control total or record count that does not
// match the records.
func Read(name string, data []byte) (*File, error) {
	p := parser{reader: reader{name: name}, file: &File{}}
	text := string(data)
	// One array for the file's transactions, sized by its 16 records.
	n16 := strings.Count(text, "\n16,")
	if strings.HasPrefix(text, "16,") {
		n16++
	}
	p.details = make([]Transaction, 0, n16)
	line := 0
	for len(text) > 0 {
		var l string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			l, text = text, ""
		}
		line++
		l = strings.TrimRight(strings.TrimSuffix(l, "\r"), " ")
		if l == "" {
			continue
		}
		if err := p.physical(line, l); err != nil {
			return nil, err
		}
	}
	if err := p.flush(); err != nil {
		return nil, err
	}
	if p.state != afterFile {
		return nil, p.errAt(p.records+1, line+1, "record code", "", p.expecting()+" (the file ends)")
	}
	p.file.Records = p.records
	return p.file, nil
}

type parser struct {
	reader
	file    *File
	state   state
	records int     // physical records so far
	pending logical // the record whose 88 continuations may follow, when has
	has     bool

	group, account *logical // the open 02 and 03
	groupRec       int      // the record number of the open 02
	accountRec     int      // the record number of the open 03
	groupLine      int
	accountLine    int
	fileTotal      money.Amount  // the 98 totals so far
	groupTotal     money.Amount  // the 49 totals so far
	accountTotal   money.Amount  // the 03 and 16 amounts so far
	accounts       int           // 03 records in the open group
	details        []Transaction // the transactions of the file; the open account's from accountTx
	accountTx      int
}

// physical takes one non-blank line.
func (p *parser) physical(line int, l string) error {
	p.records++
	code, rest := l, ""
	if i := strings.IndexByte(l, ','); i >= 0 {
		code, rest = l[:i], l[i+1:]
	} else if i := strings.IndexByte(l, '/'); i >= 0 {
		code, rest = l[:i], l[i:]
	}
	switch code {
	case "01", "02", "03", "16", "49", "88", "98", "99":
	default:
		return p.errAt(p.records, line, "record code", code, "a record code: 01, 02, 03, 16, 49, 88, 98 or 99")
	}
	if code == "88" {
		if !p.has {
			return p.errAt(p.records, line, "record code", code, "a record before the 88 continuation")
		}
		s, err := p.segment(p.pending.code, code, line, rest)
		if err != nil {
			return err
		}
		p.pending.segs = append(p.pending.segs, s)
		return nil
	}
	if err := p.flush(); err != nil {
		return err
	}
	if p.state == afterFile {
		return p.errAt(p.records, line, "record code", code, "nothing after the 99 file trailer")
	}
	s, err := p.segment(code, code, line, rest)
	if err != nil {
		return err
	}
	p.pending = logical{code: code, segs: append(p.pending.segs[:0], s)}
	p.has = true
	return nil
}

// segment ends the content of a physical record: a 16's text runs to the end
// of the line (one final '/' is dropped); any other record ends at its '/'.
func (p *parser) segment(code, own string, line int, rest string) (segment, error) {
	if code == "16" {
		return segment{line: line, record: p.records, raw: strings.TrimSuffix(rest, "/")}, nil
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return segment{}, p.errAt(p.records, line, recordNames[own]+" end", "", "the '/' that ends the record")
	}
	if after := strings.TrimLeft(rest[i+1:], " "); after != "" {
		return segment{}, p.errAt(p.records, line, recordNames[own]+" end", after, "nothing after the '/' that ends the record")
	}
	return segment{line: line, record: p.records, raw: rest[:i]}, nil
}

// expecting says what the current state expects next.
func (p *parser) expecting() string {
	switch p.state {
	case beforeFile:
		return "01 file header"
	case inFile:
		return "02 group header or 99 file trailer"
	case inGroup:
		return fmt.Sprintf("03 account identifier or the 98 group trailer closing the group of record %d", p.groupRec)
	case inAccount:
		return fmt.Sprintf("16 transaction detail or the 49 account trailer closing the account of record %d", p.accountRec)
	}
	return "nothing after the 99 file trailer"
}

// expected reports whether a record with code may come in state s.
func expected(s state, code string) bool {
	switch s {
	case beforeFile:
		return code == "01"
	case inFile:
		return code == "02" || code == "99"
	case inGroup:
		return code == "03" || code == "98"
	case inAccount:
		return code == "16" || code == "49"
	}
	return false
}

// flush processes the pending record, now that its continuations are known.
func (p *parser) flush() error {
	if !p.has {
		return nil
	}
	l := &p.pending
	p.has = false
	rec, line := l.segs[0].record, l.segs[0].line
	lastRec, _ := l.last()
	if !expected(p.state, l.code) {
		return p.errAt(rec, line, "record code", l.code, p.expecting())
	}
	switch l.code {
	case "01":
		if err := p.header(l); err != nil {
			return err
		}
		p.state = inFile
	case "02":
		g, err := p.groupHeader(l)
		if err != nil {
			return err
		}
		g.Line = line
		p.file.Groups = append(p.file.Groups, g)
		p.groupRec, p.groupLine, p.groupTotal, p.accounts = rec, line, 0, 0
		p.state = inGroup
	case "03":
		g := &p.file.Groups[len(p.file.Groups)-1]
		a, total, err := p.accountHeader(l, g.Currency)
		if err != nil {
			return err
		}
		a.Line = line
		g.Accounts = append(g.Accounts, a)
		p.accountRec, p.accountLine, p.accountTotal = rec, line, total
		p.accountTx = len(p.details)
		p.accounts++
		p.state = inAccount
	case "16":
		t, err := p.detail(l)
		if err != nil {
			return err
		}
		t.Record, t.Line = rec, line
		p.details = append(p.details, t)
		sum, err := p.accountTotal.Add(t.Amount)
		if err != nil {
			return p.errAt(rec, line, "16 transaction detail amount", t.Amount.String(), "amounts whose sum stays within the range of an amount")
		}
		p.accountTotal = sum
	case "49":
		total, err := p.trailer(l, "account control total", p.accountTotal, "the sum of the account's 03 and 16 amounts")
		if err != nil {
			return err
		}
		if err := p.recordCount(l, lastRec-p.accountRec+1, "the 03, 16, 88 and 49 records of the account"); err != nil {
			return err
		}
		if err := p.end(l); err != nil {
			return err
		}
		if p.groupTotal, err = p.groupTotal.Add(total); err != nil {
			return p.errAt(rec, line, "49 account trailer account control total", total.String(), "totals whose sum stays within the range of an amount")
		}
		if n := len(p.details); n > p.accountTx {
			g := &p.file.Groups[len(p.file.Groups)-1]
			g.Accounts[len(g.Accounts)-1].Transactions = p.details[p.accountTx:n:n]
		}
		p.state = inGroup
	case "98":
		total, err := p.trailer(l, "group control total", p.groupTotal, "the sum of the group's 49 account control totals")
		if err != nil {
			return err
		}
		if err := p.number(l, "number of accounts", p.accounts, "the 03 records of the group"); err != nil {
			return err
		}
		if err := p.recordCount(l, lastRec-p.groupRec+1, "the records of the group, 02 and 98 included"); err != nil {
			return err
		}
		if err := p.end(l); err != nil {
			return err
		}
		if p.fileTotal, err = p.fileTotal.Add(total); err != nil {
			return p.errAt(rec, line, "98 group trailer group control total", total.String(), "totals whose sum stays within the range of an amount")
		}
		p.state = inFile
	case "99":
		if _, err := p.trailer(l, "file control total", p.fileTotal, "the sum of the file's 98 group control totals"); err != nil {
			return err
		}
		if err := p.number(l, "number of groups", len(p.file.Groups), "the 02 records of the file"); err != nil {
			return err
		}
		if err := p.recordCount(l, lastRec, "all records of the file, 01 and 99 included"); err != nil {
			return err
		}
		if err := p.end(l); err != nil {
			return err
		}
		p.state = afterFile
	}
	return nil
}

// trailer reads a control total and compares it with the sum of the records.
func (p *parser) trailer(l *logical, name string, want money.Amount, what string) (money.Amount, error) {
	f := p.take(l, name)
	if err := p.required(f, wantSigned); err != nil {
		return 0, err
	}
	got, err := p.amount(f, true)
	if err != nil {
		return 0, err
	}
	if got != want {
		return 0, p.fail(f, fmt.Sprintf("%d (%s)", int64(want), what))
	}
	return got, nil
}

// number reads a count and compares it with the records'.
func (p *parser) number(l *logical, name string, want int, what string) error {
	f := p.take(l, name)
	got, err := p.count(f)
	if err != nil {
		return err
	}
	if got != want {
		return p.fail(f, fmt.Sprintf("%d (%s)", want, what))
	}
	return nil
}

func (p *parser) recordCount(l *logical, want int, what string) error {
	return p.number(l, "number of records", want, what)
}

// header reads the 01 file header.
func (p *parser) header(l *logical) error {
	f, file := p.file, &p.reader
	sender := file.take(l, "sender identification")
	if err := file.required(sender, "the sender's identification"); err != nil {
		return err
	}
	receiver := file.take(l, "receiver identification")
	if err := file.required(receiver, "the receiver's identification"); err != nil {
		return err
	}
	var err error
	if f.Created, err = file.yymmdd(file.take(l, "file creation date")); err != nil {
		return err
	}
	if f.CreatedTime, err = file.hhmm(file.take(l, "file creation time"), false); err != nil {
		return err
	}
	id := file.take(l, "file identification number")
	if err := file.required(id, "the file identification number"); err != nil {
		return err
	}
	length := file.take(l, "physical record length")
	if length.text != "" && !digits(length.text) {
		return file.fail(length, "a record length: digits, or nothing")
	}
	block := file.take(l, "block size")
	if block.text != "" && !digits(block.text) {
		return file.fail(block, "a block size: digits, or nothing")
	}
	version := file.take(l, "version number")
	if version.text != "2" {
		return file.fail(version, "2 (BAI2)")
	}
	f.Sender, f.Receiver, f.FileID = sender.text, receiver.text, id.text
	f.RecordLength, f.BlockSize = length.text, block.text
	return file.end(l)
}

// groupHeader reads an 02 group header.
func (p *parser) groupHeader(l *logical) (Group, error) {
	var g Group
	g.Ultimate = p.take(l, "ultimate receiver identification").text
	orig := p.take(l, "originator identification")
	if err := p.required(orig, "the originator's identification"); err != nil {
		return g, err
	}
	g.Originator = orig.text
	st := p.take(l, "group status")
	if len(st.text) != 1 || st.text < "1" || st.text > "4" {
		return g, p.fail(st, "a group status: 1 update, 2 deletion, 3 correction or 4 test only")
	}
	g.Status = int(st.text[0] - '0')
	var err error
	if g.AsOf, err = p.yymmdd(p.take(l, "as-of date")); err != nil {
		return g, err
	}
	if g.AsOfTime, err = p.hhmm(p.take(l, "as-of time"), true); err != nil {
		return g, err
	}
	if g.Currency, err = p.currency(p.take(l, "currency code")); err != nil {
		return g, err
	}
	if g.Currency == "" {
		g.Currency = "USD"
	}
	mod := p.take(l, "as-of-date modifier")
	if mod.text != "" && (len(mod.text) != 1 || mod.text < "1" || mod.text > "4") {
		return g, p.fail(mod, "an as-of-date modifier: 1, 2, 3, 4 or nothing")
	}
	g.AsOfModifier = mod.text
	return g, p.end(l)
}

// accountHeader reads an 03 account identifier and its summaries; total is
// the sum of its amounts.
func (p *parser) accountHeader(l *logical, currency string) (Account, money.Amount, error) {
	var a Account
	var total money.Amount
	num := p.take(l, "customer account number")
	if err := p.required(num, "the account number"); err != nil {
		return a, 0, err
	}
	a.Number = num.text
	var err error
	if a.Currency, err = p.currency(p.take(l, "currency code")); err != nil {
		return a, 0, err
	}
	if a.Currency == "" {
		a.Currency = currency
	}
	for {
		tc := p.take(l, "type code")
		if !tc.present {
			break
		}
		if tc.text == "" {
			// Trailing commas: nothing may follow an empty type code.
			return a, total, p.end(l)
		}
		var s Summary
		if s.TypeCode, err = p.typeCode(tc, false); err != nil {
			return a, 0, err
		}
		af := p.take(l, "amount")
		if s.Amount, err = p.amount(af, true); err != nil {
			return a, 0, err
		}
		if total, err = total.Add(s.Amount); err != nil {
			return a, 0, p.fail(af, "amounts whose sum stays within the range of an amount")
		}
		items := p.take(l, "item count")
		if items.text != "" {
			n, err := p.count(items)
			if err != nil {
				return a, 0, err
			}
			s.Items = &n
		}
		if s.Funds, err = p.funds(l, true); err != nil {
			return a, 0, err
		}
		a.Summaries = append(a.Summaries, s)
	}
	return a, total, nil
}

// detail reads a 16 transaction detail.
func (p *parser) detail(l *logical) (Transaction, error) {
	var t Transaction
	var err error
	if t.TypeCode, err = p.typeCode(p.take(l, "type code"), true); err != nil {
		return t, err
	}
	if t.Amount, err = p.amount(p.take(l, "amount"), false); err != nil {
		return t, err
	}
	if t.Funds, err = p.funds(l, false); err != nil {
		return t, err
	}
	t.BankRef = p.take(l, "bank reference number").text
	t.CustomerRef = p.take(l, "customer reference number").text
	t.Text = l.rest()
	return t, nil
}
