// Package web owns revolver's web pages: server-rendered HTML (html/template)
// for lenders, borrowers and auditors, with embedded static assets and
// server-rendered SVG charts. It computes nothing of its own: figures come
// from the engines, the use cases and the store. Every change (certificate
// upload, decisions, advances) calls the use case of package app that the
// API calls, with the signed-in user as the actor in the context: the use
// case checks the role matrix, records the maker or checker and appends
// the audit record in its own store transaction. The pages check the
// session's CSRF token on every form, and pass the form's idempotency key
// as the use case's client key. Sign-in and sign-out are the use cases
// too (app.Service.SignIn and SignOut). The API is served beside the pages
// under /api/, but the pages never send it a request.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/auth"
	"revolver/date"
	"revolver/httpconv"
	"revolver/ledger"
	"revolver/money"
	"revolver/observe"
	"revolver/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the pages need.
type Config struct {
	// Service is the use cases the pages read and change through (the
	// API's, so that both share one terms cache); its Terms must be an
	// *app.StoredTerms.
	Service *app.Service
	// API is the JSON API, served under /api/ beside the pages (which
	// never call it).
	API http.Handler
	// SessionTTL is how long a session begun on the sign-in page lasts
	// (default 12 hours, as the API's).
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// (behind a proxy that terminates TLS); it is always Secure over TLS.
	SecureCookies bool
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (auth.ClientAddress); with none the header is ignored.
	TrustedProxies []netip.Prefix
	// Store is the system of record (it must also keep accounts).
	Store store.Store
	// Now is the clock (time.Now if nil): the same clock as the API's. The
	// pages' "today" is the business date (app.Service.BusinessDate).
	Now func() time.Time
	Log *slog.Logger
}

// Server serves the pages.
type Server struct {
	api http.Handler
	st  store.Store
	// sessionTTL and secureCookies: the sessions begun on the sign-in page.
	sessionTTL     time.Duration
	secureCookies  bool
	trustedProxies []netip.Prefix
	acc            store.Accounts
	terms          *app.StoredTerms
	svc            *app.Service
	now            func() time.Time
	log            *slog.Logger
	pages          map[string]*template.Template
	mux            *routes
	gzip           http.Handler

	certMu    sync.Mutex
	certCache map[int64]*computed
	recCache  map[string]*shown // by explanation SHA-256
}

