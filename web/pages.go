package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// --- covenants ---

type covPeriod struct {
	PeriodEnd date.Date
	Period    string
	Tests     []covenant.Test
	Worst     string
}

type covenantsPage struct {
	KnownOn   date.Date
	Known     knownAtForm
	Periods   []covPeriod
	Chart     template.HTML
	Changes   []covenant.Change
	Compare   date.Date
	Err       string
	Submitted int
	// Hindsight: the tests that differ as known now, and why
	// (app.Service.CovenantsAsKnown).
	Hindsight *app.CovenantsHindsight
	// Defaults: the events of default of the covenant tests on KnownOn
	// (continuing, cured or waived) by the one rule, as known at
	// Known.At; DefaultsHindsight those whose continuing differs as known
	// now, with why; Requests: the requests waiting for a second person
	// (cures, waivers, covenant results, restated statements, which the
	// tests do not use until accepted).
	Defaults          []defaults.Default
	DefaultsErr       string
	DefaultsHindsight *app.DefaultsHindsight
	Requests          requestsView
	// Submitter: the user may submit statements (Key: the form's key).
	Submitter bool
	Key       string
	// Preview: a statements file previewed, to submit; StErr the refusal
	// of the statements file, shown beside its box.
	Preview *statementsPreview
	StErr   string
	// Entry: the lines of a quarter entered by hand (the covenants'
	// lines on the business date); EntryField and EntryErr the refusal
	// of an entry, beside its field.
	Entry                []app.LinePreview
	EntryField, EntryErr string
	EntrySent            map[string]string // what was entered, shown again after a refusal or with the preview
}

func (s *Server) covenantsPage(rq *req) error {
	ctx := ctxOf(rq)
	knownOn, err := rq.queryDate("as_known_on", rq.today())
	if err != nil {
		return err
	}
	p := covenantsPage{KnownOn: knownOn, Known: rq.knownAt(knownOn), Submitter: rq.may(app.ActRecordStatements), Key: newKey(), Preview: rq.preview}
	if rq.formErr != nil && rq.formErr.form == "statements" {
		p.StErr = rq.errMsg
	}
	if rq.formErr != nil && rq.formErr.form == "entry" {
		p.EntryField, p.EntryErr = rq.formErr.field, rq.errMsg
	}
	if p.Submitter {
		if p.Entry, err = s.svc.StatementLines(ctx, rq.fac.Slug, rq.today()); err != nil {
			return err
		}
		p.EntrySent = map[string]string{}
		if rq.r.Method == http.MethodPost && rq.r.FormValue("entry") == "1" {
			for k, v := range rq.r.Form {
				if len(v) > 0 {
					p.EntrySent[k] = v[0]
				}
			}
		}
	}
	if p.Requests, err = rq.requestsView("covenants"); err != nil {
		return err
	}
	ck, err := s.svc.CovenantsAsKnown(ctx, rq.fac.Slug, p.Known.Read, func(d date.Date) (*agreement.Terms, error) {
		return s.terms.TermsAsOf(ctx, rq.fac.Slug, d)
	})
	if err != nil {
		p.Err = err.Error()
		return rq.render(http.StatusOK, "covenants", rq.view("Covenants", "covenants", p))
	}
	res := ck.Result
	p.Periods, p.Hindsight = byPeriod(res), ck.Hindsight
	if dk, err := s.svc.DefaultsAsKnown(ctx, rq.fac.Slug, knownOn, p.Known.Read); err != nil {
		p.DefaultsErr = err.Error()
	} else {
		for _, d := range dk.Report.Defaults {
			if d.Covenant != "" {
				p.Defaults = append(p.Defaults, d)
			}
		}
		if h := dk.Hindsight; h != nil {
			cov := *h
			cov.Changes = nil
			for _, c := range h.Changes {
				if c.Default.Covenant != "" {
					cov.Changes = append(cov.Changes, c)
				}
			}
			cov.Continuing = slices.DeleteFunc(slices.Clone(h.Continuing), func(d defaults.Default) bool { return d.Covenant == "" })
			if len(cov.Changes) > 0 {
				p.DefaultsHindsight = &cov
			}
		}
	}
	if c := rq.r.URL.Query().Get("compare"); c != "" {
		cd, err := rq.queryDate("compare", rq.today())
		if err != nil {
			return err
		}
		p.Compare = cd
		other, err := s.covenants(ctx, rq.fac.Slug, rq.endOfBusiness(cd))
		if err != nil {
			return err
		}
		p.Changes = covenant.Diff(other, res)
	}
	var actual, required series
	actual = series{Name: "Tangible net worth (actual)", Class: "actual"}
	required = series{Name: "Required minimum (ratchet)", Class: "required", Step: true}
	for _, t := range res.Tests {
		if t.Covenant != "minimum_tangible_net_worth" {
			continue
		}
		if t.Actual.Known && !t.Actual.Ratio {
			actual.Points = append(actual.Points, trendPoint{t.PeriodEnd, t.Actual.Amount})
		}
		if t.Required.Known && !t.Required.Ratio {
			required.Points = append(required.Points, trendPoint{t.PeriodEnd, t.Required.Amount})
		}
	}
	p.Chart = lineChart("Tangible net worth against its ratcheting floor, by quarter end", []series{actual, required})
	return rq.render(http.StatusOK, "covenants", rq.view("Covenants", "covenants", p))
}

