package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"revolver/app"
	"revolver/date"
)

// sweepPages are the addresses the sweep visits for each GET pattern of
// the pages' mux; a pattern whose answer is not a page (a file, a picture,
// the API) says why instead. A pattern in neither fails the sweep: a new
// page is swept from the day it is added.
var sweepPages = map[string][]string{
	"GET /{$}":                            {"/"},
	"GET /audit":                          {"/audit", "/audit?kind=certificate&facility=btu"},
	"GET /users":                          {"/users"},
	"GET /rates":                          {"/rates?series=prime"},
	"GET /password":                       {"/password"},
	"GET /inbox":                          {"/inbox"},
	"GET /preferences":                    {"/preferences"},
	"GET /webhooks":                       {"/webhooks"},
	"GET /facilities/{slug}":              {"/facilities/btu", "/facilities/btu?as_of=2004-10-04&known=given&known_at=2004-10-05+12:00"},
	"GET /facilities/{slug}/certificates": {"/facilities/btu/certificates"},
	"GET /facilities/{slug}/certificates/{id}":             {"/facilities/btu/certificates/1"},
	"GET /facilities/{slug}/certificates/{id}/lines/{key}": {"/facilities/btu/certificates/1/lines/receivables.eligible", "/facilities/btu/certificates/1/lines/receivables.ineligible.past_due?sort=9&dir=desc"},
	"GET /facilities/{slug}/loans":                         {"/facilities/btu/loans"},
	"GET /facilities/{slug}/covenants":                     {"/facilities/btu/covenants"},
	"GET /facilities/{slug}/terms":                         {"/facilities/btu/terms"},
	"GET /facilities/{slug}/calendar":                      {"/facilities/btu/calendar"},
	"GET /facilities/{slug}/collateral":                    {"/facilities/btu/collateral"},
	"GET /facilities/{slug}/field-exams":                   {"/facilities/btu/field-exams"},
	"GET /facilities/{slug}/report-maps":                   {"/facilities/btu/report-maps"},
	"GET /facilities/{slug}/trends":                        {"/facilities/btu/trends"},
	"GET /facilities/{slug}/cash":                          {"/facilities/btu/cash", "/facilities/btu/cash?file=1"},
	"GET /facilities/{slug}/statements":                    {"/facilities/btu/statements?month=2004-10"},
	"GET /facilities/{slug}/statements/{month}":            {"/facilities/btu/statements/2004-10"},
}

// notPages are the GET patterns whose answers are not pages, and what
// they are.
var notPages = map[string]string{
	"GET /static/":                                              "the style sheet and scripts",
	"GET /sign-in":                                              "swept signed out, before the roles",
	"GET /facilities/{slug}/trend.svg":                          "a picture on the facility page",
	"GET /facilities/{slug}/trends.csv":                         "a CSV file",
	"GET /facilities/{slug}/calendar.ics":                       "an iCalendar file",
	"GET /facilities/{slug}/covenants/compliance.pdf":           "a PDF",
	"GET /facilities/{slug}/certificates/{id}/certificate.pdf":  "a PDF",
	"GET /facilities/{slug}/certificates/{id}/certificate.xlsx": "a workbook",
	"GET /facilities/{slug}/statements/{month}/statement.pdf":   "a PDF",
	"GET /facilities/{slug}/certificates/{id}/inputs/{n}":       "a report as submitted, a download",
}

// sweepRoles are the users the sweep signs in as, one of each role.
var sweepRoles = []string{"controller@btu.example", "analyst@bank.example", "officer@bank.example", "admin@bank.example", "auditor@audit.example"}

