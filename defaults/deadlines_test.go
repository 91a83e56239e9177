package defaults_test

import (
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/defaults"
	"revolver/money"
)

func TestLMACostsDeadline(t *testing.T) {
	paid := func(on string) defaults.Facts {
		return defaults.Facts{Events: []defaults.Event{{ID: "pay1", Kind: "costs_paid", Date: d(on)}}}
	}
	cases := []struct {
		asOf     string
		facts    defaults.Facts
		status   string
		exercise bool // debit_costs exercisable
	}{
		{"2004-02-06", defaults.Facts{}, defaults.StatusComing, false},
		// 28 Jan + 10 days = Saturday 7 Feb; following: Monday 9 Feb.
		{"2004-02-07", defaults.Facts{}, defaults.StatusComing, false},
		{"2004-02-09", defaults.Facts{}, defaults.StatusDue, false},
		{"2004-02-10", defaults.Facts{}, defaults.StatusOverdue, true},
		{"2004-02-10", paid("2004-02-05"), defaults.StatusMet, false},
		{"2004-02-12", paid("2004-02-11"), defaults.StatusLate, false},
		{"2004-02-10", paid("2004-02-11"), defaults.StatusOverdue, true}, // paid after the as-of date: not yet known
	}
	for _, c := range cases {
		r := evaluateAsGiven(t, c.asOf, c.facts)
		dl := deadline(t, r, "obligation:lma_costs")
		if dl.Status != c.status || dl.Due != d("2004-02-09") || dl.Date != d("2004-02-07") {
			t.Errorf("%s: %s due %s (counted %s); want %s due 2004-02-09 (counted 2004-02-07)", c.asOf, dl.Status, dl.Due, dl.Date, c.status)
		}
		if dl.Cite.Document != "loan-modification-agreement" || dl.Cite.Section != "§III.F" {
			t.Errorf("cite %+v", dl.Cite)
		}
		if !strings.Contains(dl.Rule, "moved to Mon 2004-02-09") {
			t.Errorf("rule does not explain the move: %s", dl.Rule)
		}
		if got := remedy(t, r, "debit_costs").Exercisable; got != c.exercise {
			t.Errorf("%s: debit_costs exercisable %v, want %v (%+v)", c.asOf, got, c.exercise, remedy(t, r, "debit_costs"))
		}
		// LMA §III.D(i): the costs not paid within the 10 days is an event of default.
		var eod *defaults.Default
		for i := range r.Defaults {
			if r.Defaults[i].ID == "lma_nonperformance:obligation:lma_costs" {
				eod = &r.Defaults[i]
			}
		}
		late := c.status == defaults.StatusOverdue || c.status == defaults.StatusLate
		if (eod != nil) != late {
			t.Fatalf("%s (%s): LMA §III.D default %v, want %v", c.asOf, c.status, eod != nil, late)
		}
		if eod != nil {
			if eod.Occurred != d("2004-02-10") || eod.Clause != "LMA §III.D(i)" || eod.Cite.Section != "§III.D" {
				t.Errorf("%s: default %+v", c.asOf, eod)
			}
			if c.status == defaults.StatusLate && (eod.Cured != d("2004-02-11") || eod.Continuing) {
				t.Errorf("%s: paid late: cured %s continuing %v, want cured 2004-02-11", c.asOf, eod.Cured, eod.Continuing)
			}
			if c.status == defaults.StatusOverdue && !eod.Continuing {
				t.Errorf("%s: overdue costs: default not continuing", c.asOf)
			}
		}
	}
}

func TestLMAFeeOverdueIsAnEventOfDefault(t *testing.T) {
	r := evaluateAsGiven(t, "2004-03-31", defaults.Facts{Events: []defaults.Event{{ID: "pay1", Kind: "costs_paid", Date: d("2004-02-05")}}})
	if len(r.Defaults) != 1 {
		t.Fatalf("defaults %+v, want the fee's alone", r.Defaults)
	}
	got := r.Defaults[0]
	if got.ID != "lma_nonperformance:fee:transaction_fee" || got.Occurred != d("2004-01-29") || !got.Continuing {
		t.Errorf("default %+v", got)
	}
	if !strings.Contains(strings.Join(got.Basis, "; "), "assumption: §II.A sets no date for the fee") {
		t.Errorf("basis does not say the due date is assumed: %v", got.Basis)
	}
	if !remedy(t, r, "setoff").Exercisable {
		t.Errorf("setoff not exercisable with the LMA default continuing: %+v", remedy(t, r, "setoff"))
	}
	if r := evaluate(t, "2004-03-31", defaults.Facts{}); len(r.Defaults) != 0 {
		t.Errorf("fee and costs paid at closing: defaults %+v", r.Defaults)
	}
}

