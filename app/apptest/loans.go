package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// loanTerms are terms with a prime option (margin 0.25%) and a Term SOFR
// option (margin 2.25%, 1 or 3 months, fixed 2 business days before the
// period starts, floor 1.00%), interest billed, Actual/360.
func loanTerms() app.Terms {
	floor := money.MustRate("1.00%")
	return app.TermsFunc(func(context.Context, string, date.Date) (app.FacilityTerms, error) {
		return app.FacilityTerms{Commitment: amt("5000000.00"), TerminationDate: d("2007-06-30"),
			Pricing: ledger.Pricing{Series: "prime", Option: "prime", Margin: money.MustRate("0.25%"), DayCount: ledger.Actual360, DayCountName: "actual_360"},
			Options: []ledger.Option{
				{ID: "prime", Base: "prime", Margin: money.MustRate("0.25%")},
				{ID: "sofr", Base: "term_sofr", Margin: money.MustRate("2.25%"), Periods: []string{"1m", "3m"}, FixingDays: 2,
					Minimum: amt("100000.00"), Multiple: amt("50000.00"), Floor: &floor},
			}, CureDays: 30, ClearanceDays: 2}, nil
	})
}

// testLoans: a prime loan and a Term SOFR loan, the latter fixed 2
// business days before its borrowing date (16 January 2006 is a holiday)
// at the floor, its period (18 January to 21 February, over the month end)
// ending by modified following; close of business accrues each at its own
// rate in one posting a day, rounded once, its memo naming each loan and
// its rate; a repayment repays the prime loan first, then the term loan;
// the same repayment back-valued into accrued days is adjusted to the
// cent; at the period's end one loan is continued by notice (3 months,
// fixed again), the other converted to prime for want of one; bad notices
// are refused, saying why, and store nothing; the interest is shown per
// loan and rate period.
func testLoans(t *testing.T, s store.Store) {
	for _, f := range []string{"early", "late"} {
		must(s.CreateFacility(ctx, store.Facility{Slug: f, Name: "Facility " + f, Created: t0})).of(t)
		c := submitted(t, s, f, d("2006-01-05"), amt("5000000.00"), 0)
		must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})).of(t)
	}
	for _, p := range []struct{ series, day, value string }{
		{"prime", "2006-01-03", "7.25%"}, {"prime", "2006-02-01", "7.50%"},
		{"term_sofr_1m", "2006-01-13", "0.80%"}, {"term_sofr_1m", "2006-01-17", "4.50%"},
		{"term_sofr_3m", "2006-02-16", "4.80%"}, {"term_sofr_3m", "2006-02-17", "4.90%"},
	} {
		ok(t, s.PutRate(ctx, p.series, ledger.RatePoint{Effective: d(p.day), Value: money.MustRate(p.value), Source: "test " + p.series}, nil))
	}
	now := t0 // 2006-01-02
	svc := &app.Service{Store: s, Terms: loanTerms(), Now: func() time.Time { return now }}
	term := map[string]int64{} // the term loan of each facility
	for _, f := range []string{"early", "late"} {
		r := must(svc.RequestAdvance(ctx, app.RequestInput{Facility: f, Key: "p", Amount: amt("100000.00"), ValueDate: d("2006-01-10"), By: "maker", Option: "prime"})).of(t)
		q := must(svc.RequestAdvance(ctx, app.RequestInput{Facility: f, Key: "s", Amount: amt("500000.00"), ValueDate: d("2006-01-18"), By: "maker", Option: "sofr", InterestPeriod: "1m"})).of(t)
		if r.Status != store.AdvanceFunded || q.Status != store.AdvanceFunded || f == "early" && (r.ID != 1 || q.ID != 2) {
			t.Fatalf("%s: requests %+v %+v, want both funded (early's: loans 1 and 2)", f, r, q)
		}
		term[f] = q.ID
	}
	repay := func(f string) store.Posted {
		tr, err := ledger.Repayment(ref(f, "repay", "2006-01-25"), amt("150000.00"))
		return post(t, s, tr, err)
	}
	repay("early")
	must(svc.CloseOfBusiness(ctx, d("2006-01-31"))).of(t)
	repay("late") // back-valued into accrued days
	must(svc.CloseOfBusiness(ctx, d("2006-02-10"))).of(t)
	now = time.Date(2006, 2, 11, 9, 0, 0, 0, time.UTC)

	interestOn := func(f string, day date.Date) ledger.Transaction {
		t.Helper()
		for _, tr := range must(s.Transactions(ctx, f)).of(t) {
			if tr.Kind == ledger.KindInterest && tr.ValueDate == day {
				return tr
			}
		}
		t.Fatalf("%s: no interest on %s", f, day)
		return ledger.Transaction{}
	}
	// 17 January: the prime loan alone, 100,000.00 × 7.50% / 360 = 20.83.
	if a := interestOn("early", d("2006-01-17")).Postings[0].Amount; a != amt("20.83") {
		t.Errorf("17 January: %s, want 20.83", a)
	}
	// 20 January: 100,000.00 × 7.50% / 360 + 500,000.00 × 3.25% / 360 =
	// 20.8333… + 45.1388… = 65.97 (rounded once).
	tr := interestOn("early", d("2006-01-20"))
	if tr.Postings[0].Amount != amt("65.97") {
		t.Errorf("20 January: %s, want 65.97", tr.Postings[0].Amount)
	}
	for _, want := range []string{"loan 1 100000.00 at 7.5% (prime: prime 7.25% on 2006-01-20 + margin 0.25%)",
		"loan 2 500000.00 at 3.25% (sofr: floor 1% above term_sofr_1m 0.8% on 2006-01-13 + margin 2.25%)", "actual_360, 1/360"} {
		if !strings.Contains(tr.Memo, want) {
			t.Errorf("memo %q lacks %q", tr.Memo, want)
		}
	}
	// From 25 January: the repayment took the prime loan (100,000.00) and
	// 50,000.00 of the term loan: 450,000.00 × 3.25% / 360 = 40.63, the
	// rate fixed through the month end though prime moved on 1 February.
	for _, day := range []string{"2006-01-25", "2006-01-31", "2006-02-01", "2006-02-10"} {
		if a := interestOn("early", d(day)).Postings[0].Amount; a != amt("40.63") {
			t.Errorf("%s: %s, want 40.63", day, a)
		}
	}
	// The back-valued repayment is adjusted: late's interest is early's.
	be := must(s.Balances(ctx, "early", d("2006-02-10"))).of(t)
	bl := must(s.Balances(ctx, "late", d("2006-02-10"))).of(t)
	if be[ledger.InterestReceivable] != bl[ledger.InterestReceivable] || be[ledger.Loans] != amt("450000.00") {
		t.Errorf("interest receivable: late %s, early %s (loans %s)", bl[ledger.InterestReceivable], be[ledger.InterestReceivable], be[ledger.Loans])
	}
	// 7 days (25–31 January) × (65.97 − 40.63) = 177.38.
	var adjusted money.Amount
	for _, tr := range must(s.Transactions(ctx, "late")).of(t) {
		if tr.Kind == ledger.KindInterestAdjustment {
			adjusted += tr.Postings[0].Amount
		}
	}
	if adjusted != -amt("177.38") {
		t.Errorf("late's adjustment %s, want -177.38", adjusted)
	}

	// Bad notices: refused, saying why, storing nothing.
	notice := func(f, key string, loan int64, kind, option, period string) (app.LoanNoticeResult, error) {
		return svc.GiveLoanNotice(ctx, app.LoanNoticeInput{Facility: f, Key: key, Loan: loan, Kind: kind, Option: option, InterestPeriod: period, By: "treasurer"})
	}
	lp, ls := term["late"]-1, term["late"]
	for _, tc := range []struct {
		loan                 int64
		kind, option, period string
		code, want           string
	}{
		{lp, "continue", "", "1m", store.CodeInvalid, "has no principal outstanding"},
		{99, "continue", "", "1m", store.CodeNotFound, `facility "late" has no loan 99`},
		{ls, "renew", "", "1m", store.CodeInvalid, `kind "renew", expected continue or convert`},
		{ls, "continue", "", "6m", store.CodeInvalid, `interest period "6m" for option sofr: expected one of 1m, 3m`},
		{ls, "continue", "", "", store.CodeInvalid, "a sofr loan needs an interest period"},
		{ls, "continue", "prime", "", store.CodeInvalid, "a continuation keeps loan " + fmt.Sprint(ls) + "'s option sofr"},
		{ls, "convert", "prime", "1m", store.CodeInvalid, `interest period "1m" for option prime: a prime loan has none`},
		{ls, "convert", "libor", "1m", store.CodeInvalid, `option "libor": expected one of the pricing options in force on 2006-02-21`},
		{ls, "convert", "sofr", "3m", store.CodeInvalid, "is already a sofr loan"},
		{1, "continue", "", "1m", store.CodeNotFound, `facility "late" has no loan 1`},
	} {
		_, err := notice("late", "bad", tc.loan, tc.kind, tc.option, tc.period)
		wantCode(t, err, tc.code)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("notice %d %s %s %s: %v, want %q", tc.loan, tc.kind, tc.option, tc.period, err, tc.want)
		}
	}
	if ns := must(svc.LoanNotices(ctx, "late")).of(t); len(ns) != 0 {
		t.Fatalf("refused notices stored: %+v", ns)
	}
	// A continuation for 3 months from 21 February (18 February is a
	// Saturday, 20 February a holiday), fixed on 16 February.
	res := must(notice("late", "cont", ls, "continue", "", "3m")).of(t)
	want := ledger.InterestPeriod{Tenor: "3m", Start: d("2006-02-21"), End: d("2006-05-22"), Fixing: d("2006-02-16")}
	if res.Notice.PeriodEnd != d("2006-02-21") || res.Next == nil || *res.Next != want || res.Loan.Principal != amt("450000.00") {
		t.Errorf("continuation = %+v (next %+v)", res, res.Next)
	}
	if again := must(notice("late", "cont", ls, "continue", "", "3m")).of(t); again.Notice.ID != res.Notice.ID {
		t.Errorf("retried notice = %+v", again)
	}
	_, err := notice("late", "cont-2", ls, "convert", "prime", "")
	wantCode(t, err, store.CodeConflict)

	must(svc.CloseOfBusiness(ctx, d("2006-02-22"))).of(t)
	// 21 February: early's loan converted to prime (7.50% + 0.25%):
	// 450,000.00 × 7.75% / 360 = 96.875 → 96.88; late's continued at 4.80%
	// + 2.25%: 450,000.00 × 7.05% / 360 = 88.125 → 88.13.
	if a := interestOn("early", d("2006-02-21")).Postings[0].Amount; a != amt("96.88") {
		t.Errorf("early 21 February: %s, want 96.88", a)
	}
	if a := interestOn("early", d("2006-02-20")).Postings[0].Amount; a != amt("40.63") {
		t.Errorf("early 20 February (the period's last day): %s, want 40.63", a)
	}
	lt := interestOn("late", d("2006-02-21"))
	if lt.Postings[0].Amount != amt("88.13") || !strings.Contains(lt.Memo, "term_sofr_3m 4.8% on 2006-02-16") {
		t.Errorf("late 21 February: %s %q, want 88.13 at term_sofr_3m fixed on 16 February", lt.Postings[0].Amount, lt.Memo)
	}

	// The interest per loan and rate period, explained.
	rep := must(svc.InterestByRatePeriod(ctx, "early", d("2006-01-10"), d("2006-02-22"))).of(t)
	var names []string
	for _, p := range rep.Loans {
		names = append(names, p.Name+" "+p.Option+" "+p.From.String()+".."+p.To.String()+" "+p.Rate.Rate.Percent()+" "+p.Interest.String())
	}
	got := strings.Join(names, "; ")
	for _, w := range []string{
		"loan 1 prime 2006-01-10..2006-01-24 7.5% 312.50",
		"loan 2 sofr 2006-01-18..2006-02-20 3.25%",
		"loan 2 prime 2006-02-21..2006-02-22 7.75% 193.75",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("loan periods %q lack %q", got, w)
		}
	}
	for _, p := range rep.Loans {
		if p.Name == "loan 2" && p.Option == "prime" && !strings.Contains(p.How, "no notice given") {
			t.Errorf("conversion explained as %q", p.How)
		}
		if b, _ := json.Marshal(p.Explain); !strings.Contains(string(b), "assumption: the Original Loan Agreement") {
			t.Errorf("%s: the explanation does not give the repayment order as an assumption: %s", p.Name, b)
		}
	}
	if !strings.Contains(rep.RepaymentOrder, "floating-rate loans first") {
		t.Errorf("repayment order %q", rep.RepaymentOrder)
	}
}

