package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLoanNoticeForm: a notice for a loan the facility does not have is
// refused by the use case beside the loan; continuing without an interest
// period is refused beside it; an analyst may not give notices.
func TestLoanNoticeForm(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		o := e.signIn(t, "officer@bank.example")
		resp, page := o.postPage("/facilities/btu/loan-notices", url.Values{"loan": {"999"}, "kind": {"continue"}, "interest_period": {"1m"}})
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(section(page, "loan-notice-loan-err", "</span>"), "has no loan 999") {
			t.Errorf("a notice for loan 999: %d %s", resp.StatusCode, errorsOf(page))
		}
		resp, page = o.postPage("/facilities/btu/loan-notices", url.Values{"loan": {"1"}, "kind": {"continue"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(section(page, "loan-notice-interest_period-err", "</span>"), "Interest period: required") {
			t.Errorf("a continuation without a period: %d %s", resp.StatusCode, errorsOf(page))
		}
		a := e.signIn(t, "analyst@bank.example")
		if resp, _ := a.postPage("/facilities/btu/loan-notices", url.Values{"loan": {"1"}, "kind": {"continue"}, "interest_period": {"1m"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the analyst's notice: %d", resp.StatusCode)
		}
	})
}
