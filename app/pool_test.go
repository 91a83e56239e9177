package app

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"revolver/date"
	"revolver/money"
	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/testdb"
)

// Regression: simultaneous advance approvals on PostgreSQL hung every
// request when a use case read through the connection pool inside the
// transaction holding a connection and the facility's lock. On a pool of
// two connections, twelve approvals at once all finish.
func TestConcurrentApprovalsOnASmallPool(t *testing.T) {
	url := testdb.PostgresURL(t) + "&pool_max_conns=2"
	ctx := context.Background()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := newClocked(t, s, time.Date(2006, 5, 31, 9, 0, 0, 0, time.UTC))
	c.open("2006-05-31", 9)
	c.certificate("2006-04-30", 5_000_000_00)
	c.open("2006-06-02", 9)
	const n = 12
	var ids []int64
	for i := 0; i < n; i++ {
		r, err := c.RequestAdvance(c.ctx, RequestInput{Facility: "btu", Key: fmt.Sprintf("corr-%d", i), Amount: 10_000_00,
			ValueDate: date.MustParse("2006-05-31"), By: "officer1@bank", Role: officer, Reason: "wire booked late"})
		if err != nil || r.Status != store.AdvanceRequested {
			t.Fatalf("correction %d: %+v %v", i, r, err)
		}
		ids = append(ids, r.ID)
	}
	done := make(chan error, n)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			_, err := c.ApproveAdvance(c.ctx, "btu", id, "officer2@bank")
			done <- err
		}(id)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(60 * time.Second):
		t.Fatal("approvals still waiting after 60 s: a use case takes a second connection while holding one")
	}
	close(done)
	for err := range done {
		if err != nil {
			t.Errorf("approval: %v", err)
		}
	}
	a := c.availability("2006-06-02", c.at)
	if want := money.Amount(n * 10_000_00); a.LoansOutstanding != want {
		t.Errorf("loans after the approvals: %s, want %s", a.LoansOutstanding, want)
	}
}