// endOfDay is the last instant of a day (UTC): statements recorded that
// day are known on it.
func endOfDay(d date.Date) time.Time { return d.AddDays(1).Time().Add(-time.Microsecond) }

// endOfBusiness is "as known on d": the end of d's business
// (app.Service.EndOfBusiness: when the next business date opened, or now
// while d is the business date).
func (rq *req) endOfBusiness(d date.Date) time.Time {
	t, err := rq.s.svc.EndOfBusiness(rq.r.Context(), d)
	if err != nil {
		rq.s.log.Error("end of business", "err", err, "date", d)
		return endOfDay(d)
	}
	return t
}

func byPeriod(res *covenant.Result) []covPeriod {
	var out []covPeriod
	for _, t := range res.Tests {
		if len(out) == 0 || out[len(out)-1].PeriodEnd != t.PeriodEnd {
			out = append(out, covPeriod{PeriodEnd: t.PeriodEnd, Period: fmt.Sprintf("FY%d Q%d", t.FiscalYear, t.FiscalQuarter), Worst: covenant.Pass})
		}
		cp := &out[len(out)-1]
		cp.Tests = append(cp.Tests, t)
		switch {
		case t.Result == covenant.Fail:
			cp.Worst = covenant.Fail
		case t.Result != covenant.Pass && t.Result != covenant.NotApplicable && cp.Worst == covenant.Pass:
			cp.Worst = t.Result
		}
	}
	// Newest first.
	sort.SliceStable(out, func(i, j int) bool { return out[i].PeriodEnd > out[j].PeriodEnd })
	return out
}

// --- terms ---

type termsPage struct {
	On         date.Date
	From, To   date.Date
	Terms      *agreement.Terms
	Flat       []agreement.Flat
	Diff       []agreement.Difference
	Amendments []*agreement.Amendment
	Documents  []agreement.Document
	Dates      []date.Date
	// Pending: the amendments asked for, newest first, with their
	// decision once made; a second lender decides those pending
	// (app.Service.DecidePending).
	Pending []pendingAmendment
}

// pendingAmendment is an amendment asked for: the draft (its file name
// and content) and the request's state.
type pendingAmendment struct {
	store.Pending
	File app.AmendmentFile
	Mine bool // asked for by the user (who may not decide it)
}

