package agreement

import (
	"strings"
	"testing"

	"revolver/date"
)

// TestFieldExams: `field_exams: {frequency_months: N, cite: …}` is read
// with its clause; silent terms have none; a frequency outside 1 to 120
// months or an unknown key is refused naming the term.
func TestFieldExams(t *testing.T) {
	f, err := Parse(files(baseAgreement + "  field_exams: {frequency_months: 6, cite: ola §6.2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(date.MustParse("2004-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if terms.FieldExams == nil || terms.FieldExams.FrequencyMonths.Value != 6 || terms.FieldExams.Cite.Section != "§6.2" || terms.FieldExams.FrequencyMonths.Path != "field_exams.frequency_months" {
		t.Errorf("field exams %+v", terms.FieldExams)
	}
	f, err = Parse(files(baseAgreement))
	if err != nil {
		t.Fatal(err)
	}
	if terms, err = f.TermsAsOf(date.MustParse("2004-06-30")); err != nil || terms.FieldExams != nil {
		t.Errorf("silent terms: %+v %v", terms.FieldExams, err)
	}
	for name, c := range map[string]struct{ yaml, want string }{
		"zero":        {"  field_exams: {frequency_months: 0}\n", "bad number for field_exams.frequency_months"},
		"words":       {"  field_exams: {frequency_months: yearly}\n", "bad number for field_exams.frequency_months"},
		"ten years +": {"  field_exams: {frequency_months: 121}\n", "field exam frequency above 120 months"},
		"missing":     {"  field_exams: {cite: ola §6.2}\n", "missing term field_exams.frequency_months"},
		"unknown key": {"  field_exams: {frequency_months: 12, at_borrower_expense: 2}\n", "unknown term field_exams.at_borrower_expense"},
	} {
		t.Run(name, func(t *testing.T) {
			errs := Lint(files(baseAgreement + c.yaml))
			if !strings.Contains(errs.Error(), c.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", errs.Error(), c.want)
			}
		})
	}
}
