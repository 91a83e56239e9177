package apptest

import (
	"context"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// testElections: a borrowing request elects a pricing option, by default
// the terms' first, stored with the request; a term-rate loan names an
// interest period the terms allow and keeps to the minimum and the
// multiple, and is funded as such (close of business accrues each loan at
// its own rate: loans.go).
func testElections(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	c := submitted(t, s, "f", d("2006-01-31"), amt("5000000.00"), 0)
	must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})).of(t)
	base := terms(amt("5000000.00"), nil)
	withOptions := app.TermsFunc(func(ctx context.Context, f string, on date.Date) (app.FacilityTerms, error) {
		ft, err := base.Terms(ctx, f, on)
		ft.Options = []ledger.Option{
			{ID: "prime", Base: "prime", Margin: money.MustRate("0.25%")},
			{ID: "sofr", Base: "term_sofr", Margin: money.MustRate("2.25%"), Periods: []string{"1m", "3m"}, FixingDays: 2,
				Minimum: amt("500000.00"), Multiple: amt("100000.00")},
		}
		return ft, err
	})
	svc := &app.Service{Store: s, Terms: withOptions, Now: func() time.Time { return t0 }}
	vd := d("2006-02-10")
	in := func(key, amount, option, period string) app.RequestInput {
		return app.RequestInput{Facility: "f", Key: key, Amount: amt(amount), ValueDate: vd, By: "maker", Option: option, InterestPeriod: period}
	}
	r := must(svc.RequestAdvance(ctx, in("p", "10000.00", "", ""))).of(t)
	if r.Option != "prime" || r.InterestPeriod != "" {
		t.Errorf("default election = %q %q, want prime", r.Option, r.InterestPeriod)
	}
	r = must(svc.RequestAdvance(ctx, in("q", "20000.00", "prime", ""))).of(t)
	if r.Option != "prime" {
		t.Errorf("prime election = %q", r.Option)
	}
	stored := must(s.AdvanceRequests(ctx, "f")).of(t)
	if len(stored) != 2 || stored[0].Option != "prime" || stored[1].Option != "prime" {
		t.Errorf("stored elections = %+v", stored)
	}
	if again := must(svc.RequestAdvance(ctx, in("q", "20000.00", "prime", ""))).of(t); again.ID != r.ID {
		t.Errorf("retry = %+v", again)
	}
	// A valid term-rate election is accepted (above the facility's
	// maker-checker threshold it waits for approval), its election stored.
	sofr := must(svc.RequestAdvance(ctx, in("s", "600000.00", "sofr", "3m"))).of(t)
	if sofr.Status != store.AdvanceRequested || sofr.Option != "sofr" || sofr.InterestPeriod != "3m" {
		t.Errorf("term election = %+v, want requested sofr 3m", sofr)
	}
	for _, tc := range []struct {
		amount, option, period, want string
	}{
		{"550000.00", "sofr", "1m", "whole multiple of 100000.00"},
		{"400000.00", "sofr", "1m", "the minimum is 500000.00"},
		{"600000.00", "sofr", "6m", `interest period "6m" for option sofr: expected one of 1m, 3m`},
		{"600000.00", "sofr", "", "needs an interest period"},
		{"600000.00", "prime", "1m", "has none"},
		{"600000.00", "libor", "1m", `option "libor": expected one of the terms' pricing options prime, sofr`},
	} {
		_, err := svc.RequestAdvance(ctx, in("bad-"+tc.option+tc.period+tc.amount, tc.amount, tc.option, tc.period))
		wantCode(t, err, store.CodeInvalid)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s %s: %v, want %q", tc.amount, tc.option, tc.period, err, tc.want)
		}
	}
	if n := len(must(s.AdvanceRequests(ctx, "f")).of(t)); n != 3 {
		t.Errorf("%d requests stored, want the 3 accepted", n)
	}
}
