package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/store"
)

// TestSweepInDominionPeriod: the modern example's collateral account,
// not swept by the terms, sweeps on a day within a recorded cash dominion
// period (and a day's deposits there pay the loans down), not on a day
// outside one, and not as known before the period was recorded.
func TestSweepInDominionPeriod(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		clock := date.MustParse("2026-06-30").Time().Add(12 * time.Hour)
		svc := modernAt(t, s, &clock)
		from, through := date.MustParse("2026-07-01"), date.MustParse("2026-10-05")
		for d := from; d <= through; d++ {
			postPath(t, s, d)
		}
		before := through.Time().Add(19 * time.Hour)
		clock = through.Time().Add(20 * time.Hour)
		if _, err := svc.EvaluateTriggers(ctx, "m", from, through); err != nil {
			t.Fatal(err)
		}
		const collateral = "4400198812"
		inside, outside := date.MustParse("2026-08-14"), date.MustParse("2026-09-15")
		on, why, err := svc.sweepOn(ctx, "m", collateral, inside, clock)
		if err != nil || !on || !strings.Contains(why, "cash dominion period") || !strings.Contains(why, "started 2026-07-24") {
			t.Errorf("inside the period: %v %q %v", on, why, err)
		}
		if on, why, _ := svc.sweepOn(ctx, "m", collateral, outside, clock); on {
			t.Errorf("outside every period: swept (%q)", why)
		}
		if on, why, _ := svc.sweepOn(ctx, "m", collateral, inside, before); on {
			t.Errorf("as known before the period was recorded: swept (%q)", why)
		}
		g := grp(inside.String(), collateral, dep("115", 250_000_00, "L1"))
		g.Originator, g.Ultimate = "AGENT", "MODERN"
		im, err := svc.ImportCash(ctx, "m", "dominion.bai", baiFile("d1", "2026-08-17", g))
		if err != nil {
			t.Fatal(err)
		}
		if len(im.Transactions) != 1 || !im.Items[0].Swept || im.Items[0].Applied+im.Items[0].Remitted != 250_000_00 {
			t.Errorf("a deposit within dominion: %+v", im)
		}
	})
}
