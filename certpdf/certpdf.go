// Package certpdf prints the documents a borrower's officer signs and
// files: the borrowing base certificate (from its stored record, never a
// recomputation) and the compliance certificate of a covenant test date
// (from the covenant engine's results). The pages and the API answer the
// same bytes. Figures are printed as the records give them; the page
// geometry is in millimetres (layout, not money).
package certpdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"revolver/money"
)

// Layout: Letter, 18 mm side margins.
const (
	left    = 18.0
	width   = 215.9 - 2*18
	valueW  = 42.0 // the right-hand column of figures
	lineH   = 4.8
	signH   = 5 + 6 + 4*(3+6) // the signature block's height
	bottomM = 18.0
)

// Figure writes an engine's figure string for a PDF: grouped amounts, a
// hyphen for negatives (the PDF's core fonts have no minus sign),
// "undetermined" for "".
func Figure(v string) string {
	if v == "" {
		return "undetermined"
	}
	neg := strings.HasPrefix(v, "-")
	if a, err := money.ParseAmount(strings.TrimPrefix(v, "-")); err == nil && strings.Contains(v, ".") && len(v)-strings.Index(v, ".") == 3 {
		s := a.Grouped()
		if neg {
			return "-" + s
		}
		return s
	}
	return v
}

// doc is one document being printed.
type doc struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

// newDoc starts a document whose dates are at (the same record prints
// the same bytes); compress is off only for tests reading the content.
func newDoc(title, footer string, at time.Time, compress bool) *doc {
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetCompression(compress)
	pdf.SetMargins(left, 16, left)
	pdf.SetAutoPageBreak(true, bottomM)
	pdf.SetTitle(title, true)
	pdf.SetCreator("revolver", false)
	// Fonts and images in a fixed order: one document, one set of bytes.
	pdf.SetCatalogSort(true)
	if at.IsZero() {
		at = time.Unix(0, 0)
	}
	pdf.SetCreationDate(at.UTC())
	pdf.SetModificationDate(at.UTC())
	pdf.AliasNbPages("{nb}")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s - page %d of {nb}", footer, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	return &doc{pdf: pdf, tr: tr}
}

func (d *doc) bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := d.pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// room starts a new page unless h millimetres are left on this one.
func (d *doc) room(h float64) {
	_, ph := d.pdf.GetPageSize()
	if d.pdf.GetY()+h > ph-bottomM {
		d.pdf.AddPage()
	}
}

// textHeight is the height of text wrapped to w at line height h in the
// current font.
func (d *doc) textHeight(text string, w, h float64) float64 {
	return float64(d.lines(text, w)) * h
}

// lines is how many lines text takes wrapped to w in the current font
// (as MultiCell wraps it).
func (d *doc) lines(text string, w float64) int {
	return max(1, len(d.pdf.SplitLines([]byte(d.tr(text)), w)))
}

func (d *doc) title(t string, sub ...string) {
	d.pdf.SetFont("Helvetica", "B", 16)
	d.pdf.CellFormat(0, 9, d.tr(t), "", 1, "L", false, 0, "")
	d.pdf.SetFont("Helvetica", "", 10)
	for _, s := range sub {
		d.pdf.MultiCell(0, 5, d.tr(s), "", "L", false)
	}
	d.pdf.Ln(2)
}

func (d *doc) heading(t string) {
	d.room(7 + 2*lineH)
	d.pdf.Ln(3)
	d.pdf.SetFont("Helvetica", "B", 10.5)
	d.pdf.CellFormat(0, 6.5, d.tr(t), "B", 1, "L", false, 0, "")
	d.pdf.SetFont("Helvetica", "", 9.5)
}

// meta writes labelled facts, the values wrapped.
func (d *doc) meta(rows [][2]string) {
	for _, m := range rows {
		d.pdf.SetFont("Helvetica", "B", 10)
		d.pdf.CellFormat(32, 5, d.tr(m[0]), "", 0, "L", false, 0, "")
		d.pdf.SetFont("Helvetica", "", 10)
		d.pdf.MultiCell(0, 5, d.tr(m[1]), "", "L", false)
	}
}

