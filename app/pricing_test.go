package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/calendar"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Synthetic amendments of the example for these tests only (the example's
// documents give neither a margin grid nor default interest).
func defaultInterestAmendment(applies string) agreement.File {
	return agreement.NewFile("2005-01-01-default-interest.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: default-interest
document: first-amendment
effective: 2005-01-01
order: 1
changes:
  - op: set
    path: pricing.default_interest
    cite: first-amendment §9
    value: {rate: 2%, applies: `+applies+`}
`))
}

var gridAmendment = agreement.NewFile("2005-01-01-margin-grid.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: margin-grid
document: first-amendment
effective: 2005-01-01
order: 1
changes:
  - op: delete
    path: pricing.options.prime.margin
    cite: first-amendment §9
  - op: set
    path: pricing.options.prime.margin_grid
    cite: first-amendment §9
    value:
      measure: average_excess_availability
      period: calendar_quarter
      measured_from: 2004-10-01
      adjusts: first_day_of_next_month
      initial: level_ii
      levels:
        - {id: level_i, at_least: 50%, margin: 0%}
        - {id: level_ii, at_least: 20%, margin: 0.25%}
        - {id: level_iii, margin: 0.50%}
`))

// pricingFacility registers the example as btu with extra files, the
// business date opened on open and prime at 6% from 2005-01-01.
func pricingFacility(t *testing.T, s store.Store, now *time.Time, open string, extra ...agreement.File) *Service {
	t.Helper()
	ctx := context.Background()
	svc := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: func() time.Time { return *now }}
	btuAs(t, svc, "btu", extra...)
	if _, err := svc.OpenBusinessDate(ctx, date.MustParse(open), "test", "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRate(ctx, "prime", ledger.RatePoint{Effective: date.MustParse("2005-01-01"), Value: money.MustRate("0.06"), Source: "H.15"}, nil); err != nil {
		t.Fatal(err)
	}
	return svc
}

func advance(t *testing.T, s store.Store, vd string, amount money.Amount) {
	t.Helper()
	tr, err := ledger.Advance(ledger.Ref{Facility: "btu", Key: "adv-" + vd, ValueDate: date.MustParse(vd)}, amount)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostBatch(context.Background(), []ledger.Transaction{tr}); err != nil {
		t.Fatal(err)
	}
}

func accrualsOf(t *testing.T, s store.Store) map[date.Date]ledger.Transaction {
	t.Helper()
	txs, err := s.Transactions(context.Background(), "btu")
	if err != nil {
		t.Fatal(err)
	}
	m := map[date.Date]ledger.Transaction{}
	for _, tr := range txs {
		if tr.Kind == ledger.KindInterest {
			m[tr.ValueDate] = tr
		}
	}
	return m
}