// New returns the web application: the pages under "/", static assets
// under /static/, and the API (cfg.API) under /api/.
func New(cfg Config) (http.Handler, error) {
	s, err := NewServer(cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// NewServer is New returning the concrete server.
func NewServer(cfg Config) (*Server, error) {
	if cfg.API == nil {
		return nil, errors.New("web: the API server is required")
	}
	if cfg.Store == nil {
		return nil, errors.New("web: the store is required")
	}
	if cfg.Service == nil {
		return nil, errors.New("web: the use cases (app.Service) are required")
	}
	terms, ok := cfg.Service.Terms.(*app.StoredTerms)
	if !ok {
		return nil, fmt.Errorf("web: the use cases' terms %T are not stored terms (*app.StoredTerms)", cfg.Service.Terms)
	}
	acc, ok := cfg.Store.(store.Accounts)
	if !ok {
		return nil, fmt.Errorf("web: the store %T does not keep accounts", cfg.Store)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	s := &Server{api: cfg.API, sessionTTL: cfg.SessionTTL, secureCookies: cfg.SecureCookies, trustedProxies: cfg.TrustedProxies, st: cfg.Store, acc: acc, terms: terms, svc: cfg.Service, now: cfg.Now,
		log: cfg.Log, mux: &routes{ServeMux: http.NewServeMux()}, certCache: map[int64]*computed{}}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	s.gzip = httpconv.Gzip(http.HandlerFunc(s.route))
	return s, nil
}

// routes is the pages' mux, keeping the patterns registered (the
// accessibility test visits every GET page).
type routes struct {
	*http.ServeMux
	patterns []string
}

// HandleFunc registers a handler for pattern.
func (m *routes) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

// Handle registers a handler for pattern.
func (m *routes) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /static/", serveStatic)
	s.mux.Handle("/api/", s.api)
	s.mux.HandleFunc("GET /sign-in", s.signInPage)
	s.mux.HandleFunc("POST /sign-in", s.signIn)
	s.mux.HandleFunc("POST /sign-out", s.page(s.signOut))
	s.mux.HandleFunc("GET /{$}", s.page(s.home))
	s.mux.HandleFunc("GET /audit", s.page(s.auditPage))
	s.mux.HandleFunc("GET /users", s.page(s.usersPage))
	s.mux.HandleFunc("GET /rates", s.page(s.ratesPage))
	s.mux.HandleFunc("POST /rates", s.page(s.recordRate))
	s.mux.HandleFunc("POST /rates/import", s.page(s.importRates))
	s.mux.HandleFunc("GET /password", s.page(s.passwordPage))
	s.mux.HandleFunc("POST /password", s.page(s.changePassword))
	s.mux.HandleFunc("POST /users", s.page(s.addUser))
	s.mux.HandleFunc("POST /users/{email}/tokens", s.page(s.createToken))
	s.mux.HandleFunc("POST /users/{email}/password", s.page(s.resetPassword))
	s.mux.HandleFunc("POST /users/{email}/access", s.page(s.setAccess))
	s.mux.HandleFunc("POST /users/{email}/disable", s.page(s.changeAccess(app.OpDisableUser)))
	s.mux.HandleFunc("POST /users/{email}/enable", s.page(s.changeAccess(app.OpEnableUser)))
	s.mux.HandleFunc("POST /users/{email}/tokens/{token}/revoke", s.page(s.changeAccess(app.OpRevokeToken)))
	s.mux.HandleFunc("POST /users/{email}/sessions/end", s.page(s.changeAccess(app.OpEndSessions)))
	const f = "/facilities/{slug}"
	s.mux.HandleFunc("GET "+f, s.facPage(s.facilityPage))
	s.mux.HandleFunc("GET "+f+"/trend.svg", s.facPage(s.trendSVG))
	s.mux.HandleFunc("GET "+f+"/certificates", s.facPage(s.certificatesPage))
	s.mux.HandleFunc("POST "+f+"/certificates", s.facPage(s.uploadCertificate))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}", s.facPage(s.certificatePage))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}/lines/{key}", s.facPage(s.linePage))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}/inputs/{n}", s.facPage(s.certificateInput))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}/certificate.pdf", s.facPage(s.certificatePDF))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}/certificate.xlsx", s.facPage(s.certificateXLSX))
	s.mux.HandleFunc("POST "+f+"/certificates/{id}/{decision}", s.facPage(s.decideCertificate))
	s.mux.HandleFunc("GET "+f+"/loans", s.facPage(s.loansPage))
	s.mux.HandleFunc("POST "+f+"/advances", s.facPage(s.requestAdvance))
	s.mux.HandleFunc("POST "+f+"/advances/{id}/{decision}", s.facPage(s.decideAdvance))
	s.mux.HandleFunc("POST "+f+"/repayments", s.facPage(s.recordRepayment))
	s.mux.HandleFunc("POST "+f+"/loan-notices", s.facPage(s.giveLoanNotice))
	s.mux.HandleFunc("POST "+f+"/letters-of-credit", s.facPage(s.letterOfCreditForm))
	s.mux.HandleFunc("POST "+f+"/letters-of-credit/{id}", s.facPage(s.letterOfCreditForm))
	s.mux.HandleFunc("POST "+f+"/corrections", s.facPage(s.requestCorrection))
	s.mux.HandleFunc("POST "+f+"/corrections/{id}/{decision}", s.facPage(s.decideCorrection))
	s.mux.HandleFunc("POST "+f+"/requests/{id}/{decision}", s.facPage(s.decideRequest))
	s.mux.HandleFunc("POST "+f+"/reserves", s.facPage(s.setReserve))
	s.mux.HandleFunc("POST "+f+"/risk-ratings", s.facPage(s.setRiskRating))
	s.mux.HandleFunc("POST "+f+"/reserves/{id}/{action}", s.facPage(s.changeReserve))
	s.mux.HandleFunc("GET "+f+"/covenants", s.facPage(s.covenantsPage))
	s.mux.HandleFunc("POST "+f+"/statements", s.facPage(s.submitStatements))
	s.mux.HandleFunc("POST "+f+"/statements/preview", s.facPage(s.previewStatements))
	s.mux.HandleFunc("GET "+f+"/covenants/compliance.pdf", s.facPage(s.compliancePDF))
	s.mux.HandleFunc("GET "+f+"/terms", s.facPage(s.termsPage))
	s.mux.HandleFunc("POST "+f+"/terms/preview", s.facPage(s.previewDraft))
	s.mux.HandleFunc("POST "+f+"/amendments", s.facPage(s.requestAmendment))
	s.mux.HandleFunc("POST "+f+"/approvals/{id}/approve", s.facPage(s.decideAmendment(true)))
	s.mux.HandleFunc("POST "+f+"/approvals/{id}/reject", s.facPage(s.decideAmendment(false)))
	s.mux.HandleFunc("GET "+f+"/calendar", s.facPage(s.calendarPage))
	s.mux.HandleFunc("POST "+f+"/defaults", s.facPage(s.recordDefaultForm))
	s.mux.HandleFunc("POST "+f+"/defaults/{id}/notice", s.facPage(s.noticeOfDefaultForm))
	s.mux.HandleFunc("POST "+f+"/defaults/{id}/waive", s.facPage(s.requestWaiverForm))
	s.mux.HandleFunc("POST "+f+"/notices", s.facPage(s.recordNoticeForm))
	s.mux.HandleFunc("POST "+f+"/defaults/{id}/default-interest", s.facPage(s.remedyForm("default-interest")))
	s.mux.HandleFunc("POST "+f+"/defaults/{id}/cure", s.facPage(s.remedyForm("cure")))
	s.mux.HandleFunc("POST "+f+"/defaults/{id}/accelerate", s.facPage(s.remedyForm("accelerate")))
	s.mux.HandleFunc("POST "+f+"/notices/confirmation", s.facPage(s.confirmNoticeForm))
	s.mux.HandleFunc("POST "+f+"/covenant-results", s.facPage(s.covenantResultForm))
	s.mux.HandleFunc("GET "+f+"/collateral", s.facPage(s.collateralPage))
	s.mux.HandleFunc("POST "+f+"/collateral/policies", s.facPage(s.recordPolicyForm))
	s.mux.HandleFunc("POST "+f+"/collateral/filings", s.facPage(s.recordFilingForm))
	s.mux.HandleFunc("POST "+f+"/collateral/other-debts", s.facPage(s.recordOtherDebtForm))
	s.mux.HandleFunc("POST "+f+"/collateral/occurrences", s.facPage(s.recordOccurrenceForm))
	s.mux.HandleFunc("GET "+f+"/field-exams", s.facPage(s.fieldExamsPage))
	s.mux.HandleFunc("POST "+f+"/field-exams", s.facPage(s.scheduleExamForm))
	s.mux.HandleFunc("POST "+f+"/field-exams/{id}/perform", s.facPage(s.performExamForm))
	s.mux.HandleFunc("POST "+f+"/field-exams/{id}/findings", s.facPage(s.findingExamForm))
	s.mux.HandleFunc("POST "+f+"/field-exam-findings/{id}/dispose", s.facPage(s.disposeFindingForm))
	s.mux.HandleFunc("POST "+f+"/field-exam-findings/{id}/preview", s.facPage(s.previewFindingForm))
	s.mux.HandleFunc("GET "+f+"/report-maps", s.facPage(s.reportMapsPage))
	s.mux.HandleFunc("POST "+f+"/report-maps", s.facPage(s.reportMapAction))
	s.mux.HandleFunc("GET "+f+"/trends", s.facPage(s.trendsPage))
	s.mux.HandleFunc("GET "+f+"/cash", s.facPage(s.cashPage))
	s.mux.HandleFunc("POST "+f+"/cash", s.facPage(s.importCash))
	s.mux.HandleFunc("GET "+f+"/trends.csv", s.facPage(s.trendsPage))
	s.mux.HandleFunc("GET "+f+"/statements", s.facPage(s.statementsIndex))
	s.mux.HandleFunc("GET "+f+"/statements/{month}", s.facPage(s.statementPage))
	s.mux.HandleFunc("GET "+f+"/statements/{month}/statement.pdf", s.facPage(s.statementPDF))
	s.mux.HandleFunc("GET "+f+"/calendar.ics", s.facPage(s.calendarICS))
	s.notifyRoutes()
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		// The API mounted there, with its own headers; it names its own
		// routes.
		s.mux.ServeHTTP(w, r)
		return
	}
	httpconv.SetSecurity(w.Header(), r, pagePolicy)
	s.gzip.ServeHTTP(w, r)
}

