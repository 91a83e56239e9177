package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"revolver/covenant"
	"revolver/store"
)

// TestPreviewStatements: the preview lists each period's lines with their
// values and the covenants they feed, the lines a covenant needs that the
// row leaves blank, and whether the period is a restatement; it stores
// nothing; a file that cannot be read is refused naming its row and
// column.
func TestPreviewStatements(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		csv := "period_end,fiscal_year,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income\n" +
			"2007-04-01,2007,1,63000000.00,900000.00,29000000.00,0.00,500000.00\n" +
			"2007-07-01,2007,2,64000000.00,,29000000.00,0.00,400000.00\n"
		p, err := e.svc.PreviewStatements(ctx, "btu", "q.csv", []byte(csv))
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Periods) != 2 || p.Periods[0].Row != 2 || p.Periods[1].Row != 3 || p.Periods[0].Restatement {
			t.Fatalf("periods: %+v", p.Periods)
		}
		var ta *LinePreview
		for i, l := range p.Periods[0].Lines {
			if l.Name == covenant.TotalAssets {
				ta = &p.Periods[0].Lines[i]
			}
		}
		if ta == nil || ta.Value == nil || ta.Value.String() != "63000000.00" || len(ta.Feeds) == 0 {
			t.Fatalf("total_assets: %+v", ta)
		}
		if m := p.Periods[1].Missing; !slices.ContainsFunc(m, func(l LinePreview) bool { return l.Name == covenant.IntangibleAssets && len(l.Feeds) > 0 }) {
			t.Errorf("the blank intangible_assets is not said to be missing: %+v", m)
		}
		if fs, _ := s.FinancialsAsKnown(ctx, "btu", e.now); len(fs) != 0 {
			t.Fatalf("the preview stored %d statements", len(fs))
		}
		// Submitted, the period is a restatement when previewed again.
		sts, _ := covenant.ReadStatements("q.csv", []byte(csv))
		if _, _, err := e.svc.AddStatements(ctx, "btu", sts[:1], "cfo"); err != nil {
			t.Fatal(err)
		}
		if p, _ := e.svc.PreviewStatements(ctx, "btu", "q.csv", []byte(csv)); !p.Periods[0].Restatement || p.Periods[1].Restatement {
			t.Errorf("restatement: %+v", p.Periods)
		}
		_, err = e.svc.PreviewStatements(ctx, "btu", "q.csv", []byte(strings.Replace(csv, "64000000.00", "64000000.0x", 1)))
		if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "q.csv") || !strings.Contains(err.Error(), "total_assets") {
			t.Errorf("a bad amount: %v", err)
		}
	})
}
