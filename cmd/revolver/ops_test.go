package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revolver/demo"
	"revolver/store/sqlite"
)

// revolver runs a command line with stdin and returns its output.
func revolver(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestDemoLoadTwice(t *testing.T) {
	db := filepath.Join(t.TempDir(), "revolver.db")
	ctx := context.Background()
	load := func() demo.Result {
		st, err := sqlite.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var out bytes.Buffer
		res, err := loadDemo(ctx, st, &out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		return res
	}
	first := load()
	if first.Certificates != 35 || first.Created == 0 {
		t.Fatalf("first load %+v", first)
	}
	if second := load(); second.Created != 0 {
		t.Fatalf("second load stored %+v", second)
	}
	out, err := revolver(t, "", "facility", "list", "--db", db)
	if err != nil || !strings.Contains(out, "btu-sovereign") {
		t.Fatalf("facility list: %v %s", err, out)
	}
	if out, err := revolver(t, "", "audit", "verify", "--db", db); err != nil || !strings.Contains(out, fmt.Sprintf("intact: %d records", first.Audit)) {
		t.Fatalf("audit verify: %v %s", err, out)
	}
	if out, err := revolver(t, "", "demo", "--no-serve", "--db", db); err != nil || !strings.Contains(out, "nothing new") {
		t.Fatalf("demo on its own untouched database: %v %s", err, out)
	}
	// Someone uses the database: the demo refuses to load into it again,
	// says why and what to do, and stores nothing.
	if _, err := revolver(t, "s3cret-password\n", "user", "add", "--email", "ann@bank.example", "--role", "lender_officer", "--password-stdin", "--db", db); err != nil {
		t.Fatal(err)
	}
	_, err = revolver(t, "", "demo", "--no-serve", "--db", db)
	if _, usage := err.(usageError); !usage || !strings.Contains(fmt.Sprint(err), "the demo loaded it, but it has changed since (1 audit record after the demo's loading") ||
		!strings.Contains(fmt.Sprint(err), "revolver serve --db "+db+" --clock from:") || !strings.Contains(fmt.Sprint(err), "nothing was stored") {
		t.Fatalf("demo on a changed database: %v", err)
	}
	if out, err := revolver(t, "", "audit", "verify", "--db", db); err != nil || !strings.Contains(out, fmt.Sprintf("intact: %d records", first.Audit+1)) {
		t.Fatalf("audit verify after the refusal: %v %s", err, out)
	}
}

func TestOperations(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ops.db")
	example, _ := filepath.Abs("../../examples/btu-sovereign")
	steps := []struct {
		stdin string
		args  []string
		want  string
		fail  bool
	}{
		{"", []string{"migrate", "--db", db}, "schema up to date", false},
		{"", []string{"facility", "add", "--slug", "btu", "--agreement", example, "--db", db, "--maker-checker-threshold", "500000.00"}, "facility btu", false},
		{"", []string{"facility", "add", "--slug", "btu", "--agreement", example, "--db", db}, "facility btu", false}, // idempotent
		{"", []string{"facility", "add", "--slug", "bad slug", "--agreement", dir, "--db", db}, "", true},
		{"s3cret-password\n", []string{"user", "add", "--email", "ann@bank.example", "--role", "lender_officer", "--password-stdin", "--db", db}, "lender_officer) added", false},
		{"s3cret-password\n", []string{"user", "add", "--email", "ann@bank.example", "--role", "lender_officer", "--password-stdin", "--db", db}, "", true},
		{"s3cret-password\n", []string{"user", "add", "--email", "bob@btu.example", "--role", "borrower", "--facility", "btu", "--password-stdin", "--db", db}, "borrower) added", false},
		{"s3cret-password\n", []string{"user", "add", "--email", "eve@btu.example", "--role", "borrower", "--password-stdin", "--db", db}, "", true},
		{"short\n", []string{"user", "add", "--email", "x@btu.example", "--role", "auditor", "--password-stdin", "--db", db}, "", true},
		{"", []string{"user", "add", "--email", "x@btu.example", "--role", "king", "--password-stdin", "--db", db}, "", true},
		{"", []string{"token", "create", "--email", "ann@bank.example", "--db", db}, "rvk_", false},
		{"", []string{"token", "create", "--email", "nobody@bank.example", "--db", db}, "", true},
		{"", []string{"cob", "--date", "2006-01-31", "--db", db}, "close of business through 2006-01-31", false},
		{"", []string{"backup", "--to", filepath.Join(dir, "copy.db"), "--db", db}, "backed up", false},
		{"", []string{"backup", "--to", filepath.Join(dir, "copy.db"), "--db", db}, "", true}, // exists
		{"", []string{"backup", "--to", "x", "--database", "postgres://u@h/db"}, "", true},
		// The facility, two users, the token, and close of business (which
		// posted nothing but opened the next business date).
		{"", []string{"audit", "verify", "--db", db}, "intact: 5 records", false},
		{"", []string{"audit", "verify", "--db", filepath.Join(dir, "copy.db")}, "intact", false},
		{"", []string{"serve", "--db", db, "--database", "postgres://x"}, "", true},
	}
	for _, s := range steps {
		out, err := revolver(t, s.stdin, s.args...)
		if (err != nil) != s.fail || !strings.Contains(out, s.want) {
			t.Errorf("revolver %s: err %v, out %q", strings.Join(s.args, " "), err, out)
		}
		if s.args[0] == "token" && !s.fail && (strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "rvk_")) {
			t.Errorf("token create printed more than the token: %q", out)
		}
	}
	if _, err := revolver(t, "", "backup", "--to", "x", "--database", "postgres://u@h/db"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of PostgreSQL: %v", err)
	}
	// Tamper with the trail: verify names the first broken link.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit SET after = '{"user":"mallory"}' WHERE id = 3`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	_, err = revolver(t, "", "audit", "verify", "--db", db)
	if err == nil || !strings.Contains(err.Error(), "broken at record 3") || !strings.Contains(err.Error(), "2 records checked") {
		t.Fatalf("verify after tampering: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "copy.db")); err != nil {
		t.Fatal(err)
	}
}
