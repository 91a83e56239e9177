package apptest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/springing"
	"revolver/store"
)

// Bench runs the use-case benchmarks. open returns a new, empty store.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	b.Run("CloseOfBusiness100k", func(b *testing.B) { benchCOB(b, open(b)) })
	b.Run("ImportCash", func(b *testing.B) { benchImportCash(b, open(b), 1) })
	b.Run("ImportCash8", func(b *testing.B) { benchImportCash(b, open(b), 8) })
	b.Run("ImportBankCash", func(b *testing.B) { benchImportBankCash(b, open(b)) })
	b.Run("CloseOfBusinessDominion100k", func(b *testing.B) { benchCOBDominion(b, open(b)) })
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

// benchCOBDominion: one day's close of business for 100,000 facilities with
// loans whose terms have a springing cash dominion and a springing
// covenant: the accruals, and each facility's two triggers evaluated on
// the day (its excess availability read and computed, both states
// appended). One facility in a hundred has a certificate (its excess
// availability determined; every other 100th facility's below both
// thresholds, so trigger periods start); the rest are undetermined (no
// certificate), which costs the same read and computation.
func benchCOBDominion(b *testing.B, s store.Store) {
	const n = 100_000
	slugs := facilities(b, s, n)
	ok(b, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-01-01"), Value: money.MustRate("0.0725")}, nil))
	share, least := money.MustRate("0.125"), amt("9375000.00")
	cov, covLeast := money.MustRate("0.10"), amt("7500000.00")
	base := terms(amt("5000000.00"), nil)
	svc := &app.Service{Store: s, Terms: app.TermsFunc(func(ctx context.Context, f string, asOf date.Date) (app.FacilityTerms, error) {
		ft, err := base.Terms(ctx, f, asOf)
		ft.Springing = []app.SpringingTerm{
			{Trigger: app.DominionCash, Kind: app.DominionCash, Rule: springing.Rule{Share: &share, AtLeast: &least, ForDays: 5, EndsAfterDays: 30, EventOfDefault: true}},
			{Trigger: app.DominionTrigger("fccr"), Kind: app.DominionCovenant, Covenant: "fccr", Rule: springing.Rule{Share: &cov, AtLeast: &covLeast, ForDays: 1, EndsAfterDays: 30}},
		}
		return ft, err
	})}
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
	for i := 0; i < n; i += 100 {
		bb := amt("20000000.00") // excess availability about 19,900,000.00: above both
		if i%200 == 0 {
			bb = amt("5000000.00") // about 4,900,000.00: below both
		}
		c := must(s.CreateCertificate(ctx, store.Certificate{Facility: slugs[i], AsOf: d("2006-01-02"), PreparedBy: "controller", CreatedAt: t0})).of(b)
		must(s.SubmitCertificate(ctx, c.ID, store.Submission{Body: []byte(`{}`), BorrowingBase: bb, By: "controller", At: t0,
			Inputs: []store.InputContent{{Name: "r.csv", Content: []byte(slugs[i])}}})).of(b)
		must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "officer", At: t0})).of(b)
	}
	day := d("2006-01-02")
	must(svc.CloseOfBusiness(ctx, day)).of(b) // first accrual (a holiday: no trigger is evaluated)
	// The triggers' first evaluation, once in a facility's life: their
	// keys are written with the first states. Timed apart from the daily
	// close measured below.
	check := func(r app.CloseResult) {
		if r.Posted == 0 || r.Posted%n != 0 || r.Triggers != 2*n {
			b.Fatalf("close of business %s posted %d, recorded %d trigger states, want %d a day and %d (%v)", day, r.Posted, r.Triggers, n, 2*n, r.Undetermined[:min(3, len(r.Undetermined))])
		}
	}
	day++
	start := time.Now()
	check(must(svc.CloseOfBusiness(ctx, day)).of(b))
	first := time.Since(start)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// The next business day (a Monday's close accrues the weekend).
		for day++; day.Weekday() == time.Saturday || day.Weekday() == time.Sunday; day++ {
		}
		check(must(svc.CloseOfBusiness(ctx, day)).of(b))
	}
	b.StopTimer()
	b.ReportMetric(first.Seconds(), "first_evaluation_s")
	// What the next run reads first, after the days above: the part of a
	// close that grew with the ledger's history before the balances were
	// carried from one close to the next.
	start = time.Now()
	must(s.AccrualState(ctx, day+1)).of(b)
	b.ReportMetric(time.Since(start).Seconds(), "accrual_state_s")
	// The covenant's trigger period started on the first day for the
	// facilities below.
	ps := must(svc.DominionPeriods(ctx, slugs[0], time.Time{})).of(b)
	if len(ps) == 0 {
		b.Fatalf("no trigger period for %s", slugs[0])
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/day")
}
