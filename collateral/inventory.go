package collateral

// ReadInventory reads an inventory valuation (CSV, with a header line).
// extended_cost is taken as reported (it is not recomputed from quantity ×
// unit_cost, as quantities may be fractional) but must not be negative.
// On any problem it returns nil and an *Errors.
func ReadInventory(name string, data []byte, opt Options) (*Inventory, error) {
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
	txt  [][4]span // item, description, quantity, unit cost in the chunk's text
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
	s.txt = make([][4]span, n)
	s.ext.alloc(n)
}

func (s *invSink) reset() {
	clear(s.rows)
	clear(s.txt)
	s.ext.reset()
}

func (s *invSink) row(w *worker, line int32, idx int) {
	it := &s.rows[idx]
	it.Line = line
	if !w.shape(s.t, line) {
		return
	}
	f := func(i int) []byte { return w.fields[s.idx[i]] }
	keep := func(k int, b []byte) {
		s.txt[idx][k] = span{int32(len(w.txt)), int32(len(b))}
		w.txt = append(w.txt, b...)
	}
	if b := f(0); len(b) > 0 {
		keep(0, b)
	} else {
		w.fail(line, "item", b, "an item number")
	}
	keep(1, f(1))
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
		keep(2, b)
	} else {
		w.fail(line, "quantity", b, expQuantity)
	}
	if b := f(5); validQuantity(b) {
		keep(3, b)
	} else {
		w.fail(line, "unit_cost", b, expUnitCost)
	}
	var ok bool
	if it.ExtendedCost, ok = w.parseAmount(f(6)); !ok || it.ExtendedCost < 0 {
		w.fail(line, "extended_cost", f(6), expNonNegAmt)
	}
	if it.LastMovement, ok = w.parseDate(f(7)); !ok {
		w.fail(line, "last_movement_date", f(7), w.expDate())
	}
	if len(s.ext.span) > 0 {
		s.ext.take(w, idx)
	}
}

func (s *invSink) chunkDone(w *worker) {
	str := string(w.txt)
	w.txt = nil
	for i := w.lo; i < w.hi; i++ {
		it := &s.rows[i]
		if it.Line == 0 {
			continue
		}
		sp := &s.txt[i]
		it.Item = str[sp[0].off : sp[0].off+sp[0].n]
		it.Description = str[sp[1].off : sp[1].off+sp[1].n]
		it.Quantity = str[sp[2].off : sp[2].off+sp[2].n]
		it.UnitCost = str[sp[3].off : sp[3].off+sp[3].n]
	}
	s.ext.done(w)
}

func (s *invSink) finish(ws []*worker) (*Inventory, error) {
	t := s.t
	collect(t, ws)
	if err := t.errs.err(); err != nil {
		return nil, err
	}
	rows := s.rows
	n := 0
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
	s.txt = nil
	return &Inventory{File: t.file, Rows: rows[:n:n], Columns: t.columns, extra: s.ext.result(n)}, nil
}

// ExtraColumns returns the names of the non-standard columns kept per row.
func (v *Inventory) ExtraColumns() []string { return extraNames(v.Columns, v.extra) }
