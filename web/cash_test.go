package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"revolver/date"
	"revolver/ledger"
)

const cashBAI = `01,SOVRBANK,BTUINTL,041015,0600,20041014,,,2/
02,BTUINTL,SOVRBANK,1,041014,2400,USD,2/
03,0012345678,USD/
16,115,2500000,1,LBX20041014,,LOCKBOX DEPOSIT/
49,2500000,3/
98,2500000,1,5/
99,2500000,1,7/
`

// TestCashPage: an officer imports the bank's file on the cash page: a
// file whose account total is wrong is refused with the record and the
// field next to the upload box, storing nothing; the file imported is
// listed, its deposit shown credited the next Business Day and applied
// to the loans, explained; the same file again imports nothing; a
// borrower sees the page without the upload box and may not import.
func TestCashPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		a, _ := ledger.Advance(ledger.Ref{Facility: "btu", Key: "setup-advance", ValueDate: date.MustParse("2004-10-04")}, 100_000_00)
		if _, err := e.st.PostBatch(context.Background(), []ledger.Transaction{a}); err != nil {
			t.Fatal(err)
		}
		o := e.signIn(t, "officer@bank.example")
		resp, page := o.get("/facilities/btu/cash")
		mustStatus(t, "cash page", resp.StatusCode, http.StatusOK)
		if !strings.Contains(page, `id="cash-upload"`) || !strings.Contains(page, `aria-current="page">Cash`) || !strings.Contains(page, "No file imported") {
			t.Fatalf("the cash page: %s", section(page, "<main", "</main>"))
		}
		bad := strings.Replace(cashBAI, "49,2500000,3/", "49,2500001,3/", 1)
		resp, page = o.postFields("/facilities/btu/cash", nil, "bai", "bad.bai", bad)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="bai-errors"`) ||
			!strings.Contains(page, "Record 5 (line 5), 49 account trailer account control total: found &#34;2500001&#34;") {
			t.Errorf("bad file: %d %s", resp.StatusCode, section(page, "<main", "</main>"))
		}
		if fs, _ := e.st.CashFiles(context.Background(), "btu"); len(fs) != 0 {
			t.Fatalf("a refused file stored: %+v", fs)
		}
		resp, _ = o.postFields("/facilities/btu/cash", nil, "bai", "lockbox.bai", cashBAI)
		mustStatus(t, "import", resp.StatusCode, http.StatusSeeOther)
		loc := resp.Header.Get("Location")
		if !strings.Contains(Flash(loc), "File 1 was imported: 25,000.00 credited to the loans, 0.00 remitted") {
			t.Errorf("import redirects to %s (%s)", loc, Flash(loc))
		}
		_, page = o.get("/facilities/btu/cash?file=1")
		for _, want := range []string{"lockbox.bai", "LBX20041014", "2004-10-15", "25,000.00", "swept to the loans every Business Day", "Clearance days: 1"} {
			if !strings.Contains(page, want) {
				t.Errorf("the file's page lacks %q: %s", want, section(page, `id="file-h"`, "</section>"))
			}
		}
		resp, _ = o.postFields("/facilities/btu/cash", nil, "bai", "again.bai", cashBAI)
		if !strings.Contains(Flash(resp.Header.Get("Location")), "imported before, as file 1") {
			t.Errorf("again redirects to %s", resp.Header.Get("Location"))
		}
		b := e.signIn(t, "controller@btu.example")
		if _, page := b.get("/facilities/btu/cash"); strings.Contains(page, `id="cash-upload"`) || !strings.Contains(page, "lockbox.bai") {
			t.Error("the borrower's cash page")
		}
		if resp, _ := b.postFields("/facilities/btu/cash", nil, "bai", "x.bai", cashBAI); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the borrower imports: %d", resp.StatusCode)
		}
	})
}
