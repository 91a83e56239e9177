package collateral

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"revolver/parallel"
	"runtime"
	"strconv"
	"strings"
)

// The CSV reader works on the whole file in memory. Lines without quotes
// take a tight byte loop; quoted fields (RFC 4180, "" for a quote inside)
// are handled field by field. Big files are cut at line boundaries into
// chunks parsed in parallel; each chunk knows its first line number, so
// errors name exact lines. A quoted field that spans lines makes a chunk
// boundary unreliable: when any chunk sees one, the file is parsed again in
// one piece.

// parallelMin is the body size from which a file is parsed in chunks.
const parallelMin = 1 << 20

var nlSep = []byte{'\n'}

// For finding ',' and '\n' eight bytes at a time.
const ones, highs = 0x0101010101010101, 0x8080808080808080

// stop marks the bytes that end an unquoted field.
var stop = [256]bool{',': true, '\n': true}

type span struct{ off, n int32 }

// worker is the state of one goroutine parsing one chunk.
type worker struct {
	// The fields of the current record (at most len(fields) kept): a plain
	// line's are data[start:end] for sp[k] = end<<32 | start, any other
	// record's are fields[k], which starts at offs[k] in the input (-1 if
	// not verbatim). See field.
	plain  bool
	data   []byte
	sp     []uint64
	fields [][]byte
	offs   []int32
	// plainLine's flags of data[fbase:fbase+64] not yet walked, valid when
	// the next record starts at fnext
	fbase, fnext int
	fmask        uint64
	nf           int    // number of fields in the record
	scratch      []byte // unescaped quoted fields of the current record
	qcol         int    // index of a malformed quoted field, -1 if none
	qval         []byte
	quotedNL     bool   // a quoted field contained a newline
	xlsx         bool   // values come from a spreadsheet (dates may be serial numbers)
	layout       bool   // rows shaped by a Layout (values normalised: see expAmount)
	dateFormat   string // the Layout's date format, for messages
	errs         errList
	file         string

	lo, hi int             // row index range of the chunk
	fed    int             // rows given to the sink
	txt    []byte          // kept text of the chunk's rows
	text   strings.Builder // the same as strings, see keep
	size   int             // the chunk's bytes: the most text its rows can keep
	ext    [][]byte        // kept text of extra columns
	intern map[string]string
	hist   []int32 // the chunk's invoice hashes by bucket (see duplicates)
	dates  [1024]dateEntry
}

func newWorker(file string, ncols, nextra int) *worker {
	return &worker{
		fields: make([][]byte, ncols+1),
		offs:   make([]int32, ncols+1),
		sp:     make([]uint64, ncols+1),
		file:   file,
		qcol:   -1,
		fnext:  -1,
		ext:    make([][]byte, nextra),
	}
}

// record reads the record starting at data[i]. It returns the index after
// the record's line end and the number of newlines consumed.
func (w *worker) record(data []byte, i int) (int, int) {
	if next, ok := w.plainLine(data, i); ok {
		return next, 1
	}
	return w.recordAny(data, i)
}

// flags64 marks, bit k for byte j+k, the bytes of data[j:j+64] below '-':
// ',', '\n', '"', '\r', ' ' and '\t' among them. Eight bytes at a time,
// a byte's high bit is set when it is '-' or above (exactly: no carry
// crosses bytes), the eight high bits are gathered into one byte by a
// multiply, and the mask is inverted once at the end.
func flags64(data []byte, j int) uint64 {
	b := (*[64]byte)(data[j : j+64])
	le := binary.LittleEndian
	return ^(atLeastDash(le.Uint64(b[0:])) | atLeastDash(le.Uint64(b[8:]))<<8 |
		atLeastDash(le.Uint64(b[16:]))<<16 | atLeastDash(le.Uint64(b[24:]))<<24 |
		atLeastDash(le.Uint64(b[32:]))<<32 | atLeastDash(le.Uint64(b[40:]))<<40 |
		atLeastDash(le.Uint64(b[48:]))<<48 | atLeastDash(le.Uint64(b[56:]))<<56)
}

// atLeastDash returns a byte whose bit k is set when byte k of x is '-' or
// above.
func atLeastDash(x uint64) uint64 {
	const lows = 0x7F7F7F7F7F7F7F7F
	g := (x&lows + (0x80-'-')*ones | x) & highs
	return g * 0x0002040810204081 >> 56
}

