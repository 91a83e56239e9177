package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"revolver/app"
	"revolver/collateral"
)

// The report map routes: a facility's saved column maps and layouts, one
// per kind of report (docs/reports.md), and the preview of a report read
// with one before it is submitted.
func (s *Server) reportMapRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}/report-maps"
	return []*Route{
		{Method: "GET", Path: f, Summary: "The facility's column maps and layouts in force (as known at known_at), one per kind of report that has one", Query: []string{"known_at"}, Response: "ReportMapList", h: s.reportMaps},
		{Method: "GET", Path: f + "/{kind}/versions", Summary: "Every version of the facility's map of a kind of report, oldest first, each with who set it and when", Response: "ReportMapList", h: s.reportMapVersions},
		{Method: "POST", Path: f + "/{kind}", Summary: "Set the map of a kind of report: a new version (the column map and layout; {} clears it), used by every later submission that gives none", Roles: roles(app.ActSetReportMap), Mutating: true, Op: app.OpSetReportMap, Request: "ReportMapInput", Response: "ReportMap", Status: http.StatusCreated, h: s.setReportMap},
		{Method: "POST", Path: f + "/{kind}/preview", Summary: "Preview a report read with a map (the one given, or the saved one): the first rows as read, rows read, totals, dates outside the period, the rows the layout skipped, or every problem with its row and column; stores nothing", Upload: true, Request: "ReportPreviewUpload", Response: "ReportPreview", h: s.previewReport},
	}
}

type reportMapList struct {
	Maps []app.ReportMap `json:"maps"`
}

func (s *Server) reportMaps(c *call) (any, error) {
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	ms, err := s.svc.ReportMaps(c.r.Context(), c.fac.Slug, knownAt)
	if err != nil {
		return nil, err
	}
	return reportMapList{Maps: nonNil(ms)}, nil
}

func (s *Server) reportMapVersions(c *call) (any, error) {
	ms, err := s.svc.ReportMapHistory(c.r.Context(), c.fac.Slug, c.r.PathValue("kind"))
	if err != nil {
		return nil, err
	}
	return reportMapList{Maps: nonNil(ms)}, nil
}

func (s *Server) setReportMap(c *call) (any, error) {
	var m collateral.ReportMap
	if err := c.decodeJSON(&m); err != nil {
		return nil, err
	}
	out, err := c.svc().SetReportMap(c.r.Context(), c.fac.Slug, app.SetReportMapInput{Kind: c.r.PathValue("kind"), Map: m, By: c.user.Email})
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}

func (s *Server) previewReport(c *call) (any, error) {
	values, files, err := c.uploadParts(map[string]bool{"as_of": true, "map": true, "rows": true, "csrf_token": true},
		[]string{"file", "debtors"}, "expected file, and optionally debtors, as_of, map, rows")
	if err != nil {
		return nil, err
	}
	file, ok := files["file"]
	if !ok {
		return nil, fieldErr("file", "required: the report (CSV or XLSX file)")
	}
	asOf, err := parseDate("as_of", values["as_of"], false, 0)
	if err != nil {
		return nil, err
	}
	in := app.PreviewInput{Kind: c.r.PathValue("kind"), File: file, Debtors: files["debtors"], AsOf: asOf}
	if v := values["map"]; v != "" {
		var m collateral.ReportMap
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, fieldErr("map", "found %q, expected a report map as JSON ({\"columns\": {...}, \"layout\": {...}}): %v", v, err)
		}
		in.Map = &m
	}
	if v := values["rows"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return nil, fieldErr("rows", "found %q, expected a number of rows from 1 to 200", v)
		}
		in.Rows = n
	}
	if asOf != 0 {
		t, err := s.terms.TermsAsOf(c.r.Context(), c.fac.Slug, asOf)
		if err != nil {
			return nil, err
		}
		in.Currency = t.Currency
	}
	return s.svc.PreviewReport(c.r.Context(), c.fac.Slug, in)
}

// submissionMaps gives a certificate upload's inputs the maps of its
// maps field (JSON: kind → report map), if any.
func submissionMaps(in *app.CertificateInput, v string) error {
	if v == "" {
		return nil
	}
	var maps map[string]collateral.ReportMap
	if err := json.Unmarshal([]byte(v), &maps); err != nil {
		return fieldErr("maps", "found %q, expected report maps by kind as JSON ({\"receivables\": {\"columns\": {...}, \"layout\": {...}}}): %v", v, err)
	}
	return in.SetMaps(maps)
}
