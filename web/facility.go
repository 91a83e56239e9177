package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/borrowingbase"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// summary is a facility's position on a date, as the engines give it.
type summary struct {
	Facility  store.Facility
	AsOf      date.Date
	Terms     *agreement.Terms
	TermsErr  string
	Avail     app.Availability
	AvailErr  string
	Utilised  string // loans ÷ commitment, as a percentage
	Report    *defaults.Report
	ReportErr string
	Next      []defaults.Deadline // not done, by due date
	Overdue   int
	Defaults  []defaults.Default // continuing, as known at KnownAt
	Remedies  []defaults.RemedyStatus
	Covenant  string // pass, fail, undetermined or "" (no statements)
	CovPeriod date.Date
	// KnownAt: the facts are those known then (zero: every fact recorded);
	// Hindsight: when the events of default continuing on AsOf as known
	// now differ, those and why each changed (the facility page only).
	KnownAt   time.Time
	Hindsight *app.DefaultsHindsight
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

// summarise builds a facility's summary, its events of default as known at
// knownAt (app.Service.DefaultsReportAt, the one rule); errors of one part
// are shown in that part, not as a failed page.
func (s *Server) summarise(ctx context.Context, f store.Facility, asOf date.Date, knownAt time.Time, full bool) summary {
	sm := summary{Facility: f, AsOf: asOf, KnownAt: knownAt}
	t, err := s.terms.TermsAsOf(ctx, f.Slug, asOf)
	if err != nil {
		sm.TermsErr = err.Error()
		return sm
	}
	sm.Terms = t
	// Availability as the API answers it (the use case's rule for the
	// known-at time of a past date).
	if a, err := s.availability(ctx, f.Slug, asOf, knownAt); err != nil {
		sm.AvailErr = err.Error()
	} else {
		sm.Avail = a
		if r, ok := ledger.Utilisation(a.LoansOutstanding, a.Commitment); ok {
			sm.Utilised = percent(r)
		}
	}
	cov, err := s.covenants(ctx, f.Slug, asOf.AddDays(1).Time().Add(-time.Microsecond))
	if err == nil && cov != nil {
		sm.Covenant = ""
		for i := range cov.Tests {
			tt := &cov.Tests[i]
			if tt.PeriodEnd > asOf {
				continue
			}
			if tt.PeriodEnd > sm.CovPeriod {
				sm.CovPeriod, sm.Covenant = tt.PeriodEnd, tt.Result
			} else if tt.PeriodEnd == sm.CovPeriod && tt.Result != covenant.Pass && sm.Covenant != covenant.Fail {
				sm.Covenant = tt.Result
			}
		}
	}
	var rep *defaults.Report
	if full {
		// As known then and, where it differs, as known now (the use
		// case says why).
		dk, err := s.svc.DefaultsAsKnown(ctx, f.Slug, asOf, knownAt)
		if err != nil {
			sm.ReportErr = err.Error()
			return sm
		}
		rep, sm.Hindsight = dk.Report, dk.Hindsight
	} else if rep, err = s.svc.DefaultsReportAt(ctx, f.Slug, asOf, knownAt); err != nil {
		sm.ReportErr = err.Error()
		return sm
	}
	sm.Report = rep
	for _, d := range rep.Deadlines {
		if d.Done != 0 || d.Due == 0 {
			continue
		}
		if d.Status == defaults.StatusOverdue {
			sm.Overdue++
		}
		sm.Next = append(sm.Next, d)
	}
	sort.SliceStable(sm.Next, func(i, j int) bool { return sm.Next[i].Due < sm.Next[j].Due })
	for _, d := range rep.Defaults {
		if d.Continuing {
			sm.Defaults = append(sm.Defaults, d)
		}
	}
	sm.Remedies = rep.Remedies
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
	Rows   []summary
	Sort   string
	Desc   bool
	Filter string
	Status string
	Total  int
	Sorts  []sortLink
	// Paging: by name, only the page's facilities are computed; a sort
	// by a figure or a status filter computes every facility.
	Shown, Matching int
	Page, Pages     int
	Prev, Next      string
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
	ctx := ctxOf(rq)
	fs, err := s.st.Facilities(ctx)
	if err != nil {
		return err
	}
	var mine []store.Facility
	for _, f := range fs {
		if canSee(rq.user, f.Slug) {
			mine = append(mine, f)
		}
	}
	q := rq.r.URL.Query()
	p := portfolioPage{AsOf: asOf, Sort: q.Get("sort"), Desc: q.Get("dir") == "desc", Filter: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Total: len(mine)}
	var keep []store.Facility
	for _, f := range mine {
		if p.Filter == "" || strings.Contains(strings.ToLower(f.Name+" "+f.Slug), strings.ToLower(p.Filter)) {
			keep = append(keep, f)
		}
	}
	sort.SliceStable(keep, func(i, j int) bool {
		return strings.ToLower(keep[i].Name) < strings.ToLower(keep[j].Name) || strings.EqualFold(keep[i].Name, keep[j].Name) && keep[i].Slug < keep[j].Slug
	})
	p.Page, _ = strconv.Atoi(q.Get("page"))
	byName := (p.Sort == "" || p.Sort == "name") && p.Status == ""
	if byName {
		p.Matching = len(keep)
		p.Pages = max(1, (len(keep)+portfolioPerPage-1)/portfolioPerPage)
		p.Page = min(max(p.Page, 1), p.Pages)
		if p.Desc {
			slices.Reverse(keep)
		}
		lo := (p.Page - 1) * portfolioPerPage
		keep = keep[lo:min(lo+portfolioPerPage, len(keep))]
	}
	rows := make([]summary, len(keep))
	knownAt := s.knownAt(ctx, asOf)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rows[i] = s.summarise(ctx, keep[i], asOf, knownAt, false)
			}
		}()
	}
	for i := range keep {
		next <- i
	}
	close(next)
	wg.Wait()
	if p.Status != "" {
		rows = slices.DeleteFunc(rows, func(r summary) bool {
			switch p.Status {
			case "default":
				return len(r.Defaults) == 0
			case "covenant":
				return r.Covenant != covenant.Fail
			case "overadvance":
				return r.Avail.Overadvance == nil
			}
			return false
		})
	}
	if !byName {
		sortSummaries(rows, p.Sort, p.Desc)
		p.Matching = len(rows)
		p.Pages = max(1, (len(rows)+portfolioPerPage-1)/portfolioPerPage)
		p.Page = min(max(p.Page, 1), p.Pages)
		lo := (p.Page - 1) * portfolioPerPage
		rows = rows[lo:min(lo+portfolioPerPage, len(rows))]
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
	p.Rows = rows
	return rq.render(http.StatusOK, "portfolio", rq.view("Portfolio", "portfolio", p))
}

