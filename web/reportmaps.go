package web

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"revolver/app"
	"revolver/collateral"
	"revolver/date"
	"revolver/store"
)

// The report formats page: the column map and layout the facility keeps
// for each kind of report (docs/reports.md), set by the borrower's
// controller once, with a preview of a file read with it before it is
// saved. One form holds every kind's box, so that a preview or a refusal
// of one leaves what was typed in the others as it was.

func init() {
	flashes["report_map_set"] = flashMsg{"The %s format is saved: the reports of that kind submitted from now on are read with it.", []*regexp.Regexp{regexp.MustCompile(`^[a-z_]{1,40}$`)}}
}

// mapBox is one kind of report on the page: its saved map, the map as
// typed, and a preview or the problems of a file read with it.
type mapBox struct {
	Kind, Label string
	Saved       *app.ReportMap
	// The form's values.
	Columns, DateFormat, HeaderRow, Sheet, Markers, MarkerColumn, Defaults string
	Preview                                                                *collateral.Preview
	Errors                                                                 []string // the map's or the file's problems, next to the box
	Acted                                                                  bool     // the box the last button was in
}

type reportMapsPage struct {
	AsOf        string
	Boxes       []mapBox
	DateFormats []string
	Setter      bool
}

var mapLabels = map[string]string{
	"receivables": "Receivables aging", "debtors": "Debtors (customer list)", "inventory": "Inventory",
	"sales": "Sales journal", "collections": "Collections journal", "credits": "Credits journal", "inventory_activity": "Inventory activity",
}

// boxOf fills a box's form values from a map.
func boxOf(kind string, m collateral.ReportMap) mapBox {
	b := mapBox{Kind: kind, Label: mapLabels[kind]}
	var cols []string
	for _, c := range collateral.StandardColumns(kind) {
		if h, ok := m.Columns[c]; ok {
			cols = append(cols, c+"="+h)
		}
	}
	b.Columns = strings.Join(cols, ", ")
	if l := m.Layout; l != nil {
		b.DateFormat, b.Sheet, b.MarkerColumn = l.DateFormat, l.Sheet, l.MarkerColumn
		if l.HeaderRow > 0 {
			b.HeaderRow = strconv.Itoa(l.HeaderRow)
		}
		b.Markers = strings.Join(l.TotalMarkers, "|")
		var ds []string
		for _, c := range collateral.StandardColumns(kind) {
			if v, ok := l.Defaults[c]; ok {
				ds = append(ds, c+"="+v)
			}
		}
		b.Defaults = strings.Join(ds, ", ")
	}
	return b
}