func TestPriorNoticeOfMove(t *testing.T) {
	move := defaults.Event{ID: "move-bos", Kind: "records_move", Date: d("2005-03-15"), Note: "records to New Hampshire"}
	notice := func(sent string) defaults.Notice {
		n := courier(t, "n-move", "records_move", sent)
		n.From, n.To, n.Ref = "borrower", "lender", "move-bos"
		return n
	}
	cases := []struct {
		name, asOf string
		notices    []defaults.Notice
		status     string
	}{
		// 15 Mar − 30 days = Sunday 13 Feb; preceding: Friday 11 Feb.
		{"no notice yet", "2005-02-01", nil, defaults.StatusComing},
		{"no notice by the deadline", "2005-02-14", nil, defaults.StatusOverdue},
		{"courier Thursday, effective Friday in time", "2005-03-01", []defaults.Notice{notice("2005-02-10 15:00")}, defaults.StatusMet},
		{"courier Friday, effective Monday: late", "2005-03-01", []defaults.Notice{notice("2005-02-11 15:00")}, defaults.StatusLate},
	}
	for _, c := range cases {
		r := evaluate(t, c.asOf, defaults.Facts{Events: []defaults.Event{move}, Notices: c.notices})
		dl := deadline(t, r, "obligation:records_move_notice:move-bos")
		if dl.Status != c.status || dl.Due != d("2005-02-11") {
			t.Errorf("%s: %s due %s, want %s due 2005-02-11 (%s)", c.name, dl.Status, dl.Due, c.status, dl.Rule)
		}
		if dl.Cite.Section != "¶13(e)(ii)" || dl.Party != "borrower" {
			t.Errorf("%s: cite %+v party %s", c.name, dl.Cite, dl.Party)
		}
	}
}

func TestCasualtyCureAndOveradvanceDefault(t *testing.T) {
	// The Bank's notice: courier Wednesday 1 June 2005, effective Thursday 2 June;
	// +30 days = Saturday 2 July; following (4 July is a holiday): Tuesday 5 July.
	base := defaults.Facts{Notices: []defaults.Notice{courier(t, "cas1", "casualty_overadvance", "2005-06-01 11:00")}}
	cases := []struct {
		asOf      string
		cure      string
		status    string
		defaulted bool
	}{
		{"2005-06-20", "", defaults.StatusComing, false},
		{"2005-07-05", "", defaults.StatusDue, false},
		{"2005-07-06", "", defaults.StatusOverdue, true},
		{"2005-07-06", "2005-07-05", defaults.StatusMet, false},
		{"2005-07-20", "2005-07-10", defaults.StatusLate, true},
	}
	for _, c := range cases {
		f := base
		if c.cure != "" {
			f.Events = []defaults.Event{{ID: "paydown", Kind: "casualty_cure", Ref: "cas1", Date: d(c.cure)}}
		}
		r := evaluate(t, c.asOf, f)
		dl := deadline(t, r, "obligation:casualty_cure:cas1")
		if dl.Status != c.status || dl.Due != d("2005-07-05") {
			t.Errorf("%s cure %q: %s due %s, want %s due 2005-07-05 (%s)", c.asOf, c.cure, dl.Status, dl.Due, c.status, dl.Rule)
		}
		var got *defaults.Default
		for i := range r.Defaults {
			if r.Defaults[i].ID == "overadvance_uncured:cas1" {
				got = &r.Defaults[i]
			}
		}
		if (got != nil) != c.defaulted {
			t.Fatalf("%s cure %q: default %v, want %v", c.asOf, c.cure, got != nil, c.defaulted)
		}
		if got != nil {
			// ¶13(h) sets the cure, not the default: §7, an assumption.
			if got.Occurred != d("2005-07-06") || got.Clause != "§7" || !strings.Contains(got.Assumption, "¶13(h)") {
				t.Errorf("default %+v", got)
			}
			if c.cure != "" && (got.Status != defaults.StageCured || got.Continuing) {
				t.Errorf("late cure: status %s continuing %v", got.Status, got.Continuing)
			}
		}
	}
}

