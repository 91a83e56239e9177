package app

import (
	"context"
	"testing"

	"revolver/date"
	"revolver/examples"
	"revolver/store"
)

// The same certificate submission sent twice (a form sent again, a retried
// upload) stores one certificate; other reports, another date or another
// person's submission are new certificates, and so is the same submission
// once the first is decided.
func TestSubmitCertificateTwiceStoresOne(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		svc := btu(t, s)
		ctx := context.Background()
		report := func(name string) store.InputContent {
			b, err := examples.FS.ReadFile("btu-sovereign/data/" + name)
			if err != nil {
				t.Fatal(err)
			}
			return store.InputContent{Name: name, Content: b}
		}
		submit := func(asOf, by string, inventory store.InputContent) store.Certificate {
			t.Helper()
			d := date.MustParse(asOf)
			terms, err := svc.Terms.(*StoredTerms).TermsAsOf(ctx, "btu", d)
			if err != nil {
				t.Fatal(err)
			}
			c, _, err := svc.SubmitCertificate(ctx, terms, CertificateInput{Facility: "btu", AsOf: d, By: by,
				Receivables: report("receivables.csv"), Debtors: report("debtors.csv"), Inventory: inventory})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		inv := report("inventory.csv")
		first := submit("2004-10-03", "controller", inv)
		if again := submit("2004-10-03", "controller", inv); again.ID != first.ID {
			t.Errorf("the same submission again stored certificate %d besides %d", again.ID, first.ID)
		}
		other := inv
		other.Content = append([]byte(nil), inv.Content...)
		other.Content = append(other.Content, '\n')
		seen := map[int64]bool{first.ID: true}
		for _, c := range []store.Certificate{
			submit("2004-10-03", "controller", other),
			submit("2004-10-04", "controller", inv),
			submit("2004-10-03", "treasurer", inv),
		} {
			if seen[c.ID] {
				t.Errorf("a different submission returned certificate %d", c.ID)
			}
			seen[c.ID] = true
		}
		if _, _, err := svc.DecideCertificate(ctx, "btu", first.ID, CertificateDecision{Status: store.Rejected, By: "officer", Comment: "the aging does not tie"}); err != nil {
			t.Fatal(err)
		}
		if again := submit("2004-10-03", "controller", inv); seen[again.ID] {
			t.Errorf("the submission after the first was rejected returned certificate %d", again.ID)
		}
		if cs, _ := s.Certificates(ctx, "btu"); len(cs) != 5 {
			t.Errorf("%d certificates stored, want 5", len(cs))
		}
	})
}