func (s *Server) termsPage(rq *req) error {
	ctx := ctxOf(rq)
	on, err := rq.queryDate("on", rq.today())
	if err != nil {
		return err
	}
	fac, err := s.terms.Agreement(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	t, err := s.terms.TermsAsOf(ctx, rq.fac.Slug, on)
	if err != nil {
		return err
	}
	p := termsPage{On: on, Terms: t, Flat: fac.Flat(on), Amendments: fac.Amendments, Documents: fac.Documents, Dates: fac.Dates()}
	q := rq.r.URL.Query()
	if q.Get("from") != "" || q.Get("to") != "" {
		if p.From, err = rq.queryDate("from", fac.Agreement.Date); err != nil {
			return err
		}
		if p.To, err = rq.queryDate("to", on); err != nil {
			return err
		}
		p.Diff = fac.Diff(p.From, p.To)
	} else if len(fac.Amendments) > 0 {
		// By default: what the first amendment changed.
		p.From, p.To = fac.Amendments[0].Effective.AddDays(-1), fac.Amendments[0].Effective
		p.Diff = fac.Diff(p.From, p.To)
	}
	ps, err := s.acc.PendingList(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].Kind != app.PendingAmendment {
			continue
		}
		pa := pendingAmendment{Pending: ps[i], Mine: ps[i].RequestedBy == rq.user.Email}
		_ = json.Unmarshal(ps[i].Payload, &pa.File)
		p.Pending = append(p.Pending, pa)
	}
	return rq.render(http.StatusOK, "terms", rq.view("Terms", "terms", p))
}

// decideAmendment approves (the amendment is then a document of the
// facility, used by every figure from its effective date) or rejects an
// amendment another lender asked for (app.Service.DecidePending: the
// decider must not be its requester; a rejection needs its reason).
func (s *Server) decideAmendment(approve bool) func(rq *req) error {
	return func(rq *req) error {
		rq.asks(map[bool]app.Op{true: app.OpApprovePending, false: app.OpRejectPending}[approve])
		if err := rq.allow(app.ActDecidePending, "decide amendments"); err != nil {
			return err
		}
		id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			return userErr(http.StatusNotFound, "There is no such pending amendment: go back to the terms.")
		}
		comment := strings.TrimSpace(rq.r.PostFormValue("comment"))
		if !approve && comment == "" {
			return rq.refused(userErr(http.StatusBadRequest, "Why it is rejected: say why, for the requester."), s.termsPage)
		}
		_, after, err := s.svc.DecidePending(rq.actx(), rq.fac.Slug, id, approve, rq.user.Email, comment)
		if err != nil {
			return rq.refused(err, s.termsPage)
		}
		return rq.done(rq.facPath("/terms#pending"), "request_decided", fmt.Sprint(after.ID), after.Status)
	}
}

// --- calendar ---

type calMonth struct {
	Month date.Date // first day
	Weeks [][]calDay
	Items []defaults.Deadline
}

type calDay struct {
	Day   date.Date
	In    bool
	Count int
	Title string
}

type calendarPage struct {
	AsOf       date.Date
	Report     *defaults.Report
	Months     []calMonth
	List       []defaults.Deadline
	Err        string
	Status     string
	ICSHref    string
	Undated    []defaults.Deadline
	MonthsWith []date.Date
	// Forms: the forms of the events of default and notices.
	Forms defaultForms
	// Requests: requests (waivers, cures) waiting for a second person.
	Requests requestsView
}

func (s *Server) calendarReport(rq *req, asOf date.Date) (*defaults.Report, error) {
	ctx := ctxOf(rq)
	sm := s.summarise(ctx, rq.fac, asOf, s.knownAt(ctx, asOf), true)
	if sm.TermsErr != "" {
		return nil, userErr(http.StatusUnprocessableEntity, "The terms could not be read: "+sm.TermsErr)
	}
	if sm.ReportErr != "" {
		return nil, userErr(http.StatusUnprocessableEntity, "The deadlines could not be computed: "+sm.ReportErr)
	}
	return sm.Report, nil
}

