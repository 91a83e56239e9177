package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"revolver/store"
)

// trendCertificates uploads and approves three certificates of the
// example facility (2004-10-03, -04, -05), the later agings without every
// fifth, then every fourth, invoice.
func trendCertificates(t *testing.T, e *env) {
	t.Helper()
	b := e.signIn(t, "controller@btu.example")
	o := e.signIn(t, "officer@bank.example")
	for i, c := range []struct {
		asOf string
		drop int
	}{{"2004-10-03", 0}, {"2004-10-04", 5}, {"2004-10-05", 4}} {
		files := e.exampleUpload()
		if c.drop > 0 {
			lines := strings.Split(strings.TrimRight(files["receivables"][1], "\n"), "\n")
			keep := []string{lines[0]}
			for j := 1; j < len(lines); j++ {
				if j%c.drop != 0 {
					keep = append(keep, lines[j])
				}
			}
			files["receivables"] = [2]string{"receivables.csv", strings.Join(keep, "\n") + "\n"}
		}
		mustStatus(t, "upload "+c.asOf, b.upload("btu", c.asOf, files).StatusCode, http.StatusSeeOther)
		mustStatus(t, "approve "+c.asOf, o.post(fmt.Sprintf("/facilities/btu/certificates/%d/approve", i+1), url.Values{"idempotency_key": {"t" + c.asOf}}).StatusCode, http.StatusSeeOther)
	}
}