// plainLine is record's fast path, for a line without a quote that ends in
// '\n' at least 64 bytes before the end of data. It walks the flags of
// flags64 (kept from one line to the next) and cuts the fields at the
// commas and the newline, as recordAny would, keeping where each starts
// and ends. It reports false for any other line, having set nothing that
// recordAny does not set again.
func (w *worker) plainLine(data []byte, i int) (int, bool) {
	base, m := w.fbase, w.fmask
	if i != w.fnext || len(w.data) != len(data) || len(data) > 0 && &w.data[0] != &data[0] {
		if i+64 > len(data) {
			return 0, false
		}
		w.data = data
		base, m = i, flags64(data, i)
	}
	w.fnext = -1
	sp := w.sp
	nf, s, odd := 0, i, false
	for {
		blk := (*[64]byte)(data[base : base+64])
		for ; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m) & 63
			e := base + k
			// A comma first: six of a receivable's seven fields end in one.
			c := blk[k]
			if c == ',' {
				if nf < len(sp) {
					sp[nf] = uint64(e)<<32 | uint64(s)
				}
				nf++
				s = e + 1
				continue
			}
			if c == '\n' {
				if nf < len(sp) {
					sp[nf] = uint64(e)<<32 | uint64(s)
				}
				nf++
				w.fbase, w.fmask, w.fnext = base, m&(m-1), e+1
				w.nf = nf
				w.plain = true
				w.qcol = -1
				if odd {
					w.tidy(data)
				}
				return e + 1, true
			}
			if c == '"' {
				return 0, false
			}
			// A '\r', a space, a tab or another byte below '-': the line
			// needs tidy only if one starts or ends a field.
			if e == s || e+1 == len(data) || data[e+1] == ',' || data[e+1] == '\n' {
				odd = true
			}
		}
		base += 64
		if base+64 > len(data) {
			return 0, false
		}
		m = flags64(data, base)
	}
}

// tidy trims a plain line's fields as recordAny does: a '\r' before the
// newline, then spaces and tabs around each value.
func (w *worker) tidy(data []byte) {
	for k := range min(w.nf, len(w.sp)) {
		f, e := uint32(w.sp[k]), uint32(w.sp[k]>>32)
		if k == w.nf-1 && e > f && data[e-1] == '\r' {
			e--
		}
		for f < e && (data[f] == ' ' || data[f] == '\t') {
			f++
		}
		for e > f && (data[e-1] == ' ' || data[e-1] == '\t') {
			e--
		}
		w.sp[k] = uint64(e)<<32 | uint64(f)
	}
}

// field returns field k of the current record (k < the record's fields
// and the columns of the table).
func (w *worker) field(k int) []byte {
	if w.plain {
		return w.data[uint32(w.sp[k]) : w.sp[k]>>32]
	}
	return w.fields[k]
}

// off returns where field k starts in the input, or -1 if it is not there
// verbatim (quotes doubled, a spreadsheet's cell).
func (w *worker) off(k int) int32 {
	if w.plain {
		return int32(uint32(w.sp[k]))
	}
	return w.offs[k]
}

// recordAny is record for any record: quoted fields, a line at the end of
// the data.
func (w *worker) recordAny(data []byte, i int) (int, int) {
	n := len(data)
	w.plain = false
	w.nf = 0
	w.qcol = -1
	w.scratch = w.scratch[:0]
	nl := 0
	for {
		var f []byte
		off := int32(-1)
		if i < n && data[i] == '"' {
			i++
			start := i
			esc, closed := false, false
			for {
				j := bytes.IndexByte(data[i:], '"')
				if j < 0 {
					i = n
					break
				}
				i += j + 1
				if i < n && data[i] == '"' {
					esc = true
					i++
					continue
				}
				closed = true
				break
			}
			end := i
			if closed {
				end--
			}
			f = data[start:end]
			off = int32(start)
			if c := bytes.Count(f, nlSep); c > 0 {
				nl += c
				w.quotedNL = true
			}
			if esc {
				s0 := len(w.scratch)
				for k := 0; k < len(f); k++ {
					w.scratch = append(w.scratch, f[k])
					if f[k] == '"' {
						k++
					}
				}
				f = w.scratch[s0:]
				off = -1
			}
			if !closed {
				w.badQuote(data[start-1 : end])
			} else if i < n && data[i] != ',' && data[i] != '\n' && !(data[i] == '\r' && (i+1 == n || data[i+1] == '\n')) {
				i = fieldEnd(data, i)
				w.badQuote(trimCR(data[start-1 : i]))
			}
			if i < n && data[i] == '\r' && (i+1 == n || data[i+1] == '\n') {
				i++
			}
		} else {
			start := i
			// fieldEnd, inlined
			for i+8 <= n {
				x := binary.LittleEndian.Uint64(data[i:])
				c := x ^ (',' * ones)
				l := x ^ ('\n' * ones)
				if m := (c-ones)&^c&highs | (l-ones)&^l&highs; m != 0 {
					i += bits.TrailingZeros64(m) / 8
					goto found
				}
				i += 8
			}
			for i < n && !stop[data[i]] {
				i++
			}
		found:
			e := i
			if (e == n || data[e] == '\n') && e > start && data[e-1] == '\r' {
				e--
			}
			for start < e && (data[start] == ' ' || data[start] == '\t') {
				start++
			}
			for e > start && (data[e-1] == ' ' || data[e-1] == '\t') {
				e--
			}
			f = data[start:e]
			off = int32(start)
		}
		if w.nf < len(w.fields) {
			w.fields[w.nf] = f
			w.offs[w.nf] = off
		}
		w.nf++
		if i < n && data[i] == ',' {
			i++
			continue
		}
		if i < n { // '\n'
			i++
			nl++
		}
		return i, nl
	}
}

