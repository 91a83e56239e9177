package agreement

import (
	"strings"
	"testing"

	"revolver/date"
)

const scheduleBase = `revolver: agreement/1
facility: demo
document: {id: ola, title: Loan Agreement, date: 2020-01-01}
documents:
  - {id: sa, title: Security Agreement, date: 2020-01-01}
terms:
  commitment: {value: 1000000.00, cite: ola §2.1}
  termination_date: 2023-12-31
  borrowing_base:
    cite: ola §2.1
    components:
      - id: receivables
        collateral: receivables
        advance_rate: 80%
    letters_of_credit: none
  calendar:
    cite: ola §1.5
    holidays: federal_reserve
    closures: [2020-12-24]
    convention: modified_following
    zone: America/New_York
  insurance:
    cite: sa ¶13(b)
    covers: [inventory]
    loss_payee: lender
    cancellation_notice_days: 10
    bank_may_buy_cover: true
    charge_to: loan_account
  obligations:
    - id: move_notice
      cite: sa ¶13(e)
      label: Notice before a move
      party: borrower
      timing: before
      days: 30
      trigger: event:records_move
      done_by: notice:records_move
    - id: costs
      cite: sa ¶7
      label: Costs
      party: borrower
      timing: after
      days: 10
      from: 2020-01-01
      done_by: event:costs_paid
  ucc_filings:
    - id: ucc1
      cite: sa ¶14
      debtor: Demo Inc.
      secured_party: Bank
      jurisdiction: Delaware
      number: {unknown: not held}
      filed: {unknown: not held}
      lapse_years: 5
      continuation_months: 6
  closing_checklist:
    - id: sa
      cite: sa
      label: Security Agreement
      document: sa
      party: borrower
      due: 2020-01-01
      delivered: 2020-01-01
  remedies:
    - id: sale
      cite: sa ¶15
      label: Sale
      conditions: [eod_continuing, notice_7_2, written_notice]
      notice_days: 10
      notice_subject: sale
    - id: debit
      cite: sa ¶7
      label: Debit
      conditions: ["overdue:costs"]
`

func scheduleFiles(s string) []File { return []File{NewFile("agreement.yaml", []byte(s))} }

