package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"revolver/agreement"
	"revolver/app"
	"revolver/auth"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/httpconv"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// roles are the roles of the role matrix (package app) that may do a; the
// routes that only read need no more than the facility's access (nil).
func roles(a app.Action) []string { return app.Roles(a) }

func (s *Server) routeTable() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return append([]*Route{
		{Method: "GET", Path: "/api/v1/health", Summary: "Liveness and store check", Public: true, Response: "Health", h: s.health},
		{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This OpenAPI document", Public: true, Versioned: true, Response: "OpenAPI", h: s.openapiDoc},
		{Method: "POST", Path: "/api/v1/session", Summary: "Sign in (JSON or form): sets the session cookie, returns the CSRF token", Public: true, Request: "SignIn", Response: "Session", Status: 201, h: s.signIn},
		{Method: "DELETE", Path: "/api/v1/session", Summary: "Sign out", Response: "NoContent", Status: 204, h: s.signOut},
		{Method: "GET", Path: "/api/v1/me", Summary: "The signed-in user (and CSRF token for a session)", Response: "Me", h: s.me},
		{Method: "GET", Path: "/api/v1/facilities", Summary: "Facilities the caller may see, by slug", Query: []string{"after_slug", "limit"}, Response: "FacilityList", h: s.facilities},
		{Method: "GET", Path: "/api/v1/portfolio", Summary: "The facilities the caller may see with their figures on a date as known at a time (availability, covenant status, events of default, next deadline), sorted and paginated", Query: []string{"as_of", "known_at", "sort", "dir", "status", "page", "limit"}, Response: "Portfolio", h: s.portfolio},
		{Method: "GET", Path: "/api/v1/morning", Summary: "The lender's morning on the business date as known at a time: the exceptions of every facility the caller may see (certificates awaiting review, overadvances, covenant failures and waivers, events of default, deadlines due and overdue, dominion periods, data-quality warnings), each with its reason and link; what changed since the business date opened; the caller's queues of reviews, approvals and notices", Query: []string{"known_at"}, Response: "Morning", h: s.morning},
		{Method: "GET", Path: f, Summary: "A facility with its terms in force, the events of default continuing (as known at known_at) and the overadvance", Query: []string{"as_of", "known_at"}, Response: "FacilityTerms", h: s.facility},
		{Method: "GET", Path: f + "/availability", Summary: "Availability on a date as known at a time, with every term of the formula, why advances are blocked, the overadvance and what hindsight changes", Query: []string{"as_of", "known_at"}, Response: "Availability", h: s.availability},
		{Method: "GET", Path: f + "/borrowing-base-certificates", Summary: "Certificates of the facility, by id", Query: []string{"after", "limit", "from", "to"}, Response: "CertificateList", h: s.certificates},
		{Method: "POST", Path: f + "/borrowing-base-certificates", Summary: "Submit a certificate: multipart as_of, receivables, debtors, inventory, and the period's journals (CSV or XLSX)", Roles: roles(app.ActSubmitCertificate), Mutating: true, Op: app.OpSubmitCertificate, Upload: true, Request: "CertificateUpload", Response: "Certificate", Status: 201, h: s.submitCertificate},
		{Method: "GET", Path: f + "/borrowing-base-certificates/{id}", Summary: "A certificate with its computed body", Versioned: true, Response: "Certificate", h: s.certificate},
		{Method: "POST", Path: f + "/borrowing-base-certificates/{id}/approve", Summary: "Approve a certificate (not by its submitter); one that supersedes another only with supersedes naming it", Roles: roles(app.ActDecideCertificate), Mutating: true, Op: app.OpApproveCertificate, Request: "CertificateDecision", Response: "Certificate", h: s.decideCertificate(store.Approved)},
		{Method: "POST", Path: f + "/borrowing-base-certificates/{id}/reject", Summary: "Reject a certificate, saying why", Roles: roles(app.ActDecideCertificate), Mutating: true, Op: app.OpRejectCertificate, Request: "CertificateDecision", Response: "Certificate", h: s.decideCertificate(store.Rejected)},
		{Method: "POST", Path: f + "/borrowing-base-certificates/{id}/withdraw", Summary: "Withdraw a certificate not yet decided (the borrower)", Roles: roles(app.ActWithdrawCertificate), Mutating: true, Op: app.OpWithdrawCertificate, Request: "Decision", Response: "Certificate", h: s.withdrawCertificate},
		{Method: "GET", Path: f + "/advances", Summary: "Advance requests, by id", Query: []string{"after", "limit", "from", "to"}, Response: "AdvanceList", h: s.advances},
		{Method: "POST", Path: f + "/advances", Summary: "Request an advance: checked against availability, funded at once while what the requester funded that business day stays within the maker-checker threshold (201), else waits for approval (202); value-dated before the business date, a lender's correction with a reason", Roles: roles(app.ActRequestAdvance), Mutating: true, Op: app.OpRequestAdvance, Request: "AdvanceInput", Response: "AdvanceRequested", Status: 201, h: s.requestAdvance},
		{Method: "POST", Path: f + "/advances/{id}/approve", Summary: "Approve and fund a requested advance (not by its requester)", Roles: roles(app.ActDecideAdvance), Mutating: true, Op: app.OpApproveAdvance, Request: "Decision", Response: "Advance", h: s.decideAdvance(true)},
		{Method: "POST", Path: f + "/advances/{id}/reject", Summary: "Reject a requested advance, saying why", Roles: roles(app.ActDecideAdvance), Mutating: true, Op: app.OpRejectAdvance, Request: "Decision", Response: "Advance", h: s.decideAdvance(false)},
		{Method: "POST", Path: f + "/advances/{id}/cancel", Summary: "Cancel a request not yet decided (its requester)", Roles: roles(app.ActRequestAdvance), Mutating: true, Op: app.OpCancelAdvance, Request: "Decision", Response: "Advance", h: s.cancelAdvance},
		{Method: "POST", Path: f + "/repayments", Summary: "Record a repayment (201); value-dated before the business date, a lender's correction with a reason that waits for a second lender (202)", Roles: roles(app.ActRecordRepayment), Mutating: true, Op: app.OpRepay, Request: "RepaymentInput", Response: "Posted", Status: 201, h: s.repayment},
		{Method: "GET", Path: f + "/ledger", Summary: "Loan account transactions value-dated from from to to, by id, with the balances at the end of to", Query: []string{"from", "to", "after", "limit"}, Response: "Ledger", h: s.ledger},
		{Method: "POST", Path: f + "/financial-statements", Summary: "Submit quarterly financial statements (text/csv): a new period is recorded with its covenant tests; a period already reported is a restatement, pending until a lender accepts it (POST …/requests/{id}/approve)", Roles: roles(app.ActRecordStatements), Mutating: true, Op: app.OpAddStatements, Request: "FinancialsCSV", Response: "FinancialsList", Status: 201, h: s.financials},
		{Method: "POST", Path: f + "/financial-statements/preview", Summary: "Preview quarterly financial statements (text/csv) before submitting them: each period's lines with their values and the covenants each feeds, the lines a covenant needs that are blank, and whether the period restates one already reported; nothing is stored", Roles: roles(app.ActRecordStatements), Request: "FinancialsCSV", Response: "StatementsPreview", h: s.previewFinancials},
		{Method: "GET", Path: f + "/covenants", Summary: "Covenant tests on the statements as known on a date", Query: []string{"known_at", "as_known_on", "explain"}, Response: "Covenants", h: s.covenants},
		{Method: "POST", Path: f + "/events-of-default", Summary: "Record an event of default of the terms (action record: as POST …/events-of-default/records) or ask to waive the one continuing of an event (action waive: as POST …/events-of-default/{id}/waive; a second lender approves)", Roles: roles(app.ActRecordDefault), Mutating: true, Op: app.OpRecordDefault, Request: "DefaultInput", Response: "Recorded", Status: 201, h: s.eventOfDefault},
		{Method: "POST", Path: f + "/amendments", Summary: "Ask to add an amendment (needs a second lender's approval)", Roles: roles(app.ActRequestAmendment), Mutating: true, Op: app.OpRequestAmendment, Request: "AmendmentInput", Response: "Pending", Status: 202, h: s.amendment},
		{Method: "POST", Path: f + "/amendments/preview", Summary: "Preview a draft amendment, waiver letter or restatement: its lint, the terms it changes and its effect on availability, every covenant test, the deadlines and the events of default on as_of, beside the figures without it; stores nothing (record it with POST …/amendments and its previewed_sha256)", Roles: roles(app.ActRequestAmendment), Request: "DraftInput", Response: "Preview", h: s.previewDraft},
		{Method: "GET", Path: f + "/approvals", Summary: "Actions waiting for approval and decided, by id", Query: []string{"after", "limit"}, Response: "PendingList", h: s.approvals},
		{Method: "POST", Path: f + "/approvals/{id}/approve", Summary: "Approve and carry out a pending action (not by its requester)", Roles: roles(app.ActDecidePending), Mutating: true, Op: app.OpApprovePending, Request: "Decision", Response: "Pending", h: s.decidePending(true)},
		{Method: "POST", Path: f + "/approvals/{id}/reject", Summary: "Reject a pending action, saying why", Roles: roles(app.ActDecidePending), Mutating: true, Op: app.OpRejectPending, Request: "Decision", Response: "Pending", h: s.decidePending(false)},
		{Method: "POST", Path: "/api/v1/close-of-business", Summary: "Enqueue close of business through a business date (default: the one open): accrues every facility's interest and opens the next business date, run by a worker; answers the job (the same job while one for the day waits, runs or is done)", Roles: roles(app.ActCloseOfBusiness), Mutating: true, Op: app.OpCloseOfBusiness, Request: "CloseInput", Response: "Job", Status: 202, h: s.closeOfBusiness},
		{Method: "GET", Path: "/api/v1/jobs/{id}", Summary: "A job of the queue: its kind, state, attempts, errors and output", Roles: roles(app.ActCloseOfBusiness), Response: "Job", h: s.job},
		{Method: "GET", Path: "/api/v1/audit", Summary: "The audit trail (hash chain), by id, filtered by facility, user, kind and business date (format=csv or Accept: text/csv: a CSV file)", Roles: roles(app.ActReadAudit), Query: []string{"facility", "user", "kind", "from", "to", "after", "limit", "format"}, Response: "AuditList", h: s.auditList},
	}, slices.Concat(s.rateRoutes(), s.loanRoutes(), s.letterRoutes(), s.reserveRoutes(), s.trendsRoutes(), s.statementRoutes(), s.documentRoutes(),
		s.cashRoutes(), s.dominionRoutes(), s.reportMapRoutes(), s.riskRatingRoutes(), s.fieldExamRoutes())...)
}