func (s *Server) calendarPage(rq *req) error {
	asOf, err := rq.queryDate("as_of", rq.today())
	if err != nil {
		return err
	}
	p := calendarPage{AsOf: asOf, Status: rq.r.URL.Query().Get("status"), ICSHref: "/facilities/" + rq.fac.Slug + "/calendar.ics?as_of=" + asOf.String()}
	if p.Requests, err = rq.requestsView("calendar"); err != nil {
		return err
	}
	rep, err := s.calendarReport(rq, asOf)
	p.Forms = s.defaultForms(rq, asOf, rep)
	if err != nil {
		p.Err = err.Error()
		return rq.render(http.StatusOK, "calendar", rq.view("Calendar and notices", "calendar", p))
	}
	p.Report = rep
	for _, d := range rep.Deadlines {
		if p.Status != "" && d.Status != p.Status {
			continue
		}
		if d.Due == 0 {
			p.Undated = append(p.Undated, d)
			continue
		}
		p.List = append(p.List, d)
	}
	sort.SliceStable(p.List, func(i, j int) bool { return p.List[i].Due < p.List[j].Due })
	// Months: six from the chosen month (default: the as-of month); links
	// to every month that has a deadline.
	start, err := rq.queryDate("month", asOf)
	if err != nil {
		return err
	}
	y, m, _ := start.Civil()
	first := date.Of(y, m, 1)
	seen := map[date.Date]bool{}
	for _, d := range p.List {
		dy, dm, _ := d.Due.Civil()
		if mf := date.Of(dy, dm, 1); !seen[mf] {
			seen[mf] = true
			p.MonthsWith = append(p.MonthsWith, mf)
		}
	}
	for i := 0; i < 6; i++ {
		mf := first.AddMonths(i)
		p.Months = append(p.Months, monthGrid(mf, p.List))
	}
	return rq.render(http.StatusOK, "calendar", rq.view("Calendar and notices", "calendar", p))
}

// monthGrid lays a month out in weeks from Monday, with the deadlines due
// on each day.
func monthGrid(first date.Date, ds []defaults.Deadline) calMonth {
	cm := calMonth{Month: first}
	next := first.AddMonths(1)
	byDay := map[date.Date][]string{}
	for _, d := range ds {
		if d.Due >= first && d.Due < next {
			byDay[d.Due] = append(byDay[d.Due], d.Label)
			cm.Items = append(cm.Items, d)
		}
	}
	// Monday on or before the first.
	start := first
	for start.Weekday() != time.Monday {
		start = start.AddDays(-1)
	}
	for d := start; d < next; d = d.AddDays(7) {
		var w []calDay
		for i := 0; i < 7; i++ {
			day := d.AddDays(i)
			cd := calDay{Day: day, In: day >= first && day < next}
			if cd.In {
				cd.Count = len(byDay[day])
				for _, l := range byDay[day] {
					if cd.Title != "" {
						cd.Title += "; "
					}
					cd.Title += l
				}
			}
			w = append(w, cd)
		}
		cm.Weeks = append(cm.Weeks, w)
	}
	return cm
}

func (s *Server) calendarICS(rq *req) error {
	asOf, err := rq.queryDate("as_of", rq.today())
	if err != nil {
		return err
	}
	rep, err := s.calendarReport(rq, asOf)
	if err != nil {
		return err
	}
	rq.w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	rq.w.Header().Set("Content-Disposition", `attachment; filename="`+rq.fac.Slug+`-deadlines.ics"`)
	_, err = rq.w.Write(defaults.ICS(rq.fac.Slug, asOf, rep.Deadlines))
	return err
}

// --- audit ---

type auditPage struct {
	Records  []store.AuditRecord
	Total    int
	Verified bool
	Break    *store.AuditBreak
	// The filters as given, and the links to newer and older pages and to
	// the CSV of every record the filters select.
	Facility, User, Kind, From, To string
	Filtered                       bool
	Newer, Older, CSV              string
}