func TestUCCContinuation(t *testing.T) {
	rec := func(cont ...string) defaults.Facts {
		fr := defaults.FilingRecord{Filing: "ucc1", Number: "4021234 5", Filed: d("2004-02-02")}
		for _, c := range cont {
			fr.Continuations = append(fr.Continuations, d(c))
		}
		return defaults.Facts{Filings: []defaults.FilingRecord{fr}}
	}
	cases := []struct {
		name, asOf   string
		facts        defaults.Facts
		status       string
		opens, lapse string
	}{
		{"before the window", "2008-08-01", rec(), defaults.StatusComing, "2008-08-02", "2009-02-02"},
		{"window opens", "2008-08-02", rec(), defaults.StatusDue, "2008-08-02", "2009-02-02"},
		{"last day", "2009-02-02", rec(), defaults.StatusDue, "2008-08-02", "2009-02-02"},
		{"lapsed", "2009-02-03", rec(), defaults.StatusOverdue, "2008-08-02", "2009-02-02"},
		{"continued in the window", "2009-06-01", rec("2008-09-01"), defaults.StatusComing, "2013-08-02", "2014-02-02"},
		{"continuation too early has no effect", "2009-06-01", rec("2008-01-15"), defaults.StatusOverdue, "2008-08-02", "2009-02-02"},
		{"leap day filing", "2005-01-01", defaults.Facts{Filings: []defaults.FilingRecord{{Filing: "ucc1", Filed: d("2004-02-29")}}}, defaults.StatusComing, "2008-08-28", "2009-02-28"},
	}
	for _, c := range cases {
		r := evaluate(t, c.asOf, c.facts)
		dl := deadline(t, r, "ucc:ucc1:continuation")
		if dl.Status != c.status || dl.Opens != d(c.opens) || dl.Due != d(c.lapse) {
			t.Errorf("%s: %s window %s..%s; want %s %s..%s (%s)", c.name, dl.Status, dl.Opens, dl.Due, c.status, c.opens, c.lapse, dl.Rule)
		}
	}
	// Without a record the example's filing date is unknown: undetermined, with the reason.
	dl := deadline(t, evaluate(t, "2006-01-01", defaults.Facts{}), "ucc:ucc1:continuation")
	if dl.Status != defaults.StatusUndetermined || !strings.Contains(dl.Reason, "filing date is not in the documents held") {
		t.Errorf("unknown filing: %s %q", dl.Status, dl.Reason)
	}
}

func TestTerminationDate(t *testing.T) {
	owed := money.Amount(100000000)
	zero := money.Amount(0)
	cases := []struct {
		name, asOf string
		facts      defaults.Facts
		status     string
		defaulted  bool
		problem    bool
	}{
		{"before", "2007-05-30", defaults.Facts{}, defaults.StatusComing, false, false},
		{"on the day", "2007-05-31", defaults.Facts{}, defaults.StatusDue, false, false},
		{"after, amount unknown", "2007-06-01", defaults.Facts{}, defaults.StatusOverdue, false, true},
		{"after, $1,000,000 owed", "2007-06-01", defaults.Facts{OutstandingAtTermination: &owed}, defaults.StatusOverdue, true, false},
		{"after, nothing owed", "2007-06-01", defaults.Facts{OutstandingAtTermination: &zero}, defaults.StatusMet, false, false},
		{"repaid on the day", "2007-06-01", defaults.Facts{OutstandingAtTermination: &owed, Events: []defaults.Event{{ID: "p", Kind: "obligations_paid", Date: d("2007-05-31")}}}, defaults.StatusMet, false, false},
	}
	for _, c := range cases {
		r := evaluate(t, c.asOf, c.facts)
		dl := deadline(t, r, "termination")
		if dl.Status != c.status || dl.Due != d("2007-05-31") || dl.Cite.Document != "first-amendment" {
			t.Errorf("%s: %s due %s cite %+v; want %s", c.name, dl.Status, dl.Due, dl.Cite, c.status)
		}
		got := len(r.Defaults) == 1 && r.Defaults[0].ID == "unpaid_at_termination" && r.Defaults[0].Occurred == d("2007-06-01")
		if got != c.defaulted || (!c.defaulted && len(r.Defaults) > 0) {
			t.Errorf("%s: defaults %+v, want unpaid_at_termination %v", c.name, r.Defaults, c.defaulted)
		}
		if (len(r.Problems) > 0) != c.problem {
			t.Errorf("%s: problems %+v", c.name, r.Problems)
		}
	}
	// Before the First Amendment the Termination Date was 31 May 2006.
	dl := deadline(t, evaluate(t, "2003-12-31", defaults.Facts{}), "termination")
	if dl.Due != d("2006-05-31") || dl.Cite.Section != "§1.35" {
		t.Errorf("original termination %s %+v", dl.Due, dl.Cite)
	}
}