// --- decoding ---

// decodeJSON decodes the body strictly: application/json, one object, no
// unknown fields.
func (c *call) decodeJSON(v any) error {
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "application/json" {
		return errf(http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type %q: expected application/json", c.r.Header.Get("Content-Type"))
	}
	if err := checkKeys(c.body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return invalidf("the request body is empty: expected a JSON object")
		case errors.As(err, &se):
			return invalidf("malformed JSON at byte %d: %v", se.Offset, se)
		case errors.As(err, &te):
			return &Error{Status: 400, Code: "invalid", Message: fmt.Sprintf("field %q: expected %s, found a JSON %s", te.Field, jsonKind(te.Type.String()), te.Value),
				Details: map[string]any{"field": te.Field}}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.TrimPrefix(err.Error(), "json: unknown field ")
			return &Error{Status: 400, Code: "invalid", Message: "unknown field " + name, Details: map[string]any{"field": strings.Trim(name, `"`)}}
		default:
			return invalidf("malformed JSON: %v", err)
		}
	}
	if dec.More() {
		return invalidf("malformed JSON: data after the object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalidf("malformed JSON: data after the object")
	}
	return nil
}

// checkKeys refuses what encoding/json would take silently: a body that
// is not one JSON object, a key given twice in an object (the last would
// win), a key in other than lower case (matched to a field whatever its
// case: every field name of the API is lower case), invalid UTF-8 (which
// would be replaced silently) and a NUL character in a string (which
// PostgreSQL cannot store and SQLite would). Malformed JSON is left
// to the decoder's messages.
func checkKeys(body []byte) error {
	if !utf8.Valid(body) {
		n := 0
		for n < len(body) {
			r, size := utf8.DecodeRune(body[n:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			n += size
		}
		return invalidf("the request body is not valid UTF-8 (at byte %d): send it in UTF-8", n)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	first, err := dec.Token()
	if err != nil {
		return nil
	}
	if d, ok := first.(json.Delim); !ok || d != '{' {
		return invalidf("the request body is a JSON %s: expected a JSON object", jsonValueKind(first))
	}
	var walk func(path string) error
	walk = func(path string) error { // after '{': keys and values up to '}'
		seen := map[string]bool{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return nil
			}
			k, _ := t.(string)
			field := k
			if path != "" {
				field = path + "." + k
			}
			switch {
			case seen[k]:
				return &Error{Status: 400, Code: "invalid", Message: fmt.Sprintf("field %q is given twice: give it once", field), Details: map[string]any{"field": field}}
			case k != strings.ToLower(k):
				return &Error{Status: 400, Code: "invalid", Message: fmt.Sprintf("field %q: field names are lower case (%q)", field, strings.ToLower(k)), Details: map[string]any{"field": field}}
			}
			seen[k] = true
			if err := skipValue(dec, field, walk); err != nil {
				return err
			}
		}
		_, err := dec.Token() // '}'
		_ = err
		return nil
	}
	return walk("")
}

// skipValue reads one value, checking the keys of the objects in it.
func skipValue(dec *json.Decoder, path string, walk func(string) error) error {
	t, err := dec.Token()
	if err != nil {
		return nil
	}
	if str, ok := t.(string); ok && strings.ContainsRune(str, 0) {
		return &Error{Status: 400, Code: "invalid", Message: fmt.Sprintf("field %q holds a NUL character: remove it", path), Details: map[string]any{"field": path}}
	}
	switch t {
	case json.Delim('{'):
		return walk(path)
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := skipValue(dec, fmt.Sprintf("%s[%d]", path, i), walk); err != nil {
				return err
			}
		}
		dec.Token() // ']'
	}
	return nil
}

func jsonValueKind(t json.Token) string {
	switch t.(type) {
	case json.Delim:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

func jsonKind(goType string) string {
	switch goType {
	case "string":
		return "a string"
	case "int", "int64":
		return "an integer"
	case "bool":
		return "true or false"
	}
	return goType
}

func fieldErr(field, format string, a ...any) *Error {
	return &Error{Status: 400, Code: "invalid", Message: fmt.Sprintf("field %q: ", field) + fmt.Sprintf(format, a...), Details: map[string]any{"field": field}}
}

// Dates the API accepts.
var (
	minDate = date.MustParse("1990-01-01")
	maxDate = date.MustParse("2199-12-31")
)

func parseAmount(field, v string) (money.Amount, error) {
	if v == "" {
		return 0, fieldErr(field, "required: a positive decimal string such as \"250000.00\"")
	}
	a, err := money.ParseAmount(v)
	if err != nil {
		return 0, fieldErr(field, "%q is not an amount: expected a decimal string with at most two decimals, such as \"250000.00\"", v)
	}
	if a <= 0 {
		return 0, fieldErr(field, "%s: expected an amount greater than zero", v)
	}
	return a, nil
}

func parseDate(field, v string, required bool, def date.Date) (date.Date, error) {
	if v == "" {
		if required {
			return 0, fieldErr(field, "required: a date YYYY-MM-DD")
		}
		return def, nil
	}
	d, err := date.Parse(v)
	if err != nil {
		return 0, fieldErr(field, "%q: expected a date YYYY-MM-DD from %s to %s", v, minDate, maxDate)
	}
	if d < minDate || d > maxDate {
		return 0, fieldErr(field, "%s is out of range: expected a date from %s to %s", d, minDate, maxDate)
	}
	return d, nil
}

// today is the business date (app.Service.BusinessDate): the default date
// of every query.
func (c *call) today() date.Date {
	d, err := c.s.svc.BusinessDate(c.r.Context())
	if err != nil {
		c.s.log.Error("business date", "err", err, "request_id", c.reqID)
		return date.FromTime(c.s.now().UTC())
	}
	return d
}

func (c *call) queryDate(name string) (date.Date, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		// The business date is read only when no date is given.
		return c.today(), nil
	}
	return parseDate(name, v, false, 0)
}

func (c *call) pathID() (int64, error) {
	v := c.r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errf(http.StatusNotFound, "not_found", "%q is not an id", v)
	}
	return id, nil
}

// ledgerKey is the loan-account key of a request: the client's
// Idempotency-Key scoped to the caller, else the request id.
func (c *call) ledgerKey() string {
	if c.idemKey != "" {
		return fmt.Sprintf("api:%d:%s", c.user.ID, c.idemKey)
	}
	return "api:" + c.reqID + ":" + auth.Random("", 6)
}

// --- handlers ---

func (s *Server) health(c *call) (any, error) {
	if _, err := s.st.Facilities(c.r.Context()); err != nil {
		return nil, err
	}
	return map[string]any{"status": "ok", "time": s.now().UTC().Format(time.RFC3339)}, nil
}

func (s *Server) openapiDoc(c *call) (any, error) {
	c.versioned(time.Time{}, "public, no-cache")
	return rawJSON(s.openapi), nil
}

type signIn struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// crossSite reports whether a browser says the request comes from another
// site: Sec-Fetch-Site other than same-origin or none, or an Origin whose
// host is not the request's.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return true
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return false
	}
	u, err := url.Parse(o)
	return err != nil || o == "null" || !strings.EqualFold(u.Host, r.Host)
}

