package httpapi

import (
	"net/http"
	"strings"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// The facility's calendar and memory of obligations: deadlines (JSON or
// iCalendar), events of default with the remedies exercisable, when a
// notice takes effect, and the fact records the defaults engine reads
// (notices, events of default and their lifecycle, waivers with a second
// lender's approval, insurance policies, UCC filings, other indebtedness,
// occurrences, covenant results). Lenders record; everyone who may see the
// facility reads. Ending an event of default (a cure, a waiver, a passing
// covenant result over a failing test, restated statements) is a request a
// second person decides: POST …/requests/{id}/approve or reject.

func (s *Server) defaultsRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	const eod = f + "/events-of-default/{id}"
	rec := func(op app.Op, method, path, summary, request string, h func(c *call) (any, error)) *Route {
		return &Route{Method: method, Path: path, Summary: summary, Roles: roles(app.ActRecordDefault), Mutating: true, Op: op, Request: request, Response: "Recorded", Status: http.StatusCreated, h: h}
	}
	decide := func(op app.Op, method, path, summary, request string, h func(c *call) (any, error)) *Route {
		r := rec(op, method, path, summary, request, h)
		r.Roles = roles(app.ActDecidePending)
		return r
	}
	return []*Route{
		{Method: "GET", Path: f + "/deadlines", Summary: "What is due, overdue or coming on a date, each with its clause and rule (format=ics or Accept: text/calendar: an iCalendar file)", Query: []string{"as_of", "known_at", "format"}, Response: "Deadlines", h: s.deadlines},
		{Method: "GET", Path: f + "/events-of-default", Summary: "Events of default on a date as known at a time, with their lifecycle (who, when, clause), whether each continues and why, the requests to end them waiting for a second person, and the Bank's remedies exercisable or not yet (with the missing condition)", Query: []string{"as_of", "known_at"}, Response: "EventsOfDefault", h: s.eventsOfDefault},
		{Method: "GET", Path: f + "/requests", Summary: "Requests to end events of default (cure, waiver, covenant result) and restatements, with their decisions, by id", Query: []string{"after", "limit"}, Response: "RequestList", h: s.requests},
		decide(app.OpApproveRequest, "POST", f+"/requests/{id}/approve", "Approve a request (not by its requester): the cure, waiver, covenant result or restated statements take effect", "Decision", s.decideRequest(true)),
		decide(app.OpRejectRequest, "POST", f+"/requests/{id}/reject", "Reject a request (not by its requester), saying why", "Decision", s.decideRequest(false)),
		{Method: "GET", Path: f + "/notices/effective", Summary: "When a notice sent by a method at a time takes effect under the facility's terms (Security Agreement ¶21), and by which rule", Query: []string{"method", "sent", "confirmed"}, Response: "NoticeEffect", h: s.noticeEffective},
		{Method: "GET", Path: f + "/fact-records", Summary: "The facility's fact records (append-only), by id", Query: []string{"after", "limit"}, Response: "FactRecordList", h: s.factRecords},
		rec(app.OpRecordNotice, "POST", f+"/notices", "Record a notice given (effective time computed and stored with its rule)", "NoticeInput", s.recordNotice),
		rec(app.OpConfirmNotice, "POST", f+"/notices/{id}/confirmation", "Record a fax's confirmation of good transmission and/or its courier copy", "NoticeConfirmationInput", s.confirmNotice),
		rec(app.OpRecordDefault, "POST", f+"/events-of-default/records", "Record an event of default of the terms as occurred", "EventOfDefaultInput", s.recordDefault),
		rec(app.OpNoticeOfDefault, "POST", eod+"/notice", "Record the Bank's notice of the event of default (§7.2)", "DefaultNoticeInput", s.defaultNotice),
		rec(app.OpElectDefaultInterest, "POST", eod+"/default-interest", "Record the lender's notice electing default interest while the event of default continues (terms whose pricing.default_interest applies on_notice): charged from the day the notice takes effect", "DefaultNoticeInput", s.electDefaultInterest),
		rec(app.OpRequestCure, "POST", eod+"/cure", "Ask to record the cure of the event of default: a request a second lender approves (POST …/requests/{id}/approve)", "DefaultActionInput", s.defaultAction(defaults.ActionCure)),
		rec(app.OpAccelerate, "POST", eod+"/accelerate", "Record the acceleration after an event of default (needs its notice in effect)", "DefaultActionInput", s.defaultAction(defaults.ActionAcceleration)),
		rec(app.OpRequestWaiver, "POST", eod+"/waive", "Ask to waive the event of default: a written consent naming the agreement, and for a covenant the covenant and period (SA ¶16); needs a second lender", "WaiverInput", s.requestWaiver),
		decide(app.OpApproveWaiver, "POST", eod+"/waive/approve", "Approve a waiver request (not by its requester)", "WaiverApproval", s.approveWaiver),
		rec(app.OpRecordPolicy, "POST", f+"/insurance-policies", "Record an insurance policy on the collateral, or a later state of it under the same id", "PolicyInput", s.recordPolicy),
		rec(app.OpRecordFiling, "POST", f+"/ucc-filings", "Record a UCC filing's number and date, or a continuation", "FilingInput", s.recordFiling),
		rec(app.OpRecordOtherDebt, "POST", f+"/other-indebtedness", "Record other indebtedness (cross-default), or a later state of it under the same id", "OtherDebtInput", s.recordOtherDebt),
		rec(app.OpRecordOccurrence, "POST", f+"/occurrences", "Record a delivery (closing checklist), casualty, payment, move or sale", "OccurrenceInput", s.recordOccurrence),
		rec(app.OpRecordCovenantResult, "POST", f+"/covenant-results", "Record a covenant test as reported (a covenant of the terms); a passing result over a failing test while its event of default continues is a request a second lender approves", "CovenantResultInput", s.recordCovenantResult),
	}
}

