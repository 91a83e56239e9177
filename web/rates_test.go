package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"revolver/date"
)

// postFields posts a multipart form of fields and one file to p and reads
// the answer.
func (c *client) postFields(p string, fields map[string]string, field, name, content string) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", c.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	w, _ := mw.CreateFormFile(field, name)
	w.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+p, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestRatesPage: a lender imports a FRED download and records a value from
// the page; a bad row is shown by file:line:column and stores nothing; the
// series' values are listed with their sources; an analyst sees them
// without the forms and may not record. On both databases.
func TestRatesPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		admin := e.signIn(t, "admin@bank.example")
		resp, body := admin.get("/rates")
		mustStatus(t, "rates page", resp.StatusCode, http.StatusOK)
		for _, want := range []string{"term_sofr_3m", "Federal Funds", `action="/rates/import"`, `aria-current="page">Base rates`} {
			if !strings.Contains(body, want) {
				t.Errorf("rates page lacks %q", want)
			}
		}
		csv := "observation_date,DPRIME\n2004-06-30,4.00\n2004-07-01,4.25\n2004-07-05,.\n"
		resp, _ = admin.postFields("/rates/import", map[string]string{"series": "prime", "source": "Federal Reserve H.15 via FRED (DPRIME)"}, "file", "DPRIME.csv", csv)
		mustStatus(t, "import", resp.StatusCode, http.StatusSeeOther)
		if got := Flash(resp.Header.Get("Location")); got != "2 value(s) of prime imported; 0 were already recorded." {
			t.Errorf("import says %q", got)
		}
		resp, body = admin.postFields("/rates/import", map[string]string{"series": "prime", "source": "x"}, "file", "bad.csv", "observation_date,DPRIME\n2004-08-11,4.5o\n")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `bad.csv:2:12: column &#34;DPRIME&#34;: found &#34;4.5o&#34;`) {
			t.Errorf("bad row: %d %s", resp.StatusCode, body)
		}
		resp = admin.post("/rates", url.Values{"series": {"prime"}, "effective": {"2004-08-11"}, "rate": {"4.50"}, "source": {"The Wall Street Journal"}})
		mustStatus(t, "record", resp.StatusCode, http.StatusSeeOther)
		if got := Flash(resp.Header.Get("Location")); got != "The value of prime from 2004-08-11 is recorded." {
			t.Errorf("record says %q", got)
		}
		_, body = admin.get("/rates?series=prime")
		for _, want := range []string{"4.5%", "The Wall Street Journal", "4.25%", "Federal Reserve H.15 via FRED (DPRIME)"} {
			if !strings.Contains(body, want) {
				t.Errorf("prime values lack %q", want)
			}
		}
		if strings.Contains(body, "2004-08-11</td><td class=\"num\">4.5o") {
			t.Error("the refused file's value is shown")
		}
		analyst := e.signIn(t, "analyst@bank.example")
		_, body = analyst.get("/rates?series=prime")
		if !strings.Contains(body, "4.25%") || strings.Contains(body, `action="/rates/import"`) {
			t.Errorf("analyst's page: forms shown or values missing")
		}
		if resp := analyst.post("/rates", url.Values{"series": {"prime"}, "effective": {"2004-09-22"}, "rate": {"4.75"}, "source": {"x"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("analyst records: %d", resp.StatusCode)
		}
		if resp, _ := admin.get("/rates?series=euribor"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown series: %d", resp.StatusCode)
		}
	})
}

// The loans page shows the interest by rate period: an advance accrued by
// close of business at prime + 0%, the rate cited with its source; and per
// loan and rate period, with the order repayments are applied in.
func TestLoansPageInterestByRatePeriod(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		approvedCertificate(t, e)
		admin := e.signIn(t, "admin@bank.example")
		resp, _ := admin.postFields("/rates/import", map[string]string{"series": "prime", "source": "Federal Reserve H.15 via FRED (DPRIME)"}, "file", "DPRIME.csv",
			"observation_date,DPRIME\n2004-09-22,4.75\n")
		mustStatus(t, "import", resp.StatusCode, http.StatusSeeOther)
		o := e.signIn(t, "officer@bank.example")
		mustStatus(t, "advance", o.post("/facilities/btu/advances", url.Values{"amount": {"100000.00"}, "value_date": {"2004-10-05"}, "idempotency_key": {"i1"}}).StatusCode, http.StatusSeeOther)
		svc := e.web.svc
		if _, err := svc.CloseOfBusiness(context.Background(), date.MustParse("2004-10-05")); err != nil {
			t.Fatal(err)
		}
		_, body := o.get("/facilities/btu/loans?as_of=2004-10-05")
		for _, want := range []string{"Interest by rate period", "4.75% = prime 4.75% (effective", "Federal Reserve H.15 via FRED (DPRIME)", "13.19",
			"Per loan and rate period", "4.75% (prime: prime 4.75% on 2004-10-05 &#43; margin 0%)", "floating-rate loans first, oldest first"} {
			if !strings.Contains(body, want) {
				t.Errorf("loans page lacks %q", want)

			}
		}
	})
}
