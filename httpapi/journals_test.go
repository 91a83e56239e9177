package httpapi_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"revolver/store"
)

// genHistory writes a borrower's history with ../shared/data/gen_abl_history.py
// (beside the module root).
func genHistory(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	gen, err := filepath.Abs("../../shared/data/gen_abl_history.py")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gen); err != nil {
		t.Skipf("the history generator is not beside the module: %v", err)
	}
	dir := t.TempDir()
	args = append([]string{gen, "--out", dir, "--periods", "1", "--debtors", "40", "--sales-per-period", "120",
		"--items", "200", "--ar-scale", "0.55", "--inv-scale", "0.05"}, args...)
	if out, err := exec.Command("python3", args...).CombinedOutput(); err != nil {
		t.Fatalf("gen_abl_history.py: %v\n%s", err, out)
	}
	return dir
}

// historyUpload is a multipart upload of one date of a history, with its
// journals when journals is set.
func historyUpload(t *testing.T, slug, dir, asOf string, journals bool) req {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("as_of", asOf)
	add := func(field, path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fw, _ := w.CreateFormFile(field, filepath.Base(path))
		fw.Write(b)
	}
	add("receivables", filepath.Join(dir, asOf, "receivables.csv"))
	add("debtors", filepath.Join(dir, "debtors.csv"))
	add("inventory", filepath.Join(dir, asOf, "inventory.csv"))
	if journals {
		for _, f := range []string{"sales", "collections", "credits", "inventory_activity"} {
			add(f, filepath.Join(dir, asOf, f+".csv"))
		}
	}
	w.Close()
	return req{method: "POST", path: "/api/v1/facilities/" + slug + "/borrowing-base-certificates", body: buf.Bytes(), ctype: w.FormDataContentType()}
}

// A certificate submitted with its journals answers, and GET returns, the
// roll-forward stored with it (the keys of the monitor's periods) and the
// data-quality warnings; the inputs name their kinds.
func TestCertificateJournalsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		dir := genHistory(t, "--start", "2004-08-31", "--anomalies", "2")
		f := "/api/v1/facilities/" + own
		borrower, officer := e.email[store.RoleBorrower], e.email[store.RoleLenderOfficer]
		up := e.do(borrower, historyUpload(t, own, dir, "2004-08-31", false))
		if up.status != 201 {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		id := up.json(t)["id"].(float64)
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/borrowing-base-certificates/%d/approve", f, int64(id)), map[string]any{})); r.status != 200 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		up = e.do(borrower, historyUpload(t, own, dir, "2004-09-30", true))
		if up.status != 201 {
			t.Fatalf("upload with journals: %d %s", up.status, up.body)
		}
		next := up.json(t)["id"].(float64)
		got := e.do(officer, jsonReq("GET", fmt.Sprintf("%s/borrowing-base-certificates/%d", f, int64(next)), nil))
		if got.status != 200 {
			t.Fatalf("GET: %d %s", got.status, got.body)
		}
		c := got.json(t)
		rf, ok := c["rollforward"].(map[string]any)
		if !ok {
			t.Fatalf("no rollforward in %s", got.body[:min(len(got.body), 400)])
		}
		for _, k := range []string{"previous_certificate", "as_of", "previous_as_of", "receivables", "dilution", "dso", "inventory", "explanation"} {
			if _, ok := rf[k]; !ok {
				t.Errorf("rollforward has no %q", k)
			}
		}
		rv := rf["receivables"].(map[string]any)
		for _, k := range []string{"beginning", "sales", "collections", "returned_items", "credits", "credits_total", "expected_ending", "reported_ending", "unexplained_variance", "exceptions"} {
			if _, ok := rv[k]; !ok {
				t.Errorf("rollforward.receivables has no %q", k)
			}
		}
		if rf["previous_certificate"].(float64) != id || rf["previous_as_of"] != "2004-08-31" {
			t.Errorf("rollforward from %v as of %v, want certificate %v as of 2004-08-31", rf["previous_certificate"], rf["previous_as_of"], id)
		}
		var codes []string
		for _, w := range c["warnings"].([]any) {
			codes = append(codes, w.(map[string]any)["code"].(string))
		}
		if !strings.Contains(strings.Join(codes, " "), "exception_") {
			t.Errorf("warnings %v: no exception warning for a history with anomalies", codes)
		}
		var kinds []string
		for _, in := range c["inputs"].([]any) {
			kinds = append(kinds, in.(map[string]any)["kind"].(string))
		}
		if strings.Join(kinds, ",") != "receivables,debtors,inventory,sales,collections,credits,inventory_activity" {
			t.Errorf("input kinds %v", kinds)
		}
		// A journal part the API does not know is refused, naming it.
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("as_of", "2004-09-30")
		fw, _ := w.CreateFormFile("lockbox", "lockbox.bai")
		fw.Write([]byte("01,"))
		w.Close()
		if r := e.do(borrower, req{method: "POST", path: f + "/borrowing-base-certificates", body: buf.Bytes(), ctype: w.FormDataContentType()}); r.status != 422 && r.status != 400 || !strings.Contains(string(r.body), "inventory_activity") {
			t.Errorf("unknown part: %d %s", r.status, r.body)
		}
	})
}
