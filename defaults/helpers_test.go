package defaults_test

import (
	"sync"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/calendar"
	"revolver/date"
	"revolver/defaults"
)

var (
	btuOnce sync.Once
	btu     *agreement.Facility
	btuErr  error
	ny      *time.Location
)

func facility(t testing.TB) *agreement.Facility {
	t.Helper()
	btuOnce.Do(func() {
		btu, btuErr = agreement.Load("../examples/btu-sovereign")
		if btuErr == nil {
			ny, btuErr = time.LoadLocation("America/New_York")
		}
	})
	if btuErr != nil {
		t.Fatalf("load example: %v", btuErr)
	}
	return btu
}

func terms(t testing.TB, asOf string) *agreement.Terms {
	t.Helper()
	tm, err := facility(t).TermsAsOf(date.MustParse(asOf))
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func d(s string) date.Date { return date.MustParse(s) }

func dp(s string) *date.Date { x := date.MustParse(s); return &x }

// at is a time in New York: "2004-07-02 16:30".
func at(t testing.TB, s string) time.Time {
	t.Helper()
	facility(t)
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func courier(t testing.TB, id, subject, sent string) defaults.Notice {
	return defaults.Notice{ID: id, From: "lender", To: "borrower", Subject: subject, Method: "courier", Sent: at(t, sent)}
}

// performed adds to f the performance of the Loan Modification Agreement at
// closing (the fee paid on 28 January 2004, the costs on 5 February, as in
// the demo), unless f records a payment of that kind itself: without them
// every later date has the LMA §III.D(i) default of their being overdue,
// which tests of other defaults and remedies do not concern.
func performed(f defaults.Facts) defaults.Facts {
	has := func(kind string) bool {
		for _, e := range f.Events {
			if e.Kind == kind {
				return true
			}
		}
		return false
	}
	evs := append([]defaults.Event(nil), f.Events...)
	if !has("fee_paid") {
		evs = append(evs, defaults.Event{ID: "lma-fee", Kind: "fee_paid", Ref: "transaction_fee", Date: d("2004-01-28")})
	}
	if !has("costs_paid") {
		evs = append(evs, defaults.Event{ID: "lma-costs", Kind: "costs_paid", Ref: "lma_costs", Date: d("2004-02-05")})
	}
	f.Events = evs
	return f
}

// evaluate evaluates f on asOf with the Loan Modification Agreement performed
// at closing (performed); evaluateAsGiven evaluates f alone.
func evaluate(t *testing.T, asOf string, f defaults.Facts) *defaults.Report {
	t.Helper()
	return evaluateAsGiven(t, asOf, performed(f))
}

func evaluateAsGiven(t *testing.T, asOf string, f defaults.Facts) *defaults.Report {
	t.Helper()
	r, err := defaults.Evaluate(terms(t, asOf), f, d(asOf), ny)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func deadline(t *testing.T, r *defaults.Report, id string) defaults.Deadline {
	t.Helper()
	for _, x := range r.Deadlines {
		if x.ID == id {
			return x
		}
	}
	var ids []string
	for _, x := range r.Deadlines {
		ids = append(ids, x.ID)
	}
	t.Fatalf("no deadline %s on %s; have %v", id, r.AsOf, ids)
	return defaults.Deadline{}
}

func remedy(t *testing.T, r *defaults.Report, id string) defaults.RemedyStatus {
	t.Helper()
	for _, x := range r.Remedies {
		if x.ID == id {
			return x
		}
	}
	t.Fatalf("no remedy %s", id)
	return defaults.RemedyStatus{}
}

func fed() calendar.Calendar { return calendar.FederalReserve() }
