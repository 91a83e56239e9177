package rollforward

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"revolver/collateral"
	"revolver/date"
	"revolver/money"
)

// randomPeriod builds a period over a small pool of invoice numbers of
// every length from 1 to 40 bytes (some equal in their first 8 or 15
// bytes), so that agings and journals share invoices in every way.
func randomPeriod(rng *rand.Rand, size int) Period {
	P, A := date.MustParse("2004-01-31"), date.MustParse("2004-02-29")
	debtors := []collateral.Debtor{{ID: "C1"}, {ID: "C2"}, {ID: "C3"}}
	pool := make([]string, size)
	for i := range pool {
		n := 1 + rng.IntN(40)
		base := fmt.Sprintf("INVOICE-NUMBER-%025d", i)
		if n < len(base) {
			base = base[len(base)-n:]
		}
		if len(base) > 15 && rng.IntN(2) == 0 { // same first 15 bytes as others
			base = "INVOICE-NUMBER-" + base[15:]
		}
		pool[i] = base
	}
	pool = uniq(pool)
	day := func(lo, hi date.Date) date.Date { return lo + date.Date(rng.IntN(int(hi-lo)+1)) }
	amt := func() money.Amount { return money.Amount(rng.IntN(200000) - 10000) }
	aging := func(file string, at date.Date) *collateral.Receivables {
		var rows []collateral.Receivable
		var nos []string
		for _, i := range rng.Perm(len(pool)) {
			if rng.IntN(3) == 0 {
				continue
			}
			rows = append(rows, collateral.Receivable{Line: int32(len(rows) + 2), Debtor: int32(rng.IntN(3)),
				InvoiceDate: day(at-90, at), DueDate: at + 30, Amount: amt()})
			nos = append(nos, pool[i])
		}
		return collateral.NewReceivables(file, "debtors.csv", debtors, rows, nos)
	}
	pa, a := aging("p/receivables.csv", P), aging("a/receivables.csv", A)
	// Half the time the aging at A is the exact roll-forward of most invoices.
	s := &collateral.SalesJournal{File: "sales.csv"}
	c := &collateral.CollectionsJournal{File: "collections.csv"}
	cr := &collateral.CreditsJournal{File: "credits.csv"}
	for range rng.IntN(2 * size) {
		no := pool[rng.IntN(len(pool))]
		switch rng.IntN(3) {
		case 0:
			s.Rows = append(s.Rows, collateral.SaleRow{Line: len(s.Rows) + 2, DebtorID: "C1", InvoiceNo: no, InvoiceDate: day(P+1, A), Amount: amt()})
		case 1:
			kind, v := collateral.CollectionReceipt, money.Amount(1+rng.IntN(5000))
			if rng.IntN(5) == 0 {
				kind, v = collateral.CollectionReturned, -v
			}
			c.Rows = append(c.Rows, collateral.CollectionRow{Line: len(c.Rows) + 2, Date: day(P+1, A), DebtorID: "C2", InvoiceNo: no, Kind: kind, Amount: v})
		default:
			cr.Rows = append(cr.Rows, collateral.CreditRow{Line: len(cr.Rows) + 2, Date: day(P+1, A), DebtorID: "C3", InvoiceNo: no,
				Kind: collateral.CreditKinds[rng.IntN(4)], Amount: money.Amount(1 + rng.IntN(900))})
		}
	}
	return Period{Previous: P, AsOf: A, PrevAging: pa, Aging: a,
		Journals: collateral.Journals{Sales: s, Collections: c, Credits: cr}}
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// TestInvoiceLevelMatchesReference: the partitioned join finds exactly what
// the plain map-based statement of the rules finds, rows included, on
// random periods small and large (several partitions).
func TestInvoiceLevelMatchesReference(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 7))
		size := 5 + rng.IntN(60)
		if seed%10 == 0 {
			size = 20000
		}
		p := randomPeriod(rng, size)
		got, want := invoiceLevel(p), invoiceLevelRef(p)
		if !reflect.DeepEqual(got, want) {
			for k := range got {
				if !reflect.DeepEqual(got[k], want[k]) {
					t.Fatalf("seed %d, %s: got %d %s\n%+v\nwant %d %s\n%+v", seed, got[k].Kind, got[k].Count, got[k].Amount, first(got[k].Invoices), want[k].Count, want[k].Amount, first(want[k].Invoices))
				}
			}
		}
		var n int
		for _, s := range got {
			n += s.Count
		}
		if n == 0 {
			t.Fatalf("seed %d: no exception in a random period", seed)
		}
	}
}

func first(xs []InvoiceException) []InvoiceException {
	return xs[:min(len(xs), 3)]
}

// TestPack: the packed key is the bytes in 16 zero bytes with the length
// in the top byte, for every length up to 15.
func TestPack(t *testing.T) {
	j := &joiner{}
	src := []byte("0123456789abcdefXYZ")
	for n := 0; n <= 15; n++ {
		k := src[:n]
		var buf [16]byte
		copy(buf[:], k)
		wa := uint64(0)
		wb := uint64(n) << 56
		for i := 0; i < 8; i++ {
			wa |= uint64(buf[i]) << (8 * i)
			wb |= uint64(buf[8+i]) << (8 * i)
		}
		if a, b := j.pack(k); a != wa || b != wb {
			t.Errorf("n %d: %x %x, want %x %x", n, a, b, wa, wb)
		}
	}
}
