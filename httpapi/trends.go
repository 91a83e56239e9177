package httpapi

import (
	"strconv"
	"strings"

	"revolver/app"
)

// The facility's collateral over time (docs/trends.md): the trends of its
// certificates in force as known at a time (JSON, or one of their tables
// as CSV), and the aging migration between two certificates.

func (s *Server) trendsRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return []*Route{
		{Method: "GET", Path: f + "/trends", Summary: "The facility's collateral over time: one point per certificate in force as known at a time (gross, ineligible by category, eligible, availability, borrowing base, aging buckets, top debtors and their shares, dilution and DSO when measured), with the tables every surface shows (format=csv or Accept: text/csv: one table as CSV)", Query: []string{"known_at", "top", "format", "table"}, Response: "Trends", h: s.trends},
		{Method: "GET", Path: f + "/aging-migration", Summary: "How each aging bucket's dollars of an earlier certificate moved by a later one, invoice by invoice: the later balance by bucket, what was collected, credited or gone, and the new invoices", Query: []string{"from_certificate", "to_certificate"}, Response: "AgingMigration", h: s.agingMigration},
	}
}

func init() {
	queryDocs["top"] = obj{"description": "how many debtors to rank at each certificate (1–100, default 10)", "schema": obj{"type": "integer", "minimum": 1, "maximum": app.MaxTopDebtors, "default": app.DefaultTopDebtors}}
	queryDocs["table"] = obj{"description": "the trends table exported as CSV: collateral (default), ineligible, aging or concentration", "schema": obj{"type": "string", "enum": app.TrendTableIDs}}
	queryDocs["from_certificate"] = obj{"description": "the earlier certificate's id (required)", "schema": obj{"type": "integer", "format": "int64", "minimum": 1}}
	queryDocs["to_certificate"] = obj{"description": "the later certificate's id (required)", "schema": obj{"type": "integer", "format": "int64", "minimum": 1}}
	routeDocs["GET /api/v1/facilities/{slug}/trends"] = routeDoc{headers: obj{"Content-Disposition": obj{"$ref": "#/components/headers/Content-Disposition"}}, content: obj{
		"text/csv": obj{"schema": obj{"type": "string", "description": "one table (table=…) as CSV with a header row naming the columns (format=csv or Accept: text/csv)"}}}}
}

// trendsAnswer is the trends with their tables.
type trendsAnswer struct {
	app.Trends
	Tables []app.TrendTable `json:"tables"`
}

func (s *Server) readTrends(c *call) (app.Trends, error) {
	q := c.r.URL.Query()
	knownAt, err := c.knownAt(0)
	if err != nil {
		return app.Trends{}, err
	}
	top := 0
	if v := q.Get("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > app.MaxTopDebtors {
			return app.Trends{}, fieldErr("top", "%q: expected a whole number from 1 to %d", v, app.MaxTopDebtors)
		}
		top = n
	}
	return s.svc.Trends(c.r.Context(), c.fac.Slug, knownAt, top)
}

func (s *Server) trends(c *call) (any, error) {
	format := c.r.URL.Query().Get("format")
	if format == "" && strings.Contains(c.r.Header.Get("Accept"), "text/csv") {
		format = "csv"
	}
	if format != "" && format != "json" && format != "csv" {
		return nil, fieldErr("format", "%q: expected json or csv", format)
	}
	if format == "csv" {
		return s.trendsCSV(c)
	}
	t, err := s.readTrends(c)
	if err != nil {
		return nil, err
	}
	return trendsAnswer{Trends: t, Tables: t.Tables()}, nil
}

func (s *Server) trendsCSV(c *call) (any, error) {
	id := c.r.URL.Query().Get("table")
	if id == "" {
		id = app.TrendTableIDs[0]
	}
	t, err := s.readTrends(c)
	if err != nil {
		return nil, err
	}
	tb, ok := t.Table(id)
	if !ok {
		return nil, fieldErr("table", "%q: expected one of %s", id, strings.Join(app.TrendTableIDs, ", "))
	}
	return s.sendFile(c, "text/csv; charset=utf-8", c.fac.Slug+"-trends-"+id+".csv", tb.CSV())
}

func (s *Server) agingMigration(c *call) (any, error) {
	q := c.r.URL.Query()
	id := func(field string) (int64, error) {
		v := q.Get(field)
		n, err := strconv.ParseInt(v, 10, 64)
		if v == "" || err != nil || n < 1 {
			return 0, fieldErr(field, "%q: expected a certificate id (a whole number from 1)", v)
		}
		return n, nil
	}
	from, err := id("from_certificate")
	if err != nil {
		return nil, err
	}
	to, err := id("to_certificate")
	if err != nil {
		return nil, err
	}
	return s.svc.AgingMigration(c.r.Context(), c.fac.Slug, from, to)
}