func TestScheduleDecodes(t *testing.T) {
	f, err := Parse(scheduleFiles(scheduleBase))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(date.MustParse("2020-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	s := terms.Schedule
	if s.Calendar == nil || s.Calendar.Convention.Value != "modified_following" || s.Calendar.Zone.Value != "America/New_York" ||
		len(s.Calendar.Closures.Value) != 1 || s.Calendar.Closures.Value[0] != date.MustParse("2020-12-24") || s.Calendar.Cite.Section != "§1.5" {
		t.Errorf("calendar %+v", s.Calendar)
	}
	if in := s.Insurance; in == nil || in.CancellationNoticeDays.Value != 10 || in.LossPayee.Value != "lender" || !in.BankMayBuyCover.Value ||
		in.ChargeTo.Value != "loan_account" || in.Cite.Document != "sa" || in.CancellationNoticeDays.Path != "insurance.cancellation_notice_days" {
		t.Errorf("insurance %+v", s.Insurance)
	}
	if len(s.Obligations) != 2 || s.Obligations[0].Timing != Before || s.Obligations[0].Trigger != "event:records_move" ||
		s.Obligations[1].From == nil || s.Obligations[1].From.Value != date.MustParse("2020-01-01") || s.Obligations[0].Cite.Section != "¶13(e)" {
		t.Errorf("obligations %+v", s.Obligations)
	}
	if len(s.Filings) != 1 || s.Filings[0].Filed.Known() || s.Filings[0].Filed.Unknown != "not held" || s.Filings[0].LapseYears.Value != 5 {
		t.Errorf("filings %+v", s.Filings)
	}
	if len(s.Closing) != 1 || s.Closing[0].Delivered == nil || s.Closing[0].Delivered.Value != date.MustParse("2020-01-01") {
		t.Errorf("closing %+v", s.Closing)
	}
	if len(s.Remedies) != 2 || s.Remedies[0].NoticeDays.Value != 10 || s.Remedies[0].NoticeSubject != "sale" || len(s.Remedies[0].Conditions) != 3 {
		t.Errorf("remedies %+v", s.Remedies)
	}
	if s.Obligation("costs") == nil || s.Obligation("nope") != nil {
		t.Errorf("Obligation lookup")
	}
}

func TestScheduleLint(t *testing.T) {
	cases := []struct{ name, from, to, want string }{
		{"bad convention", "convention: modified_following", "convention: nearest",
			`bad value for calendar.convention (found "nearest", expected one of following, modified_following`},
		{"bad holidays", "holidays: federal_reserve", "holidays: target2", `bad value for calendar.holidays (found "target2"`},
		{"bad closure", "closures: [2020-12-24]", "closures: [2020-12-32]", `bad date in calendar.closures (found "2020-12-32"`},
		{"bad zone", "zone: America/New_York", "zone: Eastern Time", `bad zone for calendar.zone (found "Eastern Time"`},
		{"bad trigger", "trigger: event:records_move", "trigger: records_move", `bad trigger for obligation move_notice (found "records_move", expected event:KIND or notice:SUBJECT)`},
		{"bad timing", "timing: before", "timing: around", `bad value for obligations.move_notice.timing (found "around"`},
		{"bad party", "party: borrower\n      timing: before", "party: guarantor\n      timing: before", `bad party for obligation move_notice (found "guarantor"`},
		{"no trigger nor from", "      from: 2020-01-01\n", "", "obligation costs counts from nothing"},
		{"both trigger and from", "      from: 2020-01-01\n", "      from: 2020-01-01\n      trigger: event:x\n", "obligation costs has both a trigger and a from date"},
		{"bad done_by", "done_by: event:costs_paid", "done_by: paid", `bad done_by for obligation costs (found "paid"`},
		{"negative days", "days: 30", "days: -30", `bad number for obligations.move_notice.days (found "-30"`},
		{"unknown condition", "conditions: [eod_continuing, notice_7_2, written_notice]", "conditions: [eod_continuing, moon_full]",
			`unknown condition of remedy sale (found "moon_full"`},
		{"overdue of unknown obligation", `conditions: ["overdue:costs"]`, `conditions: ["overdue:fees"]`,
			`remedy debit names an unknown obligation (found "overdue:fees", expected overdue:ID of an obligation (move_notice, costs))`},
		{"written notice without days", "      notice_days: 10\n", "", "remedy sale: written_notice needs notice_days and notice_subject"},
		{"closing item names unknown document", "document: sa\n", "document: lma\n", `closing item sa names an unknown document (found "lma"`},
		{"unknown insurance key", "charge_to: loan_account", "charge_to: loan_account\n    deductible: 5000.00", "unknown term insurance.deductible"},
		{"unknown top-level schedule key", "  remedies:\n", "  remedys: []\n  remedies:\n", "unknown term remedys"},
		{"missing lapse", "      lapse_years: 5\n", "", "missing term ucc_filings.ucc1.lapse_years"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(scheduleBase, c.from) {
				t.Fatalf("test fixture lacks %q", c.from)
			}
			errs := Lint(scheduleFiles(strings.Replace(scheduleBase, c.from, c.to, 1)))
			if len(errs) == 0 {
				t.Fatalf("no diagnostic; want %q", c.want)
			}
			if !strings.Contains(errs.Error(), c.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", errs.Error(), c.want)
			}
			if !strings.Contains(errs.Error(), "agreement.yaml:") {
				t.Errorf("diagnostic without a position: %s", errs.Error())
			}
		})
	}
}

func TestScheduleAbsentIsEmpty(t *testing.T) {
	i := strings.Index(scheduleBase, "  calendar:")
	f, err := Parse(scheduleFiles(scheduleBase[:i]))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(date.MustParse("2020-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if s := terms.Schedule; s.Calendar != nil || s.Insurance != nil || len(s.Obligations)+len(s.Filings)+len(s.Closing)+len(s.Remedies) != 0 {
		t.Errorf("schedule %+v", s)
	}
}

// The BTU example: the values of the Security Agreement and the Loan
// Modification Agreement, each cited.
func TestExampleSchedule(t *testing.T) {
	f, err := Load("../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	before, err := f.TermsAsOf(date.MustParse("2004-01-27"))
	if err != nil {
		t.Fatal(err)
	}
	if before.Schedule.Calendar != nil || len(before.Schedule.Remedies) != 0 {
		t.Errorf("schedule before 28 January 2004: %+v", before.Schedule)
	}
	terms, err := f.TermsAsOf(date.MustParse("2004-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	s := terms.Schedule
	if s.Insurance == nil || s.Insurance.CancellationNoticeDays.Value != 10 || s.Insurance.CancellationNoticeDays.Cite.Section != "¶13(b)" {
		t.Errorf("insurance %+v", s.Insurance)
	}
	want := map[string]string{
		"records_move_notice":      "before 30 security-agreement ¶13(e)(ii)",
		"place_of_business_notice": "before 30 security-agreement ¶13(e)(iii)",
		"casualty_cure":            "after 30 security-agreement ¶13(h)",
		"sale_notice":              "before 10 security-agreement ¶15",
		"lma_costs":                "after 10 loan-modification-agreement §III.F",
	}
	for id, w := range want {
		o := s.Obligation(id)
		if o == nil {
			t.Errorf("no obligation %s", id)
			continue
		}
		if got := o.Timing + " " + itoa(o.Days.Value) + " " + o.Cite.Document + " " + o.Cite.Section; got != w {
			t.Errorf("%s: %s, want %s", id, got, w)
		}
	}
	if len(s.Filings) != 1 || s.Filings[0].Filed.Known() || s.Filings[0].Number.Known() || s.Filings[0].Jurisdiction.Assumption == "" {
		t.Errorf("UCC filing %+v", s.Filings)
	}
	conds := map[string]string{}
	for _, r := range s.Remedies {
		conds[r.ID] = strings.Join(r.Conditions, ",") + " " + r.Cite.Section
	}
	for id, w := range map[string]string{
		"proceeds_in_trust":  "eod_continuing,notice ¶3",
		"setoff":             "eod_continuing ¶13(i)",
		"notify_debtors":     "eod_continuing ¶13(k)",
		"power_of_attorney":  "eod_continuing,notice_7_2 ¶14",
		"sale":               "eod_continuing,notice_7_2,written_notice ¶15",
		"insurance_proceeds": "eod_continuing ¶13(b)",
	} {
		if conds[id] != w {
			t.Errorf("remedy %s: %q, want %q", id, conds[id], w)
		}
	}
	if len(s.Closing) != 4 || s.Closing[3].Delivered == nil || s.Closing[3].Delivered.Known() {
		t.Errorf("closing checklist %+v", s.Closing)
	}
}
