package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"revolver/store"
)

// TestAuditPage: the audit page lists what happened in sentences (a failed
// sign-in, a refused advance made in a form, a sign-out), filters by
// facility, user, kind and business date, exports the filtered records as
// CSV, and says the chain is intact.
func TestAuditPage(t *testing.T) {
	e := newEnv(t)
	// A failed sign-in, then the borrower's advance refused (there is no
	// approved certificate, so availability is undetermined), then a
	// sign-out.
	cj, _ := cookiejar.New(nil)
	jar := &client{t: t, e: e, http: &http.Client{Jar: cj, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	resp := jar.post("/sign-in", signInForm(t, jar.http, e.srv.URL, url.Values{"email": {"controller@btu.example"}, "password": {"not the password"}}))
	mustStatus(t, "failed sign-in", resp.StatusCode, http.StatusUnauthorized)
	b := e.signIn(t, "controller@btu.example")
	resp, _ = b.postPage("/facilities/btu/advances", url.Values{"amount": {"1000.00"}, "value_date": {"2004-10-06"}, "idempotency_key": {"k1"}})
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Fatalf("advance without availability: %d", resp.StatusCode)
	}
	resp = b.post("/sign-out", url.Values{})
	mustStatus(t, "sign out", resp.StatusCode, http.StatusSeeOther)

	a := e.signIn(t, "auditor@audit.example")
	resp, page := a.get("/audit")
	mustStatus(t, "audit", resp.StatusCode, 200)
	for _, want := range []string{
		"verified",
		"controller@btu.example (borrower) tried to sign in: refused (unauthorized)",
		"controller@btu.example (borrower) tried to request advance of 1,000.00 value-dated 2004-10-06 for btu: refused (undetermined)",
		"controller@btu.example (borrower) signed out",
		"controller@btu.example (borrower) signed in",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the audit page does not say %q", want)
		}
	}
	if strings.Contains(page, "<code>POST /api/v1/facilities/{slug}/advances</code></td>") {
		t.Error("the audit page shows a route pattern as what happened")
	}
	count := func(page string) int { return strings.Count(page, `<code class="hash"`) }
	all := count(page)
	for _, tc := range []struct {
		q    string
		want int
	}{
		{"?kind=session", all - 1},
		{"?kind=advance&facility=btu", 1},
		{"?facility=other", 0},
		{"?user=CONTROLLER@btu.example", all - 1}, // not the auditor's own sign-in
		{"?from=2004-10-05&to=2004-10-05", all},   // the business date: the clock's day
		{"?from=2004-10-06", 0},                   // not the value date asked
		{"?to=2004-10-04", 0},
	} {
		resp, p := a.get("/audit" + tc.q)
		mustStatus(t, tc.q, resp.StatusCode, 200)
		if got := count(p); got != tc.want {
			t.Errorf("%s: %d records, want %d", tc.q, got, tc.want)
		}
	}
	resp, page = a.get("/audit?from=2004-10-06&to=2004-10-01")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "before it starts") {
		t.Errorf("reversed dates: %d", resp.StatusCode)
	}
	resp, body := a.get("/audit?format=csv&kind=session")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("csv: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != all || rows[0][0] != "id" {
		t.Fatalf("csv: %d rows (want %d with the header) %v", len(rows), all, err)
	}
	recs, _ := e.acc.FindAudit(context.Background(), store.AuditFilter{Kind: "session"})
	for i, r := range recs {
		if rows[i+1][0] != strconv.FormatInt(r.ID, 10) || rows[i+1][len(rows[i+1])-1] != r.Hash {
			t.Errorf("csv row %d: %v, want record %d", i+1, rows[i+1], r.ID)
		}
	}
}

// TestAuditPages: newest first, a hundred a page, with links to older
// and newer pages that keep the filters.
func TestAuditPages(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 150; i++ {
		if _, err := e.acc.AppendAudit(context.Background(), store.AuditRecord{At: testNow, Actor: "cli:test", RequestID: "r", Route: "test",
			Kind: "test", Action: "run"}); err != nil {
			t.Fatal(err)
		}
	}
	a := e.signIn(t, "auditor@audit.example") // record 151
	_, page := a.get("/audit?kind=test")
	if !strings.Contains(page, `<td class="num">150</td>`) || strings.Contains(page, `<td class="num">50</td>`) || strings.Contains(page, `rel="prev"`) {
		t.Fatal("first page: not the newest hundred")
	}
	if !strings.Contains(page, `href="/audit?before=51&amp;kind=test" rel="next"`) {
		t.Fatalf("first page: no link to older records with the filter")
	}
	_, page = a.get("/audit?before=51&kind=test")
	if !strings.Contains(page, `<td class="num">50</td>`) || !strings.Contains(page, `<td class="num">1</td>`) || strings.Contains(page, `rel="next"`) {
		t.Fatal("second page: not the oldest fifty")
	}
	if !strings.Contains(page, `href="/audit?after=50&amp;kind=test" rel="prev"`) {
		t.Fatal("second page: no link to newer records")
	}
	_, page = a.get("/audit?after=50&kind=test")
	if !strings.Contains(page, `<td class="num">150</td>`) || !strings.Contains(page, `<td class="num">51</td>`) || strings.Contains(page, `<td class="num">50</td>`) || strings.Contains(page, `rel="prev"`) {
		t.Fatal("newer page: not records 51 to 150")
	}
}
