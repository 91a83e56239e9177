// Package httpconv holds the HTTP conventions the API (package httpapi)
// and the web pages (package web) share: the security headers of every
// answer, gzip compression of large bodies and conditional GETs with
// ETag and Last-Modified. It knows nothing of revolver's business.
package httpconv

import (
	"net/http"
	"strings"
	"time"
)

// Security headers. The Content-Security-Policy is the caller's (the API
// answers no HTML; the pages load their own scripts and styles).
const (
	// HSTS is the Strict-Transport-Security of answers over TLS: a year,
	// subdomains included.
	HSTS = "max-age=31536000; includeSubDomains"
	// PermissionsPolicy turns off the browser features no page uses.
	PermissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()"
	// APIPolicy is the Content-Security-Policy of the API's answers: they
	// are data, never a document to run or frame.
	APIPolicy = "default-src 'none'; frame-ancestors 'none'"
)

// Secure sets the security headers on every answer of h, before h runs
// (h may replace Cache-Control): nosniff, no framing, the referrer kept
// on this site, csp as Content-Security-Policy, Permissions-Policy,
// Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy, HSTS over
// TLS, and Cache-Control: no-store unless h says an answer may be kept
// (answers carry personal and financial data by default).
func Secure(csp string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetSecurity(w.Header(), r, csp)
		h.ServeHTTP(w, r)
	})
}

// SetSecurity sets the headers of Secure on one answer.
func SetSecurity(hd http.Header, r *http.Request, csp string) {
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Permissions-Policy", PermissionsPolicy)
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("Cache-Control", "no-store")
	if r.TLS != nil {
		hd.Set("Strict-Transport-Security", HSTS)
	}
}

// Revalidate is the Cache-Control of a versioned answer for one user: a
// browser may keep it but asks again each time (answered 304 when its
// ETag still matches).
const Revalidate = "private, no-cache"

// Immutable is the Cache-Control of a file under a name that holds its
// content's hash: kept a year, never asked again.
const Immutable = "public, max-age=31536000, immutable"

// NotModified sets the ETag (a strong entity tag, quoted by it) and, when
// not zero, Last-Modified of a GET or HEAD answer, and answers 304 Not
// Modified if the request's If-None-Match names the tag (or, without
// If-None-Match, If-Modified-Since is not before modified): true when it
// did, the caller then writes nothing more.
func NotModified(w http.ResponseWriter, r *http.Request, etag string, modified time.Time) bool {
	tag := `"` + etag + `"`
	hd := w.Header()
	hd.Set("ETag", tag)
	if !modified.IsZero() {
		hd.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if !matches(inm, etag) {
			return false
		}
	} else if ims := r.Header.Get("If-Modified-Since"); ims == "" || modified.IsZero() {
		return false
	} else if t, err := http.ParseTime(ims); err != nil || modified.Truncate(time.Second).After(t) {
		return false
	}
	delete(hd, "Content-Type")
	delete(hd, "Content-Length")
	w.WriteHeader(http.StatusNotModified)
	return true
}

// matches: an If-None-Match list names the tag, by weak comparison (RFC
// 9110 §13.1.2), the tag of the gzip encoding (see Gzip) included.
func matches(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == `"`+etag+`"` || t == `"`+etag+gzipSuffix+`"` {
			return true
		}
	}
	return false
}
