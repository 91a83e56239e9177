// Package httpapi is revolver's HTTP JSON API under /api/v1: routing,
// authentication (session cookies with CSRF tokens for browsers, Bearer
// tokens for programs), authorization by role and facility, idempotency
// keys, the audit trail and the mapping of typed errors to statuses. It
// holds no business rules: handlers decode, call package app or the store,
// and encode. The OpenAPI document is generated from the same route table
// that the router uses.
package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"revolver/app"
	"revolver/auth"
	"revolver/date"
	"revolver/httpconv"
	"revolver/money"
	"revolver/observe"
	"revolver/store"
)

// Config configures a Server.
type Config struct {
	Store store.Store // must also implement store.Accounts
	// Terms reads facility terms from stored agreements (created if nil).
	Terms *app.StoredTerms
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// MaxBody limits JSON and CSV bodies (default 1 MiB); MaxUpload
	// limits multipart uploads (default app.MaxCertificateUpload).
	MaxBody, MaxUpload int64
	// SessionTTL is how long a browser session lasts (default 12 hours).
	SessionTTL time.Duration
	// SignInLimits limit failed sign-ins per account and per client
	// address, counted in the store so that every server process on one
	// database shares them (auth.DefaultSignInLimits if zero).
	SignInLimits auth.SignInLimits
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// (behind a proxy that terminates TLS); it is always Secure over TLS.
	SecureCookies bool
	Log           *slog.Logger
	// Observe is told what the use cases do, for the metrics (nil: nobody).
	Observe app.Observer
	// Health holds the readiness checks of GET /ready; the store's check
	// is added to it ("database"). Nil: the server's own.
	Health *observe.Health
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (auth.ClientAddress); with none the header is ignored.
	TrustedProxies []netip.Prefix
	// Jobs is the job queue close of business is enqueued on (nil: the
	// route answers 503).
	Jobs Jobs
}

// Server serves the API.
type Server struct {
	st      store.Store
	acc     store.Accounts
	terms   *app.StoredTerms
	svc     *app.Service
	now     func() time.Time
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []*Route
	openapi []byte
	checks  *observe.Health
	gzip    http.Handler

	// facs caches the facilities found, without their settings (which
	// may change: the use cases read them from the store): a facility's
	// slug, name and creation never change and it is never removed. A
	// facility not found is not cached.
	cacheMu sync.Mutex
	facs    map[string]store.Facility

	keyMu    sync.Mutex
	keyLocks map[string]*keyLock

	callers callers
}

// keyLock serialises the requests of one user with one idempotency key in
// this process, so that concurrent retries run one after the other (the
// second then finds the first's response kept).
type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (s *Server) lockKey(k string) func() {
	s.keyMu.Lock()
	l := s.keyLocks[k]
	if l == nil {
		l = &keyLock{}
		s.keyLocks[k] = l
	}
	l.refs++
	s.keyMu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		s.keyMu.Lock()
		if l.refs--; l.refs == 0 {
			delete(s.keyLocks, k)
		}
		s.keyMu.Unlock()
	}
}

// New returns a server over the store.
func New(cfg Config) (*Server, error) {
	acc, ok := cfg.Store.(store.Accounts)
	if !ok {
		return nil, fmt.Errorf("httpapi: the store %T does not keep accounts", cfg.Store)
	}
	if cfg.Terms == nil {
		cfg.Terms = &app.StoredTerms{Store: cfg.Store}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = app.MaxCertificateUpload
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{st: cfg.Store, acc: acc, terms: cfg.Terms, now: cfg.Now, cfg: cfg, log: cfg.Log,
		svc: &app.Service{Store: cfg.Store, Terms: cfg.Terms, Now: cfg.Now, SignInLimits: cfg.SignInLimits, Observe: cfg.Observe},
		mux: http.NewServeMux(), facs: map[string]store.Facility{}, keyLocks: map[string]*keyLock{}}
	s.gzip = httpconv.Gzip(http.HandlerFunc(s.route))
	if s.checks = cfg.Health; s.checks == nil {
		s.checks = &observe.Health{Log: cfg.Log}
	}
	s.checks.Add("database", storeReady(cfg.Store))
	s.routes = append(append(append(append(s.routeTable(), s.defaultsRoutes()...), s.observeRoutes()...), s.accessRoutes()...), s.notifyRoutes()...)
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	doc, err := s.openAPI()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	s.openapi = b
	return s, nil
}

// Service is the use-case layer the server calls.
func (s *Server) Service() *app.Service { return s.svc }

// Routes lists the routes served.
func (s *Server) Routes() []*Route { return s.routes }

// ServeHTTP serves a request with the security headers of every answer
// (httpconv.Secure), compressed when large (httpconv.Gzip).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	httpconv.SetSecurity(w.Header(), r, httpconv.APIPolicy)
	s.gzip.ServeHTTP(w, r)
}