const auditPerPage = 100

// auditPage shows the audit trail newest first, a page at a time, filtered
// by facility, user, kind and business date; format=csv downloads every
// record the filters select. The whole chain is verified on every view.
func (s *Server) auditPage(rq *req) error {
	if !canAudit(rq.user.Role) {
		rq.notFound()
		return nil
	}
	ctx := ctxOf(rq)
	q := rq.r.URL.Query()
	p := auditPage{Facility: strings.TrimSpace(q.Get("facility")), User: strings.TrimSpace(q.Get("user")), Kind: strings.TrimSpace(q.Get("kind")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	f := store.AuditFilter{Facility: p.Facility, Actor: p.User, Kind: p.Kind}
	var err error
	if f.From, err = rq.queryDate("from", 0); err != nil {
		return err
	}
	if f.To, err = rq.queryDate("to", 0); err != nil {
		return err
	}
	if f.From != 0 && f.To != 0 && f.From > f.To {
		return userErr(http.StatusBadRequest, fmt.Sprintf("The date range ends (%s) before it starts (%s): swap the dates.", f.To, f.From))
	}
	p.Filtered = p.Facility != "" || p.User != "" || p.Kind != "" || f.From != 0 || f.To != 0
	filters := url.Values{}
	for k, v := range map[string]string{"facility": p.Facility, "user": p.User, "kind": p.Kind, "from": p.From, "to": p.To} {
		if v != "" {
			filters.Set(k, v)
		}
	}
	link := func(k string, id int64) string {
		v := url.Values{}
		for key, vals := range filters {
			v[key] = vals
		}
		if k != "" {
			v.Set(k, strconv.FormatInt(id, 10))
		}
		if len(v) == 0 {
			return "/audit"
		}
		return "/audit?" + v.Encode()
	}
	if q.Get("format") == "csv" {
		var b bytes.Buffer
		if _, err := s.svc.ExportAuditCSV(ctx, f, &b); err != nil {
			return err
		}
		return sendFile(rq, "text/csv; charset=utf-8", "audit.csv", b.Bytes())
	}
	v, err := s.svc.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	p.Total, p.Verified, p.Break = v.Records, v.Break == nil, v.Break
	if v.Break != nil {
		p.Total = v.Records + 1
	}
	// Newest first: a page before an id (older), or after one (newer).
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	page := f
	page.Limit = auditPerPage + 1
	if after > 0 {
		page.After = after
	} else {
		page.Before, page.Newest = before, true
	}
	recs, err := s.svc.AuditTrail(ctx, page)
	if err != nil {
		return err
	}
	more := len(recs) > auditPerPage
	recs = recs[:min(len(recs), auditPerPage)]
	if after > 0 {
		slices.Reverse(recs)
	}
	p.Records = recs
	if len(recs) > 0 {
		newest, oldest := recs[0].ID, recs[len(recs)-1].ID
		newer, older := more, more
		if after > 0 {
			older = s.auditExists(rq, f, 0, oldest)
		} else {
			newer = before > 0 && s.auditExists(rq, f, newest, 0)
		}
		if newer {
			p.Newer = link("after", newest)
		}
		if older {
			p.Older = link("before", oldest)
		}
	}
	csv := url.Values{"format": {"csv"}}
	for k, vals := range filters {
		csv[k] = vals
	}
	p.CSV = "/audit?" + csv.Encode()
	return rq.render(http.StatusOK, "audit", rq.view("Audit trail", "audit", p))
}

// auditExists reports whether a record selected by f lies after (or
// before) an id.
func (s *Server) auditExists(rq *req, f store.AuditFilter, after, before int64) bool {
	f.After, f.Before, f.Limit = after, before, 1
	recs, err := s.svc.AuditTrail(ctxOf(rq), f)
	return err == nil && len(recs) > 0
}
