package httpapi_test

import (
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"revolver/store"
)

// Regression (security sweep): five or more simultaneous advance
// approvals on PostgreSQL hung every request, /health included, when the
// approval read through the connection pool inside the transaction holding
// a connection. On a pool of two connections (pool_max_conns in the
// database URL), twelve approvals at once all answer, and a read answers
// meanwhile.
func TestSimultaneousApprovalsOnASmallPool(t *testing.T) {
	e := newEnv(t, func(t testing.TB) (store.Store, *sql.DB) { return openPostgresWith(t, "pool_max_conns=2") })
	officer, borrower := e.email[store.RoleLenderOfficer], e.email[store.RoleBorrower]
	f := "/api/v1/facilities/" + own
	const n = 12
	var ids []int64
	for i := 0; i < n; i++ {
		r := e.do(borrower, jsonReq("POST", f+"/advances", map[string]string{"amount": "1000000.01", "value_date": "2004-10-15"}))
		if r.status != 202 {
			t.Fatalf("request %d: %d %s", i, r.status, r.body)
		}
		ids = append(ids, int64(r.json(t)["id"].(float64)))
	}
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			statuses <- e.do(officer, jsonReq("POST", fmt.Sprintf("%s/advances/%d/approve", f, id), nil)).status
		}(id)
	}
	if r := e.do(borrower, req{method: "GET", path: f + "/availability"}); r.status != 200 {
		t.Errorf("a read during the approvals: %d %s", r.status, r.body)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(60 * time.Second):
		t.Fatal("approvals still waiting after 60 s: a request takes a second connection while holding one")
	}
	close(statuses)
	funded := 0
	for st := range statuses {
		switch st {
		case 200:
			funded++
		case 422: // beyond availability
		default:
			t.Errorf("approval answered %d", st)
		}
	}
	if funded == 0 || funded == n {
		t.Errorf("%d of %d approvals funded: want those within availability only", funded, n)
	}
}
