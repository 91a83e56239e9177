package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revolver/store"
)

const qbAgingMap = `{"columns":{"debtor_id":"Name","invoice_no":"Num","invoice_date":"Date","due_date":"Due Date","amount":"Open Balance"},` +
	`"layout":{"date_format":"MM/DD/YYYY","defaults":{"currency":"USD","disputed":"false"}}}`

func qbAging(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "collateral", "testdata", "layout", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// previewUpload is a multipart preview of a file with optional fields.
func previewUpload(path, name string, file []byte, fields map[string]string) req {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range []string{"csrf_token", "as_of", "map", "rows"} {
		if v, ok := fields[k]; ok {
			w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(file)
	w.Close()
	return req{method: "POST", path: path, body: buf.Bytes(), ctype: w.FormDataContentType()}
}

// reportMapsRequest builds the requests of the report map routes.
func (e *env) reportMapsRequest(route, slug string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(strings.ReplaceAll(pattern, "{slug}", slug), "{kind}", "receivables")
	switch route {
	case "GET /api/v1/facilities/{slug}/report-maps", "GET /api/v1/facilities/{slug}/report-maps/{kind}/versions":
		return jsonReq(method, path, nil), true
	case "POST /api/v1/facilities/{slug}/report-maps/{kind}":
		return jsonReq(method, path, json.RawMessage(qbAgingMap)), true
	case "POST /api/v1/facilities/{slug}/report-maps/{kind}/preview":
		return previewUpload(path, "aging.csv", qbAging(e.t, "qb-aging.csv"), map[string]string{"map": qbAgingMap}), true
	}
	return req{}, false
}

// The controller sets the aging's map, lists it, previews an export with
// it; a lender analyst may not set one; a bad map and a refused file
// answer 422 naming the field or the row and column.
func TestReportMapsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		borrower, analyst := e.email[store.RoleBorrower], e.email[store.RoleLenderAnalyst]
		base := "/api/v1/facilities/" + own + "/report-maps"
		if r := e.do(analyst, jsonReq("POST", base+"/receivables", json.RawMessage(qbAgingMap))); r.status != 403 {
			t.Errorf("analyst sets a map: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, jsonReq("POST", base+"/receivables", json.RawMessage(`{"columns":{"colour":"Red"}}`))); r.status != 422 || !strings.Contains(string(r.body), `found \"colour\"`) {
			t.Errorf("bad map: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, jsonReq("POST", base+"/payroll", json.RawMessage(`{}`))); r.status != 422 {
			t.Errorf("unknown kind: %d %s", r.status, r.body)
		}
		r := e.do(borrower, jsonReq("POST", base+"/receivables", json.RawMessage(qbAgingMap)))
		if r.status != 201 {
			t.Fatalf("set: %d %s", r.status, r.body)
		}
		var list struct {
			Maps []struct {
				Kind  string `json:"kind"`
				SetBy string `json:"set_by"`
				Map   struct {
					Layout struct {
						DateFormat string `json:"date_format"`
					} `json:"layout"`
				} `json:"map"`
			} `json:"maps"`
		}
		if err := json.Unmarshal(e.do(analyst, jsonReq("GET", base, nil)).body, &list); err != nil || len(list.Maps) != 1 ||
			list.Maps[0].Kind != "receivables" || list.Maps[0].SetBy != borrower || list.Maps[0].Map.Layout.DateFormat != "MM/DD/YYYY" {
			t.Fatalf("list: %+v %v", list, err)
		}
		// The preview with the saved map (none given).
		r = e.do(borrower, previewUpload(base+"/receivables/preview", "aging.csv", qbAging(t, "qb-aging.csv"), map[string]string{"as_of": "2004-10-03", "rows": "2"}))
		var pv struct {
			RowsRead int               `json:"rows_read"`
			Rows     []json.RawMessage `json:"rows"`
			Totals   map[string]string `json:"totals"`
			Errors   []struct {
				Line   int    `json:"line"`
				Column string `json:"column"`
			} `json:"errors"`
			OutsideTotal int `json:"outside_period_total"`
		}
		if r.status != 200 || json.Unmarshal(r.body, &pv) != nil || pv.RowsRead != 6 || len(pv.Rows) != 2 || pv.Totals["amount"] != "13697.56" || pv.OutsideTotal != 6 {
			t.Fatalf("preview: %d %s", r.status, r.body)
		}
		// A refused file: 200 with its problems (the preview is the answer).
		r = e.do(borrower, previewUpload(base+"/receivables/preview", "aging.csv", qbAging(t, "qb-aging-bad-subtotal.csv"), nil))
		pv.Errors = nil
		if r.status != 200 || json.Unmarshal(r.body, &pv) != nil || len(pv.Errors) != 1 || pv.Errors[0].Line != 14 || pv.Errors[0].Column != "amount" {
			t.Fatalf("refused preview: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, previewUpload(base+"/receivables/preview", "aging.csv", []byte("x"), map[string]string{"map": "{"})); r.status != 400 || !strings.Contains(string(r.body), "map") {
			t.Errorf("bad map field: %d %s", r.status, r.body)
		}
		// A certificate upload with explicit maps: the plain reports with a
		// plain map of the aging (instead of the saved one); maps of a kind
		// not uploaded are refused.
		if r := e.do(borrower, e.certificateUpload(own, "2004-10-03", map[string]string{"maps": `{"sales": {}}`})); r.status != 422 || !strings.Contains(string(r.body), "no sales report is given") {
			t.Errorf("maps for a journal not given: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, e.certificateUpload(own, "2004-10-03", map[string]string{"maps": `[`})); r.status != 400 {
			t.Errorf("bad maps: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, e.certificateUpload(own, "2004-10-03", map[string]string{"maps": `{"receivables": {}}`})); r.status != 201 {
			t.Errorf("upload with a plain map (the saved one would refuse the plain aging): %d %s", r.status, r.body)
		}
		// Without: read with the saved map (its standard names stand in for
		// the mapped headers it lacks), kept with the input.
		if r := e.do(borrower, e.certificateUpload(own, "2004-10-03", nil)); r.status != 201 || !strings.Contains(string(r.body), `"map":{"columns":{"amount":"Open Balance"`) {
			t.Errorf("upload read with the saved map: %d %.300s", r.status, r.body)
		}
	})
}