func init() {
	queryDocs["format"] = obj{"description": "json (default); ics (text/calendar) for deadlines, csv (text/csv) for the audit trail and the trends, pdf (application/pdf) for a statement", "schema": obj{"type": "string", "enum": []string{"json", "ics", "csv", "pdf"}}}
	queryDocs["method"] = obj{"description": "a notice method of the terms, e.g. courier or fax", "schema": str}
	queryDocs["sent"] = obj{"description": "when the notice was sent: RFC 3339, or YYYY-MM-DD HH:MM in the facility's zone", "schema": str}
	queryDocs["confirmed"] = obj{"description": "fax: when confirmation of good transmission was received (same forms as sent)", "schema": str}
}

// factInput is who records under which key: the client's Idempotency-Key
// scoped to the caller, else a key of the request.
func (c *call) factInput() app.FactInput {
	return app.FactInput{Facility: c.fac.Slug, Key: c.ledgerKey(), By: c.user.Email}
}

func (c *call) zone() (*time.Location, error) {
	t, err := c.s.terms.TermsAsOf(c.r.Context(), c.fac.Slug, c.today())
	if err != nil {
		return nil, err
	}
	return defaults.Location(t)
}

func parseTime(field, v string, required bool, loc *time.Location) (*time.Time, error) {
	if v == "" {
		if required {
			return nil, fieldErr(field, "required: a time, RFC 3339 (2006-05-26T16:30:00-04:00) or YYYY-MM-DD HH:MM in the facility's zone")
		}
		return nil, nil
	}
	t, err := defaults.ParseTime(v, loc)
	if err != nil {
		return nil, fieldErr(field, "%v", err)
	}
	if d := date.FromTime(t); d < minDate || d > maxDate {
		return nil, fieldErr(field, "%s is out of range: expected a time from %s to %s", v, minDate, maxDate)
	}
	return &t, nil
}

func optDate(field, v string) (*date.Date, error) {
	if v == "" {
		return nil, nil
	}
	d, err := parseDate(field, v, true, 0)
	return &d, err
}

// asICS: the caller asked for the iCalendar form.
func (c *call) asICS() bool {
	if f := c.r.URL.Query().Get("format"); f != "" {
		return f == "ics"
	}
	return strings.Contains(c.r.Header.Get("Accept"), "text/calendar")
}

// discard swallows the JSON the server writes after a handler has written
// a response of another type itself.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

