package httpapi

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/money"
)

// portfolioAnswer is a page of the portfolio (app.Service.Portfolio): each
// facility's figures on as_of as known at known_at, as GET
// …/availability and GET …/events-of-default give them.
type portfolioAnswer struct {
	AsOf date.Date `json:"as_of"`
	// KnownAt: the facts as known then; null: every record.
	KnownAt  *time.Time `json:"known_at"`
	Total    int        `json:"total"`
	Matching int        `json:"matching"`
	Page     int        `json:"page"`
	Pages    int        `json:"pages"`
	Limit    int        `json:"limit"`
	// NextPage: the page to ask for next; null on the last page. The
	// portfolio is ordered by figures, so it is paged by number (the
	// other lists by key, after).
	NextPage   *int           `json:"next_page"`
	Facilities []portfolioRow `json:"facilities"`
}

type portfolioRow struct {
	Facility string `json:"facility"`
	Name     string `json:"name"`
	// Error: why the figures could not be computed (the others are then
	// zero or null).
	Error            string       `json:"error,omitempty"`
	Commitment       money.Amount `json:"commitment"`
	BorrowingBase    money.Amount `json:"borrowing_base"`
	LoansOutstanding money.Amount `json:"loans_outstanding"`
	// Availability: null when undetermined.
	Availability *money.Amount `json:"availability"`
	// Utilisation: loans ÷ commitment; null without a commitment.
	Utilisation *money.Rate `json:"utilisation"`
	// CovenantStatus of the latest period tested by as_of (pass, waived: its failures all waived, fail,
	// undetermined; "" without statements).
	CovenantStatus            string              `json:"covenant_status"`
	CovenantPeriod            *date.Date          `json:"covenant_period"`
	EventsOfDefaultContinuing int                 `json:"events_of_default_continuing"`
	Overadvance               *ledger.Overadvance `json:"overadvance"`
	NextDeadline              *defaults.Deadline  `json:"next_deadline"`
	OverdueDeadlines          int                 `json:"overdue_deadlines"`
}

func (s *Server) portfolio(c *call) (any, error) {
	v := c.r.URL.Query()
	asOf, err := parseDate("as_of", v.Get("as_of"), false, 0) // 0: the business date
	if err != nil {
		return nil, err
	}
	knownAt, err := c.knownAt(asOf)
	if err != nil {
		return nil, err
	}
	q := app.PortfolioQuery{AsOf: asOf, KnownAt: knownAt, Status: v.Get("status"), Sort: v.Get("sort")}
	if q.Sort != "" && !slices.Contains(app.PortfolioSorts, q.Sort) {
		return nil, fieldErr("sort", "%q: expected one of %s", q.Sort, strings.Join(app.PortfolioSorts, ", "))
	}
	if q.Status != "" && !slices.Contains(app.PortfolioStatuses, q.Status) {
		return nil, fieldErr("status", "%q: expected one of %s, or none", q.Status, strings.Join(app.PortfolioStatuses, ", "))
	}
	switch v.Get("dir") {
	case "", "asc":
	case "desc":
		q.Desc = true
	default:
		return nil, fieldErr("dir", "%q: expected asc or desc", v.Get("dir"))
	}
	pg, err := readPage(v, false)
	if err != nil {
		return nil, err
	}
	q.PerPage = pg.Limit
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fieldErr("page", "%q: expected a page number from 1", s)
		}
		q.Page = n
	}
	pf, err := s.svc.Portfolio(c.r.Context(), q)
	if err != nil {
		return nil, err
	}
	out := portfolioAnswer{AsOf: pf.AsOf, Total: pf.Total, Matching: pf.Matching, Page: pf.Page, Pages: pf.Pages, Limit: pf.PerPage, Facilities: []portfolioRow{}}
	if pf.Page < pf.Pages {
		n := pf.Page + 1
		out.NextPage = &n
	}
	if !pf.KnownAt.IsZero() {
		out.KnownAt = &pf.KnownAt
	}
	for _, r := range pf.Rows {
		row := portfolioRow{Facility: r.Facility.Slug, Name: r.Facility.Name, Commitment: r.Avail.Commitment, BorrowingBase: r.Avail.BorrowingBase,
			LoansOutstanding: r.Avail.LoansOutstanding, CovenantStatus: r.Covenant, EventsOfDefaultContinuing: r.Defaults,
			Overadvance: r.Avail.Overadvance, NextDeadline: r.Next, OverdueDeadlines: r.Overdue}
		for _, e := range []string{r.TermsErr, r.AvailErr, r.ReportErr} {
			if e != "" && row.Error == "" {
				row.Error = e
			}
		}
		if r.Avail.Determined {
			row.Availability = &r.Avail.Available
		}
		if r.Utilised {
			row.Utilisation = &r.Utilisation
		}
		if r.CovPeriod != 0 {
			row.CovenantPeriod = &r.CovPeriod
		}
		out.Facilities = append(out.Facilities, row)
	}
	return out, nil
}
