package rollforward

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"revolver/parallel"
	"runtime"
	"slices"
	"strings"
	"unsafe"

	"revolver/date"
	"revolver/money"
)

// The invoice-level reconciliation joins five inputs on the invoice number:
// the agings at P and at A and the sales, collections and credits journals.
// It is a partitioned hash join: every row's invoice number is packed into
// two words (numbers of up to 15 bytes exactly, with their length; longer
// ones as a hash, confirmed on the bytes), the rows are spread by the top
// bits of the key's hash into partitions of a few thousand (a counting
// sort, in parallel, keeping the inputs' order within a partition), and
// each partition is joined in a small open-addressing table that stays in
// the processor's cache. A partition holds every row of its invoices, so
// an exception's rows are gathered there too.

// Sources of a row, in the order an exception lists its rows.
const (
	srcPrev = iota
	srcAging
	srcSales
	srcColl
	srcCred
	nSources
)

var sourceNames = [nSources]string{"aging_previous", "aging", "sales", "collections", "credits"}

// entry is one row: its packed invoice number and where it is (source in
// the top 3 bits of ref, row below).
type entry struct {
	a, b   uint64
	amount money.Amount // the row's amount
	ref    uint32
	date   date.Date // an aging's invoice_date, a sales row's invoice_date
}

// refRowBits: a source of up to 2^29 rows (an input under 2 GiB has fewer).
const refRowBits = 29

// long marks a key that is a hash of a number longer than 15 bytes.
const long = uint64(0xFF) << 56

type joiner struct {
	p    Period
	seed maphash.Seed
	n    [nSources]int // rows per source
	pb   int           // partition bits
}

// key returns the row's invoice number.
func (j *joiner) key(src, row int) []byte {
	switch src {
	case srcPrev:
		return j.p.PrevAging.InvoiceBytes(row)
	case srcAging:
		return j.p.Aging.InvoiceBytes(row)
	case srcSales:
		return stringBytes(j.p.Journals.Sales.Rows[row].InvoiceNo)
	case srcColl:
		return stringBytes(j.p.Journals.Collections.Rows[row].InvoiceNo)
	}
	return stringBytes(j.p.Journals.Credits.Rows[row].InvoiceNo)
}

// value returns the row's amount and invoice date (0 for a collection or
// a credit).
func (j *joiner) value(src, row int) (money.Amount, date.Date) {
	switch src {
	case srcPrev:
		r := &j.p.PrevAging.Rows[row]
		return r.Amount, r.InvoiceDate
	case srcAging:
		r := &j.p.Aging.Rows[row]
		return r.Amount, r.InvoiceDate
	case srcSales:
		r := &j.p.Journals.Sales.Rows[row]
		return r.Amount, r.InvoiceDate
	case srcColl:
		return j.p.Journals.Collections.Rows[row].Amount, 0
	}
	return j.p.Journals.Credits.Rows[row].Amount, 0
}

func (j *joiner) pack(k []byte) (a, b uint64) {
	// As if k were copied into 16 zero bytes read as two little-endian
	// words, with n in the top byte: overlapping loads, no copy.
	n := len(k)
	le := binary.LittleEndian
	switch {
	case n >= 8 && n <= 15:
		return le.Uint64(k), le.Uint64(k[n-8:])>>(8*(16-n)) | uint64(n)<<56
	case n >= 4 && n < 8:
		return uint64(le.Uint32(k)) | uint64(le.Uint32(k[n-4:])>>(8*(8-n)))<<32, uint64(n) << 56
	case n < 4:
		for i, c := range k {
			a |= uint64(c) << (8 * i)
		}
		return a, uint64(n) << 56
	}
	return maphash.Bytes(j.seed, k), long | uint64(n)
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a^0x9E3779B97F4A7C15, b^0xD6E8FEB86659FD93)
	return hi ^ lo
}

// chunk is a range of one source's rows handled by one goroutine.
type chunk struct {
	src, lo, hi int
	hist        []int32 // rows per partition; then, the chunk's next slot per partition
}

func (j *joiner) chunks() []chunk {
	const size = 1 << 15
	var cs []chunk
	for s := range nSources {
		for lo := 0; lo < j.n[s]; lo += size {
			cs = append(cs, chunk{src: s, lo: lo, hi: min(lo+size, j.n[s])})
		}
	}
	return cs
}

