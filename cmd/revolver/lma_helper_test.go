package main

import (
	"context"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/store/dial"
)

// lmaPerformedIn is lmaPerformed on the database db (a SQLite file or a PostgreSQL URL).
func lmaPerformedIn(t *testing.T, db, slug string) {
	t.Helper()
	if err := recordLMAPerformed(db, slug); err != nil {
		t.Fatal(err)
	}
}

// lmaPerformedCmd is the script command "lmaperformed DB SLUG": the LMA's
// fee and costs paid (lmaPerformed), for scripts of other matters; the
// command line records no occurrences (the API does).
func lmaPerformedCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: lmaperformed DB SLUG")
	}
	if err := recordLMAPerformed(ts.MkAbs(args[0]), args[1]); err != nil {
		ts.Fatalf("lmaperformed: %v", err)
	}
}

func recordLMAPerformed(db, slug string) error {
	ctx := context.Background()
	st, err := dial.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st},
		Now: func() time.Time { return time.Date(2004, 2, 5, 22, 0, 0, 0, time.UTC) }}
	for _, e := range lmaEvents() {
		if _, err := svc.RecordOccurrence(ctx, app.FactInput{Facility: slug, Key: "lma-" + e.Kind, By: "setup"}, e); err != nil {
			return err
		}
	}
	return nil
}

func lmaEvents() []defaults.Event {
	return []defaults.Event{
		{Kind: "fee_paid", Ref: "transaction_fee", Date: date.MustParse("2004-01-28"), Note: "paid by wire at closing"},
		{Kind: "costs_paid", Ref: "lma_costs", Date: date.MustParse("2004-02-05"), Note: "counsel's invoice paid"},
	}
}

// lmaPerformed records on svc, as known on 5 February 2004, the fee of the
// Loan Modification Agreement §II.A paid at closing and its §III.F costs
// paid that day, as the demo does: without them every later date has the
// LMA §III.D(i) event of default of their being overdue, which tests of
// other defaults, advances and availability do not concern.
func lmaPerformed(t *testing.T, svc *app.Service, slug string) {
	t.Helper()
	now := svc.Now
	defer func() { svc.Now = now }()
	svc.Now = func() time.Time { return time.Date(2004, 2, 5, 22, 0, 0, 0, time.UTC) }
	for _, e := range lmaEvents() {
		if _, err := svc.RecordOccurrence(context.Background(), app.FactInput{Facility: slug, Key: "lma-" + e.Kind, By: "setup"}, e); err != nil {
			t.Fatal(err)
		}
	}
}

// lmaFacts are the same payments as facts for the deadlines command.
var lmaFacts = `{"kind": "fee_paid", "ref": "transaction_fee", "date": "2004-01-28", "id": "lma-fee"}, {"kind": "costs_paid", "ref": "lma_costs", "date": "2004-02-05", "id": "lma-costs"}`