// route routes a request; unknown paths and methods answer errors.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		rid := requestID(r)
		w.Header().Set("X-Request-ID", rid)
		var allow []string
		for _, m := range []string{"GET", "POST", "DELETE", "PUT", "PATCH"} {
			r2 := r.Clone(r.Context())
			r2.Method = m
			if _, p := s.mux.Handler(r2); p != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			writeError(w, r, rid, &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Allow: allow,
				Message: fmt.Sprintf("%s is not allowed on %s: expected %s", r.Method, r.URL.Path, strings.Join(allow, ", "))})
			return
		}
		writeError(w, r, rid, &Error{Status: http.StatusNotFound, Code: "not_found", Message: fmt.Sprintf("no route %s %s", r.Method, r.URL.Path)})
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Route is one route of the API.
type Route struct {
	Method, Path string
	Summary      string
	// Public routes need no authentication.
	Public bool
	// Roles allowed (nil: every role).
	Roles []string
	// Mutating routes honour Idempotency-Key and are audited.
	Mutating bool
	// Op is the use case a mutating route runs, for the audit record of a
	// request refused before it runs (unauthenticated, role refused, bad
	// input). The record of what the use case does, done or refused, is
	// named by the use case itself (app.Op).
	Op app.Op
	// Upload routes take multipart/form-data (larger body limit).
	Upload bool
	// Request and Response name schemas of the OpenAPI document, each the
	// Go type decoded or answered (schemaTypes in openapi.go). Every route
	// names its Response ("NoContent" for a 204). Query lists the query
	// parameters.
	Request, Response string
	Query             []string
	// Status is the success status.
	Status int
	// Versioned routes answer a version of a resource (the handler calls
	// call.versioned): ETag and Last-Modified, 304 to a conditional GET.
	Versioned bool
	h         func(c *call) (any, error)
}

// call is one request being served.
type call struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	rt      *Route
	user    store.User
	session *store.Session
	reqID   string
	fac     store.Facility
	body    []byte
	idemKey string
	status  int                // overrides rt.Status when set
	record  *store.AuditRecord // the audit record of a mutation
	auditSt *app.AuditState    // what the use cases' store transactions did about the audit
	// audited: a use case appended the request's record, done or refused
	// (sign-in).
	audited bool
	// amount and day: what the request is about, for the record of a
	// refusal (read from the request before the use case runs).
	amount money.Amount
	day    date.Date
	// version: the answer is a version of a resource (versioned).
	version *version
	// tokenSHA is the SHA-256 of the request's API token; check, while
	// not nil, the confirmation a request served as a kept caller awaits
	// (callers); fresh: the request is served again after a kept caller
	// proved stale, and looks its caller up.
	tokenSHA string
	check    *store.AccessCheck
	fresh    bool
}

type version struct {
	modified time.Time
	cache    string
}

// versioned marks the answer as a version of a resource, last changed at
// modified (zero: unknown), with this Cache-Control: it carries a strong
// ETag (the hash of the answer) and Last-Modified, and a conditional GET
// that names them is answered 304 Not Modified.
func (c *call) versioned(modified time.Time, cacheControl string) {
	c.version = &version{modified: modified, cache: cacheControl}
}

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-ID"); requestIDRe.MatchString(id) {
		return id
	}
	return auth.Random("req_", 12)
}

var idemKeyRe = regexp.MustCompile(`^[\x21-\x7e]{1,200}$`)

