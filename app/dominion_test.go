package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/notify"
	"revolver/store"
)

// modernAt registers the modern example (examples/modern-abl: a springing
// cash dominion of 12.5% of the line cap or 9,375,000.00 for five
// Business Days, a springing FCCR of 10% or 7,500,000.00 for one, both
// ending after 30 days) as slug m, with the prime rate and a certificate
// as of 2026-06-30 of 60,000,000.00 (the line cap: the commitment is
// 75,000,000.00), and returns its service with a clock the test sets.
func modernAt(t *testing.T, s store.Store, clock *time.Time) *Service {
	t.Helper()
	ctx := context.Background()
	b, err := examples.FS.ReadFile("modern-abl/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	svc := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: func() time.Time { return *clock }}
	if _, err := svc.RegisterFacility(ctx, "m", []agreement.File{agreement.NewFile("agreement.yaml", b)}, Settings{}, "setup"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRate(ctx, "prime", ledger.RatePoint{Effective: date.MustParse("2026-01-02"), Value: money.MustRate("0.07"), Source: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCertificate(ctx, store.Certificate{Facility: "m", AsOf: date.MustParse("2026-06-30"), PreparedBy: "controller", CreatedAt: *clock})
	if err != nil {
		t.Fatal(err)
	}
	zero := money.Amount(0)
	if _, err := s.SubmitCertificate(ctx, c.ID, store.Submission{Body: json.RawMessage(`{}`), BorrowingBase: money.Amount(60_000_000_00), LastOutBase: &zero, By: "controller", At: *clock,
		Inputs: []store.InputContent{{Name: "r.csv", Content: []byte("r")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "officer", At: *clock}); err != nil {
		t.Fatal(err)
	}
	return svc
}

// dominionPath is the loans of the test, by value date (advances
// positive, repayments negative), in millions: excess availability is
// 15 from 1 July, 8 from 20 July (below the dominion's 9.375, above the
// FCCR's 7.5), 7 from 27 July (below both), 17 from 3 August, 6 from
// 28 September, 3 from 5 October (below the minimum excess availability
// covenant's 4).
var dominionPath = []struct {
	day string
	m   int64
}{{"2026-07-01", 45}, {"2026-07-20", 7}, {"2026-07-27", 1}, {"2026-08-03", -10}, {"2026-09-28", 11}, {"2026-10-05", 3}}

func postPath(t *testing.T, s store.Store, day date.Date) {
	t.Helper()
	for _, p := range dominionPath {
		if date.MustParse(p.day) != day {
			continue
		}
		ref := ledger.Ref{Facility: "m", Key: "path:" + p.day, ValueDate: day, Memo: "path"}
		var tx ledger.Transaction
		var err error
		if p.m > 0 {
			tx, err = ledger.Advance(ref, money.Amount(p.m*1_000_000_00))
		} else {
			tx, err = ledger.Repayment(ref, money.Amount(-p.m*1_000_000_00))
		}
		if err != nil {
			t.Fatal(err)
		}
		tx.RecordedAt = day.Time().Add(10 * time.Hour)
		if _, err := s.PostBatch(context.Background(), []ledger.Transaction{tx}); err != nil {
			t.Fatal(err)
		}
	}
}

func periodsText(ps []DominionPeriod) string {
	var b []string
	for _, p := range ps {
		end := "…"
		if p.End != nil {
			end = p.End.String()
		}
		b = append(b, fmt.Sprintf("%s %s..%s", p.Trigger, p.Start, end))
	}
	return strings.Join(b, "; ")
}

// TestDominionPeriodsAtCloseOfBusiness: close of business each Business
// Day records the trigger periods of the crafted path, as known at each
// time; the measure recorded is the Availability use case's; the same
// periods come from EvaluateTriggers over the range without close of
// business; and evaluating again records nothing.
func TestDominionPeriodsAtCloseOfBusiness(t *testing.T) {
	want := "cash_dominion 2026-07-24..2026-09-01; covenant:fixed_charge_coverage_ratio 2026-07-27..2026-09-01; " +
		"covenant:fixed_charge_coverage_ratio 2026-09-28..…; cash_dominion 2026-10-02..…"
	from, through := date.MustParse("2026-07-01"), date.MustParse("2026-10-05")
	t.Run("close of business", func(t *testing.T) {
		defaultsBackends(t, func(t *testing.T, s store.Store) {
			ctx := context.Background()
			clock := date.MustParse("2026-06-30").Time().Add(12 * time.Hour)
			svc := modernAt(t, s, &clock)
			var cal = svc.mustTerms(t, through).Calendar
			var midAugust time.Time
			for d := from; d <= through; d++ {
				if !cal.IsBusinessDay(d) {
					continue
				}
				clock = d.Time().Add(11 * time.Hour)
				postPath(t, s, d)
				clock = d.Time().Add(18 * time.Hour)
				res, err := svc.CloseOfBusiness(ctx, d)
				if err != nil {
					t.Fatalf("close of business %s: %v", d, err)
				}
				if res.Triggers != 3 {
					t.Fatalf("close of business %s recorded %d trigger states, want 3 (%+v)", d, res.Triggers, res.Undetermined)
				}
				if d == date.MustParse("2026-08-14") {
					midAugust = clock.Add(time.Minute)
				}
				if d == date.MustParse("2026-07-20") {
					a, err := svc.Availability(ctx, "m", d, time.Time{})
					if err != nil {
						t.Fatal(err)
					}
					sts, err := s.TriggerStates(ctx, []string{"m"})
					if err != nil {
						t.Fatal(err)
					}
					var rec triggerRecord
					if err := json.Unmarshal(sts[0].State, &rec); err != nil {
						t.Fatal(err)
					}
					if rec.Day.Measure != a.Available || rec.Day.LineCap != a.Limit || rec.Day.Measure != money.Amount(8_000_000_00) {
						t.Errorf("recorded excess availability %s (line cap %s), Availability says %s (%s)", rec.Day.Measure, rec.Day.LineCap, a.Available, a.Limit)
					}
				}
			}
			ps, err := svc.DominionPeriods(ctx, "m", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if got := periodsText(ps); got != want {
				t.Errorf("periods:\n got %s\nwant %s", got, want)
			}
			p := ps[0]
			if p.Kind != DominionCash || !strings.Contains(p.Reason, "5 consecutive Business Days (2026-07-20..2026-07-24)") ||
				!strings.Contains(p.EndReason, "30 consecutive days (2026-08-03..2026-09-01)") || p.Explain == nil || len(p.Explain.Children) != 2 {
				t.Errorf("cash dominion period not explained: %+v", p)
			}
			if c := ps[1]; c.Kind != DominionCovenant || c.Covenant != "fixed_charge_coverage_ratio" {
				t.Errorf("covenant period kind %q covenant %q", c.Kind, c.Covenant)
			}
			if !p.In(date.MustParse("2026-09-01")) || p.In(date.MustParse("2026-09-02")) || p.In(date.MustParse("2026-07-23")) {
				t.Errorf("period %s..%s in effect on the wrong days", p.Start, *p.End)
			}
			// As known in mid-August both periods of July last.
			then, err := svc.DominionPeriods(ctx, "m", midAugust)
			if err != nil {
				t.Fatal(err)
			}
			if got := periodsText(then); got != "cash_dominion 2026-07-24..…; covenant:fixed_charge_coverage_ratio 2026-07-27..…" {
				t.Errorf("periods as known at %s: %s", midAugust, got)
			}
			// The minimum excess availability covenant, tested every Business
			// Day: it fails from 5 October.
			mea, err := svc.AvailabilityCovenant(ctx, "m", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if mea.TestedThrough != through || len(mea.Failures) != 1 || mea.Failures[0].Start != through || mea.Failures[0].End != nil ||
				!strings.Contains(mea.Failures[0].Reason, "below the threshold on 1 consecutive Business Day (2026-10-05)") {
				t.Errorf("minimum excess availability: %+v", mea)
			}
			// Each start and end told of once, in the run's transaction.
			var told []string
			for _, e := range events(t, s) {
				if e.Kind == notify.DominionStarted || e.Kind == notify.DominionEnded {
					told = append(told, e.Kind+" "+e.Subject+" "+e.At.Format("2006-01-02"))
				}
			}
			slices.Sort(told)
			if got := strings.Join(told, "; "); got != "dominion_ended cash_dominion 2026-09-01; dominion_ended covenant:fixed_charge_coverage_ratio 2026-09-01; "+
				"dominion_started cash_dominion 2026-07-24; dominion_started cash_dominion 2026-10-02; "+
				"dominion_started covenant:fixed_charge_coverage_ratio 2026-07-27; dominion_started covenant:fixed_charge_coverage_ratio 2026-09-28" {
				t.Errorf("dominion notifications: %s", got)
			}
			// Close of business again for the last day: nothing new.
			res, err := svc.CloseOfBusiness(ctx, through)
			if err != nil || res.Triggers != 0 {
				t.Errorf("close of business again: %d trigger states, %v", res.Triggers, err)
			}
		})
	})
	// (Subtests of distinct names: a '#' of a repeated name would end the
	// SQLite file URI of its directory.)
	t.Run("evaluate over a range", func(t *testing.T) {
		defaultsBackends(t, func(t *testing.T, s store.Store) {
			ctx := context.Background()
			clock := date.MustParse("2026-06-30").Time().Add(12 * time.Hour)
			svc := modernAt(t, s, &clock)
			for d := from; d <= through; d++ {
				postPath(t, s, d)
			}
			clock = through.Time().Add(20 * time.Hour)
			ev, err := svc.EvaluateTriggers(ctx, "m", from, through)
			if err != nil {
				t.Fatal(err)
			}
			if got := periodsText(ev.Periods); got != want {
				t.Errorf("EvaluateTriggers periods:\n got %s\nwant %s", got, want)
			}
			cal, n := svc.mustTerms(t, through).Calendar, 0
			for d := from; d <= through; d++ {
				if cal.IsBusinessDay(d) {
					n++
				}
			}
			if ev.Days != 3*n {
				t.Errorf("EvaluateTriggers recorded %d states, want %d (3 triggers × %d Business Days)", ev.Days, 3*n, n)
			}
			again, err := svc.EvaluateTriggers(ctx, "m", from, through)
			if err != nil || again.Days != 0 {
				t.Errorf("EvaluateTriggers again: %d states, %v", again.Days, err)
			}
			if _, err := svc.EvaluateTriggers(ctx, "m", through, from); store.ErrorCode(err) != store.CodeInvalid {
				t.Errorf("inverted range: %v, want invalid", err)
			}
		})
	})
}

func (s *Service) mustTerms(t *testing.T, d date.Date) FacilityTerms {
	t.Helper()
	ft, err := s.termsOn(context.Background(), "m", d)
	if err != nil {
		t.Fatal(err)
	}
	return ft
}

// TestDominionOnEventOfDefault: the modern example's cash dominion also
// springs on any Business Day an event of default continues (its terms'
// event_of_default), whatever excess availability; its covenant trigger
// (without the term) does not, and neither ends while the default
// continues.
func TestDominionOnEventOfDefault(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		clock := date.MustParse("2026-06-30").Time().Add(12 * time.Hour)
		svc := modernAt(t, s, &clock)
		cal := svc.mustTerms(t, date.MustParse("2026-07-01")).Calendar
		for d := date.MustParse("2026-07-01"); d <= date.MustParse("2026-08-31"); d++ {
			if !cal.IsBusinessDay(d) {
				continue
			}
			clock = d.Time().Add(11 * time.Hour)
			if d == date.MustParse("2026-07-01") {
				postPath(t, s, d) // 45,000,000.00: excess availability 15,000,000.00, above both thresholds
			}
			if d == date.MustParse("2026-07-15") {
				if _, err := svc.RecordDefault(ctx, FactInput{Facility: "m", Key: "coc", By: "officer"},
					defaults.DefaultRecord{Event: "change_of_control", Occurred: d, Description: "shares sold without consent"}); err != nil {
					t.Fatal(err)
				}
			}
			clock = d.Time().Add(18 * time.Hour)
			if _, err := svc.CloseOfBusiness(ctx, d); err != nil {
				t.Fatalf("close of business %s: %v", d, err)
			}
		}
		ps, err := svc.DominionPeriods(ctx, "m", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if got := periodsText(ps); got != "cash_dominion 2026-07-15..…" {
			t.Fatalf("periods %s, want the cash dominion from the default's first day, still in effect", got)
		}
		if r := ps[0].Reason; !strings.Contains(r, "an event of default continues on 2026-07-15: Change of control (change_of_control §8.1(k), eod-1, since 2026-07-15)") {
			t.Errorf("reason %q", r)
		}
	})
}

// TestDominionCatchUpAcrossAmendment: a close of business catching up
// several days evaluates each day's triggers with the terms in force on
// it. An amendment effective 2026-08-03 makes the cash dominion spring
// after ten Business Days instead of five; one run from 2026-07-02 to
// 2026-08-14 starts the period on 2026-07-24 as the five days' terms say
// (the amended terms would have started it on 2026-07-31), the same
// periods as EvaluateTriggers over the range.
func TestDominionCatchUpAcrossAmendment(t *testing.T) {
	first, through := date.MustParse("2026-07-01"), date.MustParse("2026-08-14")
	amend := func(t *testing.T, svc *Service) {
		t.Helper()
		ctx := context.Background()
		p, err := svc.RequestAmendment(ctx, "m", AmendmentFile{Name: "2026-08-03-dominion.yaml", Content: `revolver: amendment/1
facility: modern-abl
id: dominion-ten-days
document: credit-agreement
effective: 2026-08-03
order: 1
changes:
  - op: replace
    path: cash_dominion.springing.for_days
    value: 10
    cite: credit-agreement §6.13 Cash Dominion
`}, "officer1@bank")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.DecidePending(ctx, "m", p.ID, true, "officer2@bank", ""); err != nil {
			t.Fatal(err)
		}
	}
	cashPeriods := func(ps []DominionPeriod) string {
		var out []DominionPeriod
		for _, p := range ps {
			if p.Trigger == "cash_dominion" {
				out = append(out, p)
			}
		}
		return periodsText(out)
	}
	const want = "cash_dominion 2026-07-24..…"
	t.Run("close of business", func(t *testing.T) {
		defaultsBackends(t, func(t *testing.T, s store.Store) {
			ctx := context.Background()
			clock := date.MustParse("2026-06-30").Time().Add(12 * time.Hour)
			svc := modernAt(t, s, &clock)
			amend(t, svc)
			clock = first.Time().Add(11 * time.Hour)
			postPath(t, s, first)
			clock = first.Time().Add(18 * time.Hour)
			if _, err := svc.CloseOfBusiness(ctx, first); err != nil {
				t.Fatal(err)
			}
			for d := first + 1; d <= through; d++ {
				postPath(t, s, d)
			}
			clock = through.Time().Add(18 * time.Hour)
			if _, err := svc.CloseOfBusiness(ctx, through); err != nil {
				t.Fatal(err)
			}
			ps, err := svc.DominionPeriods(ctx, "m", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if got := cashPeriods(ps); got != want {
				t.Errorf("periods after one run catching up:\n got %s\nwant %s", got, want)
			}
		})
	})
	t.Run("evaluate over the range", func(t *testing.T) {
		defaultsBackends(t, func(t *testing.T, s store.Store) {
			ctx := context.Background()
			clock := date.MustParse("2026-06-30").Time().Add(12 * time.Hour)
			svc := modernAt(t, s, &clock)
			amend(t, svc)
			for d := first; d <= through; d++ {
				postPath(t, s, d)
			}
			clock = through.Time().Add(20 * time.Hour)
			ev, err := svc.EvaluateTriggers(ctx, "m", first, through)
			if err != nil {
				t.Fatal(err)
			}
			if got := cashPeriods(ev.Periods); got != want {
				t.Errorf("EvaluateTriggers periods:\n got %s\nwant %s", got, want)
			}
		})
	})
}
