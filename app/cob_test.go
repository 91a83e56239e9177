package app

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// btuAs registers the example facility's files and extra under slug.
func btuAs(t *testing.T, svc *Service, slug string, extra ...agreement.File) {
	t.Helper()
	var files []agreement.File
	entries, _ := examples.FS.ReadDir("btu-sovereign")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			b, _ := examples.FS.ReadFile("btu-sovereign/" + e.Name())
			files = append(files, agreement.NewFile(e.Name(), b))
		}
	}
	if _, err := svc.RegisterFacility(context.Background(), slug, append(files, extra...), Settings{}, "setup"); err != nil {
		t.Fatal(err)
	}
	lmaPerformed(t, svc, slug)
}

// Two amendments inside one close-of-business run: the margin of the
// prime option from 0% to 0.25% on 15 March 2006, the day count from
// Actual/360 to Actual/365 on 20 March 2006.
var (
	marginAmendment = agreement.NewFile("2006-03-15-margin.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: margin-step-up
document: first-amendment
effective: 2006-03-15
order: 1
changes:
  - op: replace
    path: pricing.options.prime.margin
    value: 0.25%
    cite: first-amendment §9
`))
	dayCountAmendment = agreement.NewFile("2006-03-20-day-count.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: day-count
document: first-amendment
effective: 2006-03-20
order: 1
changes:
  - op: replace
    path: pricing.day_count
    value: actual_365
    cite: first-amendment §9
`))
)

// countingTerms counts the terms read; its TermDates are StoredTerms'.
type countingTerms struct {
	*StoredTerms
	reads atomic.Int64
}

func (c *countingTerms) Terms(ctx context.Context, slug string, d date.Date) (FacilityTerms, error) {
	c.reads.Add(1)
	return c.StoredTerms.Terms(ctx, slug, d)
}

// interest is one day's interest computed apart from the ledger: cents ×
// rate / days in the year, rounded half away from zero to the cent.
func interest(t *testing.T, cents int64, rate string, year int64) money.Amount {
	t.Helper()
	r, ok := new(big.Rat).SetString(rate)
	if !ok {
		t.Fatalf("rate %q", rate)
	}
	x := new(big.Rat).Mul(new(big.Rat).SetInt64(cents), r)
	x.Quo(x, new(big.Rat).SetInt64(year))
	// Half up for a positive amount: floor(x + 1/2).
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	return money.Amount(q.Int64())
}

// A close-of-business run across amendments accrues each day at the
// margin, day count and base rate in force on that day (found: every day
// of the run at the last day's margin, 173.61 a day instead of 166.67);
// a posting back-valued across the changes is adjusted day by day the same
// way. The terms are read at the run's first day and the dates they
// change, not once a day. With a Terms source that does not list the
// dates of change, every day is read and the figures are the same.
func TestCloseOfBusinessTermsOfEachDay(t *testing.T) {
	for _, listed := range []bool{true, false} {
		name := "terms dates listed"
		if !listed {
			name = "terms read every day"
		}
		t.Run(name, func(t *testing.T) {
			defaultsBackends(t, func(t *testing.T, s store.Store) {
				testCloseOfBusinessTermsOfEachDay(t, s, listed)
			})
		})
	}
}