// TestTrendsPage: the trends page charts and tables the three
// certificates, every figure linked to its certificate's line, dilution
// and DSO shown as not measured; each table exports as CSV; the aging
// migration of the last two is shown and exports its invoices.
func TestTrendsPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		trendCertificates(t, e)
		o := e.signIn(t, "officer@bank.example")
		resp, page := o.get("/facilities/btu/trends")
		mustStatus(t, "trends", resp.StatusCode, http.StatusOK)
		for _, want := range []string{
			`aria-current="page">Trends<`, `<svg class="chart"`, `<caption>Receivables and borrowing base by certificate</caption>`,
			`<caption>Aging buckets (Σ = gross)</caption>`, `<caption>Top 10 debtors and concentration</caption>`,
			`<th scope="col">Gross</th>`, `<th scope="row"><a href="/facilities/btu/certificates/3"`,
			`href="/facilities/btu/certificates/3/lines/receivables.gross" title="Gross receivables: certificate 3 as of 2004-10-05, line receivables.gross"`,
			`/lines/receivables.ineligible.past_due"`, "not measured", `href="/facilities/btu/trends.csv?table=aging"`,
			`<option value="2" selected>2004-10-04 (certificate 2)</option>`, `<option value="3" selected>2004-10-05 (certificate 3)</option>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("trends page lacks %q", want)
			}
		}
		if n := strings.Count(page, `<svg class="chart"`); n != 4 {
			t.Errorf("%d charts, want 4", n)
		}
		resp, page = o.get("/facilities/btu/trends?from=2&to=3")
		mustStatus(t, "migration", resp.StatusCode, http.StatusOK)
		for _, want := range []string{`Aging migration from certificate 2 (2004-10-04) to 3 (2004-10-05)`, `table=migration_invoices&amp;from=2&amp;to=3`,
			`<th scope="row">New invoices</th>`, `href="/facilities/btu/trends.csv?table=migration&amp;from=2&amp;to=3"`} {
			if !strings.Contains(page, want) {
				t.Errorf("migration lacks %q", want)
			}
		}
		for _, id := range []string{"collateral", "ineligible", "aging", "concentration"} {
			resp, body := o.get("/facilities/btu/trends.csv?table=" + id)
			mustStatus(t, id+" CSV", resp.StatusCode, http.StatusOK)
			if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(body, "As of,Certificate,") || strings.Count(body, "\n2004-10-0") < 3 {
				t.Errorf("%s CSV (%s):\n%s", id, ct, body)
			}
		}
		resp, body := o.get("/facilities/btu/trends.csv?table=migration_invoices&from=1&to=3")
		mustStatus(t, "migration CSV", resp.StatusCode, http.StatusOK)
		if !strings.HasPrefix(body, "Invoice,Debtor,") || strings.Count(body, "\n") != 1201 {
			t.Errorf("migration invoices: %d lines, want 1201 (header and the 1,200 invoices of the first aging)", strings.Count(body, "\n"))
		}
		resp, _ = o.get("/facilities/btu/trends.csv?table=nothing")
		mustStatus(t, "unknown table", resp.StatusCode, http.StatusBadRequest)
		resp, page = o.get("/facilities/btu/trends?from=3&to=1")
		mustStatus(t, "migration backwards", resp.StatusCode, http.StatusBadRequest)
		if !strings.Contains(page, "the first must be as of an earlier date") {
			t.Errorf("backwards migration: the page does not say why")
		}
		// As known before any approval: no point.
		resp, page = o.get("/facilities/btu/trends?known=given&known_at=2004-01-01+12:00")
		mustStatus(t, "trends then", resp.StatusCode, http.StatusOK)
		if !strings.Contains(page, "No certificate was in force") {
			t.Errorf("trends as known before any certificate: no empty state")
		}
	})
}

// TestTrendsPageBrowser: in Chromium at 800 px the trends page does not
// scroll sideways (its tables scroll inside themselves), draws its four
// charts, each point titled with its certificate, and each table has its
// caption and headers.
func TestTrendsPageBrowser(t *testing.T) {
	e := newEnv(t)
	trendCertificates(t, e)
	ctx := browser(t)
	base := e.srv.URL
	if err := chromedp.Do(ctx, signInActions(base, "officer@bank.example")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 1000), chromedp.Navigate(base+"/facilities/btu/trends?from=1&to=3"), chromedp.WaitVisible(chromedp.CSS("svg.chart"))); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= document.documentElement.clientWidth`))
	if err != nil || !wide {
		sw, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		t.Errorf("the page scrolls sideways at 800 px (scroll width %d, %v)", sw, err)
	}
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart").length`))
	if err != nil || charts != 4 {
		t.Errorf("%d charts (%v), want 4", charts, err)
	}
	title, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("svg.chart circle title").textContent`))
	if err != nil || !strings.Contains(title, "certificate 1") || !strings.Contains(title, "2004-10-03") {
		t.Errorf("first point's title %q (%v): want its date and certificate", title, err)
	}
	tables, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("table.trends")].filter(t => t.caption && t.querySelector("th[scope=col]") && t.querySelector("th[scope=row]")).length`))
	if err != nil || tables != 5 {
		t.Errorf("%d tables with caption and headers (%v), want 5 (four charts and the migration)", tables, err)
	}
}

// BenchmarkTrends36: the trends page of a facility with 36 approved
// certificates (the example reports, one a day), after the first request
// has stored every certificate's summary. Target: ≤ 100 ms server time.
func BenchmarkTrends36(b *testing.B) {
	e := newEnv(b)
	e.setClock(testNow.AddDate(0, 2, 0))
	br := e.signIn(b, "controller@btu.example")
	l := e.signIn(b, "admin@bank.example")
	first := testNow.AddDate(0, 0, -2)
	for i := range 36 {
		asOf := first.AddDate(0, 0, i).Format("2006-01-02")
		if resp := br.upload("btu", asOf, e.exampleUpload()); resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("upload %s: %d", asOf, resp.StatusCode)
		}
		if resp := l.post(fmt.Sprintf("/facilities/btu/certificates/%d/approve", i+1), url.Values{"idempotency_key": {"b" + asOf}}); resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("approve %s: %d", asOf, resp.StatusCode)
		}
	}
	t, err := e.web.svc.Trends(context.Background(), "btu", store.Everything, 0)
	if err == nil && len(t.Points) != 36 {
		b.Fatalf("%d points, want 36", len(t.Points))
	}
	benchPage(b, e, l, "/facilities/btu/trends")
}
