package app

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// q1 2005 of the example: net income -1,236,480.00, below the minimum.
func failingQuarter(t *testing.T) []covenant.Statement {
	t.Helper()
	data, err := os.ReadFile("../examples/btu-sovereign/data/financials.csv")
	if err != nil {
		t.Fatal(err)
	}
	sts, err := covenant.ReadStatements("financials.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	var out []covenant.Statement
	for _, st := range sts {
		if st.PeriodEnd <= date.MustParse("2005-04-03") {
			out = append(out, st)
		}
	}
	return out
}

const netIncomeQ1 = "covenant_failed:minimum_net_income:2005-04-03"

func continuingIDs(t *testing.T, svc *Service, asOf date.Date, knownAt time.Time) []string {
	t.Helper()
	ds, err := svc.DefaultsContinuing(context.Background(), "btu", asOf, knownAt)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

func refusedForDefault(t *testing.T, svc *Service, key string, vd date.Date) bool {
	t.Helper()
	svc.Terms.(*StoredTerms).Invalidate("btu")
	_, err := svc.Advance(context.Background(), AdvanceRequest{Facility: "btu", Key: key, Amount: money.Amount(100_00), ValueDate: vd})
	return store.ErrorCode(err) == ledger.CodeDefaultContinuing
}

// One officer posting a passing covenant result over a failing test does not
// end the event of default: the result is a request a second lender
// approves; a result for a covenant the terms do not have is refused.
func TestCovenantResultOverFailingTestNeedsSecondLender(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		d := date.MustParse
		if _, _, err := svc.AddStatementsAt(ctx, "btu", failingQuarter(t), "controller@btu", et("2005-05-18 16:00")); err != nil {
			t.Fatal(err)
		}
		_, err := svc.RecordCovenantResult(ctx, in("bogus", "officer1@bank"), defaults.CovenantResult{Covenant: "minimum_happiness", PeriodEnd: d("2005-04-03"), Pass: true})
		if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), `"minimum_happiness"`) || !strings.Contains(err.Error(), "minimum_net_income") {
			t.Errorf("a result for a covenant the terms do not have: %v, want invalid naming it and the covenants", err)
		}
		r, err := svc.RecordCovenantResult(ctx, in("over", "officer1@bank"), defaults.CovenantResult{Covenant: "minimum_net_income", PeriodEnd: d("2005-04-03"), Pass: true, Actual: "1.00", Required: "1.00"})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Pending || r.Request == nil || r.Request.Kind != defaults.RequestCovenantResult {
			t.Fatalf("a passing result over a failing test: %+v, want a pending request", r)
		}
		if ids := continuingIDs(t, svc, d("2005-05-20"), time.Time{}); len(ids) != 1 || ids[0] != netIncomeQ1 {
			t.Fatalf("continuing after one officer's result: %v, want %s", ids, netIncomeQ1)
		}
		if !refusedForDefault(t, svc, "adv1", d("2005-05-20")) {
			t.Errorf("an advance after one officer's passing result was not refused for the default")
		}
		if _, err := svc.DecideRequest(ctx, in("ok1", "officer1@bank"), r.Record.ID, true, ""); store.ErrorCode(err) != store.CodeForbidden {
			t.Fatalf("the requester approves: %v, want forbidden", err)
		}
		if _, err := svc.DecideRequest(ctx, in("no", "officer2@bank"), r.Record.ID, false, ""); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("a rejection without a comment: %v, want invalid", err)
		}
		ok, err := svc.DecideRequest(ctx, in("ok2", "officer2@bank"), r.Record.ID, true, "")
		if err != nil {
			t.Fatal(err)
		}
		if again, err := svc.DecideRequest(ctx, in("ok2", "officer2@bank"), r.Record.ID, true, ""); err != nil || !again.Replayed || again.Record.ID != ok.Record.ID {
			t.Errorf("replay: %+v %v", again, err)
		}
		if _, err := svc.DecideRequest(ctx, in("ok3", "officer3@bank"), r.Record.ID, true, ""); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("deciding twice: %v, want conflict", err)
		}
		if ids := continuingIDs(t, svc, d("2006-06-02"), time.Time{}); len(ids) != 0 {
			t.Errorf("continuing after the approval: %v", ids)
		}
		rep, err := svc.DefaultsReport(ctx, "btu", d("2006-06-02"))
		if err != nil {
			t.Fatal(err)
		}
		x := rep.Defaults[0]
		last := x.History[len(x.History)-1]
		if x.Status != defaults.StageCured || last.By != "officer1@bank" || last.ApprovedBy != "officer2@bank" || x.Cured != d("2006-06-01") {
			t.Errorf("after the approval: %+v, want cured on the business date 2006-06-01, requested by officer1 and approved by officer2", x)
		}
	})
}

