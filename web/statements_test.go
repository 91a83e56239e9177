package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"revolver/store"
)

// postFile sends one file field (and the form's key) to a form of the pages.
func (c *client) postFile(path, field, name string, content []byte) *http.Response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", c.csrf)
	mw.WriteField("idempotency_key", "st")
	w, _ := mw.CreateFormFile(field, name)
	w.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// The borrower submits quarterly statements on the covenants page: they
// are recorded through the use case with their audit record; a file that
// cannot be read is refused naming what is wrong and stores nothing; a
// role that may not submit sees no form.
func TestStatementsForm(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		data, err := os.ReadFile("../examples/btu-sovereign/data/financials.csv")
		if err != nil {
			t.Fatal(err)
		}
		b := e.signIn(t, "controller@btu.example")
		_, page := b.get("/facilities/btu/covenants")
		if !strings.Contains(page, `id="submit-statements"`) || !strings.Contains(page, `<label for="st-file">Quarterly statements (CSV)</label>`) {
			t.Fatal("the covenants page offers the borrower no statements form")
		}
		ctx := context.Background()
		before, err := e.st.FinancialsAsKnown(ctx, "btu", store.Everything)
		if err != nil {
			t.Fatal(err)
		}
		resp := b.postFile("/facilities/btu/statements", "statements", "bad.csv", []byte("period_end,fiscal_year\nnot-a-date,2004\n"))
		mustStatus(t, "a bad file", resp.StatusCode, http.StatusBadRequest)
		if fs, err := e.st.FinancialsAsKnown(ctx, "btu", store.Everything); err != nil || len(fs) != len(before) {
			t.Fatalf("after a bad file: %d statements stored (%v), want the %d before", len(fs), err, len(before))
		}
		resp = b.postFile("/facilities/btu/statements", "statements", "financials.csv", data)
		mustStatus(t, "statements", resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "recorded") || !strings.Contains(Flash(loc), "restatement") {
			t.Errorf("statements redirect to %s", loc)
		}
		if recs := e.auditOf(t, "web POST /facilities/{slug}/statements"); len(recs) < 2 || recs[len(recs)-1].Kind != "financial_statement" || recs[len(recs)-1].Action != "submit" {
			t.Errorf("audit records of the statements: %+v", recs)
		}
		a := e.signIn(t, "auditor@audit.example")
		if _, page := a.get("/facilities/btu/covenants"); strings.Contains(page, `id="submit-statements"`) {
			t.Error("the auditor is offered the statements form")
		}
	})
}
