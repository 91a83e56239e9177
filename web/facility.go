package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/auth"
	"revolver/borrowingbase"
	"revolver/covenant"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// summary is a facility's summary as the use case gives it
// (app.Service.Summary), with its utilisation shown as a percentage.
type summary struct {
	app.FacilitySummary
	Utilised string // loans ÷ commitment, as a percentage ("" none)
}

type trendPoint struct {
	Date  date.Date
	Value money.Amount
}

// availability is the facility's availability on d as known at knownAt
// (zero: the use case's rule, as the API), from the one use case
// (app.Service.Availability).
func (s *Server) availability(ctx context.Context, slug string, d date.Date, knownAt time.Time) (app.Availability, error) {
	return s.svc.Availability(ctx, slug, d, knownAt)
}

// knownAt is the known-at time figures for asOf mean by default
// (app.Service.KnownAtEndOf); on an error, every fact recorded.
func (s *Server) knownAt(ctx context.Context, asOf date.Date) time.Time {
	k, err := s.svc.KnownAtEndOf(ctx, asOf)
	if err != nil {
		return time.Time{}
	}
	return k
}

// covenants evaluates the covenants on the statements known at knownAt.
func (s *Server) covenants(ctx context.Context, slug string, knownAt time.Time) (*covenant.Result, error) {
	return s.svc.Covenants(ctx, slug, knownAt, func(d date.Date) (*agreement.Terms, error) {
		return s.terms.TermsAsOf(ctx, slug, d)
	})
}

// summarise is the facility's summary (app.Service.Summary, the one
// rule): with full, its events of default as known at knownAt and, where
// they differ, as known now.
func (s *Server) summarise(ctx context.Context, f store.Facility, asOf date.Date, knownAt time.Time, full bool) summary {
	sm := summary{FacilitySummary: s.svc.Summary(ctx, f, asOf, knownAt, full)}
	if sm.FacilitySummary.Utilised {
		sm.Utilised = percent(sm.Utilisation)
	}
	return sm
}

func monthEnd(d date.Date) date.Date {
	y, m, _ := d.Civil()
	first := date.Of(y, m, 1)
	return first.AddMonths(1).AddDays(-1)
}

// --- portfolio ---

type portfolioPage struct {
	AsOf   date.Date
	Rows   []portfolioRow
	Sort   string
	Desc   bool
	Filter string
	Status string
	Total  int
	Sorts  []sortLink
	// Paging: by name, only the page's facilities are computed; a sort
	// by a figure or a status filter reads every facility's row.
	Shown, Matching int
	Page, Pages     int
	Prev, Next      string
	// Morning: the exceptions and queues, on the business date when the
	// page is asked for no other date (nil otherwise).
	Morning *morningView
}

// portfolioRow is the use case's row with its utilisation shown as a
// percentage.
type portfolioRow struct {
	app.PortfolioRow
	Utilised string
}

const portfolioPerPage = 100

type sortLink struct {
	Key, Label string
	Numeric    bool
	Href       string
	Current    string // "ascending", "descending" or ""
}

