package certpdf

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"revolver/covenant"
	"revolver/date"
)

// Compliance is what a compliance certificate's PDF prints: the covenant
// engine's tests of one period end (app.Service.Covenants, as the
// covenants page and the API show them) on the financial statements
// recorded as known at KnownAt.
type Compliance struct {
	FacilityName string
	FacilitySlug string
	PeriodEnd    date.Date
	Period       string // e.g. "FY2006 Q2"
	KnownAt      time.Time
	Tests        []covenant.Test
}

// ComplianceOf is the compliance certificate of the period ending
// periodEnd among the covenant engine's results as known at knownAt, its
// tests in the results' order; false when no test has that period end.
func ComplianceOf(res *covenant.Result, periodEnd date.Date, knownAt time.Time) (Compliance, bool) {
	c := Compliance{PeriodEnd: periodEnd, KnownAt: knownAt}
	if res == nil {
		return c, false
	}
	for _, t := range res.Tests {
		if t.PeriodEnd == periodEnd {
			if len(c.Tests) == 0 {
				c.Period = fmt.Sprintf("FY%d Q%d", t.FiscalYear, t.FiscalQuarter)
			}
			c.Tests = append(c.Tests, t)
		}
	}
	return c, len(c.Tests) > 0
}

// ComplianceName is the file name of the compliance certificate's PDF.
func ComplianceName(c Compliance) string {
	return fmt.Sprintf("%s-compliance-%s.pdf", c.FacilitySlug, c.PeriodEnd)
}

// ComplianceBytes prints the compliance certificate; the same tests print
// the same bytes (its date is the latest recording of the statements
// used, or KnownAt).
func ComplianceBytes(c Compliance) ([]byte, error) { return compliance(c, true) }

// Result is a test's result as printed: PASS, FAIL, FAIL (WAIVED), NOT
// APPLICABLE, UNDETERMINED.
func Result(t covenant.Test) string {
	r := strings.ToUpper(strings.ReplaceAll(t.Result, "_", " "))
	if t.Waiver != nil {
		r += " (WAIVED)"
	}
	return r
}

// statementsOf are the distinct statements the tests used, in order.
func statementsOf(tests []covenant.Test) []*covenant.Statement {
	var out []*covenant.Statement
	seen := map[string]bool{}
	for _, t := range tests {
		s := t.Statement
		if s == nil {
			continue
		}
		k := fmt.Sprintf("%s\x00%d\x00%s\x00%s", s.File, s.Line, s.Submission, s.PeriodEnd)
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

func compliance(in Compliance, compress bool) ([]byte, error) {
	sts := statementsOf(in.Tests)
	at := in.KnownAt
	var last time.Time
	for _, s := range sts {
		if s.RecordedAt.After(last) {
			last = s.RecordedAt
		}
	}
	if !last.IsZero() {
		at = last
	}
	d := newDoc("Compliance Certificate", "Compliance Certificate "+in.Period, at, compress)
	d.title("Compliance Certificate", in.FacilityName,
		fmt.Sprintf("Fiscal period %s ended %s; financial statements as known at %s.", in.Period, in.PeriodEnd, in.KnownAt.UTC().Format("2006-01-02 15:04 UTC")))

	d.heading("Financial covenants")
	w := []float64{62, 28, 28, 28, 0}
	w[4] = width - w[0] - w[1] - w[2] - w[3]
	d.pdf.SetFont("Helvetica", "B", 9)
	d.pdf.SetFillColor(235, 239, 244)
	for i, h := range []string{"Covenant", "Actual", "Required", "Headroom", "Result"} {
		al, ln := "R", 0
		if i == 0 {
			al = "L"
		}
		if i == 4 {
			al, ln = "C", 1
		}
		d.pdf.CellFormat(w[i], 6.5, d.tr(h), "B", ln, al, true, 0, "")
	}
	failing, undetermined := 0, 0
	for _, t := range in.Tests {
		switch {
		case t.Result == covenant.Fail && t.Waiver == nil:
			failing++
		case t.Result == covenant.Undetermined:
			undetermined++
		}
		var cites []string
		for _, c := range t.Cites {
			cites = append(cites, c.String())
		}
		note := strings.Join(cites, "; ")
		if t.Reason != "" {
			note = strings.TrimPrefix(note+". "+t.Reason, ". ")
		}
		if t.Waiver != nil {
			note = strings.TrimPrefix(note+"; "+t.Waiver.Text(), "; ")
		}
		d.pdf.SetFont("Helvetica", "", 9)
		h := float64(max(d.lines(t.Label, w[0]), d.lines(Result(t), w[4]))) * 5
		d.pdf.SetFont("Helvetica", "", 7.5)
		h += d.textHeight(note, width, 4)
		d.room(h + 2)
		d.pdf.SetFont("Helvetica", "", 9)
		y := d.pdf.GetY()
		d.pdf.MultiCell(w[0], 5, d.tr(t.Label), "", "L", false)
		end := d.pdf.GetY()
		x := left + w[0]
		for i, v := range []string{t.Actual.String(), t.Required.String(), t.Headroom.String()} {
			d.pdf.SetXY(x, y)
			d.pdf.CellFormat(w[i+1], 5, d.tr(Figure(v)), "", 0, "R", false, 0, "")
			x += w[i+1]
		}
		d.pdf.SetXY(x, y)
		d.pdf.MultiCell(w[4], 5, d.tr(Result(t)), "", "C", false)
		d.pdf.SetY(max(end, d.pdf.GetY()))
		if note != "" {
			d.pdf.SetFont("Helvetica", "", 7.5)
			d.pdf.MultiCell(0, 4, d.tr(note), "", "L", false)
		}
		d.pdf.SetDrawColor(220, 220, 220)
		d.pdf.Line(left, d.pdf.GetY()+1, left+width, d.pdf.GetY()+1)
		d.pdf.Ln(2)
	}

	for _, s := range sts {
		d.heading(fmt.Sprintf("Financial statement figures used: FY%d Q%d ended %s", s.FiscalYear, s.FiscalQuarter, s.PeriodEnd))
		d.pdf.SetFont("Helvetica", "", 8.5)
		src := fmt.Sprintf("From %s, line %d", s.File, s.Line)
		if s.Submission != "" {
			src += fmt.Sprintf(", submission %s recorded %s", s.Submission, s.RecordedAt.UTC().Format("2006-01-02 15:04 UTC"))
		}
		d.pdf.MultiCell(0, 4.5, d.tr(src+"."), "", "L", false)
		keys := make([]string, 0, len(s.Lines))
		for k := range s.Lines {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			d.row(0, strings.ReplaceAll(k, "_", " "), Figure(s.Lines[k].String()), false, true)
		}
	}

	text := "The undersigned officer of the Borrower certifies that the figures above were computed from the Borrower's financial statements for the period, " +
		"which present fairly in all material respects its financial condition, in accordance with the Loan Agreement as amended"
	var exceptions []string
	if failing > 0 {
		exceptions = append(exceptions, fmt.Sprintf("%d covenant(s) marked FAIL, not waived, were not met for the period", failing))
	}
	if undetermined > 0 {
		exceptions = append(exceptions, fmt.Sprintf("%d covenant(s) marked UNDETERMINED could not be tested on the statements recorded", undetermined))
	}
	if len(exceptions) == 0 {
		text += ", that the Borrower is in compliance with each financial covenant shown, and that no Default or Event of Default exists."
	} else {
		text += ". " + strings.Join(exceptions, "; ") + "."
	}
	d.attest(text, "For the Borrower")
	return d.bytes()
}
