package collateral

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math/bits"
	"revolver/parallel"
	"slices"
	"unsafe"
)

// ReadReceivables reads an aging (CSV, with a header line) against its
// customer master: every debtor_id must be one of debtors (read from the
// input named debtorsFile). On any problem it returns nil and an *Errors.
//
// The result refers to data for its invoice numbers: data must not be
// changed afterwards.
func ReadReceivables(name string, data []byte, debtorsFile string, debtors []Debtor, opt Options) (*Receivables, error) {
	if opt.Layout != nil {
		return readReceivablesLayout(name, data, false, debtorsFile, debtors, opt)
	}
	t := &table{file: name, kind: "receivables"}
	data, start, firstLine, ok := headerCSV(t, data, ReceivableColumns, opt)
	if !ok {
		return nil, t.errs.err()
	}
	s := newRecvSink(t, debtorsFile, debtors, opt)
	s.data = data
	ws := scanCSV(t, data, start, firstLine, s)
	return s.finish(ws)
}

// maxInvoiceLen is the longest invoice number accepted, in bytes.
const maxInvoiceLen = 1<<16 - 1

func readReceivablesRows(name string, rows [][]string, debtorsFile string, debtors []Debtor, opt Options) (*Receivables, error) {
	t := &table{file: name, kind: "receivables"}
	if !headerRows(t, rows, ReceivableColumns, opt) {
		return nil, t.errs.err()
	}
	s := newRecvSink(t, debtorsFile, debtors, opt)
	return s.finish(scanRows(t, rows, s))
}

type recvSink struct {
	t       *table
	debtors []Debtor
	dfile   string
	index   idTable
	unknown string // expectation for an unknown debtor
	cur     []byte
	curS    string
	curExp  string
	rows    []Receivable
	data    []byte   // the CSV input, which verbatim invoice numbers point into
	hs      []uint32 // per row: hash of the invoice number (never 0), 0 if none
	seed    maphash.Seed
	k0, k1  uint64 // the invoice hash's keys, from seed
	cur3    uint32 // a three-byte currency as a word (cur3ok)
	cur3ok  bool
	ext     extras

	cols [7]int // field index of each of ReceivableColumns

	bb int // the bits of the invoice hashes' buckets for duplicates (dupBuckets)
}

func newRecvSink(t *table, dfile string, debtors []Debtor, opt Options) *recvSink {
	s := &recvSink{t: t, debtors: debtors, dfile: dfile, ext: extras{t: t}}
	s.seed = maphash.MakeSeed()
	s.k0, s.k1 = maphash.Bytes(s.seed, []byte{0}), maphash.Bytes(s.seed, []byte{1})
	s.index = newIDTable(debtors)
	s.unknown = "a debtor_id of the customer master " + dfile
	if dfile == "" {
		s.unknown = "a debtor_id of the customer master"
	}
	c := opt.currency()
	s.cur = []byte(c)
	s.curS = c
	if len(c) == 3 {
		s.cur3, s.cur3ok = uint32(c[0])|uint32(c[1])<<8|uint32(c[2])<<16, true
	}
	s.curExp = fmt.Sprintf("%q (the currency of this report)", c)
	for k, c := range ReceivableColumns {
		s.cols[k] = t.col(c, ReceivableColumns)
	}
	return s
}

func (s *recvSink) alloc(n int) {
	s.rows = make([]Receivable, n)
	s.hs = make([]uint32, n)
	if n > 0 {
		hugePages(unsafe.Pointer(&s.rows[0]), uintptr(n)*unsafe.Sizeof(s.rows[0]))
		hugePages(unsafe.Pointer(&s.hs[0]), uintptr(n)*unsafe.Sizeof(s.hs[0]))
	}
	s.bb = dupBuckets(n)
	s.ext.alloc(n)
}

func (s *recvSink) reset() {
	clear(s.rows)
	clear(s.hs)
	s.ext.reset()
}