func (s *Server) deadlines(c *call) (any, error) {
	asOf, err := c.queryDate("as_of")
	if err != nil {
		return nil, err
	}
	if f := c.r.URL.Query().Get("format"); f != "" && f != "json" && f != "ics" {
		return nil, fieldErr("format", "%q: expected json or ics", f)
	}
	knownAt, err := c.queryKnownAt(asOf)
	if err != nil {
		return nil, err
	}
	rep, err := s.svc.DefaultsReportAt(c.r.Context(), c.fac.Slug, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	if c.asICS() {
		return s.sendFile(c, "text/calendar; charset=utf-8", c.fac.Slug+"-deadlines-"+asOf.String()+".ics", defaults.ICS(c.fac.Slug, asOf, rep.Deadlines))
	}
	problems := rep.Problems
	if problems == nil {
		problems = []defaults.Problem{}
	}
	return map[string]any{"facility": c.fac.Slug, "as_of": asOf, "calendar": rep.Calendar, "deadlines": rep.Deadlines, "problems": problems}, nil
}

func (s *Server) eventsOfDefault(c *call) (any, error) {
	asOf, err := c.queryDate("as_of")
	if err != nil {
		return nil, err
	}
	knownAt, err := c.queryKnownAt(asOf)
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	rep, err := s.svc.DefaultsReportAt(ctx, c.fac.Slug, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	var now []defaults.Default
	if !knownAt.IsZero() {
		// Where hindsight differs, both are shown.
		if now, err = s.svc.DefaultsContinuing(ctx, c.fac.Slug, asOf, time.Time{}); err != nil {
			return nil, err
		}
	}
	return EventsOfDefaultOf(c.fac.Slug, asOf, knownAt, rep, now), nil
}

// EventsOfDefault is the answer of GET …/events-of-default (the command
// line's revolver defaults writes the same).
type EventsOfDefault struct {
	Facility string    `json:"facility"`
	AsOf     date.Date `json:"as_of"`
	// KnownAt: the facts are those recorded by then; absent, every fact
	// recorded.
	KnownAt    time.Time `json:"known_at,omitzero"`
	Continuing []string  `json:"continuing"`
	// ContinuingWithHindsight: with known_at, those continuing on as_of
	// with every fact recorded (what funding decisions use).
	ContinuingWithHindsight []string                `json:"continuing_with_hindsight,omitzero"`
	EventsOfDefault         []defaults.Default      `json:"events_of_default"`
	Remedies                []defaults.RemedyStatus `json:"remedies"`
	Problems                []defaults.Problem      `json:"problems"`
}

// EventsOfDefaultOf names a defaults report on asOf as known at knownAt
// (app.Service.DefaultsReportAt) as the API answers it; with a known-at
// time, now are the events of default continuing with every fact recorded
// (app.Service.DefaultsContinuing).
func EventsOfDefaultOf(facility string, asOf date.Date, knownAt time.Time, rep *defaults.Report, now []defaults.Default) EventsOfDefault {
	out := EventsOfDefault{Facility: facility, AsOf: asOf, Continuing: defaults.Continuing(rep.Defaults),
		EventsOfDefault: nonNil(rep.Defaults), Remedies: nonNil(rep.Remedies), Problems: nonNil(rep.Problems)}
	if !knownAt.IsZero() {
		out.KnownAt, out.ContinuingWithHindsight = knownAt, defaults.Continuing(now)
	}
	return out
}

// queryKnownAt reads known_at by the one rule (app.Service.ResolveKnownAt,
// as availability reads it), for the events of default and the facts (zero:
// every fact recorded).
func (c *call) queryKnownAt(asOf date.Date) (time.Time, error) {
	v := c.r.URL.Query().Get("known_at")
	t, err := c.s.svc.FactsKnownAt(c.r.Context(), c.fac.Slug, asOf, v)
	if store.ErrorCode(err) == store.CodeInvalid {
		return time.Time{}, fieldErr("known_at", "%q: expected an RFC 3339 time (2006-12-31T17:00:00-05:00), a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of that business day) or now", v)
	}
	return t, err
}

func (s *Server) requests(c *call) (any, error) {
	p, err := c.page(false)
	if err != nil {
		return nil, err
	}
	rs, err := s.svc.Requests(c.r.Context(), c.fac.Slug)
	if err != nil {
		return nil, err
	}
	out, next := pageOf(rs, p, func(r app.EndRequest) int64 { return r.ID })
	return map[string]any{"requests": out, "next_after": next}, nil
}

func (s *Server) decideRequest(approve bool) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		var in decision
		if err := c.decodeOptional(&in); err != nil {
			return nil, err
		}
		id, err := c.pathID()
		if err != nil {
			return nil, err
		}
		return c.recorded(c.svc().DecideRequest(c.r.Context(), c.factInput(), id, approve, in.Comment))
	}
}

