package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestReservesOnTheFacilityPage: an officer sets a lender reserve on the
// facility page (pending: no change to availability); the page offers the
// officer no approval of their own reserve; the admin approves it, and the
// page's waterfall shows it off the borrowing base with its reason and
// who set and approved it; a borrower sees no reserve form and cannot
// post one; a reserve without a reason is refused naming it.
func TestReservesOnTheFacilityPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		approvedCertificate(t, e)
		ctx := context.Background()
		before, err := e.web.svc.Availability(ctx, "btu", 0, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		o := e.signIn(t, "officer@bank.example")
		_, page := o.get("/facilities/btu")
		if !strings.Contains(page, `id="set-reserve"`) {
			t.Fatal("the facility page offers the officer no reserve form")
		}
		resp, page := o.postPage("/facilities/btu/reserves", url.Values{"id": {"exam"}, "amount": {"150,000.00"}, "from": {"2004-10-01"}, "placement": {"borrowing_base"}, "kind": {"fixed"}})
		if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "a reason is required") {
			t.Errorf("no reason: %d %s", resp.StatusCode, section(page, "main", "</div>"))
		}
		resp = o.post("/facilities/btu/reserves", url.Values{"id": {"exam"}, "amount": {"150,000.00"}, "from": {"2004-10-01"}, "placement": {"borrowing_base"},
			"kind": {"fixed"}, "reason": {"field exam: unverified invoices"}, "idempotency_key": {"r1"}})
		mustStatus(t, "set", resp.StatusCode, http.StatusSeeOther)
		if !strings.Contains(Flash(resp.Header.Get("Location")), "Reserve exam is pending") {
			t.Errorf("set redirects to %s", resp.Header.Get("Location"))
		}
		if a, _ := e.web.svc.Availability(ctx, "btu", 0, time.Time{}); a.BorrowingBase != before.BorrowingBase {
			t.Errorf("a pending reserve changed the borrowing base: %s → %s", before.BorrowingBase, a.BorrowingBase)
		}
		_, page = o.get("/facilities/btu")
		if strings.Contains(page, `id="approve-reserve-exam"`) || !strings.Contains(page, "Set by you: a second lender approves it.") {
			t.Error("the officer is offered the approval of their own reserve")
		}
		ad := e.signIn(t, "admin@bank.example")
		resp = ad.post("/facilities/btu/reserves/exam/approve", url.Values{"idempotency_key": {"a1"}})
		mustStatus(t, "approve", resp.StatusCode, http.StatusSeeOther)
		a, _ := e.web.svc.Availability(ctx, "btu", 0, time.Time{})
		if a.BorrowingBase != before.BorrowingBase-15_000_000 {
			t.Errorf("borrowing base after the approval %s, want %s − 150,000.00", a.BorrowingBase, before.BorrowingBase)
		}
		_, page = ad.get("/facilities/btu")
		if !strings.Contains(page, "Reserve exam") || !strings.Contains(page, "field exam: unverified invoices (set by officer@bank.example, approved by admin@bank.example)") {
			t.Errorf("the waterfall does not show the reserve: %s", section(page, `id="wf-h"`, "</section>"))
		}
		b := e.signIn(t, "controller@btu.example")
		if _, page := b.get("/facilities/btu"); strings.Contains(page, `id="set-reserve"`) {
			t.Error("the borrower is offered the reserve form")
		}
		if resp, _ := b.postPage("/facilities/btu/reserves", url.Values{"id": {"x"}, "amount": {"1.00"}, "from": {"2004-10-01"}, "reason": {"x"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the borrower's reserve: %d", resp.StatusCode)
		}
	})
}