func (s *Server) signIn(c *call) (any, error) {
	var in signIn
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		// A form may be posted by a page of another site (login CSRF): a
		// browser says so in Sec-Fetch-Site or Origin; only same-origin
		// forms, or programs that send neither, are taken.
		if crossSite(c.r) {
			return nil, errf(http.StatusForbidden, "csrf", "a sign-in form posted from another site is refused: sign in on this site's page, or send JSON")
		}
		if err := c.r.ParseForm(); err != nil {
			return nil, invalidf("form: %v", err)
		}
		in.Email, in.Password = c.r.PostFormValue("email"), c.r.PostFormValue("password")
	} else if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Email) == "" || in.Password == "" {
		return nil, invalidf("email and password are required")
	}
	out, err := s.svc.SignIn(c.r.Context(), app.SignIn{Email: in.Email, Password: in.Password, Address: auth.ClientAddress(c.r, s.cfg.TrustedProxies),
		TTL: s.cfg.SessionTTL})
	var se *app.SignInError
	if errors.As(err, &se) {
		c.audited = true
		if se.Code == app.CodeRateLimited {
			secs := int(se.Wait.Seconds()) + 1
			c.w.Header().Set("Retry-After", strconv.Itoa(secs))
			return nil, &Error{Status: http.StatusTooManyRequests, Code: se.Code, Message: se.Message, Details: map[string]any{"retry_after_seconds": secs}}
		}
		return nil, errf(http.StatusUnauthorized, se.Code, "%s", se.Message)
	}
	if store.ErrorCode(err) == store.CodeInvalid {
		return nil, invalidf("%v", err)
	}
	if err != nil {
		return nil, err
	}
	c.audited = true
	// The browser counts the cookie's life on its own clock: Max-Age, not
	// Expires, which would be on revolver's clock (a configured one may be
	// years off the wall clock, as the demo's is).
	http.SetCookie(c.w, &http.Cookie{Name: sessionCookie, Value: out.Token, Path: "/", MaxAge: int(out.Session.Expires.Sub(out.Session.Created).Seconds()), HttpOnly: true,
		Secure: c.r.TLS != nil || s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	c.user = out.User
	return map[string]any{"user": out.User, "csrf_token": out.Session.CSRF, "expires": out.Session.Expires}, nil
}

func (s *Server) signOut(c *call) (any, error) {
	if c.session != nil {
		if err := s.svc.SignOut(c.r.Context(), c.user, *c.session); err != nil {
			return nil, err
		}
	}
	http.SetCookie(c.w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.r.TLS != nil || s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	return nil, nil
}

func (s *Server) me(c *call) (any, error) {
	out := map[string]any{"user": c.user}
	if c.session != nil {
		out["csrf_token"] = c.session.CSRF
	}
	return out, nil
}

// facilities lists the facilities the caller may see by slug, a page at a
// time: after is the last slug of the previous page.
func (s *Server) facilities(c *call) (any, error) {
	q := c.r.URL.Query()
	after := q.Get("after") // a slug here
	q.Del("after")
	p, err := readPage(q, false)
	if err != nil {
		return nil, err
	}
	fs, err := s.st.Facilities(c.r.Context())
	if err != nil {
		return nil, err
	}
	out := []store.Facility{}
	var next *string
	for _, f := range fs {
		if f.Slug <= after || !app.SeesFacility(c.user.Role, c.user.Facilities, f.Slug) {
			continue
		}
		if len(out) == p.Limit {
			next = &out[len(out)-1].Slug
			break
		}
		out = append(out, f)
	}
	return map[string]any{"facilities": out, "next_after": next}, nil
}

func (s *Server) facility(c *call) (any, error) {
	asOf, err := c.queryDate("as_of")
	if err != nil {
		return nil, err
	}
	knownAt, err := c.queryKnownAt(asOf)
	if err != nil {
		return nil, err
	}
	t, err := s.terms.TermsAsOf(c.r.Context(), c.fac.Slug, asOf)
	if err != nil {
		return nil, err
	}
	open, err := s.svc.DefaultsContinuing(c.r.Context(), c.fac.Slug, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"facility": c.fac, "as_of": asOf, "terms": t, "events_of_default_continuing": defaults.Continuing(open)}
	if !knownAt.IsZero() {
		out["known_at"] = knownAt
	}
	// The overadvance (null when none) and whether advances are blocked,
	// from the one availability use case.
	a, err := s.svc.Availability(c.r.Context(), c.fac.Slug, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	out["overadvance"], out["advances_blocked"], out["availability"] = a.Overadvance, nonNil(a.Blocked), figureOf(a.Availability)
	return out, nil
}

// Availability is the answer of GET …/availability: app.Availability's
// figures under the API's names.
type Availability struct {
	AsOf            date.Date     `json:"as_of"`
	KnownAt         time.Time     `json:"known_at"`
	BusinessDate    date.Date     `json:"business_date"`
	Commitment      money.Amount  `json:"commitment"`
	AdvanceCap      *money.Amount `json:"advance_cap,omitempty"`
	TerminationDate date.Date     `json:"termination_date,omitzero"`
	// Certificate is the id of the certificate in force (0: none).
	Certificate              int64        `json:"certificate,omitempty"`
	CertificateAsOf          date.Date    `json:"certificate_as_of,omitzero"`
	CertificateBorrowingBase money.Amount `json:"certificate_borrowing_base"`
	Exclusions               money.Amount `json:"exclusions"`
	// BorrowingBase is the borrowing base in force as the terms state it
	// (less the letters of credit when they are deducted from it).
	BorrowingBase money.Amount `json:"borrowing_base"`
	// LettersOfCredit is the exposure (outstanding plus drawn and not
	// reimbursed) that counts against the limit.
	LettersOfCredit          money.Amount `json:"letters_of_credit"`
	LettersOfCreditTreatment string       `json:"letters_of_credit_treatment"`
	LCOutstanding            money.Amount `json:"lc_outstanding"`
	LCDrawn                  money.Amount `json:"lc_drawn"`
	Limit                    money.Amount `json:"limit"`
	BindingLimit             string       `json:"binding_limit"`
	LoansOutstanding         money.Amount `json:"loans_outstanding"`
	// Availability is the formula's result on the date (negative: an
	// overadvance; null: undetermined). AvailableToAdvance is what an
	// advance value the date may take: the lowest availability on the date
	// and every later date already known (LowestOn), 0 when advances are
	// blocked.
	Availability       *money.Amount       `json:"availability"`
	AvailableToAdvance money.Amount        `json:"available_to_advance"`
	LowestOn           date.Date           `json:"lowest_on"`
	Formula            string              `json:"formula,omitempty"`
	AdvancesBlocked    []ledger.Reason     `json:"advances_blocked"`
	DefaultsContinuing []string            `json:"events_of_default_continuing"`
	Overadvance        *ledger.Overadvance `json:"overadvance"`
	Hindsight          *Hindsight          `json:"hindsight"`
	// Tranches: with a last-out (FILO) tranche, availability per tranche
	// (the figures above are then the facility's total) and what a
	// last-out advance value the date may take.
	Tranches                  *ledger.Tranches `json:"tranches,omitempty"`
	AvailableToAdvanceLastOut *money.Amount    `json:"available_to_advance_last_out,omitempty"`
	// Reserves deducted besides the certificate's (lender reserves in
	// force as known, the terms' reserves under the line): those off the
	// borrowing base are in borrowing_base already, those under the line
	// come off the limit (docs/reserves.md).
	Reserves     []ledger.Reserve `json:"reserves,omitempty"`
	BaseReserves money.Amount     `json:"base_reserves,omitempty"`
	LineReserves money.Amount     `json:"line_reserves,omitempty"`
}

// Hindsight is the same date's availability as known now, when it differs.
type Hindsight struct {
	KnownAt         time.Time       `json:"known_at"`
	Availability    *money.Amount   `json:"availability"`
	Certificate     int64           `json:"certificate,omitempty"`
	BorrowingBase   money.Amount    `json:"borrowing_base"`
	AdvancesBlocked []ledger.Reason `json:"advances_blocked"`
	Why             []string        `json:"why"`
}

func figureOf(a ledger.Availability) *money.Amount {
	if !a.Determined {
		return nil
	}
	v := a.Available
	return &v
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// AvailabilityOf names app.Availability's figures as the API answers them
// (the command line writes the same).
func AvailabilityOf(a app.Availability) Availability { return availabilityOut(a) }

// availabilityOut names app.Availability's figures for the API.
func availabilityOut(a app.Availability) Availability {
	out := Availability{AsOf: a.AsOf, KnownAt: a.KnownAt, BusinessDate: a.BusinessDate, Commitment: a.Commitment, AdvanceCap: a.AdvanceCap,
		TerminationDate: a.TerminationDate, Exclusions: a.Exclusions, BorrowingBase: a.BorrowingBase,
		LettersOfCredit: a.LettersOfCredit.Exposure, LettersOfCreditTreatment: a.LettersOfCredit.Treatment,
		LCOutstanding: a.LettersOfCredit.Outstanding, LCDrawn: a.LettersOfCredit.Drawn, Limit: a.Limit, BindingLimit: a.Binding,
		LoansOutstanding: a.LoansOutstanding, Availability: figureOf(a.Availability), AvailableToAdvance: a.ToAdvance, LowestOn: a.LowestOn,
		AdvancesBlocked: nonNil(a.Blocked), DefaultsContinuing: nonNil(a.Defaults), Overadvance: a.Overadvance, Tranches: a.Tranches,
		Reserves: a.Reserves, BaseReserves: a.BaseReserves, LineReserves: a.LineReserves}
	if a.Tranches != nil {
		v := a.ToAdvanceLastOut
		out.AvailableToAdvanceLastOut = &v
	}
	if a.Certificate != nil {
		out.Certificate, out.CertificateAsOf, out.CertificateBorrowingBase = a.Certificate.ID, a.Certificate.AsOf, a.Certificate.BorrowingBase
	}
	if a.Determined {
		out.Formula = a.Formula()
	}
	if h := a.Hindsight; h != nil {
		out.Hindsight = &Hindsight{KnownAt: h.KnownAt, Availability: figureOf(h.Availability), BorrowingBase: h.Availability.BorrowingBase,
			AdvancesBlocked: nonNil(h.Availability.Blocked), Why: h.Why}
		if h.Availability.Certificate != nil {
			out.Hindsight.Certificate = h.Availability.Certificate.ID
		}
	}
	return out
}

// knownAt reads known_at by the one rule (app.Service.ResolveKnownAt): an
// RFC 3339 time, a date and time in UTC, "now", or a date (the end of that
// business day); absent, the rule for asOf (the end of its business when
// it is before the business date, else now).
func (c *call) knownAt(asOf date.Date) (time.Time, error) {
	v := c.r.URL.Query().Get("known_at")
	if v == "" {
		// Zero: Availability applies the same default rule itself, in the
		// one statement it reads the business date with.
		return time.Time{}, nil
	}
	k, err := c.s.svc.ResolveKnownAt(c.r.Context(), c.fac.Slug, asOf, v)
	if store.ErrorCode(err) == store.CodeInvalid {
		return time.Time{}, fieldErr("known_at", "%q: expected an RFC 3339 time (2006-12-31T17:00:00-05:00), a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of that business day) or now", v)
	}
	return k.Read(), err
}

func (s *Server) availability(c *call) (any, error) {
	asOf, err := parseDate("as_of", c.r.URL.Query().Get("as_of"), false, 0) // 0: the business date
	if err != nil {
		return nil, err
	}
	knownAt, err := c.knownAt(asOf)
	if err != nil {
		return nil, err
	}
	a, err := s.svc.Availability(c.r.Context(), c.fac.Slug, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	// Encoded without reflection (appendJSON: the same bytes).
	b, err := availabilityOut(a).appendJSON(make([]byte, 0, 1024))
	if err != nil {
		return nil, err
	}
	return rawJSON(b), nil
}

func (s *Server) certificates(c *call) (any, error) {
	p, err := c.page(true)
	if err != nil {
		return nil, err
	}
	cs, err := s.st.CertificatesPage(c.r.Context(), c.fac.Slug, more(p))
	if err != nil {
		return nil, err
	}
	out, next := trimPage(cs, p, func(c store.Certificate) int64 { return c.ID })
	return map[string]any{"certificates": out, "next_after": next}, nil
}

func (s *Server) loadCertificate(c *call) (store.Certificate, error) {
	id, err := c.pathID()
	if err != nil {
		return store.Certificate{}, err
	}
	cert, err := s.st.Certificate(c.r.Context(), id)
	if err != nil {
		return cert, err
	}
	if cert.Facility != c.fac.Slug {
		return cert, errf(http.StatusNotFound, "not_found", "certificate %d not found", id)
	}
	return cert, nil
}

// certificate answers a certificate, versioned: its ETag changes with its
// state, its Last-Modified is its last change (created, submitted or
// decided; a decided certificate changes no more).
func (s *Server) certificate(c *call) (any, error) {
	cert, err := s.loadCertificate(c)
	if err != nil {
		return nil, err
	}
	mod := cert.CreatedAt
	for _, t := range []time.Time{cert.SubmittedAt, cert.DecidedAt} {
		if t.After(mod) {
			mod = t
		}
	}
	c.versioned(mod, httpconv.Revalidate)
	return cert, nil
}

func (s *Server) submitCertificate(c *call) (any, error) {
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return nil, errf(http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type %q: expected multipart/form-data with as_of, receivables, debtors and inventory", c.r.Header.Get("Content-Type"))
	}
	// The body is in memory already (within the upload limit): its parts
	// are read from it, each file copied once, no temporary file.
	values, files, err := c.uploadParts(map[string]bool{"as_of": true, "maps": true, "csrf_token": true, "attestation_name": true, "attestation_title": true},
		[]string{"receivables", "debtors", "inventory", "sales", "collections", "credits", "inventory_activity"},
		"expected as_of, receivables, debtors, inventory, and optionally sales, collections, credits, inventory_activity, maps, attestation_name, attestation_title")
	if err != nil {
		return nil, err
	}
	asOf, err := parseDate("as_of", values["as_of"], true, 0)
	if err != nil {
		return nil, err
	}
	c.about(0, asOf)
	in := app.CertificateInput{Facility: c.fac.Slug, AsOf: asOf, By: c.user.Email}
	if n, t := values["attestation_name"], values["attestation_title"]; strings.TrimSpace(n+t) != "" {
		in.Attestation = &app.Attester{Name: n, Title: t}
	}
	for _, f := range []struct {
		field string
		dst   *store.InputContent
	}{{"receivables", &in.Receivables}, {"debtors", &in.Debtors}, {"inventory", &in.Inventory}} {
		file, ok := files[f.field]
		if !ok {
			return nil, fieldErr(f.field, "required: the %s report (CSV or XLSX file)", f.field)
		}
		*f.dst = file
	}
	for _, f := range []struct {
		field string
		dst   *store.InputContent
	}{{"sales", &in.Sales}, {"collections", &in.Collections}, {"credits", &in.Credits}, {"inventory_activity", &in.InventoryActivity}} {
		if file, ok := files[f.field]; ok {
			*f.dst = file
		}
	}
	if err := submissionMaps(&in, values["maps"]); err != nil {
		return nil, err
	}
	t, err := s.terms.TermsAsOf(c.r.Context(), c.fac.Slug, asOf)
	if err != nil {
		return nil, err
	}
	cert, _, err := c.svc().SubmitCertificate(c.r.Context(), t, in)
	if err != nil {
		return nil, err
	}
	// The answer carries the computed certificate (body); the audit record
	// names it by its hash.
	rec := cert
	rec.Body, rec.RollForward = nil, nil
	return cert, c.audit(nil, rec)
}

// uploadParts reads a multipart body (c.body): the fields named in fields
// (their values, at most 4 KiB each) and the files named in fileFields,
// each at most once; any other part is refused naming it and what was
// expected.
func (c *call) uploadParts(fields map[string]bool, fileFields []string, expected string) (map[string]string, map[string]store.InputContent, error) {
	_, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return nil, nil, invalidf("multipart form: no boundary in Content-Type %q", c.r.Header.Get("Content-Type"))
	}
	body := bytes.NewReader(c.body)
	mr := multipart.NewReader(body, params["boundary"])
	values, files := map[string]string{}, map[string]store.InputContent{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, invalidf("multipart form: %v", err)
		}
		name := p.FormName()
		if p.FileName() == "" {
			if !fields[name] {
				return nil, nil, fieldErr(name, "unknown field: %s", expected)
			}
			v, err := io.ReadAll(io.LimitReader(p, 4<<10+1))
			if err != nil || len(v) > 4<<10 {
				return nil, nil, fieldErr(name, "a field of at most 4 KiB")
			}
			values[name] = string(v)
			continue
		}
		if !slices.Contains(fileFields, name) {
			return nil, nil, fieldErr(name, "unknown file: %s", expected)
		}
		if _, dup := files[name]; dup {
			return nil, nil, fieldErr(name, "sent twice: one %s file", name)
		}
		// A file is at most what is left of the body and what the
		// multipart reader holds of it: read into a buffer of that size,
		// not grown by doubling.
		buf := bytes.NewBuffer(make([]byte, 0, body.Len()+multipartBuffered+bytes.MinRead))
		_, err = buf.ReadFrom(p)
		b := buf.Bytes()
		if err != nil {
			return nil, nil, invalidf("multipart form, file %s: %v", name, err)
		}
		files[name] = store.InputContent{Name: p.FileName(), Content: b}
	}
	return values, files, nil
}

// multipartBuffered bounds what a multipart.Reader reads ahead of the part
// it returns (its buffer is 4 KiB).
const multipartBuffered = 8 << 10

// certificateDecision is the body of an approval or rejection: for a
// certificate that supersedes another, supersedes names it.
type certificateDecision struct {
	Comment    string `json:"comment"`
	Supersedes int64  `json:"supersedes"`
}

func (s *Server) decideCertificate(status store.CertificateStatus) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		var in certificateDecision
		if err := c.decodeOptional(&in); err != nil {
			return nil, err
		}
		id, err := c.pathID()
		if err != nil {
			return nil, err
		}
		before, after, err := c.svc().DecideCertificate(c.r.Context(), c.fac.Slug, id,
			app.CertificateDecision{Status: status, By: c.user.Email, Comment: in.Comment, Supersedes: in.Supersedes})
		if err != nil {
			return nil, err
		}
		before.Body, after.Body = nil, nil
		return after, c.audit(before, after)
	}
}

func (s *Server) withdrawCertificate(c *call) (any, error) {
	var in decision
	if err := c.decodeOptional(&in); err != nil {
		return nil, err
	}
	id, err := c.pathID()
	if err != nil {
		return nil, err
	}
	before, after, err := c.svc().WithdrawCertificate(c.r.Context(), c.fac.Slug, id, c.user.Email, in.Comment)
	if err != nil {
		return nil, err
	}
	before.Body, after.Body = nil, nil
	return after, c.audit(before, after)
}

type decision struct {
	Comment string `json:"comment"`
}

// decodeOptional decodes a JSON body if there is one.
func (c *call) decodeOptional(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	return c.decodeJSON(v)
}

func (s *Server) advances(c *call) (any, error) {
	p, err := c.page(true)
	if err != nil {
		return nil, err
	}
	rs, err := s.st.AdvanceRequestsPage(c.r.Context(), c.fac.Slug, more(p))
	if err != nil {
		return nil, err
	}
	out, next := trimPage(rs, p, func(r store.AdvanceRequest) int64 { return r.ID })
	return map[string]any{"advances": out, "next_after": next}, nil
}

type advanceInput struct {
	Amount    string `json:"amount"`
	ValueDate string `json:"value_date"`
	// Reason: a correction's (value date before the business date).
	Reason string `json:"reason"`
	// Option: the pricing option elected (default: the terms' first);
	// InterestPeriod: a term-rate loan's ("1m", "3m").
	Option         string `json:"option,omitempty"`
	InterestPeriod string `json:"interest_period,omitempty"`
	// Tranche: first_out (the default) or last_out, a loan of the terms'
	// last-out (FILO) tranche.
	Tranche string `json:"tranche,omitempty"`
}

// advanceOut is a request for an advance with the cut-off of its value date.
type advanceOut struct {
	store.AdvanceRequest
	Cutoff app.Cutoff `json:"cutoff"`
}

// parseAmountDate reads an amount and a value date, naming the field in error.
func parseAmountDate(amount, valueDate string) (money.Amount, date.Date, error) {
	amt, err := parseAmount("amount", amount)
	if err != nil {
		return 0, 0, err
	}
	vd, err := parseDate("value_date", valueDate, true, 0)
	return amt, vd, err
}

func (s *Server) requestAdvance(c *call) (any, error) {
	var in advanceInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	amt, vd, err := parseAmountDate(in.Amount, in.ValueDate)
	if err != nil {
		return nil, err
	}
	if len(in.Reason) > 500 {
		return nil, fieldErr("reason", "at most 500 characters")
	}
	c.about(amt, vd)
	r, err := c.svc().RequestAdvance(c.r.Context(), app.RequestInput{Facility: c.fac.Slug, Key: c.ledgerKey(), Amount: amt, ValueDate: vd,
		By: c.user.Email, Role: c.user.Role, Reason: in.Reason, Option: in.Option, InterestPeriod: in.InterestPeriod, Tranche: in.Tranche})
	if err != nil {
		return nil, err
	}
	if r.Status == store.AdvanceRequested {
		c.status = http.StatusAccepted
	}
	cut, err := s.svc.AdvanceCutoff(c.r.Context(), c.fac.Slug, vd)
	if err != nil {
		return nil, err
	}
	return advanceOut{r, cut}, c.audit(nil, r)
}

func (s *Server) cancelAdvance(c *call) (any, error) {
	var in decision
	if err := c.decodeOptional(&in); err != nil {
		return nil, err
	}
	id, err := c.pathID()
	if err != nil {
		return nil, err
	}
	before, err := s.findAdvance(c, id)
	if err != nil {
		return nil, err
	}
	after, err := c.svc().CancelAdvance(c.r.Context(), c.fac.Slug, id, c.user.Email)
	if err != nil {
		return nil, err
	}
	return after, c.audit(before, after)
}

func (s *Server) findAdvance(c *call, id int64) (store.AdvanceRequest, error) {
	rs, err := s.st.AdvanceRequests(c.r.Context(), c.fac.Slug)
	if err != nil {
		return store.AdvanceRequest{}, err
	}
	for _, r := range rs {
		if r.ID == id {
			return r, nil
		}
	}
	return store.AdvanceRequest{}, errf(http.StatusNotFound, "not_found", "advance request %d not found", id)
}

func (s *Server) decideAdvance(approve bool) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		var in decision
		if err := c.decodeOptional(&in); err != nil {
			return nil, err
		}
		id, err := c.pathID()
		if err != nil {
			return nil, err
		}
		before, err := s.findAdvance(c, id)
		if err != nil {
			return nil, err
		}
		var after store.AdvanceRequest
		if approve {
			after, err = c.svc().ApproveAdvance(c.r.Context(), c.fac.Slug, id, c.user.Email)
		} else {
			after, err = c.svc().RejectAdvance(c.r.Context(), c.fac.Slug, id, c.user.Email, in.Comment)
		}
		if err != nil {
			return nil, err
		}
		return after, c.audit(before, after)
	}
}

