package web

import (
	"fmt"
	"net/http"
	"strings"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// ratesPage is the page of the base-rate series: each with its latest
// value and source, one series' values (?series=), and for a lender the
// forms that record a value and import a CSV.
type ratesPage struct {
	Series   []app.RateSeriesSummary
	Selected *ledger.SeriesInfo
	Values   []ledger.RatePoint
	Names    []string
	// Record: the user may record and import values.
	Record bool
}

func (s *Server) ratesPage(rq *req) error {
	ctx := rq.actx()
	all, err := s.svc.RateSeriesList(ctx)
	if err != nil {
		return err
	}
	p := ratesPage{Series: all, Names: ledger.SeriesNames(), Record: rq.may(app.ActPostTransaction)}
	if name := rq.r.URL.Query().Get("series"); name != "" {
		info, ok := ledger.Series(name)
		if !ok {
			rq.notFound()
			return nil
		}
		p.Selected = &info
		vals, err := s.svc.RateValues(ctx, name)
		if err != nil {
			return err
		}
		// Newest first.
		for i := len(vals) - 1; i >= 0; i-- {
			p.Values = append(p.Values, vals[i])
		}
	}
	return rq.render(http.StatusOK, "rates", rq.view("Base rates", "rates", p))
}

// recordRate records one value from the form.
func (s *Server) recordRate(rq *req) error {
	rq.asks(app.OpRecordRate)
	if err := rq.allow(app.ActPostTransaction, "record base rates"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	f := rq.r.PostFormValue
	series := f("series")
	eff, err := date.Parse(strings.TrimSpace(f("effective")))
	if err != nil {
		return rq.refused(userErr(http.StatusBadRequest, fmt.Sprintf("Effective date %q: expected a date YYYY-MM-DD.", f("effective"))), s.ratesPage)
	}
	rq.day = eff
	v := strings.TrimSpace(f("rate"))
	if v != "" && !strings.HasSuffix(v, "%") {
		v += "%" // the form asks for percent
	}
	r, err := money.ParseRate(v)
	if err != nil || v == "" {
		return rq.refused(userErr(http.StatusBadRequest, fmt.Sprintf("Rate %q: expected a rate in percent such as 4.25.", f("rate"))), s.ratesPage)
	}
	if strings.TrimSpace(f("source")) == "" {
		return rq.refused(userErr(http.StatusBadRequest, "Source: say where the value was taken from (for example Federal Reserve H.15)."), s.ratesPage)
	}
	if err := s.svc.RecordRate(rq.actx(), series, ledger.RatePoint{Effective: eff, Value: r, Source: f("source")}); err != nil {
		return rq.refused(err, s.ratesPage)
	}
	return rq.done("/rates?series="+series, "rate_recorded", series, eff.String())
}

// importRates imports the values of an uploaded CSV.
func (s *Server) importRates(rq *req) error {
	rq.asks(app.OpImportRates)
	if err := rq.allow(app.ActPostTransaction, "import base rates"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	name, b, ok, err := rq.uploaded("file", 0)
	if err != nil {
		return err
	}
	if !ok {
		return rq.refused(userErr(http.StatusBadRequest, "Rates file: choose the CSV file (a date column and a value column in percent, as FRED or the Federal Reserve publish them)."), s.ratesPage)
	}
	series := rq.r.PostFormValue("series")
	rows, err := ledger.ReadRates(name, b, strings.TrimSpace(rq.r.PostFormValue("column")))
	if err != nil {
		return rq.refused(userErr(http.StatusBadRequest, "Rates file: "+err.Error()+"."), s.ratesPage)
	}
	out, err := s.svc.ImportRates(rq.actx(), series, name, rq.r.PostFormValue("source"), rows)
	if err != nil {
		return rq.refused(err, s.ratesPage)
	}
	return rq.done("/rates?series="+series, "rates_imported", fmt.Sprint(out.Added), series, fmt.Sprint(out.Unchanged))
}
