package app

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/store"
)

func waiverLetter(t *testing.T) AmendmentFile {
	t.Helper()
	const name = "2005-05-20-waiver-letter.yaml"
	b, err := os.ReadFile("../agreement/testdata/btu-waiver/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return AmendmentFile{Name: name, Content: string(b)}
}

// A waiver letter is recorded as an amendment is (requested, approved by a
// second person, stored as a document of the facility): from then the
// failing test it names says it is waived and its event of default is not
// continuing from the letter's effective date; as known before it was
// recorded, nothing changes; the next quarter's failure is not waived.
func TestWaiverLetterRecordedAsAnAmendment(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		c := newClocked(t, s, time.Date(2006, 6, 2, 12, 0, 0, 0, time.UTC))
		d := date.MustParse
		if _, _, err := c.AddStatementsAt(ctx, "btu", failingQuarter(t), "controller@btu", et("2005-05-18 16:00")); err != nil {
			t.Fatal(err)
		}
		continuing := func(asOf string, knownAt time.Time) []string {
			t.Helper()
			ds, err := c.DefaultsContinuing(ctx, "btu", d(asOf), knownAt)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, x := range ds {
				ids = append(ids, x.ID)
			}
			return ids
		}
		stored := func(knownAt time.Time) []string {
			t.Helper()
			ids, err := c.Terms.(*StoredTerms).DefaultsContinuing(ctx, "btu", d("2005-05-25"), knownAt)
			if err != nil {
				t.Fatal(err)
			}
			return ids
		}
		covenants := func(knownAt time.Time) *covenant.Test {
			t.Helper()
			res, err := c.Covenants(ctx, "btu", knownAt, func(x date.Date) (*agreement.Terms, error) { return c.agreementAt(ctx, "btu", x) })
			if err != nil {
				t.Fatal(err)
			}
			for i := range res.Tests {
				if res.Tests[i].Covenant == "minimum_net_income" && res.Tests[i].PeriodEnd == d("2005-04-03") {
					return &res.Tests[i]
				}
			}
			t.Fatal("no minimum net income test for 2005-04-03")
			return nil
		}
		if got := continuing("2005-05-25", time.Time{}); len(got) != 1 || got[0] != netIncomeQ1 {
			t.Fatalf("before the waiver: continuing %v", got)
		}
		before := c.at

		// A waiver naming a test that does not exist is refused, with its place.
		bad := waiverLetter(t)
		bad.Name = "bad-waiver.yaml"
		bad.Content = strings.Replace(bad.Content, "period: 2005-04-03", "period: 2005-04-30", 1)
		bad.Content = strings.Replace(bad.Content, "covenant: minimum_net_income", "covenant: minimum_ebitda", 1)
		if _, err := c.RequestAmendment(ctx, "btu", bad, "officer1@bank"); store.ErrorCode(err) != store.CodeInvalid ||
			!strings.Contains(err.Error(), `bad-waiver.yaml:23:5: waiver of a covenant test that does not exist (found "minimum_ebitda"`) {
			t.Fatalf("a waiver of a missing test: %v", err)
		}

		c.at = time.Date(2006, 6, 10, 12, 0, 0, 0, time.UTC)
		p, err := c.RequestAmendment(ctx, "btu", waiverLetter(t), "officer1@bank")
		if err != nil {
			t.Fatal(err)
		}
		if got := continuing("2005-05-25", time.Time{}); len(got) != 1 {
			t.Fatalf("requested, not yet approved: continuing %v", got)
		}
		if _, _, err := c.DecidePending(ctx, "btu", p.ID, true, "officer1@bank", ""); store.ErrorCode(err) != store.CodeForbidden {
			t.Fatalf("approved by its requester: %v", err)
		}
		c.at = c.at.Add(time.Hour)
		if _, _, err := c.DecidePending(ctx, "btu", p.ID, true, "officer2@bank", ""); err != nil {
			t.Fatal(err)
		}
		docs, err := s.Documents(ctx, "btu")
		if err != nil {
			t.Fatal(err)
		}
		var doc *store.Document
		for i := range docs {
			if docs[i].ID == waiverLetter(t).Name {
				doc = &docs[i]
			}
		}
		if doc == nil || doc.Kind != DocAmendment || doc.Effective != d("2005-05-20") || doc.RecordedBy != "officer2@bank" {
			t.Fatalf("stored document %+v", doc)
		}

		// As known now: waived from 2005-05-20, continuing before.
		if got := continuing("2005-05-25", time.Time{}); len(got) != 0 {
			t.Errorf("after the waiver: continuing %v", got)
		}
		if got := stored(time.Time{}); len(got) != 0 {
			t.Errorf("after the waiver (the availability check): continuing %v", got)
		}
		if got := continuing("2005-05-19", time.Time{}); len(got) != 1 {
			t.Errorf("before the waiver's effective date: continuing %v", got)
		}
		rep, err := c.DefaultsReportAt(ctx, "btu", d("2005-05-25"), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Defaults) != 1 || rep.Defaults[0].Status != "waived" || !strings.Contains(rep.Defaults[0].Why, "waived by Waiver Letter of 20 May 2005 §1") {
			t.Errorf("report %+v", rep.Defaults)
		}
		if tt := covenants(c.at); tt.Result != covenant.Fail || tt.ResultText() != "fail — waived by first-waiver §1" || tt.Actual.String() != "-1236480.00" || tt.Required.String() != "1.00" {
			t.Errorf("covenant test as known now: %s %s %s", tt.ResultText(), tt.Actual, tt.Required)
		}

		// As known before it was recorded, nothing changed.
		if got := continuing("2005-05-25", before); len(got) != 1 || got[0] != netIncomeQ1 {
			t.Errorf("as known at %s: continuing %v", before, got)
		}
		if got := stored(before); len(got) != 1 {
			t.Errorf("as known at %s (the availability check): continuing %v", before, got)
		}
		if tt := covenants(before); tt.Waiver != nil || tt.ResultText() != "fail" {
			t.Errorf("covenant test as known before the waiver: %s", tt.ResultText())
		}
		known, err := c.CovenantsAsKnown(ctx, "btu", before, func(x date.Date) (*agreement.Terms, error) { return c.agreementAt(ctx, "btu", x) })
		if err != nil {
			t.Fatal(err)
		}
		if h := known.Hindsight; h == nil || len(h.Changes) != 1 || h.Changes[0].PeriodEnd != d("2005-04-03") ||
			!strings.HasPrefix(h.Changes[0].Why, "a waiver letter recorded since: waived by Waiver Letter of 20 May 2005 §1") {
			t.Errorf("hindsight %+v", known.Hindsight)
		}

		// The next quarter's failure is not waived.
		data, err := os.ReadFile("../examples/btu-sovereign/data/financials.csv")
		if err != nil {
			t.Fatal(err)
		}
		sts, err := covenant.ReadStatements("financials.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		var q2 []covenant.Statement
		for _, st := range sts {
			if st.PeriodEnd == d("2005-07-03") {
				q2 = append(q2, st)
			}
		}
		if _, _, err := c.AddStatementsAt(ctx, "btu", q2, "controller@btu", c.at); err != nil {
			t.Fatal(err)
		}
		if got := continuing("2005-07-10", time.Time{}); len(got) != 1 || got[0] != "covenant_failed:minimum_net_income:2005-07-03" {
			t.Errorf("the next quarter: continuing %v", got)
		}
	})
}

