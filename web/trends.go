package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"revolver/app"
	"revolver/money"
)

// The trends page (docs/trends.md): the facility's collateral certificate
// by certificate, as charts drawn on the server (SVG, integer geometry)
// each with its table (caption, headers, every figure linked to its
// certificate's line) and a CSV export; and the aging migration between
// two certificates.

type trendsPage struct {
	Known   knownAtForm
	Query   string // known-at and top, for the CSV links
	Top     int
	Trends  app.Trends
	Charts  []trendChart
	Err     string
	Points  []app.TrendPoint
	From    int64
	To      int64
	Migr    *app.AgingMigration
	MigrTbl *tableView
	MigrErr string
	// Measured: some point has dilution or DSO; MeasureSVG their charts.
	Measured   bool
	MeasureSVG []template.HTML
}

// trendChart is a chart with the table it draws.
type trendChart struct {
	ID, Title, Intro string
	SVG              template.HTML
	Table            app.TrendTable
	CSV              string
	Slug             string
}

// tableView is a table to render with the facility it links into.
type tableView struct {
	Slug  string
	Table app.TrendTable
	CSV   string
}

func (c trendChart) View() tableView { return tableView{c.Slug, c.Table, c.CSV} }

// trendPalette: distinct colours, each with a contrast of at least 3:1 on
// white (graphics, WCAG 1.4.11).
var trendPalette = []string{"#1f5fa8", "#c2410c", "#2e7d32", "#7b1fa2", "#ad1457", "#00695c", "#5d4037", "#455a64", "#9e6a00", "#283593"}

// tseries (a series) is one line or stack of a chart: a value per point (cents, or
// basis points of a share), ok false where there is none.
type tseries struct {
	Name string
	Vals []int64
	OK   []bool
	// Titles: per point, what the value is and where it comes from.
	Titles []string
}

const chartW, chartH, padL, padR, padT, padB = 760, 330, 96, 12, 14, 96

func trendY(v, lo, hi int64) int64 {
	return padT + (chartH - padT - padB) - scale(money.Amount(v), money.Amount(lo), money.Amount(hi), chartH-padT-padB)
}

func trendX(i, n int) int64 {
	w := int64(chartW - padL - padR)
	if n <= 1 {
		return padL + w/2
	}
	return padL + int64(i)*w/int64(n-1)
}

// chartFrame writes the svg element, its title and description, the grid
// with its ticks (fmtTick for the values) and the date labels.
func trendFrame(b *strings.Builder, id, title, desc string, labels []string, lo, hi int64, fmtTick func(int64) string, barW int64) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" preserveAspectRatio="xMinYMin meet">`, chartW, chartH, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	for k := int64(0); k <= 4; k++ {
		v := lo + (hi-lo)*k/4
		y := trendY(v, lo, hi)
		fmt.Fprintf(b, `<line class="grid" x1="%d" x2="%d" y1="%d" y2="%d"/><text class="tick" x="%d" y="%d">%s</text>`, padL, chartW-padR, y, y, padL-6, y+4, esc(fmtTick(v)))
	}
	if lo < 0 && hi > 0 {
		y := trendY(0, lo, hi)
		fmt.Fprintf(b, `<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>`, padL, chartW-padR, y, y)
	}
	n := len(labels)
	step := max(1, (n+7)/8)
	for i, l := range labels {
		if i%step != 0 && i != n-1 {
			continue
		}
		x := trendX(i, n)
		if barW > 0 {
			x = trendBarX(i, n, barW) + barW/2
		}
		fmt.Fprintf(b, `<text class="tick" x="%d" y="%d" transform="rotate(-35 %d %d)">%s</text>`, x, chartH-padB+16, x, chartH-padB+16, esc(l))
	}
}

func trendLegend(b *strings.Builder, ss []tseries) {
	x, y := int64(padL), int64(chartH-6)
	for i, s := range ss {
		name := s.Name
		if r := []rune(name); len(r) > 22 {
			name = string(r[:21]) + "…"
		}
		w := int64(len([]rune(name)))*7 + 28
		if x+w > chartW-padR {
			break // the table lists them all
		}
		fmt.Fprintf(b, `<g class="legend"><rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text></g>`, x, y-10, trendPalette[i%len(trendPalette)], x+16, y, esc(name))
		x += w
	}
}