func (s *Server) wrap(rt *Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r, rt: rt, reqID: requestID(r)}
		defer c.note()
		w.Header().Set("X-Request-ID", c.reqID)
		err := s.serve(c)
		if err != nil && c.check != nil {
			// Refused before the answer was made: confirmed first, so that
			// a token no longer valid is told so.
			if cerr := s.confirm(c); cerr != nil {
				err = cerr
			}
		}
		if errors.Is(err, errStaleCaller) {
			*c = call{s: s, w: w, r: r, rt: rt, reqID: c.reqID, fresh: true}
			err = s.serve(c)
		}
		if err != nil {
			e := s.asError(c, err)
			if rec := c.refusal(e); rec != nil {
				if _, err := s.acc.AppendAudit(context.WithoutCancel(r.Context()), *rec); err != nil {
					s.log.Error("audit a refused change", "err", err, "request_id", c.reqID)
				}
			}
			writeError(w, r, c.reqID, e)
		}
	})
}

func (s *Server) serve(c *call) error {
	rt := c.rt
	if !rt.Public {
		if err := s.authenticate(c); err != nil {
			return err
		}
		switch rt.Method + " " + rt.Path {
		case "POST /api/v1/me/password", "GET /api/v1/me", "DELETE /api/v1/session":
		default:
			if err := app.PasswordChangeRequired(c.user); err != nil {
				return err
			}
		}
	}
	r := c.r
	if slug := r.PathValue("slug"); slug != "" {
		if err := s.facilityAccess(c, slug); err != nil {
			return err
		}
	}
	if !rt.Public && rt.Roles != nil && !slices.Contains(rt.Roles, c.user.Role) {
		return errf(http.StatusForbidden, "forbidden", "%s %s is not allowed for role %s", rt.Method, rt.Path, c.user.Role)
	}
	if rt.Mutating || r.Method == http.MethodPost {
		limit := s.cfg.MaxBody
		if rt.Upload {
			limit = s.cfg.MaxUpload
		}
		// Read at once into a buffer of the announced size (within the
		// limit), not grown by doubling: an upload is tens of MB. The
		// buffer keeps bytes.MinRead free after the announced bytes, so
		// that ReadFrom meets the end without growing it.
		buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 0), limit)+bytes.MinRead))
		_, err := buf.ReadFrom(http.MaxBytesReader(c.w, r.Body, limit))
		body := buf.Bytes()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return errf(http.StatusRequestEntityTooLarge, "too_large", "the request body is larger than %d bytes", limit)
			}
			return errf(http.StatusBadRequest, "invalid", "reading the request body: %v", err)
		}
		c.body = body
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if rt.Mutating && !rt.Public {
		if k := r.Header.Get("Idempotency-Key"); k != "" {
			if !idemKeyRe.MatchString(k) {
				return errf(http.StatusBadRequest, "invalid", "Idempotency-Key: expected 1 to 200 printable ASCII characters without spaces")
			}
			c.idemKey = k
			defer s.lockKey(fmt.Sprintf("%d:%s", c.user.ID, k))()
			kept, err := s.acc.IdempotentResponse(r.Context(), c.user.ID, k)
			switch {
			case err == nil:
				return c.replayKept(kept)
			case store.ErrorCode(err) != store.CodeNotFound:
				return err
			}
		}
	}
	c.auditSt = &app.AuditState{}
	c.r = r.WithContext(app.WithActor(r.Context(), c.actor()))
	out, err := rt.h(c)
	if cerr := s.confirm(c); cerr != nil {
		return cerr
	}
	if err != nil {
		if c.idemKey != "" {
			// Refusals are kept too (a retry sees the same answer), with
			// their audit record; internal errors are not, so a retry may
			// succeed.
			e := s.asError(c, err)
			if e.Status < 500 {
				b, _ := json.Marshal(e.body(c.r, c.reqID))
				c.keepRefusal(e, b)
			}
		}
		return err
	}
	status := rt.Status
	if c.status != 0 {
		status = c.status
	}
	if status == 0 {
		status = http.StatusOK
	}
	if status == http.StatusNoContent {
		c.w.WriteHeader(status)
		return nil
	}
	var b []byte
	if raw, ok := out.(rawJSON); ok {
		b = raw
	} else if b, err = json.Marshal(out); err != nil {
		return err
	}
	if c.version != nil {
		c.w.Header().Set("Cache-Control", c.version.cache)
		sum := sha256.Sum256(b)
		if httpconv.NotModified(c.w, c.r, hex.EncodeToString(sum[:16]), c.version.modified) {
			return nil
		}
	}
	if c.auditSt.Ran {
		// The use case's store transaction appended the record with the
		// change (or changed nothing).
		c.record = nil
	}
	var keep *store.IdempotentResponse
	if c.idemKey != "" {
		keep = &store.IdempotentResponse{UserID: c.user.ID, Key: c.idemKey, RequestHash: c.requestHash(), Status: status, Body: b, Created: s.now()}
	}
	kept, first, err := s.acc.FinishRequest(context.WithoutCancel(c.r.Context()), c.record, keep)
	if err != nil {
		return err
	}
	if !first {
		return c.replayKept(kept)
	}
	writeJSON(c.w, status, b)
	return nil
}

