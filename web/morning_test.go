package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPortfolioStartsFromTheMorning: with a certificate submitted and not
// decided, the lender's portfolio page opens on the morning's exceptions:
// the certificate awaiting review, linked, and the officer's review
// queue; the borrower's controller sees no queues; a past as_of shows the
// portfolio without the morning.
func TestPortfolioStartsFromTheMorning(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.signIn(t, "controller@btu.example")
		mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
		l := e.signIn(t, "officer@bank.example")
		resp, body := l.get("/")
		mustStatus(t, "portfolio", resp.StatusCode, http.StatusOK)
		for _, want := range []string{"This morning:", "Certificates awaiting review (1)", `href="/facilities/btu/certificates/1"`,
			"Certificates for you to review (1)", "Approvals waiting for you", "Notices to send", "Changed since", "<h2>Facilities</h2>"} {
			if !strings.Contains(body, want) {
				t.Errorf("the lender's portfolio lacks %q", want)
			}
		}
		if i, j := strings.Index(body, "This morning:"), strings.Index(body, "<h2>Facilities</h2>"); i < 0 || j < i {
			t.Errorf("the morning does not come before the facilities")
		}
		_, past := l.get("/?as_of=2004-09-30")
		if strings.Contains(past, "This morning:") {
			t.Errorf("a past date shows the morning")
		}
		a := e.signIn(t, "admin@bank.example")
		if _, body := a.get("/"); !strings.Contains(body, "Certificates awaiting review (1)") {
			t.Errorf("the admin's portfolio lacks the certificate awaiting review")
		}
	})
}

// TestMorningFits800: in Chromium at 800 px the portfolio page with the
// morning does not scroll sideways.
func TestMorningFits800(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	b := e.signIn(t, "controller@btu.example")
	mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	base := e.srv.URL
	if err := chromedp.Do(ctx, signInActions(base, "officer@bank.example")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 1000), chromedp.Navigate(base+"/"), chromedp.WaitReady("#morning-h")); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= document.documentElement.clientWidth`))
	if err != nil || !wide {
		sw, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		t.Errorf("the page scrolls sideways at 800 px (scroll width %d, %v)", sw, err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ul.exceptions li a").length`))
	if err != nil || n == 0 {
		t.Errorf("%d linked exceptions (%v)", n, err)
	}
}
