package httpapi

import (
	"strings"
	"time"

	"revolver/statement"
	"revolver/statement/statementpdf"
)

// The borrower's monthly statement (docs/statement.md): JSON, or the PDF
// (format=pdf or Accept: application/pdf).

func (s *Server) statementRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return []*Route{
		{Method: "GET", Path: f + "/statements/{month}", Summary: "The borrower's statement of a month (YYYY-MM) as known at a time: the opening balance owed, the month's transactions by section (advances, repayments, collections applied by the day received, returned items, interest by rate period and by loan with the rate and day count, fees, costs, payments, letters of credit), the closing balance and the interest and fees due with their due date, every figure naming the ledger transactions it sums (format=pdf or Accept: application/pdf: the PDF)", Query: []string{"known_at", "format"}, Response: "Statement", h: s.statement},
	}
}

func init() {
	routeDocs["GET /api/v1/facilities/{slug}/statements/{month}"] = routeDoc{headers: obj{"Content-Disposition": obj{"$ref": "#/components/headers/Content-Disposition"}}, content: obj{
		"application/pdf": obj{"schema": obj{"type": "string", "format": "binary", "description": "the statement printed (format=pdf or Accept: application/pdf)"}}}}
}

func (s *Server) statement(c *call) (any, error) {
	v := c.r.PathValue("month")
	t, err := time.Parse("2006-01", v)
	if err != nil {
		return nil, fieldErr("month", "%q: expected a month YYYY-MM", v)
	}
	format := c.r.URL.Query().Get("format")
	if format == "" && strings.Contains(c.r.Header.Get("Accept"), "application/pdf") {
		format = "pdf"
	}
	if format != "" && format != "json" && format != "pdf" {
		return nil, fieldErr("format", "%q: expected json or pdf", format)
	}
	_, to, err := statement.MonthOf(t.Year(), t.Month())
	if err != nil {
		return nil, fieldErr("month", "%q: %v", v, err)
	}
	knownAt, err := c.knownAt(to)
	if err != nil {
		return nil, err
	}
	st, err := s.svc.Statement(c.r.Context(), c.fac.Slug, t.Year(), t.Month(), knownAt)
	if err != nil {
		return nil, err
	}
	if format != "pdf" {
		return st, nil
	}
	b, err := statementpdf.Bytes(st, c.fac.Name)
	if err != nil {
		return nil, err
	}
	return s.sendPDF(c, statementpdf.Name(st), b)
}
