package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	for _, w := range []string{"due          2004-02-09 LMA §III.F", "coming       2007-05-31 FA §1(a)", "undetermined -          LMA §II.A     Continuation of UCC financing statement ucc1",
		"not yet     setoff", "missing: an Event of Default occurred and continuing"} {
		if !strings.Contains(out, w) {
			t.Errorf("table lacks %q:\n%s", w, out)
		}
	}
	facts := filepath.Join(t.TempDir(), "facts.json")
	os.WriteFile(facts, []byte(`{
  "notices": [{"id": "cas1", "from": "lender", "to": "borrower", "subject": "casualty_overadvance",
               "method": "courier", "sent": "2005-06-01T11:00:00-04:00"}],
  "ucc_filings": [{"filing": "ucc1", "number": "4021234 5", "filed": "2004-02-02"}]
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
