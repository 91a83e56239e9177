package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"revolver/auth"
	"revolver/httpapi"
)

// The tests' server validates every request it is sent and every answer it
// gives against the OpenAPI document it serves (newEnv wraps it with
// validated): an answer that the document does not describe — a property
// it does not list or of another type, a required one missing, a status it
// does not list for the operation — fails the test that made the request.
// So does a request the document refuses that the server accepts (a 2xx).

func init() {
	openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder)
}

// contract is the served document, loaded and checked.
type contract struct {
	doc    *openapi3.T
	router routers.Router
	errors *openapi3.Schema
}

var (
	contractsMu sync.Mutex
	contracts   = map[[32]byte]*contract{}
)

// loadContract reads the document a handler serves; it must be a valid
// OpenAPI 3 document.
func loadContract(h http.Handler) (*contract, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 {
		return nil, fmt.Errorf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Body)
	}
	b := rec.Body.Bytes()
	sum := sha256.Sum256(b)
	contractsMu.Lock()
	defer contractsMu.Unlock()
	if c := contracts[sum]; c != nil {
		return c, nil
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("load the document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the document is not valid OpenAPI 3: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route the document: %w", err)
	}
	c := &contract{doc: doc, router: router, errors: doc.Components.Schemas["Error"].Value}
	contracts[sum] = c
	return c, nil
}

// validated serves h, checking each request and answer against the
// document h serves. Benchmarks measure the server alone.
func validated(t testing.TB, h http.Handler) http.Handler {
	if _, bench := t.(*testing.B); bench {
		return h
	}
	c, err := loadContract(h)
	if err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("%s %s: reading the request: %v", r.Method, r.URL, err)
		}
		vr := r.Clone(context.WithoutCancel(r.Context()))
		vr.Body = io.NopCloser(bytes.NewReader(body))
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		// Checked before the client has the answer: the test is still
		// running. A compressed answer is checked as it reads.
		checked := rec
		if rec.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
			if err != nil {
				t.Errorf("%s %s: gzip: %v", r.Method, r.URL, err)
			} else if plain, err := io.ReadAll(zr); err != nil {
				t.Errorf("%s %s: gzip: %v", r.Method, r.URL, err)
			} else {
				checked = httptest.NewRecorder()
				maps.Copy(checked.Header(), rec.Header())
				checked.WriteHeader(rec.Code)
				checked.Write(plain)
			}
		}
		if err := c.check(vr, checked); err != nil {
			t.Errorf("%s %s → %d, not as the OpenAPI document says: %v\nanswer: %.600s", r.Method, r.URL, rec.Code, err, rec.Body)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

var errNoCredentials = errors.New("no credentials of this scheme")

// authenticate: a request carries the credentials of a scheme (whether
// they are good is the server's to say).
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch in.SecuritySchemeName {
	case "bearer":
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return nil
		}
	case "session":
		if _, err := r.Cookie(auth.SessionCookie); err == nil {
			return nil
		}
	}
	return errNoCredentials
}

func (c *contract) check(r *http.Request, rec *httptest.ResponseRecorder) error {
	ctx := r.Context()
	r.URL.Scheme, r.URL.Host = "http", r.Host
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		// Not an operation of the document: the server must say so.
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			return fmt.Errorf("no operation of the document (%v), yet not a 404 or 405", err)
		}
		return c.checkError(rec)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: authenticate, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	if reqErr != nil && rec.Code < 300 {
		return fmt.Errorf("the document refuses the request (%v), yet it was answered %d", reqErr, rec.Code)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: opts}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return err
	}
	if err := checkHeaders(route.Operation, rec); err != nil {
		return err
	}
	if rec.Code >= 400 {
		return c.checkError(rec)
	}
	return nil
}

// sentHeaders are the headers of the API's own conventions: each one an
// answer carries must be declared in the document for its status.
var sentHeaders = []string{"X-Request-ID", "Idempotent-Replayed", "Retry-After", "ETag", "Last-Modified", "WWW-Authenticate", "Allow", "Content-Disposition"}

func checkHeaders(op *openapi3.Operation, rec *httptest.ResponseRecorder) error {
	rr := op.Responses.Status(rec.Code)
	if rr == nil {
		rr = op.Responses.Default()
	}
	if rr == nil || rr.Value == nil {
		return fmt.Errorf("status %d is not declared", rec.Code)
	}
	for _, h := range sentHeaders {
		if rec.Header().Get(h) == "" {
			continue
		}
		if _, ok := rr.Value.Headers[h]; !ok {
			return fmt.Errorf("header %s sent with %d but not declared for it", h, rec.Code)
		}
	}
	return nil
}

