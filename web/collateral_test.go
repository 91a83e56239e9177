package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCollateralPage: an officer records an insurance policy on the
// collateral page; one expiring before it takes effect is refused by the
// use case beside the expiry, with what was sent kept, and nothing
// recorded; a policy, a UCC filing's number, other indebtedness and a move
// of the records are recorded and listed as known today; a borrower sees
// the lists but no form and cannot post one.
func TestCollateralPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		o := e.signIn(t, "officer@bank.example")
		_, page := o.get("/facilities/btu/collateral")
		if !strings.Contains(page, `id="policy-submit"`) || !strings.Contains(page, `id="occurrence-submit"`) {
			t.Fatal("the collateral page offers the officer no forms")
		}
		before, _ := e.web.st.FactRecords(t.Context(), "btu")
		pol := url.Values{"id": {"prop-1"}, "insurer": {"Acme Mutual"}, "effective": {"2004-10-01"}, "expires": {"2004-09-01"}, "loss_payee": {"lender"}, "idempotency_key": {"p0"}}
		resp, page := o.postPage("/facilities/btu/collateral/policies", pol)
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(section(page, "policy-expires-err", "</span>"), "not after it takes effect") || !strings.Contains(page, `value="Acme Mutual"`) {
			t.Errorf("a policy expiring before it takes effect: %d %s", resp.StatusCode, section(page, "policy-h", "</form>"))
		}
		if recs, _ := e.web.st.FactRecords(t.Context(), "btu"); len(recs) != len(before) {
			t.Errorf("a refusal recorded %d fact records", len(recs)-len(before))
		}
		pol.Set("expires", "2005-10-01")
		pol.Set("idempotency_key", "p1")
		mustStatus(t, "policy", o.post("/facilities/btu/collateral/policies", pol).StatusCode, http.StatusSeeOther)
		resp = o.post("/facilities/btu/collateral/other-debts", url.Values{"id": {"note-1"}, "creditor": {"First Bank"}, "amount": {"50,000.00"}, "due": {"2005-01-31"}, "idempotency_key": {"d1"}})
		mustStatus(t, "other debt", resp.StatusCode, http.StatusSeeOther)
		resp = o.post("/facilities/btu/collateral/occurrences", url.Values{"kind": {"records_move"}, "date": {"2004-10-05"}, "ref": {"Dallas warehouse"}, "idempotency_key": {"o1"}})
		mustStatus(t, "occurrence", resp.StatusCode, http.StatusSeeOther)
		resp, page = o.postPage("/facilities/btu/collateral/other-debts", url.Values{"id": {"note-2"}, "creditor": {"First Bank"}, "amount": {"abc"}, "due": {"2005-01-31"}})
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(section(page, "debt-amount-err", "</span>"), "is not an amount") {
			t.Errorf("an amount that is not one: %d", resp.StatusCode)
		}
		b := e.signIn(t, "controller@btu.example")
		_, page = b.get("/facilities/btu/collateral")
		if strings.Contains(page, `id="policy-submit"`) {
			t.Error("the borrower is offered the collateral forms")
		}
		for _, want := range []string{"Acme Mutual", "First Bank", "Dallas warehouse", "prop-1"} {
			if !strings.Contains(page, want) {
				t.Errorf("the collateral page does not list %q", want)
			}
		}
		if resp, _ := b.postPage("/facilities/btu/collateral/policies", pol); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the borrower's policy: %d", resp.StatusCode)
		}
	})
}
