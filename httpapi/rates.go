package httpapi

import (
	"mime"
	"net/http"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// The base-rate routes: series are the same for every facility.
func (s *Server) rateRoutes() []*Route {
	const r = "/api/v1/rates"
	return []*Route{
		{Method: "GET", Path: r, Summary: "The base-rate series revolver knows (prime, LIBOR, Term SOFR, SOFR, Federal Funds) with their number of values and latest value", Response: "RateSeriesList", h: s.rateSeriesList},
		{Method: "GET", Path: r + "/{series}", Summary: "A series' values by effective date, each with its source citation and when it was recorded", Response: "RateValues", h: s.rateValues},
		{Method: "POST", Path: r + "/{series}", Summary: "Record one value of a series, in force from its effective date, citing its source; the same value again stores nothing, another value for a recorded date is a conflict", Roles: roles(app.ActPostTransaction), Mutating: true, Op: app.OpRecordRate, Request: "RateInput", Response: "RateValue", Status: 201, h: s.recordRate},
		{Method: "GET", Path: "/api/v1/facilities/{slug}/interest", Summary: "The interest accrued on the facility's loans from from to to (default: the 31 days to the business date) by rate period, each explained: the base series' value in force with its source plus the margin, the day count, the days and the interest posted", Query: []string{"from", "to"}, Response: "InterestReport", h: s.interestReport},
		{Method: "POST", Path: r + "/{series}/import", Summary: "Import a series' values from a CSV (text/csv) as central banks publish them: a date column and a value column in percent, blank or \".\" on a day without a value (e.g. FRED's DPRIME.csv); all or none, a bad row named by file:line:column", Roles: roles(app.ActPostTransaction), Mutating: true, Op: app.OpImportRates, Request: "RatesCSV", Query: []string{"source", "file", "column"}, Response: "RateImport", Status: 201, h: s.importRates},
	}
}

type rateSeriesList struct {
	Series []app.RateSeriesSummary `json:"series"`
}

type rateValues struct {
	Series ledger.SeriesInfo  `json:"series"`
	Values []ledger.RatePoint `json:"values"`
}

type rateInput struct {
	Effective string `json:"effective"`
	// Rate: a percentage ("4.25%") or a decimal ("0.0425").
	Rate   string `json:"rate"`
	Source string `json:"source"`
}

func (s *Server) rateSeriesList(c *call) (any, error) {
	all, err := c.svc().RateSeriesList(c.r.Context())
	if err != nil {
		return nil, err
	}
	return rateSeriesList{Series: all}, nil
}

func seriesOf(c *call) (ledger.SeriesInfo, error) {
	name := c.r.PathValue("series")
	info, ok := ledger.Series(name)
	if !ok {
		return info, errf(http.StatusNotFound, "not_found", "%v", ledger.CheckSeries(name))
	}
	return info, nil
}

func (s *Server) rateValues(c *call) (any, error) {
	info, err := seriesOf(c)
	if err != nil {
		return nil, err
	}
	vals, err := c.svc().RateValues(c.r.Context(), info.Name)
	if err != nil {
		return nil, err
	}
	if vals == nil {
		vals = ledger.RateSeries{}
	}
	return rateValues{Series: info, Values: vals}, nil
}

func (s *Server) recordRate(c *call) (any, error) {
	info, err := seriesOf(c)
	if err != nil {
		return nil, err
	}
	var in rateInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	eff, err := date.Parse(in.Effective)
	if err != nil {
		return nil, fieldErr("effective", "%q: expected a date YYYY-MM-DD", in.Effective)
	}
	r, err := money.ParseRate(in.Rate)
	if err != nil || in.Rate == "" {
		return nil, fieldErr("rate", "%q: expected a percentage such as 4.25%% or a decimal such as 0.0425", in.Rate)
	}
	if in.Source == "" {
		return nil, fieldErr("source", "empty: expected where the value was taken from")
	}
	c.about(0, eff)
	p := ledger.RatePoint{Effective: eff, Value: r, Source: in.Source}
	if err := c.svc().RecordRate(c.r.Context(), info.Name, p); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) interestReport(c *call) (any, error) {
	to, err := c.queryDate("to")
	if err != nil {
		return nil, err
	}
	from := to - 30
	if v := c.r.URL.Query().Get("from"); v != "" {
		if from, err = c.queryDate("from"); err != nil {
			return nil, err
		}
	}
	if to < from {
		return nil, fieldErr("to", "%s is before from %s", to, from)
	}
	return c.svc().InterestByRatePeriod(c.r.Context(), c.fac.Slug, from, to)
}

func (s *Server) importRates(c *call) (any, error) {
	info, err := seriesOf(c)
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "text/csv" {
		return nil, errf(http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type %q: expected text/csv (a date column and a value column)", c.r.Header.Get("Content-Type"))
	}
	q := c.r.URL.Query()
	name := info.Name + ".csv"
	if v := q.Get("file"); v != "" {
		name = v
	}
	if q.Get("source") == "" {
		return nil, fieldErr("source", "empty: expected where the values were taken from (query source=…)")
	}
	rows, err := ledger.ReadRates(name, c.body, q.Get("column"))
	if err != nil {
		return nil, errf(http.StatusBadRequest, "invalid", "%v", err)
	}
	out, err := c.svc().ImportRates(c.r.Context(), info.Name, name, q.Get("source"), rows)
	if err != nil {
		return nil, err
	}
	return out, nil
}
