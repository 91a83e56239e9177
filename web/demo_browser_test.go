package web

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDemoScreens takes screenshots of a running `revolver demo` (set
// REVOLVER_DEMO_URL, e.g. http://127.0.0.1:8080) as the lender and the
// borrower on a date inside the demo's history.
func TestDemoScreens(t *testing.T) {
	base := os.Getenv("REVOLVER_DEMO_URL")
	if base == "" {
		t.Skip("set REVOLVER_DEMO_URL to the address of a running `revolver demo`")
	}
	ctx := browser(t)
	dir := screenshots(t)
	const f = "/facilities/btu-sovereign"
	const on = "2006-12-29"
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/sign-in"),
		chromedp.WaitVisible(chromedp.ID(`email`)),
		chromedp.SendKeys(chromedp.ID(`email`), "officer@lender.example"),
		chromedp.SendKeys(chromedp.ID(`password`), "officer-demo-pass"),
		chromedp.Submit(chromedp.ID(`password`)),
		chromedp.WaitVisible(chromedp.CSS(`.signout`)),
	}
	for _, p := range []struct{ name, path string }{
		{"demo-01-portfolio", "/?as_of=" + on},
		{"demo-02-facility", f + "?as_of=" + on},
		{"demo-03-certificates", f + "/certificates"},
		{"demo-04-loans", f + "/loans?as_of=" + on + "&from=2006-10-01"},
		{"demo-05-covenants", f + "/covenants?as_known_on=" + on},
		{"demo-06-calendar", f + "/calendar?as_of=" + on},
		{"demo-07-field-exams", f + "/field-exams"},
		{"demo-08-terms", f + "/terms"},
	} {
		steps = append(steps, chromedp.Navigate(base+p.path), waitText("h1", ""), shot(t, dir, p.name))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}
