package agreement

import (
	"strings"
	"testing"
)

// The terms §9 of the example needed: notice parties by document, an
// event of default for overdue obligations of a document, and Exhibit A's
// categories that are not places.
func TestPartiesEventsLocationsByDocument(t *testing.T) {
	good := baseAgreement + `  parties:
    - {id: borrower, role: borrower, name: B, address: [1 Main St]}
    - {id: counsel, role: copy_to, copy_of: borrower, documents: [fa], name: C, address: [2 Main St]}
  events_of_default:
    - {id: nonperformance, clause: "fa §3", label: Not performed, detection: rule, rule: obligation_overdue, document: fa, assumption: a test}
  locations:
    - {id: HQ, name: Headquarters, kind: owned, country: US, address: [1 Main St]}
    - {id: IN-TRANSIT, name: In transit, kind: in_transit}
`
	f, err := Parse(files(good))
	if err != nil {
		t.Fatal(err)
	}
	tm, err := f.TermsAsOf(mustDate("2021-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if p := tm.Parties[1]; !p.Receives("fa") || p.Receives("ola") || !tm.Parties[0].Receives("ola") {
		t.Errorf("parties %+v", tm.Parties)
	}
	if e := tm.EventsOfDefault[0]; e.Document != "fa" || e.Assumption != "a test" {
		t.Errorf("event %+v", e)
	}
	cases := []struct{ name, from, to, want string }{
		{"party of an unknown document", "documents: [fa]", "documents: [fb]", `party counsel: unknown document (found "fb", expected a document of the facility (ola, fa))`},
		{"obligation_overdue without a document", ", document: fa,", ",", "the rule obligation_overdue needs a document"},
		{"obligation_overdue of an unknown document", "document: fa,", "document: fz,", `event of default nonperformance: unknown document (found "fz"`},
		{"document on another rule", "rule: obligation_overdue", "rule: covenant_failed", "document given"},
		{"a category with a country", "kind: in_transit}", "kind: in_transit, country: US}", "location IN-TRANSIT has a country or address"},
	}
	for _, c := range cases {
		_, err := Parse(files(strings.Replace(good, c.from, c.to, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
