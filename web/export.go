package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"revolver/app"
	"revolver/covenant"
	"revolver/date"
	"revolver/explain"
	"revolver/httpconv"
	"revolver/money"
	"revolver/store"
)

// The PDF and XLSX files show the engines' figures as they are; the
// PDF's page geometry is in millimetres (layout, not money).

// pdfValue writes an engine's figure string for a PDF: grouped amounts,
// a hyphen for negatives (the PDF's core fonts have no minus sign).
func pdfValue(v string) string {
	if v == "" {
		return "undetermined"
	}
	neg := strings.HasPrefix(v, "-")
	if a, err := money.ParseAmount(strings.TrimPrefix(v, "-")); err == nil && len(v)-strings.Index(v, ".") == 3 {
		s := a.Grouped()
		if neg {
			return "-" + s
		}
		return s
	}
	return v
}

func newPDF(title string) (*fpdf.Fpdf, func(string) string) {
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetTitle(title, true)
	pdf.SetCreator("revolver", false)
	// Fonts and images in a fixed order: one document, one set of bytes.
	pdf.SetCatalogSort(true)
	pdf.AliasNbPages("{nb}")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s - page %d of {nb}", title, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	return pdf, tr
}

// exportVersion names the layout of the exported files: a new layout is a
// new version of every document (change it with the layout).
const exportVersion = "1"

// decidedVersion: the document of a decided certificate (approved,
// rejected, withdrawn) changes no more; it is answered with a strong ETag
// (from the certificate's stored hashes, its decision and the layout) and
// Last-Modified (its decision), and 304 to a conditional GET that names
// them (true: answered). A certificate not yet decided is not versioned.
func (rq *req) decidedVersion(c store.Certificate, format string) bool {
	if c.DecidedAt.IsZero() {
		return false
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%d",
		exportVersion, format, rq.fac.Name, c.ID, c.Status, c.BodySHA256, c.ExplanationSHA256, c.Reviewer, c.Comment,
		c.DecidedAt.UTC().Format(time.RFC3339Nano), c.Supersedes)
	rq.w.Header().Set("Cache-Control", httpconv.Revalidate)
	return httpconv.NotModified(rq.w, rq.r, hex.EncodeToString(h.Sum(nil)[:16]), c.DecidedAt)
}

func sendFile(rq *req, contentType, name string, b []byte) error {
	rq.w.Header().Set("Content-Type", contentType)
	rq.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := rq.w.Write(b)
	return err
}

// keepTogether starts a new page unless h millimetres are left on this one.
func keepTogether(pdf *fpdf.Fpdf, h float64) {
	_, ph := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	if pdf.GetY()+h > ph-bottom {
		pdf.AddPage()
	}
}

