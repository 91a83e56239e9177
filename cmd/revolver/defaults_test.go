package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/store/sqlite"
)

const example = "../../examples/btu-sovereign"

func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestNoticeEffectiveCommand(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--method", "courier", "--sent", "2004-07-02 16:30"},
			[]string{"effective  Tue 2004-07-06 00:00 EDT", "Mon 2004-07-05 Independence Day (observed)", "¶21"}},
		{[]string{"--method", "courier", "--sent", "2006-12-29T17:00:00-05:00"},
			[]string{"counts from 2007-01-02"}},
		{[]string{"--method", "fax", "--sent", "2005-01-17 10:00", "--confirmed", "2005-01-17 10:01"},
			[]string{"effective  Mon 2005-01-17 10:01 EST", "counts from 2005-01-18", "assumption", "copy       a copy must also go by courier"}},
		{[]string{"--method", "fax", "--sent", "2005-03-09 10:00"},
			[]string{"not yet: awaiting confirmation of good transmission"}},
	}
	for _, c := range cases {
		out, err := execute(t, append([]string{"notice", "effective", "--agreement", example}, c.args...)...)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, out)
			}
		}
	}
	out, err := execute(t, "notice", "effective", "--agreement", example, "--method", "courier", "--sent", "2004-07-02 16:30", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Date      string `json:"date"`
		Effective bool   `json:"effective"`
		Rule      string `json:"rule"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Date != "2004-07-06" || !got.Effective || got.Rule == "" {
		t.Errorf("json %+v %v:\n%s", got, err, out)
	}
}

func TestNoticeEffectiveBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--method", "pigeon", "--sent", "2004-07-02 16:30"}, `method "pigeon": expected one of fax, courier`},
		{[]string{"--method", "courier", "--sent", "July 2nd"}, `--sent: time "July 2nd": expected RFC 3339`},
		{[]string{"--method", "courier"}, "--sent is required"},
		{[]string{"--sent", "2004-07-02 16:30"}, "--method is required"},
		{[]string{"--method", "fax", "--sent", "2004-07-02 16:30", "--confirmed", "2004-07-02 16:00"}, "before it was sent"},
		{[]string{"--method", "courier", "--sent", "2004-07-02 16:30", "--format", "xml"}, `--format "xml"`},
		// Before 28 January 2004 the terms define no notice methods.
		{[]string{"--method", "courier", "--sent", "2003-07-02 16:30"}, "the terms define no notice methods"},
	}
	for _, c := range cases {
		_, err := execute(t, append([]string{"notice", "effective", "--agreement", example}, c.args...)...)
		var ue usageError
		if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want a usage error containing %q", c.args, err, c.want)
		}
	}
}

func TestDeadlinesCommand(t *testing.T) {
	out, err := execute(t, "deadlines", "--agreement", example, "--as-of", "2004-02-09")
	if err != nil {
		t.Fatal(err)
	}
	// No facts: the transaction fee (due at closing, an assumed date) is not
	// recorded as paid, an event of default under LMA §III.D(i) since
	// 2004-01-29 that opens the set-off.
	for _, w := range []string{"due          2004-02-09 LMA §III.F", "coming       2007-05-31 FA §1(a)", "undetermined -          LMA §II.A     Continuation of UCC financing statement ucc1",
		"lma_nonperformance:fee:transaction_fee  LMA §III.D(i)", "EXERCISABLE setoff"} {
		if !strings.Contains(out, w) {
			t.Errorf("table lacks %q:\n%s", w, out)
		}
	}
	facts := filepath.Join(t.TempDir(), "facts.json")
	os.WriteFile(facts, []byte(`{
  "notices": [{"id": "cas1", "from": "lender", "to": "borrower", "subject": "casualty_overadvance",
               "method": "courier", "sent": "2005-06-01T11:00:00-04:00"}],
  "ucc_filings": [{"filing": "ucc1", "number": "4021234 5", "filed": "2004-02-02"}],
  "events": [`+lmaFacts+`]
}`), 0o644)
	out, err = execute(t, "deadlines", "--agreement", example, "--as-of", "2005-07-06", "--facts", facts, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Deadlines []struct{ ID, Status, Due string }
		Defaults  []struct{ ID, Occurred string }
		Remedies  []struct {
			ID          string
			Exercisable bool
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	st := map[string]string{}
	for _, x := range rep.Deadlines {
		st[x.ID] = x.Status + " " + x.Due
	}
	if st["obligation:casualty_cure:cas1"] != "overdue 2005-07-05" || st["ucc:ucc1:continuation"] != "coming 2009-02-02" {
		t.Errorf("deadlines %v", st)
	}
	if len(rep.Defaults) != 1 || rep.Defaults[0].ID != "overadvance_uncured:cas1" || rep.Defaults[0].Occurred != "2005-07-06" {
		t.Errorf("defaults %+v", rep.Defaults)
	}
	out, err = execute(t, "deadlines", "--agreement", example, "--as-of", "2005-07-06", "--facts", facts, "--ics")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\n") || !strings.Contains(out, "UID:obligation:casualty_cure:cas1@btu-sovereign.revolver\r\n") {
		t.Errorf("ics:\n%s", out)
	}
}

func TestDeadlinesBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"notices\": [],\n  \"noticez\": []\n}\n"), 0o644)
	badMethod := filepath.Join(dir, "method.json")
	os.WriteFile(badMethod, []byte(`{"notices": [{"id": "n1", "method": "telex", "sent": "2005-01-03T10:00:00-05:00"}]}`), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--as-of", "2005-13-01"}, `--as-of "2005-13-01"`},
		{[]string{}, "--as-of is required"},
		{[]string{"--as-of", "2005-01-01", "--facts", bad}, `bad.json:3:`},
		{[]string{"--as-of", "2005-01-01", "--facts", bad}, `unknown field "noticez"`},
		{[]string{"--as-of", "2005-01-01", "--facts", badMethod}, `method.json: notice n1: method "telex"`},
		{[]string{"--as-of", "2005-01-01", "--facts", filepath.Join(dir, "missing.json")}, "missing.json"},
	}
	for _, c := range cases {
		_, err := execute(t, append([]string{"deadlines", "--agreement", example}, c.args...)...)
		var ue usageError
		if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want a usage error containing %q", c.args, err, c.want)
		}
	}
}

// TestStoredDefaultsCommand: revolver defaults reads the events of default
// of a stored facility as GET …/events-of-default answers — the same JSON
// for the same date and known-at time — on the business date, on a past
// date as known then (the default) and with hindsight, and as a table; a
// restatement accepted by a lender (revolver requests approve, not by the
// borrower) ends the defaults from that day.
func TestStoredDefaultsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "revolver.db")
	ex, _ := filepath.Abs(example)
	clk := "fixed:2004-10-04T15:00:00Z"
	run := func(stdin string, args ...string) (string, error) {
		t.Helper()
		return revolver(t, stdin, append(args, "--db", db, "--clock", clk)...)
	}
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, err := run(stdin, args...)
		if err != nil {
			t.Fatalf("revolver %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	must("", "migrate")
	must("", "facility", "add", "--slug", "btu", "--agreement", ex)
	lmaPerformedIn(t, db, "btu")
	for _, u := range [][]string{{"officer@bank.example", "lender_officer"}, {"cfo@btu.example", "borrower", "--facility", "btu"}} {
		must("a-long-password\n", append([]string{"user", "add", "--email", u[0], "--role", u[1], "--password-stdin"}, u[2:]...)...)
	}
	stmts := func(name, period string, year, q int, intangibles string) string {
		f := filepath.Join(t.TempDir(), name)
		os.WriteFile(f, []byte("period_end,fiscal_year,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income\n"+
			fmt.Sprintf("%s,%d,%d,58412337.00,%s,26741089.00,0.00,452318.00\n", period, year, q, intangibles)), 0o644)
		return f
	}
	// Q3 fails its tangible net worth and leverage covenants, recorded on
	// 4 October; the business day closes.
	must("", "statements", "add", "--slug", "btu", "--as", "cfo@btu.example", "--file", stmts("q3.csv", "2004-10-03", 2004, 3, "25000000.00"))
	must("", "cob", "--date", "2004-10-04")
	clk = "fixed:2004-10-05T15:00:00Z"
	// On 5 October Q2 is reported failing too, and Q3 restated passing.
	must("", "statements", "add", "--slug", "btu", "--as", "cfo@btu.example", "--file", stmts("q2.csv", "2004-07-04", 2004, 2, "25000000.00"))
	out := must("", "statements", "add", "--slug", "btu", "--as", "cfo@btu.example", "--file", stmts("q3r.csv", "2004-10-03", 2004, 3, "1052400.00"))
	var added struct {
		Pending []app.Recorded `json:"pending"`
	}
	if err := json.Unmarshal([]byte(out), &added); err != nil || len(added.Pending) != 1 || added.Pending[0].Request == nil {
		t.Fatalf("restatement: %v\n%s", err, out)
	}
	restatement := added.Pending[0].Request.ID

	type answer struct {
		KnownAt                 string   `json:"known_at"`
		Continuing              []string `json:"continuing"`
		ContinuingWithHindsight []string `json:"continuing_with_hindsight"`
	}
	read := func(args ...string) (answer, string) {
		t.Helper()
		out := must("", append([]string{"defaults", "--slug", "btu"}, args...)...)
		var a answer
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("defaults %v: %v\n%s", args, err, out)
		}
		return a, out
	}
	tnw, lev := "covenant_failed:minimum_tangible_net_worth:", "covenant_failed:maximum_leverage_ratio:"
	if a, _ := read(); len(a.Continuing) != 4 || a.KnownAt != "" || a.ContinuingWithHindsight != nil {
		t.Errorf("on the business date, pending restatement: %+v", a)
	}
	// 4 October as known at its end: Q3's two; with hindsight Q2's too.
	a, _ := read("--as-of", "2004-10-04")
	if !sameIDs(a.Continuing, []string{tnw + "2004-10-03", lev + "2004-10-03"}) || len(a.ContinuingWithHindsight) != 4 || a.KnownAt != "2004-10-04T15:00:00Z" {
		t.Errorf("4 October as known then: %+v", a)
	}
	if _, err := run("", "requests", "approve", "--slug", "btu", "--as", "cfo@btu.example", "--id", fmt.Sprint(restatement)); err == nil {
		t.Errorf("the borrower accepted its own restatement")
	}
	if _, err := run("", "requests", "reject", "--slug", "btu", "--as", "officer@bank.example", "--id", fmt.Sprint(restatement)); err == nil {
		t.Errorf("a rejection without a comment was accepted")
	}
	must("", "requests", "approve", "--slug", "btu", "--as", "officer@bank.example", "--id", fmt.Sprint(restatement))
	if a, _ := read(); !sameIDs(a.Continuing, []string{tnw + "2004-07-04", lev + "2004-07-04"}) {
		t.Errorf("after the restatement was accepted: %+v", a)
	}
	out = must("", "requests", "list", "--slug", "btu")
	if !strings.Contains(out, `"status": "approved"`) || !strings.Contains(out, `"decided_by": "officer@bank.example"`) {
		t.Errorf("requests list:\n%s", out)
	}

	// The same answers as the API, for the same questions.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := func() time.Time { return time.Date(2004, 10, 5, 15, 0, 0, 0, time.UTC) }
	h, err := handler(st, now, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	tok, _, err := (&app.Service{Store: st, Now: now}).CreateToken(ctx, "officer@bank.example", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ query, flags []string }{
		{nil, nil},
		{[]string{"as_of=2004-10-04"}, []string{"--as-of", "2004-10-04"}},
		{[]string{"as_of=2004-10-04", "known_at=now"}, []string{"--as-of", "2004-10-04", "--known-at", "now"}},
		{[]string{"as_of=2004-10-05", "known_at=2004-10-04"}, []string{"--as-of", "2004-10-05", "--known-at", "2004-10-04"}},
		{[]string{"as_of=2004-10-04", "known_at=2004-10-05T10:00:00Z"}, []string{"--as-of", "2004-10-04", "--known-at", "2004-10-05T10:00:00Z"}},
	} {
		r, _ := http.NewRequest("GET", srv.URL+"/api/v1/facilities/btu/events-of-default?"+strings.Join(q.query, "&"), nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_, cli := read(q.flags...)
		var fromAPI, fromCLI any
		if resp.StatusCode != 200 || json.Unmarshal(body, &fromAPI) != nil || json.Unmarshal([]byte(cli), &fromCLI) != nil || !reflect.DeepEqual(fromAPI, fromCLI) {
			t.Errorf("%v: the API (%d) and the command line answer differently:\nAPI %s\nCLI %s", q.query, resp.StatusCode, body, cli)
		}
	}

	out = must("", "defaults", "--slug", "btu", "--as-of", "2004-10-04", "--format", "table")
	for _, want := range []string{"Events of default of btu on 2004-10-04 as known at 2004-10-04T15:00:00Z: 2 continuing", "CONTINUING",
		"with hindsight (every fact recorded) also continuing: " + lev + "2004-07-04, " + tnw + "2004-07-04", "Remedies of the Bank on 2004-10-04"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--known-at", "soon"}, `--known-at "soon"`},
		{[]string{"--as-of", "2004-13-01"}, `--as-of "2004-13-01"`},
		{[]string{"--format", "xml"}, `--format "xml"`},
		{[]string{"--slug", "nope"}, "--slug nope"},
	} {
		args := append([]string{"defaults", "--slug", "btu"}, bad.args...)
		_, err := run("", args...)
		var ue usageError
		if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: error %v, want a usage error containing %q", bad.args, err, bad.want)
		}
	}
	if _, err := run("", "defaults"); err == nil || !strings.Contains(err.Error(), "--slug is required") {
		t.Errorf("no --slug: %v", err)
	}
}

func sameIDs(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
