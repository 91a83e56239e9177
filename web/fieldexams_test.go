package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFieldExamsPage: the page shows the schedule overdue (no exam, the
// bank's default); an officer schedules an exam, records it performed
// (a report after the business date refused beside its date, what was
// sent kept, nothing stored) and a finding; disposes of it by a reserve
// (pending, linked), and previews an advance-rate change for a second
// finding, then asks for it from the preview: the finding links the
// pending amendment; a borrower reads the page but sees no form and may
// not post one.
func TestFieldExamsPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		o := e.signIn(t, "officer@bank.example")
		_, page := o.get("/facilities/btu/field-exams")
		if !strings.Contains(page, "the bank's default") || !strings.Contains(page, `class="badge overdue"`) || !strings.Contains(page, `id="exam-schedule-submit"`) {
			t.Fatalf("the field exams page before any exam: %s", section(page, "sched-h", "</section>"))
		}
		resp := o.post("/facilities/btu/field-exams", url.Values{"start": {"2004-09-27"}, "examiner": {"Audit Co"}, "scope": {"receivables"}, "idempotency_key": {"s1"}})
		mustStatus(t, "schedule", resp.StatusCode, http.StatusSeeOther)
		// The same form sent again (its key): the same exam, nothing new.
		resp = o.post("/facilities/btu/field-exams", url.Values{"start": {"2004-09-27"}, "examiner": {"Audit Co"}, "scope": {"receivables"}, "idempotency_key": {"s1"}})
		mustStatus(t, "schedule again", resp.StatusCode, http.StatusSeeOther)
		if recs, _ := e.web.st.FieldExamRecords(t.Context(), "btu"); len(recs) != 1 {
			t.Errorf("the form sent twice recorded %d exams, want 1", len(recs))
		}
		_, page = o.get("/facilities/btu/field-exams")
		if !strings.Contains(page, "Exam 1: Audit Co, fieldwork from <time datetime=\"2004-09-27\">") || !strings.Contains(page, `id="exam-1-perform-submit"`) {
			t.Fatalf("the exam scheduled: %s", section(page, "exams-h", "</section>"))
		}
		resp, page = o.postPage("/facilities/btu/field-exams/1/perform", url.Values{"on": {"2099-01-01"}, "idempotency_key": {"p0"}})
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(section(page, "exam-1-perform-on-err", "</span>"), "after the business date") || !strings.Contains(page, `value="2099-01-01"`) {
			t.Errorf("a report after the business date: %d %s", resp.StatusCode, section(page, "exam-1-perform-h", "</form>"))
		}
		mustStatus(t, "perform", o.post("/facilities/btu/field-exams/1/perform", url.Values{"on": {"2004-10-01"}, "idempotency_key": {"p1"}}).StatusCode, http.StatusSeeOther)
		for i, text := range []string{"consigned inventory counted", "dilution 9% against 5% reported"} {
			resp := o.post("/facilities/btu/field-exams/1/findings", url.Values{"severity": {"high"}, "text": {text}, "idempotency_key": {"f" + string(rune('0'+i))}})
			mustStatus(t, "finding", resp.StatusCode, http.StatusSeeOther)
		}
		_, page = o.get("/facilities/btu/field-exams")
		if !strings.Contains(page, `class="badge pass">Current`) && !strings.Contains(page, `class="badge pass">current`) {
			t.Errorf("after the report the schedule is not current: %s", section(page, "sched-h", "</section>"))
		}
		if !strings.Contains(page, `id="finding-3-dispose-submit"`) || !strings.Contains(page, `id="finding-4-rate-submit"`) {
			t.Fatalf("no disposition forms: %s", section(page, "exams-h", "</section>"))
		}
		resp = o.post("/facilities/btu/field-exam-findings/3/dispose", url.Values{"disposition": {"reserve"}, "reserve_id": {"consigned"}, "amount": {"125,000.00"}, "placement": {"borrowing_base"}, "from": {"2004-10-15"}, "idempotency_key": {"d1"}})
		mustStatus(t, "dispose by a reserve", resp.StatusCode, http.StatusSeeOther)
		resp, page = o.postPage("/facilities/btu/field-exam-findings/4/preview", url.Values{"component": {"receivables"}, "rate": {"75%"}, "effective": {"2004-10-15"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "borrowing_base.components.receivables.advance_rate") || !strings.Contains(page, `id="ask-amendment"`) {
			t.Fatalf("the preview: %d %s", resp.StatusCode, section(page, "<main", "</main>"))
		}
		sha := between(page, `name="previewed_sha256" value="`, `"`)
		resp = o.post("/facilities/btu/field-exam-findings/4/dispose", url.Values{"disposition": {"advance_rate"}, "component": {"receivables"}, "rate": {"75%"}, "effective": {"2004-10-15"}, "previewed_sha256": {sha}})
		mustStatus(t, "ask for the amendment", resp.StatusCode, http.StatusSeeOther)
		_, page = o.get("/facilities/btu/field-exams")
		if !strings.Contains(page, "reserve consigned") || !strings.Contains(page, "advance-rate amendment, pending action") || strings.Contains(page, `id="finding-4-rate-submit"`) {
			t.Errorf("the dispositions: %s", section(page, "exams-h", "</section>"))
		}
		b := e.signIn(t, "controller@btu.example")
		_, page = b.get("/facilities/btu/field-exams")
		if strings.Contains(page, "-submit\"") && strings.Contains(page, `id="exam-schedule-submit"`) || !strings.Contains(page, "consigned inventory counted") {
			t.Error("the borrower's page: forms offered or findings missing")
		}
		if resp, _ := b.postPage("/facilities/btu/field-exams", url.Values{"start": {"2004-11-01"}, "examiner": {"x"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the borrower scheduling: %d", resp.StatusCode)
		}
	})
}

// between is the text of s after the first before and up to after.
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, after)
	return v
}
