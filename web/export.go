package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"revolver/app"
	"revolver/certpdf"
	"revolver/date"
	"revolver/explain"
	"revolver/httpconv"
	"revolver/store"
)

// exportVersion names the layout of the exported files: a new layout is a
// new version of every document (change it with the layout).
const exportVersion = "2"

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

func (s *Server) certificatePDF(rq *req) error {
	c, err := rq.loadCertificate()
	if err != nil {
		return err
	}
	if rq.decidedVersion(c, "pdf") {
		return nil
	}
	ctx := ctxOf(rq)
	sh, err := s.shownCertificate(ctx, c)
	if err != nil {
		return err
	}
	in := certpdf.Certificate{FacilityName: rq.fac.Name, FacilitySlug: rq.fac.Slug, Record: sh.rec}
	if in.Position, err = s.svc.CertificatePosition(ctx, c); err != nil {
		return err
	}
	b, err := certpdf.CertificateBytes(in)
	if err != nil {
		return err
	}
	return sendFile(rq, "application/pdf", certpdf.CertificateName(in), b)
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
	knownAt := rq.endOfBusiness(knownOn)
	res, err := s.covenants(ctxOf(rq), rq.fac.Slug, knownAt)
	if err != nil {
		return err
	}
	periods := byPeriod(res)
	if len(periods) == 0 {
		return userErr(http.StatusNotFound, "No financial statements are recorded yet, so there is no compliance certificate to print.")
	}
	pe := periods[0].PeriodEnd
	if v := rq.r.URL.Query().Get("period"); v != "" {
		if pe, err = date.Parse(v); err != nil {
			return userErr(http.StatusBadRequest, fmt.Sprintf("period %q is not a date: use YYYY-MM-DD.", v))
		}
	}
	in, ok := certpdf.ComplianceOf(res, pe, knownAt)
	if !ok {
		return userErr(http.StatusNotFound, fmt.Sprintf("No covenant test for a period ending %s: choose a period from the covenants page.", pe))
	}
	in.FacilityName, in.FacilitySlug = rq.fac.Name, rq.fac.Slug
	b, err := certpdf.ComplianceBytes(in)
	if err != nil {
		return err
	}
	return sendFile(rq, "application/pdf", certpdf.ComplianceName(in), b)
}