// TestEveryPageEveryRole drives Chromium through every page of the mux
// (sweepPages, checked against the patterns registered) as each role, in
// a window 800 px wide: on each, no serious or critical axe-core
// violation (REVOLVER_AXE_JS, as TestAccessibility); nothing wider than
// the window outside a table's own scrolling box; every control and every
// scrolling box reachable by the keyboard (no negative tabindex, boxes
// focusable); no date written other than YYYY-MM-DD. Then, by keyboard
// only, an officer fills and submits a form. It runs on SQLite: the pages
// are the same on both stores (the other tests cover PostgreSQL).
func TestEveryPageEveryRole(t *testing.T) {
	src := os.Getenv("REVOLVER_AXE_JS")
	if src == "" {
		t.Skip("set REVOLVER_AXE_JS to axe-core's axe.min.js (npm install axe-core) to run the sweep")
	}
	axe, err := os.ReadFile(src)
	if err != nil {
		t.Fatalf("REVOLVER_AXE_JS: %v", err)
	}
	e := newEnv(t)
	for _, p := range e.web.mux.patterns {
		if !strings.HasPrefix(p, "GET ") {
			continue
		}
		if _, ok := sweepPages[p]; ok {
			continue
		}
		if _, ok := notPages[p]; !ok {
			t.Errorf("page %s is not swept: add its addresses to sweepPages (or say in notPages why it is no page)", p)
		}
	}
	for p := range sweepPages {
		if !slices.Contains(e.web.mux.patterns, p) {
			t.Errorf("sweepPages lists %s, which the mux does not register", p)
		}
	}
	ctx := browser(t)
	approvedCertificate(t, e)
	if _, err := e.web.svc.ImportCash(context.Background(), "btu", "lockbox.bai", []byte(cashBAI)); err != nil {
		t.Fatal(err)
	}
	letterOfCredit(t, e)
	notifyFixture(t, e)
	// A field exam with an open finding: its forms are on the page.
	officer := e.as(t, "officer@bank.example")
	x, err := e.web.svc.ScheduleFieldExam(officer, "btu", app.FieldExamInput{Start: date.MustParse("2004-09-27"), Examiner: "Audit Co"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.web.svc.AddFinding(officer, "btu", x.ID, app.FindingInput{Severity: "medium", Text: "credit memos issued late"}); err != nil {
		t.Fatal(err)
	}
	base := e.srv.URL
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 900)); err != nil {
		t.Fatal(err)
	}
	visit := func(who, p string) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("%s %s: %v", who, p, err)
		}
		axeCheck(t, ctx, axe, who, p)
		pageChecks(t, ctx, who, p)
	}
	visit("signed out", "/sign-in")
	var paths []string
	for _, ps := range sweepPages {
		paths = append(paths, ps...)
	}
	slices.Sort(paths)
	for _, user := range sweepRoles {
		if err := chromedp.Do(ctx, signInActions(base, user)); err != nil {
			t.Fatalf("sign in %s: %v", user, err)
		}
		for _, p := range paths {
			visit(user, p)
		}
		if err := chromedp.Do(ctx, signOut); err != nil {
			t.Fatalf("sign out %s: %v", user, err)
		}
	}

	// The keyboard alone: Tab from the schedule form's first field through
	// its fields, typing each, and Enter submits it.
	if err := chromedp.Do(ctx, signInActions(base, "officer@bank.example"), chromedp.Navigate(base+"/facilities/btu/field-exams"), chromedp.WaitReady("#exam-schedule-start"),
		chromedp.Focus("#exam-schedule-start"), chromedp.KeyEvent("2004-10-20"), chromedp.KeyEvent("\t"), chromedp.KeyEvent("Audit Co"),
		chromedp.KeyEvent("\t"), chromedp.KeyEvent("receivables"), chromedp.KeyEvent("\r"), chromedp.WaitVisible(".flash")); err != nil {
		t.Fatalf("the schedule form by keyboard: %v", err)
	}
	flash, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".flash").innerText`))
	if err != nil || !strings.Contains(flash, "is scheduled") {
		t.Errorf("after the keyboard's submission: %q %v", flash, err)
	}
	recs, err := e.web.st.FieldExamRecords(context.Background(), "btu")
	if err != nil || len(recs) != 3 || recs[2].Examiner != "Audit Co" || recs[2].Scope != "receivables" || recs[2].On.String() != "2004-10-20" {
		t.Errorf("the exam scheduled by keyboard: %+v %v", recs, err)
	}
}

// pageCheck is the script of pageChecks: what is wider than the window
// outside a scrolling box, controls the keyboard cannot reach, scrolling
// boxes it cannot focus, and dates not in ISO form.
const pageCheck = `(() => {
  const out = {wide: [], unreachable: [], boxes: [], dates: []};
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > root.clientWidth + 1 && !(el.parentElement && el.parentElement.closest(".scroll")) && getComputedStyle(el).position !== "fixed") {
        out.wide.push(name(el) + " to " + Math.round(r.right) + "px");
        if (out.wide.length >= 3) break;
      }
    }
    if (!out.wide.length) {
      let widest = null, right = 0;
      for (const el of document.body.querySelectorAll("*")) {
        const r = el.getBoundingClientRect(), x = r.left + el.scrollWidth;
        if (Math.max(r.right, x) > right) { right = Math.max(r.right, x); widest = el; }
      }
      out.wide.push("the page is " + root.scrollWidth + "px wide" + (widest ? ", its widest content " + name(widest) + " to " + Math.round(right) + "px" : ""));
    }
  }
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    if (el.offsetParent === null && getComputedStyle(el).position !== "fixed") continue;
    if (el.tabIndex < 0) out.unreachable.push(name(el));
  }
  for (const el of document.body.querySelectorAll("*")) {
    const s = getComputedStyle(el);
    if ((s.overflowX === "auto" || s.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1 && el.tabIndex < 0 && !el.querySelector("a[href], button, input, select, textarea")) {
      out.boxes.push(name(el));
    }
  }
  const text = document.body.innerText;
  const us = /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g, words = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}\b/g;
  for (const re of [us, words]) for (const m of text.matchAll(re)) { out.dates.push(m[0]); if (out.dates.length >= 3) break; }
  return JSON.stringify(out);
})()`

// pageChecks runs pageCheck on the page shown and reports what it found.
func pageChecks(t *testing.T, ctx context.Context, who, p string) {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](pageCheck))
	if err != nil {
		t.Fatalf("the page checks on %s: %v", p, err)
	}
	var r struct{ Wide, Unreachable, Boxes, Dates []string }
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("the page checks' answer on %s: %v", p, err)
	}
	if len(r.Wide) > 0 {
		t.Errorf("%s on %s: wider than 800 px: %s", who, p, strings.Join(r.Wide, ", "))
	}
	if len(r.Unreachable) > 0 {
		t.Errorf("%s on %s: controls the keyboard cannot reach (tabindex < 0): %s", who, p, strings.Join(r.Unreachable, ", "))
	}
	if len(r.Boxes) > 0 {
		t.Errorf("%s on %s: scrolling boxes the keyboard cannot focus: %s", who, p, strings.Join(r.Boxes, ", "))
	}
	if len(r.Dates) > 0 {
		t.Errorf("%s on %s: dates not written YYYY-MM-DD: %s", who, p, strings.Join(r.Dates, ", "))
	}
}

// axeCheck runs axe-core (its source axe) on the page shown and reports
// every serious or critical violation of WCAG 2.1 A and AA.
func axeCheck(t *testing.T, ctx context.Context, axe []byte, who, p string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
		t.Fatalf("load axe-core on %s: %v", p, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", p, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe's answer on %s: %v", p, err)
	}
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for i, n := range v.Nodes {
			if i == 3 {
				where = append(where, fmt.Sprintf("and %d more", len(v.Nodes)-3))
				break
			}
			b, _ := json.Marshal(n.Target)
			where = append(where, string(b))
		}
		t.Errorf("%s on %s: %s (%s): %s at %s", who, p, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
	}
}