func (s *Server) noticeEffective(c *call) (any, error) {
	q := c.r.URL.Query()
	if q.Get("method") == "" {
		return nil, fieldErr("method", "required: a notice method of the terms, e.g. courier or fax")
	}
	if q.Get("sent") == "" {
		return nil, fieldErr("sent", "required: RFC 3339 or YYYY-MM-DD HH:MM in the facility's zone")
	}
	eff, err := s.svc.NoticeEffective(c.r.Context(), c.fac.Slug, q.Get("method"), q.Get("sent"), q.Get("confirmed"))
	if err != nil {
		return nil, err
	}
	return eff, nil
}

func (s *Server) factRecords(c *call) (any, error) {
	p, err := c.page(false)
	if err != nil {
		return nil, err
	}
	rs, err := s.st.FactRecords(c.r.Context(), c.fac.Slug)
	if err != nil {
		return nil, err
	}
	out, next := pageOf(rs, p, func(r store.FactRecord) int64 { return r.ID })
	return map[string]any{"fact_records": out, "next_after": next}, nil
}

// recorded finishes a record command: the answer, and the audit record
// when the store cannot append it in the record's own transaction.
func (c *call) recorded(r app.Recorded, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return r, c.audit(nil, r)
}

type noticeInput struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Subject     string `json:"subject"`
	Under       string `json:"under"`
	Default     string `json:"default"`
	Ref         string `json:"ref"`
	Method      string `json:"method"`
	Sent        string `json:"sent"`
	Confirmed   string `json:"confirmed"`
	CourierCopy string `json:"courier_copy"`
}

func (c *call) notice(in noticeInput) (defaults.Notice, error) {
	loc, err := c.zone()
	if err != nil {
		return defaults.Notice{}, err
	}
	n := defaults.Notice{From: in.From, To: in.To, Subject: in.Subject, Under: in.Under, Default: in.Default, Ref: in.Ref, Method: in.Method}
	if n.Method == "" {
		return n, fieldErr("method", "required: a notice method of the terms, e.g. courier or fax")
	}
	sent, err := parseTime("sent", in.Sent, true, loc)
	if err != nil {
		return n, err
	}
	n.Sent = *sent
	if n.Confirmed, err = parseTime("confirmed", in.Confirmed, false, loc); err != nil {
		return n, err
	}
	if n.CourierCopy, err = parseTime("courier_copy", in.CourierCopy, false, loc); err != nil {
		return n, err
	}
	return n, nil
}

func (s *Server) recordNotice(c *call) (any, error) {
	var in noticeInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"from", in.From}, {"to", in.To}, {"subject", in.Subject}} {
		if f.v == "" {
			return nil, fieldErr(f.name, "required")
		}
	}
	n, err := c.notice(in)
	if err != nil {
		return nil, err
	}
	return c.recorded(c.svc().RecordNotice(c.r.Context(), c.factInput(), n))
}

type confirmationInput struct {
	Confirmed   string `json:"confirmed"`
	CourierCopy string `json:"courier_copy"`
}

func (s *Server) confirmNotice(c *call) (any, error) {
	var in confirmationInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	loc, err := c.zone()
	if err != nil {
		return nil, err
	}
	conf, err := parseTime("confirmed", in.Confirmed, false, loc)
	if err != nil {
		return nil, err
	}
	cc, err := parseTime("courier_copy", in.CourierCopy, false, loc)
	if err != nil {
		return nil, err
	}
	return c.recorded(c.svc().ConfirmNotice(c.r.Context(), c.factInput(), c.r.PathValue("id"), conf, cc))
}

type eventOfDefaultInput struct {
	Event       string `json:"event"`
	Occurred    string `json:"occurred"`
	Description string `json:"description"`
}

func (s *Server) recordDefault(c *call) (any, error) {
	var in eventOfDefaultInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Event == "" {
		return nil, fieldErr("event", "required: an events_of_default id of the terms, e.g. dissolution")
	}
	occ, err := parseDate("occurred", in.Occurred, true, 0)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Description) == "" {
		return nil, fieldErr("description", "required: what happened")
	}
	return c.recorded(c.svc().RecordDefault(c.r.Context(), c.factInput(), defaults.DefaultRecord{Event: in.Event, Occurred: occ, Description: in.Description}))
}

type defaultNoticeInput struct {
	Method      string `json:"method"`
	Sent        string `json:"sent"`
	Confirmed   string `json:"confirmed"`
	CourierCopy string `json:"courier_copy"`
	Under       string `json:"under"`
}

