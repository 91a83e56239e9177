package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revolver/date"
	"revolver/ledger"
	"revolver/store/sqlite"
)

// revolver cob with three facilities, the middle one's margin unknown:
// the other two are closed, the middle one is reported with the reason,
// and the command exits 1 after them.
func TestCloseOfBusinessCommandReportsAFacility(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cob.db")
	example, _ := filepath.Abs("../../examples/btu-sovereign")
	bad := filepath.Join(dir, "bad")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(example)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			b, err := os.ReadFile(filepath.Join(example, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(bad, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(bad, "2006-01-02-unknown.yaml"), []byte(`revolver: amendment/1
facility: btu-sovereign
id: unknown-margin
document: first-amendment
effective: 2006-01-02
order: 1
changes:
  - op: replace
    path: pricing.options.prime.margin
    cite: first-amendment §9
    value:
      unknown: the margin letter is not in the documents held
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"migrate", "--db", db},
		{"--clock", "fixed:2006-01-03T15:00:00Z", "facility", "add", "--db", db, "--slug", "a", "--agreement", example},
		{"--clock", "fixed:2006-01-03T15:00:00Z", "facility", "add", "--db", db, "--slug", "b", "--agreement", bad},
		{"--clock", "fixed:2006-01-03T15:00:00Z", "facility", "add", "--db", db, "--slug", "c", "--agreement", example},
	} {
		if out, err := revolver(t, "", args...); err != nil {
			t.Fatalf("revolver %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	putPrime(t, db)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var txs []ledger.Transaction
	for _, f := range []string{"a", "b", "c"} {
		tr, _ := ledger.Advance(ledger.Ref{Facility: f, Key: "a1", ValueDate: date.MustParse("2006-01-03")}, 1_000_000_00)
		txs = append(txs, tr)
	}
	if _, err := st.PostBatch(ctx, txs); err != nil {
		t.Fatal(err)
	}
	st.Close()

	cob := []string{"--clock", "fixed:2006-01-06T23:00:00Z", "cob", "--db", db, "--date", "2006-01-05"}
	out, err := revolver(t, "", cob...)
	if err == nil {
		t.Fatalf("revolver cob: no error with a facility not closed\n%s", out)
	}
	for _, want := range []string{
		"close of business through 2006-01-05: 3 facilities, 6 transactions posted, 0 already posted",
		`not closed: facility "b": interest on 2006-01-03 is undetermined: the margin of pricing option prime is not known (pricing.options.prime.margin): the margin letter is not in the documents held`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("revolver cob: output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(err.Error(), "1 of 3 facilities not closed") {
		t.Errorf("revolver cob: error %q", err)
	}
	// The exit status: 1, after the same report (nothing new posted).
	if code := run(cob); code != 1 {
		t.Errorf("revolver cob: exit status %d, want 1", code)
	}
	st, err = sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for f, want := range map[string]int{"a": 3, "b": 0, "c": 3} {
		all, err := st.Transactions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tr := range all {
			if tr.Kind == ledger.KindInterest {
				n++
			}
		}
		if n != want {
			t.Errorf("%s: %d days of interest, want %d", f, n, want)
		}
	}
}
