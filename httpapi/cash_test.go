package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"revolver/date"
	"revolver/ledger"
	"revolver/store"
)

// lockboxBAI is a BAI2 file of the example's lockbox (swept daily, an
// assumption of its terms) with file id id reporting a deposit of cents
// received days after 2004-10-14.
func lockboxBAI(id string, days int, cents int64) []byte {
	asOf := date.MustParse("2004-10-14").AddDays(days).Time().Format("060102")
	return fmt.Appendf(nil, "01,SOVRBANK,BTUINTL,041015,0600,%s,,,2/\n02,BTUINTL,SOVRBANK,1,%s,2400,USD,2/\n03,0012345678,USD/\n"+
		"16,115,%d,1,LBX%s,,LOCKBOX DEPOSIT/\n49,%d,3/\n98,%d,1,5/\n99,%d,1,7/\n", id, asOf, cents, id, cents, cents, cents)
}

func cashUpload(slug, name string, content []byte) req {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("bai", name)
	fw.Write(content)
	w.Close()
	return req{method: "POST", path: "/api/v1/facilities/" + slug + "/cash-files", body: buf.Bytes(), ctype: w.FormDataContentType()}
}

// cashRequest builds the requests of the cash routes: each import a new
// file; the file shown one imported by the setup.
func (e *env) cashRequest(route, slug string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(pattern, "{slug}", slug)
	switch route {
	case "POST /api/v1/facilities/{slug}/cash-files":
		return cashUpload(slug, "lockbox.bai", lockboxBAI(fmt.Sprintf("F%d", e.seq()), int(e.seq()), 1_00)), true
	case "GET /api/v1/facilities/{slug}/cash-files":
		return jsonReq(method, path, nil), true
	case "POST /api/v1/cash-files":
		// The bank's file of an account no facility names: reported
		// unrouted (the matrix's facilities share the example's lockbox,
		// which routes to no one facility).
		r := cashUpload(slug, "bank.bai", bytes.ReplaceAll(lockboxBAI(fmt.Sprintf("B%d", e.seq()), int(e.seq()), 1_00), []byte("0012345678"), []byte("5550001111")))
		r.path = "/api/v1/cash-files"
		return r, true
	case "GET /api/v1/facilities/{slug}/cash-files/{id}":
		im, err := e.svc.ImportCash(context.Background(), slug, "setup.bai", lockboxBAI(fmt.Sprintf("S%d", e.seq()), int(e.seq()), 2_00))
		if err != nil {
			e.t.Fatal(err)
		}
		return jsonReq(method, strings.ReplaceAll(path, "{id}", fmt.Sprint(im.File.ID)), nil), true
	case "GET /api/v1/facilities/{slug}/cash-reconciliation":
		cs, _ := e.st.Certificates(context.Background(), slug)
		return jsonReq(method, fmt.Sprintf("%s?certificate=%d", path, cs[0].ID), nil), true
	}
	return req{}, false
}

// Cash through the API: a borrower may not import; a file whose control
// total is wrong is 422 naming the record and the field, storing nothing;
// a file imported is 201 with its application (the deposit credited the
// next Business Day), the same file again is replayed and posts nothing;
// the borrower lists and reads it with each item explained; a
// reconciliation needs a certificate with a collections journal.
func TestCashAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer, borrower := e.email[store.RoleLenderOfficer], e.email[store.RoleBorrower]
		base := "/api/v1/facilities/" + own
		a, _ := ledger.Advance(ledger.Ref{Facility: own, Key: "setup-advance", ValueDate: date.MustParse("2004-10-04")}, 100_000_00)
		if _, err := e.st.PostBatch(t.Context(), []ledger.Transaction{a}); err != nil {
			t.Fatal(err)
		}
		file := lockboxBAI("20041014", 0, 25_000_00)
		if r := e.do(borrower, cashUpload(own, "lockbox.bai", file)); r.status != 403 {
			t.Errorf("borrower imports: %d %s", r.status, r.body)
		}
		bad := bytes.Replace(file, []byte("49,2500000,3/"), []byte("49,2500001,3/"), 1)
		r := e.do(officer, cashUpload(own, "bad.bai", bad))
		if r.status != 422 || !strings.Contains(string(r.body), `bad.bai: record 5, line 5, 49 account trailer account control total: found \"2500001\"`) {
			t.Errorf("bad file: %d %s", r.status, r.body)
		}
		if fs, _ := e.st.CashFiles(t.Context(), own); len(fs) != 0 {
			t.Fatalf("a refused file stored: %+v", fs)
		}
		r = e.do(officer, cashUpload(own, "lockbox.bai", file))
		m := r.json(t)
		if r.status != 201 || m["replayed"] != false || m["applied"] != "25000.00" || !strings.Contains(string(r.body), `"value_date":"2004-10-15"`) {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		id := m["file"].(map[string]any)["id"]
		r = e.do(officer, cashUpload(own, "again.bai", file))
		if m := r.json(t); r.status != 201 || m["replayed"] != true || len(m["transactions"].([]any)) != 0 {
			t.Errorf("again: %d %s", r.status, r.body)
		}
		if l := e.do(borrower, jsonReq("GET", base+"/cash-files", nil)).json(t); len(l["files"].([]any)) != 1 {
			t.Errorf("list: %v", l)
		}
		r = e.do(borrower, jsonReq("GET", fmt.Sprintf("%s/cash-files/%v", base, id), nil))
		if r.status != 200 || !strings.Contains(string(r.body), `"key":"cash.item.1.value_date"`) || !strings.Contains(string(r.body), "swept to the loans every Business Day") {
			t.Errorf("show: %d %s", r.status, r.body)
		}
		cs, _ := e.st.Certificates(t.Context(), own)
		r = e.do(officer, jsonReq("GET", fmt.Sprintf("%s/cash-reconciliation?certificate=%d", base, cs[0].ID), nil))
		if r.status != 404 || !strings.Contains(string(r.body), "carries no collections journal") {
			t.Errorf("reconciliation without a journal: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("GET", base+"/cash-reconciliation", nil)); r.status != 422 && r.status != 400 {
			t.Errorf("reconciliation without a certificate: %d %s", r.status, r.body)
		}
	})
}