// Default interest that applies automatically: +2% from the day an event
// of default occurs while it continues, not from the day its waiver takes
// effect; the memo and the interest shown say so. Terms without default
// interest (the example) accrue as before.
func TestDefaultInterestWhileEventOfDefaultContinues(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		now := time.Date(2005, 6, 30, 20, 0, 0, 0, time.UTC)
		svc := pricingFacility(t, s, &now, "2005-06-01", defaultInterestAmendment("automatic"))
		advance(t, s, "2005-06-01", 1_000_000_00)
		eod, err := svc.RecordDefault(ctx, in("eod", "officer1@bank"), defaults.DefaultRecord{Event: "dissolution", Occurred: d("2005-06-10"), Description: "merger agreed without consent"})
		if err != nil {
			t.Fatal(err)
		}
		req, err := svc.RequestWaiver(ctx, in("wr", "officer1@bank"), WaiverRequest{Default: eod.ID, Date: d("2005-06-20"), Agreement: "security-agreement", Note: "consented in writing"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ApproveWaiver(ctx, in("ap", "officer2@bank"), eod.ID, req.Record.ID); err != nil {
			t.Fatal(err)
		}
		// Electing default interest is for terms where it applies on notice.
		if _, err := svc.ElectDefaultInterest(ctx, in("elect", "officer1@bank"), eod.ID, defaults.Notice{Method: "courier", Sent: et("2005-06-15 10:00")}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "applies automatic") {
			t.Errorf("election with automatic default interest: %v, want invalid", err)
		}
		if _, err := svc.CloseOfBusiness(ctx, d("2005-06-30")); err != nil {
			t.Fatal(err)
		}
		got := accrualsOf(t, s)
		// 1,000,000.00 × 6% / 360 = 166.67; × 8% / 360 = 222.22.
		for _, w := range []struct {
			day  string
			want money.Amount
			memo string
		}{
			{"2005-06-09", 166_67, "interest 2005-06-09 on 1000000.00: loans 1000000.00 at 6% (prime: prime 6% on 2005-06-09 + margin 0%)"},
			{"2005-06-10", 222_22, "interest 2005-06-10 on 1000000.00: loans 1000000.00 at 8% (prime: prime 6% on 2005-06-10 + margin 0% + default interest 2%); default interest +2% while an event of default continues: " + eod.ID + " since 2005-06-10 (first-amendment §9)"},
			{"2005-06-19", 222_22, "default interest +2%"},
			{"2005-06-20", 166_67, "interest 2005-06-20 on 1000000.00: loans 1000000.00 at 6% (prime: prime 6% on 2005-06-20 + margin 0%)"},
			{"2005-06-30", 166_67, "interest 2005-06-30 on 1000000.00: loans 1000000.00 at 6% (prime: prime 6% on 2005-06-30 + margin 0%)"},
		} {
			tr := got[d(w.day)]
			if tr.Postings == nil || tr.Postings[0].Amount != w.want || !strings.HasPrefix(tr.Memo, w.memo) && !strings.Contains(tr.Memo, w.memo) {
				t.Errorf("%s: %+v, want %s, memo %q", w.day, tr, w.want, w.memo)
			}
			if w.want == 166_67 && strings.Contains(tr.Memo, "default") {
				t.Errorf("%s: memo %q names default interest", w.day, tr.Memo)
			}
		}
		rep, err := svc.InterestByRatePeriod(ctx, "btu", d("2005-06-01"), d("2005-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Periods) != 3 {
			t.Fatalf("periods %+v", rep.Periods)
		}
		p := rep.Periods[1]
		if p.From != d("2005-06-10") || p.To != d("2005-06-19") || p.Rate.Percent() != "8%" || p.DefaultInterest == nil || p.Interest != 10*222_22 ||
			!strings.Contains(p.Explain.Children[0].Formula, "+ margin 0% + default interest 2%; default interest +2% while an event of default continues") {
			t.Errorf("default period %+v %+v", p, p.Explain.Children[0])
		}
		if q := rep.Periods[2]; q.From != d("2005-06-20") || q.DefaultInterest != nil || q.Rate.Percent() != "6%" {
			t.Errorf("after the waiver %+v", q)
		}
	})
}

// Default interest on notice: only from the day the lender's notice
// electing it takes effect (a courier notice: the Business Day after
// deposit), while the event it names continues.
func TestDefaultInterestOnNotice(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		now := time.Date(2005, 6, 30, 20, 0, 0, 0, time.UTC)
		svc := pricingFacility(t, s, &now, "2005-06-01", defaultInterestAmendment("on_notice"))
		advance(t, s, "2005-06-01", 1_000_000_00)
		eod, err := svc.RecordDefault(ctx, in("eod", "officer1@bank"), defaults.DefaultRecord{Event: "dissolution", Occurred: d("2005-06-10"), Description: "merger agreed without consent"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ElectDefaultInterest(ctx, in("elect-bad", "officer1@bank"), "eod-999", defaults.Notice{Method: "courier", Sent: et("2005-06-15 10:00")}); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("election naming no default: %v, want not_found", err)
		}
		el, err := svc.ElectDefaultInterest(ctx, in("elect", "officer1@bank"), eod.ID, defaults.Notice{Method: "courier", Sent: et("2005-06-15 10:00")})
		if err != nil {
			t.Fatal(err)
		}
		if el.Effect == nil || el.Effect.Date != d("2005-06-16") {
			t.Fatalf("election %+v", el)
		}
		if _, err := svc.CloseOfBusiness(ctx, d("2005-06-20")); err != nil {
			t.Fatal(err)
		}
		got := accrualsOf(t, s)
		for day, want := range map[string]money.Amount{"2005-06-10": 166_67, "2005-06-15": 166_67, "2005-06-16": 222_22, "2005-06-20": 222_22} {
			if tr := got[d(day)]; tr.Postings == nil || tr.Postings[0].Amount != want {
				t.Errorf("%s: %+v, want %s", day, tr, want)
			}
		}
		if m := got[d("2005-06-16")].Memo; !strings.Contains(m, "default interest +2% elected by the lender's notice "+el.ID+" effective 2005-06-16 while event of default "+eod.ID+" (since 2005-06-10) continues") {
			t.Errorf("memo %q", m)
		}
	})
}

