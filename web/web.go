// Package web owns revolver's web pages: server-rendered HTML (html/template)
// for lenders, borrowers and auditors, with embedded static assets and
// server-rendered SVG charts. It computes nothing of its own: figures come
// from the engines, the use cases and the store, and every change (sign-in,
// certificate upload, decisions, advances) is carried out by the HTTP API of
// package httpapi in the same process, so that sessions, CSRF tokens, roles,
// idempotency keys and the audit trail are the API's.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"revolver/app"
	"revolver/auth"
	"revolver/date"
	"revolver/httpapi"
	"revolver/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the pages need.
type Config struct {
	// API is the JSON API served under /api/v1; the pages read through its
	// store and terms and carry out every change through it.
	API *httpapi.Server
	// Store is the system of record (it must also keep accounts).
	Store store.Store
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// Today is the pages' default date (nil: the clock's day in UTC); a
	// demo over past data can open on its last day.
	Today func() date.Date
	Log   *slog.Logger
}

// Server serves the pages.
type Server struct {
	api   *httpapi.Server
	st    store.Store
	acc   store.Accounts
	terms *app.StoredTerms
	svc   *app.Service
	now   func() time.Time
	today func() date.Date
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux

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
	if cfg.Today == nil {
		now := cfg.Now
		cfg.Today = func() date.Date { return date.FromTime(now().UTC()) }
	}
	s := &Server{api: cfg.API, st: cfg.Store, acc: acc, terms: cfg.API.Terms(), svc: cfg.API.Service(), now: cfg.Now, today: cfg.Today,
		log: cfg.Log, mux: http.NewServeMux(), certCache: map[int64]*computed{}}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	fsrv := http.StripPrefix("/static/", http.FileServer(http.FS(static)))
	s.mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	}))
	s.mux.Handle("/api/", s.api)
	s.mux.HandleFunc("GET /sign-in", s.signInPage)
	s.mux.HandleFunc("POST /sign-in", s.signIn)
	s.mux.HandleFunc("POST /sign-out", s.page(s.signOut))
	s.mux.HandleFunc("GET /{$}", s.page(s.home))
	s.mux.HandleFunc("GET /audit", s.page(s.auditPage))
	const f = "/facilities/{slug}"
	s.mux.HandleFunc("GET "+f, s.facPage(s.facilityPage))
	s.mux.HandleFunc("GET "+f+"/trend.svg", s.facPage(s.trendSVG))
	s.mux.HandleFunc("GET "+f+"/certificates", s.facPage(s.certificatesPage))
	s.mux.HandleFunc("POST "+f+"/certificates", s.facPage(s.uploadCertificate))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}", s.facPage(s.certificatePage))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}/lines/{key}", s.facPage(s.linePage))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}/certificate.pdf", s.facPage(s.certificatePDF))
	s.mux.HandleFunc("GET "+f+"/certificates/{id}/certificate.xlsx", s.facPage(s.certificateXLSX))
	s.mux.HandleFunc("POST "+f+"/certificates/{id}/{decision}", s.facPage(s.decideCertificate))
	s.mux.HandleFunc("GET "+f+"/loans", s.facPage(s.loansPage))
	s.mux.HandleFunc("POST "+f+"/advances", s.facPage(s.requestAdvance))
	s.mux.HandleFunc("POST "+f+"/advances/{id}/{decision}", s.facPage(s.decideAdvance))
	s.mux.HandleFunc("GET "+f+"/covenants", s.facPage(s.covenantsPage))
	s.mux.HandleFunc("GET "+f+"/covenants/compliance.pdf", s.facPage(s.compliancePDF))
	s.mux.HandleFunc("GET "+f+"/terms", s.facPage(s.termsPage))
	s.mux.HandleFunc("GET "+f+"/calendar", s.facPage(s.calendarPage))
	s.mux.HandleFunc("GET "+f+"/calendar.ics", s.facPage(s.calendarICS))
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "same-origin")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
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
	// status and errMsg: a page shown again after the API refused a change.
	status int
	errMsg string
}