func trendBounds(ss []tseries, stacked bool) (lo, hi int64) {
	if len(ss) == 0 {
		return 0, 1
	}
	for i := range ss[0].Vals {
		var pos, neg int64
		for _, s := range ss {
			if !s.OK[i] {
				continue
			}
			v := s.Vals[i]
			if stacked {
				if v > 0 {
					pos += v
				} else {
					neg += v
				}
			} else {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		if stacked {
			lo, hi = min(lo, neg), max(hi, pos)
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	return lo, hi
}

// trendLines draws each series as a line with a marker per point, each
// marker titled with its figure and certificate.
func trendLines(id, title, desc string, labels []string, ss []tseries, fmtTick func(int64) string) template.HTML {
	if len(labels) == 0 {
		return ""
	}
	lo, hi := trendBounds(ss, false)
	var b strings.Builder
	trendFrame(&b, id, title, desc, labels, lo, hi, fmtTick, 0)
	for k, s := range ss {
		c := trendPalette[k%len(trendPalette)]
		fmt.Fprintf(&b, `<g><polyline fill="none" stroke="%s" stroke-width="2.5" points="`, c)
		for i, v := range s.Vals {
			if s.OK[i] {
				fmt.Fprintf(&b, "%d,%d ", trendX(i, len(labels)), trendY(v, lo, hi))
			}
		}
		b.WriteString(`"/>`)
		for i, v := range s.Vals {
			if s.OK[i] {
				fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="3.5" fill="%s"><title>%s</title></circle>`, trendX(i, len(labels)), trendY(v, lo, hi), c, esc(s.Titles[i]))
			}
		}
		b.WriteString(`</g>`)
	}
	trendLegend(&b, ss)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func trendBarX(i, n int, w int64) int64 {
	slot := int64(chartW-padL-padR) / int64(max(n, 1))
	return padL + int64(i)*slot + (slot-w)/2
}

// trendBars draws a bar per point, its series stacked (positive values
// up from zero, negative down), each piece titled.
func trendBars(id, title, desc string, labels []string, ss []tseries, fmtTick func(int64) string) template.HTML {
	n := len(labels)
	if n == 0 {
		return ""
	}
	lo, hi := trendBounds(ss, true)
	slot := int64(chartW-padL-padR) / int64(n)
	w := max(2, slot*7/10)
	var b strings.Builder
	trendFrame(&b, id, title, desc, labels, lo, hi, fmtTick, w)
	for i := range labels {
		var pos, neg int64
		x := trendBarX(i, n, w)
		for k, s := range ss {
			if !s.OK[i] || s.Vals[i] == 0 {
				continue
			}
			v := s.Vals[i]
			var a, c int64
			if v > 0 {
				a, c = pos, pos+v
				pos = c
			} else {
				a, c = neg+v, neg
				neg = a
			}
			y1, y2 := trendY(c, lo, hi), trendY(a, lo, hi)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s</title></rect>`, x, y1, w, max(1, y2-y1), trendPalette[k%len(trendPalette)], esc(s.Titles[i]))
		}
	}
	trendLegend(&b, ss)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// dollars is a tick in whole dollars, grouped.
func dollars(v int64) string { return strings.TrimSuffix(money.Amount(v-v%100).Grouped(), ".00") }

// bp is a share (4 places) in basis points; pctTick a tick of them.
func bp(r *money.Rate) (int64, bool) {
	if r == nil {
		return 0, false
	}
	s := strings.Replace(r.Fixed(4), ".", "", 1)
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func pctTick(v int64) string { return fmt.Sprintf("%d.%02d%%", v/100, v%100) }

func (s *Server) trendsPage(rq *req) error {
	q := rq.r.URL.Query()
	p := trendsPage{Known: rq.knownAt(rq.today()), Top: app.DefaultTopDebtors}
	if v := strings.TrimSpace(q.Get("top")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > app.MaxTopDebtors {
			return userErr(http.StatusBadRequest, fmt.Sprintf("top %q: enter how many debtors to rank, from 1 to %d.", v, app.MaxTopDebtors))
		}
		p.Top = n
	}
	p.Query = trendsQuery(rq, p.Top)
	if rq.r.URL.Path == "/facilities/"+rq.fac.Slug+"/trends.csv" {
		return s.trendsCSV(rq, p)
	}
	t, err := s.svc.Trends(ctxOf(rq), rq.fac.Slug, p.Known.Read, p.Top)
	if err != nil {
		return err
	}
	p.Trends, p.Points = t, t.Points
	for _, pt := range t.Points {
		p.Measured = p.Measured || pt.Dilution != nil || pt.DSO != nil
	}
	p.Charts = trendCharts(rq.fac.Slug, t, p.Query)
	if p.Measured {
		p.MeasureSVG = measureCharts(t)
	}
	// The aging migration: between the two certificates chosen, by default
	// the last two.
	if n := len(t.Points); n >= 2 {
		p.From, p.To = t.Points[n-2].Certificate, t.Points[n-1].Certificate
	}
	if v := q.Get("from"); v != "" {
		p.From, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := q.Get("to"); v != "" {
		p.To, _ = strconv.ParseInt(v, 10, 64)
	}
	// Computed when asked (it reads both agings whole): the page itself
	// reads only the stored summaries.
	if q.Get("from") != "" && q.Get("to") != "" {
		m, err := s.svc.AgingMigration(ctxOf(rq), rq.fac.Slug, p.From, p.To)
		if err != nil {
			p.MigrErr = err.Error()
			rq.status = http.StatusBadRequest
		} else {
			p.Migr = &m
			p.MigrTbl = &tableView{Slug: rq.fac.Slug, Table: migrationTable(m),
				CSV: fmt.Sprintf("/facilities/%s/trends.csv?table=migration&from=%d&to=%d", rq.fac.Slug, p.From, p.To)}
		}
	}
	return rq.render(http.StatusOK, "trends", rq.view("Trends", "trends", p))
}

func trendsQuery(rq *req, top int) string {
	q := rq.r.URL.Query()
	var parts []string
	for _, k := range []string{"known", "known_at"} {
		if v := q.Get(k); v != "" {
			parts = append(parts, k+"="+urlQuery(v))
		}
	}
	if top != app.DefaultTopDebtors {
		parts = append(parts, "top="+strconv.Itoa(top))
	}
	return strings.Join(parts, "&")
}

func urlQuery(s string) string { return template.URLQueryEscaper(s) }

// trendsCSV serves one table of the trends (table=…) or the aging
// migration (table=migration with from and to) as CSV.
func (s *Server) trendsCSV(rq *req, p trendsPage) error {
	q := rq.r.URL.Query()
	id := q.Get("table")
	var tb app.TrendTable
	if id == "migration" || id == "migration_invoices" {
		from, _ := strconv.ParseInt(q.Get("from"), 10, 64)
		to, _ := strconv.ParseInt(q.Get("to"), 10, 64)
		m, err := s.svc.AgingMigration(ctxOf(rq), rq.fac.Slug, from, to)
		if err != nil {
			return err
		}
		if id == "migration" {
			tb = migrationTable(m)
		} else {
			tb = migrationInvoices(m)
		}
	} else {
		t, err := s.svc.Trends(ctxOf(rq), rq.fac.Slug, p.Known.Read, p.Top)
		if err != nil {
			return err
		}
		var ok bool
		if tb, ok = t.Table(id); !ok {
			return userErr(http.StatusBadRequest, fmt.Sprintf("table %q: expected one of %s, migration or migration_invoices.", id, strings.Join(app.TrendTableIDs, ", ")))
		}
	}
	rq.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rq.w.Header().Set("Content-Disposition", `attachment; filename="`+rq.fac.Slug+`-`+id+`.csv"`)
	rq.w.WriteHeader(http.StatusOK)
	_, err := rq.w.Write(tb.CSV())
	return err
}

// migrationTable is the aging migration as a table: a row per earlier
// bucket with the later balances by bucket, what was reduced or gone and
// the earlier total; then the new invoices and the later totals.
func migrationTable(m app.AgingMigration) app.TrendTable {
	tb := app.TrendTable{ID: "migration", Caption: fmt.Sprintf("Aging migration from certificate %d (%s) to %d (%s), by invoice number", m.From.Certificate, m.From.AsOf, m.To.Certificate, m.To.AsOf),
		Columns: []string{"Bucket on " + m.From.AsOf.String()}}
	for _, b := range m.Buckets {
		tb.Columns = append(tb.Columns, b.Label+" on "+m.To.AsOf.String())
	}
	tb.Columns = append(tb.Columns, "Collected, credited or gone", "Total on "+m.From.AsOf.String())
	cell := func(a money.Amount, cert int64, title string) app.TrendCell {
		return app.TrendCell{Text: a.String(), Amount: &a, Certificate: cert, Line: "receivables.gross", Title: title}
	}
	for i, b := range m.Buckets {
		r := []app.TrendCell{{Text: b.Label}}
		for j, c := range m.Buckets {
			r = append(r, cell(m.Matrix[i][j], m.To.Certificate, fmt.Sprintf("Balance on %s, %s, of the invoices %s on %s (certificate %d → %d)", m.To.AsOf, c.Label, b.Label, m.From.AsOf, m.From.Certificate, m.To.Certificate)))
		}
		r = append(r, cell(m.Reduced[i], m.From.Certificate, fmt.Sprintf("Balance on %s less balance on %s of the invoices %s on %s", m.From.AsOf, m.To.AsOf, b.Label, m.From.AsOf)),
			cell(m.From.Buckets[i], m.From.Certificate, fmt.Sprintf("%s on %s: certificate %d's aging", b.Label, m.From.AsOf, m.From.Certificate)))
		tb.Rows = append(tb.Rows, r)
	}
	r := []app.TrendCell{{Text: "New invoices"}}
	for j, c := range m.Buckets {
		r = append(r, cell(m.New[j], m.To.Certificate, fmt.Sprintf("Invoices in the aging of %s only, %s", m.To.AsOf, c.Label)))
	}
	r = append(r, app.TrendCell{}, app.TrendCell{})
	tb.Rows = append(tb.Rows, r)
	r = []app.TrendCell{{Text: "Total on " + m.To.AsOf.String()}}
	for j, c := range m.Buckets {
		r = append(r, cell(m.To.Buckets[j], m.To.Certificate, fmt.Sprintf("%s on %s: certificate %d's aging", c.Label, m.To.AsOf, m.To.Certificate)))
	}
	r = append(r, app.TrendCell{}, cell(m.From.Gross, m.From.Certificate, "Gross receivables on "+m.From.AsOf.String()))
	tb.Rows = append(tb.Rows, r)
	return tb
}

// migrationInvoices is every invoice of the migration with its buckets,
// balances and lines.
func migrationInvoices(m app.AgingMigration) app.TrendTable {
	tb := app.TrendTable{ID: "migration_invoices", Caption: "Invoices of the aging migration",
		Columns: []string{"Invoice", "Debtor", "Bucket on " + m.From.AsOf.String(), "Balance", "Lines in " + m.From.File, "Bucket on " + m.To.AsOf.String(), "Balance", "Lines in " + m.To.File}}
	lines := func(ls []int32) string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = strconv.Itoa(int(l))
		}
		return strings.Join(out, " ")
	}
	for _, v := range m.Invoices {
		tb.Rows = append(tb.Rows, []app.TrendCell{{Text: v.Invoice}, {Text: v.Debtor}, {Text: v.FromBucket}, {Text: v.FromBalance.String()}, {Text: lines(v.FromLines)},
			{Text: v.ToBucket}, {Text: v.ToBalance.String()}, {Text: lines(v.ToLines)}})
	}
	return tb
}

// trendCharts are the page's charts, each with its table.
func trendCharts(slug string, t app.Trends, query string) []trendChart {
	labels := make([]string, len(t.Points))
	for i, p := range t.Points {
		labels[i] = p.AsOf.String()
	}
	csv := func(id string) string {
		h := "/facilities/" + slug + "/trends.csv?table=" + id
		if query != "" {
			h += "&" + query
		}
		return h
	}
	mk := func(name string, get func(p app.TrendPoint) (int64, bool, string)) tseries {
		s := tseries{Name: name}
		for _, p := range t.Points {
			v, ok, title := get(p)
			s.Vals, s.OK, s.Titles = append(s.Vals, v), append(s.OK, ok), append(s.Titles, title)
		}
		return s
	}
	am := func(name, line string, f func(p app.TrendPoint) *money.Amount) tseries {
		return mk(name, func(p app.TrendPoint) (int64, bool, string) {
			a := f(p)
			if a == nil {
				return 0, false, ""
			}
			return int64(*a), true, fmt.Sprintf("%s on %s: %s (certificate %d, line %s)", name, p.AsOf, a.Grouped(), p.Certificate, line)
		})
	}
	ptr := func(a money.Amount) *money.Amount { return &a }
	coll, _ := t.Table("collateral")
	inel, _ := t.Table("ineligible")
	aging, _ := t.Table("aging")
	conc, _ := t.Table("concentration")
	var out []trendChart
	out = append(out, trendChart{ID: "collateral", Title: "Receivables and borrowing base", Intro: "Gross, eligible and available receivables and the borrowing base of each certificate in force.",
		SVG: trendLines("ch-coll", "Receivables and borrowing base over time, "+t.Currency, "Gross, eligible and available receivables and the borrowing base at each certificate's as-of date. The same figures are in the table below.", labels, []tseries{
			am("Gross", "receivables.gross", func(p app.TrendPoint) *money.Amount { return ptr(p.Gross) }),
			am("Eligible", "receivables.eligible", func(p app.TrendPoint) *money.Amount { return p.Eligible }),
			am("Availability", "receivables.availability", func(p app.TrendPoint) *money.Amount { return p.Availability }),
			am("Borrowing base", "borrowing_base", func(p app.TrendPoint) *money.Amount { return ptr(p.BorrowingBase) }),
		}, dollars), Table: coll, CSV: csv("collateral")})
	var is []tseries
	for _, c := range t.Categories {
		id := c.ID
		is = append(is, am(c.Label, "receivables.ineligible."+id, func(p app.TrendPoint) *money.Amount { return p.Ineligible[id] }))
	}
	out = append(out, trendChart{ID: "ineligible", Title: "Ineligible by category", Intro: "The certificate's ineligible lines, each counted once in the order of the agreement's criteria.",
		SVG: trendBars("ch-inel", "Ineligible receivables by category, "+t.Currency, "A bar per certificate, stacked by ineligible category. The same figures are in the table below.", labels, is, dollars), Table: inel, CSV: csv("ineligible")})
	var bs []tseries
	for k, b := range t.Buckets {
		k, label := k, b.Label
		bs = append(bs, mk(label, func(p app.TrendPoint) (int64, bool, string) {
			f := p.Buckets[k]
			return int64(f.Amount), true, fmt.Sprintf("%s on %s: %s, %d rows (certificate %d's aging)", label, p.AsOf, f.Amount.Grouped(), f.Rows, p.Certificate)
		}))
	}
	out = append(out, trendChart{ID: "aging", Title: "Aging buckets", Intro: "Current: not past due on the as-of date; the others: past due, by days from the invoice date to the as-of date. The buckets add up to the gross receivables.",
		SVG: trendBars("ch-aging", "Aging buckets over time, "+t.Currency, "A bar per certificate, stacked by aging bucket; each bar is the gross receivables. The same figures are in the table below.", labels, bs, dollars), Table: aging, CSV: csv("aging")})
	share := func(name string, f func(p app.TrendPoint) (*money.Rate, string)) tseries {
		return mk(name, func(p app.TrendPoint) (int64, bool, string) {
			r, who := f(p)
			v, ok := bp(r)
			if !ok {
				return 0, false, ""
			}
			return v, true, fmt.Sprintf("%s on %s: %s of gross (%scertificate %d)", name, p.AsOf, pctTick(v), who, p.Certificate)
		})
	}
	out = append(out, trendChart{ID: "concentration", Title: fmt.Sprintf("Top %d debtors and concentration", t.TopN), Intro: "Each debtor's balance (Σ of its rows in the aging) as a share of gross and of eligible receivables.",
		SVG: trendLines("ch-conc", "Concentration over time, share of gross receivables", fmt.Sprintf("The largest debtor's share and the top %d debtors' share of gross receivables at each certificate. The debtors are in the table below.", t.TopN), labels, []tseries{
			share("Largest debtor", func(p app.TrendPoint) (*money.Rate, string) {
				if len(p.TopDebtors) == 0 {
					return nil, ""
				}
				return p.TopDebtors[0].ShareOfGross, p.TopDebtors[0].ID + ", "
			}),
			share(fmt.Sprintf("Top %d", t.TopN), func(p app.TrendPoint) (*money.Rate, string) { return p.TopShare, "" }),
		}, pctTick), Table: conc, CSV: csv("concentration")})
	for i := range out {
		out[i].Slug = slug
	}
	return out
}

// measureCharts are the dilution and DSO charts of the certificates'
// roll-forwards (their figures are in the first table).
func measureCharts(t app.Trends) []template.HTML {
	labels := make([]string, len(t.Points))
	dil, dso := tseries{Name: "Dilution"}, tseries{Name: "DSO (days)"}
	for i, p := range t.Points {
		labels[i] = p.AsOf.String()
		v, ok := bp(p.Dilution)
		title := ""
		if ok {
			title = fmt.Sprintf("Dilution on %s: %s (certificate %d's roll-forward, over its window)", p.AsOf, pctTick(v), p.Certificate)
		}
		dil.Vals, dil.OK, dil.Titles = append(dil.Vals, v), append(dil.OK, ok), append(dil.Titles, title)
		d, ok := tenths(p.DSO)
		title = ""
		if ok {
			title = fmt.Sprintf("DSO on %s: %s days (certificate %d's roll-forward)", p.AsOf, daysTick(d), p.Certificate)
		}
		dso.Vals, dso.OK, dso.Titles = append(dso.Vals, d), append(dso.OK, ok), append(dso.Titles, title)
	}
	return []template.HTML{
		trendLines("ch-dil", "Dilution over time", "Credits ÷ sales over each certificate's dilution window, from its roll-forward. The same figures are in the first table.", labels, []tseries{dil}, pctTick),
		trendLines("ch-dso", "DSO over time, days", "Days sales outstanding of each certificate's period, from its roll-forward. The same figures are in the first table.", labels, []tseries{dso}, daysTick),
	}
}

// tenths is a DSO (one place) in tenths of a day; daysTick a tick of them.
func tenths(r *money.Rate) (int64, bool) {
	if r == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.Replace(r.Fixed(1), ".", "", 1), 10, 64)
	return n, err == nil
}

func daysTick(v int64) string { return fmt.Sprintf("%d.%d", v/10, v%10) }

// HTML renders the table (its caption, column and row headers, every
// figure linked to its certificate's line with what it is as its title)
// in a region that scrolls by itself, and its CSV link. Written out here
// rather than by the template: the trends' tables have thousands of cells.
func (v tableView) HTML() template.HTML {
	var b strings.Builder
	t := v.Table
	b.Grow(256 + 160*len(t.Rows)*max(1, len(t.Columns)))
	fmt.Fprintf(&b, `<div class="scroll" tabindex="0" role="region" aria-label="%s (scrollable table)"><table class="trends"><caption>%s</caption><thead><tr>`, esc(t.Caption), esc(t.Caption))
	for _, c := range t.Columns {
		b.WriteString(`<th scope="col">`)
		b.WriteString(esc(c))
		b.WriteString(`</th>`)
	}
	b.WriteString("</tr></thead><tbody>\n")
	base := "/facilities/" + urlPath(v.Slug) + "/certificates/"
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for i, c := range r {
			text := esc(c.Text)
			if c.Amount != nil {
				a := *c.Amount
				if a < 0 {
					text = `<span class="neg">−` + esc((-a).Grouped()) + `</span>`
				} else {
					text = esc(a.Grouped())
				}
			}
			id := strconv.FormatInt(c.Certificate, 10)
			switch {
			case i == 0:
				b.WriteString(`<th scope="row">`)
				if c.Certificate != 0 {
					fmt.Fprintf(&b, `<a href="%s%s" title="%s">%s</a>`, base, id, esc(c.Title), text)
				} else {
					b.WriteString(text)
				}
				b.WriteString(`</th>`)
				continue
			case c.Amount != nil:
				b.WriteString(`<td class="num">`)
			default:
				b.WriteString(`<td>`)
			}
			switch {
			case c.Certificate != 0 && c.Line != "":
				fmt.Fprintf(&b, `<a href="%s%s/lines/%s" title="%s">%s</a>`, base, id, esc(c.Line), esc(c.Title), text)
			case c.Title != "":
				fmt.Fprintf(&b, `<span title="%s">%s</span>`, esc(c.Title), text)
			default:
				b.WriteString(text)
			}
			b.WriteString(`</td>`)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString(`</tbody></table></div>`)
	if v.CSV != "" {
		fmt.Fprintf(&b, `<p class="small"><a href="%s">Export this table (CSV)</a></p>`, esc(v.CSV))
	}
	return template.HTML(b.String())
}

func urlPath(s string) string { return url.PathEscape(s) }
