package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/fieldexam"
	"revolver/money"
	"revolver/store"
)

// TestFieldExams: with no exam performed the BTU facility is overdue a
// year after its agreement (the bank's default, its terms being silent)
// and the morning says so; an exam scheduled, performed and its findings
// recorded move the next due date a year after the report; each finding
// is disposed of once — a note, a reserve set pending approval in the
// same transaction, an advance-rate amendment previewed then asked for
// and, approved by a second lender, in the terms from its date; bad
// input is refused naming the field and stores nothing; a borrower may
// not record exams; as known before the report, the schedule is the old
// one.
func TestFieldExams(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 3, 1, 12, 0, 0, 0, time.UTC))
		c.open("2006-03-01", 12)
		officer := WithActor(context.Background(), Actor{User: "officer1@bank", UserID: 1, Role: store.RoleLenderOfficer})
		other := WithActor(context.Background(), Actor{User: "officer2@bank", UserID: 3, Role: store.RoleLenderOfficer})
		before, err := c.FieldExamsOf(officer, "btu", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if before.Frequency != (fieldexam.Frequency{Months: 12, Source: fieldexam.SourceDefault}) || before.NextDue != date.MustParse("2003-06-26") || before.Status != fieldexam.StatusOverdue {
			t.Fatalf("before any exam: %+v", before)
		}
		m, err := c.Morning(officer, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if !hasException(m, ExFieldExam, "field exam overdue since 2003-06-26: every 12 months (default), none performed") {
			t.Errorf("the morning %+v has no overdue field exam", m.Exceptions)
		}

		borrower := WithActor(context.Background(), Actor{User: "controller@btu", UserID: 2, Role: store.RoleBorrower, Facilities: []string{"btu"}})
		if _, err := c.ScheduleFieldExam(borrower, "btu", FieldExamInput{Start: date.MustParse("2006-02-20"), Examiner: "Audit Co"}); store.ErrorCode(err) != store.CodeForbidden {
			t.Errorf("a borrower scheduling: %v, want forbidden", err)
		}
		for _, bad := range []struct {
			in   FieldExamInput
			want string
		}{{FieldExamInput{Examiner: "Audit Co"}, "start is required"}, {FieldExamInput{Start: date.MustParse("2006-02-20"), Examiner: " "}, "examiner is required"}} {
			if _, err := c.ScheduleFieldExam(officer, "btu", bad.in); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("%+v: %v, want invalid naming %s", bad.in, err, bad.want)
			}
		}
		if _, err := c.ScheduleFieldExam(officer, "btu", FieldExamInput{Start: date.MustParse("2006-02-20"), Examiner: "Audit Co\norder: 9"}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "examiner: a control character") {
			t.Errorf("an examiner on two lines: %v, want invalid naming the examiner", err)
		}
		e, err := c.ScheduleFieldExam(officer, "btu", FieldExamInput{Start: date.MustParse("2006-02-20"), Examiner: "Audit Co", Scope: "receivables and inventory", Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		if again, err := c.ScheduleFieldExam(officer, "btu", FieldExamInput{Start: date.MustParse("2006-02-20"), Examiner: "Audit Co", Scope: "receivables and inventory", Key: "k1"}); err != nil || again.ID != e.ID {
			t.Errorf("the request sent again: %+v %v, want exam %d", again, err, e.ID)
		}
		if recs, _ := s.FieldExamRecords(context.Background(), "btu"); len(recs) != 1 {
			t.Errorf("%d records after the request sent twice, want 1", len(recs))
		}
		if _, err := c.AddFinding(officer, "btu", e.ID, FindingInput{Severity: "low", Text: "x", Key: "k1"}); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("the key of the schedule used for a finding: %v, want conflict", err)
		}
		if e.State != fieldexam.InProgress || e.ScheduledBy != "officer1@bank" {
			t.Errorf("scheduled %+v", e)
		}
		audit, err := s.(store.Accounts).AuditRecords(context.Background(), 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if a := audit[len(audit)-1]; a.Kind != "field_exam" || a.Action != "schedule" || !strings.Contains(string(a.After), `"field_exam_record"`) {
			t.Errorf("the audit record of the schedule: %s %s %s", a.Kind, a.Action, a.After)
		}
		if _, err := c.PerformFieldExam(officer, "btu", e.ID, FieldExamInput{On: date.MustParse("2006-03-02")}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "after the business date") {
			t.Errorf("a report after the business date: %v", err)
		}
		if _, err := c.PerformFieldExam(officer, "btu", e.ID, FieldExamInput{On: date.MustParse("2006-02-19")}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "before its fieldwork started") {
			t.Errorf("a report before the fieldwork: %v", err)
		}
		if _, err := c.PerformFieldExam(officer, "btu", e.ID+100, FieldExamInput{On: date.MustParse("2006-02-28")}); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("an unknown exam: %v, want not_found", err)
		}
		c.at = c.at.Add(time.Hour)
		performed, err := c.PerformFieldExam(officer, "btu", e.ID, FieldExamInput{On: date.MustParse("2006-02-28"), Examiner: "Audit Co (J. Smith)"})
		if err != nil {
			t.Fatal(err)
		}
		reportAt := *performed.PerformedAt
		if performed.State != fieldexam.Performed || performed.ReportExaminer != "Audit Co (J. Smith)" {
			t.Errorf("performed %+v", performed)
		}
		if _, err := c.PerformFieldExam(officer, "btu", e.ID, FieldExamInput{On: date.MustParse("2006-02-28")}); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("performed twice: %v, want conflict", err)
		}
		var findings []int64
		for _, in := range []FindingInput{
			{Severity: "high", Text: "dilution 9% against 5% reported"},
			{Severity: "medium", Text: "ineligible consigned inventory counted"},
			{Severity: "low", Text: "aging report cut-off one day late"},
		} {
			x, err := c.AddFinding(officer, "btu", e.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			findings = append(findings, x.Findings[len(x.Findings)-1].ID)
		}
		if _, err := c.AddFinding(officer, "btu", e.ID, FindingInput{Severity: "severe", Text: "x"}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), `severity "severe"`) {
			t.Errorf("a bad severity: %v", err)
		}

		// A note.
		if _, err := c.DisposeFinding(officer, "btu", findings[2], DispositionInput{Disposition: fieldexam.DisposeNote}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "text is required") {
			t.Errorf("a note without text: %v", err)
		}
		if _, err := c.DisposeFinding(officer, "btu", findings[2], DispositionInput{Disposition: fieldexam.DisposeNote, Text: "borrower to run the aging on the last day"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DisposeFinding(officer, "btu", findings[2], DispositionInput{Disposition: fieldexam.DisposeNote, Text: "again"}); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("disposed twice: %v, want conflict", err)
		}

		// A reserve: refused input stores neither the reserve nor the
		// disposition.
		bad := ReserveInput{ID: "consigned", Placement: "borrowing_base", Amount: 0, From: date.MustParse("2006-03-01")}
		if _, err := c.DisposeFinding(officer, "btu", findings[1], DispositionInput{Disposition: fieldexam.DisposeReserve, Reserve: &bad}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "amount") {
			t.Errorf("a reserve of 0.00: %v", err)
		}
		res := ReserveInput{ID: "consigned", Placement: "borrowing_base", Amount: 125_000_00, From: date.MustParse("2006-03-01")}
		x, err := c.DisposeFinding(officer, "btu", findings[1], DispositionInput{Disposition: fieldexam.DisposeReserve, Reserve: &res})
		if err != nil {
			t.Fatal(err)
		}
		if d := x.Findings[1].Disposition; d == nil || d.Kind != fieldexam.DisposeReserve || d.Ref != "consigned" || d.Link != "/facilities/btu#reserves" {
			t.Errorf("the reserve's disposition %+v", d)
		}
		rs, err := c.Reserves(officer, "btu", 0, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Status != ReservePending || !strings.Contains(rs[0].Reason, "finding "+strconv.FormatInt(findings[1], 10)+" (medium): ineligible consigned") {
			t.Errorf("reserves %+v, want one pending naming the finding", rs)
		}

		// An advance-rate change: previewed, then asked for; approved by
		// another lender it is in the terms from its date.
		change := AdvanceRateChange{Component: "receivables", Rate: money.MustRate("75%"), Effective: date.MustParse("2006-03-01")}
		pv, err := c.PreviewFindingAmendment(officer, "btu", findings[0], change)
		if err != nil {
			t.Fatal(err)
		}
		if len(pv.Preview.Problems) != 0 || len(pv.Preview.Terms) != 1 || !strings.Contains(pv.Draft.Content, "value: 75%") {
			t.Fatalf("preview %+v\n%s", pv.Preview, pv.Draft.Content)
		}
		for _, b := range []struct {
			c    AdvanceRateChange
			want string
		}{
			{AdvanceRateChange{Component: "fixed_assets", Rate: money.MustRate("50%"), Effective: change.Effective}, `component "fixed_assets"`},
			{AdvanceRateChange{Component: "receivables", Rate: money.MustRate("120%"), Effective: change.Effective}, "rate 120%"},
			{AdvanceRateChange{Component: "receivables", Rate: money.MustRate("70%")}, "effective is required"},
		} {
			if _, err := c.DisposeFinding(officer, "btu", findings[0], DispositionInput{Disposition: fieldexam.DisposeAdvanceRate, AdvanceRate: &b.c}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), b.want) {
				t.Errorf("%+v: %v, want invalid naming %s", b.c, err, b.want)
			}
		}
		stale := change
		stale.Previewed = strings.Repeat("0", 64)
		if _, err := c.DisposeFinding(officer, "btu", findings[0], DispositionInput{Disposition: fieldexam.DisposeAdvanceRate, AdvanceRate: &stale}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "not the one previewed") {
			t.Errorf("a draft not the one previewed: %v, want invalid", err)
		}
		if _, err := c.DisposeFinding(officer, "btu", findings[0], DispositionInput{Disposition: fieldexam.DisposeAdvanceRate, AdvanceRate: &change}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "previewed_sha256 is required") {
			t.Errorf("a draft not previewed: %v, want invalid", err)
		}
		change.Previewed = pv.Preview.SHA256
		x, err = c.DisposeFinding(officer, "btu", findings[0], DispositionInput{Disposition: fieldexam.DisposeAdvanceRate, AdvanceRate: &change, Text: "dilution above the agreement's assumption"})
		if err != nil {
			t.Fatal(err)
		}
		d := x.Findings[0].Disposition
		if d == nil || d.Kind != fieldexam.DisposeAdvanceRate || d.Ref == "" {
			t.Fatalf("the advance-rate disposition %+v", d)
		}
		id, _ := strconv.ParseInt(d.Ref, 10, 64)
		if _, _, err := c.DecidePending(other, "btu", id, true, "officer2@bank", "agreed after the exam"); err != nil {
			t.Fatal(err)
		}
		terms, err := c.Terms.(*StoredTerms).TermsAsOf(context.Background(), "btu", date.MustParse("2006-03-01"))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range terms.BorrowingBase.Components {
			if k.ID == "receivables" && k.AdvanceRate.Value.Cmp(money.MustRate("0.75")) != 0 {
				t.Errorf("receivables advance rate after the approval %s, want 75%%", k.AdvanceRate.Value.Percent())
			}
		}

		now, err := c.FieldExamsOf(officer, "btu", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if now.LastPerformed != date.MustParse("2006-02-28") || now.NextDue != date.MustParse("2007-02-28") || now.Status != fieldexam.StatusCurrent || now.OpenFindings != 0 || len(now.Exams) != 1 {
			t.Errorf("after the exam: %+v", now)
		}
		then, err := c.FieldExamsOf(officer, "btu", reportAt.Add(-time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if then.LastPerformed != 0 || then.Status != fieldexam.StatusOverdue || then.Exams[0].State != fieldexam.InProgress {
			t.Errorf("as known before the report: %+v", then)
		}
		m, err = c.Morning(officer, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if hasException(m, ExFieldExam, "") {
			t.Errorf("the morning still lists the field exam: %+v", m.Exceptions)
		}
	})
}

// hasException reports whether the morning lists an exception of kind
// whose reason contains reason.
func hasException(m Morning, kind, reason string) bool {
	for _, e := range m.Exceptions {
		if e.Kind == kind && strings.Contains(e.Reason, reason) {
			return true
		}
	}
	return false
}

// TestFindingTurnedDown: a finding whose amendment a second lender
// rejects is open again, with the disposition turned down and why; its
// next draft is a document of its own; a finding whose reserve is
// released before its approval is open again too; a disposition that
// stands still refuses a second one.
func TestFindingTurnedDown(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 3, 1, 12, 0, 0, 0, time.UTC))
		c.open("2006-03-01", 12)
		officer := WithActor(context.Background(), Actor{User: "officer1@bank", UserID: 1, Role: store.RoleLenderOfficer})
		other := WithActor(context.Background(), Actor{User: "officer2@bank", UserID: 3, Role: store.RoleLenderOfficer})
		e, err := c.ScheduleFieldExam(officer, "btu", FieldExamInput{Start: date.MustParse("2006-02-20"), Examiner: "Audit Co"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, text := range []string{"dilution understated", "consigned goods counted"} {
			x, err := c.AddFinding(officer, "btu", e.ID, FindingInput{Severity: "high", Text: text})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x.Findings[len(x.Findings)-1].ID)
		}
		change := AdvanceRateChange{Component: "receivables", Rate: money.MustRate("75%"), Effective: date.MustParse("2006-03-01")}
		pv, err := c.PreviewFindingAmendment(officer, "btu", ids[0], change)
		if err != nil {
			t.Fatal(err)
		}
		change.Previewed = pv.Preview.SHA256
		x, err := c.DisposeFinding(officer, "btu", ids[0], DispositionInput{Disposition: fieldexam.DisposeAdvanceRate, AdvanceRate: &change})
		if err != nil {
			t.Fatal(err)
		}
		pending, _ := strconv.ParseInt(x.Findings[0].Disposition.Ref, 10, 64)
		if _, err := c.DisposeFinding(officer, "btu", ids[0], DispositionInput{Disposition: fieldexam.DisposeNote, Text: "again"}); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("a second disposition while the first stands: %v, want conflict", err)
		}
		c.at = c.at.Add(time.Hour)
		if _, _, err := c.DecidePending(other, "btu", pending, false, "officer2@bank", "the field exam's sample is too small"); err != nil {
			t.Fatal(err)
		}
		res := ReserveInput{ID: "consigned", Placement: "borrowing_base", Amount: 50_000_00, From: date.MustParse("2006-03-01")}
		if _, err := c.DisposeFinding(officer, "btu", ids[1], DispositionInput{Disposition: fieldexam.DisposeReserve, Reserve: &res}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ReleaseReserve(officer, "btu", "consigned", date.MustParse("2006-03-01"), "the goods were sold before the approval", "officer1@bank"); err != nil {
			t.Fatal(err)
		}
		fe, err := c.FieldExamsOf(officer, "btu", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		got := fe.Exams[0].Findings
		if fe.OpenFindings != 2 || got[0].Disposition != nil || len(got[0].Earlier) != 1 || !strings.Contains(got[0].Earlier[0].TurnedDown, "rejected by officer2@bank: the field exam's sample is too small") ||
			got[1].Disposition != nil || len(got[1].Earlier) != 1 || !strings.Contains(got[1].Earlier[0].TurnedDown, "released before it was approved") {
			t.Fatalf("after the amendment was rejected and the reserve released: %+v", got)
		}
		pv, err = c.PreviewFindingAmendment(officer, "btu", ids[0], AdvanceRateChange{Component: "receivables", Rate: money.MustRate("78%"), Effective: date.MustParse("2006-03-01")})
		if err != nil || pv.Draft.Name != fmt.Sprintf("field-exam-%d-finding-%d-2.yaml", e.ID, ids[0]) {
			t.Errorf("the second draft: %q %v", pv.Draft.Name, err)
		}
		if _, err := c.DisposeFinding(officer, "btu", ids[0], DispositionInput{Disposition: fieldexam.DisposeNote, Text: "the borrower corrects its credit-memo timing; no change"}); err != nil {
			t.Errorf("disposing of the reopened finding: %v", err)
		}
		before, err := c.FieldExamsOf(officer, "btu", c.at.Add(-30*time.Minute))
		if err != nil || before.Exams[0].Findings[0].Disposition == nil || before.Exams[0].Findings[0].Disposition.Kind != fieldexam.DisposeAdvanceRate {
			t.Errorf("as known before the rejection, the amendment stood: %+v %v", before.Exams[0].Findings[0], err)
		}
	})
}
