package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// unknownFrom is an amendment of the example facility making the term at
// path unknown from 2 January 2006 (op set for a term the facility does
// not have yet, replace otherwise).
func unknownFrom(op, path string) agreement.File {
	return agreement.NewFile("2006-01-02-unknown.yaml", []byte(fmt.Sprintf(`revolver: amendment/1
facility: btu-sovereign
id: unknown-term
document: first-amendment
effective: 2006-01-02
order: 1
changes:
  - op: %s
    path: %s
    cite: first-amendment §9
    value:
      unknown: the test does not know it
`, op, path)))
}

// An unknown term blocks exactly the figures and actions that need it, and
// says which, by its path: each term made unknown in turn, the figures
// (availability, the borrowing base of a certificate) and the actions (an
// advance, a collection, close of business: the interest of each day, its
// capitalisation) that need it are refused or undetermined, the others
// work as with every term known.
func TestUnknownTermBlocksOnlyWhatNeedsIt(t *testing.T) {
	type blocks struct {
		availability, advance, certificate, collection, interest bool
		// interestThrough30: interest through 30 January (no month end)
		// still closes when only the month end's capitalisation is blocked.
		monthEnd bool
	}
	for _, c := range []struct {
		op, path string
		blocks   blocks
	}{
		{"replace", "commitment", blocks{availability: true, advance: true}},
		{"set", "advance_cap", blocks{availability: true, advance: true}},
		{"replace", "termination_date", blocks{availability: true, advance: true}},
		{"replace", "borrowing_base.letters_of_credit", blocks{availability: true, advance: true, certificate: true}},
		{"replace", "borrowing_base.components.receivables.advance_rate", blocks{certificate: true}},
		{"replace", "borrowing_base.components.inventory.advance_rate", blocks{certificate: true}},
		{"replace", "borrowing_base.components.inventory.cap", blocks{certificate: true}},
		{"replace", "pricing.options.prime.margin", blocks{interest: true}},
		{"replace", "pricing.day_count", blocks{interest: true}},
		{"replace", "pricing.billing", blocks{monthEnd: true}},
		{"replace", "collections.clearance_days", blocks{collection: true}},
		{"replace", "events_of_default.cross_default.threshold", blocks{}},
	} {
		t.Run(c.path, func(t *testing.T) {
			defaultsBackends(t, func(t *testing.T, s store.Store) {
				testUnknownTerm(t, s, c.op, c.path, c.blocks.availability, c.blocks.advance, c.blocks.certificate, c.blocks.collection, c.blocks.interest, c.blocks.monthEnd)
			})
		})
	}
}

