package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrendsCommand: revolver trends prints the facility's certificates
// in force as JSON, as tables and one table as CSV; a bad format or
// table is refused.
func TestTrendsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "revolver.db")
	ex, _ := filepath.Abs("../../examples/btu-sovereign")
	must := func(args ...string) string {
		t.Helper()
		out, err := revolver(t, "", append(args, "--db", db, "--clock", "fixed:2004-10-05T15:00:00Z")...)
		if err != nil {
			t.Fatalf("revolver %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	const officer, cfo = "officer@bank.example", "cfo@btu.example"
	must("migrate")
	must("facility", "add", "--slug", "btu", "--agreement", ex)
	for _, u := range [][]string{{officer, "lender_officer"}, {cfo, "borrower", "--facility", "btu"}} {
		if _, err := revolver(t, "a-long-password\n", append([]string{"user", "add", "--email", u[0], "--role", u[1], "--password-stdin", "--db", db}, u[2:]...)...); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(ex, "data")
	for i, d := range []string{"2004-10-03", "2004-10-04"} {
		must("certificate", "submit", "--slug", "btu", "--as", cfo, "--as-of", d,
			"--receivables", filepath.Join(data, "receivables.csv"), "--debtors", filepath.Join(data, "debtors.csv"), "--inventory", filepath.Join(data, "inventory.csv"))
		must("certificate", "approve", "--slug", "btu", "--as", officer, "--id", []string{"1", "2"}[i])
	}
	var out struct {
		Points []struct {
			Certificate int64  `json:"certificate"`
			Gross       string `json:"gross"`
		} `json:"points"`
		Tables []struct{ ID string } `json:"tables"`
	}
	if err := json.Unmarshal([]byte(must("trends", "--facility", "btu", "--format", "json", "--top", "5")), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Points) != 2 || out.Points[1].Certificate != 2 || out.Points[0].Gross != out.Points[1].Gross || len(out.Tables) != 4 {
		t.Fatalf("trends JSON: %+v", out)
	}
	tab := must("trends", "--slug", "btu")
	if !strings.Contains(tab, "Aging buckets (Σ = gross)") || !strings.Contains(tab, "not measured") || !strings.Contains(tab, "2004-10-04") {
		t.Errorf("trends table:\n%s", tab)
	}
	csv := must("trends", "--slug", "btu", "--format", "csv", "--table", "concentration")
	if !strings.HasPrefix(csv, "As of,Certificate,Rank,Debtor,") || strings.Count(csv, "\n") != 21 {
		t.Errorf("concentration CSV (%d lines):\n%s", strings.Count(csv, "\n"), csv)
	}
	for _, bad := range [][]string{{"--format", "xml"}, {"--table", "nope"}, {"--top", "0"}} {
		if _, err := revolver(t, "", append([]string{"trends", "--slug", "btu", "--db", db}, bad...)...); err == nil {
			t.Errorf("trends %v: accepted", bad)
		}
	}
}