// mapOf reads a box's form values as a map: "" everywhere is no map.
func (b *mapBox) mapOf() (collateral.ReportMap, error) {
	var m collateral.ReportMap
	var err error
	if m.Columns, err = collateral.ParseColumnMap(b.Columns); err != nil {
		return m, fmt.Errorf("Columns: %v", err)
	}
	if (b.DateFormat == "" || b.DateFormat == collateral.DateISO) && b.HeaderRow == "" && b.Sheet == "" && b.Markers == "" && b.MarkerColumn == "" && b.Defaults == "" {
		return m, nil
	}
	l := &collateral.Layout{DateFormat: b.DateFormat, Sheet: b.Sheet, MarkerColumn: b.MarkerColumn}
	if b.DateFormat == collateral.DateISO {
		l.DateFormat = ""
	}
	if b.HeaderRow != "" {
		n, err := strconv.Atoi(b.HeaderRow)
		if err != nil || n < 1 {
			return m, fmt.Errorf("Header row: found %q, expected a row number from 1 (or empty: found by the column names)", b.HeaderRow)
		}
		l.HeaderRow = n
	}
	for mk := range strings.SplitSeq(b.Markers, "|") {
		if mk = strings.TrimSpace(mk); mk != "" {
			l.TotalMarkers = append(l.TotalMarkers, mk)
		}
	}
	for part := range strings.SplitSeq(b.Defaults, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return m, fmt.Errorf("Defaults: found %q, expected column=value (e.g. currency=USD)", strings.TrimSpace(part))
		}
		if l.Defaults == nil {
			l.Defaults = map[string]string{}
		}
		l.Defaults[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	m.Layout = l
	return m, nil
}

// mapBoxes are the page's boxes: the saved maps, or what the form posted.
func (s *Server) mapBoxes(rq *req) ([]mapBox, error) {
	saved, err := s.svc.ReportMaps(rq.actx(), rq.fac.Slug, time.Time{})
	if err != nil {
		return nil, err
	}
	posted := rq.r.Method == http.MethodPost
	var boxes []mapBox
	for _, k := range collateral.Kinds {
		var b mapBox
		var sv *app.ReportMap
		for i := range saved {
			if saved[i].Kind == k {
				sv = &saved[i]
			}
		}
		switch {
		case posted:
			f := func(n string) string { return strings.TrimSpace(rq.r.PostFormValue(n + "_" + k)) }
			b = mapBox{Kind: k, Label: mapLabels[k], Columns: f("columns"), DateFormat: f("date_format"), HeaderRow: f("header_row"),
				Sheet: f("sheet"), Markers: f("total_markers"), MarkerColumn: f("marker_column"), Defaults: f("defaults")}
		case sv != nil:
			b = boxOf(k, sv.Map)
		default:
			b = mapBox{Kind: k, Label: mapLabels[k]}
		}
		b.Saved = sv
		boxes = append(boxes, b)
	}
	return boxes, nil
}

func (s *Server) reportMapsPage(rq *req) error {
	boxes, err := s.mapBoxes(rq)
	if err != nil {
		return err
	}
	return s.renderMaps(rq, boxes)
}

func (s *Server) renderMaps(rq *req, boxes []mapBox) error {
	p := reportMapsPage{AsOf: strings.TrimSpace(rq.r.FormValue("as_of")), Boxes: boxes, DateFormats: collateral.DateFormats, Setter: rq.may(app.ActSetReportMap)}
	status := http.StatusOK
	if rq.status != 0 {
		status = rq.status
	}
	return rq.render(status, "reportmaps", rq.view("Report formats", "certificates", p))
}

// reportMapAction previews a file with one box's map, or saves the map
// (app.Service.PreviewReport, SetReportMap).
func (s *Server) reportMapAction(rq *req) error {
	if err := rq.parseForm(); err != nil {
		return err
	}
	action, kind, _ := strings.Cut(rq.r.PostFormValue("action"), ":")
	if !slices.Contains(collateral.Kinds, kind) || action != "preview" && action != "save" {
		return userErr(http.StatusBadRequest, "The form could not be read: choose Preview or Save in one of the boxes.")
	}
	if action == "save" {
		rq.asks(app.OpSetReportMap)
		if err := rq.allow(app.ActSetReportMap, "set report formats"); err != nil {
			return err
		}
	}
	boxes, err := s.mapBoxes(rq)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(boxes, func(b mapBox) bool { return b.Kind == kind })
	b := &boxes[i]
	b.Acted = true
	m, merr := b.mapOf()
	if merr != nil {
		b.Errors = []string{merr.Error()}
		rq.status = http.StatusUnprocessableEntity
		return s.renderMaps(rq, boxes)
	}
	if action == "save" {
		out, err := s.svc.SetReportMap(rq.actx(), rq.fac.Slug, app.SetReportMapInput{Kind: kind, Map: m, By: rq.user.Email})
		if err != nil {
			if _, msg, ok := refusal(err); ok && store.ErrorCode(err) == store.CodeInvalid {
				b.Errors = []string{msg}
			}
			return rq.refused(err, func(rq *req) error { return s.renderMaps(rq, boxes) })
		}
		return rq.done(rq.facPath("/report-maps#box-"+kind), "report_map_set", out.Kind)
	}
	name, data, ok, err := rq.uploaded("file_"+kind, 0)
	if err != nil {
		return err
	}
	if !ok {
		b.Errors = []string{"Choose the " + strings.ToLower(b.Label) + " file (CSV or XLSX) to preview."}
		rq.status = http.StatusUnprocessableEntity
		return s.renderMaps(rq, boxes)
	}
	in := app.PreviewInput{Kind: kind, File: store.InputContent{Name: name, Content: data}, Map: &m, Rows: 10}
	if v := strings.TrimSpace(rq.r.PostFormValue("as_of")); v != "" {
		d, err := date.Parse(v)
		if err != nil {
			b.Errors = []string{fmt.Sprintf("Period end: found %q, expected a date YYYY-MM-DD", v)}
			rq.status = http.StatusUnprocessableEntity
			return s.renderMaps(rq, boxes)
		}
		in.AsOf = d
		if t, err := s.terms.TermsAsOf(rq.r.Context(), rq.fac.Slug, d); err == nil {
			in.Currency = t.Currency
		}
	}
	pv, err := s.svc.PreviewReport(rq.actx(), rq.fac.Slug, in)
	if err != nil {
		if _, msg, ok := refusal(err); ok {
			b.Errors = []string{msg}
			rq.status = http.StatusUnprocessableEntity
			return s.renderMaps(rq, boxes)
		}
		return err
	}
	b.Preview = pv
	for _, e := range pv.Errors {
		b.Errors = append(b.Errors, e.Error())
	}
	if pv.ErrorsTotal > len(pv.Errors) {
		b.Errors = append(b.Errors, fmt.Sprintf("(%d more problems not shown)", pv.ErrorsTotal-len(pv.Errors)))
	}
	if len(b.Errors) > 0 {
		rq.status = http.StatusUnprocessableEntity
	}
	return s.renderMaps(rq, boxes)
}
