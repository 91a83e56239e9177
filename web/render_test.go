package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

func TestAmountFormatting(t *testing.T) {
	amount := funcs["amount"].(func(money.Amount) template.HTML)
	for _, c := range []struct {
		in   money.Amount
		want template.HTML
	}{
		{0, "0.00"},
		{5, "0.05"},
		{123456789, "1,234,567.89"},
		{-30000000, `<span class="neg">−300,000.00</span>`},
		{-1, `<span class="neg">−0.01</span>`},
	} {
		if got := amount(c.in); got != c.want {
			t.Errorf("amount(%d) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"", `<span class="undetermined">undetermined</span>`},
		{"1234567.80", "1,234,567.80"},
		{"-243716.00", `<span class="neg">−243,716.00</span>`},
		{"0.8812", "0.8812"},
		{"-0.5000", `<span class="neg">−0.5000</span>`},
	} {
		if got := figureHTML(c.in); string(got) != c.want {
			t.Errorf("figure(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := millions(123456789012); got != "1234.57" {
		t.Errorf("millions = %s", got)
	}
	if got := millions(-50000000); got != "−0.50" {
		t.Errorf("millions = %s", got)
	}
	r, _ := money.Div(30000000, 1400000000)
	if got := percent(r); got != "2.14%" {
		t.Errorf("percent = %s", got)
	}
}

// TestGoldenSnippets renders pieces of pages and compares them with the
// expected HTML.
func TestGoldenSnippets(t *testing.T) {
	tm := template.Must(template.New("t").Funcs(funcs).Parse(
		`<td class="num">{{amount .A}}</td><td>{{date .D}}</td><td>{{longdate .D}}</td><td>{{humanize .K}}</td>`))
	var b bytes.Buffer
	if err := tm.Execute(&b, map[string]any{"A": money.Amount(-123456), "D": date.MustParse("2004-10-03"), "K": "lc_outstanding"}); err != nil {
		t.Fatal(err)
	}
	want := `<td class="num"><span class="neg">−1,234.56</span></td><td><time datetime="2004-10-03">2004-10-03</time></td><td>Sunday 3 October 2004</td><td>Lc outstanding</td>`
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}

	steps := []step{
		{Label: "Receivables: gross", Total: true, To: 100000, Delta: 100000},
		{Label: "Past due", From: 100000, To: 60000, Delta: -40000},
		{Label: "Availability", Total: true, To: 60000, Delta: 60000},
	}
	svg := string(waterfallSVG(steps))
	for _, w := range []string{
		`<g class="total"><text x="332" y="20" class="label">Receivables: gross</text><rect x="340" y="7" width="400" height="18" rx="2"><title>Receivables: gross: 1,000.00</title></rect>`,
		`<g class="down"><text x="332" y="46" class="label">Past due</text><rect x="580" y="33" width="160" height="18" rx="2"><title>Past due: −400.00</title></rect><text x="866" y="46" class="value">−400.00</text></g>`,
		`role="img" aria-labelledby="wf-title wf-desc"`,
	} {
		if !strings.Contains(svg, w) {
			t.Errorf("waterfall lacks\n%s\nin\n%s", w, svg)
		}
	}
}

// TestWaterfallStepsChain: every non-total bar starts where the bar
// before it ended, so the chart reads as one chain.
func TestWaterfallStepsChain(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		gross := money.Amount(rapid.Int64Range(0, 1e12).Draw(t, "gross"))
		steps := []step{{Label: "gross", Total: true, To: gross, Delta: gross}}
		run := gross
		for i := 0; i < n; i++ {
			d := money.Amount(rapid.Int64Range(0, int64(run)+1).Draw(t, "d"))
			steps = append(steps, step{Label: "x", From: run, To: run - d, Delta: -d})
			run -= d
		}
		svg := string(waterfallSVG(steps))
		if strings.Count(svg, "<rect") != len(steps) {
			t.Fatalf("%d bars for %d steps", strings.Count(svg, "<rect"), len(steps))
		}
		if strings.Contains(svg, `width="-`) {
			t.Fatalf("negative width in %s", svg)
		}
	})
}

func TestMonthGrid(t *testing.T) {
	g := monthGrid(date.MustParse("2004-02-01"), nil)
	if len(g.Weeks) != 5 || g.Weeks[0][0].Day != date.MustParse("2004-01-26") || !g.Weeks[0][6].In {
		t.Errorf("February 2004 grid: %d weeks, starts %s", len(g.Weeks), g.Weeks[0][0].Day)
	}
	if got := monthEnd(date.MustParse("2004-02-10")); got != date.MustParse("2004-02-29") {
		t.Errorf("monthEnd = %s", got)
	}
}

func TestLedgerRunningBalance(t *testing.T) {
	d := date.MustParse
	txs := []ledger.Transaction{
		{ID: 1, Kind: ledger.KindAdvance, ValueDate: d("2004-10-05"), Postings: []ledger.Posting{{Account: ledger.Loans, Amount: 1000}, {Account: ledger.Cash, Amount: -1000}}},
		{ID: 2, Kind: ledger.KindRepayment, ValueDate: d("2004-10-07"), Postings: []ledger.Posting{{Account: ledger.Loans, Amount: -300}, {Account: ledger.Cash, Amount: 300}}},
		{ID: 3, Kind: ledger.KindAdvance, ValueDate: d("2004-10-06"), Postings: []ledger.Posting{{Account: ledger.Loans, Amount: 50}, {Account: ledger.Cash, Amount: -50}}},
	}
	rows := ledgerRows(txs, func(t *ledger.Transaction) bool { return t.Kind != ledger.KindRepayment })
	type got struct {
		id  int64
		bal money.Amount
	}
	var g []got
	for _, r := range rows {
		g = append(g, got{r.T.ID, r.Balance})
	}
	want := []got{{1, 1000}, {3, 1050}}
	if len(g) != len(want) || g[0] != want[0] || g[1] != want[1] {
		t.Errorf("rows %v, want %v (value-date order, filtered rows keep the running balance)", g, want)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "/",
		"/facilities/btu?as_of=x": "/facilities/btu?as_of=x",
		"//evil.example/":         "/",
		"/\\evil.example":         "/",
		"https://evil.example/x":  "/",
		"javascript:alert(1)":     "/",
		"facilities/btu":          "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
