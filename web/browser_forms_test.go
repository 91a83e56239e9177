package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"revolver/app"
	"revolver/auth"
	"revolver/date"
)

// TestBrowserFormsAndKnownAt: in a browser, on SQLite and on PostgreSQL,
// the officer asks on the loans page for a back-valued repayment with its
// reason and signs out (the session then opens no page); the admin, the
// second lender, approves it and the ledger shows the correction; on the
// overview the As known at control, set to a time before the
// certificate's approval, shows both availability figures and why.
func TestBrowserFormsAndKnownAt(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := browser(t)
		dir := screenshots(t)
		approvedCertificate(t, e)
		// A back-valued advance, funded, for the repayment to correct.
		r, err := e.web.svc.RequestAdvance(e.as(t, "officer@bank.example"), app.RequestInput{Facility: "btu", Key: "adv", Amount: 1_000_000,
			ValueDate: date.MustParse("2004-10-04"), By: "officer@bank.example", Reason: "wire not booked"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.web.svc.ApproveAdvance(e.as(t, "admin@bank.example"), "btu", r.ID, "admin@bank.example"); err != nil {
			t.Fatal(err)
		}
		base := e.srv.URL
		run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			for i, a := range actions {
				if err := chromedp.Do(ctx, a); err != nil {
					url, _ := chromedp.Run(ctx, chromedp.Location())
					body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"), chromedp.AtLeast(0)))
					t.Fatalf("%s, step %d of %d: %v (at %s: %.600s)", what, i+1, len(actions), err, url, body)
				}
			}
		}
		run("the officer asks for a correction", signInActions(base, "officer@bank.example"),
			chromedp.Navigate(base+"/facilities/btu/loans"),
			chromedp.WaitVisible(chromedp.ID(`request-correction`)),
			chromedp.Click(chromedp.ID(`corr-repayment`)),
			chromedp.SendKeys(chromedp.ID(`corr-amount`), "2500.00"),
			chromedp.SetValue(chromedp.ID(`corr-value-date`), "2004-10-04"),
			chromedp.SendKeys(chromedp.ID(`corr-reason`), "receipt of 2004-10-04 not booked"),
			chromedp.Click(chromedp.ID(`request-correction`)),
			waitText(".flash", "waits for a second lender"),
			waitText("#corrections", "you asked for it: a second lender decides"),
			shot(t, dir, "20-loans-correction-asked"),
		)
		cookies, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
		if err != nil || strings.Contains(cookies, auth.SessionCookie) {
			t.Errorf("the session cookie is readable by scripts: %q %v", cookies, err)
		}
		run("the officer signs out", signOut,
			chromedp.Navigate(base+"/facilities/btu/loans"), chromedp.WaitVisible(chromedp.ID(`email`)))
		if recs := e.auditOf(t, "web POST /sign-out"); len(recs) != 1 || recs[0].Actor != "officer@bank.example" || recs[0].Action != "sign_out" {
			t.Errorf("the sign-out's audit records: %+v", recs)
		}
		run("the admin approves it", signInActions(base, "admin@bank.example"),
			chromedp.Navigate(base+"/facilities/btu/loans"),
			chromedp.Click(chromedp.ID(`approve-correction-1`)),
			waitText(".flash", "the repayment is posted"),
			waitText("table.ledger", "correction: receipt of 2004-10-04 not booked"),
			shot(t, dir, "21-loans-correction-approved"),
		)
		cs, err := e.web.svc.RepaymentCorrections(context.Background(), "btu")
		if err != nil || len(cs) != 1 || cs[0].DecidedBy != "admin@bank.example" {
			t.Errorf("corrections after the approval: %+v %v", cs, err)
		}
		run("the admin asks the overview as known before the approval",
			chromedp.Navigate(base+"/facilities/btu?as_of=2004-10-04"),
			chromedp.WaitVisible(chromedp.ID(`known-given`)),
			chromedp.Click(chromedp.ID(`known-given`)),
			chromedp.SendKeys(chromedp.ID(`known_at`), "2004-10-05 12:00"),
			chromedp.Submit(chromedp.ID(`known_at`)),
			waitText("#hindsight", "a later certificate, 1 as of 2004-10-03, approved 2004-10-05 14:00 UTC"),
			waitText("#avail-then", "undetermined"),
			shot(t, dir, "22-facility-known-then"),
		)
		checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("known-given").checked && document.querySelector("fieldset.known-at legend").textContent === "As known at"`))
		if err != nil || !checked {
			t.Errorf("the control does not keep the choice in its fieldset: %v %v", checked, err)
		}
	})
}
