package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"revolver/store"
)

// TestRiskRatings: an officer rates the facility and puts it on the watch
// list; a later rating keeps the first in the history; the rating in force
// as known before the second is the first; a rating outside 1–10 or
// without a reason is refused naming the field and stores nothing; a
// borrower may not rate; the morning lists the facility on the watch list.
func TestRiskRatings(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 2, 1, 12, 0, 0, 0, time.UTC))
		c.open("2006-02-01", 12)
		officer := WithActor(context.Background(), Actor{User: "officer1@bank", UserID: 1, Role: store.RoleLenderOfficer})
		first, err := c.SetRiskRating(officer, "btu", RiskRatingInput{Rating: 4, Reason: "annual review"})
		if err != nil {
			t.Fatal(err)
		}
		if first.SetBy != "officer1@bank" || first.Rating != 4 || first.Watch {
			t.Errorf("first %+v", first)
		}
		m, err := c.Morning(officer, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if k := morningKinds(m.Exceptions); k[ExWatch] != 0 {
			t.Errorf("not watched, yet on the morning's watch list")
		}
		c.at = c.at.Add(time.Hour)
		second, err := c.SetRiskRating(officer, "btu", RiskRatingInput{Rating: 7, Watch: true, Reason: "sales down 30% in the quarter"})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct {
			in   RiskRatingInput
			want string
		}{{RiskRatingInput{Rating: 11, Reason: "x"}, "rating 11"}, {RiskRatingInput{Rating: 0, Reason: "x"}, "rating 0"}, {RiskRatingInput{Rating: 5, Reason: " "}, "reason"}} {
			_, err := c.SetRiskRating(officer, "btu", bad.in)
			if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("%+v: %v, want invalid naming %s", bad.in, err, bad.want)
			}
		}
		borrower := WithActor(context.Background(), Actor{User: "controller@btu", UserID: 2, Role: store.RoleBorrower, Facilities: []string{"btu"}})
		if _, err := c.SetRiskRating(borrower, "btu", RiskRatingInput{Rating: 1, Reason: "fine"}); store.ErrorCode(err) != store.CodeForbidden {
			t.Errorf("a borrower rating: %v, want forbidden", err)
		}
		now, err := c.RiskRatingsOf(officer, "btu", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if now.Current == nil || now.Current.ID != second.ID || len(now.History) != 2 || now.History[1].ID != first.ID {
			t.Fatalf("as known now: %+v", now)
		}
		then, err := c.RiskRatingsOf(officer, "btu", second.SetAt.Add(-time.Second))
		if err != nil || then.Current == nil || then.Current.ID != first.ID || len(then.History) != 1 {
			t.Errorf("as known before the second: %+v %v", then, err)
		}
		m, err = c.Morning(officer, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Exceptions[0].Kind != ExWatch || !strings.Contains(m.Exceptions[0].Reason, "risk rating 7 of 10: sales down 30%") || m.Exceptions[0].Link != "/facilities/btu#risk" {
			t.Errorf("the morning's first exception %+v, want the watch list", m.Exceptions[0])
		}
	})
}
