package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"revolver/date"
)

// TestRemedyForms: for a continuing event of default the calendar page
// offers the election of default interest, the cure request and the
// acceleration; the acceleration before the Bank's notice is refused by
// the use case in its form, nothing recorded; a cure is asked for (a
// request a second lender decides); a covenant result with a date not of
// its form is refused beside the period; a borrower is refused.
func TestRemedyForms(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		svc := e.web.svc
		o := e.signIn(t, "officer@bank.example")
		resp := o.post("/facilities/btu/defaults", url.Values{"event": {"dissolution"}, "occurred": {"2004-10-04"}, "description": {"dissolved"}, "idempotency_key": {"eod-1"}})
		mustStatus(t, "record default", resp.StatusCode, http.StatusSeeOther)
		rep, err := svc.DefaultsReport(t.Context(), "btu", date.MustParse("2004-10-05"))
		if err != nil || len(rep.Defaults) != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		id := rep.Defaults[0].ID
		_, page := o.get("/facilities/btu/calendar")
		for _, want := range []string{`id="interest-` + id + `-submit"`, `id="cure-` + id + `-submit"`, `id="accelerate-` + id + `-submit"`, `id="result-submit"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the calendar page has no %s", want)
			}
		}
		before, _ := e.web.st.FactRecords(t.Context(), "btu")
		resp, page = o.postPage("/facilities/btu/defaults/"+url.PathEscape(id)+"/accelerate", url.Values{"date": {"2004-10-05"}})
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(section(page, "accelerate-"+id+"-err", "</p>"), "Refused, and nothing was changed") {
			t.Errorf("an acceleration without the notice: %d %s", resp.StatusCode, errorsOf(page))
		}
		resp, page = o.postPage("/facilities/btu/defaults/"+url.PathEscape(id)+"/cure", url.Values{"date": {"5 Oct"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(section(page, "cure-"+id+"-date-err", "</span>"), "is not a date") || !strings.Contains(page, `value="5 Oct"`) {
			t.Errorf("a cure dated 5 Oct: %d %s", resp.StatusCode, errorsOf(page))
		}
		if after, _ := e.web.st.FactRecords(t.Context(), "btu"); len(after) != len(before) {
			t.Errorf("refusals recorded %d fact records", len(after)-len(before))
		}
		resp = o.post("/facilities/btu/defaults/"+url.PathEscape(id)+"/cure", url.Values{"date": {"2004-10-06"}, "note": {"reinstated"}, "idempotency_key": {"c1"}})
		mustStatus(t, "cure", resp.StatusCode, http.StatusSeeOther)
		rs, err := svc.Requests(t.Context(), "btu")
		found := false
		for _, r := range rs {
			found = found || r.Kind == "cure" && r.Default == id && r.Status == "requested"
		}
		if err != nil || !found {
			t.Errorf("no cure request of %s after the cure form (%v)", id, err)
		}
		resp, page = o.postPage("/facilities/btu/covenant-results", url.Values{"covenant": {"x"}, "period_end": {"Q3"}, "pass": {"fail"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(section(page, "result-period_end-err", "</span>"), "is not a date") {
			t.Errorf("a result for Q3: %d %s", resp.StatusCode, errorsOf(page))
		}
		b := e.signIn(t, "controller@btu.example")
		if resp, _ := b.postPage("/facilities/btu/defaults/"+url.PathEscape(id)+"/cure", url.Values{"date": {"2004-10-06"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the borrower's cure: %d", resp.StatusCode)
		}
	})
}