type repaymentInput struct {
	Amount    string `json:"amount"`
	ValueDate string `json:"value_date"`
	Memo      string `json:"memo"`
	// Reason: a correction's (value date before the business date).
	Reason string `json:"reason"`
}

func (s *Server) repayment(c *call) (any, error) {
	var in repaymentInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	amt, vd, err := parseAmountDate(in.Amount, in.ValueDate)
	if err != nil {
		return nil, err
	}
	c.about(amt, vd)
	if len(in.Memo) > 500 {
		return nil, fieldErr("memo", "at most 500 characters")
	}
	if len(in.Reason) > 500 {
		return nil, fieldErr("reason", "at most 500 characters")
	}
	r, err := c.svc().Repay(c.r.Context(), app.RepaymentInput{Facility: c.fac.Slug, Key: c.ledgerKey(), Amount: amt, ValueDate: vd, Memo: in.Memo,
		By: c.user.Email, Role: c.user.Role, Reason: in.Reason})
	if err != nil {
		return nil, err
	}
	if r.Pending != nil {
		c.status = http.StatusAccepted
		return map[string]any{"pending": r.Pending}, c.audit(nil, r.Pending)
	}
	out := map[string]any{"transaction": r.Posted.Transaction, "replayed": r.Posted.Replayed}
	return out, c.audit(nil, r.Posted.Transaction)
}

