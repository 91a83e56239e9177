package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// postMultipart sends a multipart form (fields and files name → [file
// name, content]) and returns the answer and its page.
func (c *client) postMultipart(path string, fields map[string]string, files map[string][2]string) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", c.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for field, nf := range files {
		w, _ := mw.CreateFormFile(field, nf[0])
		w.Write([]byte(nf[1]))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestStatementsPreview: the borrower previews a statements file on the
// covenants page: the lines found with their values and the covenants
// they feed, the blank ones a covenant needs, nothing stored; a bad
// amount is refused beside the file's box naming the row and column; the
// file previewed is submitted from the preview without choosing it again.
func TestStatementsPreview(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		b := e.signIn(t, "controller@btu.example")
		const csv = "period_end,fiscal_year,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income\n" +
			"2007-04-01,2007,1,63000000.00,,29000000.00,0.00,500000.00\n"
		before, _ := e.st.FinancialsAsKnown(ctx, "btu", *e.clock.Load())
		resp, page := b.postMultipart("/facilities/btu/statements/preview", map[string]string{"idempotency_key": "p"}, map[string][2]string{"statements": {"q1.csv", csv}})
		mustStatus(t, "preview", resp.StatusCode, http.StatusOK)
		for _, want := range []string{`id="st-preview"`, "Preview of q1.csv", "(row 2)", "<code>total_assets</code>", "63,000,000.00", `<span class="badge fail">blank</span>`, `id="submit-previewed"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the preview has no %q", want)
			}
		}
		if !regexp.MustCompile(`<code>total_assets</code></span></th><td class="num">[^<]*(<[^>]+>[^<]*)*</td><td>[^<]*[A-Za-z]`).MatchString(page) {
			t.Errorf("total_assets feeds no covenant on the page")
		}
		if after, _ := e.st.FinancialsAsKnown(ctx, "btu", *e.clock.Load()); len(after) != len(before) {
			t.Fatalf("the preview stored statements")
		}
		resp, page = b.postMultipart("/facilities/btu/statements/preview", nil, map[string][2]string{"statements": {"q1.csv", strings.Replace(csv, "63000000.00", "63000000.0x", 1)}})
		if resp.StatusCode == http.StatusOK || !regexp.MustCompile(`id="st-file-err">[^<]*q1\.csv:2[^<]*total_assets`).MatchString(page) {
			t.Errorf("a bad amount: %d %s", resp.StatusCode, errorsOf(page))
		}
		// Submitted from the preview.
		m := regexp.MustCompile(`name="statements_csv" value="([^"]*)"`).FindStringSubmatch(page0(t, b, csv))
		if m == nil {
			t.Fatal("the preview does not carry the file")
		}
		resp, _ = b.postMultipart("/facilities/btu/statements", map[string]string{"idempotency_key": "s", "statements_name": "q1.csv", "statements_csv": html.UnescapeString(m[1])}, nil)
		mustStatus(t, "submit previewed", resp.StatusCode, http.StatusSeeOther)
		if after, _ := e.st.FinancialsAsKnown(ctx, "btu", *e.clock.Load()); len(after) != len(before)+1 {
			t.Errorf("statements after the submission: %d, want %d", len(after), len(before)+1)
		}
	})
}

func page0(t *testing.T, b *client, csv string) string {
	_, page := b.postMultipart("/facilities/btu/statements/preview", nil, map[string][2]string{"statements": {"q1.csv", csv}})
	return page
}

// TestStatementsEntry: the borrower enters one quarter's statements by
// hand on the covenants page — a field per line the covenants read, with
// the covenants each feeds — in accounting-package form ($, thousands
// separators, parentheses for a negative); a value that is not an amount
// is refused beside its own field with what was entered kept, nothing
// stored; the entry is previewed as a file would be and submitted from the
// preview, the values stored as entered.
func TestStatementsEntry(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		b := e.signIn(t, "controller@btu.example")
		_, page := b.get("/facilities/btu/covenants")
		for _, want := range []string{`id="entry-period_end"`, `id="entry-total_assets"`, `name="line.net_income"`, `id="entry-total_assets-hint">Feeds `} {
			if !strings.Contains(page, want) {
				t.Errorf("the covenants page's entry form has no %q", want)
			}
		}
		before, _ := e.st.FinancialsAsKnown(ctx, "btu", *e.clock.Load())
		fields := map[string]string{"entry": "1", "period_end": "2007-04-01", "fiscal_year": "2007", "fiscal_quarter": "1",
			"line.total_assets": "$63,000,000.00", "line.total_liabilities": "29,000,000.00", "line.subordinated_debt": "0", "line.net_income": "(150,000.00)", "line.intangible_assets": "9OO,000.00"}
		resp, page := b.postMultipart("/facilities/btu/statements/preview", fields, nil)
		if resp.StatusCode == http.StatusOK || !strings.Contains(page, `id="entry-intangible_assets-err"`) || !strings.Contains(page, `value="$63,000,000.00"`) {
			t.Errorf("a value that is not an amount: %d %s", resp.StatusCode, errorsOf(page))
		}
		if after, _ := e.st.FinancialsAsKnown(ctx, "btu", *e.clock.Load()); len(after) != len(before) {
			t.Fatalf("a refused entry stored statements")
		}
		fields["line.intangible_assets"] = "900,000.00"
		resp, page = b.postMultipart("/facilities/btu/statements/preview", fields, nil)
		mustStatus(t, "preview the entry", resp.StatusCode, http.StatusOK)
		for _, want := range []string{"Preview of entered-2007-04-01.csv", "63,000,000.00", `<span class="neg">−150,000.00`, `id="submit-previewed"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the entry's preview has no %q", want)
			}
		}
		m := regexp.MustCompile(`name="statements_csv" value="([^"]*)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the preview does not carry the entry")
		}
		resp, _ = b.postMultipart("/facilities/btu/statements", map[string]string{"idempotency_key": "e1", "statements_name": "entered-2007-04-01.csv", "statements_csv": html.UnescapeString(m[1])}, nil)
		mustStatus(t, "submit the entry", resp.StatusCode, http.StatusSeeOther)
		after, _ := e.st.FinancialsAsKnown(ctx, "btu", *e.clock.Load())
		if len(after) != len(before)+1 {
			t.Fatalf("statements after the submission: %d, want %d", len(after), len(before)+1)
		}
		got := after[len(after)-1]
		for _, x := range after {
			if x.PeriodEnd.String() == "2007-04-01" {
				got = x
			}
		}
		if p := string(got.Payload); !strings.Contains(p, `"net_income":"-150000.00"`) || !strings.Contains(p, `"total_assets":"63000000.00"`) {
			t.Errorf("the statements stored: %s", p)
		}
	})
}
