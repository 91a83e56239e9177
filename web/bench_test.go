package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/store"
)

// benchPage measures the server time of one page for a signed-in user,
// after one warm-up request (agreements parsed, certificate computed).
func benchPage(b *testing.B, e *env, c *client, path string) {
	b.Helper()
	u := mustURL(e.srv.URL + path)
	cookies := c.http.Jar.Cookies(u)
	do := func() int {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		for _, ck := range cookies {
			r.AddCookie(ck)
		}
		w := httptest.NewRecorder()
		e.web.ServeHTTP(w, r)
		return w.Code
	}
	if code := do(); code != 200 {
		b.Fatalf("GET %s: %d", path, code)
	}
	if p := os.Getenv("WEB_BENCH_PROFILE"); p != "" {
		f, err := os.Create(p + "-" + strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(b.Name()))
		if err != nil {
			b.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if code := do(); code != 200 {
			b.Fatalf("GET %s: %d", path, code)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/page")
}

// BenchmarkExampleFacility: the example facility's pages with an approved
// certificate and a funded advance. Target: ≤ 200 ms each.
func BenchmarkExampleFacility(b *testing.B) {
	e := newEnv(b)
	br := e.signIn(b, "controller@btu.example")
	if resp := br.upload("btu", "2004-10-03", e.exampleUpload()); resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("upload: %d", resp.StatusCode)
	}
	l := e.signIn(b, "admin@bank.example")
	l.post("/facilities/btu/certificates/1/approve", url.Values{})
	br.post("/facilities/btu/advances", url.Values{"amount": {"200000.00"}, "value_date": {"2004-10-05"}})
	for _, p := range []string{"/facilities/btu", "/facilities/btu/certificates/1", "/facilities/btu/certificates/1/lines/receivables.eligible",
		"/facilities/btu/loans", "/facilities/btu/covenants", "/facilities/btu/terms", "/facilities/btu/calendar"} {
		b.Run(p, func(b *testing.B) { benchPage(b, e, l, p) })
	}
}

// BenchmarkPortfolio1000: the portfolio page over 1,000 facilities (the
// example agreement each). Target: ≤ 200 ms.
func BenchmarkPortfolio1000(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	files, _ := exampleFiles(b)
	docs := make([]store.Document, len(files))
	fac, err := agreement.Parse(files)
	if err != nil {
		b.Fatal(err)
	}
	amend := map[string]bool{}
	for _, a := range fac.Amendments {
		amend[a.File] = true
	}
	var fs []store.Facility
	for i := 0; i < 998; i++ {
		fs = append(fs, store.Facility{Slug: fmt.Sprintf("f%04d", i), Name: fmt.Sprintf("Facility %04d", i), Created: testNow})
	}
	if err := e.st.CreateFacilities(ctx, fs); err != nil {
		b.Fatal(err)
	}
	for _, f := range fs {
		for j, file := range files {
			docs[j] = store.Document{Facility: f.Slug, ID: file.Name, Kind: "agreement", Effective: fac.Agreement.Date, RecordedBy: "bench", RecordedAt: testNow, Content: file.Data}
			if amend[file.Name] {
				docs[j].Kind = "amendment"
			}
			if _, err := e.st.PutDocument(ctx, docs[j]); err != nil {
				b.Fatal(err)
			}
		}
	}
	l := e.signIn(b, "officer@bank.example")
	all, _ := e.st.Facilities(ctx)
	if len(all) != 1000 {
		b.Fatalf("%d facilities", len(all))
	}
	for _, p := range []string{"/", "/?sort=availability&dir=desc"} {
		b.Run(p, func(b *testing.B) { benchPage(b, e, l, p) })
	}
	b.Run("trend.svg", func(b *testing.B) { benchPage(b, e, l, "/facilities/f0001/trend.svg") })
}
