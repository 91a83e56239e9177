package apptest

import (
	"fmt"
	"testing"

	"revolver/app"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Bench runs the use-case benchmarks. open returns a new, empty store.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	b.Run("CloseOfBusiness100k", func(b *testing.B) { benchCOB(b, open(b)) })
	b.Run("ImportCash", func(b *testing.B) { benchImportCash(b, open(b), 1) })
	b.Run("ImportCash8", func(b *testing.B) { benchImportCash(b, open(b), 8) })
}

// facilities stores n facilities in one transaction and returns their slugs.
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

// benchCOB: one day's accrual for 100,000 facilities with loans.
func benchCOB(b *testing.B, s store.Store) {
	const n = 100_000
	slugs := facilities(b, s, n)
	ok(b, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-01-01"), Value: money.MustRate("0.0725")}, nil))
	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil)}
	var txs []ledger.Transaction
	for i, f := range slugs {
		a, err := ledger.Advance(ref(f, "a", "2006-01-02"), money.Amount(100_000_00+i))
		ok(b, err)
		txs = append(txs, a)
		if len(txs) == 10000 {
			must(s.PostBatch(ctx, txs)).of(b)
			txs = txs[:0]
		}
	}
	must(s.PostBatch(ctx, txs)).of(b)
	day := d("2006-01-02")
	must(svc.CloseOfBusiness(ctx, day)).of(b) // first accrual: everything from the advances
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		day++
		r := must(svc.CloseOfBusiness(ctx, day)).of(b)
		if r.Posted != n {
			b.Fatalf("close of business %s posted %d, want %d", day, r.Posted, n)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/day")
}