func (s *Server) portfolioPage(rq *req) error {
	asOf, err := rq.queryDate("as_of", rq.today())
	if err != nil {
		return err
	}
	q := rq.r.URL.Query()
	p := portfolioPage{AsOf: asOf, Sort: q.Get("sort"), Desc: q.Get("dir") == "desc", Filter: strings.TrimSpace(q.Get("q")), Status: q.Get("status")}
	if !slices.Contains(app.PortfolioSorts, p.Sort) {
		p.Sort = ""
	}
	if !slices.Contains(app.PortfolioStatuses, p.Status) {
		p.Status = ""
	}
	page, _ := strconv.Atoi(q.Get("page"))
	pf, err := s.svc.Portfolio(ctxOf(rq), app.PortfolioQuery{AsOf: asOf, Name: p.Filter, Status: p.Status, Sort: p.Sort, Desc: p.Desc, Page: page, PerPage: portfolioPerPage})
	if err != nil {
		return err
	}
	p.Total, p.Matching, p.Page, p.Pages = pf.Total, pf.Matching, pf.Page, pf.Pages
	for _, r := range pf.Rows {
		pr := portfolioRow{PortfolioRow: r}
		if r.Utilised {
			pr.Utilised = percent(r.Utilisation)
		}
		p.Rows = append(p.Rows, pr)
	}
	pv := url.Values{}
	for _, k := range []string{"sort", "dir", "q", "status", "as_of"} {
		if q.Get(k) != "" {
			pv.Set(k, q.Get(k))
		}
	}
	if p.Page > 1 {
		pv.Set("page", strconv.Itoa(p.Page-1))
		p.Prev = "/?" + pv.Encode()
	}
	if p.Page < p.Pages {
		pv.Set("page", strconv.Itoa(p.Page+1))
		p.Next = "/?" + pv.Encode()
	}
	for _, c := range []struct {
		k, l string
		n    bool
	}{{"name", "Facility", false}, {"commitment", "Commitment", true}, {"bb", "Borrowing base", true}, {"loans", "Loans", true},
		{"availability", "Availability", true}, {"utilisation", "Utilisation", true}, {"next", "Next deadline", false}} {
		l := sortLink{Key: c.k, Label: c.l, Numeric: c.n}
		v := url.Values{"sort": {c.k}}
		if p.Filter != "" {
			v.Set("q", p.Filter)
		}
		if p.Status != "" {
			v.Set("status", p.Status)
		}
		if q.Get("as_of") != "" {
			v.Set("as_of", asOf.String())
		}
		if p.Sort == c.k {
			l.Current = "ascending"
			if p.Desc {
				l.Current = "descending"
			} else {
				v.Set("dir", "desc")
			}
		}
		l.Href = "/?" + v.Encode()
		p.Sorts = append(p.Sorts, l)
	}
	if q.Get("as_of") == "" || asOf == rq.today() {
		p.Morning = s.morning(rq)
	}
	return rq.render(http.StatusOK, "portfolio", rq.view("Portfolio", "portfolio", p))
}

// --- facility ---

type facilityPage struct {
	summary
	Known       knownAtForm
	Requests    requestsView // waiting for a second person
	Certificate *store.Certificate
	Waterfall   template.HTML
	Steps       []step
	CertErr     string
	Loans       []ledgerRow
	LCs         money.Amount
	Pending     int
	// Reserves are the facility's lender reserves as known at the page's
	// time (every status); ReserveKey keys the reserve forms.
	Reserves   []app.LenderReserve
	ReserveKey string
	Me         string
	// SetsReserves, ApprovesReserves: the viewer's role may.
	SetsReserves, ApprovesReserves bool
	// Risk: the risk rating in force and its history, as known at the
	// page's time; RatesRisk: the viewer may rate.
	Risk      app.RiskRatings
	RiskErr   string
	RatesRisk bool
	// Triggers: the terms have springing triggers (cash dominion,
	// covenants); Dominion their periods as known at the page's time,
	// DominionErr why they could not be read.
	Triggers    bool
	Dominion    []app.DominionPeriod
	DominionErr string
	AsOf        date.Date
}

// hasTriggers says whether the terms have a springing cash dominion or a
// springing covenant.
func hasTriggers(t *agreement.Terms) bool {
	if t == nil {
		return false
	}
	if t.CashDominion != nil && t.CashDominion.Springing != nil {
		return true
	}
	for _, c := range t.Covenants {
		if c.Springing != nil {
			return true
		}
	}
	return false
}