// A borrower's restatement of a period already reported is a submission
// the lender accepts: until then the covenant tests, the defaults and the
// availability check use the statements first reported; once accepted the
// failed test is cured from the acceptance, by the two of them.
func TestRestatementIsASubmissionTheLenderAccepts(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		d := date.MustParse
		q1 := failingQuarter(t)
		if _, _, err := svc.AddStatementsAt(ctx, "btu", q1, "controller@btu", et("2005-05-18 16:00")); err != nil {
			t.Fatal(err)
		}
		restated := q1[len(q1)-1]
		restated.Lines = map[string]money.Amount{}
		for k, v := range q1[len(q1)-1].Lines {
			restated.Lines[k] = v
		}
		restated.Lines["net_income"] = money.Amount(50_000_00)
		recorded, pending, err := svc.AddStatements(ctx, "btu", []covenant.Statement{restated}, "controller@btu")
		if err != nil {
			t.Fatal(err)
		}
		if len(recorded) != 0 || len(pending) != 1 || pending[0].Request.Kind != defaults.RequestRestatement || pending[0].Request.Status != RequestRequested {
			t.Fatalf("restatement: recorded %+v pending %+v, want one pending submission", recorded, pending)
		}
		if h, _ := s.FinancialsHistory(ctx, "btu", restated.PeriodEnd); len(h) != 1 {
			t.Errorf("statements of the period before acceptance: %d, want the first only", len(h))
		}
		res, err := svc.Covenants(ctx, "btu", time.Now(), func(d date.Date) (*agreement.Terms, error) { return svc.agreementAt(ctx, "btu", d) })
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range res.Tests {
			if tt.Covenant == "minimum_net_income" && tt.PeriodEnd == restated.PeriodEnd && tt.Result != covenant.Fail {
				t.Errorf("net income before acceptance: %s, want the first statements' fail", tt.Result)
			}
		}
		ds, err := svc.DefaultsContinuing(ctx, "btu", d("2006-06-01"), time.Time{})
		if err != nil || len(ds) != 1 || ds[0].ID != netIncomeQ1 || len(ds[0].Pending) != 1 || ds[0].Pending[0].Kind != defaults.RequestRestatement {
			t.Fatalf("continuing with the restatement pending: %+v %v", ds, err)
		}
		if !refusedForDefault(t, svc, "adv1", d("2006-06-01")) {
			t.Errorf("an advance with the restatement pending was not refused for the default")
		}
		if _, err := svc.DecideRequest(ctx, in("acc1", "controller@btu"), pending[0].Record.ID, true, ""); store.ErrorCode(err) != store.CodeForbidden {
			t.Fatalf("the submitter accepts: %v, want forbidden", err)
		}
		if _, err := svc.DecideRequest(ctx, in("acc2", "officer1@bank"), pending[0].Record.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if h, _ := s.FinancialsHistory(ctx, "btu", restated.PeriodEnd); len(h) != 2 || h[1].SubmittedBy != "controller@btu" {
			t.Errorf("statements of the period after acceptance: %+v, want both, the second submitted by the controller", h)
		}
		if ids := continuingIDs(t, svc, d("2006-06-01"), time.Time{}); len(ids) != 0 {
			t.Errorf("continuing after the acceptance: %v", ids)
		}
		if refusedForDefault(t, svc, "adv2", d("2006-06-01")) {
			t.Errorf("an advance after the acceptance was refused for the default")
		}
		// Before the acceptance it continued, with hindsight or not.
		if ids := continuingIDs(t, svc, d("2006-05-31"), time.Time{}); len(ids) != 1 {
			t.Errorf("continuing the day before the acceptance: %v", ids)
		}
	})
}