// ledger answers a page of the loan account's transactions value-dated
// from from to to (by id, selected in the store's query) and the balances
// at the end of to.
func (s *Server) ledger(c *call) (any, error) {
	p, err := c.page(true)
	if err != nil {
		return nil, err
	}
	if p.From == 0 {
		p.From = minDate
	}
	if p.To == 0 {
		p.To = maxDate
	}
	ctx := c.r.Context()
	txs, err := s.st.TransactionsPage(ctx, c.fac.Slug, more(p))
	if err != nil {
		return nil, err
	}
	out, next := trimPage(txs, p, func(t ledger.Transaction) int64 { return t.ID })
	bal, err := s.st.Balances(ctx, c.fac.Slug, p.To)
	if err != nil {
		return nil, err
	}
	return map[string]any{"from": p.From, "to": p.To, "transactions": out, "balances": bal, "next_after": next}, nil
}

func (s *Server) financials(c *call) (any, error) {
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "text/csv" {
		return nil, errf(http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type %q: expected text/csv (period_end, fiscal_year, fiscal_quarter, and the statement lines)", c.r.Header.Get("Content-Type"))
	}
	name := "financial-statements.csv"
	if v := c.r.URL.Query().Get("file"); v != "" {
		name = v
	}
	sts, err := covenant.ReadStatements(name, c.body)
	if err != nil {
		return nil, errf(http.StatusBadRequest, "invalid", "%v", err)
	}
	if len(sts) == 0 {
		return nil, invalidf("%s: no statements", name)
	}
	fs, pending, err := c.svc().AddStatements(c.r.Context(), c.fac.Slug, sts, c.user.Email)
	if err != nil {
		return nil, err
	}
	if pending == nil {
		pending = []app.Recorded{}
	}
	out := map[string]any{"financial_statements": fs, "pending": pending}
	return out, c.audit(nil, out)
}

// previewFinancials answers what a statements file holds
// (app.Service.PreviewStatements), storing nothing.
func (s *Server) previewFinancials(c *call) (any, error) {
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "text/csv" {
		return nil, errf(http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type %q: expected text/csv (period_end, fiscal_year, fiscal_quarter, and the statement lines)", c.r.Header.Get("Content-Type"))
	}
	name := "financial-statements.csv"
	if v := c.r.URL.Query().Get("file"); v != "" {
		name = v
	}
	return c.svc().PreviewStatements(c.r.Context(), c.fac.Slug, name, c.body)
}

func (s *Server) covenants(c *call) (any, error) {
	q := c.r.URL.Query()
	// The statements as known at a time, by the one rule (a date is the end
	// of its business; default now); as_known_on is the older name.
	field, v := "known_at", q.Get("known_at")
	if v == "" && q.Get("as_known_on") != "" {
		field, v = "as_known_on", q.Get("as_known_on")
	}
	k, err := s.svc.ResolveKnownAt(c.r.Context(), c.fac.Slug, 0, v)
	if store.ErrorCode(err) == store.CodeInvalid {
		return nil, fieldErr(field, "%q: expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of that business day) or now", v)
	} else if err != nil {
		return nil, err
	}
	knownAt := k.Read()
	ctx := c.r.Context()
	res, err := s.svc.Covenants(ctx, c.fac.Slug, knownAt, func(d date.Date) (*agreement.Terms, error) {
		return s.terms.TermsAsOf(ctx, c.fac.Slug, d)
	})
	if err != nil {
		return nil, err
	}
	b, err := res.JSON(q.Get("explain") == "true")
	if err != nil {
		return nil, err
	}
	return rawJSON(b), nil
}

type defaultInput struct {
	Action    string `json:"action"`
	Event     string `json:"event"`
	Date      string `json:"date"`
	Note      string `json:"note"`
	Agreement string `json:"agreement"`
}

// eventOfDefault is the route of the approvals of an earlier version, now
// a request in the one model of events of default: record is RecordDefault
// (the note is the description); waive is RequestWaiver of the one event
// of default of that event continuing on the date.
func (s *Server) eventOfDefault(c *call) (any, error) {
	var in defaultInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Action != "record" && in.Action != "waive" {
		return nil, fieldErr("action", "%q: expected record or waive", in.Action)
	}
	if in.Event == "" {
		return nil, fieldErr("event", "required: the event of default's id in the terms, e.g. dissolution")
	}
	d, err := parseDate("date", in.Date, true, 0)
	if err != nil {
		return nil, err
	}
	c.about(0, d)
	ctx := c.r.Context()
	if in.Action == "record" {
		desc := in.Note
		if strings.TrimSpace(desc) == "" {
			desc = "recorded through POST …/events-of-default without a description"
		}
		return c.recorded(c.svc().RecordDefault(ctx, c.factInput(), defaults.DefaultRecord{Event: in.Event, Occurred: d, Description: desc}))
	}
	open, err := s.svc.DefaultsContinuing(ctx, c.fac.Slug, d, time.Time{})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, x := range open {
		if x.Event == in.Event {
			ids = append(ids, x.ID)
		}
	}
	if len(ids) != 1 {
		return nil, fieldErr("event", "%d events of default %q continue on %s (%s): waive one with POST …/events-of-default/{id}/waive", len(ids), in.Event, d, strings.Join(ids, ", "))
	}
	if in.Agreement == "" {
		return nil, fieldErr("agreement", "required: the document the written consent refers to, e.g. security-agreement (Security Agreement ¶16)")
	}
	return c.recorded(c.svc().RequestWaiver(ctx, c.factInput(), app.WaiverRequest{Default: ids[0], Date: d, Agreement: in.Agreement, Note: in.Note}))
}

func (s *Server) amendment(c *call) (any, error) {
	var in app.AmendmentFile
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	p, err := c.svc().RequestAmendment(c.r.Context(), c.fac.Slug, in, c.user.Email)
	if err != nil {
		return nil, err
	}
	return p, c.audit(nil, p)
}

type draftInput struct {
	Name    string `json:"name"`
	Content string `json:"content"`
	// AsOf: the date of the figures (default: the business date).
	AsOf string `json:"as_of"`
}

func (s *Server) previewDraft(c *call) (any, error) {
	var in draftInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	asOf, err := parseDate("as_of", in.AsOf, false, 0)
	if err != nil {
		return nil, err
	}
	p, err := c.svc().PreviewDraft(c.r.Context(), c.fac.Slug, app.AmendmentFile{Name: in.Name, Content: in.Content}, asOf)
	if err != nil {
		return nil, err
	}
	return PreviewOf(p), nil
}

// Preview is the answer of POST …/amendments/preview: app.Preview with
// each side's availability under the API's names (GET …/availability's).
type Preview struct {
	app.Preview
	Availability PreviewAvailability `json:"availability"`
}

// PreviewAvailability is availability without and with the draft (null
// with the error on a side where it could not be computed).
type PreviewAvailability struct {
	Before      *Availability `json:"before"`
	After       *Availability `json:"after"`
	BeforeError string        `json:"before_error,omitempty"`
	AfterError  string        `json:"after_error,omitempty"`
}

// PreviewOf names a preview's figures as the API answers them (the
// command line writes the same).
func PreviewOf(p app.Preview) Preview {
	out := Preview{Preview: p, Availability: PreviewAvailability{BeforeError: p.Availability.BeforeError, AfterError: p.Availability.AfterError}}
	if a := p.Availability.Before; a != nil {
		b := availabilityOut(*a)
		out.Availability.Before = &b
	}
	if a := p.Availability.After; a != nil {
		b := availabilityOut(*a)
		out.Availability.After = &b
	}
	return out
}

func (s *Server) approvals(c *call) (any, error) {
	p, err := c.page(false)
	if err != nil {
		return nil, err
	}
	ps, err := s.acc.PendingList(c.r.Context(), c.fac.Slug)
	if err != nil {
		return nil, err
	}
	out, next := pageOf(ps, p, func(p store.Pending) int64 { return p.ID })
	return map[string]any{"approvals": out, "next_after": next}, nil
}

func (s *Server) decidePending(approve bool) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		var in decision
		if err := c.decodeOptional(&in); err != nil {
			return nil, err
		}
		id, err := c.pathID()
		if err != nil {
			return nil, err
		}
		before, after, err := c.svc().DecidePending(c.r.Context(), c.fac.Slug, id, approve, c.user.Email, in.Comment)
		if err != nil {
			return nil, err
		}
		return after, c.audit(before, after)
	}
}

