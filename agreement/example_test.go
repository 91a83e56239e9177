package agreement_test

import (
	"testing"

	"revolver/agreement"
	"revolver/date"
)

func loadExample(t *testing.T) *agreement.Facility {
	t.Helper()
	f, err := agreement.Load("../examples/btu-sovereign")
	if err != nil {
		t.Fatalf("load example:\n%v", err)
	}
	return f
}

func TestExampleTerminationDate(t *testing.T) {
	f := loadExample(t)
	for _, c := range []struct {
		asOf, want, cite string
	}{
		{"2003-12-31", "2006-05-31", "original-loan-agreement §1.35"},
		{"2004-06-30", "2007-05-31", "first-amendment §1(a)"},
	} {
		terms, err := f.TermsAsOf(date.MustParse(c.asOf))
		if err != nil {
			t.Fatal(err)
		}
		got := terms.TerminationDate
		if got.Value.String() != c.want || got.Cite.Document+" "+got.Cite.Section != c.cite {
			t.Errorf("as of %s: termination %s cited %s %s; want %s cited %s", c.asOf, got.Value, got.Cite.Document, got.Cite.Section, c.want, c.cite)
		}
	}
}
