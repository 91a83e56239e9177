package httpapi

import (
	"net/http"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/borrowingbase"
	"revolver/certpdf"
	"revolver/date"
	"revolver/store"
)

// The documents a borrower's officer signs, as PDFs (certpdf, the pages'
// layout, the same bytes): a borrowing base certificate from its stored
// record with, once approved, the loans, letters of credit and
// availability on its date as known at its approval; the compliance
// certificate of a covenant test date from the covenant engine's results
// of the period (as GET …/covenants answers them) with the statement
// figures used.

func (s *Server) documentRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return []*Route{
		{Method: "GET", Path: f + "/borrowing-base-certificates/{id}/certificate.pdf", Summary: "A submitted certificate as a PDF: its stored lines (never a recomputation) and, once approved, the loans and letters of credit outstanding and the availability on its date as known at its approval, the attestation and the signature block", Response: "Certificate", h: s.certificatePDF},
		{Method: "GET", Path: f + "/covenants/{period_end}/compliance-certificate.pdf", Summary: "The compliance certificate of a covenant test date as a PDF: each covenant's actual, required, headroom and result (pass, fail, waived, not applicable, undetermined) for the period, the financial statement figures used, the attestation and the signature block, on the statements as known at a time (default now)", Query: []string{"known_at"}, Response: "Covenants", h: s.complianceCertificate},
	}
}

func init() {
	routeDocs["GET /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/certificate.pdf"] = routeDoc{contentOnly: true,
		headers: obj{"Content-Disposition": obj{"$ref": "#/components/headers/Content-Disposition"}},
		content: obj{"application/pdf": obj{"schema": obj{"type": "string", "format": "binary", "description": "the certificate printed"}}}}
	routeDocs["GET /api/v1/facilities/{slug}/covenants/{period_end}/compliance-certificate.pdf"] = routeDoc{contentOnly: true,
		headers: obj{"Content-Disposition": obj{"$ref": "#/components/headers/Content-Disposition"}},
		content: obj{"application/pdf": obj{"schema": obj{"type": "string", "format": "binary", "description": "the compliance certificate printed"}}}}
}

func (s *Server) certificatePDF(c *call) (any, error) {
	cert, err := s.loadCertificate(c)
	if err != nil {
		return nil, err
	}
	if cert.Status == store.Draft || len(cert.Inputs) < 3 {
		return nil, errf(http.StatusNotFound, "not_found", "certificate %d has no stored reports to print", cert.ID)
	}
	ctx := c.r.Context()
	// A certificate stored before explanations were kept is printed from
	// its reports computed again, marked so (app.CertificateRecordOf).
	var now *borrowingbase.Certificate
	if len(cert.Explanation) == 0 {
		t, err := s.terms.TermsAsOf(ctx, cert.Facility, cert.AsOf)
		if err != nil {
			return nil, err
		}
		if now, err = s.svc.RecomputeCertificate(ctx, t, cert); err != nil {
			return nil, err
		}
	}
	rec, err := app.CertificateRecordOf(cert, now)
	if err != nil {
		return nil, err
	}
	in := certpdf.Certificate{FacilityName: c.fac.Name, FacilitySlug: c.fac.Slug, Record: rec}
	if in.Position, err = s.svc.CertificatePosition(ctx, cert); err != nil {
		return nil, err
	}
	b, err := certpdf.CertificateBytes(in)
	if err != nil {
		return nil, err
	}
	return s.sendPDF(c, certpdf.CertificateName(in), b)
}

// sendPDF answers a PDF file.
func (s *Server) sendPDF(c *call, name string, b []byte) (any, error) {
	return s.sendFile(c, "application/pdf", name, b)
}

// sendFile answers a file (not JSON) as an attachment named name. The
// caller of a request served as a kept one is confirmed first (confirm),
// as before any answer.
func (s *Server) sendFile(c *call, contentType, name string, b []byte) (any, error) {
	if err := s.confirm(c); err != nil {
		return nil, err
	}
	w := c.w
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	c.w = discard{h: http.Header{}}
	return nil, nil
}

func (s *Server) complianceCertificate(c *call) (any, error) {
	v := c.r.PathValue("period_end")
	pe, err := date.Parse(v)
	if err != nil {
		return nil, fieldErr("period_end", "%q: expected a date YYYY-MM-DD", v)
	}
	ctx := c.r.Context()
	q := c.r.URL.Query().Get("known_at")
	k, err := s.svc.ResolveKnownAt(ctx, c.fac.Slug, 0, q)
	if store.ErrorCode(err) == store.CodeInvalid {
		return nil, fieldErr("known_at", "%q: expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of that business day) or now", q)
	} else if err != nil {
		return nil, err
	}
	res, err := s.svc.Covenants(ctx, c.fac.Slug, k.Read(), func(d date.Date) (*agreement.Terms, error) {
		return s.terms.TermsAsOf(ctx, c.fac.Slug, d)
	})
	if err != nil {
		return nil, err
	}
	in, ok := certpdf.ComplianceOf(res, pe, k.At)
	if !ok {
		return nil, errf(http.StatusNotFound, "not_found", "no covenant test for a period ending %s as known at %s", pe, k.At.UTC().Format(time.RFC3339))
	}
	in.FacilityName, in.FacilitySlug = c.fac.Name, c.fac.Slug
	b, err := certpdf.ComplianceBytes(in)
	if err != nil {
		return nil, err
	}
	return s.sendPDF(c, certpdf.ComplianceName(in), b)
}