// pricingCertificate stores an approved certificate of btu.
func pricingCertificate(t *testing.T, s store.Store, asOf string, bb money.Amount, at time.Time) {
	t.Helper()
	ctx := context.Background()
	cert, err := s.CreateCertificate(ctx, store.Certificate{Facility: "btu", AsOf: date.MustParse(asOf), PreparedBy: "controller@btu", CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitCertificate(ctx, cert.ID, store.Submission{Body: json.RawMessage(`{}`), BorrowingBase: bb, By: "controller@btu", At: at,
		Inputs: []store.InputContent{{Name: "r.csv", Content: []byte(asOf + bb.String())}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideCertificate(ctx, cert.ID, store.Decision{Status: store.Approved, Reviewer: "officer1@bank", At: at}); err != nil {
		t.Fatal(err)
	}
}

// A margin grid on average excess availability: the initial level until
// the first adjustment (the fourth quarter of 2004 could not be measured:
// no certificate); the first quarter's 79.83% moves the margin to level
// i from 1 April, the second quarter's 16.67% to level iii from 1 July.
// The memo and the interest shown say which level, the measured average
// and the period.
func TestMarginGridMovesBetweenLevels(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		now := time.Date(2005, 7, 5, 20, 0, 0, 0, time.UTC)
		svc := pricingFacility(t, s, &now, "2005-01-01", gridAmendment)
		pricingCertificate(t, s, "2004-12-31", 10_000_000_00, now)
		pricingCertificate(t, s, "2005-03-31", 2_400_000_00, now)
		advance(t, s, "2005-01-01", 2_000_000_00)
		if _, err := svc.CloseOfBusiness(ctx, d("2005-07-05")); err != nil {
			t.Fatal(err)
		}
		got := accrualsOf(t, s)
		// 2,000,000.00 × (6% + margin) / 360.
		for _, w := range []struct {
			day  string
			want money.Amount
			memo string
		}{
			{"2005-01-01", 347_22, "margin level_ii 0.25% (the initial level, until the first adjustment; FY2004 Q4 (2004-10-01..2004-12-31) not measured: no borrowing base certificate was in force and known then on 2004-10-01, the level before stays in force)"},
			{"2005-03-31", 347_22, "margin level_ii 0.25%"},
			{"2005-04-01", 333_33, "margin level_i 0% (average excess availability 79.83% of the line cap in FY2005 Q1 (2005-01-01..2005-03-31), from 2005-04-01"},
			{"2005-06-30", 333_33, "margin level_i 0%"},
			{"2005-07-01", 361_11, "margin level_iii 0.5% (average excess availability 16.67% of the line cap in FY2005 Q2 (2005-04-01..2005-06-30), from 2005-07-01)"},
		} {
			tr := got[d(w.day)]
			if tr.Postings == nil || tr.Postings[0].Amount != w.want || !strings.Contains(tr.Memo, w.memo) {
				t.Errorf("%s: %+v, want %s, memo %q", w.day, tr, w.want, w.memo)
			}
		}
		rep, err := svc.InterestByRatePeriod(ctx, "btu", d("2005-01-01"), d("2005-07-05"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Periods) != 3 {
			t.Fatalf("periods %+v", rep.Periods)
		}
		if p := rep.Periods[1]; p.From != d("2005-04-01") || p.To != d("2005-06-30") || p.Margin.Percent() != "0%" ||
			!strings.Contains(p.Explain.Children[0].Formula, "margin level_i 0% (average excess availability 79.83%") {
			t.Errorf("second period %+v %+v", p, p.Explain.Children[0])
		}
		// The level of a day, explained: the measured averages.
		ft, err := svc.Terms.Terms(ctx, "btu", d("2005-04-01"))
		if err != nil {
			t.Fatal(err)
		}
		l, err := ft.Pricing.Grid.LevelOn(d("2005-04-01"), func(p calendar.Period) (ledger.GridMeasure, error) {
			return svc.pricer("btu").measure(ctx, ft.Pricing.Grid, p)
		})
		if err != nil {
			t.Fatal(err)
		}
		if e := l.Explain(); !strings.Contains(e.Children[0].Formula, "average daily excess availability 7915555.56 ÷ average daily line cap 9915555.56 over 90 days") {
			t.Errorf("explanation %+v", e.Children[0])
		}
	})
}

// The measure reads each day's availability as the system computed it
// then: a certificate approved after a day's business ended (back-dated to
// 15 January) does not count for the days before, only from the day it
// was known; as known now (44.17%) the margin would have been level ii.
func TestMarginGridMeasuresAvailabilityAsKnownThen(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		now := time.Date(2005, 1, 1, 9, 0, 0, 0, time.UTC)
		svc := pricingFacility(t, s, &now, "2005-01-01", gridAmendment)
		pricingCertificate(t, s, "2004-12-31", 10_000_000_00, now)
		advance(t, s, "2005-01-01", 2_000_000_00)
		now = time.Date(2005, 3, 30, 22, 0, 0, 0, time.UTC)
		if _, err := svc.CloseOfBusiness(ctx, d("2005-03-30")); err != nil {
			t.Fatal(err)
		}
		now = time.Date(2005, 3, 31, 15, 0, 0, 0, time.UTC)
		pricingCertificate(t, s, "2005-01-15", 2_400_000_00, now)
		now = time.Date(2005, 4, 1, 22, 0, 0, 0, time.UTC)
		if _, err := svc.CloseOfBusiness(ctx, d("2005-04-01")); err != nil {
			t.Fatal(err)
		}
		tr := accrualsOf(t, s)[d("2005-04-01")]
		if tr.Postings == nil || tr.Postings[0].Amount != 333_33 || !strings.Contains(tr.Memo, "margin level_i 0% (average excess availability 79.83% of the line cap in FY2005 Q1") {
			t.Errorf("2005-04-01: %+v, want level i from Q1 as known then", tr)
		}
	})
}

// A grid term not known makes interest undetermined, naming it; the
// grid and the default interest are read into the terms.
func TestMarginGridTermsFromAgreement(t *testing.T) {
	var files []agreement.File
	entries, _ := examples.FS.ReadDir("btu-sovereign")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			b, _ := examples.FS.ReadFile("btu-sovereign/" + e.Name())
			files = append(files, agreement.NewFile(e.Name(), b))
		}
	}
	read := func(extra ...agreement.File) FacilityTerms {
		t.Helper()
		f, err := agreement.Parse(append(append([]agreement.File(nil), files...), extra...))
		if err != nil {
			t.Fatal(err)
		}
		terms, err := f.TermsAsOf(date.MustParse("2005-02-01"))
		if err != nil {
			t.Fatal(err)
		}
		ft, err := FromAgreement(terms, "")
		if err != nil {
			t.Fatal(err)
		}
		return ft
	}
	ft := read(gridAmendment, defaultInterestAmendment("automatic"))
	g := ft.Pricing.Grid
	if g == nil || len(g.Levels) != 3 || g.Initial != "level_ii" || g.MeasuredFrom != date.MustParse("2004-10-01") || len(ft.InterestUnknown) != 0 {
		t.Fatalf("grid %+v, unknown %v", g, ft.InterestUnknown)
	}
	if di := ft.DefaultInterest; di == nil || di.Rate.Percent() != "2%" || di.Applies != agreement.DefaultAutomatic || di.Cite.Section != "§9" {
		t.Errorf("default interest %+v", di)
	}
	unknown := agreement.NewFile("2005-01-01-margin-grid.yaml", []byte(strings.Replace(string(gridAmendment.Data), "{id: level_i, at_least: 50%, margin: 0%}", "{id: level_i, at_least: 50%, margin: {unknown: the side letter is not held}}", 1)))
	ft = read(unknown)
	if len(ft.InterestUnknown) != 1 || ft.InterestUnknown[0].Path != "pricing.options.prime.margin_grid.levels.level_i.margin" ||
		!strings.Contains(ft.InterestUnknown[0].Message(), "the side letter is not held") {
		t.Errorf("unknown %+v", ft.InterestUnknown)
	}
	for _, o := range ft.Options {
		if o.ID == "prime" {
			t.Errorf("an option whose grid is not known is offered: %+v", o)
		}
	}
}