// invoiceLevel classifies every invoice of either aging or any journal
// (docs/monitoring.md, "Invoice level").
func invoiceLevel(p Period) []ExceptionSummary {
	j := &joiner{p: p, seed: maphash.MakeSeed()}
	j.n = [nSources]int{len(p.PrevAging.Rows), len(p.Aging.Rows), len(p.Journals.Sales.Rows),
		len(p.Journals.Collections.Rows), len(p.Journals.Credits.Rows)}
	total := 0
	for _, n := range j.n {
		total += n
	}
	j.pb = min(bits.Len(uint(total/8192)), 14)
	np := 1 << j.pb
	cs := j.chunks()
	// Pass 1: each chunk's rows per partition.
	parallel.For(len(cs), func(c int) {
		ch := &cs[c]
		ch.hist = make([]int32, np)
		for i := ch.lo; i < ch.hi; i++ {
			a, b := j.pack(j.key(ch.src, i))
			ch.hist[j.part(a, b)]++
		}
	})
	// Where each chunk's rows of each partition go: partitions in order,
	// chunks in order within one (so rows keep the sources' order).
	starts := make([]int32, np+1)
	pos := int32(0)
	for q := range np {
		starts[q] = pos
		for c := range cs {
			n := cs[c].hist[q]
			cs[c].hist[q] = pos
			pos += n
		}
	}
	starts[np] = pos
	ents := make([]entry, total)
	// Pass 2: scatter.
	parallel.For(len(cs), func(c int) {
		ch := &cs[c]
		for i := ch.lo; i < ch.hi; i++ {
			a, b := j.pack(j.key(ch.src, i))
			q := j.part(a, b)
			amt, d := j.value(ch.src, i)
			ents[ch.hist[q]] = entry{a, b, amt, uint32(ch.src)<<refRowBits | uint32(i), d}
			ch.hist[q]++
		}
	})
	// Pass 3: join each partition.
	found := make([][]InvoiceException, np)
	parallel.For(np, func(q int) {
		found[q] = j.join(ents[starts[q]:starts[q+1]])
	})
	out := make([]ExceptionSummary, len(ExceptionKinds))
	for k, kind := range ExceptionKinds {
		out[k].Kind = kind
	}
	for _, f := range found {
		for _, e := range f {
			s := &out[kindIndex(e.Kind)]
			s.Count++
			s.Amount += e.Difference
			s.Invoices = append(s.Invoices, e)
		}
	}
	for k := range out {
		slices.SortFunc(out[k].Invoices, func(a, b InvoiceException) int { return strings.Compare(a.InvoiceNo, b.InvoiceNo) })
	}
	runtime.KeepAlive(p.PrevAging)
	runtime.KeepAlive(p.Aging)
	return out
}

func (j *joiner) part(a, b uint64) int {
	if j.pb == 0 {
		return 0
	}
	return int(mix(a, b) >> (64 - uint(j.pb)))
}

// group is one invoice number of a partition.
type group struct {
	a, b                uint64
	first               uint32    // ref of its first row
	prev, cur, sale     int32     // row in the aging at P, at A, first sales row; -1 if none
	dateP, dateA, dateS date.Date // their invoice dates
	balP, balA          money.Amount
	sales, coll, cred   money.Amount
	exception, changed  bool
}

func (j *joiner) same(g *group, e *entry) bool {
	if g.a != e.a || g.b != e.b {
		return false
	}
	if g.b&long != long {
		return true
	}
	return bytes.Equal(j.key(int(g.first>>refRowBits), int(g.first&(1<<refRowBits-1))),
		j.key(int(e.ref>>refRowBits), int(e.ref&(1<<refRowBits-1))))
}

