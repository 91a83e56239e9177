package defaults_test

import (
	"strings"
	"testing"
	"time"

	"revolver/defaults"
	"revolver/money"
)

// The covenant failure of the quarter ended 31 March 2005 (input data), the
// Bank's §7.2 notice by courier on Friday 13 May 2005 (effective Monday 16
// May), and a sale notice on Monday 16 May (effective Tuesday 17 May).
func covenantFacts(t *testing.T) defaults.Facts {
	eod := courier(t, "n72", defaults.SubjectDefault, "2005-05-13 15:00")
	eod.Default, eod.Under = "covenant_failed:minimum_net_income:2005-03-31", "§7.2"
	return defaults.Facts{
		CovenantResults: []defaults.CovenantResult{
			{Covenant: "minimum_net_income", PeriodEnd: d("2004-12-31"), Pass: true, Actual: "412000.00", Required: "1.00"},
			{Covenant: "minimum_net_income", PeriodEnd: d("2005-03-31"), Pass: false, Actual: "-250000.00", Required: "1.00"},
		},
		Notices: []defaults.Notice{eod, courier(t, "nsale", "sale", "2005-05-16 10:00")},
	}
}

const covDefault = "covenant_failed:minimum_net_income:2005-03-31"

func findDefault(t *testing.T, r *defaults.Report, id string) defaults.Default {
	t.Helper()
	for _, x := range r.Defaults {
		if x.ID == id {
			return x
		}
	}
	t.Fatalf("no default %s on %s: %+v", id, r.AsOf, r.Defaults)
	return defaults.Default{}
}

