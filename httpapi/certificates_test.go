package httpapi_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"revolver/date"
	"revolver/store"
)

// TestCertificateSubmissionRules: rows dated after the as-of date are
// refused with each row in the details; an as-of date after the business
// date is refused; an accepted submission answers its warnings and what
// it supersedes; the lender approves a supersession only as such; the
// borrower withdraws, with an audit record.
func TestCertificateSubmissionRules(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		ctx := context.Background()
		f := "/api/v1/facilities/" + own
		borrower, officer := e.email[store.RoleBorrower], e.email[store.RoleLenderOfficer]
		before := e.snapshot()

		r := e.do(borrower, e.certificateUpload(own, "2004-09-30", nil))
		if r.status != 422 || r.code() != "invalid" || !strings.Contains(string(r.body), "dated after the as-of date") {
			t.Fatalf("rows after the as-of date: %d %s", r.status, r.body)
		}
		d := r.json(t)["details"].(map[string]any)
		rows := d["rows"].([]any)
		row := rows[0].(map[string]any)
		if len(rows) != 20 || d["total"].(float64) <= 20 || row["file"] != "receivables.csv" || row["column"] != "invoice_date" ||
			row["line"].(float64) < 2 || !strings.HasPrefix(row["found"].(string), "2004-10-0") || row["expected"] != "a date on or before the as-of date 2004-09-30" {
			t.Errorf("details: %v", d)
		}
		if r := e.do(borrower, e.certificateUpload(own, "2100-01-04", nil)); r.status != 422 || !strings.Contains(string(r.body), "after the business date") {
			t.Errorf("as of a date after the business date: %d %s", r.status, r.body)
		}
		if after := e.snapshot(); !reflect.DeepEqual(before, after) {
			t.Errorf("refused submissions stored something: %v → %v", before, after)
		}

		// The setup approved the same reports for 2004-10-03.
		setup, _ := e.st.CertificateInForce(ctx, own, date.MustParse("2004-10-03"))
		up := e.do(borrower, e.certificateUpload(own, "2004-10-03", nil))
		if up.status != 201 {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		c := up.json(t)
		var codes []string
		for _, w := range c["warnings"].([]any) {
			codes = append(codes, w.(map[string]any)["code"].(string))
		}
		if c["supersedes"].(float64) != float64(setup.ID) || !reflect.DeepEqual(codes, []string{"duplicate", "supersedes"}) {
			t.Errorf("upload answer: supersedes %v, warnings %v", c["supersedes"], codes)
		}
		id := int64(c["id"].(float64))
		approve := fmt.Sprintf("%s/borrowing-base-certificates/%d/approve", f, id)
		if r := e.do(officer, jsonReq("POST", approve, map[string]any{"supersedes": id})); r.status != 422 {
			t.Errorf("approval naming another certificate: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", approve, map[string]any{"supersedes": setup.ID})); r.status != 200 {
			t.Fatalf("approval as a supersession: %d %s", r.status, r.body)
		}
		if got, _ := e.st.CertificateInForce(ctx, own, date.MustParse("2004-10-20")); got.ID != id {
			t.Errorf("in force %d, want %d", got.ID, id)
		}

		// Withdrawal: the borrower's, audited; a decided certificate cannot be.
		w := e.do(borrower, e.certificateUpload(own, "2004-10-03", nil))
		wid := int64(w.json(t)["id"].(float64))
		head, _ := e.acc.AuditRecords(ctx, 0, 100000)
		r = e.do(borrower, jsonReq("POST", fmt.Sprintf("%s/borrowing-base-certificates/%d/withdraw", f, wid), map[string]string{"comment": "sent twice"}))
		if r.status != 200 || r.json(t)["status"] != "withdrawn" || r.json(t)["reviewer"] != borrower || r.json(t)["comment"] != "sent twice" {
			t.Fatalf("withdraw: %d %s", r.status, r.body)
		}
		recs, _ := e.acc.AuditRecords(ctx, int64(len(head)), 100)
		if len(recs) != 1 || !strings.Contains(string(recs[0].After), `"what":"certificate"`) || !strings.Contains(string(recs[0].After), `"withdrawn"`) || recs[0].Actor != borrower {
			t.Errorf("audit of the withdrawal: %+v", recs)
		}
		if r := e.do(borrower, jsonReq("POST", fmt.Sprintf("%s/borrowing-base-certificates/%d/withdraw", f, id), nil)); r.status != 409 {
			t.Errorf("withdrawal of an approved certificate: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/borrowing-base-certificates/%d/approve", f, wid), map[string]any{"supersedes": id})); r.status != 409 {
			t.Errorf("approval of a withdrawn certificate: %d %s", r.status, r.body)
		}
	})
}

// TestConditionalGET: a certificate and the OpenAPI document carry a
// strong ETag (and the certificate Last-Modified); a GET naming the
// current version is answered 304 with no body, and a decision makes a
// new version.
func TestConditionalGET(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		borrower, officer := e.email[store.RoleBorrower], e.email[store.RoleLenderOfficer]
		cert := e.submitCertificate(own, borrower)
		path := fmt.Sprintf("/api/v1/facilities/%s/borrowing-base-certificates/%d", own, cert.ID)
		get := func(as, p string, hdr map[string]string) resp {
			t.Helper()
			return e.do(as, req{method: "GET", path: p, header: hdr})
		}
		first := get(officer, path, nil)
		etag, mod := first.header.Get("ETag"), first.header.Get("Last-Modified")
		if first.status != 200 || !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") || mod == "" {
			t.Fatalf("GET: %d ETag %q Last-Modified %q", first.status, etag, mod)
		}
		if cc := first.header.Get("Cache-Control"); cc != "private, no-cache" {
			t.Errorf("Cache-Control %q", cc)
		}
		for name, hdr := range map[string]map[string]string{
			"If-None-Match":     {"If-None-Match": etag},
			"If-Modified-Since": {"If-Modified-Since": mod},
		} {
			if r := get(officer, path, hdr); r.status != 304 || len(r.body) != 0 || r.header.Get("ETag") != etag {
				t.Errorf("%s: %d %q ETag %q", name, r.status, r.body, r.header.Get("ETag"))
			}
		}
		if r := get(officer, path, map[string]string{"If-None-Match": `"other"`}); r.status != 200 {
			t.Errorf("another version: %d", r.status)
		}
		// A borrower's answer is the same document: same version.
		if r := get(borrower, path, map[string]string{"If-None-Match": etag}); r.status != 304 {
			t.Errorf("the borrower's conditional GET: %d", r.status)
		}
		setup, err := e.st.CertificateInForce(context.Background(), own, cert.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		approve := e.do(officer, jsonReq("POST", path+"/approve", fmt.Sprintf(`{"supersedes":%d}`, setup.ID)))
		if approve.status != 200 {
			t.Fatalf("approve: %d %s", approve.status, approve.body)
		}
		after := get(officer, path, map[string]string{"If-None-Match": etag})
		if after.status != 200 || after.header.Get("ETag") == etag || !strings.Contains(string(after.body), `"approved"`) {
			t.Errorf("after approval, the old version: %d ETag %q", after.status, after.header.Get("ETag"))
		}
		// The OpenAPI document.
		doc := get("", "/api/v1/openapi.json", nil)
		if r := get("", "/api/v1/openapi.json", map[string]string{"If-None-Match": doc.header.Get("ETag")}); doc.status != 200 || r.status != 304 {
			t.Errorf("openapi.json: %d then %d", doc.status, r.status)
		}
	})
}
