package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/store/sqlite"
)

// revolver default-interest records the lender's notice electing default
// interest for terms whose default interest applies on notice, and is
// refused for terms without it (the example's).
func TestDefaultInterestCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "di.db")
	example, _ := filepath.Abs("../../examples/btu-sovereign")
	terms := filepath.Join(dir, "terms")
	if err := os.MkdirAll(terms, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(example)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			b, _ := os.ReadFile(filepath.Join(example, e.Name()))
			os.WriteFile(filepath.Join(terms, e.Name()), b, 0o644)
		}
	}
	// A synthetic amendment (the example's documents give no default interest).
	os.WriteFile(filepath.Join(terms, "2005-01-01-default-interest.yaml"), []byte(`revolver: amendment/1
facility: btu-sovereign
id: default-interest
document: first-amendment
effective: 2005-01-01
order: 1
changes:
  - op: set
    path: pricing.default_interest
    cite: first-amendment §9
    value: {rate: 2%, applies: on_notice}
`), 0o644)
	for _, args := range [][]string{
		{"migrate", "--db", db},
		{"facility", "add", "--slug", "di", "--agreement", terms, "--db", db},
		{"facility", "add", "--slug", "btu", "--agreement", example, "--db", db},
	} {
		if out, err := revolver(t, "", args...); err != nil {
			t.Fatalf("revolver %v: %v %s", args, err, out)
		}
	}
	if out, err := revolver(t, "s3cret-password\n", "user", "add", "--email", "ann@bank.example", "--role", "lender_officer", "--password-stdin", "--db", db); err != nil {
		t.Fatal(err, out)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	svc := service(st)
	var ids []string
	for _, slug := range []string{"di", "btu"} {
		r, err := svc.RecordDefault(ctx, app.FactInput{Facility: slug, Key: "eod", By: "setup"}, defaults.DefaultRecord{Event: "dissolution", Occurred: date.MustParse("2005-06-10"), Description: "merger agreed without consent"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	st.Close()
	out, err := revolver(t, "", "default-interest", "--db", db, "--slug", "di", "--as", "ann@bank.example", "--default", ids[0], "--method", "courier", "--sent", "2005-06-15 10:00")
	if err != nil || !strings.Contains(out, `"subject": "default_interest"`) || !strings.Contains(out, `"date": "2005-06-16"`) {
		t.Errorf("default-interest: %v %s", err, out)
	}
	out, err = revolver(t, "", "default-interest", "--db", db, "--slug", "btu", "--as", "ann@bank.example", "--default", ids[1], "--method", "courier", "--sent", "2005-06-15 10:00")
	if err == nil || !strings.Contains(err.Error()+out, "the terms have no default interest") {
		t.Errorf("default-interest without default interest in the terms: %v %s", err, out)
	}
}
