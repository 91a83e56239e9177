package storetest

import (
	"fmt"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Bench runs the store benchmarks. open returns a new, empty store. The
// close-of-business benchmark drives the use case and is app/apptest's.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("PostBatch%d", n), func(b *testing.B) { benchPostBatch(b, open(b), n) })
	}
	b.Run("PostSingle", func(b *testing.B) { benchPostSingle(b, open(b)) })
	b.Run("Receivables1M", func(b *testing.B) { benchReceivables(b, open(b)) })
	b.Run("TransactionsPage", func(b *testing.B) { benchTransactionsPage(b, open(b)) })
}

// benchTransactionsPage: one page of 100 transactions (TransactionsPage)
// of a facility with 10,000 transactions, first, last and in a date range,
// against the same page of a new facility, in the same run.
func benchTransactionsPage(b *testing.B, s store.Store) {
	slugs := facilities(b, s, 2)
	txs := mixed(slugs[:1], 10000, 0)
	for i := range txs {
		txs[i].ValueDate = d("2006-01-02") + date.Date(i/100) // 100 days
	}
	posted, err := s.PostBatch(ctx, txs)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		slug string
		p    store.Page
	}{
		{"new", slugs[1], store.Page{Limit: 101}},
		{"10k_first", slugs[0], store.Page{Limit: 101}},
		{"10k_last", slugs[0], store.Page{Limit: 101, After: posted[len(posted)-101].Transaction.ID}},
		{"10k_range", slugs[0], store.Page{Limit: 101, From: d("2006-03-01"), To: d("2006-03-10")}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.TransactionsPage(ctx, c.slug, c.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func facilities(b *testing.B, s store.Store, n int) []string {
	fs := make([]store.Facility, n)
	slugs := make([]string, n)
	for i := range fs {
		slugs[i] = fmt.Sprintf("f%06d", i)
		fs[i] = store.Facility{Slug: slugs[i], Name: slugs[i], Created: t0}
	}
	if err := s.CreateFacilities(ctx, fs); err != nil {
		b.Fatal(err)
	}
	return slugs
}

// mixed returns n balanced transactions of 2, 3 and 4 postings spread over
// the facilities, as a live posting stream: value dates advance one day per
// 10,000 transactions.
func mixed(slugs []string, n, seq int) []ledger.Transaction {
	txs := make([]ledger.Transaction, n)
	for i := range txs {
		f := slugs[(seq+i)%len(slugs)]
		a := money.Amount(1000 + (seq+i)%100000)
		var ps []ledger.Posting
		switch i % 3 {
		case 0:
			ps = []ledger.Posting{{Account: ledger.Loans, Amount: a}, {Account: ledger.Cash, Amount: -a}}
		case 1:
			ps = []ledger.Posting{{Account: ledger.Loans, Amount: a}, {Account: ledger.FeeIncome, Amount: -a + 1}, {Account: ledger.Cash, Amount: -1}}
		default:
			ps = []ledger.Posting{{Account: ledger.LCContingent, Amount: a}, {Account: ledger.LCOutstanding, Amount: -a}, {Account: ledger.LCDrawn, Amount: a}, {Account: ledger.Cash, Amount: -a}}
		}
		kind := []ledger.Kind{ledger.KindAdvance, ledger.KindFee, ledger.KindLCDraw}[i%3]
		txs[i] = ledger.Transaction{Facility: f, Kind: kind, ValueDate: d("2006-01-02") + date.Date((seq+i)/10000),
			Key: fmt.Sprintf("b%d", seq+i), Postings: ps}
	}
	return txs
}

// benchPostBatch: durable batches of transactions (2–4 postings).
func benchPostBatch(b *testing.B, s store.Store, batch int) {
	slugs := facilities(b, s, 100)
	batches := make([][]ledger.Transaction, b.N)
	for i := range batches {
		batches[i] = mixed(slugs, batch, i*batch)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := s.PostBatch(ctx, batches[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "tx/s")
}

// benchPostSingle: one durable Update posting one transaction.
func benchPostSingle(b *testing.B, s store.Store) {
	slugs := facilities(b, s, 100)
	txs := mixed(slugs, b.N, 0)
	b.ResetTimer()
	start := time.Now()
	for i := range txs {
		tr := txs[i]
		if err := s.Update(ctx, tr.Facility, func(tx store.Tx) error { _, err := tx.Post(tr); return err }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tx/s")
}

// benchReceivables: storing a submitted certificate's 1M-row receivables.
func benchReceivables(b *testing.B, s store.Store) {
	newFacility(b, s, "f")
	rows := Receivables(1_000_000)
	ids := make([]int64, b.N)
	for i := range ids {
		ids[i] = submitted(b, s, "f", d("2006-01-31"), amt("1.00"), 0).ID
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.PutReceivables(ctx, ids[i], rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
}