func sortSummaries(rows []summary, key string, desc bool) {
	less := func(a, b *summary) int {
		switch key {
		case "commitment":
			return cmpAmount(a.Avail.Commitment, b.Avail.Commitment)
		case "bb":
			return cmpAmount(a.Avail.BorrowingBase, b.Avail.BorrowingBase)
		case "loans", "utilisation":
			if key == "utilisation" {
				ra, oka := ledger.Utilisation(a.Avail.LoansOutstanding, a.Avail.Commitment)
				rb, okb := ledger.Utilisation(b.Avail.LoansOutstanding, b.Avail.Commitment)
				if oka && okb {
					return ra.Cmp(rb)
				}
			}
			return cmpAmount(a.Avail.LoansOutstanding, b.Avail.LoansOutstanding)
		case "availability":
			return cmpAmount(a.Avail.Available, b.Avail.Available)
		case "next":
			return cmpDate(firstDue(a), firstDue(b))
		}
		return strings.Compare(strings.ToLower(a.Facility.Name), strings.ToLower(b.Facility.Name))
	}
	sort.SliceStable(rows, func(i, j int) bool {
		c := less(&rows[i], &rows[j])
		if desc {
			return c > 0
		}
		return c < 0
	})
}

func firstDue(s *summary) date.Date {
	if len(s.Next) == 0 {
		return date.Max
	}
	return s.Next[0].Due
}

func cmpAmount(a, b money.Amount) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpDate(a, b date.Date) int { return cmpAmount(money.Amount(a), money.Amount(b)) }

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
}

func (s *Server) facilityPage(rq *req) error {
	asOf, err := rq.queryDate("as_of", rq.today())
	if err != nil {
		return err
	}
	ctx := ctxOf(rq)
	known := rq.knownAt(asOf)
	p := facilityPage{summary: s.summarise(ctx, rq.fac, asOf, known.At, true), Known: known}
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
				note := ""
				if sec.Component != nil && sec.Component.AdvanceRate.Known() {
					note = "advance rate " + sec.Component.AdvanceRate.Value.Percent()
				}
				move(name+": advance rate", note, "", sec.Eligible.Amount, sec.Advance.Amount)
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
				if r.Known {
					move(r.Label, "reserve", "", run, run-r.Amount)
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
	total("Borrowing base before letters of credit", "sum of the classes less reserves", "", bb)
	move("Exclusions", "", "", bb, bb-a.Exclusions)
	move("Limited by the "+humanize(a.Binding), "", "", bb-a.Exclusions, a.Limit)
	move("Letters of credit outstanding", "from the loan account", "", a.Limit, a.Limit-a.LettersOfCredit.Exposure)
	move("Loans outstanding", "", "", a.Limit-a.LettersOfCredit.Exposure, a.Available)
	if a.Determined {
		total("Availability", "on "+a.AsOf.String(), "", a.Available)
	}
	return out
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
