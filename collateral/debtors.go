package collateral

import (
	"fmt"
)

// ReadDebtors reads a customer master (CSV, with a header line). On any
// problem it returns nil and an *Errors.
func ReadDebtors(name string, data []byte, opt Options) ([]Debtor, error) {
	if opt.Layout != nil {
		return readDebtorsLayout(name, data, false, opt)
	}
	t := &table{file: name, kind: "debtors"}
	data, start, firstLine, ok := headerCSV(t, data, DebtorColumns, opt)
	if !ok {
		return nil, t.errs.err()
	}
	s := newDebtorSink(t)
	return s.finish(scanCSV(t, data, start, firstLine, s))
}

func readDebtorsRows(name string, rows [][]string, opt Options) ([]Debtor, error) {
	t := &table{file: name, kind: "debtors"}
	if !headerRows(t, rows, DebtorColumns, opt) {
		return nil, t.errs.err()
	}
	s := newDebtorSink(t)
	return s.finish(scanRows(t, rows, s))
}

type debtorSink struct {
	t    *table
	rows []Debtor
	idx  [8]int
}

func newDebtorSink(t *table) *debtorSink {
	s := &debtorSink{t: t}
	for i, c := range DebtorColumns {
		s.idx[i] = t.col(c, DebtorColumns)
	}
	return s
}

func (s *debtorSink) alloc(n int)         { s.rows = make([]Debtor, n) }
func (s *debtorSink) reset()              { clear(s.rows) }
func (s *debtorSink) chunkDone(w *worker) {}

func (s *debtorSink) row(w *worker, line int32, idx int) {
	d := &s.rows[idx]
	d.Line = line
	if !w.shape(s.t, line) {
		return
	}
	f := func(i int) []byte { return w.field(s.idx[i]) }
	if id := f(0); len(id) > 0 {
		d.ID = string(id)
	} else {
		w.fail(line, "debtor_id", id, "a debtor_id")
	}
	d.Name = string(f(1))
	if c := f(2); validCountry(c) {
		d.Country = w.internBytes(upper(c))
	} else {
		w.fail(line, "country", c, expCountry)
	}
	flags := [4]*bool{&d.Government, &d.Affiliate, &d.CreditInsured, &d.AssignmentOfClaims}
	for k, p := range flags {
		v, ok := parseBool(f(3 + k))
		if !ok {
			w.fail(line, DebtorColumns[3+k], f(3+k), expBool)
		}
		*p = v
	}
	if a, ok := w.parseAmount(f(7)); ok && a >= 0 {
		d.ContraPayable = a
	} else {
		w.fail(line, "contra_payable", f(7), w.expAmount(expNonNegAmt))
	}
}

func upper(b []byte) []byte {
	var out [2]byte
	for i, c := range b[:2] {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		out[i] = c
	}
	return out[:]
}

func (s *debtorSink) finish(ws []*worker) ([]Debtor, error) {
	t := s.t
	collect(t, ws)
	seen := make(map[string]int32, len(s.rows))
	var dups errList // its own first MaxErrors, merged with the rows' problems
	n := 0
	for i := range s.rows {
		d := s.rows[i]
		if d.Line == 0 {
			continue
		}
		if d.ID != "" {
			if first, dup := seen[d.ID]; dup {
				dups.add(&FieldError{File: t.file, Line: int(d.Line), Column: "debtor_id", Value: d.ID,
					Expected: fmt.Sprintf("a unique debtor_id (it is also on line %d)", first)})
			} else {
				seen[d.ID] = d.Line
			}
		}
		s.rows[n] = d
		n++
	}
	t.errs.merge(&dups)
	if err := t.errs.err(); err != nil {
		return nil, err
	}
	return s.rows[:n:n], nil
}
