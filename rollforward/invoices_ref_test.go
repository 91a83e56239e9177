package rollforward

import (
	"runtime"
	"slices"
	"strings"
	"unsafe"

	"revolver/date"
	"revolver/money"
)

// inv is one invoice number's state while reconciling.
type refInv struct {
	prev, cur          int32 // row in the aging at P / at A, -1 if absent
	sale               int32 // first sales row, -1 if none
	sales, coll, cred  money.Amount
	expected, reported money.Amount
}

// invoiceLevelRef is the plain map-based statement of invoiceLevel, kept as
// the oracle of the property test. It classifies every invoice of either aging or any journal
// (docs/monitoring.md, "Invoice level"). The invoice numbers of the agings
// are used in place (no copy) while p holds the agings.
func invoiceLevelRef(p Period) []ExceptionSummary {
	pa, a, j := p.PrevAging, p.Aging, p.Journals
	n := len(pa.Rows) + len(a.Rows)
	index := make(map[string]int32, n+len(j.Sales.Rows)/4)
	invs := make([]refInv, 0, n)
	keys := make([]string, 0, n)
	id := func(k string) int32 {
		if x, ok := index[k]; ok {
			return x
		}
		x := int32(len(invs))
		index[k] = x
		invs = append(invs, refInv{prev: -1, cur: -1, sale: -1})
		keys = append(keys, k)
		return x
	}
	for i := range pa.Rows {
		x := &invs[id(refKey(pa.InvoiceBytes(i)))]
		x.prev = int32(i)
		x.expected += pa.Rows[i].Amount
	}
	for i := range a.Rows {
		x := &invs[id(refKey(a.InvoiceBytes(i)))]
		x.cur = int32(i)
		x.reported += a.Rows[i].Amount
	}
	for i := range j.Sales.Rows {
		x := &invs[id(j.Sales.Rows[i].InvoiceNo)]
		if x.sale < 0 {
			x.sale = int32(i)
		}
		x.sales += j.Sales.Rows[i].Amount
	}
	for i := range j.Collections.Rows {
		x := &invs[id(j.Collections.Rows[i].InvoiceNo)]
		x.coll += j.Collections.Rows[i].Amount
	}
	for i := range j.Credits.Rows {
		x := &invs[id(j.Credits.Rows[i].InvoiceNo)]
		x.cred += j.Credits.Rows[i].Amount
	}
	out := make([]ExceptionSummary, len(ExceptionKinds))
	for k, kind := range ExceptionKinds {
		out[k].Kind = kind
	}
	var found []int32 // invoices with an exception
	for i := range invs {
		x := &invs[i]
		x.expected += x.sales - x.coll - x.cred
		if x.reported != x.expected || refDateChanged(p, x) {
			found = append(found, int32(i))
		}
	}
	if len(found) > 0 {
		rows := refJournalRows(p, index, found)
		for _, f := range found {
			x := &invs[f]
			e := InvoiceException{
				InvoiceNo: strings.Clone(keys[f]),
				Previous:  0, Sales: x.sales, Collections: x.coll, Credits: x.cred,
				Expected: x.expected, Reported: x.reported, Difference: x.reported - x.expected,
				AtPrevious: x.prev >= 0, AtAsOf: x.cur >= 0, InSales: x.sale >= 0,
				Rows: rows[f],
			}
			if x.prev >= 0 {
				e.Previous = pa.Rows[x.prev].Amount
				e.DebtorID = pa.DebtorID(int(x.prev))
			} else if x.cur >= 0 {
				e.DebtorID = a.DebtorID(int(x.cur))
			} else if x.sale >= 0 {
				e.DebtorID = j.Sales.Rows[x.sale].DebtorID
			} else {
				e.DebtorID = refDebtor(p, keys[f])
			}
			if x.reported != x.expected {
				switch {
				case x.cur >= 0 && x.prev < 0 && x.sale < 0:
					e.Kind = NotInSalesJournal
				case x.prev >= 0 && x.cur < 0:
					e.Kind = Dropped
				default:
					e.Kind = BalanceDiffers
				}
				refAdd(&out[refKindIndex(e.Kind)], e)
			}
			if before, after, ok := refDates(p, x); ok && before != after {
				d := e
				d.Kind, d.Difference, d.DateBefore, d.DateAfter = InvoiceDateChanged, 0, before, after
				refAdd(&out[refKindIndex(InvoiceDateChanged)], d)
			}
		}
		for k := range out {
			slices.SortFunc(out[k].Invoices, func(a, b InvoiceException) int { return strings.Compare(a.InvoiceNo, b.InvoiceNo) })
		}
	}
	runtime.KeepAlive(pa)
	runtime.KeepAlive(a)
	return out
}

func refAdd(s *ExceptionSummary, e InvoiceException) {
	s.Count++
	s.Amount += e.Difference
	s.Invoices = append(s.Invoices, e)
}

func refKindIndex(kind string) int { return slices.Index(ExceptionKinds, kind) }

// dates gives the invoice date before (the aging at P's, or else the sales
// journal's) and at A, when the invoice is at A and one of those exists.
func refDates(p Period, x *refInv) (before, after date.Date, ok bool) {
	if x.cur < 0 {
		return 0, 0, false
	}
	after = p.Aging.Rows[x.cur].InvoiceDate
	switch {
	case x.prev >= 0:
		return p.PrevAging.Rows[x.prev].InvoiceDate, after, true
	case x.sale >= 0:
		return p.Journals.Sales.Rows[x.sale].InvoiceDate, after, true
	}
	return 0, 0, false
}

func refDateChanged(p Period, x *refInv) bool {
	b, a, ok := refDates(p, x)
	return ok && b != a
}

// bytesKey views b as a string without a copy, for the index of one
// Reconcile call (the agings it points into outlive it).
func refKey(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// journalRows gathers the input rows of the invoices found.
func refJournalRows(p Period, index map[string]int32, found []int32) map[int32][]RowRef {
	want := make(map[int32][]RowRef, len(found))
	for _, f := range found {
		want[f] = nil
	}
	pa, a, j := p.PrevAging, p.Aging, p.Journals
	take := func(k string, src, file string, line int) {
		id := index[k]
		if rs, ok := want[id]; ok {
			want[id] = append(rs, RowRef{Source: src, File: file, Line: line})
		}
	}
	for i := range pa.Rows {
		take(refKey(pa.InvoiceBytes(i)), "aging_previous", pa.File, int(pa.Rows[i].Line))
	}
	for i := range a.Rows {
		take(refKey(a.InvoiceBytes(i)), "aging", a.File, int(a.Rows[i].Line))
	}
	for i := range j.Sales.Rows {
		take(j.Sales.Rows[i].InvoiceNo, "sales", j.Sales.File, j.Sales.Rows[i].Line)
	}
	for i := range j.Collections.Rows {
		take(j.Collections.Rows[i].InvoiceNo, "collections", j.Collections.File, j.Collections.Rows[i].Line)
	}
	for i := range j.Credits.Rows {
		take(j.Credits.Rows[i].InvoiceNo, "credits", j.Credits.File, j.Credits.Rows[i].Line)
	}
	return want
}

// refDebtor is the debtor of an invoice's first collections or credits row.
func refDebtor(p Period, no string) string {
	for _, c := range p.Journals.Collections.Rows {
		if c.InvoiceNo == no {
			return c.DebtorID
		}
	}
	for _, c := range p.Journals.Credits.Rows {
		if c.InvoiceNo == no {
			return c.DebtorID
		}
	}
	return ""
}