// keep returns b as a string of the chunk's text. The text is one buffer,
// grown to the chunk's size at first use and only ever appended to, so the
// strings share it without a copy each.
func (w *worker) keep(b []byte) string {
	if w.text.Cap() == 0 {
		w.text.Grow(max(w.size, 4096))
	}
	o := w.text.Len()
	w.text.Write(b)
	return w.text.String()[o:]
}

func (w *worker) badQuote(raw []byte) {
	if w.qcol < 0 {
		w.qcol = w.nf
		w.qval = raw
	}
}

func trimCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// blank reports whether the current record is an empty line.
func (w *worker) blank() bool {
	return w.nf == 1 && len(w.field(0)) == 0 && w.qcol < 0
}

// fail records a problem with a field's value.
func (w *worker) fail(line int32, col string, val []byte, expected string) {
	w.errs.total++
	if len(w.errs.list) < MaxErrors {
		w.errs.list = append(w.errs.list, &FieldError{File: w.file, Line: int(line), Column: col, Value: string(val), Expected: expected})
	}
}

// shape checks the record's quoting and field count.
func (w *worker) shape(t *table, line int32) bool {
	return w.qcol < 0 && w.nf == t.ncols || w.badShape(t, line)
}

// badShape is shape for a record with a bad quote or field count: it
// records the problem and returns false.
func (w *worker) badShape(t *table, line int32) bool {
	if w.qcol >= 0 {
		col := ""
		if w.qcol < len(t.columns) {
			col = t.columns[w.qcol]
		}
		w.fail(line, col, w.qval, expQuoteClose)
		return false
	}
	if w.nf != t.ncols {
		w.errs.total++
		if len(w.errs.list) < MaxErrors {
			w.errs.list = append(w.errs.list, &FieldError{File: w.file, Line: int(line),
				Value:    plural(w.nf, "field"),
				Expected: plural(t.ncols, "field") + " as in the header"})
		}
		return false
	}
	return true
}

func plural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}

// sink receives the records of a table.
type sink interface {
	alloc(n int)                        // the row index space (holes allowed)
	reset()                             // forget all rows (before a sequential re-parse)
	row(w *worker, line int32, idx int) // one non-blank record
	chunkDone(w *worker)                // after the chunk's last record
}

