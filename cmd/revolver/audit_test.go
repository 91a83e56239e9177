package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/store"
	"revolver/store/sqlite"
)

// TestAuditList: revolver audit list filters by facility, user, kind and
// business date and prints a table, JSON or CSV; a failed sign-in made
// through the use case is listed; the chain verifies after it all.
func TestAuditList(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "audit.db")
	example, _ := filepath.Abs("../../examples/btu-sovereign")
	t.Setenv("USER", "ops")
	for _, s := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"migrate", "--db", db}},
		{"", []string{"facility", "add", "--slug", "btu", "--agreement", example, "--db", db}},
		{"s3cret-password\n", []string{"user", "add", "--email", "ann@bank.example", "--role", "lender_officer", "--password-stdin", "--db", db}},
	} {
		if out, err := revolver(t, s.stdin, s.args...); err != nil {
			t.Fatalf("%v: %v %s", s.args, err, out)
		}
	}
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&app.Service{Store: st}).SignIn(context.Background(), app.SignIn{Email: "ann@bank.example", Password: "wrong password", Address: "10.0.0.1", TTL: time.Hour})
	st.Close()
	if store.ErrorCode(err) != app.CodeUnauthorized {
		t.Fatalf("failed sign-in: %v", err)
	}

	yesterday, tomorrow := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"), time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	out, err := revolver(t, "", "audit", "list", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ID  BUSINESS DATE", "cli:ops registered facility for btu", "cli:ops added user ann@bank.example\n",
		"refused  ann@bank.example (lender officer) tried to sign in: refused (unauthorized)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table does not say %q:\n%s", want, out)
		}
	}
	for _, tc := range []struct {
		args []string
		want []int64
	}{
		{[]string{"--kind", "session"}, []int64{3}},
		{[]string{"--kind", "user"}, []int64{2}},
		{[]string{"--facility", "btu"}, []int64{1}},
		{[]string{"--user", "cli:ops"}, []int64{1, 2}},
		{[]string{"--user", "ANN@bank.example"}, []int64{3}},
		{[]string{"--from", yesterday, "--to", tomorrow}, []int64{1, 2, 3}},
		{[]string{"--to", "2006-01-31"}, []int64{}},
		{[]string{"--after", "1", "--limit", "1"}, []int64{2}},
	} {
		out, err := revolver(t, "", append([]string{"audit", "list", "--db", db, "--format", "json"}, tc.args...)...)
		var recs []store.AuditRecord
		if err != nil || json.Unmarshal([]byte(out), &recs) != nil {
			t.Fatalf("%v: %v %s", tc.args, err, out)
		}
		got := []int64{}
		for _, r := range recs {
			got = append(got, r.ID)
		}
		if !equalIDs(got, tc.want) {
			t.Errorf("%v: records %v, want %v", tc.args, got, tc.want)
		}
	}
	out, err = revolver(t, "", "audit", "list", "--db", db, "--format", "csv", "--kind", "session")
	rows, cerr := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || cerr != nil || len(rows) != 2 || rows[0][0] != "id" || rows[1][0] != "3" {
		t.Fatalf("csv: %v %v %q", err, cerr, out)
	}
	for _, bad := range [][]string{{"--format", "xml"}, {"--from", "2006-02-01", "--to", "2006-01-01"}, {"--from", "yesterday"}, {"--limit", "-1"}} {
		if _, err := revolver(t, "", append([]string{"audit", "list", "--db", db}, bad...)...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if out, err := revolver(t, "", "audit", "verify", "--db", db); err != nil || !strings.Contains(out, "intact: 3 records") {
		t.Errorf("verify: %v %s", err, out)
	}
	// Close of business publishes the head; verify --expect checks the
	// trail still holds it.
	out, err = revolver(t, "", "cob", "--date", "2004-10-05", "--db", db)
	m := regexp.MustCompile(`audit head ([0-9]+):([0-9a-f]{64})`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("cob: %v %s", err, out)
	}
	if out, err := revolver(t, "", "audit", "verify", "--db", db, "--expect", m[1]+":"+m[2]); err != nil || !strings.Contains(out, "intact: "+m[1]+" records") {
		t.Errorf("verify --expect the published head: %v %s", err, out)
	}
	if out, err := revolver(t, "", "audit", "verify", "--db", db, "--expect", "99:"+m[2]); err == nil || !strings.Contains(err.Error(), "records were removed") {
		t.Errorf("verify --expect a later head: %v %s", err, out)
	}
	if _, err := revolver(t, "", "audit", "verify", "--db", db, "--expect", "HEAD"); err == nil {
		t.Error("verify --expect HEAD (not a head) accepted")
	} else if _, usage := err.(usageError); !usage {
		t.Errorf("verify --expect HEAD: %v, want a usage error", err)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
