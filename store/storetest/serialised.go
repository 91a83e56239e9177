package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// testSerialisedUpdates: concurrent Updates of one facility run one after
// the other, so a check made in fn still holds when fn posts. Workers post
// an advance only when the loans, read inside the Update, leave room under
// a limit; a pause between the check and the post gives a store that lets
// two Updates interleave every chance to go over it. The loans never
// exceed the limit and equal the sum of what the workers posted.
func testSerialisedUpdates(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	limit := amt("900000.00")
	errFull := errors.New("no room under the limit")
	const workers, each = 8, 10
	var posted, refused atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				amount := money.Amount(int64(1+(w*7+i*13)%25) * 1_000_000) // 10,000.00 … 250,000.00
				tr, err := ledger.Advance(ref("f", fmt.Sprintf("w%d-%d", w, i), "2006-02-10"), amount)
				if err != nil {
					errs <- err
					return
				}
				err = s.Update(ctx, "f", func(tx store.Tx) error {
					loans, err := tx.Balance(ledger.Loans, date.Max)
					if err != nil {
						return err
					}
					if loans+amount > limit {
						return errFull
					}
					time.Sleep(time.Millisecond)
					_, err = tx.Post(tr)
					return err
				})
				switch {
				case err == nil:
					posted.Add(int64(amount))
				case errors.Is(err, errFull):
					refused.Add(1)
				default:
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if refused.Load() == 0 {
		t.Fatal("no Update found the limit reached: the test did not ask for more than the limit")
	}
	loans := must(s.Balances(ctx, "f", date.Max)).of(t)[ledger.Loans]
	if loans != money.Amount(posted.Load()) || loans > limit {
		t.Fatalf("loans %s, posted %s, limit %s", loans, money.Amount(posted.Load()), limit)
	}
	CheckInvariants(t, s, "f")
}