func testUnknownTerm(t *testing.T, s store.Store, op, path string, availability, advance, certificate, collection, interest, monthEnd bool) {
	ctx := context.Background()
	d := date.MustParse
	now := time.Date(2006, 1, 4, 12, 0, 0, 0, time.UTC)
	svc := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: func() time.Time { return now }}
	btuAs(t, svc, "btu", unknownFrom(op, path))
	if err := s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2005-01-01"), Value: money.MustRate("0.06")}, nil); err != nil {
		t.Fatal(err)
	}
	adv, _ := ledger.Advance(ledger.Ref{Facility: "btu", Key: "a", ValueDate: d("2006-01-03")}, 1_000_000_00)
	lc, _ := ledger.LCIssue(ledger.Ref{Facility: "btu", Key: "lc", ValueDate: d("2006-01-03")}, 100_000_00)
	if _, err := s.PostBatch(ctx, []ledger.Transaction{adv, lc}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenBusinessDate(ctx, d("2006-01-04"), "test", "test"); err != nil {
		t.Fatal(err)
	}
	// A certificate whose borrowing base is stored as submitted: what
	// availability compares.
	cert, err := s.CreateCertificate(ctx, store.Certificate{Facility: "btu", AsOf: d("2006-01-03"), PreparedBy: "controller", CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitCertificate(ctx, cert.ID, store.Submission{Body: []byte(`{}`), BorrowingBase: 5_000_000_00, By: "controller", At: now,
		Inputs: []store.InputContent{{Name: "r.csv", Content: []byte("x")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideCertificate(ctx, cert.ID, store.Decision{Status: store.Approved, Reviewer: "officer", At: now}); err != nil {
		t.Fatal(err)
	}
	// names says that msg names the unknown term by its path.
	names := func(what, msg string) {
		t.Helper()
		if !strings.Contains(msg, path) || !strings.Contains(msg, "the test does not know it") {
			t.Errorf("%s: %q does not name the unknown term %s and why", what, msg, path)
		}
	}

	// Availability.
	a, err := svc.Availability(ctx, "btu", d("2006-01-04"), time.Time{})
	if err != nil {
		t.Fatalf("availability: %v", err)
	}
	if a.Availability.Determined == availability {
		t.Errorf("availability determined %v, want %v (blocked %+v)", a.Availability.Determined, !availability, a.Availability.Blocked)
	}
	if availability {
		var msgs []string
		for _, r := range a.Availability.Blocked {
			msgs = append(msgs, r.Message)
		}
		names("availability", strings.Join(msgs, "; "))
	}

	// An advance.
	_, err = svc.Advance(ctx, AdvanceRequest{Facility: "btu", Key: "adv-2", Amount: 10_000_00, ValueDate: d("2006-01-04")})
	if advance {
		if store.ErrorCode(err) != ledger.CodeUndetermined {
			t.Errorf("advance: %v, want undetermined", err)
		} else {
			names("advance", err.Error())
		}
	} else if err != nil {
		t.Errorf("advance: %v", err)
	}

	// The borrowing base of a certificate.
	report := func(name string) store.InputContent {
		b, err := examples.FS.ReadFile("btu-sovereign/data/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return store.InputContent{Name: name, Content: b}
	}
	terms, err := svc.Terms.(*StoredTerms).TermsAsOf(ctx, "btu", d("2006-01-03"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.SubmitCertificate(ctx, terms, CertificateInput{Facility: "btu", AsOf: d("2006-01-03"), By: "controller",
		Receivables: report("receivables.csv"), Debtors: report("debtors.csv"), Inventory: report("inventory.csv")})
	if certificate {
		if err == nil {
			t.Errorf("certificate: submitted with a borrowing base that needs %s", path)
		} else {
			names("certificate", err.Error())
		}
	} else if err != nil {
		t.Errorf("certificate: %v", err)
	}

	// A collection.
	_, err = svc.Collect(ctx, "btu", "col", d("2006-01-04"), 1_000_00)
	if collection {
		if store.ErrorCode(err) != ledger.CodeUndetermined {
			t.Errorf("collection: %v, want undetermined", err)
		} else {
			names("collection", err.Error())
		}
	} else if err != nil {
		t.Errorf("collection: %v", err)
	}

	// Close of business: through 30 January, then the month end.
	accrued := func() (n int, capitalised bool) {
		txs, err := s.Transactions(ctx, "btu")
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range txs {
			n += map[bool]int{true: 1}[tr.Kind == ledger.KindInterest]
			capitalised = capitalised || tr.Kind == ledger.KindCapitalise
		}
		return n, capitalised
	}
	for _, through := range []date.Date{d("2006-01-30"), d("2006-01-31")} {
		res, err := svc.CloseOfBusiness(ctx, through)
		blocked := interest || monthEnd && through == d("2006-01-31")
		n, _ := accrued()
		if !blocked {
			if err != nil || len(res.Failed) != 0 {
				t.Fatalf("close of business %s: %+v %v", through, res, err)
			}
			if want := through.Sub(d("2006-01-03")) + 1; n != want {
				t.Errorf("close of business %s: %d days of interest accrued, want %d", through, n, want)
			}
			continue
		}
		var ce *CloseError
		if !errors.As(err, &ce) || len(res.Failed) != 1 || res.Failed[0].Facility != "btu" {
			t.Fatalf("close of business %s: %+v %v; want the facility reported not closed", through, res, err)
		}
		names("close of business", res.Failed[0].Reason)
		names("close of business error", err.Error())
		if want := map[bool]int{true: 28}[!interest]; n != want {
			t.Errorf("close of business %s: %d days of interest accrued, want %d", through, n, want)
		}
		if bd, _ := svc.BusinessDate(ctx); bd > through {
			t.Errorf("business date %s after a close of business through %s that did not close the facility", bd, through)
		}
	}
}