// pagePolicy is the Content-Security-Policy of the pages: their own
// scripts, styles and images only, never framed.
const pagePolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"

// route routes a page request.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	observe.NoteRoute(r.Context(), pattern)
	if pattern == "" {
		// Unknown page.
		rq := &req{s: s, w: w, r: r}
		rq.user, rq.sess, _ = s.session(r)
		rq.notFound()
		return
	}
	s.mux.ServeHTTP(w, r)
}

// req is one page request.
type req struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	user store.User
	sess store.Session
	fac  store.Facility
	// bizDate is the business date, read once per request.
	bizDate date.Date
	// status and errMsg: a page shown again after a change was refused.
	status int
	errMsg string
	// formErr: the form and field the refusal is of (shown beside it).
	formErr *formErr
	// reqID names the request in the audit record of a change.
	reqID string
	// amount and day: what a form asks, read before the use case runs,
	// for the audit record of its refusal.
	amount money.Amount
	day    date.Date
	// op is the use case a form asks for (asks), for the audit record of
	// a refusal before it runs; audit learns the use case that ran.
	op    app.Op
	audit app.AuditState
	// shown: a token or password the users page shows once.
	shown *shownOnce
	// preview: a statements file previewed (the covenants page shows it).
	preview *statementsPreview
}