func signatureBlock(pdf *fpdf.Fpdf, tr func(string) string, who string) {
	keepTogether(pdf, 60)
	pdf.Ln(8)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(0, 6, tr(who), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	for _, l := range []string{"Signature", "Name", "Title", "Date"} {
		pdf.Ln(4)
		pdf.CellFormat(30, 6, tr(l+":"), "", 0, "L", false, 0, "")
		x, y := pdf.GetX(), pdf.GetY()
		pdf.Line(x, y+6, x+95, y+6)
		pdf.Ln(6)
	}
}

func (s *Server) certificatePDF(rq *req) error {
	c, err := rq.loadCertificate()
	if err != nil {
		return err
	}
	if rq.decidedVersion(c, "pdf") {
		return nil
	}
	sh, err := s.shownCertificate(ctxOf(rq), c)
	if err != nil {
		return err
	}
	b, err := certificatePDFBytes(rq.fac, sh.rec)
	if err != nil {
		return err
	}
	return sendFile(rq, "application/pdf", fmt.Sprintf("%s-certificate-%d-%s.pdf", rq.fac.Slug, c.ID, c.AsOf), b)
}

// certificatePDFBytes prints the certificate's record: the figures stored
// with it, next to the SHA-256 of what was stored.
func certificatePDFBytes(f store.Facility, rec *app.CertificateRecord) ([]byte, error) {
	c := rec.Certificate
	pdf, tr := newPDF("Borrowing Base Certificate")
	// The same certificate prints the same bytes (its ETag promises it).
	if last := lastChange(c); !last.IsZero() {
		pdf.SetCreationDate(last)
		pdf.SetModificationDate(last)
	}
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 9, tr("Borrowing Base Certificate"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, tr(f.Name), "", "L", false)
	pdf.Ln(2)
	meta := [][2]string{
		{"Certificate", fmt.Sprintf("No. %d", c.ID)},
		{"As of", c.AsOf.String() + " (" + c.AsOf.Time().Format("Monday 2 January 2006") + ")"},
		{"Currency", rec.Currency},
		{"Status", string(c.Status)},
		{"Submitted", c.SubmittedBy + ", " + c.SubmittedAt.UTC().Format("2006-01-02 15:04 UTC")},
	}
	if c.Supersedes != 0 {
		meta = append(meta, [2]string{"Supersedes", fmt.Sprintf("No. %d, for the same date", c.Supersedes)})
	}
	if c.Reviewer != "" {
		meta = append(meta, [2]string{strings.ToUpper(string(c.Status[:1])) + string(c.Status[1:]), c.Reviewer + ", " + c.DecidedAt.UTC().Format("2006-01-02 15:04 UTC")})
	}
	for _, m := range meta {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(32, 5.5, tr(m[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(0, 5.5, tr(m[1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.SetFillColor(235, 239, 244)
	pdf.CellFormat(125, 7, tr("Line"), "B", 0, "L", true, 0, "")
	pdf.CellFormat(0, 7, tr("Amount ("+rec.Currency+")"), "B", 1, "R", true, 0, "")
	for _, l := range flatten(rec.Explanation) {
		style := ""
		if l.Total {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 9.5)
		indent := float64(l.Depth) * 5
		if indent > 0 { // a zero width would extend the cell to the margin
			pdf.CellFormat(indent, 5.2, "", "", 0, "L", false, 0, "")
		}
		label := l.Label
		if r := []rune(label); len(r) > 78-l.Depth*3 {
			label = string(r[:75-l.Depth*3]) + "..."
		}
		pdf.CellFormat(125-indent, 5.2, tr(label), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5.2, tr(pdfValue(l.Value)), "", 1, "R", false, 0, "")
		pdf.SetDrawColor(220, 220, 220)
		pdf.Line(18, pdf.GetY(), 197.9, pdf.GetY())
	}
	pdf.Ln(5)
	keepTogether(pdf, 85)
	pdf.SetFont("Helvetica", "", 9.5)
	pdf.MultiCell(0, 5, tr(fmt.Sprintf("The undersigned officer of the Borrower certifies to the Lender that this Borrowing Base Certificate "+
		"was prepared from the Borrower's books and records as of %s, that the receivables aging, debtor list and inventory report "+
		"it was computed from (SHA-256 below) are true, correct and complete, and that the Borrowing Base shown was determined "+
		"in accordance with the Loan Agreement as amended.", c.AsOf)), "", "L", false)
	signatureBlock(pdf, tr, "For the Borrower")
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 7.5)
	for _, in := range c.Inputs {
		pdf.MultiCell(0, 4, tr(fmt.Sprintf("%s (%d bytes) SHA-256 %s", in.Name, in.Size, in.SHA256)), "", "L", false)
	}
	if c.BodySHA256 != "" {
		pdf.MultiCell(0, 4, tr("Computed certificate SHA-256 "+c.BodySHA256), "", "L", false)
	}
	if c.ExplanationSHA256 != "" {
		pdf.MultiCell(0, 4, tr("Explanation SHA-256 "+c.ExplanationSHA256), "", "L", false)
	}
	if rec.Recomputed {
		pdf.MultiCell(0, 4, tr("Stored before explanations were kept: the lines are its reports computed again."), "", "L", false)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Server) certificateXLSX(rq *req) error {
	c, err := rq.loadCertificate()
	if err != nil {
		return err
	}
	if rq.decidedVersion(c, "xlsx") {
		return nil
	}
	sh, err := s.shownCertificate(ctxOf(rq), c)
	if err != nil {
		return err
	}
	b, err := certificateXLSXBytes(rq.fac, sh.rec)
	if err != nil {
		return err
	}
	return sendFile(rq, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf("%s-certificate-%d-%s.xlsx", rq.fac.Slug, c.ID, c.AsOf), b)
}

// certificateXLSXBytes writes the certificate's lines with their amounts
// as numbers (written from the decimal strings, never through floating
// point) and each line's formula and clauses.
func certificateXLSXBytes(f store.Facility, rec *app.CertificateRecord) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	const sh = "Certificate"
	if err := x.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	num, err := x.NewStyle(&excelize.Style{NumFmt: 4})
	if err != nil {
		return nil, err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	c := rec.Certificate
	rows := [][2]string{{"Borrowing Base Certificate", ""}, {"Facility", f.Name}, {"Certificate", fmt.Sprint(c.ID)}, {"As of", c.AsOf.String()},
		{"Status", string(c.Status)}, {"Submitted by", c.SubmittedBy}, {"Reviewed by", c.Reviewer}, {"Currency", rec.Currency}}
	for i, r := range rows {
		x.SetCellStr(sh, fmt.Sprintf("A%d", i+1), r[0])
		x.SetCellStr(sh, fmt.Sprintf("B%d", i+1), r[1])
	}
	x.SetCellStyle(sh, "A1", "A1", bold)
	hdr := len(rows) + 2
	for i, h := range []string{"Line", "Amount", "Key", "Formula", "Clauses", "Input rows"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, hdr)
		x.SetCellStr(sh, cell, h)
	}
	x.SetCellStyle(sh, fmt.Sprintf("A%d", hdr), fmt.Sprintf("F%d", hdr), bold)
	r := hdr + 1
	var walk func(n *explain.Node, depth int)
	walk = func(n *explain.Node, depth int) {
		x.SetCellStr(sh, fmt.Sprintf("A%d", r), strings.Repeat("   ", depth)+n.Label)
		if n.Value != "" {
			x.SetCellDefault(sh, fmt.Sprintf("B%d", r), n.Value)
			x.SetCellStyle(sh, fmt.Sprintf("B%d", r), fmt.Sprintf("B%d", r), num)
		} else {
			x.SetCellStr(sh, fmt.Sprintf("B%d", r), "undetermined")
		}
		x.SetCellStr(sh, fmt.Sprintf("C%d", r), n.Key)
		x.SetCellStr(sh, fmt.Sprintf("D%d", r), n.Formula)
		var cites []string
		for _, c := range n.Cites {
			cites = append(cites, c.String())
		}
		x.SetCellStr(sh, fmt.Sprintf("E%d", r), strings.Join(cites, "; "))
		if n.Rows != nil {
			x.SetCellDefault(sh, fmt.Sprintf("F%d", r), fmt.Sprint(n.Rows.Count))
		}
		r++
		for _, ch := range n.Children {
			walk(ch, depth+1)
		}
	}
	walk(rec.Explanation, 0)
	x.SetColWidth(sh, "A", "A", 60)
	x.SetColWidth(sh, "B", "B", 18)
	x.SetColWidth(sh, "C", "C", 36)
	x.SetColWidth(sh, "D", "E", 50)
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// compliancePDF is the compliance certificate for one period: each
// covenant's actual, required, headroom and result as the covenant engine
// gives them on the statements known on a date.
func (s *Server) compliancePDF(rq *req) error {
	knownOn, err := rq.queryDate("as_known_on", rq.today())
	if err != nil {
		return err
	}
	res, err := s.covenants(ctxOf(rq), rq.fac.Slug, rq.endOfBusiness(knownOn))
	if err != nil {
		return err
	}
	periods := byPeriod(res)
	if len(periods) == 0 {
		return userErr(http.StatusNotFound, "No financial statements are recorded yet, so there is no compliance certificate to print.")
	}
	pe := periods[0]
	if v := rq.r.URL.Query().Get("period"); v != "" {
		d, err := date.Parse(v)
		if err != nil {
			return userErr(http.StatusBadRequest, fmt.Sprintf("period %q is not a date: use YYYY-MM-DD.", v))
		}
		found := false
		for _, p := range periods {
			if p.PeriodEnd == d {
				pe, found = p, true
			}
		}
		if !found {
			return userErr(http.StatusNotFound, fmt.Sprintf("No covenant test for a period ending %s: choose a period from the covenants page.", d))
		}
	}
	b, err := compliancePDFBytes(rq.fac, pe, knownOn)
	if err != nil {
		return err
	}
	return sendFile(rq, "application/pdf", fmt.Sprintf("%s-compliance-%s.pdf", rq.fac.Slug, pe.PeriodEnd), b)
}

func compliancePDFBytes(f store.Facility, pe covPeriod, knownOn date.Date) ([]byte, error) {
	pdf, tr := newPDF("Compliance Certificate")
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 9, tr("Compliance Certificate"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, tr(f.Name), "", "L", false)
	pdf.MultiCell(0, 5, tr(fmt.Sprintf("Fiscal period %s ended %s; financial statements as recorded by %s.", pe.Period, pe.PeriodEnd, knownOn)), "", "L", false)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 9.5)
	pdf.SetFillColor(235, 239, 244)
	w := []float64{62, 30, 30, 30, 0}
	for i, h := range []string{"Covenant", "Actual", "Required", "Headroom", "Result"} {
		al := "R"
		if i == 0 {
			al = "L"
		}
		if i == 4 {
			al = "C"
		}
		ln := 0
		if i == 4 {
			ln = 1
		}
		pdf.CellFormat(w[i], 7, tr(h), "B", ln, al, true, 0, "")
	}
	pdf.SetFont("Helvetica", "", 9.5)
	for _, t := range pe.Tests {
		pdf.CellFormat(w[0], 6, tr(t.Label), "", 0, "L", false, 0, "")
		pdf.CellFormat(w[1], 6, pdfValue(t.Actual.String()), "", 0, "R", false, 0, "")
		pdf.CellFormat(w[2], 6, pdfValue(t.Required.String()), "", 0, "R", false, 0, "")
		pdf.CellFormat(w[3], 6, pdfValue(t.Headroom.String()), "", 0, "R", false, 0, "")
		pdf.CellFormat(w[4], 6, strings.ToUpper(t.Result), "", 1, "C", false, 0, "")
		var cites []string
		for _, c := range t.Cites {
			cites = append(cites, c.String())
		}
		pdf.SetFont("Helvetica", "", 7.5)
		note := strings.Join(cites, "; ")
		if t.Reason != "" {
			note += ". " + t.Reason
		}
		if t.Waiver != nil {
			note += "; " + t.Waiver.Text()
		}
		pdf.MultiCell(0, 4, tr(note), "", "L", false)
		pdf.SetFont("Helvetica", "", 9.5)
		pdf.SetDrawColor(220, 220, 220)
		pdf.Line(18, pdf.GetY()+1, 197.9, pdf.GetY()+1)
		pdf.Ln(2)
	}
	pdf.Ln(4)
	failing := 0
	for _, t := range pe.Tests {
		if t.Result == covenant.Fail {
			failing++
		}
	}
	text := "The undersigned officer of the Borrower certifies that the figures above were computed from the Borrower's financial statements for the period, in accordance with the Loan Agreement as amended, and that the Borrower is in compliance with each financial covenant shown."
	if failing > 0 {
		text = fmt.Sprintf("The undersigned officer of the Borrower certifies that the figures above were computed from the Borrower's financial statements for the period, in accordance with the Loan Agreement as amended. %d covenant(s) marked FAIL were not met for the period.", failing)
	}
	pdf.MultiCell(0, 5, tr(text), "", "L", false)
	signatureBlock(pdf, tr, "For the Borrower")
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// lastChange is when a certificate last changed: created, submitted or
// decided.
func lastChange(c store.Certificate) time.Time {
	t := c.CreatedAt
	for _, x := range []time.Time{c.SubmittedAt, c.DecidedAt} {
		if x.After(t) {
			t = x
		}
	}
	return t
}