type rawJSON []byte

func (c *call) requestHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", c.r.Method, c.r.URL.Path)
	h.Write(c.body)
	return hex.EncodeToString(h.Sum(nil))
}

// keepRefusal stores a refusal for the idempotency key together with its
// audit record; the record is then not appended again.
func (c *call) keepRefusal(e *Error, body []byte) {
	rec := c.refusal(e)
	_, _, err := c.s.acc.FinishRequest(context.WithoutCancel(c.r.Context()), rec, &store.IdempotentResponse{
		UserID: c.user.ID, Key: c.idemKey, RequestHash: c.requestHash(), Status: e.Status, Body: body, Created: c.s.now()})
	if err != nil {
		c.s.log.Error("keep idempotent response", "err", err, "request_id", c.reqID)
		return
	}
	c.audited = true
}

func (c *call) replayKept(kept store.IdempotentResponse) error {
	if kept.RequestHash != c.requestHash() {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "idempotency_mismatch",
			Message: fmt.Sprintf("Idempotency-Key %q was used for another request (other method, path or body)", c.idemKey),
			Details: map[string]any{"key": c.idemKey}}
	}
	c.w.Header().Set("Idempotent-Replayed", "true")
	if kept.Status >= 400 {
		writeProblem(c.w, kept.Status, kept.Body)
		return nil
	}
	writeJSON(c.w, kept.Status, kept.Body)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

const sessionCookie = auth.SessionCookie

// authenticate finds the caller: a Bearer token, else a session cookie
// (with a CSRF token on unsafe methods).
func (s *Server) authenticate(c *call) error {
	r := c.r
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return errf(http.StatusUnauthorized, "unauthorized", "Authorization: expected \"Bearer <token>\"")
		}
		// A token revoked, expired or of a user disabled is refused at once
		// by every process: a read request served as the caller kept from
		// an earlier request is confirmed before its answer is sent
		// (callers, confirm); any other looks its caller up.
		c.tokenSHA = auth.SHA256(tok)
		if c.provisional() {
			if k, ok := s.callers.get(c.tokenSHA, s.now()); ok {
				c.user = k.User
				c.check = &store.AccessCheck{Want: k.Access}
				c.r = r.WithContext(store.WithAccessCheck(ctx, c.check))
				return nil
			}
		}
		k, err := s.acc.TokenCaller(ctx, c.tokenSHA, s.now())
		if store.ErrorCode(err) == store.CodeNotFound {
			return errInvalidToken()
		}
		if err != nil {
			return err
		}
		s.callers.put(c.tokenSHA, k)
		c.user = k.User
		return nil
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return errf(http.StatusUnauthorized, "unauthorized", "sign in (POST /api/v1/session) or send \"Authorization: Bearer <token>\"")
	}
	sess, err := s.acc.Session(ctx, auth.SHA256(ck.Value), s.now())
	if store.ErrorCode(err) == store.CodeNotFound {
		return errf(http.StatusUnauthorized, "unauthorized", "the session has ended: sign in again")
	}
	if err != nil {
		return err
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		// The token is checked before a large body is read: in the header,
		// in a URL-encoded form (at most MaxBody), or as the first field of
		// a multipart form (only its first 8 KiB are read).
		tok := r.Header.Get("X-CSRF-Token")
		if tok == "" {
			switch ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct {
			case "application/x-www-form-urlencoded":
				tok = formValue(r, c.s.cfg.MaxBody, "csrf_token")
			case "multipart/form-data":
				tok = auth.FirstPartValue(r, "csrf_token")
			}
		}
		if tok == "" || !auth.Equal(tok, sess.CSRF) {
			return errf(http.StatusForbidden, "csrf", "a request signed in by cookie must carry the session's CSRF token (header X-CSRF-Token, or form field csrf_token, the first field of a multipart form)")
		}
	}
	u, err := s.acc.UserByID(ctx, sess.UserID)
	if err != nil {
		return err
	}
	if u.Disabled {
		return errf(http.StatusUnauthorized, "unauthorized", "the session has ended: the account is disabled")
	}
	c.user, c.session = u, &sess
	return nil
}