func (s *Server) session(r *http.Request) (store.User, store.Session, error) {
	ck, err := r.Cookie(httpapi.SessionCookie)
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
		w.Header().Set("Cache-Control", "no-store")
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

func isLender(role string) bool {
	return role == store.RoleLenderAdmin || role == store.RoleLenderOfficer || role == store.RoleLenderAnalyst
}

func canSee(u store.User, slug string) bool {
	if u.Role == store.RoleBorrower {
		return slices.Contains(u.Facilities, slug)
	}
	return u.Role != ""
}

// canDecide: the roles the API lets approve or reject.
func canDecide(role string) bool {
	return role == store.RoleLenderAdmin || role == store.RoleLenderOfficer
}

// canMake: the roles the API lets submit certificates and request advances.
func canMake(role string) bool {
	return canDecide(role) || role == store.RoleBorrower
}

func canAudit(role string) bool { return role == store.RoleLenderAdmin || role == store.RoleAuditor }

func (rq *req) today() date.Date { return rq.s.today() }

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
	Lender   bool
	Decider  bool
	Maker    bool
	Auditor  bool
	Today    date.Date
	Page     any
}

func (rq *req) view(title, nav string, page any) *view {
	v := &view{Title: title, User: rq.user, CSRF: rq.sess.CSRF, Nav: nav, Page: page, Today: rq.today(),
		Lender: isLender(rq.user.Role), Decider: canDecide(rq.user.Role), Maker: canMake(rq.user.Role), Auditor: canAudit(rq.user.Role)}
	if rq.fac.Slug != "" {
		f := rq.fac
		v.Facility = &f
	}
	v.Flash = rq.r.URL.Query().Get("done")
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
	var ue *userError
	var ae *apiError
	switch {
	case errors.As(err, &ue):
		status, msg = ue.status, ue.msg
	case errors.As(err, &ae):
		status, msg = ae.Status, ae.Message
	case store.ErrorCode(err) == store.CodeNotFound:
		status, msg = http.StatusNotFound, err.Error()
	case store.ErrorCode(err) == store.CodeInvalid:
		status, msg = http.StatusUnprocessableEntity, err.Error()
	default:
		rq.s.log.Error("page", "path", rq.r.URL.Path, "err", err)
	}
	v := rq.view("Error", "", nil)
	v.Error = msg
	if e := rq.render(status, "error", v); e != nil {
		rq.s.log.Error("render", "err", e)
	}
}

// --- carrying out changes through the API ---

// apiError is the API's error answer.
type apiError struct {
	Status  int            `json:"-"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

func (e *apiError) Error() string { return e.Message }

type recorder struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// callAPI sends a request to the API in this process with the browser's
// cookies and the form's CSRF token and idempotency key, and decodes the
// JSON answer into out (an *apiError when the API refused).
func (rq *req) callAPI(method, path, contentType string, body io.Reader, out any) (*recorder, error) {
	r2, err := http.NewRequestWithContext(rq.r.Context(), method, path, body)
	if err != nil {
		return nil, err
	}
	for _, c := range rq.r.Cookies() {
		r2.AddCookie(c)
	}
	r2.RemoteAddr = rq.r.RemoteAddr
	r2.TLS = rq.r.TLS
	if contentType != "" {
		r2.Header.Set("Content-Type", contentType)
	}
	if rq.sess.CSRF != "" {
		r2.Header.Set("X-CSRF-Token", rq.formCSRF())
	}
	if k := rq.r.FormValue("idempotency_key"); k != "" {
		r2.Header.Set("Idempotency-Key", k)
	}
	rec := &recorder{h: http.Header{}}
	rq.s.api.ServeHTTP(rec, r2)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 400 {
		e := &apiError{Status: rec.status}
		if err := json.Unmarshal(rec.body.Bytes(), e); err != nil || e.Message == "" {
			e.Message = fmt.Sprintf("the request was refused (HTTP %d)", rec.status)
		}
		return rec, e
	}
	if out != nil && rec.body.Len() > 0 {
		if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// formCSRF is the CSRF token the page's form carried (checked by the API
// against the session).
func (rq *req) formCSRF() string {
	if t := rq.r.Header.Get("X-CSRF-Token"); t != "" {
		return t
	}
	return rq.r.FormValue("csrf_token")
}

func (rq *req) postJSON(path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = rq.callAPI(http.MethodPost, path, "application/json", bytes.NewReader(b), out)
	return err
}

// redirect answers 303 See Other to a page with a message to show.
func (rq *req) redirect(path, done string) error {
	if done != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "done=" + url.QueryEscape(done)
	}
	http.Redirect(rq.w, rq.r, path, http.StatusSeeOther)
	return nil
}

func ctxOf(rq *req) context.Context { return rq.r.Context() }
