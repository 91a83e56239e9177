package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// TestConcurrentAdvances: many simultaneous advance requests for more
// than the availability; the total funded never exceeds it, and every
// request is either funded or refused with availability_exceeded.
func TestConcurrentAdvances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		// No maker-checker threshold: every request that fits is funded at
		// once, whoever asks.
		if err := e.st.UpdateFacilitySettings(context.Background(), own, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		f := "/api/v1/facilities/" + own
		var av struct{ Availability money.Amount }
		if err := json.Unmarshal(e.do(e.email[store.RoleBorrower], jsonReq("GET", f+"/availability?as_of=2004-10-15", nil)).body, &av); err != nil || av.Availability <= 0 {
			t.Fatalf("availability %v %v", av, err)
		}
		const workers, each = 16, 8
		amount := money.Amount(90_000_000) // 900,000.00: 128 × 900,000 far exceeds ~6.9 million
		var mu sync.Mutex
		var funded money.Amount
		codes := map[string]int{}
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					who := []string{e.email[store.RoleBorrower], e.email[store.RoleLenderOfficer], e.email["officer2"]}[(w+i)%3]
					r := jsonReq("POST", f+"/advances", map[string]string{"amount": amount.String(), "value_date": "2004-10-15"})
					r.header = map[string]string{"Idempotency-Key": fmt.Sprintf("c-%d-%d", w, i)}
					got := e.do(who, r)
					mu.Lock()
					switch {
					case got.status == 201:
						funded += amount
						codes["funded"]++
					default:
						codes[fmt.Sprint(got.status, " ", got.code())]++
					}
					mu.Unlock()
				}
			}(w)
		}
		wg.Wait()
		if funded > av.Availability {
			t.Fatalf("funded %s > availability %s (%v)", funded, av.Availability, codes)
		}
		if codes["funded"] != int(av.Availability/amount) || codes["422 availability_exceeded"] != workers*each-codes["funded"] {
			t.Fatalf("outcomes %v, availability %s", codes, av.Availability)
		}
		bal, _ := e.st.Balances(context.Background(), own, date.MustParse("2004-10-15"))
		if bal[ledger.Loans] != funded {
			t.Fatalf("loans %s, funded %s", bal[ledger.Loans], funded)
		}
		t.Logf("availability %s: %v", av.Availability, codes)
	})
}

// TestConcurrentRetries: the same request with the same key sent many
// times at once stores one certificate and answers the same everywhere.
func TestConcurrentRetries(t *testing.T) {
	e := newEnv(t, openSQLite)
	before := e.snapshot()
	r := e.certificateUpload(own, "2004-10-03", nil)
	r.header = map[string]string{"Idempotency-Key": "same-upload"}
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got := e.do(e.email[store.RoleBorrower], r)
			bodies[i] = fmt.Sprint(got.status, string(got.body))
		}(i)
	}
	wg.Wait()
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Fatalf("answers differ:\n%.200s\n%.200s", bodies[0], b)
		}
	}
	after := e.snapshot()
	if after[own+" certificates"] != before[own+" certificates"]+1 || after["audit"] != before["audit"]+1 {
		t.Fatalf("before %v after %v", before, after)
	}
}
