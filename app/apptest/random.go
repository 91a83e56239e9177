package apptest

import (
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/storetest"
)

var randomFacility atomic.Int64

// testRandom runs random sequences of commands against a fresh facility
// and an in-memory model, checking after every step that the stored
// transactions equal the model's, the invariants hold, loans never exceed
// the limit through advances, replays post nothing and rejected commands
// change nothing.
func testRandom(t *testing.T, s store.Store) {
	limit := amt("1000000.00")
	svc := &app.Service{Store: s, Terms: terms(limit, nil)}
	rapid.Check(t, func(rt *rapid.T) {
		f := fmt.Sprintf("r%d", randomFacility.Add(1))
		newFacility(rt, s, f)
		c := submitted(rt, s, f, d("2006-01-01"), limit, 0)
		must(s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "l", At: t0})).of(rt)
		var model []ledger.Transaction
		keys := 0
		for step := rapid.IntRange(1, 25).Draw(rt, "steps"); step > 0; step-- {
			keys++
			key := fmt.Sprintf("k%d", keys)
			vd := d("2006-01-01") + date.Date(rapid.IntRange(0, 60).Draw(rt, "day"))
			a := money.Amount(rapid.Int64Range(1, 50_000_000).Draw(rt, "cents"))
			r := ledger.Ref{Facility: f, Key: key, ValueDate: vd}
			var (
				tr      ledger.Transaction
				err     error
				replay  bool
				refused bool
			)
			switch op := rapid.IntRange(0, 7).Draw(rt, "op"); op {
			case 0, 1:
				res, e := svc.Advance(ctx, app.AdvanceRequest{Facility: f, Key: key, Amount: a, ValueDate: vd})
				// Funded exactly when the model says it fits on the value
				// date and every later date: commitment and certificate are
				// both limit; loans and letters of credit (never below zero,
				// though a back-dated reversal can make their balance so)
				// together stay within it.
				avail := limit - peakExposure(model, vd)
				if e != nil {
					wantCode(rt, e, ledger.CodeAvailabilityExceeded)
					refused = true
					if avail >= a {
						rt.Fatalf("refused %s with %s available", a, avail)
					}
				} else {
					if avail < a {
						rt.Fatalf("funded %s with %s available", a, avail)
					}
					tr = res.Posted.Transaction
				}
			case 2:
				tr, err = ledger.Repayment(r, a)
			case 3:
				tr, err = ledger.Fee(r, a, true)
			case 4:
				tr, err = ledger.LCIssue(r, a)
			case 5:
				tr, err = ledger.Collection(r, a)
			case 6: // reverse a random earlier transaction, if not yet reversed
				if len(model) == 0 {
					continue
				}
				orig := model[rapid.IntRange(0, len(model)-1).Draw(rt, "orig")]
				kind := ledger.KindReversal
				if orig.Kind == ledger.KindCollection {
					kind = ledger.KindReturnedItem
				}
				reversed := false
				for _, m := range model {
					if m.Reverses == orig.ID {
						reversed = true
					}
				}
				if orig.Kind == ledger.KindReversal || orig.Kind == ledger.KindReturnedItem {
					continue
				}
				p, e := svc.Reverse(ctx, r, kind, orig.ID)
				if reversed {
					wantCode(rt, e, store.CodeConflict)
					refused = true
				} else {
					ok(rt, e)
					tr = p.Transaction
				}
			case 7: // replay or misuse an earlier key
				if len(model) == 0 {
					continue
				}
				old := model[rapid.IntRange(0, len(model)-1).Draw(rt, "old")]
				if rapid.Bool().Draw(rt, "same") {
					p := post(rt, s, old, nil)
					if !p.Replayed || p.Transaction.ID != old.ID {
						rt.Fatalf("replay of %d = %+v", old.ID, p)
					}
					replay = true
				} else {
					other := old
					other.Memo += " (changed)"
					e := s.Update(ctx, f, func(tx store.Tx) error { _, err := tx.Post(other); return err })
					wantCode(rt, e, store.CodeIdempotencyMismatch)
					refused = true
				}
			}
			if tr.ID == 0 && !replay && !refused {
				if err != nil {
					rt.Fatal(err)
				}
				tr = post(rt, s, tr, nil).Transaction
			}
			if tr.ID != 0 {
				model = append(model, tr)
			}
			got := storetest.CheckInvariants(rt, s, f)
			if !reflect.DeepEqual(got, model) && !(len(got) == 0 && len(model) == 0) {
				rt.Fatalf("stored %d transactions, model %d:\n%+v\n%+v", len(got), len(model), got, model)
			}
		}
	})
}

// peakExposure is the highest loans plus letters of credit on the value
// date or any later date of the model.
func peakExposure(model []ledger.Transaction, vd date.Date) money.Amount {
	at := func(d date.Date) money.Amount {
		return ledger.Balance(model, ledger.Loans, d) + max(0, ledger.Balance(model, ledger.LCOutstanding, d)+ledger.Balance(model, ledger.LCDrawn, d))
	}
	peak := at(vd)
	for _, t := range model {
		if t.ValueDate > vd {
			peak = max(peak, at(t.ValueDate))
		}
	}
	return peak
}