func (s *recvSink) row(w *worker, line int32, idx int) {
	if !w.shape(s.t, line) {
		s.rows[idx] = Receivable{Line: line}
		return
	}
	// The fields, one variable each (an array of them would be cleared
	// and copied for every row).
	var deb, inv, idt, due, amt, cur, disp []byte
	var invOff int32
	c := &s.cols
	if w.plain {
		d, sp := w.data, w.sp
		deb, inv, idt, due = cut(d, sp[c[0]]), cut(d, sp[c[1]]), cut(d, sp[c[2]]), cut(d, sp[c[3]])
		amt, cur, disp = cut(d, sp[c[4]]), cut(d, sp[c[5]]), cut(d, sp[c[6]])
		invOff = int32(uint32(sp[c[1]]))
	} else {
		f := w.fields
		deb, inv, idt, due, amt, cur, disp = f[c[0]], f[c[1]], f[c[2]], f[c[3]], f[c[4]], f[c[5]], f[c[6]]
		invOff = w.offs[c[1]]
	}
	x := Receivable{Line: line}
	if d := s.index.lookup(deb); d >= 0 {
		x.Debtor = d
	} else {
		w.fail(line, "debtor_id", deb, s.unknown)
	}
	if len(inv) > 0 && len(inv) <= maxInvoiceLen {
		if invOff >= 0 && s.data != nil {
			x.invOff = invOff // verbatim in the input
		} else {
			x.invOff = -1 - int32(len(w.txt)) // in the chunk's text, placed in finish
			w.txt = append(w.txt, inv...)
		}
		x.invLen = uint16(len(inv))
		h := s.invoiceHash(inv)
		s.hs[idx] = h
		if w.hist == nil {
			w.hist = make([]int32, 1<<s.bb)
		}
		w.hist[bucketOf(h, s.bb)]++
	} else if len(inv) == 0 {
		w.fail(line, "invoice_no", inv, "an invoice number")
	} else {
		w.fail(line, "invoice_no", inv[:64], "an invoice number of at most 65535 bytes")
	}
	var ok bool
	if x.InvoiceDate, ok = w.parseDate(idt); !ok {
		w.fail(line, "invoice_date", idt, w.expDateOf(idt))
	}
	if x.DueDate, ok = w.parseDate(due); !ok {
		w.fail(line, "due_date", due, w.expDateOf(due))
	}
	if x.Amount, ok = w.parseAmount(amt); !ok {
		w.fail(line, "amount", amt, w.expAmount(expAmount))
	}
	if !(s.cur3ok && len(cur) == 3 && uint32(cur[0])|uint32(cur[1])<<8|uint32(cur[2])<<16 == s.cur3) &&
		string(cur) != s.curS && !bytes.EqualFold(cur, s.cur) {
		w.fail(line, "currency", cur, s.curExp)
	}
	if x.Disputed, ok = parseBool(disp); !ok {
		w.fail(line, "disputed", disp, expBool)
	}
	s.rows[idx] = x
	if len(s.ext.span) > 0 {
		s.ext.take(w, idx)
	}
}

// invoiceHash returns the hash of an invoice number (never 0). Numbers of
// up to sixteen bytes are read as two words (overlapping when shorter than
// sixteen) and mixed with the keys by one 128-bit multiply; longer ones go
// through maphash.
func (s *recvSink) invoiceHash(b []byte) uint32 {
	n := len(b)
	var a, c uint64
	switch {
	case n >= 8 && n <= 16:
		a, c = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4 && n < 8:
		a, c = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	case n < 4:
		for i, x := range b {
			a |= uint64(x) << (8 * i)
		}
	default:
		return uint32(maphash.Bytes(s.seed, b)) | 1
	}
	hi, lo := bits.Mul64(a^s.k0, c^s.k1^uint64(n))
	h := hi ^ lo
	return uint32(h^h>>32) | 1
}

// cut returns a plain line's field, d[start:end] for v = end<<32 | start.
func cut(d []byte, v uint64) []byte { return d[uint32(v) : v>>32] }

// expDateOf is what a date column expects, given the value b found
// instead: under a layout, the date format it declares; a value written
// with slashes and no format declared names the formats to declare (an
// ambiguous date is never guessed).
func (w *worker) expDateOf(b []byte) string {
	exp := expDate
	if w.xlsx {
		exp = expDateXLSX
	}
	if f := w.dateFormat; f != "" && f != DateISO {
		exp = "a date " + f + " (the layout's date_format)"
		if w.xlsx {
			exp += " or a spreadsheet date"
		}
	}
	if h := slashDateHint(b, w.dateFormat); h != "" {
		exp += "; " + h
	}
	return exp
}

// expAmount is what an amount column expects: exp, and under a layout the
// accounting forms it also takes.
func (w *worker) expAmount(exp string) string {
	if w.layout {
		return exp + "; also $1,234.56, (1,234.56) or 1,234.56- for a negative"
	}
	return exp
}

func (s *recvSink) chunkDone(w *worker) { s.ext.done(w) }

