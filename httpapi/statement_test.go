package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// statementRequest is the statement route's request for the route matrix:
// a month of the tests' facilities.
func (e *env) statementRequest(route, slug string) (req, bool) {
	if route != "GET /api/v1/facilities/{slug}/statements/{month}" {
		return req{}, false
	}
	return jsonReq("GET", "/api/v1/facilities/"+slug+"/statements/2004-10", nil), true
}

// The borrower's statement through the API: its JSON (checked against
// the OpenAPI document by the test server) ties opening + movements to
// closing and names the transactions; the PDF by format=pdf and by
// Accept; a bad month or format is refused naming the field; a borrower
// of another facility does not see it.
func TestStatementAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		ctx := context.Background()
		d := date.MustParse("2004-10-15")
		adv, err := e.svc.Advance(ctx, app.AdvanceRequest{Facility: own, Key: "st-adv", Amount: 30_000_000, ValueDate: d})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Post(ctx, mustTx(t)(ledger.Repayment(ledger.Ref{Facility: own, Key: "st-rep", ValueDate: d, Memo: "collections"}, money.Amount(5_000_000)))); err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/facilities/" + own + "/statements/"
		borrower := e.email["borrower"]
		r := e.do(borrower, jsonReq("GET", base+"2004-10", nil))
		if r.status != 200 {
			t.Fatalf("statement: %d %s", r.status, r.body)
		}
		var got struct {
			Month   string `json:"month"`
			Opening struct {
				Owed string `json:"owed"`
			} `json:"opening"`
			Closing struct {
				Owed string `json:"owed"`
			} `json:"closing"`
			Sections []struct {
				Key          string  `json:"key"`
				Amount       string  `json:"amount"`
				Transactions []int64 `json:"transactions"`
			} `json:"sections"`
			Due []struct {
				Key string `json:"key"`
			} `json:"due"`
		}
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Month != "2004-10" || got.Opening.Owed != "0.00" || got.Closing.Owed != "250000.00" || len(got.Sections) != 2 ||
			got.Sections[0].Key != "advances" || got.Sections[0].Amount != "300000.00" || len(got.Sections[0].Transactions) != 1 || got.Sections[0].Transactions[0] != adv.Posted.Transaction.ID ||
			got.Sections[1].Key != "repayments" || got.Sections[1].Amount != "-50000.00" {
			t.Errorf("statement: %s", r.body)
		}
		for _, pdf := range []req{jsonReq("GET", base+"2004-10?format=pdf", nil), {method: "GET", path: base + "2004-10", header: map[string]string{"Accept": "application/pdf"}}} {
			r := e.do(borrower, pdf)
			if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) ||
				!strings.Contains(r.header.Get("Content-Disposition"), own+"-statement-2004-10.pdf") {
				t.Errorf("PDF %s: %d %v %.40q", pdf.path, r.status, r.header, r.body)
			}
		}
		for path, field := range map[string]string{base + "2004-13": "month", base + "october": "month", base + "2004-10?format=xml": "format", base + "2004-10?known_at=soon": "known_at"} {
			if r := e.do(borrower, jsonReq("GET", path, nil)); r.status != 400 || !strings.Contains(string(r.body), `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
		if r := e.do(borrower, jsonReq("GET", "/api/v1/facilities/"+other+"/statements/2004-10", nil)); r.status != 404 {
			t.Errorf("another facility's statement: %d %s", r.status, r.body)
		}
	})
}

func mustTx(t *testing.T) func(ledger.Transaction, error) ledger.Transaction {
	return func(tx ledger.Transaction, err error) ledger.Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
}