// As known at a time: a default recorded after K, or a waiver approved after
// K, does not count at K.
func TestDefaultsContinuingAsKnownAt(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		d := date.MustParse
		now := time.Date(2005, 6, 2, 15, 0, 0, 0, time.UTC)
		svc.Now = func() time.Time { return now }
		eod, err := svc.RecordDefault(ctx, in("eod", "officer1@bank"), defaults.DefaultRecord{Event: "dissolution", Occurred: d("2005-06-01"), Description: "dissolved"})
		if err != nil {
			t.Fatal(err)
		}
		now = time.Date(2005, 6, 10, 15, 0, 0, 0, time.UTC)
		w, err := svc.RequestWaiver(ctx, in("w", "officer1@bank"), WaiverRequest{Default: eod.ID, Date: d("2005-06-10"), Agreement: "security-agreement"})
		if err != nil {
			t.Fatal(err)
		}
		now = time.Date(2005, 6, 13, 15, 0, 0, 0, time.UTC)
		if _, err := svc.DecideRequest(ctx, in("wa", "officer2@bank"), w.Record.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name    string
			asOf    string
			knownAt time.Time
			want    int
		}{
			{"before it was recorded", "2005-06-15", time.Date(2005, 6, 1, 23, 0, 0, 0, time.UTC), 0},
			{"recorded, waiver not yet approved", "2005-06-15", time.Date(2005, 6, 12, 23, 0, 0, 0, time.UTC), 1},
			{"waiver approved", "2005-06-15", time.Date(2005, 6, 13, 23, 0, 0, 0, time.UTC), 0},
			{"every fact", "2005-06-15", time.Time{}, 0},
			{"every fact, before the waiver's date", "2005-06-05", time.Time{}, 1},
		} {
			if got := continuingIDs(t, svc, d(c.asOf), c.knownAt); len(got) != c.want {
				t.Errorf("%s: continuing %v, want %d", c.name, got, c.want)
			}
		}
		// The report as known at a time says so.
		rep, err := svc.DefaultsReportAt(ctx, "btu", d("2005-06-15"), time.Date(2005, 6, 12, 23, 0, 0, 0, time.UTC))
		if err != nil || len(rep.Defaults) != 1 || !rep.Defaults[0].Continuing || len(rep.Defaults[0].Pending) != 1 || !strings.Contains(rep.Defaults[0].Why, "as known at") {
			t.Errorf("report as known at 2005-06-12: %+v %v", rep, err)
		}
	})
}

// Events of default and waivers an earlier version kept as approved
// documents are read as facts by the one rule (and so block advances);
// an old pending default record decided now is recorded as a fact.
func TestLegacyApprovalsReadAsFacts(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		d := date.MustParse
		put := func(id, kind string, r DefaultRecord) {
			b, _ := json.Marshal(r)
			if _, err := s.PutDocument(ctx, store.Document{Facility: "btu", ID: id, Kind: kind, Effective: r.Date, RecordedBy: "officer2@bank", RecordedAt: time.Date(2005, 6, 3, 12, 0, 0, 0, time.UTC), Content: b}); err != nil {
				t.Fatal(err)
			}
		}
		put("event_of_default-1", DocEventOfDefault, DefaultRecord{Event: "dissolution", Date: d("2005-06-01"), Note: "dissolved"})
		svc.Terms.(*StoredTerms).Invalidate("btu")
		if ids := continuingIDs(t, svc, d("2005-06-10"), time.Time{}); len(ids) != 1 || ids[0] != "event_of_default-1" {
			t.Fatalf("continuing from an approved document: %v", ids)
		}
		if !refusedForDefault(t, svc, "adv1", d("2005-06-10")) {
			t.Errorf("an advance with the document's default continuing was not refused")
		}
		put("waiver-2", DocWaiver, DefaultRecord{Event: "dissolution", Date: d("2005-06-20")})
		svc.Terms.(*StoredTerms).Invalidate("btu")
		if ids := continuingIDs(t, svc, d("2005-06-21"), time.Time{}); len(ids) != 0 {
			t.Errorf("continuing after the approved waiver document: %v", ids)
		}
		if refusedForDefault(t, svc, "adv2", d("2005-06-21")) {
			t.Errorf("an advance after the approved waiver document was refused")
		}

		// A pending default record of an earlier version, decided now.
		payload, _ := json.Marshal(DefaultRecord{Event: "dissolution", Date: d("2005-07-01"), Note: "dissolved again"})
		p, err := svc.createPending(ctx, store.Pending{Facility: "btu", Kind: PendingEventOfDefault, Payload: payload, RequestedBy: "officer1@bank", RequestedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.DecidePending(ctx, "btu", p.ID, true, "officer1@bank", ""); store.ErrorCode(err) != store.CodeForbidden {
			t.Fatalf("the requester decides: %v", err)
		}
		if _, _, err := svc.DecidePending(ctx, "btu", p.ID, true, "officer2@bank", ""); err != nil {
			t.Fatal(err)
		}
		ds, err := svc.DefaultsContinuing(ctx, "btu", d("2005-07-02"), time.Time{})
		if err != nil || len(ds) != 1 || ds[0].Event != "dissolution" || ds[0].RecordedBy != "officer1@bank" {
			t.Fatalf("continuing after deciding the old pending record: %+v %v", ds, err)
		}
	})
}