func (s *recvSink) finish(ws []*worker) (*Receivables, error) {
	t := s.t
	collect(t, ws)
	// Invoice numbers are in the input. When some were not written verbatim
	// (quotes doubled, spreadsheet cells), all go into one compact buffer.
	buf := s.data
	side := false
	for _, w := range ws {
		side = side || len(w.txt) > 0
	}
	if side {
		size := 0
		for i := range s.rows {
			size += int(s.rows[i].invLen)
		}
		buf = make([]byte, 0, size)
		for _, w := range ws {
			rows := s.rows[w.lo:w.hi]
			for i := range rows {
				r := &rows[i]
				if r.invLen == 0 {
					continue
				}
				var src []byte
				if r.invOff < 0 {
					o := -1 - r.invOff
					src = w.txt[o : o+int32(r.invLen)]
				} else {
					src = s.data[r.invOff : r.invOff+int32(r.invLen)]
				}
				r.invOff = int32(len(buf))
				buf = append(buf, src...)
			}
			w.txt = nil
		}
	}
	var dups errList // its own first MaxErrors, merged with the rows' problems
	parts := make([]dupPart, len(ws))
	for k, w := range ws {
		parts[k] = dupPart{w.lo, w.hi, w.hist}
		if parts[k].hist == nil {
			parts[k].hist = make([]int32, 1<<s.bb)
		}
	}
	for _, d := range duplicates(buf, s.rows, s.hs, s.bb, parts) {
		a, b := &s.rows[d[0]], &s.rows[d[1]]
		dups.add(&FieldError{File: t.file, Line: int(b.Line), Column: "invoice_no",
			Value:    string(buf[b.invOff : b.invOff+int32(b.invLen)]),
			Expected: fmt.Sprintf("a unique invoice number (it is also on line %d)", a.Line)})
	}
	t.errs.merge(&dups)
	if err := t.errs.err(); err != nil {
		return nil, err
	}
	// Drop the holes left by blank lines and multi-line records (none when
	// every index got a row).
	rows := s.rows
	n := 0
	if fed(ws) == len(rows) {
		n, rows = len(rows), nil
	}
	for i := range rows {
		if rows[i].Line == 0 {
			continue
		}
		if n != i {
			rows[n] = rows[i]
			s.ext.move(n, i)
		}
		n++
	}
	rows = s.rows[:n:n]
	return &Receivables{
		File:        t.file,
		DebtorsFile: s.dfile,
		Debtors:     s.debtors,
		Rows:        rows,
		Columns:     t.columns,
		buf:         buf,
		extra:       s.ext.result(n),
	}, nil
}

// dupBuckets returns the bits of the buckets duplicates spreads n rows
// into: about a thousand rows a bucket.
func dupBuckets(n int) int { return min(bits.Len(uint(n/1024)), 14) }

// bucketOf is an invoice hash's bucket: its top bb bits.
func bucketOf(h uint32, bb int) int {
	if bb == 0 {
		return 0
	}
	return int(h >> (32 - uint(bb)))
}

// dupPart is a range of rows [lo, hi) with the count of its invoice hashes
// in each bucket.
type dupPart struct {
	lo, hi int
	hist   []int32
}

