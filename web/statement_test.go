package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
	"revolver/money"
)

// The borrower's statement page: the month's advance in its section and
// in the transactions, the balances, the month links and the PDF; the
// month picker sends to the month chosen, /statements to the last month
// ended; a month that is not one is refused naming it; another facility's
// statement is not found for its borrower.
func TestStatementPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		approvedCertificate(t, e)
		adv, err := e.web.svc.Advance(context.Background(), app.AdvanceRequest{Facility: "btu", Key: "st1", Amount: money.Amount(12_345_600), ValueDate: date.MustParse("2004-10-05")})
		if err != nil {
			t.Fatal(err)
		}
		b := e.signIn(t, "controller@btu.example")
		resp, page := b.get("/facilities/btu/statements/2004-10")
		mustStatus(t, "statement", resp.StatusCode, http.StatusOK)
		for _, want := range []string{
			`<h1>Statement of account: October 2004</h1>`, `aria-current="page">Statements<`,
			`<tr id="section-advances"><th scope="row">Advances</th><td class="num">1</td><td class="num">123,456.00</td></tr>`,
			`<td><time datetime="2004-10-05">2004-10-05</time></td><td>` + fmt.Sprint(adv.Posted.Transaction.ID) + `</td><td>Advances</td>`,
			`href="/facilities/btu/statements/2004-10/statement.pdf"`, `<span aria-current="page">Oct</span>`,
			`<strong>123,456.00</strong>`, "ledger transactions " + fmt.Sprint(adv.Posted.Transaction.ID),
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the statement page does not show %q", want)
			}
		}
		// As known before the advance was recorded: no advance, and the
		// links keep the time.
		resp, page = b.get("/facilities/btu/statements/2004-10?known=given&known_at=2004-10-05+10:00")
		mustStatus(t, "statement as known at 10:00", resp.StatusCode, http.StatusOK)
		if strings.Contains(page, `id="section-advances"`) || !strings.Contains(page, `statement.pdf?known=given&amp;known_at=2004-10-05&#43;10%3A00"`) {
			t.Errorf("as known at 10:00: the advance is shown or the PDF link does not keep the time")
		}
		r, body := b.get("/facilities/btu/statements/2004-10/statement.pdf")
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(r.Header.Get("Content-Disposition"), "btu-statement-2004-10.pdf") ||
			!strings.HasPrefix(body, "%PDF-") {
			t.Errorf("PDF: %d %v %.20q", r.StatusCode, r.Header, body)
		}
		for path, want := range map[string]string{"/facilities/btu/statements": "/facilities/btu/statements/2004-09", "/facilities/btu/statements?month=2004-08": "/facilities/btu/statements/2004-08"} {
			r, _ := b.get(path)
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
				t.Errorf("%s: %d to %q, want %s", path, r.StatusCode, r.Header.Get("Location"), want)
			}
		}
		resp, page = b.get("/facilities/btu/statements/2004-09")
		mustStatus(t, "an empty month", resp.StatusCode, http.StatusOK)
		for _, want := range []string{"No transaction is value-dated in the month.", "No interest accrued in the month.", "Nothing billed is unpaid at the end of the month."} {
			if !strings.Contains(page, want) {
				t.Errorf("the statement of an empty month does not say %q", want)
			}
		}
		r, page = b.get("/facilities/btu/statements/2004-13")
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(page, `month &#34;2004-13&#34;`) {
			t.Errorf("month 2004-13: %d", r.StatusCode)
		}
		if r, _ := b.get("/facilities/other/statements/2004-10"); r.StatusCode != http.StatusNotFound {
			t.Errorf("another facility's statement: %d", r.StatusCode)
		}
	})
}