func (s *Server) facilityPage(rq *req) error {
	asOf, err := rq.queryDate("as_of", rq.today())
	if err != nil {
		return err
	}
	ctx := ctxOf(rq)
	known := rq.knownAt(asOf)
	p := facilityPage{summary: s.summarise(ctx, rq.fac, asOf, known.Read, true), Known: known}
	if p.Requests, err = rq.requestsView("facility"); err != nil {
		return err
	}
	// The certificate the availability figure rests on (in force on the
	// date, approved by the time it is known at).
	if ac := p.Avail.Certificate; ac != nil {
		c, err := s.st.Certificate(ctx, ac.ID)
		if err != nil {
			return err
		}
		p.Certificate = &c
		cc, err := s.computedCertificate(ctx, c)
		if err != nil {
			p.CertErr = err.Error()
		} else {
			p.Steps = waterfallSteps(cc.cert, p.Avail)
			p.Waterfall = waterfallSVG(p.Steps)
		}
	}
	if p.Reserves, err = s.svc.Reserves(ctx, rq.fac.Slug, 0, known.Read); err != nil {
		return err
	}
	if p.Risk, err = s.svc.RiskRatingsOf(ctx, rq.fac.Slug, known.Read); err != nil {
		p.RiskErr = err.Error()
	}
	p.RatesRisk = rq.may(app.ActRateRisk)
	p.AsOf = asOf
	if p.Dominion, err = s.svc.DominionPeriods(ctx, rq.fac.Slug, known.Read); err != nil {
		p.DominionErr = err.Error()
	}
	p.Triggers = hasTriggers(p.Terms) || len(p.Dominion) > 0
	p.ReserveKey, p.Me = "res-"+auth.Random("", 8), rq.user.Email
	p.SetsReserves, p.ApprovesReserves = rq.may(app.ActSetReserve), rq.may(app.ActDecideReserve)
	txs, err := s.st.Transactions(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	rows := ledgerRows(txs, func(t *ledger.Transaction) bool {
		return t.ValueDate <= asOf && t.Kind != ledger.KindInterest && t.Kind != ledger.KindCapitalise
	})
	p.Loans = rows[max(0, len(rows)-6):]
	slices.Reverse(p.Loans)
	rs, err := s.st.AdvanceRequests(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Status == store.AdvanceRequested {
			p.Pending++
		}
	}
	return rq.render(http.StatusOK, "facility", rq.view(rq.fac.Name, "facility", p))
}

// step is one bar of the borrowing base waterfall.
type step struct {
	Label string
	Note  string
	// Total bars start at zero; other bars move the running figure by Delta.
	Total bool
	Delta money.Amount
	From  money.Amount
	To    money.Amount
	Key   string // the certificate line it shows, if any
}

// waterfallSteps lays the certificate and the availability figure out as
// a waterfall: for each collateral class gross → ineligibles by category
// → eligible → advance rate → cap → reserves → the class's availability;
// then the borrowing base → letters of credit → loans → availability.
// The amounts are the engines'; only differences between consecutive
// figures are taken here, to place the bars.
func waterfallSteps(c *borrowingbase.Certificate, a app.Availability) []step {
	var out []step
	total := func(label, note, key string, v money.Amount) {
		out = append(out, step{Label: label, Note: note, Total: true, From: 0, To: v, Delta: v, Key: key})
	}
	move := func(label, note, key string, from, to money.Amount) {
		if from == to {
			return
		}
		out = append(out, step{Label: label, Note: note, From: from, To: to, Delta: to - from, Key: key})
	}
	for _, sec := range c.Sections {
		name := sectionName(sec.Collateral)
		if sec.HasInput {
			total(name+": gross", sec.File, sec.Collateral+".gross", sec.Gross)
			run := sec.Gross
			for _, l := range sec.Ineligible {
				if !l.Known {
					continue
				}
				move(l.Label, "ineligible", sec.Collateral+".ineligible."+l.ID, run, run-l.Amount)
				run -= l.Amount
			}
			if !sec.Eligible.Known {
				continue
			}
			total(name+": eligible", "", sec.Collateral+".eligible", sec.Eligible.Amount)
			if sec.Advance.Known {
				label, note := name+": advance rate", ""
				if sec.Component != nil && sec.Component.AdvanceRate.Known() {
					note = "advance rate " + sec.Component.AdvanceRate.Value.Percent()
				}
				if k := sec.Component; k != nil && k.NOLV != nil && sec.NOLV != nil {
					label = name + ": advance (lesser of cost and NOLV)"
					if sec.NOLV.Binds() && k.NOLV.AdvanceRate.Known() && k.NOLV.Rate.Known() {
						note = "advance rate " + k.NOLV.AdvanceRate.Value.Percent() + " of NOLV " + k.NOLV.Rate.Value.Percent() + " of cost"
					}
				}
				from := sec.Eligible.Amount
				for _, r := range sec.Reserves {
					if r.Known && r.Placement == agreement.PlaceEligible {
						move(r.Label, reserveNote(r), sec.Collateral+".reserves."+r.ID, from, from-r.Amount)
						from -= r.Amount
					}
				}
				move(label, note, "", from, sec.Advance.Amount)
			}
		} else if sec.Advance.Known {
			total(name, "no input rows", "", sec.Advance.Amount)
		}
		if sec.Advance.Known && sec.Capped.Known {
			move(name+": cap", "dollar cap", "", sec.Advance.Amount, sec.Capped.Amount)
		}
		if sec.Capped.Known {
			run := sec.Capped.Amount
			for _, r := range sec.Reserves {
				if r.Known && r.Placement != agreement.PlaceEligible {
					move(r.Label, reserveNote(r), sec.Collateral+".reserves."+r.ID, run, run-r.Amount)
					run -= r.Amount
				}
			}
		}
		if sec.Availability.Known {
			total(name+": availability", "", "", sec.Availability.Amount)
		}
	}
	if !c.BorrowingBase.Known {
		return out
	}
	bb := c.BorrowingBase.Amount + c.LCDeducted.Amount
	if len(c.Reserves) > 0 {
		run := bb
		for _, r := range c.Reserves {
			run += r.Amount
		}
		total("Components' availability", "before the borrowing base's reserves", "", run)
		for _, r := range c.Reserves {
			if r.Known {
				move(r.Label, reserveNote(r), "reserves."+r.ID, run, run-r.Amount)
				run -= r.Amount
			}
		}
	}
	total("Borrowing base before letters of credit", "sum of the classes less reserves", "", bb)
	move("Exclusions", "", "", bb, bb-a.Exclusions)
	run := bb - a.Exclusions
	for _, r := range a.Reserves {
		if r.OffBase() {
			move("Reserve "+r.ID, availReserveNote(r), "", run, run-r.Amount)
			run -= r.Amount
		}
	}
	move("Limited by the "+humanize(a.Binding), "", "", run, a.Limit)
	run = a.Limit
	for _, r := range a.Reserves {
		if !r.OffBase() {
			move("Reserve "+r.ID, availReserveNote(r), "", run, run-r.Amount)
			run -= r.Amount
		}
	}
	move("Letters of credit outstanding", "from the loan account", "", run, run-a.LettersOfCredit.Exposure)
	move("Loans outstanding", "", "", run-a.LettersOfCredit.Exposure, a.Available)
	if a.Determined {
		total("Availability", "on "+a.AsOf.String(), "", a.Available)
	}
	return out
}

// reserveNote says of a certificate's reserve its kind, formula and
// placement (the engine's words).
func reserveNote(r borrowingbase.ReserveLine) string { return "reserve: " + r.Formula() }

// availReserveNote says of a reserve availability deducts where it comes
// from: the lender's reason with who set and approved it, or the terms.
func availReserveNote(r ledger.Reserve) string {
	where := "off the borrowing base"
	switch r.Placement {
	case agreement.PlaceLine:
		where = "off availability under the line"
	case agreement.PlaceComponent:
		where = "off component " + r.Component + " (so off the borrowing base)"
	}
	return r.Source + " reserve (" + r.Kind + ") " + where + ": " + r.Why
}

func sectionName(collateral string) string {
	switch collateral {
	case agreement.Receivables:
		return "Receivables"
	case agreement.Inventory:
		return "Inventory"
	case agreement.FixedAssets:
		return "Fixed assets"
	}
	return collateral
}

var hundred, _ = money.ParseRate("100")

// percent shows a ratio as a percentage with two decimals.
func percent(r money.Rate) string { return r.MulRate(hundred).Fixed(2) + "%" }

// trendSVG serves the availability of a facility at the last six month
// ends and on the date as a small SVG image (the portfolio loads one per
// row, lazily, so that the page itself renders without them).
func (s *Server) trendSVG(rq *req) error {
	asOf, err := rq.queryDate("as_of", rq.today())
	if err != nil {
		return err
	}
	var pts []trendPoint
	for i := 6; i >= 0; i-- {
		d := asOf
		if i > 0 {
			d = monthEnd(asOf.AddMonths(-i))
		}
		a, err := s.availability(ctxOf(rq), rq.fac.Slug, d, time.Time{})
		if err != nil {
			continue
		}
		if a.Determined {
			pts = append(pts, trendPoint{d, a.Available})
		}
	}
	rq.w.Header().Set("Content-Type", "image/svg+xml")
	rq.w.Header().Set("Cache-Control", "no-store")
	_, err = rq.w.Write([]byte(sparkline(pts, 120, 28)))
	return err
}
