package apptest

import (
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/storetest"
)

// testRates: a rate file imported through the use case is one audit
// record, all or none, each value citing its source; the same file again
// adds nothing and records nothing; a value that differs from one recorded
// refuses the file naming its line; a series revolver does not know is
// refused; close of business on a day the series has no value leaves the
// facility not closed, its interest undetermined naming the series and
// the day, and posts nothing.
func testRates(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil), Now: func() time.Time { return t0 }}
	a1, _ := ledger.Advance(ref("f", "a1", "2006-01-10"), amt("1000000.00"))
	post(t, s, a1, nil)

	// No prime value yet: the day's interest is undetermined, and the
	// facility's close incomplete.
	_, err := svc.CloseOfBusiness(ctx, d("2006-01-10"))
	wantCode(t, err, app.CodeCloseIncomplete)
	if err == nil || !strings.Contains(err.Error(), `rate series "prime" has no value effective on or before 2006-01-10`) {
		t.Errorf("close of business without prime: %v", err)
	}
	if n := len(must(s.Transactions(ctx, "f")).of(t)); n != 1 {
		t.Errorf("%d transactions after the undetermined close, want the advance only", n)
	}

	ben := person("ben@bank.example", store.RoleLenderAdmin, 2, nil)
	rows, err := ledger.ReadRates("DPRIME.csv", []byte("observation_date,DPRIME\n2006-01-03,7.25\n2006-01-04,7.25\n2006-01-05,.\n2006-01-31,7.50\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	from := lastID(t, s)
	imp := must(svc.ImportRates(ben, "prime", "DPRIME.csv", "Federal Reserve H.15 via FRED (DPRIME)", rows)).of(t)
	if imp.Read != 3 || imp.Added != 3 || imp.Unchanged != 0 || imp.From != "2006-01-03" || imp.To != "2006-01-31" {
		t.Errorf("import = %+v", imp)
	}
	recs := trail(t, s, from)
	if len(recs) != 1 || recs[0].Kind != "rate" || recs[0].Action != "import" || recs[0].Resource != "prime" {
		t.Fatalf("import's audit records = %+v, want one rate/import", recs)
	}
	again := must(svc.ImportRates(ben, "prime", "DPRIME.csv", "Federal Reserve H.15 via FRED (DPRIME)", rows)).of(t)
	if again.Added != 0 || again.Unchanged != 3 || len(trail(t, s, from)) != 1 {
		t.Errorf("the same file again = %+v, %d records", again, len(trail(t, s, from)))
	}
	changed, _ := ledger.ReadRates("later.csv", []byte("observation_date,DPRIME\n2006-02-01,7.50\n2006-01-04,7.00\n"), "")
	_, err = svc.ImportRates(ben, "prime", "later.csv", "x", changed)
	wantCode(t, err, store.CodeConflict)
	if err == nil || !strings.Contains(err.Error(), "later.csv:3:") {
		t.Errorf("changed value: %v", err)
	}
	_, err = svc.ImportRates(ben, "euribor_3m", "x.csv", "x", rows)
	wantCode(t, err, store.CodeInvalid)
	_, err = svc.ImportRates(ben, "prime", "DPRIME.csv", " ", rows)
	wantCode(t, err, store.CodeInvalid)
	ok(t, svc.RecordRate(ben, "prime", ledger.RatePoint{Effective: d("2006-03-28"), Value: money.MustRate("7.75%"), Source: "The Wall Street Journal"}))
	vals := must(svc.RateValues(ctx, "prime")).of(t)
	if len(vals) != 4 {
		t.Fatalf("values = %+v (nothing of the refused file)", vals)
	}
	if v := vals[0]; v.Source != "Federal Reserve H.15 via FRED (DPRIME)" || !v.RecordedAt.Equal(store.Truncate(t0)) {
		t.Errorf("first value = %+v", v)
	}
	if v := vals[3]; v.Source != "The Wall Street Journal" {
		t.Errorf("recorded value = %+v", v)
	}
	if none := must(svc.RateValues(ctx, "term_sofr_3m")).of(t); len(none) != 0 {
		t.Errorf("term_sofr_3m = %+v", none)
	}
	wantCode(t, svc.RecordRate(ben, "Prime", ledger.RatePoint{Effective: d("2006-03-28"), Value: money.MustRate("7.75%")}), store.CodeInvalid)

	// Now known: the close accrues 1,000,000 × 7.25% / 360 = 201.39.
	r := must(svc.CloseOfBusiness(ctx, d("2006-01-10"))).of(t)
	if r.Posted != 1 {
		t.Errorf("close with prime known = %+v", r)
	}
	storetest.CheckInvariants(t, s, "f")

	// The interest by rate period: 10–30 January at 7.25% + 0.25%, from
	// 31 January at 7.50% + 0.25%, each citing the series' source; the
	// periods' interest sums to what was posted.
	must(svc.CloseOfBusiness(ctx, d("2006-02-02"))).of(t)
	rep := must(svc.InterestByRatePeriod(ctx, "f", d("2006-01-01"), d("2006-02-28"))).of(t)
	if len(rep.Periods) != 2 {
		t.Fatalf("rate periods = %+v", rep.Periods)
	}
	p0, p1 := rep.Periods[0], rep.Periods[1]
	if p0.From != d("2006-01-10") || p0.To != d("2006-01-30") || p0.Days != 21 || p0.Rate.Percent() != "7.5%" || p0.Base.Source != "Federal Reserve H.15 via FRED (DPRIME)" {
		t.Errorf("first period %+v", p0)
	}
	if p1.From != d("2006-01-31") || p1.To != d("2006-02-02") || p1.Rate.Percent() != "7.75%" || p1.Base.Effective != d("2006-01-31") {
		t.Errorf("second period %+v", p1)
	}
	var posted money.Amount
	for _, tr := range must(s.Transactions(ctx, "f")).of(t) {
		if tr.Kind == ledger.KindInterest {
			posted += tr.Postings[0].Amount
		}
	}
	if p0.Interest+p1.Interest != posted || rep.Accrued != posted.String() {
		t.Errorf("periods %s + %s, accrued %s, posted %s", p0.Interest, p1.Interest, rep.Accrued, posted)
	}
	if !strings.Contains(p0.Explain.Children[0].Formula, "prime in force (7.25%, effective 2006-01-04) + margin 0.25%") {
		t.Errorf("explanation %+v", p0.Explain.Children[0])
	}
	_, err = svc.InterestByRatePeriod(ctx, "f", d("2006-02-28"), d("2006-01-01"))
	wantCode(t, err, store.CodeInvalid)
}
