package app

import (
	"context"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// FacilitySummary is a facility's position on a date as known at a time,
// as the facility page and the portfolio show it: its availability (the
// Availability use case), its covenant status (CovenantStatus) and its
// events of default and deadlines (DefaultsReportAt or, with hindsight,
// DefaultsAsKnown). An error of one part is kept in that part.
type FacilitySummary struct {
	Facility store.Facility
	AsOf     date.Date
	// KnownAt: the facts are those known then (zero: every fact recorded).
	KnownAt  time.Time
	Terms    *agreement.Terms
	TermsErr string
	Avail    Availability
	AvailErr string
	// Utilisation is loans ÷ commitment (Utilised false: no commitment).
	Utilisation money.Rate
	Utilised    bool
	// Covenant is the status of the latest period tested by AsOf: pass,
	// fail, undetermined or "" (no statements); CovPeriod its period end.
	Covenant  string
	CovPeriod date.Date
	Report    *defaults.Report
	ReportErr string
	Next      []defaults.Deadline // not done, by due date
	Overdue   int
	Defaults  []defaults.Default // continuing, as known at KnownAt
	Remedies  []defaults.RemedyStatus
	// Hindsight: when the events of default continuing on AsOf as known
	// now differ, those and why each changed (asked for with hindsight).
	Hindsight *DefaultsHindsight
}

// CovenantWaived is the covenant status of a period whose failing tests
// are all waived (a waiver letter names them) and whose other tests pass.
const CovenantWaived = "waived"

// CovenantStatus is the covenant status of the latest period ended by
// asOf: fail when any test of that period fails and is not waived, else
// undetermined when any is undetermined, else waived when a failing test
// is waived, else pass; "" when no period ended by asOf was tested.
func CovenantStatus(res *covenant.Result, asOf date.Date) (status string, period date.Date) {
	if res == nil {
		return "", 0
	}
	rank := map[string]int{covenant.NotApplicable: 0, covenant.Pass: 1, CovenantWaived: 2, covenant.Undetermined: 3, covenant.Fail: 4}
	for i := range res.Tests {
		tt := &res.Tests[i]
		if tt.PeriodEnd > asOf {
			continue
		}
		r := tt.Result
		if r == covenant.Fail && tt.Waiver != nil {
			r = CovenantWaived
		}
		if tt.PeriodEnd > period {
			period, status = tt.PeriodEnd, r
		} else if tt.PeriodEnd == period && rank[r] > rank[status] {
			status = r
		}
	}
	return status, period
}

// Summary is a facility's summary on asOf as known at knownAt (zero: every
// fact recorded; availability then follows KnownAtFor's rule, as the
// API). With hindsight the events of default are those of
// DefaultsAsKnown, with what was learned since.
func (s *Service) Summary(ctx context.Context, f store.Facility, asOf date.Date, knownAt time.Time, hindsight bool) FacilitySummary {
	sm := FacilitySummary{Facility: f, AsOf: asOf, KnownAt: knownAt}
	if knownAt.Equal(store.Everything) {
		sm.KnownAt = s.now() // shown: every committed record, as known now
	}
	t, err := s.agreementAt(ctx, f.Slug, asOf)
	if err != nil {
		sm.TermsErr = err.Error()
		return sm
	}
	sm.Terms = t
	if a, err := s.Availability(ctx, f.Slug, asOf, knownAt); err != nil {
		sm.AvailErr = err.Error()
	} else {
		sm.Avail = a
		sm.Utilisation, sm.Utilised = ledger.Utilisation(a.LoansOutstanding, a.Commitment)
	}
	// The covenants on the statements recorded by the end of asOf.
	cov, err := s.Covenants(ctx, f.Slug, asOf.AddDays(1).Time().Add(-time.Microsecond), func(d date.Date) (*agreement.Terms, error) {
		return s.agreementAt(ctx, f.Slug, d)
	})
	if err == nil {
		sm.Covenant, sm.CovPeriod = CovenantStatus(cov, asOf)
	}
	var rep *defaults.Report
	if hindsight {
		dk, err := s.DefaultsAsKnown(ctx, f.Slug, asOf, knownAt)
		if err != nil {
			sm.ReportErr = err.Error()
			return sm
		}
		rep, sm.Hindsight = dk.Report, dk.Hindsight
	} else if rep, err = s.DefaultsReportAt(ctx, f.Slug, asOf, knownAt); err != nil {
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

// PortfolioRow is one facility's line in the portfolio: the figures of its
// Summary, its next deadline and counts in place of the lists.
type PortfolioRow struct {
	Facility    store.Facility
	TermsErr    string
	Avail       Availability // without its hindsight
	AvailErr    string
	Utilisation money.Rate
	Utilised    bool
	Covenant    string
	CovPeriod   date.Date
	ReportErr   string
	Next        *defaults.Deadline // the first not done, nil: none
	Overdue     int
	Defaults    int // events of default continuing
}

// NextDue is the due date of the next deadline (date.Max: none).
func (r *PortfolioRow) NextDue() date.Date {
	if r.Next == nil {
		return date.Max
	}
	return r.Next.Due
}

func rowOf(sm FacilitySummary) PortfolioRow {
	r := PortfolioRow{Facility: sm.Facility, TermsErr: sm.TermsErr, Avail: sm.Avail, AvailErr: sm.AvailErr,
		Utilisation: sm.Utilisation, Utilised: sm.Utilised, Covenant: sm.Covenant, CovPeriod: sm.CovPeriod,
		ReportErr: sm.ReportErr, Overdue: sm.Overdue, Defaults: len(sm.Defaults)}
	r.Avail.Hindsight = nil
	if len(sm.Next) > 0 {
		n := sm.Next[0]
		r.Next = &n
	}
	return r
}

// PortfolioQuery selects and orders the portfolio: the facilities whose
// name or slug contains Name (any case) and, by Status, those with an
// event of default continuing ("default"), failing a covenant
// ("covenant") or in overadvance ("overadvance"); sorted by Sort (name,
// commitment, bb, loans, availability, utilisation, next; ties by name),
// descending with Desc; page Page (from 1) of PerPage rows (0: 100; at
// most 1,000).
type PortfolioQuery struct {
	AsOf    date.Date // 0: the business date
	KnownAt time.Time // zero: the default rule for AsOf (KnownAtEndOf)
	Name    string
	Status  string
	Sort    string
	Desc    bool
	Page    int
	PerPage int
}

// Portfolio is a page of the portfolio.
type Portfolio struct {
	AsOf    date.Date
	KnownAt time.Time // the facts' known-at time (zero: every fact recorded)
	Rows    []PortfolioRow
	// Total: the facilities the actor sees; Matching: those selected.
	Total, Matching int
	Page, Pages     int
	PerPage         int
}

// PortfolioSorts are the columns the portfolio sorts by.
var PortfolioSorts = []string{"name", "commitment", "bb", "loans", "availability", "utilisation", "next"}

// PortfolioStatuses are the status selections.
var PortfolioStatuses = []string{"default", "covenant", "overadvance"}

// Portfolio answers a page of the portfolio of the facilities the actor
// sees. Each row is the facility's Summary on the date as known at the
// time (the figures of the facility page and of the API), kept per
// facility with the facility's version (Store.FacilityVersions) and the
// business days read for the date: the versions of every facility are read
// in one statement on each call, and only a facility whose version
// changed, or one not computed yet for the date and known-at time, is
// computed again. Sorted by name without a status selection, only the
// page's facilities are computed.
func (s *Service) Portfolio(ctx context.Context, q PortfolioQuery) (Portfolio, error) {
	if err := authorize(ctx, ActRead, ""); err != nil {
		return Portfolio{}, err
	}
	if q.Sort != "" && !slices.Contains(PortfolioSorts, q.Sort) {
		return Portfolio{}, invalid("sort %q: expected one of %s", q.Sort, strings.Join(PortfolioSorts, ", "))
	}
	if q.Status != "" && !slices.Contains(PortfolioStatuses, q.Status) {
		return Portfolio{}, invalid("status %q: expected one of %s, or none", q.Status, strings.Join(PortfolioStatuses, ", "))
	}
	switch {
	case q.PerPage == 0:
		q.PerPage = 100
	case q.PerPage < 0 || q.PerPage > 1000:
		return Portfolio{}, invalid("per page %d: expected 1 to 1000", q.PerPage)
	}
	rs, err := s.Store.ReadState(ctx, "", q.AsOf)
	if err != nil {
		return Portfolio{}, err
	}
	now := s.now()
	bd := businessDateOf(rs, now)
	asOf := q.AsOf
	if asOf == 0 {
		asOf = bd
		if rs, err = s.Store.ReadState(ctx, "", asOf); err != nil {
			return Portfolio{}, err
		}
	}
	knownAt := q.KnownAt
	if knownAt.IsZero() {
		if knownAt, err = s.KnownAtEndOf(ctx, asOf); err != nil {
			return Portfolio{}, err
		}
	}
	vs, err := s.Store.FacilityVersions(ctx)
	if err != nil {
		return Portfolio{}, err
	}
	p := Portfolio{AsOf: asOf, KnownAt: knownAt, PerPage: q.PerPage}
	name := strings.ToLower(strings.TrimSpace(q.Name))
	var keep []store.FacilityVersion
	for _, v := range vs {
		if authorize(ctx, ActRead, v.Facility.Slug) != nil {
			continue
		}
		p.Total++
		if name == "" || strings.Contains(strings.ToLower(v.Facility.Name+" "+v.Facility.Slug), name) {
			keep = append(keep, v)
		}
	}
	sortByName(keep)
	page := func(n int) (lo, hi int) {
		p.Matching = n
		p.Pages = max(1, (n+q.PerPage-1)/q.PerPage)
		p.Page = min(max(q.Page, 1), p.Pages)
		lo = (p.Page - 1) * q.PerPage
		return lo, min(lo+q.PerPage, n)
	}
	onlyPage := (q.Sort == "" || q.Sort == "name") && q.Status == ""
	if onlyPage {
		if q.Desc {
			slices.Reverse(keep)
		}
		lo, hi := page(len(keep))
		keep = keep[lo:hi]
	}
	// What makes a row: the date, the known-at time, the business days
	// its default known-at rule reads, and the facility's version.
	key := portfolioKey{st: s.Store, asOf: asOf, knownAt: knownAt, bd: bd, after: rs.After.Date, afterAt: rs.After.RecordedAt}
	rows := s.portfolioRows(ctx, key, keep)
	if q.Status != "" {
		out := rows[:0]
		for _, r := range rows {
			switch {
			case q.Status == "default" && r.Defaults > 0,
				q.Status == "covenant" && r.Covenant == covenant.Fail,
				q.Status == "overadvance" && r.Avail.Overadvance != nil:
				out = append(out, r)
			}
		}
		rows = out
	}
	if !onlyPage {
		sortPortfolio(rows, q.Sort, q.Desc)
		lo, hi := page(len(rows))
		rows = rows[lo:hi]
	}
	// The rows kept are shared: the page's are copies, with this
	// request's known-at time of the availability and business date (a
	// row kept from an earlier request has the same figures).
	availKnown := knownAtOf(rs, asOf, now)
	p.Rows = make([]PortfolioRow, len(rows))
	for i, r := range rows {
		p.Rows[i] = *r
		if r.AvailErr == "" && r.TermsErr == "" {
			p.Rows[i].Avail.BusinessDate = bd
			if knownAt.IsZero() {
				p.Rows[i].Avail.KnownAt = availKnown
			}
		}
	}
	return p, nil
}

// sortByName orders facilities by name (any case), then slug.
func sortByName(fs []store.FacilityVersion) {
	type named struct {
		lower string
		f     store.FacilityVersion
	}
	ns := make([]named, len(fs))
	for i, f := range fs {
		ns[i] = named{strings.ToLower(f.Facility.Name), f}
	}
	sort.Slice(ns, func(i, j int) bool {
		if ns[i].lower != ns[j].lower {
			return ns[i].lower < ns[j].lower
		}
		return ns[i].f.Facility.Slug < ns[j].f.Facility.Slug
	})
	for i := range ns {
		fs[i] = ns[i].f
	}
}

// sortPortfolio orders rows, given sorted by name, by key
// (PortfolioSorts), ties by name ascending; rows
// with no figure (terms unread, undetermined) sort as their zero figure.
func sortPortfolio(rows []*PortfolioRow, key string, desc bool) {
	if key == "" || key == "name" {
		if desc {
			slices.Reverse(rows)
		}
		return
	}
	cmp := func(a, b *PortfolioRow) int {
		switch key {
		case "commitment":
			return cmpInt(a.Avail.Commitment, b.Avail.Commitment)
		case "bb":
			return cmpInt(a.Avail.BorrowingBase, b.Avail.BorrowingBase)
		case "loans":
			return cmpInt(a.Avail.LoansOutstanding, b.Avail.LoansOutstanding)
		case "utilisation":
			if a.Utilised && b.Utilised {
				return a.Utilisation.Cmp(b.Utilisation)
			}
			return cmpInt(a.Avail.LoansOutstanding, b.Avail.LoansOutstanding)
		case "availability":
			return cmpInt(a.Avail.Available, b.Avail.Available)
		case "next":
			return cmpInt(a.NextDue(), b.NextDue())
		}
		return 0 // by name: the order the rows come in
	}
	// The rows come sorted by name: a stable sort keeps ties so.
	sort.SliceStable(rows, func(i, j int) bool {
		c := cmp(rows[i], rows[j])
		if desc {
			c = -c
		}
		return c < 0
	})
}

func cmpInt[T ~int64 | ~int32 | ~int](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// portfolioKey names what a portfolio row depends on besides its facility
// and the facility's version.
type portfolioKey struct {
	st      store.Store
	asOf    date.Date
	knownAt time.Time
	bd      date.Date
	after   date.Date
	afterAt time.Time
}

type portfolioEntry struct {
	version int64
	row     *PortfolioRow // never changed once kept
}

// portfolioCache keeps the rows computed, per store, date, known-at time
// and facility, with the facility's version they were computed after. It
// changes no answer: a row is used only while the facility's version read
// from the database on the request is the one it was computed after, and
// the version rises in the transaction of every change (any process's).
var portfolioCache struct {
	sync.Mutex
	m map[portfolioKey]map[string]portfolioEntry
}

// portfolioMaxKeys bounds the cache: the dates and known-at times kept.
const portfolioMaxKeys = 16

// portfolioRows returns the rows of fs, in order: those whose version is
// unchanged from the cache, the others computed (in parallel) and kept.
func (s *Service) portfolioRows(ctx context.Context, key portfolioKey, fs []store.FacilityVersion) []*PortfolioRow {
	rows := make([]*PortfolioRow, len(fs))
	var miss []int
	portfolioCache.Lock()
	m := portfolioCache.m[key]
	for i, f := range fs {
		if e, ok := m[f.Facility.Slug]; ok && e.version == f.Version && e.row.Facility.Name == f.Facility.Name {
			rows[i] = e.row
		} else {
			miss = append(miss, i)
		}
	}
	portfolioCache.Unlock()
	if len(miss) == 0 {
		return rows
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(miss)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := rowOf(s.Summary(ctx, fs[i].Facility, key.asOf, key.knownAt, false))
				rows[i] = &r
			}
		}()
	}
	for _, i := range miss {
		next <- i
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return rows // not kept: a cancelled read may have failed part way
	}
	portfolioCache.Lock()
	defer portfolioCache.Unlock()
	if portfolioCache.m == nil || len(portfolioCache.m) >= portfolioMaxKeys && portfolioCache.m[key] == nil {
		portfolioCache.m = map[portfolioKey]map[string]portfolioEntry{}
	}
	m = portfolioCache.m[key]
	if m == nil {
		m = map[string]portfolioEntry{}
		portfolioCache.m[key] = m
	}
	for _, i := range miss {
		if rows[i].TermsErr == "" && rows[i].AvailErr == "" && rows[i].ReportErr == "" {
			m[fs[i].Facility.Slug] = portfolioEntry{version: fs[i].Version, row: rows[i]}
		}
	}
	return rows
}
