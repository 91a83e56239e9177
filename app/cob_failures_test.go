package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// One facility that cannot be closed stops only itself: of three
// facilities, the middle one's margin is unknown from 2 January 2006.
// Close of business accrues the other two, reports the middle one with
// the reason (the term's path), returns a *CloseError and leaves the
// business date; run again it posts nothing new; once an amendment gives
// the margin from the day of the loans, the next run closes the middle one from the day it stopped
// and moves the business date.
func TestCloseOfBusinessGoesOnPastAFacility(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		now := time.Date(2006, 1, 10, 12, 0, 0, 0, time.UTC)
		svc := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: func() time.Time { return now }}
		btuAs(t, svc, "a")
		btuAs(t, svc, "b", unknownFrom("replace", "pricing.options.prime.margin"))
		btuAs(t, svc, "c")
		if err := s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-01-01"), Value: money.MustRate("0.06")}, nil); err != nil {
			t.Fatal(err)
		}
		var txs []ledger.Transaction
		for _, f := range []string{"a", "b", "c"} {
			tr, _ := ledger.Advance(ledger.Ref{Facility: f, Key: "a1", ValueDate: d("2006-01-03")}, 1_000_000_00)
			txs = append(txs, tr)
		}
		if _, err := s.PostBatch(ctx, txs); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.OpenBusinessDate(ctx, d("2006-01-03"), "test", "test"); err != nil {
			t.Fatal(err)
		}
		days := func(f string) int {
			t.Helper()
			txs, err := s.Transactions(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, tr := range txs {
				if tr.Kind == ledger.KindInterest {
					n++
				}
			}
			return n
		}
		through := d("2006-01-09")
		for run := 1; run <= 2; run++ {
			res, err := svc.CloseOfBusiness(ctx, through)
			var ce *CloseError
			if !errors.As(err, &ce) || store.ErrorCode(err) != CodeCloseIncomplete {
				t.Fatalf("run %d: %v, want a *CloseError", run, err)
			}
			if res.Facilities != 3 || len(res.Failed) != 1 || res.Failed[0].Facility != "b" ||
				!strings.Contains(res.Failed[0].Reason, "pricing.options.prime.margin") || !strings.Contains(res.Failed[0].Reason, "interest on 2006-01-03 is undetermined") {
				t.Fatalf("run %d: %+v, want b not closed for its margin", run, res)
			}
			if msg := err.Error(); !strings.Contains(msg, `facility "b"`) || !strings.Contains(msg, "1 of 3 facilities not closed") {
				t.Errorf("run %d: error %q does not name the facility", run, msg)
			}
			if want := map[int]int{1: 14, 2: 0}[run]; res.Posted != want {
				t.Errorf("run %d: %d posted, want %d", run, res.Posted, want)
			}
			for f, want := range map[string]int{"a": 7, "b": 0, "c": 7} {
				if got := days(f); got != want {
					t.Errorf("run %d: %s has %d days of interest, want %d", run, f, got, want)
				}
			}
			if bd, _ := svc.BusinessDate(ctx); bd != d("2006-01-03") {
				t.Errorf("run %d: business date %s, want 2006-01-03 (not moved)", run, bd)
			}
		}

		p, err := svc.RequestAmendment(ctx, "b", AmendmentFile{Name: "2006-01-03-margin.yaml", Content: `revolver: amendment/1
facility: btu-sovereign
id: margin-known
document: first-amendment
effective: 2006-01-03
order: 1
changes:
  - op: replace
    path: pricing.options.prime.margin
    value: 0%
    cite: first-amendment §9
`}, "officer1@bank")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.DecidePending(ctx, "b", p.ID, true, "officer2@bank", ""); err != nil {
			t.Fatal(err)
		}
		res, err := svc.CloseOfBusiness(ctx, through)
		if err != nil || len(res.Failed) != 0 || res.Posted != 7 {
			t.Fatalf("after the amendment: %+v %v, want b's 7 days posted", res, err)
		}
		if got := days("b"); got != 7 {
			t.Errorf("b has %d days of interest, want 7", got)
		}
		if bd, _ := svc.BusinessDate(ctx); bd != through+1 {
			t.Errorf("business date %s, want %s", bd, through+1)
		}
	})
}
