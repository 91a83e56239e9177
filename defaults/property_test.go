package defaults_test

import (
	"testing"

	"pgregory.net/rapid"

	"revolver/date"
	"revolver/defaults"
)

// For any as-of date and casualty notices sent on any days: a due date moved
// by the following convention is a business day on or after the date
// counted; the status agrees with the as-of date; and a deadline keeps its id
// and due date from one as-of date to a later one.
func TestDeadlineProperties(t *testing.T) {
	lo, hi := d("2004-02-01"), d("2007-12-31")
	cal := fed()
	rapid.Check(t, func(rt *rapid.T) {
		asOf := date.Date(rapid.Int32Range(int32(lo), int32(hi)).Draw(rt, "asOf"))
		later := asOf.AddDays(rapid.IntRange(0, 400).Draw(rt, "later"))
		var f defaults.Facts
		for i, n := 0, rapid.IntRange(0, 3).Draw(rt, "notices"); i < n; i++ {
			sent := date.Date(rapid.Int32Range(int32(lo), int32(asOf)).Draw(rt, "sent"))
			f.Notices = append(f.Notices, courier(t, "cas"+sent.String()+string(rune('a'+i)), "casualty_overadvance", sent.String()+" 12:00"))
		}
		tm := terms(t, asOf.String())
		r, err := defaults.Evaluate(tm, f, asOf, ny)
		if err != nil {
			rt.Fatal(err)
		}
		r2, err := defaults.Evaluate(tm, f, later, ny)
		if err != nil {
			rt.Fatal(err)
		}
		dues := map[string]date.Date{}
		for _, x := range r2.Deadlines {
			dues[x.ID] = x.Due
		}
		for _, x := range r.Deadlines {
			if x.Due == 0 {
				continue
			}
			if x.Kind == defaults.KindObligation || x.Kind == defaults.KindFee || x.Kind == defaults.KindTermination {
				if !cal.IsBusinessDay(x.Due) || x.Due < x.Date {
					rt.Fatalf("%s: due %s from %s", x.ID, x.Due, x.Date)
				}
			}
			if x.Done == 0 && x.Kind != defaults.KindUCC {
				want := defaults.StatusComing
				if asOf == x.Due {
					want = defaults.StatusDue
				} else if asOf > x.Due {
					want = defaults.StatusOverdue
				}
				if x.Status != want && x.Status != defaults.StatusUndetermined && x.Status != defaults.StatusPending {
					rt.Fatalf("%s on %s: %s, due %s", x.ID, asOf, x.Status, x.Due)
				}
			}
			if due, ok := dues[x.ID]; ok && due != x.Due && x.Kind != defaults.KindReport {
				rt.Fatalf("%s: due %s on %s but %s on %s", x.ID, x.Due, asOf, due, later)
			}
		}
		for _, def := range r.Defaults {
			if def.Occurred > asOf {
				rt.Fatalf("default %s occurs %s, after %s", def.ID, def.Occurred, asOf)
			}
		}
	})
}