// formValue reads one field of a URL-encoded form of at most limit bytes
// without consuming the body for the handler (the body is buffered).
func formValue(r *http.Request, limit int64, name string) string {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit))
	if err != nil {
		return ""
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	if err := r2.ParseForm(); err != nil {
		return ""
	}
	return r2.PostFormValue(name)
}

// facilityAccess loads the facility of the path; a borrower asking for a
// facility not theirs gets the same 404 as for one that does not exist.
func (s *Server) facilityAccess(c *call, slug string) error {
	notFound := errf(http.StatusNotFound, "not_found", "facility %q not found", slug)
	if !c.rt.Public && !app.SeesFacility(c.user.Role, c.user.Facilities, slug) {
		return notFound
	}
	s.cacheMu.Lock()
	f, hit := s.facs[slug]
	s.cacheMu.Unlock()
	if hit {
		c.fac = f
		return nil
	}
	f, err := s.st.Facility(c.r.Context(), slug)
	if store.ErrorCode(err) == store.CodeNotFound {
		return notFound
	}
	if err != nil {
		return err
	}
	s.cacheMu.Lock()
	if len(s.facs) > 10000 {
		clear(s.facs)
	}
	f.Settings = nil
	s.facs[slug] = f
	s.cacheMu.Unlock()
	c.fac = f
	return nil
}

// audit prepares the audit record of a mutation; it is appended to the
// chain with the kept response, in one store transaction, when the handler
// succeeds. The record is described from before and after (see
// store.AuditRecord.Describe).
func (c *call) audit(before, after any) error {
	enc := func(v any) (json.RawMessage, error) {
		if v == nil {
			return nil, nil
		}
		return json.Marshal(v)
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	r := c.newRecord(b, a)
	describe(&r, before, after)
	c.record = &r
	return nil
}

// actor is who asks through this request, for the use cases and the
// audit records: the user, the route and the request id (what is asked is
// the use case's to say).
func (c *call) actor() app.Actor {
	return app.Actor{User: c.user.Email, UserID: c.user.ID, Role: c.user.Role, Facilities: c.user.Facilities,
		RequestID: c.reqID, Via: c.rt.Method + " " + c.rt.Path, Audit: c.auditSt}
}

// op is the use case of the request: the one that ran, as it named
// itself, else the route's.
func (c *call) op() app.Op {
	if c.auditSt != nil && c.auditSt.Op != "" {
		return c.auditSt.Op
	}
	return c.rt.Op
}

// facility is the facility of the request: the one loaded, else the path's.
func (c *call) facility() string {
	if c.fac.Slug != "" {
		return c.fac.Slug
	}
	return c.r.PathValue("slug")
}

// newRecord is the audit record of this request: who (user and role),
// the request, the facility, the use case (op) and what the request is
// about as far as it was read.
func (c *call) newRecord(before, after json.RawMessage) store.AuditRecord {
	r := c.actor().Record(c.op(), c.s.now())
	r.Facility, r.Resource, r.Amount, r.Dated, r.Before, r.After = c.facility(), c.r.PathValue("id"), c.amount, c.day, before, after
	return r
}

// about notes what the request is about before the use case runs, so that
// a refusal's record names it.
func (c *call) about(amount money.Amount, day date.Date) { c.amount, c.day = amount, day }

// refusal is the audit record of a mutating request refused with a 4xx
// status (invalid, unauthorized, forbidden, not found, conflict, refused by
// the rules), nil if the request is not audited that way or its record is
// already appended.
func (c *call) refusal(e *Error) *store.AuditRecord {
	if !c.rt.Mutating || c.audited || e.Status < 400 || e.Status >= 500 {
		return nil
	}
	r := c.s.svc.RefusalRecord(app.WithActor(c.r.Context(), c.actor()), app.Refusal{Op: c.rt.Op, Code: e.Code, Message: e.Message, Status: e.Status,
		Facility: c.facility(), Resource: c.r.PathValue("id"), Amount: c.amount, Dated: c.day})
	return &r
}
