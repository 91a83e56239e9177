package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"revolver/bench/benchdata"
	"revolver/date"
	"revolver/httpapi"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// load sends n requests from conc connections (keep-alive, loopback) and
// reports requests/s and latency percentiles.
func load(b *testing.B, conc int, n int, mk func(i int) *http.Request) {
	tr := &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DialContext: (&net.Dialer{}).DialContext}
	cl := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				res, err := cl.Do(mk(i))
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode >= 300 && res.StatusCode != 422 {
					failed.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, n)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(n)/el.Seconds(), "req/s")
	b.ReportMetric(float64(lat[n*50/100].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkAvailability: GET …/availability with 64 concurrent
// connections on loopback (Bearer token, full middleware).
func BenchmarkAvailability(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			e := newEnv(b, be.open)
			url := e.ts.URL + "/api/v1/facilities/" + own + "/availability?as_of=2004-10-15"
			tok := "Bearer " + e.token[e.email[store.RoleBorrower]]
			n := max(b.N, 20000)
			load(b, 64, n, func(int) *http.Request {
				r, _ := http.NewRequest("GET", url, nil)
				r.Header.Set("Authorization", tok)
				return r
			})
		})
	}
}

// BenchmarkAdvance: POST …/advances (write path: idempotency key kept,
// availability checked and posted in one store transaction, audit record
// appended) with 64 concurrent connections. Amounts are small so that
// availability lasts.
func BenchmarkAdvance(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			e := newEnv(b, be.open)
			url := e.ts.URL + "/api/v1/facilities/" + own + "/advances"
			tok := "Bearer " + e.token[e.email[store.RoleBorrower]]
			n := max(b.N, 3000)
			load(b, 64, n, func(i int) *http.Request {
				r, _ := http.NewRequest("POST", url, stringsReader(`{"amount":"1.00","value_date":"2004-10-15"}`))
				r.Header.Set("Authorization", tok)
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i))
				return r
			})
		})
	}
}

func stringsReader(s string) io.Reader { return &stringReader{s: s} }

type stringReader struct{ s string }

func (r *stringReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(p, r.s)
	r.s = r.s[n:]
	return n, nil
}

// BenchmarkAvailabilityLongLedger: BenchmarkAvailability on a facility
// whose loan account has 100,000 transactions (advances and repayments of
// 1.00 over two years of value dates, posted in value-date order as a
// loan account grows) besides the certificate's history:
// balances are running balances, so the answer should take as long as on
// a new facility (BenchmarkAvailability, the same-run baseline).
func BenchmarkAvailabilityLongLedger(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			e := newEnv(b, be.open)
			longLedger(b, e)
			url := e.ts.URL + "/api/v1/facilities/" + own + "/availability?as_of=2004-10-15"
			tok := "Bearer " + e.token[e.email[store.RoleBorrower]]
			load(b, 64, max(b.N, 20000), func(int) *http.Request {
				r, _ := http.NewRequest("GET", url, nil)
				r.Header.Set("Authorization", tok)
				return r
			})
		})
	}
}

