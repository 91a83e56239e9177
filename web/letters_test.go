package web

import (
	"context"

	"net/http"
	"net/url"
	"revolver/app"
	"strings"
	"testing"
	"time"
)

// TestLettersOfCreditOnTheLoansPage: an officer issues a letter of credit
// on the loans page (availability less its face, the letter listed); a
// drawing above its undrawn face is refused beside the amount with what
// was sent kept, and nothing posted; a drawing is recorded; an expiry
// without an amount releases the rest; a borrower is offered no form and
// cannot post one.
func TestLettersOfCreditOnTheLoansPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		approvedCertificate(t, e)
		ctx := context.Background()
		before, err := e.web.svc.Availability(ctx, "btu", 0, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		o := e.signIn(t, "officer@bank.example")
		_, page := o.get("/facilities/btu/loans")
		if !strings.Contains(page, `id="lc-issue"`) {
			t.Fatal("the loans page offers the officer no letter of credit form")
		}
		vd := before.AsOf.String()
		resp, page := o.postPage("/facilities/btu/letters-of-credit", url.Values{"id": {"SB-1"}, "beneficiary": {"Port Authority"}, "amount": {"100,000.00"}, "value_date": {vd}, "expiry": {vd}, "idempotency_key": {"i0"}})
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(section(page, "lci-expiry-err", "</span>"), "expected a date after the issue date") || !strings.Contains(page, `value="Port Authority"`) {
			t.Errorf("an expiry on the issue date: %d %s", resp.StatusCode, section(page, "lc-h", "</section>"))
		}
		resp = o.post("/facilities/btu/letters-of-credit", url.Values{"id": {"SB-1"}, "beneficiary": {"Port Authority"}, "amount": {"100,000.00"}, "value_date": {vd}, "expiry": {"2005-04-15"}, "idempotency_key": {"i1"}})
		mustStatus(t, "issue", resp.StatusCode, http.StatusSeeOther)
		if msg := Flash(resp.Header.Get("Location")); !strings.Contains(msg, "Letter of credit SB-1 is issued; USD 100,000.00 undrawn") {
			t.Errorf("issue flash %q", msg)
		}
		var kinds []string
		for _, r := range e.auditOf(t, "web POST /facilities/{slug}/letters-of-credit") {
			kinds = append(kinds, r.Kind+"/"+r.Action+" "+r.Result+" "+r.Actor)
		}
		if want := []string{"letter_of_credit/issue refused officer@bank.example", "letter_of_credit/issue done officer@bank.example"}; strings.Join(kinds, "; ") != strings.Join(want, "; ") {
			t.Errorf("audit records of the issue forms: %q, want %q", kinds, want)
		}
		if a, _ := e.web.svc.Availability(ctx, "btu", 0, time.Time{}); a.Available != before.Available-100_000_00 {
			t.Errorf("availability after the issue %s, want %s − 100,000.00", a.Available.Grouped(), before.Available.Grouped())
		}
		txs, _ := e.web.st.Transactions(ctx, "btu")
		resp, page = o.postPage("/facilities/btu/letters-of-credit/SB-1", url.Values{"action": {"draw"}, "amount": {"100,000.01"}, "value_date": {vd}, "idempotency_key": {"d0"}})
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(section(page, "lca-amount-err-SB-1", "</span>"), "exceeds the undrawn face of letter of credit SB-1, 100,000.00") || !strings.Contains(page, `value="100,000.01"`) {
			t.Errorf("a drawing above the face: %d %s", resp.StatusCode, section(page, "lc-h", "</section>"))
		}
		if after, _ := e.web.st.Transactions(ctx, "btu"); len(after) != len(txs) {
			t.Error("a refused drawing posted")
		}
		resp = o.post("/facilities/btu/letters-of-credit/SB-1", url.Values{"action": {"draw"}, "amount": {"40,000.00"}, "value_date": {vd}, "idempotency_key": {"d1"}})
		mustStatus(t, "draw", resp.StatusCode, http.StatusSeeOther)
		resp = o.post("/facilities/btu/letters-of-credit/SB-1", url.Values{"action": {"expire"}, "value_date": {vd}, "idempotency_key": {"e1"}})
		mustStatus(t, "expire", resp.StatusCode, http.StatusSeeOther)
		_, page = o.get("/facilities/btu/loans")
		row := page[strings.Index(page, "<td>SB-1</td>"):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, "60,000.00") || !strings.Contains(row, "40,000.00") || !strings.Contains(row, "drawn") {
			t.Errorf("the letter's row %s", row)
		}
		b := e.signIn(t, "controller@btu.example")
		if _, page := b.get("/facilities/btu/loans"); strings.Contains(page, `id="lc-issue"`) {
			t.Error("the borrower is offered the letter of credit form")
		}
		if resp, _ := b.postPage("/facilities/btu/letters-of-credit", url.Values{"id": {"SB-2"}, "beneficiary": {"x"}, "amount": {"1.00"}, "value_date": {vd}, "expiry": {"2005-04-15"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the borrower's letter of credit: %d", resp.StatusCode)
		}
	})
}

// letterOfCredit issues letter of credit SB-9 of btu on its business date.
func letterOfCredit(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	a, err := e.web.svc.Availability(ctx, "btu", 0, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.web.svc.LetterOfCredit(ctx, app.LetterOfCreditInput{Facility: "btu", ID: "SB-9", Action: app.LCIssue, ValueDate: a.AsOf,
		Amount: 10_000_00, Beneficiary: "Utility", Expiry: a.AsOf.AddDays(180)}); err != nil {
		t.Fatal(err)
	}
}