func TestReportsUndeterminedAndScheduled(t *testing.T) {
	r := evaluate(t, "2004-02-10", defaults.Facts{})
	for _, id := range []string{"report:borrowing_base_report", "report:financial_statements"} {
		dl := deadline(t, r, id)
		if dl.Status != defaults.StatusUndetermined || !strings.Contains(dl.Reason, "not in the documents held") {
			t.Errorf("%s: %s %q; want undetermined with the reason", id, dl.Status, dl.Reason)
		}
	}
	// With terms that set them: monthly, 20 days after month end.
	tm := terms(t, "2004-02-10")
	tm.Reporting[0].Frequency = agreement.Term[string]{Value: "monthly"}
	tm.Reporting[0].DaysAfter = agreement.Term[int]{Value: 20}
	f := defaults.Facts{Events: []defaults.Event{{ID: "bbc-dec", Kind: "report_delivered", Ref: "borrowing_base_report", For: d("2003-12-31"), Date: d("2004-01-22")}}}
	ds, _, err := defaults.Deadlines(tm, f, d("2004-02-10"), ny)
	if err != nil {
		t.Fatal(err)
	}
	// The December report (due 20 Jan, delivered 22 Jan) is done and no longer listed.
	want := map[string]string{
		"report:borrowing_base_report:2004-01-31": "coming 2004-02-20",
		// 29 Feb + 20 = Saturday 20 March: following, Monday 22 March.
		"report:borrowing_base_report:2004-02-29": "coming 2004-03-22",
	}
	got := map[string]string{}
	for _, x := range ds {
		if strings.HasPrefix(x.ID, "report:borrowing_base_report:") {
			got[x.ID] = x.Status + " " + x.Due.String()
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	// Undelivered, the December report is listed as overdue.
	ds, _, err = defaults.Deadlines(tm, defaults.Facts{}, d("2004-02-10"), ny)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range ds {
		if x.ID == "report:borrowing_base_report:2003-12-31" {
			found = x.Status == defaults.StatusOverdue && x.Due == d("2004-01-20")
		}
	}
	if !found {
		t.Errorf("the undelivered December report is not listed overdue on 20 Jan")
	}
}

func TestInsurance(t *testing.T) {
	p1 := defaults.Policy{ID: "p1", Insurer: "Factory Mutual", Covers: []string{"inventory", "other_tangible_collateral"}, Effective: d("2004-01-28"),
		Expires: d("2005-01-28"), LossPayee: "lender", CancellationNoticeDays: 10, Evidenced: dp("2004-01-30")}
	p2 := p1
	p2.ID, p2.Effective, p2.Expires, p2.Evidenced = "p2", d("2005-01-28"), d("2006-01-28"), dp("2005-01-20")
	bad := p1
	bad.ID, bad.LossPayee, bad.CancellationNoticeDays, bad.Evidenced = "p3", "borrower", 5, nil

	r := evaluate(t, "2005-01-10", defaults.Facts{Policies: []defaults.Policy{p1}})
	if dl := deadline(t, r, "insurance:p1:renewal"); dl.Status != defaults.StatusComing || dl.Due != d("2005-01-28") || dl.Opens != d("2004-12-29") {
		t.Errorf("renewal %s due %s opens %s", dl.Status, dl.Due, dl.Opens)
	}
	if remedy(t, r, "buy_insurance").Exercisable {
		t.Errorf("buy_insurance exercisable with a good policy in force")
	}
	r = evaluate(t, "2005-01-29", defaults.Facts{Policies: []defaults.Policy{p1}})
	if dl := deadline(t, r, "insurance:p1:renewal"); dl.Status != defaults.StatusOverdue {
		t.Errorf("lapsed policy: %s", dl.Status)
	}
	if rs := remedy(t, r, "buy_insurance"); !rs.Exercisable || !strings.Contains(strings.Join(rs.Why, " "), "no recorded policy is in force") {
		t.Errorf("buy_insurance after lapse: %+v", rs)
	}
	r = evaluate(t, "2005-01-29", defaults.Facts{Policies: []defaults.Policy{p1, p2}})
	if dl := deadline(t, r, "insurance:p1:renewal"); dl.Status != defaults.StatusMet || dl.Done != d("2005-01-20") {
		t.Errorf("renewed policy: %s done %s", dl.Status, dl.Done)
	}
	r = evaluate(t, "2004-03-01", defaults.Facts{Policies: []defaults.Policy{bad}})
	dl := deadline(t, r, "insurance:p3:terms")
	if dl.Status != defaults.StatusOverdue || !strings.Contains(dl.Reason, `loss payee is "borrower"`) || !strings.Contains(dl.Reason, "5 days' notice of cancellation, fewer than 10") {
		t.Errorf("deficient policy: %s %q", dl.Status, dl.Reason)
	}
	// ¶13(b): payable to the Bank for a loss after an Event of Default, not always.
	if !strings.Contains(dl.Rule, "payable to the lender for a loss after the occurrence and during the continuation of an Event of Default") {
		t.Errorf("rule does not say when losses are payable to the Bank: %s", dl.Rule)
	}
	if dl := deadline(t, r, "insurance:p3:evidence"); dl.Status != defaults.StatusOverdue {
		t.Errorf("evidence: %s", dl.Status)
	}
	if !remedy(t, r, "buy_insurance").Exercisable {
		t.Errorf("buy_insurance not exercisable for a deficient policy")
	}
	// No policy recorded: undetermined, and the remedy says why it is not exercisable.
	r = evaluate(t, "2004-03-01", defaults.Facts{})
	if rs := remedy(t, r, "buy_insurance"); rs.Exercisable || !strings.Contains(rs.Missing[0], "no insurance policy recorded") {
		t.Errorf("no policy: %+v", rs)
	}
}

func TestFaxCopyTracked(t *testing.T) {
	sent, conf := at(t, "2005-03-09 10:00"), at(t, "2005-03-09 10:02")
	n := defaults.Notice{ID: "fx", From: "lender", To: "borrower", Subject: "sale", Method: "fax", Sent: sent, Confirmed: &conf}
	r := evaluate(t, "2005-03-10", defaults.Facts{Notices: []defaults.Notice{n}})
	if dl := deadline(t, r, "notice:fx:copy"); dl.Status != defaults.StatusOverdue || dl.Assumption == "" {
		t.Errorf("copy not sent: %s", dl.Status)
	}
	cp := at(t, "2005-03-09 17:00")
	n.CourierCopy = &cp
	r = evaluate(t, "2005-03-10", defaults.Facts{Notices: []defaults.Notice{n}})
	if dl := deadline(t, r, "notice:fx:copy"); dl.Status != defaults.StatusMet {
		t.Errorf("copy sent: %s", dl.Status)
	}
}

func TestClosingChecklistAndFee(t *testing.T) {
	r := evaluate(t, "2004-02-01", defaults.Facts{Events: []defaults.Event{{ID: "fee", Kind: "fee_paid", Ref: "transaction_fee", Date: d("2004-01-28")}}})
	for id, want := range map[string]string{
		"closing:first_amendment":    defaults.StatusMet,
		"closing:allonge":            defaults.StatusMet,
		"closing:security_agreement": defaults.StatusMet,
		"closing:other_documents":    defaults.StatusUndetermined,
		"fee:transaction_fee":        defaults.StatusMet,
	} {
		if dl := deadline(t, r, id); dl.Status != want {
			t.Errorf("%s: %s, want %s", id, dl.Status, want)
		}
	}
	if dl := deadline(t, r, "fee:transaction_fee"); !strings.Contains(dl.Label, "20,000.00") {
		t.Errorf("fee label %q", dl.Label)
	}
}

func TestBadFacts(t *testing.T) {
	n := courier(t, "x", "sale", "2005-03-09 10:00")
	n.Method = "pigeon"
	if _, err := defaults.Evaluate(terms(t, "2005-03-10"), defaults.Facts{Notices: []defaults.Notice{n}}, d("2005-03-10"), ny); err == nil || !strings.Contains(err.Error(), `notice x: method "pigeon"`) {
		t.Errorf("error %v", err)
	}
	a, b := courier(t, "dup", "sale", "2005-03-09 10:00"), courier(t, "dup", "sale", "2005-03-09 11:00")
	if _, err := defaults.Evaluate(terms(t, "2005-03-10"), defaults.Facts{Notices: []defaults.Notice{a, b}}, d("2005-03-10"), ny); err == nil || !strings.Contains(err.Error(), "recorded twice") {
		t.Errorf("error %v", err)
	}
}

func TestNoticeToUnknownParty(t *testing.T) {
	n := courier(t, "n1", "sale", "2005-03-09 10:00")
	n.To = "borower"
	r := evaluate(t, "2005-03-10", defaults.Facts{Notices: []defaults.Notice{n}})
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Message, `names party "borower"`) {
		t.Errorf("problems %+v", r.Problems)
	}
}

func TestOverdueConditionSeesEveryTrigger(t *testing.T) {
	// Two casualty notices: the first cured in time, the second not.
	f := defaults.Facts{
		Notices: []defaults.Notice{courier(t, "cas1", "casualty_overadvance", "2005-06-01 11:00"), courier(t, "cas2", "casualty_overadvance", "2005-06-02 11:00")},
		Events:  []defaults.Event{{ID: "cure1", Kind: "casualty_cure", Ref: "cas1", Date: d("2005-06-10")}},
	}
	r := evaluate(t, "2005-07-10", f)
	if deadline(t, r, "obligation:casualty_cure:cas1").Status != defaults.StatusMet || deadline(t, r, "obligation:casualty_cure:cas2").Status != defaults.StatusOverdue {
		t.Fatalf("statuses %+v", r.Deadlines)
	}
	if len(r.Defaults) != 1 || r.Defaults[0].ID != "overadvance_uncured:cas2" {
		t.Errorf("defaults %+v", r.Defaults)
	}
	tm := terms(t, "2005-07-10")
	tm.Schedule.Remedies = append(tm.Schedule.Remedies, agreement.Remedy{ID: "x", Conditions: []string{"overdue:casualty_cure"}})
	rep, err := defaults.Evaluate(tm, f, d("2005-07-10"), ny)
	if err != nil {
		t.Fatal(err)
	}
	if rs := remedy(t, rep, "x"); !rs.Exercisable || !strings.Contains(rs.Why[0], "overdue since 2005-07-05") {
		t.Errorf("overdue:casualty_cure: %+v", rs)
	}
}

// An annual report: its three periods are the years before, of and after
// the last year end; none due before the agreement's date is listed.
func TestAnnualReportPeriodsAndTheAgreementsDate(t *testing.T) {
	tm := terms(t, "2026-11-30")
	tm.Reporting[1].Frequency = agreement.Term[string]{Value: "annually"}
	tm.Reporting[1].DaysAfter = agreement.Term[int]{Value: 120}
	tm.Reporting = tm.Reporting[1:2]
	for _, c := range []struct {
		since string
		want  []string
	}{
		{"2002-06-26", []string{"2025-04-30 overdue", "2026-04-30 overdue", "2027-04-30 coming"}},
		{"2026-06-30", []string{"2027-04-30 coming"}},
	} {
		tm.Since = d(c.since)
		ds, _, err := defaults.Deadlines(tm, defaults.Facts{}, d("2026-11-30"), ny)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, x := range ds {
			if strings.HasPrefix(x.ID, "report:") {
				got = append(got, x.Due.String()+" "+x.Status)
			}
		}
		if strings.Join(got, ", ") != strings.Join(c.want, ", ") {
			t.Errorf("agreement of %s: %v, want %v", c.since, got, c.want)
		}
	}
}
