package httpapi

import (
	"net/http"
	"time"

	"revolver/agreement"
	"revolver/certpdf"
	"revolver/date"
	"revolver/store"
)

// The compliance certificate of a covenant test date, as a PDF: the
// covenant engine's results of the period (as GET …/covenants answers
// them) with the statement figures used, the attestation and the
// signature block (certpdf, the pages' layout).

func (s *Server) complianceRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return []*Route{
		{Method: "GET", Path: f + "/covenants/{period_end}/compliance-certificate.pdf", Summary: "The compliance certificate of a covenant test date as a PDF: each covenant's actual, required, headroom and result (pass, fail, waived, not applicable, undetermined) for the period, the financial statement figures used, the attestation and the signature block, on the statements as known at a time (default now)", Query: []string{"known_at"}, Response: "Covenants", h: s.complianceCertificate},
	}
}

func init() {
	routeDocs["GET /api/v1/facilities/{slug}/covenants/{period_end}/compliance-certificate.pdf"] = routeDoc{contentOnly: true,
		headers: obj{"Content-Disposition": obj{"$ref": "#/components/headers/Content-Disposition"}},
		content: obj{"application/pdf": obj{"schema": obj{"type": "string", "format": "binary", "description": "the compliance certificate printed"}}}}
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
	w := c.w
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+certpdf.ComplianceName(in)+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	c.w = discard{h: http.Header{}}
	return nil, nil
}
