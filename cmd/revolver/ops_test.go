package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
	"revolver/demo"
	"revolver/ledger"
	"revolver/money"
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
	// The first load reports its progress: the days of its history, not
	// the steps of the use cases it runs.
	type report struct {
		step        string
		done, total int
	}
	var reports []report
	pctx := app.WithProgress(ctx, func(step string, done, total int) { reports = append(reports, report{step, done, total}) })
	load := func(ctx context.Context) demo.Result {
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
	first := load(pctx)
	if first.Certificates != 35 || first.Created == 0 {
		t.Fatalf("first load %+v", first)
	}
	if len(reports) < 1000 {
		t.Fatalf("%d progress reports, want one a day of the history", len(reports))
	}
	for i, r := range reports {
		if r.step != "demo: days of history" || r.total != reports[0].total || i > 0 && r.done < reports[i-1].done {
			t.Fatalf("progress report %d: %+v after %+v", i, r, reports[max(i-1, 0)])
		}
	}
	if last := reports[len(reports)-1]; last.done != last.total {
		t.Errorf("last progress report %+v, want the whole history done", last)
	}
	if second := load(ctx); second.Created != 0 {
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
		// A field examination charged as a cost, citing Security Agreement ¶7.
		{"", []string{"cost", "--db", db, "--slug", "btu", "--as", "ann@bank.example", "--kind", "field_exam", "--amount", "4500.00", "--value-date", "2006-02-01", "--memo", "invoice 4411"},
			`"memo": "Field examination (field_exam): invoice 4411; Security Agreement ¶7"`, false},
		{"", []string{"cost", "--db", db, "--slug", "btu", "--as", "ann@bank.example", "--kind", "appraisal", "--amount", "4500.00", "--value-date", "2006-02-01"}, "", true},
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

// TestCorrectionCommands: on the command line, as through the API, a
// repayment or an advance value-dated before the business date is a
// lender's correction with a reason, which a second lender approves
// (revolver approvals approve, revolver advance approve); the borrower's
// back-valued repayment, a repayment on a day the bank is closed and a
// reason on an advance that is not back-valued are refused, storing
// nothing.
func TestCorrectionCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "revolver.db")
	ex, _ := filepath.Abs("../../examples/btu-sovereign")
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
	refused := func(want string, args ...string) {
		t.Helper()
		out, err := run("", args...)
		var ue usageError
		if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), want) {
			t.Errorf("revolver %s: %v %s, want a refusal saying %q", strings.Join(args, " "), err, out, want)
		}
	}
	const officer, credit, cfo = "officer@bank.example", "credit@bank.example", "cfo@btu.example"
	must("", "migrate")
	must("", "facility", "add", "--slug", "btu", "--agreement", ex)
	lmaPerformedIn(t, db, "btu")
	for _, u := range [][]string{{officer, "lender_officer"}, {credit, "lender_officer"}, {cfo, "borrower", "--facility", "btu"}} {
		must("a-long-password\n", append([]string{"user", "add", "--email", u[0], "--role", u[1], "--password-stdin"}, u[2:]...)...)
	}
	putPrime(t, db)
	data := filepath.Join(ex, "data")
	must("", "certificate", "submit", "--slug", "btu", "--as", cfo, "--as-of", "2004-10-03",
		"--receivables", filepath.Join(data, "receivables.csv"), "--debtors", filepath.Join(data, "debtors.csv"), "--inventory", filepath.Join(data, "inventory.csv"))
	must("", "certificate", "approve", "--slug", "btu", "--as", officer, "--id", "1")
	must("", "advance", "request", "--slug", "btu", "--as", cfo, "--amount", "100000.00", "--value-date", "2004-10-04")
	must("", "cob", "--date", "2004-10-04")
	clk = "fixed:2004-10-05T15:00:00Z"

	loans := func(on string) string {
		t.Helper()
		var a struct {
			L string `json:"loans_outstanding"`
		}
		// As known now: a correction is known from when it was made.
		out := must("", "availability", "--slug", "btu", "--as-of", on, "--known-at", "now")
		json.Unmarshal([]byte(out), &a)
		return a.L
	}
	refused("a back-valued repayment is a correction only a lender may ask for", "repay", "--slug", "btu", "--as", cfo, "--amount", "1000.00", "--value-date", "2004-10-04")
	refused("not a banking day", "repay", "--slug", "btu", "--as", cfo, "--amount", "1000.00", "--value-date", "2004-10-09")
	refused("give the reason for it", "repay", "--slug", "btu", "--as", officer, "--amount", "1000.00", "--value-date", "2004-10-04")
	refused("a reason is given for corrections", "advance", "request", "--slug", "btu", "--as", officer, "--amount", "1000.00", "--value-date", "2004-10-05", "--reason", "typo")
	refused("a back-valued advance is a correction only a lender may ask for", "advance", "request", "--slug", "btu", "--as", cfo, "--amount", "1000.00", "--value-date", "2004-10-04")
	if got := loans("2004-10-04"); got != "100000.00" {
		t.Fatalf("loans on 4 October after the refusals: %s", got)
	}

	// A repayment received on 4 October and not booked: the officer asks,
	// the second lender approves.
	out := must("", "repay", "--slug", "btu", "--as", officer, "--amount", "50000.00", "--value-date", "2004-10-04", "--reason", "received on 4 October, not booked")
	var rep struct {
		Pending struct {
			ID     int64  `json:"id"`
			Kind   string `json:"kind"`
			Status string `json:"status"`
		} `json:"pending"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Pending.ID == 0 || rep.Pending.Kind != "repayment_correction" || rep.Pending.Status != "requested" {
		t.Fatalf("repayment correction: %v\n%s", err, out)
	}
	id := fmt.Sprint(rep.Pending.ID)
	if got := loans("2004-10-04"); got != "100000.00" {
		t.Errorf("loans on 4 October before the approval: %s", got)
	}
	refused("someone else must decide it", "approvals", "approve", "--slug", "btu", "--as", officer, "--id", id)
	refused("a comment saying why is required", "approvals", "reject", "--slug", "btu", "--as", credit, "--id", id)
	refused("may not decide pending", "approvals", "approve", "--slug", "btu", "--as", cfo, "--id", id)
	must("", "approvals", "approve", "--slug", "btu", "--as", credit, "--id", id)
	if got := loans("2004-10-04"); got != "50000.00" {
		t.Errorf("loans on 4 October after the approval: %s", got)
	}
	if out := must("", "approvals", "list", "--slug", "btu"); !strings.Contains(out, `"status": "approved"`) || !strings.Contains(out, `"decided_by": "`+credit+`"`) {
		t.Errorf("approvals list:\n%s", out)
	}

	// An advance of 4 October not booked: a correction waits for the
	// second lender whatever its size.
	out = must("", "advance", "request", "--slug", "btu", "--as", officer, "--amount", "20000.00", "--value-date", "2004-10-04", "--reason", "funded by wire on 4 October")
	var adv struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(out), &adv); err != nil || adv.Status != "requested" || adv.Reason == "" {
		t.Fatalf("advance correction: %v\n%s", err, out)
	}
	refused("the approver must be someone other than the requester", "advance", "approve", "--slug", "btu", "--as", officer, "--id", fmt.Sprint(adv.ID))
	must("", "advance", "approve", "--slug", "btu", "--as", credit, "--id", fmt.Sprint(adv.ID))
	if got := loans("2004-10-04"); got != "70000.00" {
		t.Errorf("loans on 4 October after the advance correction: %s", got)
	}
	// A repayment of the business date is recorded at once.
	out = must("", "repay", "--slug", "btu", "--as", cfo, "--amount", "10000.00", "--value-date", "2004-10-05")
	if !strings.Contains(out, `"transaction"`) || !strings.Contains(out, `"replayed": false`) {
		t.Errorf("repayment:\n%s", out)
	}
}

// putPrime stores the prime rate the example facility's interest reads
// (close of business accrues it).
func putPrime(t *testing.T, db string) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutRate(context.Background(), "prime", ledger.RatePoint{Effective: date.MustParse("2004-09-22"), Value: money.MustRate("0.0475")}, nil); err != nil {
		t.Fatal(err)
	}
}