// duplicates finds rows with the same invoice number, given each row's
// invoice hash (hs, 0 for rows without one). It returns pairs (first
// occurrence, later occurrence) ordered by the later one.
//
// Rows are first spread by the top bb bits of their hash into buckets of
// about a thousand (a counting sort, in parallel over parts, which cover
// the rows in order and come with their histograms, keeping row order
// within a bucket); each bucket then goes through a small open-addressing
// table that stays in the processor's cache. Equal hashes are confirmed on
// the bytes.
func duplicates(buf []byte, rows []Receivable, hs []uint32, bb int, parts []dupPart) [][2]int32 {
	n := len(rows)
	if n < 2 {
		return nil
	}
	nk := 1 << bb
	nb := len(parts)
	hist := make([]int32, nb*nk)
	for b, p := range parts {
		copy(hist[b*nk:(b+1)*nk], p.hist)
	}
	starts := make([]int32, nk+1)
	pos := int32(0)
	for k := range nk {
		starts[k] = pos
		for b := range nb {
			c := hist[b*nk+k]
			hist[b*nk+k] = pos
			pos += c
		}
	}
	starts[nk] = pos
	ent := make([]uint64, pos) // hash << 32 | row
	if pos > 0 {
		hugePages(unsafe.Pointer(&ent[0]), uintptr(pos)*8)
	}
	parallel.For(nb, func(b int) {
		hh := hist[b*nk : (b+1)*nk]
		lo := parts[b].lo
		for i, h := range hs[lo:parts[b].hi] {
			if h != 0 {
				k := bucketOf(h, bb)
				ent[hh[k]] = uint64(h)<<32 | uint64(lo+i)
				hh[k]++
			}
		}
	})
	np := min(nk, 8*maxProcs())
	found := make([][][2]int32, np)
	parallel.For(np, func(p int) {
		var table []uint64
		var out [][2]int32
		for k := p * nk / np; k < (p+1)*nk/np; k++ {
			es := ent[starts[k]:starts[k+1]]
			size := 1 << bits.Len(uint(2*len(es)))
			if cap(table) < size {
				table = make([]uint64, size)
			}
			table = table[:size]
			clear(table)
			mask := uint64(size - 1)
			for _, e := range es {
				i := uint32(e)
				j := (e >> 32 * 0x9E3779B97F4A7C15 >> 20) & mask
				for {
					x := table[j]
					if x == 0 {
						table[j] = e + 1
						break
					}
					x--
					if x>>32 == e>>32 {
						o := uint32(x)
						if hs[o] == hs[i] {
							q, r := &rows[o], &rows[i]
							if bytes.Equal(buf[q.invOff:q.invOff+int32(q.invLen)], buf[r.invOff:r.invOff+int32(r.invLen)]) {
								out = append(out, [2]int32{int32(o), int32(i)})
								break
							}
						}
					}
					j = (j + 1) & mask
				}
			}
		}
		found[p] = out
	})
	var all [][2]int32
	for _, f := range found {
		all = append(all, f...)
	}
	slices.SortFunc(all, func(a, b [2]int32) int { return int(a[1] - b[1]) })
	return all
}

// Len returns the number of receivables.
func (r *Receivables) Len() int { return len(r.Rows) }

// ExtraColumns returns the names of the non-standard columns kept per row.
func (r *Receivables) ExtraColumns() []string {
	return extraNames(r.Columns, r.extra)
}

func extraNames(cols []string, extra map[string][]string) []string {
	var out []string
	for _, c := range cols {
		if _, ok := extra[c]; ok && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// idTable finds a debtor's index by its id bytes without allocating. Ids of
// up to eight bytes are packed into a word and compared as one; longer ones
// are hashed and compared byte by byte.
type idTable struct {
	seed  maphash.Seed
	slots []idSlot
	mask  uint64
	ids   []Debtor
}

type idSlot struct {
	key uint64 // packed id (≤ 8 bytes) or its hash
	idx int32  // debtor index + 1; 0 = empty
	n   int32  // id length
}

// idKey packs a short id exactly (with its length) or hashes a long one.
func (t *idTable) idKey(b []byte) uint64 {
	n := len(b)
	switch {
	case n >= 4 && n <= 8:
		return uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
	case n < 4:
		var k uint64
		for i, c := range b {
			k |= uint64(c) << (8 * i)
		}
		return k
	}
	return maphash.Bytes(t.seed, b)
}

func slotOf(k uint64, n int, mask uint64) uint64 {
	h := (k ^ uint64(n)) * 0x9E3779B97F4A7C15
	return (h ^ h>>29 ^ h>>47) & mask
}

func newIDTable(debtors []Debtor) idTable {
	size := 1 << bits.Len(uint(2*len(debtors)+2))
	t := idTable{seed: maphash.MakeSeed(), slots: make([]idSlot, size), mask: uint64(size - 1), ids: debtors}
	for i := range debtors {
		id := debtors[i].ID
		k := t.idKey([]byte(id))
		j := slotOf(k, len(id), t.mask)
		for {
			s := &t.slots[j]
			if s.idx == 0 {
				*s = idSlot{key: k, idx: int32(i + 1), n: int32(len(id))}
				break
			}
			if debtors[s.idx-1].ID == id {
				break // the first keeps the id
			}
			j = (j + 1) & t.mask
		}
	}
	return t
}

func (t *idTable) lookup(b []byte) int32 {
	n := len(b)
	var k uint64
	if n >= 4 && n <= 8 { // idKey's usual case, inlined
		k = uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
	} else {
		k = t.idKey(b)
	}
	j := slotOf(k, n, t.mask)
	for {
		s := &t.slots[j]
		if s.idx == 0 {
			return -1
		}
		if s.key == k && int(s.n) == n && (n <= 8 || t.ids[s.idx-1].ID == string(b)) {
			return s.idx - 1
		}
		j = (j + 1) & t.mask
	}
}
