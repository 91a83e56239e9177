package storetest

import (
	"testing"
	"time"

	"revolver/store"
)

// testRiskRatings: risk rating entries are appended in id order with
// every field as given (the time truncated); a rating outside 1–10, no
// reason or no one who set it is invalid, as is another facility's entry
// in this facility's transaction; another facility's entries are not
// listed; RiskRatingAt gives the entry in force at a time.
func testRiskRatings(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	add := func(r store.RiskRating) (store.RiskRating, error) {
		var got store.RiskRating
		err := s.Update(ctx, r.Facility, func(tx store.Tx) error {
			var err error
			got, err = tx.AddRiskRating(r)
			return err
		})
		return got, err
	}
	v1 := store.RiskRating{Facility: "f", Rating: 4, Reason: "annual review", SetBy: "officer@bank", SetAt: t0.Add(123 * time.Millisecond)}
	r1 := must(add(v1)).of(t)
	v2 := store.RiskRating{Facility: "f", Rating: 7, Watch: true, Reason: "covenant failure", SetBy: "officer2@bank", SetAt: t0.Add(time.Hour)}
	r2 := must(add(v2)).of(t)
	must(add(store.RiskRating{Facility: "g", Rating: 1, Reason: "x", SetBy: "x", SetAt: t0})).of(t)
	for _, bad := range []store.RiskRating{
		{Facility: "f", Rating: 0, Reason: "x", SetBy: "x", SetAt: t0},
		{Facility: "f", Rating: 11, Reason: "x", SetBy: "x", SetAt: t0},
		{Facility: "f", Rating: 5, Reason: " ", SetBy: "x", SetAt: t0},
		{Facility: "f", Rating: 5, Reason: "x", SetAt: t0},
		{Facility: "f", Rating: 5, Reason: "x", SetBy: "x"},
	} {
		_, err := add(bad)
		wantCode(t, err, store.CodeInvalid)
	}
	err := s.Update(ctx, "f", func(tx store.Tx) error {
		_, err := tx.AddRiskRating(store.RiskRating{Facility: "g", Rating: 5, Reason: "x", SetBy: "x", SetAt: t0})
		return err
	})
	wantCode(t, err, store.CodeInvalid)

	rs := must(s.RiskRatings(ctx, "f")).of(t)
	if len(rs) != 2 || rs[0].ID != r1.ID || rs[1].ID != r2.ID || rs[0].ID >= rs[1].ID {
		t.Fatalf("entries %+v", rs)
	}
	for i, want := range []store.RiskRating{v1, v2} {
		got := rs[i]
		if got.Facility != "f" || got.Rating != want.Rating || got.Watch != want.Watch || got.Reason != want.Reason || got.SetBy != want.SetBy ||
			!got.SetAt.Equal(store.Truncate(want.SetAt)) {
			t.Errorf("entry %d\n got %+v\nwant %+v", i, got, want)
		}
	}
	if r, ok := store.RiskRatingAt(rs, t0.Add(time.Minute)); !ok || r.ID != r1.ID {
		t.Errorf("in force after the first: %+v %v", r, ok)
	}
	if r, ok := store.RiskRatingAt(rs, t0.Add(2*time.Hour)); !ok || r.ID != r2.ID || !r.Watch {
		t.Errorf("in force after the second: %+v %v", r, ok)
	}
	if _, ok := store.RiskRatingAt(rs, t0.Add(-time.Hour)); ok {
		t.Errorf("an entry in force before any was set")
	}
	if gs := must(s.RiskRatings(ctx, "g")).of(t); len(gs) != 1 || gs[0].Rating != 1 {
		t.Errorf("g's entries %+v", gs)
	}
	_, err = s.RiskRatings(ctx, "nope")
	wantCode(t, err, store.CodeNotFound)
}