func TestCovenantDefaultLifecycle(t *testing.T) {
	f := covenantFacts(t)
	waiver := func(w defaults.Waiver) defaults.Action {
		return defaults.Action{ID: "w1", Default: covDefault, Kind: defaults.ActionWaiver, Date: d("2005-06-01"), Waiver: &w}
	}
	good := defaults.Waiver{Written: true, Agreement: "original-loan-agreement", Covenant: "minimum_net_income", Period: d("2005-03-31"), RequestedBy: "relationship-manager", ApprovedBy: "credit-officer"}
	cases := []struct {
		name, asOf string
		actions    []defaults.Action
		status     string
		continuing bool
		problem    string
	}{
		{"occurred", "2005-04-01", nil, defaults.StageOccurred, true, ""},
		{"notice sent, not yet effective", "2005-05-13", nil, defaults.StageOccurred, true, ""},
		{"notice effective", "2005-05-16", nil, defaults.StageNotice, true, ""},
		{"waived", "2005-06-02", []defaults.Action{waiver(good)}, defaults.StageWaived, false, ""},
		{"waiver approved by its requester", "2005-06-02", []defaults.Action{waiver(func() defaults.Waiver { w := good; w.ApprovedBy = w.RequestedBy; return w }())}, defaults.StageNotice, true, "the approver must not be the requester"},
		{"waiver of another period", "2005-06-02", []defaults.Action{waiver(func() defaults.Waiver { w := good; w.Period = d("2004-12-31"); return w }())}, defaults.StageNotice, true, "must name the period ended 2005-03-31"},
		{"oral waiver", "2005-06-02", []defaults.Action{waiver(func() defaults.Waiver { w := good; w.Written = false; return w }())}, defaults.StageNotice, true, "written consent"},
		{"waiver naming no agreement", "2005-06-02", []defaults.Action{waiver(func() defaults.Waiver { w := good; w.Agreement = ""; return w }())}, defaults.StageNotice, true, "explicit reference to the agreement"},
		{"accelerated", "2005-06-10", []defaults.Action{{ID: "acc", Default: covDefault, Kind: defaults.ActionAcceleration, Date: d("2005-06-09")}}, defaults.StageAccelerated, true, ""},
		{"accelerated before notice", "2005-06-10", []defaults.Action{{ID: "acc", Default: covDefault, Kind: defaults.ActionAcceleration, Date: d("2005-05-13")}}, defaults.StageNotice, true, "precedes any effective notice"},
		{"cured", "2005-07-01", []defaults.Action{{ID: "c", Default: covDefault, Kind: defaults.ActionCure, Date: d("2005-06-30"), RequestedBy: "relationship-manager", ApprovedBy: "credit-officer"}}, defaults.StageCured, false, ""},
		{"cure by one person", "2005-07-01", []defaults.Action{{ID: "c", Default: covDefault, Kind: defaults.ActionCure, Date: d("2005-06-30"), RequestedBy: "relationship-manager"}}, defaults.StageNotice, true, "needs a request and a second person's approval"},
		{"cure approved by its requester", "2005-07-01", []defaults.Action{{ID: "c", Default: covDefault, Kind: defaults.ActionCure, Date: d("2005-06-30"), RequestedBy: "credit-officer", ApprovedBy: "credit-officer"}}, defaults.StageNotice, true, "needs a request and a second person's approval"},
		{"action on an unknown default", "2005-07-01", []defaults.Action{{ID: "x", Default: "nope", Kind: defaults.ActionCure, Date: d("2005-06-30"), RequestedBy: "a", ApprovedBy: "b"}}, defaults.StageNotice, true, `names default "nope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ff := f
			ff.Actions = c.actions
			r := evaluate(t, c.asOf, ff)
			if len(r.Defaults) != 1 {
				t.Fatalf("defaults %+v, want the one covenant failure", r.Defaults)
			}
			x := findDefault(t, r, covDefault)
			if x.Status != c.status || x.Continuing != c.continuing || x.Occurred != d("2005-03-31") {
				t.Errorf("status %s continuing %v occurred %s; want %s %v 2005-03-31 (history %+v)", x.Status, x.Continuing, x.Occurred, c.status, c.continuing, x.History)
			}
			var probs []string
			for _, p := range r.Problems {
				probs = append(probs, p.Message)
			}
			if c.problem == "" && len(probs) > 0 || c.problem != "" && !strings.Contains(strings.Join(probs, "\n"), c.problem) {
				t.Errorf("problems %q, want %q", probs, c.problem)
			}
			if x.Cite.Document != "original-loan-agreement" || !strings.Contains(x.Detail, "actual -250000.00, required 1.00") {
				t.Errorf("cite %+v detail %q", x.Cite, x.Detail)
			}
		})
	}
}

func TestRemediesOverTime(t *testing.T) {
	f := covenantFacts(t)
	type want struct{ trust, setoff, debtors, poa, sale, insProceeds bool }
	cases := []struct {
		asOf string
		w    want
		miss map[string]string // remedy → fragment of a missing condition
	}{
		{"2005-03-30", want{}, map[string]string{"setoff": "none on 2005-03-30"}},
		// The covenant failed on 31 March: rights needing only a continuing default.
		{"2005-04-01", want{setoff: true, debtors: true, insProceeds: true}, map[string]string{"power_of_attorney": "§7.2", "proceeds_in_trust": "notice by the Bank"}},
		{"2005-05-16", want{trust: true, setoff: true, debtors: true, poa: true, insProceeds: true}, map[string]string{"sale": "no sale notice effective (notice nsale takes effect 2005-05-17)"}},
		{"2005-05-26", want{trust: true, setoff: true, debtors: true, poa: true, insProceeds: true}, map[string]string{"sale": "runs on 2005-05-27"}},
		{"2005-05-27", want{trust: true, setoff: true, debtors: true, poa: true, sale: true, insProceeds: true}, nil},
	}
	for _, c := range cases {
		r := evaluate(t, c.asOf, f)
		got := want{
			trust: remedy(t, r, "proceeds_in_trust").Exercisable, setoff: remedy(t, r, "setoff").Exercisable,
			debtors: remedy(t, r, "notify_debtors").Exercisable, poa: remedy(t, r, "power_of_attorney").Exercisable,
			sale: remedy(t, r, "sale").Exercisable, insProceeds: remedy(t, r, "insurance_proceeds").Exercisable,
		}
		if got != c.w {
			t.Errorf("%s: exercisable %+v, want %+v", c.asOf, got, c.w)
		}
		for id, frag := range c.miss {
			rs := remedy(t, r, id)
			if !strings.Contains(strings.Join(rs.Missing, "\n"), frag) {
				t.Errorf("%s %s: missing %q, want %q", c.asOf, id, rs.Missing, frag)
			}
		}
		for _, rs := range r.Remedies {
			if rs.Exercisable && (len(rs.Why) == 0 || rs.Default == "" && rs.ID != "buy_insurance" && rs.ID != "debit_costs") {
				t.Errorf("%s %s exercisable without a reason: %+v", c.asOf, rs.ID, rs)
			}
		}
	}
	// A valid waiver ends the default: nothing that needs one is exercisable.
	f.Actions = []defaults.Action{{ID: "w", Default: covDefault, Kind: defaults.ActionWaiver, Date: d("2005-06-01"),
		Waiver: &defaults.Waiver{Written: true, Agreement: "original-loan-agreement", Covenant: "minimum_net_income", Period: d("2005-03-31"), RequestedBy: "a", ApprovedBy: "b"}}}
	r := evaluate(t, "2005-06-01", f)
	for _, id := range []string{"setoff", "sale", "power_of_attorney"} {
		if remedy(t, r, id).Exercisable {
			t.Errorf("%s exercisable after the waiver", id)
		}
	}
}

func TestNoticeUnderAnotherClauseDoesNotOpenPowerOfAttorney(t *testing.T) {
	f := covenantFacts(t)
	f.Notices[0].Under = "¶3"
	r := evaluate(t, "2005-05-20", f)
	if !remedy(t, r, "proceeds_in_trust").Exercisable {
		t.Errorf("¶3 needs only notice by the Bank")
	}
	if rs := remedy(t, r, "power_of_attorney"); rs.Exercisable || !strings.Contains(strings.Join(rs.Missing, " "), "not §7.2") {
		t.Errorf("power of attorney: %+v", rs)
	}
}

func TestCrossDefault(t *testing.T) {
	amt := func(s string) money.Amount {
		a, err := money.ParseAmount(s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := defaults.OtherDebt{ID: "a", Creditor: "Supplier A", Amount: amt("30000.00"), Due: d("2005-01-10")}
	b := defaults.OtherDebt{ID: "b", Creditor: "Lessor B", Amount: amt("25000.00"), Due: d("2005-02-01")}
	c20 := defaults.OtherDebt{ID: "c", Creditor: "C", Amount: amt("20000.00"), Due: d("2005-02-01")}
	cases := []struct {
		name  string
		debts []defaults.OtherDebt
		want  string // default id, "" for none
		cured string
	}{
		{"one debt below the threshold", []defaults.OtherDebt{a}, "", ""},
		{"aggregate above $50,000", []defaults.OtherDebt{a, b}, "cross_default:2005-02-02", ""},
		{"aggregate exactly $50,000 does not exceed", []defaults.OtherDebt{a, c20}, "", ""},
		{"disputed with adequate reserves is excluded", []defaults.OtherDebt{a, func() defaults.OtherDebt { x := b; x.Disputed, x.ReservesAdequate = true, true; return x }()}, "", ""},
		{"disputed without adequate reserves counts", []defaults.OtherDebt{a, func() defaults.OtherDebt { x := b; x.Disputed = true; return x }()}, "cross_default:2005-02-02", ""},
		{"acceleration before the due date", []defaults.OtherDebt{a, func() defaults.OtherDebt { x := b; x.Accelerated = dp("2005-01-20"); return x }()}, "cross_default:2005-01-20", ""},
		{"paid down: cured", []defaults.OtherDebt{func() defaults.OtherDebt { x := a; x.Paid = dp("2005-03-01"); return x }(), b}, "cross_default:2005-02-02", "2005-03-01"},
		{"single debt above, in default under its documents", []defaults.OtherDebt{{ID: "big", Creditor: "Bank X", Amount: amt("75000.00"), Due: d("2006-01-01"), DefaultUnder: dp("2005-02-15")}}, "cross_default:2005-02-15", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := evaluate(t, "2005-04-01", defaults.Facts{OtherDebts: c.debts})
			if c.want == "" {
				if len(r.Defaults) != 0 {
					t.Errorf("defaults %+v, want none", r.Defaults)
				}
				return
			}
			x := findDefault(t, r, c.want)
			if x.Clause != "§7(j)" || x.Cite.Document != "first-amendment" || x.Amount == nil {
				t.Errorf("default %+v", x)
			}
			if c.cured != "" && (x.Cured != d(c.cured) || x.Continuing) {
				t.Errorf("cured %s continuing %v, want cured %s", x.Cured, x.Continuing, c.cured)
			}
			if c.cured == "" && !x.Continuing {
				t.Errorf("not continuing: %+v", x)
			}
		})
	}
	// Before the First Amendment the threshold is unknown: a problem, not a guess.
	r := evaluate(t, "2003-12-31", defaults.Facts{OtherDebts: []defaults.OtherDebt{{ID: "a", Creditor: "A", Amount: amt("90000.00"), Due: d("2003-06-01")}}})
	if len(r.Defaults) != 0 || len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Message, "threshold") {
		t.Errorf("defaults %+v problems %+v", r.Defaults, r.Problems)
	}
}

func TestRecordedDefaults(t *testing.T) {
	f := defaults.Facts{Defaults: []defaults.DefaultRecord{
		{ID: "merger-2006", Event: "dissolution", Occurred: d("2006-03-01"), Description: "merged into another corporation", RecordedBy: "credit-officer"},
		{ID: "lien-lapsed", Event: "security_interest_invalid", Occurred: d("2006-04-01"), Description: "financing statement lapsed"},
		{ID: "typo", Event: "bankrupcy", Occurred: d("2006-04-01")},
		{ID: "future", Event: "false_representation", Occurred: d("2006-12-01")},
	}}
	r := evaluate(t, "2006-05-01", f)
	if len(r.Defaults) != 2 {
		t.Fatalf("defaults %+v", r.Defaults)
	}
	m := findDefault(t, r, "merger-2006")
	if m.Clause != "§7(i)" || m.Detection != "record" || m.Cite.Document != "first-amendment" || !m.Continuing {
		t.Errorf("merger %+v", m)
	}
	if s := findDefault(t, r, "lien-lapsed"); s.Cite.Document != "security-agreement" || s.Cite.Section != "¶2(h)" {
		t.Errorf("security interest %+v", s.Cite)
	}
	if len(r.Problems) != 1 || r.Problems[0].Ref != "typo" || !strings.Contains(r.Problems[0].Message, `"bankrupcy"`) {
		t.Errorf("problems %+v", r.Problems)
	}
}

// A passing covenant result over a failing one ends the event of default
// only with a second person's approval; a later failure opens it again.
func TestCovenantResultEndsDefaultOnlyWhenApproved(t *testing.T) {
	fail := defaults.CovenantResult{Covenant: "minimum_net_income", PeriodEnd: d("2005-03-31"), Pass: false, Actual: "-250000.00", Required: "1.00", RecordedBy: "controller"}
	pass := defaults.CovenantResult{Covenant: "minimum_net_income", PeriodEnd: d("2005-03-31"), Pass: true, Actual: "12.00", Required: "1.00", On: d("2005-06-20")}
	cases := []struct {
		name       string
		results    []defaults.CovenantResult
		continuing bool
		cured      string
		problem    string
	}{
		{"failing", []defaults.CovenantResult{fail}, true, "", ""},
		{"passing by one officer", []defaults.CovenantResult{fail, func() defaults.CovenantResult { r := pass; r.RecordedBy = "officer"; return r }()}, true, "", "recorded by officer is not applied"},
		{"passing approved by its requester", []defaults.CovenantResult{fail, func() defaults.CovenantResult {
			r := pass
			r.RequestedBy, r.ApprovedBy = "officer", "officer"
			return r
		}()}, true, "", "not applied"},
		{"restatement accepted by a lender", []defaults.CovenantResult{fail, func() defaults.CovenantResult {
			r := pass
			r.RequestedBy, r.ApprovedBy = "controller", "officer"
			return r
		}()}, false, "2005-06-20", ""},
		{"fails again", []defaults.CovenantResult{fail, func() defaults.CovenantResult {
			r := pass
			r.RequestedBy, r.ApprovedBy = "controller", "officer"
			return r
		}(), fail}, true, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := evaluate(t, "2005-07-01", defaults.Facts{CovenantResults: c.results})
			x := findDefault(t, r, covDefault)
			if x.Continuing != c.continuing || x.Cured.String() != c.cured && !(c.cured == "" && x.Cured == 0) {
				t.Errorf("continuing %v cured %s, want %v %q (%s)", x.Continuing, x.Cured, c.continuing, c.cured, x.Why)
			}
			var probs []string
			for _, p := range r.Problems {
				probs = append(probs, p.Message)
			}
			if c.problem == "" && len(probs) > 0 || c.problem != "" && !strings.Contains(strings.Join(probs, "\n"), c.problem) {
				t.Errorf("problems %q, want %q", probs, c.problem)
			}
			if !c.continuing {
				last := x.History[len(x.History)-1]
				if last.Stage != defaults.StageCured || last.By != "controller" || last.ApprovedBy != "officer" {
					t.Errorf("the cure's stage %+v, want cured requested by controller and approved by officer", last)
				}
			}
		})
	}
}

// As known at a time: a default, a waiver or a covenant result recorded
// after it does not count; a request decided after it is still pending.
func TestDefaultsAsKnownAt(t *testing.T) {
	tm := terms(t, "2005-07-01")
	rec := at(t, "2005-06-01 10:00")
	waived := at(t, "2005-06-25 10:00")
	f := defaults.Facts{
		Defaults: []defaults.DefaultRecord{{ID: "eod-1", Event: "dissolution", Occurred: d("2005-05-20"), Description: "dissolved", RecordedBy: "officer", RecordedAt: rec}},
		Actions: []defaults.Action{{ID: "w", Default: "eod-1", Kind: defaults.ActionWaiver, Date: d("2005-06-24"), RecordedAt: waived,
			Waiver: &defaults.Waiver{Written: true, Agreement: "security-agreement", RequestedBy: "officer", ApprovedBy: "credit"}}},
		Requests: []defaults.Request{{ID: "req-1", Kind: defaults.RequestWaiver, Default: "eod-1", RequestedBy: "officer", RequestedAt: at(t, "2005-06-10 10:00"), DecidedAt: &waived}},
	}
	for _, c := range []struct {
		name       string
		knownAt    time.Time
		found      bool
		continuing bool
		pending    int
	}{
		{"before it was recorded", at(t, "2005-05-31 17:00"), false, false, 0},
		{"recorded, not yet waived", at(t, "2005-06-05 17:00"), true, true, 0},
		{"waiver requested", at(t, "2005-06-20 17:00"), true, true, 1},
		{"waiver approved", at(t, "2005-06-30 17:00"), true, false, 0},
		{"every fact", time.Time{}, true, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds, _, err := defaults.Defaults(tm, performed(f), d("2005-07-01"), c.knownAt, ny)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != b2i(c.found) {
				t.Fatalf("defaults %+v, found want %v", ds, c.found)
			}
			if !c.found {
				return
			}
			if ds[0].Continuing != c.continuing || len(ds[0].Pending) != c.pending {
				t.Errorf("continuing %v pending %d, want %v %d: %s", ds[0].Continuing, len(ds[0].Pending), c.continuing, c.pending, ds[0].Why)
			}
			if !strings.Contains(ds[0].Why, "2005-07-01") || ds[0].History[0].By != "officer" || ds[0].History[0].At == nil {
				t.Errorf("why %q, occurred stage %+v", ds[0].Why, ds[0].History[0])
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