// readDefaultNotice reads a notice to the borrower about an event of default
// from the request body.
func (c *call) readDefaultNotice() (defaults.Notice, error) {
	var in defaultNoticeInput
	if err := c.decodeJSON(&in); err != nil {
		return defaults.Notice{}, err
	}
	return c.notice(noticeInput{Method: in.Method, Sent: in.Sent, Confirmed: in.Confirmed, CourierCopy: in.CourierCopy, Under: in.Under})
}

func (s *Server) defaultNotice(c *call) (any, error) {
	n, err := c.readDefaultNotice()
	if err != nil {
		return nil, err
	}
	return c.recorded(c.svc().NoticeOfDefault(c.r.Context(), c.factInput(), c.r.PathValue("id"), n))
}

func (s *Server) electDefaultInterest(c *call) (any, error) {
	n, err := c.readDefaultNotice()
	if err != nil {
		return nil, err
	}
	return c.recorded(c.svc().ElectDefaultInterest(c.r.Context(), c.factInput(), c.r.PathValue("id"), n))
}

type defaultActionInput struct {
	Date string `json:"date"`
	Note string `json:"note"`
}

func (s *Server) defaultAction(kind string) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		var in defaultActionInput
		if err := c.decodeJSON(&in); err != nil {
			return nil, err
		}
		d, err := parseDate("date", in.Date, true, 0)
		if err != nil {
			return nil, err
		}
		return c.recorded(c.svc().DefaultAction(c.r.Context(), c.factInput(), c.r.PathValue("id"), kind, d, in.Note))
	}
}

type waiverInput struct {
	Date      string `json:"date"`
	Agreement string `json:"agreement"`
	Covenant  string `json:"covenant"`
	Period    string `json:"period"`
	Note      string `json:"note"`
}

func (s *Server) requestWaiver(c *call) (any, error) {
	var in waiverInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	d, err := parseDate("date", in.Date, true, 0)
	if err != nil {
		return nil, err
	}
	if in.Agreement == "" {
		return nil, fieldErr("agreement", "required: the document the written consent refers to, e.g. security-agreement (Security Agreement ¶16)")
	}
	p, err := parseDate("period", in.Period, false, 0)
	if err != nil {
		return nil, err
	}
	return c.recorded(c.svc().RequestWaiver(c.r.Context(), c.factInput(), app.WaiverRequest{Default: c.r.PathValue("id"), Date: d,
		Agreement: in.Agreement, Covenant: in.Covenant, Period: p, Note: in.Note}))
}

type waiverApproval struct {
	Request int64 `json:"request"`
}

func (s *Server) approveWaiver(c *call) (any, error) {
	var in waiverApproval
	if err := c.decodeOptional(&in); err != nil {
		return nil, err
	}
	if in.Request < 0 {
		return nil, fieldErr("request", "%d: expected a waiver request's record id", in.Request)
	}
	return c.recorded(c.svc().ApproveWaiver(c.r.Context(), c.factInput(), c.r.PathValue("id"), in.Request))
}

type policyInput struct {
	ID                     string   `json:"id"`
	Insurer                string   `json:"insurer"`
	Number                 string   `json:"number"`
	Covers                 []string `json:"covers"`
	Effective              string   `json:"effective"`
	Expires                string   `json:"expires"`
	LossPayee              string   `json:"loss_payee"`
	CancellationNoticeDays int      `json:"cancellation_notice_days"`
	Evidenced              string   `json:"evidenced"`
	Cancelled              string   `json:"cancelled"`
}

func (s *Server) recordPolicy(c *call) (any, error) {
	var in policyInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	p := defaults.Policy{ID: in.ID, Insurer: in.Insurer, Number: in.Number, Covers: in.Covers, LossPayee: in.LossPayee, CancellationNoticeDays: in.CancellationNoticeDays}
	var err error
	if p.Effective, err = parseDate("effective", in.Effective, true, 0); err != nil {
		return nil, err
	}
	if p.Expires, err = parseDate("expires", in.Expires, true, 0); err != nil {
		return nil, err
	}
	if p.Evidenced, err = optDate("evidenced", in.Evidenced); err != nil {
		return nil, err
	}
	if p.Cancelled, err = optDate("cancelled", in.Cancelled); err != nil {
		return nil, err
	}
	if in.Insurer == "" {
		return nil, fieldErr("insurer", "required")
	}
	return c.recorded(c.svc().RecordPolicy(c.r.Context(), c.factInput(), p))
}

