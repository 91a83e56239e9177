package httpconv_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"revolver/httpconv"
)

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// TestGzip: text of MinGzip bytes or more is compressed when accepted,
// and reads back the same; small bodies, compressed files, refusals of
// gzip and HEAD are sent as they are.
func TestGzip(t *testing.T) {
	big := strings.Repeat(`{"amount":"1250000.00"},`, httpconv.MinGzip/10)
	small := `{"ok":true}`
	h := func(ct, body string) http.Handler {
		return httpconv.Gzip(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Header().Set("ETag", `"v1"`)
			w.WriteHeader(201)
			// In pieces, as a template writes.
			for i := 0; i < len(body); i += 1000 {
				io.WriteString(w, body[i:min(i+1000, len(body))])
			}
		}))
	}
	for _, tc := range []struct {
		name, ct, body, accept, method string
		gzip                           bool
	}{
		{"large JSON", "application/json", big, "gzip, deflate", "GET", true},
		{"large problem", "application/problem+json", big, "br;q=1, gzip;q=0.5", "GET", true},
		{"large HTML", "text/html; charset=utf-8", big, "*", "GET", true},
		{"small JSON", "application/json", small, "gzip", "GET", false},
		{"not accepted", "application/json", big, "", "GET", false},
		{"refused", "application/json", big, "gzip;q=0", "GET", false},
		{"PDF", "application/pdf", big, "gzip", "GET", false},
		{"XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", big, "gzip", "GET", false},
		{"HEAD", "application/json", big, "gzip", "HEAD", false},
	} {
		r := httptest.NewRequest(tc.method, "/x", nil)
		if tc.accept != "" {
			r.Header.Set("Accept-Encoding", tc.accept)
		}
		rec := serve(h(tc.ct, tc.body), r)
		if rec.Code != 201 {
			t.Errorf("%s: status %d", tc.name, rec.Code)
		}
		got := rec.Body.Bytes()
		if enc := rec.Header().Get("Content-Encoding"); (enc == "gzip") != tc.gzip {
			t.Errorf("%s: Content-Encoding %q, want gzip %v", tc.name, enc, tc.gzip)
			continue
		}
		if tc.gzip {
			zr, err := gzip.NewReader(bytes.NewReader(got))
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if rec.Body.Len() >= len(tc.body)/2 {
				t.Errorf("%s: %d bytes compressed to %d", tc.name, len(tc.body), rec.Body.Len())
			}
			if et := rec.Header().Get("ETag"); et != `"v1-gzip"` {
				t.Errorf("%s: ETag %s, want the encoding's own tag", tc.name, et)
			}
		} else if et := rec.Header().Get("ETag"); et != `"v1"` {
			t.Errorf("%s: ETag %s changed", tc.name, et)
		}
		if tc.method == "GET" && string(got) != tc.body {
			t.Errorf("%s: body of %d bytes differs from the %d sent", tc.name, len(got), len(tc.body))
		}
		if text := !strings.Contains(tc.ct, "pdf") && !strings.Contains(tc.ct, "spreadsheet"); text != (rec.Header().Get("Vary") == "Accept-Encoding") {
			t.Errorf("%s: Vary %q", tc.name, rec.Header().Get("Vary"))
		}
	}
	// 304 and 204 carry no body and are not encoded.
	for _, st := range []int{204, 304} {
		rec := serve(httpconv.Gzip(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(st) })), httptest.NewRequest("GET", "/", nil))
		if rec.Code != st || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%d: %d %v", st, rec.Code, rec.Header())
		}
	}
}

// TestNotModified: a GET naming the current ETag (or, without
// If-None-Match, not older than Last-Modified) is answered 304.
func TestNotModified(t *testing.T) {
	mod := time.Date(2006, 3, 31, 17, 0, 0, 500, time.UTC)
	h := httpconv.Gzip(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if httpconv.NotModified(w, r, "abc", mod) {
			return
		}
		io.WriteString(w, strings.Repeat("x", 10000))
	}))
	for _, tc := range []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"unconditional", nil, 200},
		{"same tag", map[string]string{"If-None-Match": `"abc"`}, 304},
		{"gzip tag", map[string]string{"If-None-Match": `"zzz", "abc-gzip"`}, 304},
		{"weak form", map[string]string{"If-None-Match": `W/"abc"`}, 304},
		{"other tag", map[string]string{"If-None-Match": `"abd"`}, 200},
		{"other tag wins over date", map[string]string{"If-None-Match": `"abd"`, "If-Modified-Since": mod.Format(http.TimeFormat)}, 200},
		{"since then", map[string]string{"If-Modified-Since": mod.Format(http.TimeFormat)}, 304},
		{"since before", map[string]string{"If-Modified-Since": mod.Add(-time.Second).Format(http.TimeFormat)}, 200},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		for k, v := range tc.hdr {
			r.Header.Set(k, v)
		}
		rec := serve(h, r)
		if rec.Code != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, rec.Code, tc.status)
		}
		if tc.status == 304 && rec.Body.Len() != 0 {
			t.Errorf("%s: a 304 with a body", tc.name)
		}
		if rec.Header().Get("Last-Modified") != "Fri, 31 Mar 2006 17:00:00 GMT" || !strings.HasPrefix(rec.Header().Get("ETag"), `"abc`) {
			t.Errorf("%s: %v", tc.name, rec.Header())
		}
	}
}

// TestSecure: the security headers on every answer, HSTS only over TLS,
// and no-store unless the handler says otherwise.
func TestSecure(t *testing.T) {
	h := httpconv.Secure(httpconv.APIPolicy, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/static" {
			w.Header().Set("Cache-Control", httpconv.Immutable)
		}
		http.NotFound(w, r)
	}))
	plain := httptest.NewServer(h)
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(h)
	defer tlsSrv.Close()
	for _, tc := range []struct {
		srv   *httptest.Server
		cl    *http.Client
		path  string
		hsts  bool
		cache string
	}{
		{plain, plain.Client(), "/x", false, "no-store"},
		{tlsSrv, tlsSrv.Client(), "/x", true, "no-store"},
		{tlsSrv, tlsSrv.Client(), "/static", true, httpconv.Immutable},
	} {
		res, err := tc.cl.Get(tc.srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if (res.TLS != nil) != tc.hsts {
			t.Fatalf("TLS %v", res.TLS)
		}
		want := map[string]string{"X-Content-Type-Options": "nosniff", "Content-Security-Policy": httpconv.APIPolicy,
			"Permissions-Policy": httpconv.PermissionsPolicy, "Cross-Origin-Opener-Policy": "same-origin", "Cache-Control": tc.cache}
		if tc.hsts {
			want["Strict-Transport-Security"] = httpconv.HSTS
		}
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s %s: %s %q, want %q", tc.srv.URL, tc.path, k, got, v)
			}
		}
		if !tc.hsts && res.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("HSTS over plain HTTP")
		}
	}
}
