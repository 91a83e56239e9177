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
	cookies := c.http.Jar.Cookies(mustURL(e.srv.URL + path))
	do := func() int { return getPage(e, cookies, path) }
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
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/page")
}

// getPage serves path in process with the cookies and returns the status.
func getPage(e *env, cookies []*http.Cookie, path string) int {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for _, ck := range cookies {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	e.web.ServeHTTP(w, r)
	return w.Code
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
	e, l := portfolioEnv(b, 1000)
	for _, p := range []string{"/", "/?sort=availability&dir=desc"} {
		b.Run(p, func(b *testing.B) { benchPage(b, e, l, p) })
	}
	b.Run("trend.svg", func(b *testing.B) { benchPage(b, e, l, "/facilities/f00001/trend.svg") })
}

// BenchmarkPortfolio10000: the portfolio page over 10,000 facilities,
// sorted by name and by figures (issue 10 §5). Target: ≤ 100 ms. The
// first request, which computes every row, is logged.
func BenchmarkPortfolio10000(b *testing.B) {
	e, l := portfolioEnv(b, 10000)
	start := time.Now()
	if code := getPage(e, l.http.Jar.Cookies(mustURL(e.srv.URL)), "/?sort=availability&dir=desc"); code != 200 {
		b.Fatalf("GET: %d", code)
	}
	b.Logf("the first request, every row computed: %v", time.Since(start))
	for _, p := range []string{"/", "/?sort=availability&dir=desc", "/?sort=next", "/?status=default"} {
		b.Run(p, func(b *testing.B) { benchPage(b, e, l, p) })
	}
}

// portfolioEnv is the fixture with facilities up to n in all, each with
// the example agreement, stored through the store's bulk paths; and a
// lender signed in.
func portfolioEnv(b testing.TB, n int) (*env, *client) {
	e := newEnv(b)
	ctx := context.Background()
	files, _ := exampleFiles(b)
	fac, err := agreement.Parse(files)
	if err != nil {
		b.Fatal(err)
	}
	amend := map[string]bool{}
	for _, a := range fac.Amendments {
		amend[a.File] = true
	}
	var fs []store.Facility
	for i := 0; i < n-2; i++ {
		fs = append(fs, store.Facility{Slug: fmt.Sprintf("f%05d", i), Name: fmt.Sprintf("Facility %05d", i), Created: testNow})
	}
	if err := e.st.CreateFacilities(ctx, fs); err != nil {
		b.Fatal(err)
	}
	var docs []store.Document
	for _, f := range fs {
		for _, file := range files {
			d := store.Document{Facility: f.Slug, ID: file.Name, Kind: "agreement", Effective: fac.Agreement.Date, RecordedBy: "bench", RecordedAt: testNow, Content: file.Data}
			if amend[file.Name] {
				d.Kind = "amendment"
			}
			docs = append(docs, d)
		}
	}
	for i := 0; i < len(docs); i += 5000 {
		if err := e.st.PutDocuments(ctx, docs[i:min(i+5000, len(docs))]); err != nil {
			b.Fatal(err)
		}
	}
	l := e.signIn(b, "officer@bank.example")
	all, _ := e.st.Facilities(ctx)
	if len(all) != n {
		b.Fatalf("%d facilities", len(all))
	}
	return e, l
}