func (j *joiner) join(es []entry) []InvoiceException {
	if len(es) == 0 {
		return nil
	}
	size := 1 << bits.Len(uint(2*len(es)))
	table := make([]int32, size)
	mask := uint64(size - 1)
	groups := make([]group, 0, len(es)/2+1)
	of := make([]int32, len(es)) // each entry's group
	for i := range es {
		e := &es[i]
		h := mix(e.a, e.b)
		s := h & mask
		var g int32
		for {
			t := table[s]
			if t == 0 {
				groups = append(groups, group{a: e.a, b: e.b, first: e.ref, prev: -1, cur: -1, sale: -1})
				g = int32(len(groups) - 1)
				table[s] = g + 1
				break
			}
			if j.same(&groups[t-1], e) {
				g = t - 1
				break
			}
			s = (s + 1) & mask
		}
		of[i] = g
		x := &groups[g]
		row := int32(e.ref & (1<<refRowBits - 1))
		switch e.ref >> refRowBits {
		case srcPrev:
			x.prev, x.dateP = row, e.date
			x.balP += e.amount
		case srcAging:
			x.cur, x.dateA = row, e.date
			x.balA += e.amount
		case srcSales:
			if x.sale < 0 {
				x.sale, x.dateS = row, e.date
			}
			x.sales += e.amount
		case srcColl:
			x.coll += e.amount
		case srcCred:
			x.cred += e.amount
		}
	}
	var out []InvoiceException
	var any bool
	for g := range groups {
		x := &groups[g]
		x.exception = x.balA != x.balP+x.sales-x.coll-x.cred
		if _, _, ok := j.dates(x); ok {
			x.changed = true
		}
		any = any || x.exception || x.changed
	}
	if !any {
		return nil
	}
	rows := map[int32][]RowRef{}
	for i := range es {
		g := of[i]
		if x := &groups[g]; x.exception || x.changed {
			src, row := int(es[i].ref>>refRowBits), int(es[i].ref&(1<<refRowBits-1))
			rows[g] = append(rows[g], RowRef{Source: sourceNames[src], File: j.file(src), Line: j.line(src, row)})
		}
	}
	p := j.p
	for g := range groups {
		x := &groups[g]
		if !x.exception && !x.changed {
			continue
		}
		src, row := int(x.first>>refRowBits), int(x.first&(1<<refRowBits-1))
		e := InvoiceException{
			InvoiceNo: string(j.key(src, row)),
			Previous:  x.balP, Sales: x.sales, Collections: x.coll, Credits: x.cred,
			Expected: x.balP + x.sales - x.coll - x.cred, Reported: x.balA,
			AtPrevious: x.prev >= 0, AtAsOf: x.cur >= 0, InSales: x.sale >= 0,
			Rows: rows[int32(g)],
		}
		e.Difference = e.Reported - e.Expected
		switch {
		case x.prev >= 0:
			e.DebtorID = p.PrevAging.DebtorID(int(x.prev))
		case x.cur >= 0:
			e.DebtorID = p.Aging.DebtorID(int(x.cur))
		case x.sale >= 0:
			e.DebtorID = p.Journals.Sales.Rows[x.sale].DebtorID
		default:
			e.DebtorID = j.debtor(src, row)
		}
		if x.exception {
			switch {
			case x.cur >= 0 && x.prev < 0 && x.sale < 0:
				e.Kind = NotInSalesJournal
			case x.prev >= 0 && x.cur < 0:
				e.Kind = Dropped
			default:
				e.Kind = BalanceDiffers
			}
			out = append(out, e)
		}
		if x.changed {
			before, after, _ := j.dates(x)
			d := e
			d.Kind, d.Difference, d.DateBefore, d.DateAfter = InvoiceDateChanged, 0, before, after
			out = append(out, d)
		}
	}
	return out
}

// dates gives the invoice date before (the aging at P's, or else the
// first sales row's) and at A, ok when the invoice is at A, one of those
// exists and they differ.
func (j *joiner) dates(x *group) (before, after date.Date, ok bool) {
	if x.cur < 0 {
		return 0, 0, false
	}
	after = x.dateA
	switch {
	case x.prev >= 0:
		before = x.dateP
	case x.sale >= 0:
		before = x.dateS
	default:
		return 0, 0, false
	}
	return before, after, before != after
}

func (j *joiner) file(src int) string {
	switch src {
	case srcPrev:
		return j.p.PrevAging.File
	case srcAging:
		return j.p.Aging.File
	case srcSales:
		return j.p.Journals.Sales.File
	case srcColl:
		return j.p.Journals.Collections.File
	}
	return j.p.Journals.Credits.File
}

func (j *joiner) line(src, row int) int {
	switch src {
	case srcPrev:
		return int(j.p.PrevAging.Rows[row].Line)
	case srcAging:
		return int(j.p.Aging.Rows[row].Line)
	case srcSales:
		return j.p.Journals.Sales.Rows[row].Line
	case srcColl:
		return j.p.Journals.Collections.Rows[row].Line
	}
	return j.p.Journals.Credits.Rows[row].Line
}

func (j *joiner) debtor(src, row int) string {
	switch src {
	case srcColl:
		return j.p.Journals.Collections.Rows[row].DebtorID
	case srcCred:
		return j.p.Journals.Credits.Rows[row].DebtorID
	}
	return ""
}

func kindIndex(kind string) int { return slices.Index(ExceptionKinds, kind) }

// stringBytes views s as bytes, read only.
func stringBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
