package demo

import (
	"context"
	"fmt"
	"path"
	"time"

	"revolver/app"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// ModernSlug is the second example facility (examples/modern-abl,
// synthetic).
const ModernSlug = "modern-abl"

// modernController is the synthetic borrower's controller.
const modernController = "controller@northwind.example"

// Modern is the second example (examples/modern-abl): a synthetic facility
// of today with five months of history, from its closing on 30 June 2026
// to the business date 30 November 2026. It is loaded into a database of
// its own (`revolver demo --example modern-abl`): a database has one
// business date, and the two examples' histories are twenty years apart.
//
// The history: the closing (the closing certificate approved and the first
// base-rate advance), the prime rate and the Term SOFR series entered as
// published (synthetic values), month-end certificates from the example's
// reports as of 31 October 2026 (dates shifted, amounts scaled by month),
// submitted by the controller and approved by the officer, advances and
// collections that keep the loans at 45–65% of the borrowing base, a
// standby letter of credit, the interest and fees billed each month paid,
// the quarterly statements received 45 days after the quarter, and close
// of business every Business Day (which bills the closing fee, the
// monitoring fee monthly and the unused line and letter-of-credit fees
// quarterly).
var Modern = &Example{
	Slug: ModernSlug,
	Users: []Credential{
		{officer, "officer-demo-pass", store.RoleLenderOfficer},
		{modernController, "controller-demo-pass", store.RoleBorrower},
		{credit, "credit-demo-pass", store.RoleLenderOfficer},
		{auditor, "auditor-demo-pass", store.RoleAuditor},
		{admin, "admin-demo-pass", store.RoleLenderAdmin},
	},
	Closing:   modernClosing,
	LastDay:   modernLastDay,
	Clock:     modernLastDay.Time().Add(17 * time.Hour),
	Threshold: money.Amount(500_000_000), // 5,000,000.00
	Opening:   "the demo's history begins: the closing of the Credit Agreement (synthetic)",
	Summary:   "the synthetic modern-abl facility with five months of history (June–November 2026)",
	schedule:  (*loader).modernSchedule,
}

var (
	modernClosing = date.MustParse("2026-06-30")
	modernLastDay = date.MustParse("2026-11-30")
	// modernBase is the date of the committed reports of examples/modern-abl/data.
	modernBase = date.MustParse("2026-10-31")
)

// syntheticSource is the source the modern demo gives its rate values.
const syntheticSource = "synthetic values for the modern-abl example, not published rates"

// modernPrime is the prime rate of the modern demo (synthetic).
var modernPrime = []struct{ d, v string }{{"2026-01-02", "0.0700"}, {"2026-09-17", "0.0675"}}

// modernSchedule lays out the modern example's history.
func (l *loader) modernSchedule() error {
	for _, p := range modernPrime {
		on, h, m := l.cal.OnOrBefore(date.MustParse(p.d)), 8, 30
		if on <= l.ex.Closing {
			on, h, m = l.ex.Closing, 8, 10
		}
		rp := ledger.RatePoint{Effective: date.MustParse(p.d), Value: money.MustRate(p.v), Source: syntheticSource}
		l.on(on, h, m, admin, "prime:"+p.d, func(ctx context.Context) error {
			if err := l.svc.RecordRate(ctx, "prime", rp); err != nil {
				return err
			}
			l.res.Created++
			return nil
		})
	}
	l.termSOFR()
	// The letter of credit: a standby for the borrower's insurer.
	lc := date.MustParse("2026-08-03")
	l.on(lc, 10, 0, officer, "lc:1", func(ctx context.Context) error {
		return l.post(ctx)(ledger.LCIssue(l.ref("lc:1", lc, "standby letter of credit for the workers' compensation insurer"), money.Amount(250_000_000)))
	})
	// The closing: the closing certificate and the first advance; the
	// closing fee (billed by close of business on its due date) paid the
	// next Business Day.
	// The closing fee, charged and paid by wire at the closing (close of
	// business does not charge it again).
	cl := l.ex.Closing
	l.on(cl, 11, 0, officer, "fee:closing_fee", func(ctx context.Context) error {
		if _, err := l.svc.ChargeFee(ctx, l.ex.Slug, "closing_fee", cl, false); err != nil {
			return err
		}
		l.res.Created++
		l.res.Transactions++
		return l.post(ctx)(ledger.Payment(l.ref("closing_fee:paid", cl, "Closing fee paid by wire at the closing"), ledger.FeesReceivable, money.Amount(37_500_000)))
	})
	l.on(cl, 11, 15, officer, "fee_paid:closing_fee", func(ctx context.Context) error {
		e := defaults.Event{Kind: "fee_paid", Ref: "closing_fee", Date: cl, Note: "paid by wire at the closing"}
		return l.record(ctx, "fee_paid-closing_fee", func(in app.FactInput) (app.Recorded, error) { return l.svc.RecordOccurrence(ctx, in, e) })
	})
	l.modernCertificate(l.ex.Closing, l.ex.Closing, 8, 30, 100)
	l.modernAdvance(l.ex.Closing, l.ex.Closing, 10, 30, 0, "closing")
	// A Term SOFR loan of three months from 3 August (fixed two U.S.
	// Government Securities Business Days before), continued for one
	// month by the controller's notice before its period ends on
	// 3 November; the loans without a notice stay base-rate loans.
	sofr := date.MustParse("2026-08-03")
	var sofrLoan int64
	l.on(sofr, 9, 40, modernController, "advance:term-sofr", func(ctx context.Context) error {
		r, err := l.svc.RequestAdvance(ctx, app.RequestInput{Facility: l.ex.Slug, Key: "demo:advance:term-sofr", Amount: money.Amount(10_000_000_00),
			ValueDate: sofr, By: modernController, Option: "term_sofr", InterestPeriod: "3m"})
		if err != nil {
			return fmt.Errorf("Term SOFR advance: %w", err)
		}
		sofrLoan = r.ID
		l.res.Created++
		l.res.Advances++
		if r.Status == store.AdvanceFunded {
			l.res.Transactions++
			return nil
		}
		l.on(sofr, 10, 30, officer, "advance:term-sofr:approve", func(ctx context.Context) error {
			if _, err := l.svc.ApproveAdvance(ctx, l.ex.Slug, r.ID, officer); err != nil {
				return fmt.Errorf("approve Term SOFR advance: %w", err)
			}
			l.res.Created++
			l.res.Transactions++
			return nil
		})
		return nil
	})
	notice := date.MustParse("2026-10-28")
	l.on(notice, 10, 0, modernController, "loan-notice:term-sofr", func(ctx context.Context) error {
		if _, err := l.svc.GiveLoanNotice(ctx, app.LoanNoticeInput{Facility: l.ex.Slug, Key: "demo:loan-notice:term-sofr", Loan: sofrLoan,
			Kind: store.LoanContinue, InterestPeriod: "1m", By: modernController}); err != nil {
			return fmt.Errorf("continuing the Term SOFR loan: %w", err)
		}
		l.res.Created++
		return nil
	})
	// A FILO loan, against the last-out borrowing base of the August
	// certificate: repaid only after the first-out loans.
	filo := date.MustParse("2026-10-01")
	l.on(filo, 9, 45, modernController, "advance:filo", func(ctx context.Context) error {
		r, err := l.svc.RequestAdvance(ctx, app.RequestInput{Facility: l.ex.Slug, Key: "demo:advance:filo", Amount: money.Amount(2_000_000_00),
			ValueDate: filo, By: modernController, Tranche: ledger.TrancheLastOut})
		if err != nil {
			return fmt.Errorf("FILO advance: %w", err)
		}
		l.res.Created++
		l.res.Advances++
		if r.Status == store.AdvanceFunded {
			l.res.Transactions++
		}
		return nil
	})
	for m := 7; m <= 11; m++ {
		l.modernMonth(m)
	}
	l.modernDip()
	return l.modernStatements()
}

// modernDip is the autumn's inventory build: an advance of 19,500,000.00
// on 17 September 2026 takes excess availability (about 26,070,000.00)
// below both triggers' thresholds (the FCCR's 7,500,000.00 at once, the
// cash dominion's 9,375,000.00 from the fifth Business Day, 23
// September), and the proceeds of the season's sales repay it on
// 5 October; both trigger periods end thirty days later, on 3 November.
// The FCCR is tested at 30 September, inside its trigger period, and did
// not apply at 30 June.
func (l *loader) modernDip() {
	slug := l.ex.Slug
	dip, repay := date.MustParse("2026-09-17"), date.MustParse("2026-10-05")
	amount := money.Amount(19_500_000_00)
	l.on(dip, 9, 50, modernController, "advance:inventory-build", func(ctx context.Context) error {
		r, err := l.svc.RequestAdvance(ctx, app.RequestInput{Facility: slug, Key: "demo:advance:inventory-build", Amount: amount, ValueDate: dip, By: modernController})
		if err != nil {
			return fmt.Errorf("inventory build advance: %w", err)
		}
		l.res.Created++
		l.res.Advances++
		if r.Status == store.AdvanceFunded {
			l.res.Transactions++
			return nil
		}
		l.on(dip, 16, 0, officer, "advance:inventory-build:approve", func(ctx context.Context) error {
			if _, err := l.svc.ApproveAdvance(ctx, slug, r.ID, officer); err != nil {
				return fmt.Errorf("approve inventory build advance: %w", err)
			}
			l.res.Created++
			l.res.Transactions++
			return nil
		})
		return nil
	})
	l.on(repay, 11, 30, modernController, "repayment:inventory-build", func(ctx context.Context) error {
		return l.post(ctx)(ledger.Repayment(l.ref("repayment:inventory-build", repay, "proceeds of the season's sales"), amount))
	})
}

// termSOFR records Term SOFR 1, 3 and 6 months for every U.S. Government
// Securities Business Day of the history, at 07:00 in Chicago (synthetic
// values: a gentle decline).
func (l *loader) termSOFR() {
	start := l.ex.Closing.AddDays(-7)
	for d, i := start, 0; d < l.ex.LastDay; d++ {
		if !l.cal.IsBusinessDay(d) {
			continue
		}
		on, h, m := d, 7, 0
		if on < l.ex.Closing {
			on, h, m = l.ex.Closing, 8, 20
		}
		for _, t := range []struct {
			tenor string
			bp    int64 // hundredths of a basis point at the start
		}{{"1m", 39_500}, {"3m", 38_900}, {"6m", 37_800}} {
			v := millionths(t.bp - int64(i)*15)
			series := "term_sofr_" + t.tenor
			rp := ledger.RatePoint{Effective: d, Value: v, Source: syntheticSource}
			l.on(on, h, m, admin, series+":"+d.String(), func(ctx context.Context) error {
				if err := l.svc.RecordRate(ctx, series, rp); err != nil {
					return err
				}
				l.res.Created++
				return nil
			})
		}
		i++
	}
}

// ref is a demo transaction reference of the loader's facility.
func (l *loader) ref(key string, d date.Date, memo string) ledger.Ref {
	return ledger.Ref{Facility: l.ex.Slug, Key: "demo:" + key, ValueDate: d, Memo: memo}
}

// modernCertificate is the controller's certificate as of asOf, submitted
// on d at h:m from the example's reports shifted to asOf and scaled by
// num/100, approved by the officer an hour later.
func (l *loader) modernCertificate(asOf, d date.Date, h, m int, num int64) {
	l.certificate(certPlan{asOf: asOf, submit: d, submitAt: [2]int{h, m}, approve: d, approveAt: [2]int{h + 1, m}, by: modernController,
		comment: "reviewed against the aging, the inventory report and the appraisal",
		reports: func() (app.CertificateInput, error) {
			recv, err := ShiftReceivables(l.receivables, modernBase, asOf, num)
			if err != nil {
				return app.CertificateInput{}, err
			}
			inv, err := ShiftInventory(l.inventory, modernBase, asOf, num)
			return app.CertificateInput{
				Receivables: store.InputContent{Name: "receivables-" + asOf.String() + ".csv", Content: recv},
				Inventory:   store.InputContent{Name: "inventory-" + asOf.String() + ".csv", Content: inv}}, err
		}})
}

// modernAdvance is the controller's advance on vd at h:m bringing the loans
// to 45–65% of the borrowing base of the certificate as of asOf, net of
// letters of credit, in multiples of 500,000.00; one above the threshold
// waits for the officer until 16:00.
func (l *loader) modernAdvance(asOf, vd date.Date, h, m, n int, label string) {
	l.advance(advancePlan{asOf: asOf, vd: vd, at: [2]int{h, m}, approveAt: [2]int{16, 0}, by: modernController, label: label,
		share: int64(45 + n*7%21), unit: money.Amount(500_000_00)})
}

// modernMonth is month mon of 2026: on its first Business Day the interest
// and fees billed are paid; collections on the 8th; the certificate as of
// the month before's end on the 12th, approved an hour later; an advance
// the next Business Day.
func (l *loader) modernMonth(mon int) {
	slug := l.ex.Slug
	first := date.FromTime(time.Date(2026, time.Month(mon), 1, 0, 0, 0, 0, time.UTC))
	me := first.AddDays(-1)
	label := fmt.Sprintf("2026-%02d", mon)

	pay := l.cal.OnOrAfter(first)
	l.on(pay, 10, 0, officer, "interest-and-fees:"+label, func(ctx context.Context) error {
		bal, err := l.st.Balances(l.ctx, slug, me)
		if err != nil {
			return err
		}
		for _, a := range []struct {
			acct ledger.Account
			what string
		}{{ledger.InterestReceivable, "interest"}, {ledger.FeesReceivable, "fees"}} {
			if due := bal[a.acct]; due > 0 {
				if err := l.post(ctx)(ledger.Payment(l.ref(a.what+":"+me.String(), pay, a.what+" billed through "+me.String()+", paid by wire"), a.acct, due)); err != nil {
					return err
				}
			}
		}
		return nil
	})

	collect := l.cal.OnOrAfter(first.AddDays(7))
	l.on(collect, 11, 0, modernController, "repayment:"+label, func(ctx context.Context) error {
		bal, err := l.st.Balances(l.ctx, slug, collect)
		if err != nil {
			return err
		}
		rep := money.Amount(int64(bal[ledger.Loans]) * int64(10+mon%5) / 100 / 100_000 * 100_000)
		if rep <= 0 {
			return nil
		}
		return l.post(ctx)(ledger.Repayment(l.ref("repayment:"+label, collect, "collections"), rep))
	})
	if me <= l.ex.Closing {
		return
	}
	submit := l.cal.OnOrAfter(first.AddDays(11))
	if submit >= l.ex.LastDay {
		return
	}
	l.modernCertificate(me, submit, 10, 0, 96+int64(mon*5%9))
	if vd := l.cal.Next(submit); vd < l.ex.LastDay {
		l.modernAdvance(me, vd, 9, 30, mon, label)
	}
}

// modernStatements schedules the quarterly statements on the day they are
// received, 45 days after the quarter.
func (l *loader) modernStatements() error {
	b, err := l.read("data/financials.csv")
	if err != nil {
		return err
	}
	sts, err := covenant.ReadStatements(path.Base("data/financials.csv"), b)
	if err != nil {
		return err
	}
	for _, st := range sts {
		on := l.cal.OnOrAfter(st.PeriodEnd.AddDays(45))
		if on <= l.ex.Closing {
			// Delivered before the closing (a condition of it): recorded
			// on the closing day.
			on = l.ex.Closing
		}
		if on >= l.ex.LastDay {
			continue
		}
		l.on(on, 16, 0, modernController, "statements:"+st.PeriodEnd.String(), func(ctx context.Context) error {
			if _, _, err := l.svc.AddStatements(ctx, l.ex.Slug, []covenant.Statement{st}, modernController); err != nil {
				return fmt.Errorf("statements for %s: %w", st.PeriodEnd, err)
			}
			l.res.Created++
			return nil
		})
	}
	return nil
}

// millionths is the rate n/1,000,000 (39500: 3.95%).
func millionths(n int64) money.Rate {
	return money.MustRate(fmt.Sprintf("%d.%06d", n/1_000_000, n%1_000_000))
}
