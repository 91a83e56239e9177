package demo

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/testdb"
)

// The second, synthetic example loads its five months through the same use
// cases on both stores: the certificates with the lesser of cost and NOLV
// and the dilution reserve, the fees close of business bills (none for the
// days before the agreement, the monitoring fee from the first whole
// month), the letter of credit deducted from availability; loading twice
// stores nothing.
func TestModernExample(t *testing.T) {
	for _, b := range testdb.Backends {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			r1, err := LoadExample(ctx, st, Modern, nil)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if r1.Certificates != 5 || r1.Advances < 3 {
				t.Fatalf("load: %+v", r1)
			}
			if r2, err := LoadExample(ctx, st, Modern, nil); err != nil || r2.Created != 0 {
				t.Fatalf("second load: %+v %v", r2, err)
			}
			bd, err := st.BusinessDate(ctx)
			if err != nil || bd.Date != Modern.LastDay {
				t.Errorf("business date %+v %v, want %s", bd, err, Modern.LastDay)
			}
			certs, err := st.Certificates(ctx, ModernSlug)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range certs {
				if c.Status != store.Approved {
					t.Errorf("certificate %s: %s", c.AsOf, c.Status)
				}
			}
			last, err := st.Certificate(ctx, certs[len(certs)-1].ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []string{`"advance_at_cost"`, `"nolv":{"rate":"0.71"`, `"reserves":{"dilution":`} {
				if !strings.Contains(string(last.Body), w) {
					t.Errorf("certificate %s does not show %s: %s", last.AsOf, w, last.Body)
				}
			}
			txs, err := st.Transactions(ctx, ModernSlug)
			if err != nil {
				t.Fatal(err)
			}
			// Each loan at its own rate: the Term SOFR loan fixed two U.S.
			// Government Securities Business Days before its period, then
			// continued for a month; the margins from the grid's level;
			// the FILO loan's own accrual.
			memos0 := map[string]string{}
			for _, tx := range txs {
				memos0[tx.Key] = tx.Memo
			}
			for key, want := range map[string]string{
				"interest:2026-08-03": "loan 2 10000000.00 at 5.3495% (term_sofr: term_sofr_3m 3.8495% on 2026-07-30 + margin 1.5%); margin level_ii 1.5% (the initial level",
				"interest:2026-11-05": "(term_sofr: term_sofr_1m 3.8135% on 2026-10-30 + margin 1.5%); margin level_ii 1.5% (average excess availability",
			} {
				if !strings.Contains(memos0[key], want) {
					t.Errorf("%s: %q\nwant it to contain %q", key, memos0[key], want)
				}
			}
			if memos0["interest-last-out:2026-10-15"] == "" {
				t.Errorf("no last-out accrual on 2026-10-15")
			}
			fees := map[string]money.Amount{}
			memos := map[string]string{}
			for _, tx := range txs {
				if tx.Kind != ledger.KindFee {
					continue
				}
				for _, p := range tx.Postings {
					if p.Account == ledger.FeesReceivable {
						fees[tx.Key] += p.Amount
					}
				}
				memos[tx.Key] = tx.Memo
			}
			for key, want := range map[string]string{
				"fee:closing_fee":                          "375000.00",
				"fee:unused_line_fee:2026-06-30":           "541.67",   // 0.375% × 52,000,000.00 unused × 1/360: one day in force
				"fee:unused_line_fee:2026-09-30":           "43479.51", // with the Term SOFR and FILO loans and the inventory build (0.375% × 45,369,923.91 average unused × 92/360)
				"fee:lc_fee:2026-09-30":                    "6145.83",  // 1.5% × 1,603,260.87 × 92/360
				"fee:collateral_monitoring_fee:2026-07-31": "2500.00",
				"fee:collateral_monitoring_fee:2026-10-31": "2500.00",
			} {
				if got := fees[key].String(); got != want {
					t.Errorf("%s = %s, want %s (%s)", key, got, want, memos[key])
				}
			}
			if _, ok := fees["fee:collateral_monitoring_fee:2026-06-30"]; ok {
				t.Errorf("a monitoring fee for June, a month the agreement was in force one day of: %s", memos["fee:collateral_monitoring_fee:2026-06-30"])
			}
			svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: func() time.Time { return Modern.Clock }}
			// The certificates and statements delivered are the reports
			// delivered (reporting.delivered_by); nothing falls due before
			// the agreement; the closing fee was paid at the closing.
			rep, err := svc.DefaultsReport(app.WithActor(ctx, app.Actor{User: officer, Role: store.RoleLenderOfficer}), ModernSlug, Modern.LastDay)
			if err != nil {
				t.Fatal(err)
			}
			var met int
			for _, d := range rep.Deadlines {
				switch {
				case d.Status == defaults.StatusOverdue || d.Status == defaults.StatusLate:
					t.Errorf("deadline %s %s: %s (%s)", d.ID, d.Status, d.Reason, d.Rule)
				case d.Due < Modern.Closing:
					t.Errorf("deadline %s due %s, before the agreement", d.ID, d.Due)
				case d.Status == defaults.StatusMet:
					met++
				}
			}
			if met < 2 {
				t.Errorf("%d deadlines met: %+v", met, rep.Deadlines)
			}
			// As known before the October certificate was submitted (on 12
			// November at 10:00 in Chicago), its report is still to come.
			before := time.Date(2026, 11, 12, 15, 0, 0, 0, time.UTC)
			then, err := svc.DefaultsReportAt(app.WithActor(ctx, app.Actor{User: officer, Role: store.RoleLenderOfficer}), ModernSlug, date.MustParse("2026-11-12"), before)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range then.Deadlines {
				if d.ID == "report:borrowing_base_certificate:2026-10-31" && d.Status != defaults.StatusComing {
					t.Errorf("as known at %v: %s %s", before, d.ID, d.Status)
				}
			}
			for _, d := range rep.Deadlines {
				if d.ID == "report:borrowing_base_certificate:2026-10-31" && d.Status != defaults.StatusMet {
					t.Errorf("as known now: %s %s", d.ID, d.Status)
				}
			}
			av, err := svc.Availability(app.WithActor(ctx, app.Actor{User: officer, Role: store.RoleLenderOfficer}), ModernSlug, Modern.LastDay, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			// Letters of credit are deducted from availability, not from
			// the borrowing base.
			if !av.Determined || av.BorrowingBase != av.CertificateBase || av.Available != av.Limit-money.Amount(250_000_000)-av.LoansOutstanding || av.LoansOutstanding <= 0 {
				t.Errorf("availability: %+v", av.Availability)
			}
			// The inventory build of September (modernDip): close of
			// business recorded a Covenant Trigger Period from its first
			// day and a Cash Dominion Period from its fifth Business Day,
			// both ended thirty days after the repayment; the FCCR
			// applies at 30 September, inside its period, and did not
			// apply at 30 June.
			octx := app.WithActor(ctx, app.Actor{User: officer, Role: store.RoleLenderOfficer})
			ps, err := svc.DominionPeriods(octx, ModernSlug, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				end := "…"
				if p.End != nil {
					end = p.End.String()
				}
				got = append(got, p.Kind+" "+p.Start.String()+".."+end)
			}
			if want := "covenant_trigger 2026-09-17..2026-11-03; cash_dominion 2026-09-23..2026-11-03"; strings.Join(got, "; ") != want {
				t.Errorf("trigger periods: %s, want %s", strings.Join(got, "; "), want)
			}
			inSept, err := svc.DominionPeriods(octx, ModernSlug, time.Date(2026, 9, 30, 23, 0, 0, 0, time.UTC))
			if err != nil || len(inSept) != 2 || inSept[0].End != nil || inSept[1].End != nil {
				t.Errorf("trigger periods as known at the end of September: %+v %v", inSept, err)
			}
			cov, err := svc.Covenants(octx, ModernSlug, store.Everything, func(d date.Date) (*agreement.Terms, error) {
				return svc.Terms.(*app.StoredTerms).TermsAsOf(ctx, ModernSlug, d)
			})
			if err != nil {
				t.Fatal(err)
			}
			results := map[string]string{}
			for _, tt := range cov.Tests {
				if tt.Covenant == "fixed_charge_coverage_ratio" {
					results[tt.PeriodEnd.String()] = tt.Result + " " + tt.Actual.String()
					if tt.Result == covenant.NotApplicable && !strings.Contains(tt.Reason, "none was in effect on 2026-06-30") {
						t.Errorf("not applicable without why: %q", tt.Reason)
					}
				}
			}
			if got, want := fmt.Sprint(results), "map[2026-06-30:not_applicable 1.2016 2026-09-30:pass 1.0159]"; got != want {
				t.Errorf("FCCR tests %s, want %s", got, want)
			}
		})
	}
}