// checkError: an error answer is the one error body, its code one whose
// status is the answer's (invalid: 400 or 422).
func (c *contract) checkError(rec *httptest.ResponseRecorder) error {
	if ct := rec.Header().Get("Content-Type"); ct != httpapi.ProblemJSON {
		return fmt.Errorf("error answer of Content-Type %q", ct)
	}
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		return fmt.Errorf("error answer: %v", err)
	}
	if err := c.errors.VisitJSON(v); err != nil {
		return fmt.Errorf("error answer: %v", err)
	}
	code := v.(map[string]any)["code"].(string)
	if want := httpapi.Codes()[code]; want != rec.Code && !(code == "invalid" && rec.Code == http.StatusUnprocessableEntity) {
		return fmt.Errorf("code %s answered with status %d; its status is %d", code, rec.Code, want)
	}
	return nil
}

// TestOpenAPIDocumentValid: the served document is a valid OpenAPI 3
// document, and the harness catches an answer it does not describe.
func TestOpenAPIDocumentValid(t *testing.T) {
	e := newEnv(t, openSQLite)
	c, err := loadContract(e.srv)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range e.srv.Routes() {
		if rt.Response == "" {
			t.Errorf("%s %s declares no response type", rt.Method, rt.Path)
		}
	}
	// What the harness would refuse.
	bad := []struct {
		name, method, path string
		status             int
		body               string
	}{
		{"property not in the document", "GET", "/api/v1/health", 200, `{"status":"ok","time":"2006-01-02T15:04:05Z","extra":1}`},
		{"required property missing", "GET", "/api/v1/health", 200, `{"status":"ok"}`},
		{"amount as a number", "GET", "/api/v1/facilities/" + own + "/availability", 200,
			`{"as_of":"2004-10-15","commitment":14000000,"borrowing_base":"1.00","letters_of_credit":"0.00","loans_outstanding":"0.00","availability":"1.00"}`},
		{"date not YYYY-MM-DD", "GET", "/api/v1/facilities/" + own + "/availability", 200,
			`{"as_of":"10/15/2004","commitment":"1.00","borrowing_base":"1.00","letters_of_credit":"0.00","loans_outstanding":"0.00","availability":"1.00"}`},
		{"status not documented", "GET", "/api/v1/health", 418, `{"code":"invalid","message":"x","details":{}}`},
		{"error code of another status", "GET", "/api/v1/facilities/" + own + "/availability", 404, `{"code":"invalid","message":"x","details":{}}`},
		{"error without details", "GET", "/api/v1/facilities/" + own + "/availability", 400, `{"code":"invalid","message":"x"}`},
		{"unknown error code", "GET", "/api/v1/facilities/" + own + "/availability", 400, `{"code":"oops","message":"x","details":{}}`},
		{"array as null", "GET", "/api/v1/facilities", 200, `{"facilities":null}`},
	}
	for _, b := range bad {
		r := httptest.NewRequest(b.method, b.path, nil)
		r.Header.Set("Authorization", "Bearer x")
		rec := httptest.NewRecorder()
		ct := "application/json"
		if b.status >= 400 {
			ct = httpapi.ProblemJSON
		}
		rec.Header().Set("Content-Type", ct)
		rec.WriteHeader(b.status)
		rec.WriteString(b.body)
		if err := c.check(r, rec); err == nil {
			t.Errorf("%s: accepted", b.name)
		}
	}
	// An answer without the X-Request-ID every answer carries.
	rq := httptest.NewRequest("GET", "/api/v1/health", nil)
	rc := httptest.NewRecorder()
	e.srv.ServeHTTP(rc, httptest.NewRequest("GET", "/api/v1/health", nil))
	rc.Header().Del("X-Request-ID")
	if err := c.check(rq, rc); err == nil {
		t.Errorf("an answer without X-Request-ID: accepted")
	}
	// A request the document refuses, answered as if it were good: the
	// document is stricter than the server.
	r0 := httptest.NewRequest("POST", "/api/v1/facilities/"+own+"/advances", strings.NewReader(`{"value_date":"2004-10-15"}`))
	r0.Header.Set("Content-Type", "application/json")
	r0.Header.Set("Authorization", "Bearer x")
	rec0 := httptest.NewRecorder()
	rec0.Header().Set("Content-Type", "application/json")
	rec0.WriteHeader(201)
	rec0.WriteString(`{"id":1,"facility":"btu-sovereign","key":"k","amount":"1.00","value_date":"2004-10-15","status":"funded","requested_by":"x","requested_at":"2006-01-02T15:04:05Z"}`)
	if err := c.check(r0, rec0); err == nil || !strings.Contains(err.Error(), "the document refuses the request") {
		t.Errorf("an advance without amount answered 201: %v", err)
	}
	// And what it would accept: the server's own answers are checked by
	// every test; one here by hand.
	r := httptest.NewRequest("GET", "/api/v1/health", nil)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, r)
	if err := c.check(httptest.NewRequest("GET", "/api/v1/health", nil), rec); err != nil {
		t.Errorf("health: %v", err)
	}
}
