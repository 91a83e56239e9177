package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCertificateSubmitJournals: revolver certificate submit takes the
// period's journals (--sales --collections --credits --inventory-activity),
// stores them with their kinds and the roll-forward from the previous
// approved certificate; a certificate with data-quality warnings is
// approved only with a comment.
func TestCertificateSubmitJournals(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	gen, _ := filepath.Abs("../../../shared/data/gen_abl_history.py")
	if _, err := os.Stat(gen); err != nil {
		t.Skipf("the history generator is not beside the module: %v", err)
	}
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	if out, err := exec.Command("python3", gen, "--out", hist, "--start", "2004-08-31", "--periods", "1", "--debtors", "40", "--sales-per-period", "120",
		"--items", "200", "--ar-scale", "0.55", "--inv-scale", "0.05", "--anomalies", "2").CombinedOutput(); err != nil {
		t.Fatalf("gen_abl_history.py: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "revolver.db")
	ex, _ := filepath.Abs("../../examples/btu-sovereign")
	run := func(args ...string) (string, error) {
		t.Helper()
		return revolver(t, "", append(args, "--db", db, "--clock", "fixed:2004-10-04T15:00:00Z")...)
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("revolver %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	const officer, cfo = "officer@bank.example", "cfo@btu.example"
	must("migrate")
	must("facility", "add", "--slug", "btu", "--agreement", ex)
	for _, u := range [][]string{{officer, "lender_officer"}, {cfo, "borrower", "--facility", "btu"}} {
		if out, err := revolver(t, "a-long-password\n", append([]string{"user", "add", "--email", u[0], "--role", u[1], "--password-stdin", "--db", db, "--clock", "fixed:2004-10-04T15:00:00Z"}, u[2:]...)...); err != nil {
			t.Fatalf("user add: %v\n%s", err, out)
		}
	}
	reports := func(asOf string) []string {
		return []string{"--receivables", filepath.Join(hist, asOf, "receivables.csv"), "--debtors", filepath.Join(hist, "debtors.csv"), "--inventory", filepath.Join(hist, asOf, "inventory.csv")}
	}
	must(append([]string{"certificate", "submit", "--slug", "btu", "--as", cfo, "--as-of", "2004-08-31"}, reports("2004-08-31")...)...)
	must("certificate", "approve", "--slug", "btu", "--as", officer, "--id", "1")
	p := filepath.Join(hist, "2004-09-30")
	out := must(append(append([]string{"certificate", "submit", "--slug", "btu", "--as", cfo, "--as-of", "2004-09-30"}, reports("2004-09-30")...),
		"--sales", filepath.Join(p, "sales.csv"), "--collections", filepath.Join(p, "collections.csv"), "--credits", filepath.Join(p, "credits.csv"),
		"--inventory-activity", filepath.Join(p, "inventory_activity.csv"))...)
	var c struct {
		ID       int64                   `json:"id"`
		RollSHA  string                  `json:"rollforward_sha256"`
		Inputs   []struct{ Kind string } `json:"inputs"`
		Warnings []struct{ Code string } `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var kinds, codes []string
	for _, in := range c.Inputs {
		kinds = append(kinds, in.Kind)
	}
	for _, w := range c.Warnings {
		codes = append(codes, w.Code)
	}
	if c.RollSHA == "" || strings.Join(kinds, ",") != "receivables,debtors,inventory,sales,collections,credits,inventory_activity" {
		t.Errorf("submitted: roll-forward %q, input kinds %v", c.RollSHA, kinds)
	}
	if !strings.Contains(strings.Join(codes, " "), "exception_") {
		t.Errorf("warnings %v: no exception for a history with anomalies", codes)
	}
	if out, err := run("certificate", "approve", "--slug", "btu", "--as", officer, "--id", "2"); err == nil || !strings.Contains(err.Error()+out, "comment") {
		t.Errorf("approval without a comment: %v %s", err, out)
	}
	must("certificate", "approve", "--slug", "btu", "--as", officer, "--id", "2", "--comment", "exceptions explained")
}