type filingInput struct {
	Filing        string   `json:"filing"`
	Jurisdiction  string   `json:"jurisdiction"`
	Number        string   `json:"number"`
	Filed         string   `json:"filed"`
	Continuations []string `json:"continuations"`
}

func (s *Server) recordFiling(c *call) (any, error) {
	var in filingInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Filing == "" {
		return nil, fieldErr("filing", "required: a UCC filing id of the terms, e.g. ucc1")
	}
	f := defaults.FilingRecord{Filing: in.Filing, Number: in.Number}
	var err error
	if f.Filed, err = parseDate("filed", in.Filed, false, 0); err != nil {
		return nil, err
	}
	for _, v := range in.Continuations {
		d, err := parseDate("continuations", v, true, 0)
		if err != nil {
			return nil, err
		}
		f.Continuations = append(f.Continuations, d)
	}
	return c.recorded(c.svc().RecordFiling(c.r.Context(), c.factInput(), f, in.Jurisdiction))
}

type otherDebtInput struct {
	ID               string `json:"id"`
	Creditor         string `json:"creditor"`
	Amount           string `json:"amount"`
	Due              string `json:"due"`
	Paid             string `json:"paid"`
	Accelerated      string `json:"accelerated"`
	DefaultUnder     string `json:"default_under"`
	Disputed         bool   `json:"disputed"`
	ReservesAdequate bool   `json:"reserves_adequate"`
}

func (s *Server) recordOtherDebt(c *call) (any, error) {
	var in otherDebtInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.ID == "" {
		return nil, fieldErr("id", "required: the debt's id (a later record under it supersedes)")
	}
	if in.Creditor == "" {
		return nil, fieldErr("creditor", "required")
	}
	o := defaults.OtherDebt{ID: in.ID, Creditor: in.Creditor, Disputed: in.Disputed, ReservesAdequate: in.ReservesAdequate}
	var err error
	if o.Amount, err = parseAmount("amount", in.Amount); err != nil {
		return nil, err
	}
	if o.Due, err = parseDate("due", in.Due, true, 0); err != nil {
		return nil, err
	}
	if o.Paid, err = optDate("paid", in.Paid); err != nil {
		return nil, err
	}
	if o.Accelerated, err = optDate("accelerated", in.Accelerated); err != nil {
		return nil, err
	}
	if o.DefaultUnder, err = optDate("default_under", in.DefaultUnder); err != nil {
		return nil, err
	}
	return c.recorded(c.svc().RecordOtherDebt(c.r.Context(), c.factInput(), o))
}

type occurrenceInput struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Ref  string `json:"ref"`
	For  string `json:"for"`
	Date string `json:"date"`
	Note string `json:"note"`
}

func (s *Server) recordOccurrence(c *call) (any, error) {
	var in occurrenceInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Kind == "" {
		return nil, fieldErr("kind", "required: e.g. delivered, casualty, costs_paid, records_move, sale")
	}
	e := defaults.Event{ID: in.ID, Kind: in.Kind, Ref: in.Ref, Note: in.Note}
	var err error
	if e.Date, err = parseDate("date", in.Date, true, 0); err != nil {
		return nil, err
	}
	if e.For, err = parseDate("for", in.For, false, 0); err != nil {
		return nil, err
	}
	return c.recorded(c.svc().RecordOccurrence(c.r.Context(), c.factInput(), e))
}

type covenantResultInput struct {
	Covenant     string `json:"covenant"`
	PeriodEnd    string `json:"period_end"`
	Pass         *bool  `json:"pass"`
	Actual       string `json:"actual"`
	Required     string `json:"required"`
	Undetermined string `json:"undetermined"`
}

func (s *Server) recordCovenantResult(c *call) (any, error) {
	var in covenantResultInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Covenant == "" {
		return nil, fieldErr("covenant", "required")
	}
	if in.Pass == nil {
		return nil, fieldErr("pass", "required: true or false")
	}
	r := defaults.CovenantResult{Covenant: in.Covenant, Pass: *in.Pass, Actual: in.Actual, Required: in.Required, Undetermined: in.Undetermined}
	var err error
	if r.PeriodEnd, err = parseDate("period_end", in.PeriodEnd, true, 0); err != nil {
		return nil, err
	}
	return c.recorded(c.svc().RecordCovenantResult(c.r.Context(), c.factInput(), r))
}
