package rollforward

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"revolver/collateral"
)

// generate runs ../shared/data/gen_abl_history.py (beside the module root)
// into a temporary directory with args, or skips the test.
func generate(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Skip("python3 not installed")
	}
	gen, err := filepath.Abs("../../shared/data/gen_abl_history.py")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(gen); err != nil {
		tb.Skipf("the history generator is not beside the module: %v", err)
	}
	out, err := exec.Command("python3", append([]string{gen, "--out", dir}, args...)...).CombinedOutput()
	if err != nil {
		tb.Fatalf("generator: %v\n%s", err, out)
	}
	return dir
}

// history is a generated history read back.
type history struct {
	dir     string
	periods []collateral.HistoryPeriod
	debtors []collateral.Debtor
}

func readHistory(tb testing.TB, dir string) *history {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "periods.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	ps, err := collateral.ReadPeriods("periods.csv", data)
	if err != nil {
		tb.Fatal(err)
	}
	ds, err := collateral.LoadDebtors(filepath.Join(dir, "debtors.csv"), collateral.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return &history{dir: dir, periods: ps, debtors: ds}
}

func (h *history) aging(tb testing.TB, k int) *collateral.Receivables {
	tb.Helper()
	d := filepath.Join(h.dir, h.periods[k].AsOf.String())
	data, err := os.ReadFile(filepath.Join(d, "receivables.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := collateral.ReadReceivables(filepath.Join(h.periods[k].AsOf.String(), "receivables.csv"), data, "debtors.csv", h.debtors, collateral.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func (h *history) inventory(tb testing.TB, k int) *collateral.Inventory {
	tb.Helper()
	v, err := collateral.LoadInventory(filepath.Join(h.dir, h.periods[k].AsOf.String(), "inventory.csv"), collateral.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// period assembles period k (k ≥ 1) of the history.
func (h *history) period(tb testing.TB, k int) Period {
	tb.Helper()
	j, err := collateral.LoadJournals(filepath.Join(h.dir, h.periods[k].AsOf.String()), collateral.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return Period{
		Previous: h.periods[k].Previous, AsOf: h.periods[k].AsOf,
		PrevAging: h.aging(tb, k-1), Aging: h.aging(tb, k),
		PrevInventory: h.inventory(tb, k-1), Inventory: h.inventory(tb, k),
		Journals: j,
	}
}

// TestCleanHistoriesReconcile: without anomalies every period of several
// generated histories reconciles to 0.00 in total and invoice by invoice,
// and the inventory to 0.00.
func TestCleanHistoriesReconcile(t *testing.T) {
	for _, args := range [][]string{
		{"--periods", "4", "--seed", "7"},
		{"--periods", "6", "--frequency", "weekly", "--seed", "11", "--sales-per-period", "150", "--items", "300"},
		{"--periods", "3", "--seed", "2026", "--sales-per-period", "900", "--debtors", "60", "--items", "200"},
	} {
		t.Run(args[len(args)-1], func(t *testing.T) {
			h := readHistory(t, generate(t, t.TempDir(), args...))
			var results []*Result
			for k := 1; k < len(h.periods); k++ {
				r, err := Reconcile(h.period(t, k))
				if err != nil {
					t.Fatal(err)
				}
				results = append(results, r)
				rv := &r.Receivables
				if !rv.UnexplainedVariance.Known || rv.UnexplainedVariance.Amount != 0 {
					t.Errorf("%s: receivables variance %s", r.AsOf, rv.UnexplainedVariance)
				}
				if rv.Beginning.Amount == 0 || rv.Sales.Amount == 0 || rv.Collections.Amount == 0 {
					t.Errorf("%s: an empty period: %+v", r.AsOf, rv)
				}
				for _, e := range rv.Exceptions {
					if e.Count != 0 || e.Amount != 0 {
						t.Errorf("%s: %s: %d invoices, %s: %+v", r.AsOf, e.Kind, e.Count, e.Amount, e.Invoices)
					}
				}
				if rv.Exceptions == nil {
					t.Errorf("%s: exceptions undetermined: %s", r.AsOf, rv.ExceptionsReason)
				}
				if v := r.Inventory.UnexplainedVariance; !v.Known || v.Amount != 0 {
					t.Errorf("%s: inventory variance %s", r.AsOf, v)
				}
				if !r.DSO.Known {
					t.Errorf("%s: DSO %s", r.AsOf, r.DSO.Reason)
				}
				d, err := DilutionOver(results, 3)
				if err != nil || !d.RatioKnown {
					t.Errorf("%s: dilution %+v %v", r.AsOf, d, err)
				}
			}
		})
	}
}