// asks notes the use case the form asks for: a refusal before it runs
// (the role refused, the form's own check) is recorded under its name.
func (rq *req) asks(op app.Op) { rq.op = op }

func (s *Server) session(r *http.Request) (store.User, store.Session, error) {
	ck, err := r.Cookie(auth.SessionCookie)
	if err != nil || ck.Value == "" {
		return store.User{}, store.Session{}, errNoSession
	}
	sess, err := s.acc.Session(r.Context(), auth.SHA256(ck.Value), s.now())
	if err != nil {
		return store.User{}, store.Session{}, errNoSession
	}
	u, err := s.acc.UserByID(r.Context(), sess.UserID)
	if err != nil {
		return store.User{}, store.Session{}, err
	}
	if u.Disabled {
		return store.User{}, store.Session{}, errNoSession
	}
	return u, sess, nil
}

var errNoSession = errors.New("no session")

// page wraps a handler that needs a signed-in user.
func (s *Server) page(h func(*req) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rq := &req{s: s, w: w, r: r}
		var err error
		rq.user, rq.sess, err = s.session(r)
		if errors.Is(err, errNoSession) {
			if r.Method != http.MethodGet {
				http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if err != nil {
			rq.fail(err)
			return
		}
		observe.NoteActor(r.Context(), rq.user.ID)
		if rq.mustChange() {
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		// The temporary files of an upload too large for memory go with
		// the request, whatever the handler did.
		defer func() {
			if r.MultipartForm != nil {
				r.MultipartForm.RemoveAll()
			}
		}()
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := rq.checkCSRF(); err != nil {
				rq.fail(err)
				return
			}
		}
		if err := h(rq); err != nil {
			rq.fail(err)
		}
	}
}

// facPage wraps a handler of a facility's page: a borrower may see only
// the facilities granted to them; any other facility is not found.
func (s *Server) facPage(h func(*req) error) http.HandlerFunc {
	return s.page(func(rq *req) error {
		slug := rq.r.PathValue("slug")
		if !canSee(rq.user, slug) {
			rq.notFound()
			return nil
		}
		f, err := s.st.Facility(rq.r.Context(), slug)
		if store.ErrorCode(err) == store.CodeNotFound {
			rq.notFound()
			return nil
		}
		if err != nil {
			return err
		}
		rq.fac = f
		return h(rq)
	})
}

// canSee: the role matrix lets u see the facility.
func canSee(u store.User, slug string) bool { return app.May(u, app.ActRead, slug) }

func canAudit(role string) bool { return app.Allowed(role, app.ActReadAudit) }

// may reports whether the role matrix lets the signed-in user do a on the
// request's facility: the pages ask it before offering an action and
// before carrying it out (and the use case asks it again).
func (rq *req) may(a app.Action) bool { return app.May(rq.user, a, rq.fac.Slug) }

// allow refuses an action the signed-in user may not do.
func (rq *req) allow(a app.Action, what string) error {
	if rq.may(a) {
		return nil
	}
	msg := fmt.Sprintf("Your role (%s) cannot %s. Nothing was changed.", strings.ReplaceAll(rq.user.Role, "_", " "), what)
	if err := rq.s.svc.AuditRefusal(rq.actx(), app.Refusal{Op: rq.op, Code: store.CodeForbidden, Message: msg, Status: http.StatusForbidden,
		Facility: rq.fac.Slug, Resource: rq.r.PathValue("id")}); err != nil {
		return err
	}
	return userErr(http.StatusForbidden, msg)
}

// today is the business date: the day the pages open on and evaluate.
func (rq *req) today() date.Date {
	if rq.bizDate != 0 {
		return rq.bizDate
	}
	d, err := rq.s.svc.BusinessDate(rq.r.Context())
	if err != nil {
		rq.s.log.Error("business date", "err", err)
		return date.FromTime(rq.s.now().UTC())
	}
	rq.bizDate = d
	return d
}

// queryDate reads a date parameter (default def); a malformed date is an
// error the page shows.
func (rq *req) queryDate(name string, def date.Date) (date.Date, error) {
	v := strings.TrimSpace(rq.r.URL.Query().Get(name))
	if v == "" {
		return def, nil
	}
	d, err := date.Parse(v)
	if err != nil {
		return def, userErr(http.StatusBadRequest, fmt.Sprintf("%s %q is not a date: enter it as YYYY-MM-DD, for example 2004-10-03.", name, v))
	}
	return d, nil
}

// userError is an error shown to the person as it is, with a status.
type userError struct {
	status int
	msg    string
}

func (e *userError) Error() string { return e.msg }

func userErr(status int, msg string) error { return &userError{status, msg} }

// view is what every page template receives.
type view struct {
	Title    string
	User     store.User
	CSRF     string
	Facility *store.Facility
	Nav      string // the current section, for aria-current
	Flash    string
	Error    string
	// Decider may decide certificates and advances, Maker may submit
	// certificates and request advances, Auditor may read the audit trail
	// (the role matrix, app.Roles); Can asks it for any action.
	Decider bool
	Maker   bool
	Auditor bool
	Today   date.Date
	Page    any
	// Unread counts the user's unread inbox entries (the header's).
	Unread int
}

// Can reports whether the role matrix lets the user do action (an
// app.Action, e.g. "decide_advance") on the page's facility.
func (v *view) Can(action string) bool {
	slug := ""
	if v.Facility != nil {
		slug = v.Facility.Slug
	}
	return app.May(v.User, app.Action(action), slug)
}

func (rq *req) view(title, nav string, page any) *view {
	v := &view{Title: title, User: rq.user, CSRF: rq.sess.CSRF, Nav: nav, Page: page, Today: rq.today(),
		Decider: rq.may(app.ActDecideCertificate) && rq.may(app.ActDecideAdvance),
		Maker:   rq.may(app.ActSubmitCertificate) && rq.may(app.ActRequestAdvance),
		Auditor: canAudit(rq.user.Role)}
	if rq.user.ID != 0 {
		v.Unread, _ = rq.s.svc.Unread(rq.actx())
	}
	if rq.fac.Slug != "" {
		f := rq.fac
		v.Facility = &f
	}
	v.Flash = flashText(rq.r.URL.Query())
	if rq.errMsg != "" {
		v.Error, v.Flash = rq.errMsg, ""
	}
	return v
}

func (rq *req) render(status int, name string, v *view) error {
	t := rq.s.pages[name]
	if t == nil {
		return fmt.Errorf("web: no template %q", name)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		return err
	}
	if rq.status != 0 && status == http.StatusOK {
		status = rq.status
	}
	rq.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	rq.w.WriteHeader(status)
	_, err := rq.w.Write(b.Bytes())
	return err
}

func (rq *req) notFound() {
	v := rq.view("Not found", "", nil)
	v.Facility = nil
	v.Error = "There is no such page, or it is not yours to see. Check the address, or go back to your facilities."
	rq.w.Header().Set("Cache-Control", "no-store")
	if err := rq.render(http.StatusNotFound, "error", v); err != nil {
		rq.s.log.Error("render", "err", err)
	}
}

// fail shows an error page for err.
func (rq *req) fail(err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong on our side. Try again; if it happens again, tell the administrator the time it happened."
	if st, m, ok := refusal(err); ok {
		status, msg = st, m
	} else {
		rq.s.log.Error("page", "path", rq.r.URL.Path, "err", err, "request_id", observe.RequestID(rq.r))
	}
	v := rq.view("Error", "", nil)
	v.Error = msg
	if e := rq.render(status, "error", v); e != nil {
		rq.s.log.Error("render", "err", e)
	}
}

// --- carrying out changes through the use cases ---

// refusal is the status and the message to show for an error a use case
// or the page refused with (a *userError, a store or ledger error with a
// stable code, agreement errors); ok false for any other error, which is
// internal.
func refusal(err error) (status int, msg string, ok bool) {
	var ue *userError
	var le *ledger.Error
	var se *store.Error
	var ag agreement.Errors
	switch {
	case errors.As(err, &ue):
		return ue.status, ue.msg, true
	case errors.As(err, &le):
		return http.StatusUnprocessableEntity, le.Message, true
	case errors.As(err, &ag):
		return http.StatusUnprocessableEntity, err.Error(), true
	case errors.As(err, &se) && se.Code != store.CodeInternal:
		status, ok := statusOf[se.Code]
		if !ok {
			status = http.StatusUnprocessableEntity
		}
		return status, se.Error(), true
	}
	return 0, "", false
}

// statusOf is the status of a page refused with a store error's code.
var statusOf = map[string]int{
	store.CodeNotFound:  http.StatusNotFound,
	store.CodeForbidden: http.StatusForbidden,
	store.CodeConflict:  http.StatusConflict,
}

// checkCSRF: a form that changes something must carry the session's CSRF
// token (form field csrf_token, the first field of a multipart form, or
// header X-CSRF-Token), so that another site cannot make the browser send
// it.
func (rq *req) checkCSRF() error {
	tok := rq.r.Header.Get("X-CSRF-Token")
	if ct, _, _ := mime.ParseMediaType(rq.r.Header.Get("Content-Type")); tok == "" && ct == "multipart/form-data" {
		// An upload: the token is its first field, read before the rest
		// (and before the role is checked), so that a refused upload is
		// never read whole nor stored in temporary files.
		tok = auth.FirstPartValue(rq.r, "csrf_token")
	} else if tok == "" {
		if err := rq.parseForm(); err != nil {
			return err
		}
		tok = rq.r.PostFormValue("csrf_token")
	}
	if tok == "" || rq.sess.CSRF == "" || !auth.Equal(tok, rq.sess.CSRF) {
		return userErr(http.StatusForbidden, "This form did not come from a page of this session, and nothing was changed. Go back, reload the page and send the form again.")
	}
	return nil
}

// maxUpload limits a form's body (the certificate's three reports).
const maxUpload = app.MaxCertificateUpload

// parseForm reads the form of a POST: URL-encoded, or multipart (the
// certificate upload) up to maxUpload.
func (rq *req) parseForm() error {
	if ct, _, _ := mime.ParseMediaType(rq.r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		rq.r.Body = http.MaxBytesReader(rq.w, rq.r.Body, maxUpload)
		if err := rq.r.ParseMultipartForm(32 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return userErr(http.StatusRequestEntityTooLarge, fmt.Sprintf("The files are too large (more than %d MiB together). Split the reports or ask the lender for another way to send them.", maxUpload>>20))
			}
			return userErr(http.StatusBadRequest, "The upload could not be read: choose the three files again and send them.")
		}
		return nil
	}
	if err := rq.r.ParseForm(); err != nil {
		return userErr(http.StatusBadRequest, "The form could not be read: try again.")
	}
	return nil
}

