package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestLineDetail: a receivables line's rows are the aging's invoices as
// read — each with its debtor's name and country from the customer
// master, its age and days past due on the certificate's date, its amount
// formatted — sorted by a column chosen (amount, largest first, the
// header marked aria-sort); the filter keeps the sort; the CSV export has
// the same rows; the source report downloads as submitted, byte for byte.
func TestLineDetail(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		approvedCertificate(t, e)
		o := e.signIn(t, "officer@bank.example")
		resp, page := o.get("/facilities/btu/certificates/1/lines/receivables.eligible?sort=9&dir=desc")
		mustStatus(t, "line", resp.StatusCode, http.StatusOK)
		for _, want := range []string{">Name", ">Country", ">Age (days)", ">Days past due", `aria-sort="descending"><a href="/facilities/btu/certificates/1/lines/receivables.eligible?sort=9">Amount (USD) ▼`, ">Customer ", "<td>US</td>", "Download the source report"} {
			if !strings.Contains(page, want) {
				t.Errorf("the line page lacks %q", want)
			}
		}
		body := between(page, `<table class="rows">`, "</tbody>")
		amounts := regexp.MustCompile(`<td class="num">([0-9,]+\.[0-9]{2})</td>`).FindAllStringSubmatch(body, -1)
		if len(amounts) < 2 {
			t.Fatalf("no amounts in the rows: %s", body)
		}
		num := func(s string) string {
			return strings.Repeat("0", 20-len(strings.ReplaceAll(s, ",", ""))) + strings.ReplaceAll(s, ",", "")
		}
		for i := 1; i < len(amounts); i++ {
			if num(amounts[i-1][1]) < num(amounts[i][1]) {
				t.Fatalf("not sorted by amount, largest first: %s before %s", amounts[i-1][1], amounts[i][1])
			}
		}
		if !strings.Contains(amounts[0][1], ",") {
			t.Errorf("the largest amount %s is not formatted with thousands separators", amounts[0][1])
		}
		resp, csv := o.get("/facilities/btu/certificates/1/lines/receivables.eligible?sort=9&dir=desc&format=csv")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(csv, "line,Debtor,Name,Country,Invoice,Invoice date,Due date,Age (days),Days past due,Amount (USD),Disputed\n") || !strings.Contains(strings.SplitN(csv, "\n", 3)[1], `"`+amounts[0][1]+`"`) {
			t.Errorf("the CSV export: %d %.300s", resp.StatusCode, csv)
		}
		src := regexp.MustCompile(`href="(/facilities/btu/certificates/1/inputs/[0-9]+)" download`).FindStringSubmatch(page)
		if src == nil {
			t.Fatal("no source report link")
		}
		resp, file := o.get(src[1])
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="receivables.csv"`) || file != string(e.data["receivables.csv"]) {
			t.Errorf("the source report: %d %s %s, %d bytes, want the %d submitted", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), len(file), len(e.data["receivables.csv"]))
		}
		if resp, _ := o.get("/facilities/btu/certificates/1/inputs/9"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a report the certificate does not have: %d", resp.StatusCode)
		}
		other := e.signIn(t, "controller@other.example")
		if resp, _ := other.get(src[1]); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
			t.Errorf("another facility's borrower downloading the report: %d", resp.StatusCode)
		}
	})
}
