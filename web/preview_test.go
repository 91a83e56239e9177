package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"revolver/date"
	"revolver/store"
)

const webDraft = `revolver: amendment/1
facility: btu-sovereign
id: second-amendment
document: {id: second-amendment, title: Second Amendment to Loan Agreement, date: 2004-10-14, kind: amendment}
effective: 2004-10-14
order: 2
changes:
  - op: replace
    path: commitment
    value: 12000000.00
    cite: second-amendment §1
`

// postDraft uploads a draft to the terms page's preview form and reads
// the page answered.
func (c *client) postDraft(name, content, asOf string) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", c.csrf)
	mw.WriteField("as_of", asOf)
	w, _ := mw.CreateFormFile("draft", name)
	w.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+"/facilities/btu/terms/preview", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="(name|content|previewed_sha256)" value="([^"]*)">`)

// A lender previews a draft on the terms page: the terms it changes and
// its figures beside today's, nothing stored; asking for it records
// exactly the draft previewed as a pending amendment; a draft that does
// not pass lint shows its problems; the borrower sees no form.
func TestPreviewDraftPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		o := e.signIn(t, "officer@bank.example")
		_, page := o.get("/facilities/btu/terms")
		if !strings.Contains(page, `id="preview-draft"`) {
			t.Fatal("the terms page offers the officer no draft preview")
		}
		docs, _ := e.st.Documents(ctx, "btu")
		resp, page := o.postDraft("second-amendment.yaml", webDraft, "2004-10-15")
		mustStatus(t, "preview", resp.StatusCode, http.StatusOK)
		for _, want := range []string{"Terms on", "<code>commitment</code>", "12000000.00", "Availability on", "Ask for this amendment"} {
			if !strings.Contains(page, want) {
				t.Errorf("the preview page lacks %q", want)
			}
		}
		if after, _ := e.st.Documents(ctx, "btu"); len(after) != len(docs) {
			t.Errorf("documents after a preview: %d, before %d", len(after), len(docs))
		}
		form := url.Values{}
		for _, m := range hiddenRe.FindAllStringSubmatch(page, -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		if form.Get("content") != webDraft || form.Get("previewed_sha256") == "" {
			t.Fatalf("the ask form carries %q, sha %q; want the draft previewed", form.Get("content"), form.Get("previewed_sha256"))
		}
		tampered := url.Values{"name": {form.Get("name")}, "content": {strings.Replace(webDraft, "12000000.00", "20000000.00", 1)}, "previewed_sha256": {form.Get("previewed_sha256")}}
		mustStatus(t, "a changed draft", o.post("/facilities/btu/amendments", tampered).StatusCode, http.StatusUnprocessableEntity)
		resp = o.post("/facilities/btu/amendments", form)
		mustStatus(t, "ask for it", resp.StatusCode, http.StatusSeeOther)
		if !strings.Contains(Flash(resp.Header.Get("Location")), "pending action") {
			t.Errorf("after asking: %s", resp.Header.Get("Location"))
		}
		resp, page = o.postDraft("bad.yaml", strings.Replace(webDraft, "path: commitment", "path: commitmnet", 1), "")
		mustStatus(t, "a draft that does not pass lint", resp.StatusCode, http.StatusOK)
		if !strings.Contains(page, "does not pass lint") || !strings.Contains(page, "bad.yaml:") {
			t.Error("a draft that does not pass lint: its problems are not shown")
		}
		b := e.signIn(t, "controller@btu.example")
		if _, page := b.get("/facilities/btu/terms"); strings.Contains(page, `id="preview-draft"`) {
			t.Error("the borrower is offered the draft preview")
		}
	})
}

// TestAmendmentDecidedOnTheTermsPage: an amendment asked for is listed on
// the terms page with its draft; its requester is told a second lender
// decides it and offered no decision; a rejection without its reason is
// refused and changes nothing; a second lender approves it, and from then
// the terms in force on its date are the amended ones and the list shows
// who approved it.
func TestAmendmentDecidedOnTheTermsPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		o := e.signIn(t, "officer@bank.example")
		_, page := o.postDraft("second-amendment.yaml", webDraft, "2004-10-15")
		form := url.Values{}
		for _, m := range hiddenRe.FindAllStringSubmatch(page, -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		mustStatus(t, "ask for it", o.post("/facilities/btu/amendments", form).StatusCode, http.StatusSeeOther)
		ps, _ := e.web.acc.PendingList(ctx, "btu")
		id := ps[len(ps)-1].ID
		_, page = o.get("/facilities/btu/terms")
		if !strings.Contains(page, "second-amendment.yaml") || !strings.Contains(page, "You asked for it") || strings.Contains(page, fmt.Sprintf(`id="approve-pending-%d"`, id)) {
			t.Errorf("the requester's terms page: %s", section(page, "pending-h", "</section>"))
		}
		a := e.signIn(t, "admin@bank.example")
		_, page = a.get("/facilities/btu/terms")
		if !strings.Contains(page, fmt.Sprintf(`id="approve-pending-%d"`, id)) {
			t.Fatalf("a second lender is offered no decision: %s", section(page, "pending-h", "</section>"))
		}
		resp, _ := a.postPage(fmt.Sprintf("/facilities/btu/approvals/%d/reject", id), url.Values{"comment": {" "}})
		if resp.StatusCode == http.StatusSeeOther {
			t.Error("a rejection without its reason was accepted")
		}
		if ps, _ := e.web.acc.PendingList(ctx, "btu"); ps[len(ps)-1].Status != store.PendingRequested {
			t.Errorf("after a refused rejection: %s", ps[len(ps)-1].Status)
		}
		resp = a.post(fmt.Sprintf("/facilities/btu/approvals/%d/approve", id), url.Values{"comment": {"agreed with the borrower"}})
		mustStatus(t, "approve", resp.StatusCode, http.StatusSeeOther)
		if !strings.Contains(Flash(resp.Header.Get("Location")), "is approved") {
			t.Errorf("after the approval: %s", resp.Header.Get("Location"))
		}
		tt, err := e.web.terms.TermsAsOf(ctx, "btu", date.MustParse("2004-10-15"))
		if err != nil || tt.Commitment.Value != 12_000_000_00 {
			t.Errorf("the commitment after the approval: %v %v, want 12,000,000.00", tt.Commitment.Value, err)
		}
		_, page = o.get("/facilities/btu/terms")
		if !strings.Contains(page, "approved by admin@bank.example") {
			t.Errorf("the list does not say who approved it: %s", section(page, "pending-h", "</section>"))
		}
	})
}