// testLoansCapitalised: with interest capitalised, the month's interest
// is a prime loan from the day after the month end, whether close of
// business runs over the month end in one run or in two (the second
// deriving the loans from the capitalisation stored by the first): both
// facilities accrue the same to the cent, and 1 February's interest is
// the term loan's at its fixed rate plus the prime loans' at prime +
// 0.25% on the principal grown by the interest capitalised.
func testLoansCapitalised(t *testing.T, s store.Store) {
	for _, f := range []string{"one", "two"} {
		must(s.CreateFacility(ctx, store.Facility{Slug: f, Name: "Facility " + f, Created: t0})).of(t)
		c := submitted(t, s, f, d("2006-01-05"), amt("5000000.00"), 0)
		must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0})).of(t)
	}
	for _, p := range []struct{ series, day, value string }{
		{"prime", "2006-01-03", "7.25%"}, {"prime", "2006-02-01", "7.50%"}, {"term_sofr_1m", "2006-01-13", "4.50%"},
	} {
		ok(t, s.PutRate(ctx, p.series, ledger.RatePoint{Effective: d(p.day), Value: money.MustRate(p.value), Source: "test"}, nil))
	}
	hold := true // the first run cannot read one's terms: it closes two alone
	capitalised := app.TermsFunc(func(c context.Context, f string, on date.Date) (app.FacilityTerms, error) {
		if f == "one" && hold {
			return app.FacilityTerms{}, fmt.Errorf("the terms of one are held back")
		}
		ft, err := loanTerms().Terms(c, f, on)
		ft.Capitalise = true
		return ft, err
	})
	svc := &app.Service{Store: s, Terms: capitalised, Now: func() time.Time { return t0 }}
	for _, f := range []string{"one", "two"} {
		hold = false
		must(svc.RequestAdvance(ctx, app.RequestInput{Facility: f, Key: "p", Amount: amt("100000.00"), ValueDate: d("2006-01-10"), By: "maker", Option: "prime"})).of(t)
		must(svc.RequestAdvance(ctx, app.RequestInput{Facility: f, Key: "s", Amount: amt("500000.00"), ValueDate: d("2006-01-18"), By: "maker", Option: "sofr", InterestPeriod: "1m"})).of(t)
	}
	// two is closed through 31 January, then through 3 February; one
	// through 3 February in one run.
	hold = true
	_, err := svc.CloseOfBusiness(ctx, d("2006-01-31"))
	wantCode(t, err, app.CodeCloseIncomplete)
	hold = false
	must(svc.CloseOfBusiness(ctx, d("2006-02-03"))).of(t)
	b1 := must(s.Balances(ctx, "one", d("2006-02-03"))).of(t)
	b2 := must(s.Balances(ctx, "two", d("2006-02-03"))).of(t)
	for _, acc := range []ledger.Account{ledger.Loans, ledger.InterestReceivable, ledger.InterestIncome} {
		if b1[acc] != b2[acc] {
			t.Errorf("%s: one run %s, two runs %s", acc, b1[acc], b2[acc])
		}
	}
	var capd money.Amount
	var feb1 ledger.Transaction
	for _, tr := range must(s.Transactions(ctx, "two")).of(t) {
		switch {
		case tr.Kind == ledger.KindCapitalise && tr.ValueDate == d("2006-01-31"):
			capd = tr.Postings[0].Amount
		case tr.Kind == ledger.KindInterest && tr.ValueDate == d("2006-02-01"):
			feb1 = tr
		}
	}
	if capd <= 0 {
		t.Fatalf("nothing capitalised on 31 January")
	}
	b := must(s.Balances(ctx, "two", d("2006-02-01"))).of(t)
	if b[ledger.Loans] != amt("600000.00")+capd {
		t.Errorf("loans on 1 February %s, want 600000.00 + %s", b[ledger.Loans], capd)
	}
	// 1 February: 500,000.00 × 6.75% / 360 + (100,000.00 + capitalised) ×
	// 7.75% / 360, rounded once.
	exact := func(p money.Amount, r string) *big.Rat {
		x := new(big.Rat).SetFrac64(int64(p), 100)
		q, _ := new(big.Rat).SetString(strings.TrimSuffix(r, "%"))
		x.Mul(x, q)
		return x.Quo(x, big.NewRat(36000, 1))
	}
	sum := new(big.Rat).Add(exact(amt("500000.00"), "6.75%"), exact(amt("100000.00")+capd, "7.75%"))
	want, _ := money.ParseAmount(sum.FloatString(2))
	if feb1.Postings[0].Amount != want || !strings.Contains(feb1.Memo, "capitalised interest 2006-01-31") {
		t.Errorf("1 February: %s %q, want %s with the capitalised interest a loan", feb1.Postings[0].Amount, feb1.Memo, want)
	}
}