// A restatement is recorded the same way: from its effective date its
// terms are the facility's; before it nothing changes.
func TestRestatementRecordedAsAnAmendment(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		c := newClocked(t, s, time.Date(2006, 6, 2, 12, 0, 0, 0, time.UTC))
		t0, err := c.agreementAt(ctx, "btu", date.MustParse("2006-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		if t0.Commitment.Value != 14_000_000_00 {
			t.Fatalf("commitment %s", t0.Commitment.Value)
		}
		b, err := os.ReadFile("../examples/btu-sovereign/agreement.yaml")
		if err != nil {
			t.Fatal(err)
		}
		// The restated terms are the original agreement's, restated by a
		// document of the facility, with a lower commitment.
		body := string(b)
		i := strings.Index(body, "\nterms:\n")
		if i < 0 {
			t.Fatal("no terms in the example agreement")
		}
		restated := `revolver: restatement/1
facility: btu-sovereign
id: restated
document: {id: restated, title: Amended and Restated Loan Agreement, date: 2006-07-01}
effective: 2006-07-01
` + strings.Replace(body[i+1:], "value: 14000000.00", "value: 12000000.00", 1)
		p, err := c.RequestAmendment(ctx, "btu", AmendmentFile{Name: "2006-07-01-restated.yaml", Content: restated}, "officer1@bank")
		if err != nil {
			t.Fatal(err)
		}
		c.at = c.at.Add(time.Hour)
		if _, _, err := c.DecidePending(ctx, "btu", p.ID, true, "officer2@bank", ""); err != nil {
			t.Fatal(err)
		}
		before, err := c.agreementAt(ctx, "btu", date.MustParse("2006-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		after, err := c.agreementAt(ctx, "btu", date.MustParse("2006-07-01"))
		if err != nil {
			t.Fatal(err)
		}
		if before.Commitment.Value != 14_000_000_00 || before.Commitment.Cite.Document != "first-amendment" {
			t.Errorf("before the restatement: %+v", before.Commitment)
		}
		// The First Amendment's changes are not restated: gone.
		if after.Commitment.Value != 12_000_000_00 || after.Commitment.Cite.Amendment != "restated" || len(after.Amendments) != 1 {
			t.Errorf("after the restatement: %+v, amendments %+v", after.Commitment, after.Amendments)
		}
	})
}