// longLedger posts the loan account's 100,000 transactions of
// BenchmarkAvailabilityLongLedger.
func longLedger(b *testing.B, e *env) {
	const n, batch = 100_000, 5_000
	first := date.MustParse("2002-10-01")
	at := time.Date(2004, 10, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < n; i += batch {
		txs := make([]ledger.Transaction, 0, batch)
		for j := i; j < i+batch; j++ {
			ref := ledger.Ref{Facility: own, Key: fmt.Sprintf("history-%d", j), ValueDate: first.AddDays(j * 740 / n)}
			mk := ledger.Advance
			if j%2 == 1 {
				mk = ledger.Repayment
			}
			tr, err := mk(ref, 1_00)
			if err != nil {
				b.Fatal(err)
			}
			tr.RecordedAt = at
			txs = append(txs, tr)
		}
		if _, err := e.st.PostBatch(context.Background(), txs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAvailabilityRequest: the work of one GET …/availability (as
// BenchmarkAvailability's) through the server's handler in process, no
// network and one request at a time: time and allocations per request, on
// a new facility and on BenchmarkAvailabilityLongLedger's.
func BenchmarkAvailabilityRequest(b *testing.B) {
	for _, be := range backends {
		for _, long := range []bool{false, true} {
			name := be.name + "/new"
			if long {
				name = be.name + "/long"
			}
			b.Run(name, func(b *testing.B) {
				e := newEnv(b, be.open)
				if long {
					longLedger(b, e)
				}
				url := "/api/v1/facilities/" + own + "/availability?as_of=2004-10-15"
				tok := "Bearer " + e.token[e.email[store.RoleBorrower]]
				do := func() {
					r := httptest.NewRequest("GET", url, nil)
					r.Header.Set("Authorization", tok)
					w := httptest.NewRecorder()
					e.srv.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatalf("%d %s", w.Code, w.Body)
					}
				}
				do()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					do()
				}
			})
		}
	}
}

// BenchmarkLedgerPage: GET …/ledger?limit=100 (one page, with the
// balances) from one connection, on a facility with 10,000 transactions
// (value-dated over 100 days, on the page's range or not) against the same
// request on a facility with none, in the same run. The page is chosen in
// the store's query (store.TransactionsPage), not by filtering the whole
// ledger.
func BenchmarkLedgerPage(b *testing.B) {
	for _, be := range backends {
		e := newEnv(b, be.open)
		txs := make([]ledger.Transaction, 10000)
		for i := range txs {
			tr, err := ledger.Advance(ledger.Ref{Facility: own, Key: fmt.Sprintf("bench-%d", i), ValueDate: date.MustParse("2004-10-15") + date.Date(i/100)}, money.Amount(100+i))
			if err != nil {
				b.Fatal(err)
			}
			txs[i] = tr
		}
		if _, err := e.st.PostBatch(context.Background(), txs); err != nil {
			b.Fatal(err)
		}
		tok := "Bearer " + e.token[e.email[store.RoleLenderOfficer]]
		for _, c := range []struct{ name, slug, query string }{
			{"new", other, "limit=100"},
			{"10k", own, "limit=100"},
			{"10k_range", own, "from=2005-01-01&to=2005-01-10&limit=100"},
			{"10k_last", own, "after=9900&limit=100"},
		} {
			b.Run(be.name+"/"+c.name, func(b *testing.B) {
				url := e.ts.URL + "/api/v1/facilities/" + c.slug + "/ledger?" + c.query
				n := max(b.N, 300)
				load(b, 1, n, func(int) *http.Request {
					r, _ := http.NewRequest("GET", url, nil)
					r.Header.Set("Authorization", tok)
					return r
				})
			})
		}
	}
}

// BenchmarkUploadCertificate1M: a certificate of 1,000,000 receivables
// (and 5,000 debtors, 100,000 inventory rows: 67 MB of CSV) submitted over
// HTTP as the borrower, parsed, computed, stored and answered; s/upload is
// the whole request as the client sees it. The data set is
// ../shared/data's generator's (bench/benchdata).
func BenchmarkUploadCertificate1M(b *testing.B) {
	dir := benchdata.Dir(b)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("as_of", "2004-10-03")
	for _, f := range []string{"receivables", "debtors", "inventory"} {
		content, err := os.ReadFile(filepath.Join(dir, f+".csv"))
		if err != nil {
			b.Fatal(err)
		}
		fw, _ := w.CreateFormFile(f, f+".csv")
		fw.Write(content)
	}
	w.Close()
	body, ctype := buf.Bytes(), w.FormDataContentType()
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			e := newEnv(b, be.open)
			srv, err := httpapi.New(httpapi.Config{Store: e.st, Terms: e.terms}) // the default upload limit
			if err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			url := ts.URL + "/api/v1/facilities/" + own + "/borrowing-base-certificates"
			tok := "Bearer " + e.token[e.email[store.RoleBorrower]]
			var total time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, _ := http.NewRequest("POST", url, bytes.NewReader(body))
				r.Header.Set("Authorization", tok)
				r.Header.Set("Content-Type", ctype)
				t0 := time.Now()
				res, err := http.DefaultClient.Do(r)
				if err != nil {
					b.Fatal(err)
				}
				out, _ := io.ReadAll(res.Body)
				res.Body.Close()
				total += time.Since(t0)
				if res.StatusCode != http.StatusCreated {
					b.Fatalf("upload: %d %.300s", res.StatusCode, out)
				}
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/upload")
			b.ReportMetric(0, "ns/op")
		})
	}
}
