// Package statementpdf prints a borrower's monthly statement
// (statement.Statement) as a PDF, the one layout the API and the pages
// both answer. It shows the statement's figures as they are; the page
// geometry is in millimetres (layout, not money).
package statementpdf

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"revolver/money"
	"revolver/statement"
)

// amount is an amount grouped, a hyphen for negatives (the core fonts
// have no minus sign).
func amount(a money.Amount) string { return a.Grouped() }

// Name is the file name of the statement's PDF.
func Name(s statement.Statement) string {
	return fmt.Sprintf("%s-statement-%s.pdf", s.Facility, s.Month)
}

// Bytes prints the statement; the same statement prints the same bytes
// (its dates are the known-at time's).
func Bytes(s statement.Statement, facilityName string) ([]byte, error) {
	title := "Borrower's statement " + s.Month
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetTitle(title, true)
	pdf.SetCreator("revolver", false)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(s.KnownAt.UTC())
	pdf.SetModificationDate(s.KnownAt.UTC())
	pdf.AliasNbPages("{nb}")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s - %s - page %d of {nb}", facilityName, title, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 15)
	pdf.CellFormat(0, 8, tr("Statement of account"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s (%s)", facilityName, s.Facility)), "", 1, "L", false, 0, "")
	pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s to %s, as known at %s", s.From, s.To, s.KnownAt.UTC().Format(time.RFC3339))), "", 1, "L", false, 0, "")

	head := func(t string) {
		if pdf.GetY() > 240 {
			pdf.AddPage()
		}
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(0, 6, tr(t), "B", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
	}
	row := func(label, value string) {
		pdf.CellFormat(140, 5, tr(label), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5, tr(value), "", 1, "R", false, 0, "")
	}
	cols := func(widths []float64, cells ...string) {
		for i, c := range cells {
			align := "L"
			if i == len(cells)-1 {
				align = "R"
			}
			w := widths[i]
			// Long memos are cut to the column (the JSON has them whole).
			for w > 0 && pdf.GetStringWidth(tr(c)) > w-1 && len(c) > 4 {
				c = strings.TrimRight(c[:len(c)-4], " ") + "..."
			}
			pdf.CellFormat(w, 5, tr(c), "", 0, align, false, 0, "")
		}
		pdf.Ln(5)
	}
	balances := func(t string, b statement.Balances) {
		head(t)
		for _, a := range b.Accounts {
			if a.Amount == 0 && !a.Owed {
				continue
			}
			l := a.Label
			if !a.Owed {
				l += " (memo, not owed)"
			}
			row(l, amount(a.Amount))
		}
		pdf.SetFont("Helvetica", "B", 9)
		row("Balance owed", amount(b.Owed))
		pdf.SetFont("Helvetica", "", 9)
	}
	balances(fmt.Sprintf("Opening balance (end of %s)", s.From-1), s.Opening)
	head("Movements of the month")
	if len(s.Sections) == 0 {
		row("No transactions", "")
	}
	for _, sec := range s.Sections {
		row(fmt.Sprintf("%s (%d)", sec.Label, sec.Count), amount(sec.Amount))
	}
	if len(s.Lines) > 0 {
		head("Transactions")
		w := []float64{22, 16, 30, 78, 0}
		w[4] = 180 - 22 - 16 - 30 - 78
		for _, l := range s.Lines {
			what := l.Memo
			if l.Received != 0 {
				what = "received " + l.Received.String() + "; " + l.Memo
			}
			cols(w, l.ValueDate.String(), fmt.Sprint(l.Transaction), string(l.Kind), what, amount(l.Amount))
		}
	}
	if len(s.Collections) > 0 {
		head("Collections applied, by day received")
		w := []float64{45, 45, 30, 60}
		for _, c := range s.Collections {
			recv := "not stated"
			if c.Received != 0 {
				recv = c.Received.String()
			}
			cols(w, "received "+recv, "credited "+c.ValueDate.String(), fmt.Sprintf("%d item(s)", c.Count), amount(c.Amount))
		}
	}
	head("Interest by rate period")
	w := []float64{50, 18, 28, 22, 30, 32}
	for _, p := range s.Interest.Periods {
		cols(w, fmt.Sprintf("%s to %s", p.From, p.To), fmt.Sprintf("%d days", p.Days), p.Option, p.Rate.Percent(), p.DayCount, amount(p.Interest))
	}
	if s.Interest.Rounding != 0 {
		row("Rounding across rates", amount(s.Interest.Rounding))
	}
	if s.Interest.LastOut != 0 {
		row("Last-out loans", amount(s.Interest.LastOut))
	}
	if s.Interest.Adjustments != 0 {
		row("Interest adjustments (back-valued postings)", amount(s.Interest.Adjustments))
	}
	pdf.SetFont("Helvetica", "B", 9)
	row("Interest of the month", amount(s.Interest.Total))
	pdf.SetFont("Helvetica", "", 9)
	if n := len(s.Interest.Unexplained); n > 0 {
		why := ""
		if s.Interest.RatesUnknown != "" {
			why = ": " + s.Interest.RatesUnknown
		}
		pdf.MultiCell(0, 4, tr(fmt.Sprintf("%d day(s) accrued with no rate derived%s", n, why)), "", "L", false)
	}
	if len(s.Interest.Loans) > 0 {
		head("Interest by loan (each loan's share, rounded once)")
		w := []float64{40, 50, 18, 22, 50}
		for _, l := range s.Interest.Loans {
			cols(w, l.Name, fmt.Sprintf("%s to %s", l.From, l.To), fmt.Sprintf("%d days", l.Days), l.Rate.Rate.Percent(), amount(l.Interest))
		}
	}
	balances(fmt.Sprintf("Closing balance (end of %s)", s.To), s.Closing)
	head("Due")
	if len(s.Due) == 0 {
		row("Nothing billed is unpaid", "")
	}
	for _, d := range s.Due {
		on := "undetermined"
		if d.DueDate != 0 {
			on = d.DueDate.String()
		}
		row(fmt.Sprintf("%s, due %s", d.Label, on), amount(d.Amount))
		pdf.SetFont("Helvetica", "", 7.5)
		pdf.MultiCell(0, 3.8, tr(d.Basis), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