// row writes a label indented by indent, wrapped to its column (never
// cut), and its value right-aligned on the label's first line.
func (d *doc) row(indent float64, label, value string, bold, rule bool) {
	style := ""
	if bold {
		style = "B"
	}
	d.pdf.SetFont("Helvetica", style, 9.5)
	w := width - valueW - indent
	d.room(d.textHeight(label, w, lineH))
	y := d.pdf.GetY()
	d.pdf.SetX(left + indent)
	d.pdf.MultiCell(w, lineH, d.tr(label), "", "L", false)
	end := d.pdf.GetY()
	d.pdf.SetXY(left+width-valueW, y)
	d.pdf.CellFormat(valueW, lineH, d.tr(value), "", 0, "R", false, 0, "")
	d.pdf.SetY(end)
	if rule {
		d.pdf.SetDrawColor(220, 220, 220)
		d.pdf.Line(left, end, left+width, end)
	}
}

// attest writes the attestation and the signature block on one page
// (a new one when they do not fit on this one); name and title, when the
// officer gave them with the submission, are printed on their lines.
func (d *doc) attest(text, who string, signer ...string) {
	d.pdf.SetFont("Helvetica", "", 9.5)
	d.pdf.Ln(4)
	d.room(d.textHeight(text, width, 5) + signH)
	d.pdf.MultiCell(0, 5, d.tr(text), "", "L", false)
	d.pdf.Ln(5)
	d.pdf.SetFont("Helvetica", "B", 10)
	d.pdf.CellFormat(0, 6, d.tr(who), "", 1, "L", false, 0, "")
	d.pdf.SetFont("Helvetica", "", 10)
	for i, l := range []string{"Signature", "Name", "Title", "Date"} {
		d.pdf.Ln(3)
		d.pdf.CellFormat(30, 6, d.tr(l+":"), "", 0, "L", false, 0, "")
		x, y := d.pdf.GetX(), d.pdf.GetY()
		if k := i - 1; k >= 0 && k < len(signer) && signer[k] != "" {
			d.pdf.CellFormat(95, 6, d.tr(signer[k]), "", 0, "L", false, 0, "")
		}
		d.pdf.SetDrawColor(0, 0, 0)
		d.pdf.Line(x, y+6, x+95, y+6)
		d.pdf.Ln(6)
	}
}

func (d *doc) small(lines ...string) {
	d.pdf.SetFont("Helvetica", "", 7)
	for _, l := range lines {
		d.pdf.MultiCell(0, 3.5, d.tr(l), "", "L", false)
	}
}

// PageTexts reads back the text each page of a PDF printed here shows,
// one string per page (its strings in order, joined by spaces; the core
// fonts' Latin-1 decoded): how tests see what a document says.
func PageTexts(b []byte) ([]string, error) {
	var out []string
	parts := bytes.Split(b, []byte("/Type /Page\n"))
	for _, p := range parts[1:] {
		i := bytes.Index(p, []byte("stream\n"))
		j := bytes.Index(p, []byte("\nendstream"))
		if i < 0 || j < i {
			return nil, fmt.Errorf("page %d: no content stream", len(out)+1)
		}
		content := p[i+len("stream\n") : j]
		if bytes.Contains(p[:i], []byte("/FlateDecode")) {
			r, err := zlib.NewReader(bytes.NewReader(content))
			if err != nil {
				return nil, fmt.Errorf("page %d: %w", len(out)+1, err)
			}
			if content, err = io.ReadAll(r); err != nil {
				return nil, fmt.Errorf("page %d: %w", len(out)+1, err)
			}
		}
		var s []string
		for _, m := range shown.FindAllSubmatch(content, -1) {
			var u []rune
			for _, c := range []byte(unescape.Replace(string(m[1]))) {
				u = append(u, rune(c))
			}
			s = append(s, string(u))
		}
		out = append(out, strings.Join(s, " "))
	}
	return out, nil
}

var (
	shown    = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
	unescape = strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`)
)