func testCloseOfBusinessTermsOfEachDay(t *testing.T, s store.Store, listed bool) {
	ctx := context.Background()
	d := date.MustParse
	now := time.Date(2006, 3, 1, 12, 0, 0, 0, time.UTC)
	counting := &countingTerms{StoredTerms: &StoredTerms{Store: s}}
	svc := &Service{Store: s, Terms: counting, Now: func() time.Time { return now }}
	btuAs(t, svc, "early", marginAmendment, dayCountAmendment)
	btuAs(t, svc, "late", marginAmendment, dayCountAmendment)
	if !listed {
		svc.Terms = TermsFunc(counting.Terms) // hides TermDates
	}
	for _, r := range []ledger.RatePoint{
		{Effective: d("2006-01-01"), Value: money.MustRate("0.06")},
		{Effective: d("2006-03-18"), Value: money.MustRate("0.065")},
	} {
		if err := s.PutRate(ctx, "prime", r, nil); err != nil {
			t.Fatal(err)
		}
	}
	post := func(f, key, vd string, amount money.Amount) ledger.Transaction {
		t.Helper()
		tr, err := ledger.Advance(ledger.Ref{Facility: f, Key: key, ValueDate: d(vd)}, amount)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.PostBatch(ctx, []ledger.Transaction{tr})
		if err != nil {
			t.Fatal(err)
		}
		return p[0].Transaction
	}
	// early has both advances before its interest is accrued; late gets
	// the second one back-valued after the run.
	post("early", "a1", "2006-03-10", 1_000_000_00)
	post("early", "a2", "2006-03-12", 500_000_00)
	post("late", "a1", "2006-03-10", 1_000_000_00)

	// The rate of each day: prime + margin over the days of the year.
	type dayRate struct {
		rate string
		year int64
	}
	rateOn := func(day date.Date) dayRate {
		prime, margin, year := "0.06", "0", int64(360)
		if day >= d("2006-03-18") {
			prime = "0.065"
		}
		if day >= d("2006-03-15") {
			margin = "0.0025"
		}
		if day >= d("2006-03-20") {
			year = 365
		}
		p, _ := new(big.Rat).SetString(prime)
		m, _ := new(big.Rat).SetString(margin)
		return dayRate{new(big.Rat).Add(p, m).FloatString(6), year}
	}

	counting.reads.Store(0)
	if _, err := svc.CloseOfBusiness(ctx, d("2006-03-20")); err != nil {
		t.Fatal(err)
	}
	reads := counting.reads.Load()
	accruals := func(f string) map[date.Date]money.Amount {
		txs, err := s.Transactions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		m := map[date.Date]money.Amount{}
		for _, tr := range txs {
			if tr.Kind == ledger.KindInterest {
				m[tr.ValueDate] = tr.Postings[0].Amount
			}
		}
		return m
	}
	got := accruals("late")
	// 10–14 March: 1,000,000 × 6.00% / 360 = 166.67; 15–17: 6.25%, 173.61;
	// 18–19: 6.75%, 187.50; 20: 6.75% / 365, 184.93.
	for _, w := range []struct {
		day  string
		want money.Amount
	}{{"2006-03-10", 166_67}, {"2006-03-14", 166_67}, {"2006-03-15", 173_61}, {"2006-03-17", 173_61}, {"2006-03-18", 187_50}, {"2006-03-20", 184_93}} {
		if got[d(w.day)] != w.want {
			t.Errorf("late: interest on %s = %s, want %s", w.day, got[d(w.day)], w.want)
		}
	}
	for day := d("2006-03-10"); day <= d("2006-03-20"); day++ {
		r := rateOn(day)
		if want := interest(t, 1_000_000_00, r.rate, r.year); got[day] != want {
			t.Errorf("late: interest on %s = %s, want %s (%s / %d)", day, got[day], want, r.rate, r.year)
		}
	}
	if len(got) != 11 {
		t.Errorf("late: %d days accrued, want 11", len(got))
	}
	// Read on the 10th, the 15th and the 20th for each of the two facilities.
	if listed && reads != 6 {
		t.Errorf("terms read %d times in a run of 11 days over 2 amendments for 2 facilities, want 6", reads)
	}
	if !listed && reads != 22 {
		t.Errorf("terms read %d times, want 22 (each day of each facility)", reads)
	}

	// The second advance back-valued into accrued days, across both
	// amendments and the rate change: the next run adjusts each day from
	// the 12th to the 20th at that day's terms.
	a2 := post("late", "a2", "2006-03-12", 500_000_00)
	if _, err := svc.CloseOfBusiness(ctx, d("2006-03-21")); err != nil {
		t.Fatal(err)
	}
	var want money.Amount
	for day := d("2006-03-12"); day <= d("2006-03-20"); day++ {
		r := rateOn(day)
		want += interest(t, 1_500_000_00, r.rate, r.year) - interest(t, 1_000_000_00, r.rate, r.year)
	}
	txs, err := s.Transactions(ctx, "late")
	if err != nil {
		t.Fatal(err)
	}
	var adj []ledger.Transaction
	for _, tr := range txs {
		if tr.Kind == ledger.KindInterestAdjustment {
			adj = append(adj, tr)
		}
	}
	if len(adj) != 1 {
		t.Fatalf("late: %d interest adjustments, want 1", len(adj))
	}
	if adj[0].Postings[0].Account != ledger.InterestReceivable || adj[0].Postings[0].Amount != want || adj[0].ValueDate != d("2006-03-21") {
		t.Errorf("adjustment %+v on %s, want %s to the interest receivable on 2006-03-21", adj[0].Postings[0], adj[0].ValueDate, want)
	}
	if !strings.Contains(adj[0].Memo, "2006-03-12..2006-03-20 (9 days)") || !strings.Contains(adj[0].Memo, fmt.Sprintf("%d (2006-03-12, 500000.00)", a2.ID)) {
		t.Errorf("adjustment memo %q", adj[0].Memo)
	}
	// Together: the interest of a facility that had the advance from the
	// start, and that of the model, day by day.
	var model money.Amount
	for day := d("2006-03-10"); day <= d("2006-03-21"); day++ {
		cents := int64(1_500_000_00)
		if day < d("2006-03-12") {
			cents = 1_000_000_00
		}
		r := rateOn(day)
		model += interest(t, cents, r.rate, r.year)
	}
	for _, f := range []string{"early", "late"} {
		b, err := s.Balances(ctx, f, d("2006-03-21"))
		if err != nil {
			t.Fatal(err)
		}
		if b[ledger.InterestReceivable] != model {
			t.Errorf("%s: interest receivable %s, want %s", f, b[ledger.InterestReceivable], model)
		}
	}
	if a := accruals("early"); a[d("2006-03-16")] != interest(t, 1_500_000_00, "0.0625", 360) {
		t.Errorf("early: interest on 2006-03-16 = %s, want 260.42", a[d("2006-03-16")])
	}
}
