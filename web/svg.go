package web

import (
	"fmt"
	"html/template"
	"strings"

	"revolver/date"
	"revolver/money"
)

// Charts are drawn on the server as SVG with integer geometry: an amount
// in cents is placed by integer division, never through floating point.

func esc(s string) string { return template.HTMLEscapeString(s) }

// scale maps v in [lo, hi] to [0, px].
func scale(v, lo, hi money.Amount, px int64) int64 {
	if hi <= lo {
		return 0
	}
	return (int64(v-lo)*px + int64(hi-lo)/2) / int64(hi-lo)
}

// waterfallSVG draws the steps as horizontal bars: totals from zero in
// blue, decreases in red, increases in green, each row labelled with its
// amount.
func waterfallSVG(steps []step) template.HTML {
	if len(steps) == 0 {
		return ""
	}
	const labelW, barW, valueW, rowH = 340, 400, 130, 26
	lo, hi := money.Amount(0), money.Amount(0)
	for _, s := range steps {
		lo, hi = min(lo, s.From, s.To), max(hi, s.From, s.To)
	}
	w, h := labelW+barW+valueW, rowH*len(steps)+24
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart waterfall" viewBox="0 0 %d %d" role="img" aria-labelledby="wf-title wf-desc" preserveAspectRatio="xMinYMin meet">`, w, h)
	b.WriteString(`<title id="wf-title">Borrowing base waterfall</title><desc id="wf-desc">From gross collateral through ineligibles, advance rates, caps and reserves to the borrowing base, then letters of credit and loans to availability. The same figures are listed in the table below the chart.</desc>`)
	x0 := labelW + scale(0, lo, hi, barW)
	fmt.Fprintf(&b, `<line x1="%d" y1="0" x2="%d" y2="%d" class="axis"/>`, x0, x0, h-20)
	for i, s := range steps {
		y := i*rowH + 4
		a, c := min(s.From, s.To), max(s.From, s.To)
		xa, xc := labelW+scale(a, lo, hi, barW), labelW+scale(c, lo, hi, barW)
		if xc-xa < 2 {
			xc = xa + 2
		}
		class := "total"
		switch {
		case s.Total && s.To < 0:
			class = "total negative"
		case s.Total:
		case s.Delta < 0:
			class = "down"
		default:
			class = "up"
		}
		label := s.Label
		if r := []rune(label); len(r) > 40 {
			label = string(r[:39]) + "…"
		}
		fmt.Fprintf(&b, `<g class="%s"><text x="%d" y="%d" class="label">%s</text>`, class, labelW-8, y+16, esc(label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="2"><title>%s: %s</title></rect>`, xa, y+3, xc-xa, rowH-8, esc(s.Label), esc(signed(s.Delta, s.Total)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="value">%s</text></g>`, w-4, y+16, esc(signed(s.Delta, s.Total)))
		if i+1 < len(steps) && !steps[i+1].Total {
			// connector to the next bar
			xn := labelW + scale(s.To, lo, hi, barW)
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="connector"/>`, xn, y+rowH-5, xn, y+rowH+3)
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="unit">USD</text>`, w-4, h-4)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func signed(a money.Amount, total bool) string {
	switch {
	case a < 0:
		return "−" + (-a).Grouped()
	case total:
		return a.Grouped()
	default:
		return "+" + a.Grouped()
	}
}

// sparkline draws a small line of amounts over time.
func sparkline(pts []trendPoint, w, h int64) template.HTML {
	if len(pts) < 2 {
		return template.HTML(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="No trend"></svg>`, w, h, w, h))
	}
	lo, hi := pts[0].Value, pts[0].Value
	for _, p := range pts {
		lo, hi = min(lo, p.Value), max(hi, p.Value)
	}
	if hi == lo {
		hi = lo + 1
	}
	var b strings.Builder
	var desc []string
	for _, p := range pts {
		desc = append(desc, p.Date.String()+": "+signed(p.Value, true))
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="spark" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="Availability trend, USD: %s"><title>Availability, USD: %s</title><polyline fill="none" stroke="#0b4f8a" stroke-width="1.5" points="`, w, h, w, h, esc(strings.Join(desc, "; ")), esc(strings.Join(desc, "; ")))
	n := int64(len(pts) - 1)
	for i, p := range pts {
		x := int64(i) * (w - 4) / n
		y := h - 2 - scale(p.Value, lo, hi, h-4)
		fmt.Fprintf(&b, "%d,%d ", x+2, y)
	}
	b.WriteString(`"/>`)
	if lo < 0 && hi > 0 {
		y := h - 2 - scale(0, lo, hi, h-4)
		fmt.Fprintf(&b, `<line x1="0" x2="%d" y1="%d" y2="%d" stroke="#a4161a" stroke-dasharray="2 2"/>`, w, y, y)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// series is one line of a line chart.
type series struct {
	Name   string
	Class  string
	Points []trendPoint
	Step   bool // drawn as steps (a floor that changes on dates)
}

// lineChart draws series against dates, with the first and last dates and
// the lowest and highest amounts labelled.
func lineChart(title string, ss []series) template.HTML {
	const w, h, left, right, top, bottom = 760, 300, 110, 20, 20, 40
	var lo, hi money.Amount
	var d0, d1 date.Date
	first := true
	for _, s := range ss {
		for _, p := range s.Points {
			if first {
				lo, hi, d0, d1, first = p.Value, p.Value, p.Date, p.Date, false
			}
			lo, hi = min(lo, p.Value), max(hi, p.Value)
			d0, d1 = min(d0, p.Date), max(d1, p.Date)
		}
	}
	if first {
		return ""
	}
	if hi == lo {
		hi = lo + 100
	}
	pad := (hi - lo) / 10
	lo, hi = lo-pad, hi+pad
	if d1 == d0 {
		d1 = d0 + 1
	}
	px := func(d date.Date) int64 {
		return left + scale(money.Amount(d-d0), 0, money.Amount(d1-d0), w-left-right)
	}
	py := func(v money.Amount) int64 { return h - bottom - scale(v, lo, hi, h-top-bottom) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart line" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`, w, h, esc(title), esc(title))
	// grid: 5 horizontal lines
	for i := int64(0); i <= 4; i++ {
		v := lo + money.Amount(int64(hi-lo)*i/4)
		y := py(v)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" class="grid"/><text x="%d" y="%d" class="tick">%s</text>`, left, w-right, y, y, left-6, y+4, esc(millions(v)))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="tick start">%s</text><text x="%d" y="%d" class="tick end">%s</text>`, left, h-bottom+18, d0, w-right, h-bottom+18, d1)
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="unit start">USD millions</text>`, 4, top-6)
	for _, s := range ss {
		if len(s.Points) == 0 {
			continue
		}
		fmt.Fprintf(&b, `<g class="%s"><polyline points="`, s.Class)
		for i, p := range s.Points {
			if s.Step && i > 0 {
				fmt.Fprintf(&b, "%d,%d ", px(p.Date), py(s.Points[i-1].Value))
			}
			fmt.Fprintf(&b, "%d,%d ", px(p.Date), py(p.Value))
		}
		b.WriteString(`"/>`)
		for _, p := range s.Points {
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="3"><title>%s %s: USD %s</title></circle>`, px(p.Date), py(p.Value), esc(s.Name), p.Date, esc(signed(p.Value, true)))
		}
		b.WriteString(`</g>`)
	}
	// legend
	for i, s := range ss {
		x := int64(left + 10 + i*220)
		fmt.Fprintf(&b, `<g class="%s legend"><line x1="%d" x2="%d" y1="%d" y2="%d"/><text x="%d" y="%d">%s</text></g>`, s.Class, x, x+24, h-8, h-8, x+30, h-4, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// millions writes an amount in millions with two decimals (integer math).
func millions(a money.Amount) string {
	neg := a < 0
	if neg {
		a = -a
	}
	// cents → hundredths of a million, rounded half away from zero.
	h := (int64(a) + 500000) / 1000000
	s := fmt.Sprintf("%d.%02d", h/100, h%100)
	if neg {
		return "−" + s
	}
	return s
}
