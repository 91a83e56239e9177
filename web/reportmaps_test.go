package web

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func layoutTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "collateral", "testdata", "layout", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReportMapsPage: the controller types the aging's format, previews
// the QuickBooks-shaped export (its first rows as read, rows read, totals,
// the header line), saves it, and sees it saved; a file that differs from
// its subtotal is shown with its row and column next to the aging's own
// box, what was typed in the inventory's box kept; an analyst sees the
// formats without the Save buttons and may not save. On both databases.
func TestReportMapsPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		cfo := e.signIn(t, "controller@btu.example")
		resp, body := cfo.get("/facilities/btu/report-maps")
		mustStatus(t, "page", resp.StatusCode, http.StatusOK)
		if !strings.Contains(body, "No format saved") || !strings.Contains(body, `value="save:receivables"`) {
			t.Fatalf("page: %s", body)
		}
		form := map[string]string{
			"columns_receivables":     "debtor_id=Name, invoice_no=Num, invoice_date=Date, due_date=Due Date, amount=Open Balance",
			"date_format_receivables": "MM/DD/YYYY",
			"defaults_receivables":    "currency=USD, disputed=false",
			"columns_inventory":       "quantity=On Hand",
			"as_of":                   "2026-03-31",
		}
		with := func(action string) map[string]string {
			m := map[string]string{"action": action}
			for k, v := range form {
				m[k] = v
			}
			return m
		}
		resp, body = cfo.postFields("/facilities/btu/report-maps", with("preview:receivables"), "file_receivables", "qb-aging.csv", layoutTestdata(t, "qb-aging.csv"))
		mustStatus(t, "preview", resp.StatusCode, http.StatusOK)
		for _, want := range []string{"Read: 6 rows; total amount 13,697.56", "header on line 5", "<td>CM-7</td>", "<td>-12.00</td>", "3 subtotals and 1 total checked"} {
			if !strings.Contains(body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		resp, body = cfo.postFields("/facilities/btu/report-maps", with("preview:receivables"), "file_receivables", "bad.csv", layoutTestdata(t, "qb-aging-bad-subtotal.csv"))
		mustStatus(t, "refused preview", resp.StatusCode, http.StatusUnprocessableEntity)
		box := body[strings.Index(body, `id="box-receivables"`):]
		box = box[:strings.Index(box, "</section>")]
		if !strings.Contains(box, `bad.csv:14: column &#34;amount&#34;: found &#34;$10,500.00&#34;`) || !strings.Contains(box, `aria-invalid="true"`) {
			t.Errorf("the refusal is not next to the aging's box: %s", box)
		}
		if !strings.Contains(body, `value="quantity=On Hand"`) {
			t.Error("the inventory's box lost what was typed")
		}
		resp, _ = cfo.postFields("/facilities/btu/report-maps", with("save:receivables"), "file_receivables", "", "")
		mustStatus(t, "save", resp.StatusCode, http.StatusSeeOther)
		if got := Flash(resp.Header.Get("Location")); got != "The receivables format is saved: the reports of that kind submitted from now on are read with it." {
			t.Errorf("save says %q", got)
		}
		_, body = cfo.get("/facilities/btu/report-maps")
		if !strings.Contains(body, "Saved by controller@btu.example") || !strings.Contains(body, `value="debtor_id=Name, invoice_no=Num, invoice_date=Date, due_date=Due Date, amount=Open Balance"`) {
			t.Errorf("saved format not shown")
		}
		bad := with("save:receivables")
		bad["header_row_receivables"] = "five"
		resp, body = cfo.postFields("/facilities/btu/report-maps", bad, "file_receivables", "", "")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `Header row: found &#34;five&#34;`) {
			t.Errorf("bad header row: %d", resp.StatusCode)
		}
		analyst := e.signIn(t, "analyst@bank.example")
		resp, body = analyst.get("/facilities/btu/report-maps")
		mustStatus(t, "analyst page", resp.StatusCode, http.StatusOK)
		if strings.Contains(body, `value="save:receivables"`) || !strings.Contains(body, "Saved by controller@btu.example") {
			t.Error("analyst's page")
		}
		resp, _ = analyst.postFields("/facilities/btu/report-maps", with("save:receivables"), "file_receivables", "", "")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("analyst saves: %d", resp.StatusCode)
		}
	})
}

// TestReportMapsPageBrowser: in Chromium at 800 px the report formats
// page, with the preview of an export shown, does not scroll sideways (the
// preview's table scrolls inside itself), shows the six rows read, and
// keeps the format as typed.
func TestReportMapsPageBrowser(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	base := e.srv.URL
	if err := chromedp.Do(ctx, signInActions(base, "controller@btu.example")); err != nil {
		t.Fatal(err)
	}
	path, err := filepath.Abs(filepath.Join("..", "collateral", "testdata", "layout", "qb-aging.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 1000), chromedp.Navigate(base+"/facilities/btu/report-maps"), chromedp.WaitReady("#file_receivables"),
		chromedp.SetUploadFiles("#file_receivables", []string{path}),
		chromedp.SendKeys("#columns_receivables", "debtor_id=Name, invoice_no=Num, invoice_date=Date, due_date=Due Date, amount=Open Balance"),
		chromedp.SetValue("#date_format_receivables", "MM/DD/YYYY"), chromedp.SendKeys("#defaults_receivables", "currency=USD, disputed=false"),
		chromedp.Click("#preview-receivables"), chromedp.WaitReady("#preview-rows-receivables")); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= document.documentElement.clientWidth`))
	if err != nil || !wide {
		sw, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		t.Errorf("the page scrolls sideways at 800 px (scroll width %d, %v)", sw, err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#preview-rows-receivables tbody tr").length`))
	if err != nil || rows != 6 {
		t.Errorf("%d preview rows (%v), want 6", rows, err)
	}
	// The typed format is kept after the preview.
	cols, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#columns_receivables").value`))
	if err != nil || !strings.Contains(cols, "amount=Open Balance") {
		t.Errorf("columns after the preview: %q (%v)", cols, err)
	}
}