// actx is the request's context carrying its actor for the use cases: the
// signed-in user, through this page's route (what is asked is the use
// case's to say: app.Op).
func (rq *req) actx() context.Context {
	if rq.reqID == "" {
		rq.reqID = observe.RequestID(rq.r)
	}
	return app.WithActor(rq.r.Context(), app.Actor{User: rq.user.Email, UserID: rq.user.ID, Role: rq.user.Role,
		Facilities: rq.user.Facilities, RequestID: rq.reqID, Via: "web " + rq.r.Pattern, Audit: &rq.audit})
}

var idemKeyRe = regexp.MustCompile(`^[\x21-\x7e]{1,200}$`)

// clientKey is the use case's client key of the form: its idempotency key
// scoped to the user, so that the same form sent twice is one change (a
// form without a key gets a key of its own).
func (rq *req) clientKey() (string, error) {
	k := rq.r.FormValue("idempotency_key")
	if k == "" {
		if rq.reqID == "" {
			rq.reqID = observe.RequestID(rq.r)
		}
		return "web:" + rq.reqID + ":" + auth.Random("", 6), nil
	}
	if !idemKeyRe.MatchString(k) {
		return "", userErr(http.StatusBadRequest, "The form's key is damaged: reload the page and send the form again.")
	}
	return fmt.Sprintf("web:%d:%s", rq.user.ID, k), nil
}

// redirect answers 303 See Other to a page (done: a message of the set
// of flashes, shown there; "" none).
func (rq *req) redirect(path, done string) error {
	if done != "" {
		return rq.done(path, done)
	}
	http.Redirect(rq.w, rq.r, path, http.StatusSeeOther)
	return nil
}

func ctxOf(rq *req) context.Context { return rq.r.Context() }