func (s *Server) auditList(c *call) (any, error) {
	q := c.r.URL.Query()
	p, err := c.page(true)
	if err != nil {
		return nil, err
	}
	f := store.AuditFilter{Facility: q.Get("facility"), Actor: q.Get("user"), Kind: q.Get("kind"), After: p.After, Limit: p.Limit, From: p.From, To: p.To}
	format := q.Get("format")
	if format == "" && strings.Contains(c.r.Header.Get("Accept"), "text/csv") {
		format = "csv"
	}
	if format != "" && format != "json" && format != "csv" {
		return nil, fieldErr("format", "%q: expected json or csv", format)
	}
	recs, err := s.svc.AuditTrail(c.r.Context(), f)
	if err != nil {
		return nil, err
	}
	// A full page: another follows if one record more is there (the use
	// case reads at most MaxLimit a call).
	var next *int64
	if len(recs) == p.Limit {
		f.After, f.Limit = recs[len(recs)-1].ID, 1
		more, err := s.svc.AuditTrail(c.r.Context(), f)
		if err != nil {
			return nil, err
		}
		if len(more) > 0 {
			next = &recs[len(recs)-1].ID
		}
	}
	if format == "csv" {
		var b bytes.Buffer
		if err := app.WriteAuditCSV(&b, recs); err != nil {
			return nil, err
		}
		return s.sendFile(c, "text/csv; charset=utf-8", "audit.csv", b.Bytes())
	}
	return map[string]any{"records": recs, "next_after": next}, nil
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
