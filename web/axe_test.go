package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeViolation is one rule axe-core found broken on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// TestAccessibility runs axe-core (REVOLVER_AXE_JS names its axe.min.js,
// from the axe-core package; CI installs it) in Chromium on every page of
// a facility as the borrower and as a lender officer, with the forms and
// the As known at control shown: no serious or critical violation of
// WCAG 2.1 A and AA.
func TestAccessibility(t *testing.T) {
	src := os.Getenv("REVOLVER_AXE_JS")
	if src == "" {
		t.Skip("set REVOLVER_AXE_JS to axe-core's axe.min.js (npm install axe-core) to run the accessibility checks")
	}
	axe, err := os.ReadFile(src)
	if err != nil {
		t.Fatalf("REVOLVER_AXE_JS: %v", err)
	}
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := browser(t)
		approvedCertificate(t, e)
		filo := lastOutFacility(t, e)
		if _, err := e.web.svc.ImportCash(context.Background(), "btu", "lockbox.bai", []byte(cashBAI)); err != nil {
			t.Fatal(err)
		}
		dominionFacility(t, e)
		letterOfCredit(t, e) // letters_test.go: a letter of credit with its forms on the loans page
		base := e.srv.URL
		pages := []string{"/", "/facilities/btu", "/facilities/btu?as_of=2004-10-04&known=given&known_at=2004-10-05+12:00",
			"/facilities/btu/loans", "/facilities/btu/covenants", "/facilities/btu/certificates", "/facilities/btu/certificates/1",
			"/facilities/btu/terms", "/facilities/btu/calendar", "/facilities/btu/collateral", "/facilities/btu/field-exams", "/facilities/btu/trends", "/facilities/btu/statements/2004-10", "/facilities/btu/cash?file=1", "/facilities/btu/report-maps", "/rates?series=prime", "/inbox", "/preferences", "/password"}
		notifyFixture(t, e) // notify_test.go: an inbox entry, a webhook and its delivery log
		for _, user := range []string{"controller@btu.example", "officer@bank.example", "admin@bank.example"} {
			pages := pages
			if user == "admin@bank.example" {
				pages = []string{"/inbox", "/preferences", "/webhooks", "/users", "/password"}
			}
			if err := chromedp.Do(ctx, signInActions(base, user)); err != nil {
				t.Fatalf("sign in %s: %v", user, err)
			}
			check := func(p string) { axeCheck(t, ctx, axe, user, p) }
			for _, p := range pages {
				if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitReady("body")); err != nil {
					t.Fatalf("%s %s: %v", user, p, err)
				}
				check(p)
			}
			if user == "officer@bank.example" {
				// The calendar page's forms of the events of default: a
				// record refused beside its field, then the default
				// recorded with its notice and waiver forms opened.
				if err := chromedp.Do(ctx, chromedp.Navigate(base+"/facilities/btu/calendar"), chromedp.WaitReady("#r-event"),
					chromedp.SetValue("#r-event", "dissolution"), chromedp.SendKeys("#r-occurred", "2004-13-40"), chromedp.SendKeys("#r-description", "dissolution resolved"),
					chromedp.Click("#record-default"), chromedp.WaitReady("#r-occurred-err")); err != nil {
					t.Fatalf("record a default refused: %v", err)
				}
				check("the calendar page with a refused event of default")
				if err := chromedp.Do(ctx, chromedp.SetValue("#r-occurred", "2004-10-04"), chromedp.Click("#record-default"), chromedp.WaitReady(".eod-waiver")); err != nil {
					t.Fatalf("record a default: %v", err)
				}
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll("details").forEach(d => d.open = true); true`)); err != nil {
					t.Fatal(err)
				}
				check("the calendar page with an event of default and its forms")
			}
			if user == "controller@btu.example" {
				// The report formats page with a preview shown, then with
				// a refused file's problems next to its box.
				for _, f := range []struct{ file, wait string }{{"qb-aging.csv", "#preview-rows-receivables"}, {"qb-aging-bad-subtotal.csv", "#errors-receivables"}} {
					path, err := filepath.Abs(filepath.Join("..", "collateral", "testdata", "layout", f.file))
					if err != nil {
						t.Fatal(err)
					}
					if err := chromedp.Do(ctx, chromedp.Navigate(base+"/facilities/btu/report-maps"), chromedp.WaitReady("#file_receivables"),
						chromedp.SetUploadFiles("#file_receivables", []string{path}),
						chromedp.SendKeys("#columns_receivables", "debtor_id=Name, invoice_no=Num, invoice_date=Date, due_date=Due Date, amount=Open Balance"),
						chromedp.SetValue("#date_format_receivables", "MM/DD/YYYY"), chromedp.SendKeys("#defaults_receivables", "currency=USD, disputed=false"),
						chromedp.Click("#preview-receivables"), chromedp.WaitReady(f.wait)); err != nil {
						t.Fatalf("preview %s: %v", f.file, err)
					}
					check("the report formats page with " + f.file)
				}
			}
			if user == "officer@bank.example" {
				// A facility with a last-out tranche: the components and
				// the tranches of its certificate, availability per tranche.
				for _, p := range []string{"/facilities/filo", fmt.Sprintf("/facilities/filo/certificates/%d", filo), "/facilities/filo/loans", "/facilities/modern?as_of=2026-10-01"} {
					wait := "#tranches"
					if strings.HasSuffix(p, "/loans") {
						wait = "#tranche"
					}
					if strings.HasPrefix(p, "/facilities/modern") {
						wait = "#dominion" // the trigger periods
					}
					if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitReady(wait)); err != nil {
						t.Fatalf("%s %s: %v", user, p, err)
					}
					check(p)
				}
				// A draft's preview, uploaded from the terms page.
				draft := filepath.Join(t.TempDir(), "second-amendment.yaml")
				if err := os.WriteFile(draft, []byte(webDraft), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := chromedp.Do(ctx, chromedp.Navigate(base+"/facilities/btu/terms"), chromedp.WaitReady("#draft-file"),
					chromedp.SetUploadFiles("#draft-file", []string{draft}), chromedp.SendKeys("#draft-asof", "2004-10-15"),
					chromedp.Click("#preview-draft"), chromedp.WaitReady("#ask-amendment")); err != nil {
					t.Fatalf("preview a draft: %v", err)
				}
				check("the preview of a draft")
			}
			if err := chromedp.Do(ctx, signOut); err != nil {
				t.Fatalf("sign out %s: %v", user, err)
			}
		}
	})
}
