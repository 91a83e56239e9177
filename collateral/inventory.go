package collateral

import "unsafe"

// ReadInventory reads an inventory valuation (CSV, with a header line).
// extended_cost is taken as reported (it is not recomputed from quantity ×
// unit_cost, as quantities may be fractional) but must not be negative.
// On any problem it returns nil and an *Errors.
func ReadInventory(name string, data []byte, opt Options) (*Inventory, error) {
	if opt.Layout != nil {
		return readInventoryLayout(name, data, false, opt)
	}
	t := &table{file: name, kind: "inventory"}
	data, start, firstLine, ok := headerCSV(t, data, InventoryColumns, opt)
	if !ok {
		return nil, t.errs.err()
	}
	s := newInvSink(t)
	return s.finish(scanCSV(t, data, start, firstLine, s))
}

func readInventoryRows(name string, rows [][]string, opt Options) (*Inventory, error) {
	t := &table{file: name, kind: "inventory"}
	if !headerRows(t, rows, InventoryColumns, opt) {
		return nil, t.errs.err()
	}
	s := newInvSink(t)
	return s.finish(scanRows(t, rows, s))
}

type invSink struct {
	t    *table
	rows []Item
	ext  extras
	idx  [8]int
}

func newInvSink(t *table) *invSink {
	s := &invSink{t: t, ext: extras{t: t}}
	for i, c := range InventoryColumns {
		s.idx[i] = t.col(c, InventoryColumns)
	}
	return s
}

func (s *invSink) alloc(n int) {
	s.rows = make([]Item, n)
	if n > 0 {
		hugePages(unsafe.Pointer(&s.rows[0]), uintptr(n)*unsafe.Sizeof(s.rows[0]))
	}
	s.ext.alloc(n)
}

func (s *invSink) reset() {
	clear(s.rows)
	s.ext.reset()
}

func (s *invSink) row(w *worker, line int32, idx int) {
	it := &s.rows[idx]
	it.Line = line
	if !w.shape(s.t, line) {
		return
	}
	f := func(i int) []byte { return w.field(s.idx[i]) }
	if b := f(0); len(b) > 0 {
		it.Item = w.keep(b)
	} else {
		w.fail(line, "item", b, "an item number")
	}
	it.Description = w.keep(f(1))
	if b := f(2); len(b) > 0 {
		it.Location = w.internBytes(b)
	} else {
		w.fail(line, "location", b, "a location code")
	}
	if b := f(3); len(b) > 0 {
		it.Category = w.internBytes(b)
	} else {
		w.fail(line, "category", b, "an inventory category")
	}
	if b := f(4); validQuantity(b) {
		it.Quantity = w.keep(b)
	} else {
		w.fail(line, "quantity", b, expQuantity)
	}
	if b := f(5); validQuantity(b) {
		it.UnitCost = w.keep(b)
	} else {
		w.fail(line, "unit_cost", b, expUnitCost)
	}
	var ok bool
	if it.ExtendedCost, ok = w.parseAmount(f(6)); !ok || it.ExtendedCost < 0 {
		w.fail(line, "extended_cost", f(6), w.expAmount(expNonNegAmt))
	}
	if it.LastMovement, ok = w.parseDate(f(7)); !ok {
		w.fail(line, "last_movement_date", f(7), w.expDateOf(f(7)))
	}
	if len(s.ext.span) > 0 {
		s.ext.take(w, idx)
	}
}

func (s *invSink) chunkDone(w *worker) { s.ext.done(w) }

func (s *invSink) finish(ws []*worker) (*Inventory, error) {
	t := s.t
	collect(t, ws)
	if err := t.errs.err(); err != nil {
		return nil, err
	}
	rows := s.rows
	n := 0
	if fed(ws) == len(rows) { // no holes
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
	return &Inventory{File: t.file, Rows: s.rows[:n:n], Columns: t.columns, extra: s.ext.result(n)}, nil
}

// ExtraColumns returns the names of the non-standard columns kept per row.
func (v *Inventory) ExtraColumns() []string { return extraNames(v.Columns, v.extra) }