// scanCSV parses data[start:], whose first line is firstLine, into s.
// A record starting on line L goes to row index L-firstLine.
func scanCSV(t *table, data []byte, start, firstLine int, s sink) []*worker {
	body := len(data) - start
	nch := 1
	if body >= parallelMin {
		nch = 4 * runtime.GOMAXPROCS(0)
	}
	bounds := []int{start}
	for k := 1; k < nch; k++ {
		b := start + int(int64(body)*int64(k)/int64(nch))
		if b <= bounds[len(bounds)-1] {
			continue
		}
		j := bytes.IndexByte(data[b:], '\n')
		if j < 0 {
			break
		}
		b += j + 1
		if b <= bounds[len(bounds)-1] || b >= len(data) {
			continue
		}
		bounds = append(bounds, b)
	}
	bounds = append(bounds, len(data))
	nch = len(bounds) - 1
	counts := make([]int, nch)
	parallel.For(nch, func(k int) { counts[k] = bytes.Count(data[bounds[k]:bounds[k+1]], nlSep) })
	lines := make([]int, nch+1)
	lines[0] = firstLine
	for k, c := range counts {
		lines[k+1] = lines[k] + c
	}
	size := lines[nch] - firstLine + 1
	s.alloc(size)
	run := func(ws []*worker, k, cs, ce, line0, hi int) {
		w := newWorker(t.file, t.ncols, len(t.extra))
		w.lo, w.hi = line0-firstLine, hi
		if _, ok := s.(*recvSink); ok { // the only sink keeping text in txt
			w.txt = make([]byte, 0, (ce-cs)/4)
		}
		w.size = ce - cs
		ws[k] = w
		i, line := cs, line0
		for i < ce {
			// record, inlined
			next, nl := 0, 1
			if n, ok := w.plainLine(data, i); ok {
				next = n
			} else {
				next, nl = w.recordAny(data, i)
			}
			if !w.blank() {
				s.row(w, int32(line), line-firstLine)
				w.fed++
			}
			line += nl
			i = next
		}
		s.chunkDone(w)
	}
	ws := make([]*worker, nch)
	parallel.For(nch, func(k int) {
		hi := lines[k+1] - firstLine
		if k == nch-1 {
			hi = size
		}
		run(ws, k, bounds[k], bounds[k+1], lines[k], hi)
	})
	if nch > 1 {
		for _, w := range ws {
			if w.quotedNL {
				s.reset()
				ws = ws[:1]
				run(ws, 0, start, len(data), firstLine, size)
				break
			}
		}
	}
	return ws
}

// scanRows feeds spreadsheet rows (rows[0] is the header, row r is line r+1).
func scanRows(t *table, rows [][]string, s sink) []*worker {
	return scanRowsAt(t, rows, nil, true, "", s)
}

// scanRowsAt feeds rows (rows[0] is the header) whose lines are lines[r]
// (nil: r+1): a spreadsheet's (xlsx), or a report's shaped by a Layout
// (lines given; format its date format).
func scanRowsAt(t *table, rows [][]string, lines []int32, xlsx bool, format string, s sink) []*worker {
	size := len(rows) - 1
	s.alloc(size)
	w := newWorker(t.file, t.ncols, len(t.extra))
	w.xlsx = xlsx
	w.layout = lines != nil
	w.dateFormat = format
	w.lo, w.hi = 0, size
	for r := 1; r < len(rows); r++ {
		cells := rows[r]
		for len(cells) > t.ncols && len(trimSpace([]byte(cells[len(cells)-1]))) == 0 {
			cells = cells[:len(cells)-1]
		}
		blank := true
		for _, c := range cells {
			if len(trimSpace([]byte(c))) > 0 {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		w.nf = max(len(cells), t.ncols)
		w.qcol = -1
		w.plain = false
		for c := range min(w.nf, len(w.fields)) {
			w.fields[c] = nil
			w.offs[c] = -1
			if c < len(cells) {
				w.fields[c] = trimSpace([]byte(cells[c]))
			}
		}
		line := int32(r + 1)
		if lines != nil {
			line = lines[r]
		}
		s.row(w, line, r-1)
		w.fed++
	}
	s.chunkDone(w)
	return []*worker{w}
}

// fed returns the rows the workers gave their sink: as many as the row
// index space when there are no holes (blank lines, multi-line records).
func fed(ws []*worker) int {
	n := 0
	for _, w := range ws {
		n += w.fed
	}
	return n
}

// collect merges the workers' problems into t's.
func collect(t *table, ws []*worker) {
	for _, w := range ws {
		t.errs.merge(&w.errs)
	}
}

// tooBig guards the int32 offsets and line numbers.
func tooBig(n int) bool { return n >= math.MaxInt32 }

func maxProcs() int { return runtime.GOMAXPROCS(0) }

// fieldEnd returns the index of the first ',' or '\n' at or after i (or
// len(data)), eight bytes at a time.
func fieldEnd(data []byte, i int) int {
	for i+8 <= len(data) {
		x := binary.LittleEndian.Uint64(data[i:])
		c := x ^ (',' * ones)
		l := x ^ ('\n' * ones)
		// a byte of c or l is zero where x has ',' or '\n'; the lowest flag
		// is exact (borrows only run upwards)
		m := (c-ones)&^c&highs | (l-ones)&^l&highs
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(data) && !stop[data[i]] {
		i++
	}
	return i
}
