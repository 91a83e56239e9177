package rollforward

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"revolver/collateral"
	"revolver/money"
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

// anomaly is one line of anomalies.csv.
type anomaly struct {
	asOf, kind, invoice, newInvoice string
	effect                          money.Amount
}

func readAnomalies(tb testing.TB, dir string) []anomaly {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "anomalies.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []anomaly
	for i, l := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(l, ",")
		if len(f) != 5 {
			tb.Fatalf("anomalies.csv:%d: %q", i+2, l)
		}
		e, err := money.ParseAmount(f[4])
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, anomaly{f[0], f[1], f[2], f[3], e})
	}
	return out
}

type found struct {
	kind, invoice string
	amount        money.Amount
}

// expectedExceptions derives, invoice by invoice, the exceptions the
// period's anomalies imply: each anomaly's effect on the reported balance
// (an unreported sale: +its balance; an unreported credit: its effect; a
// rebill: the old number loses its balance, the new one has it; a re-aged
// invoice: none), summed per invoice in the order listed, then classified
// by the rules of §2 from where the invoice is (aging at P, at A, sales
// journal); a re-aged invoice still in the aging at A has its date changed.
func expectedExceptions(p Period, as []anomaly) []found {
	dev := map[string]money.Amount{}
	var order []string
	note := func(k string) {
		if _, ok := dev[k]; !ok {
			order = append(order, k)
			dev[k] = 0
		}
	}
	reaged := map[string]bool{}
	balanceAt := func(r *collateral.Receivables, no string) (money.Amount, int, bool) {
		for i := range r.Rows {
			if r.InvoiceNo(i) == no {
				return r.Rows[i].Amount, i, true
			}
		}
		return 0, -1, false
	}
	for _, a := range as {
		switch a.kind {
		case "unreported_sale", "unreported_credit":
			note(a.invoice)
			dev[a.invoice] += a.effect
		case "reaged":
			reaged[a.invoice] = true
		case "rebill":
			b, _, _ := balanceAt(p.Aging, a.newInvoice)
			note(a.invoice)
			note(a.newInvoice)
			dev[a.invoice] -= b
			dev[a.newInvoice] += b
		}
	}
	inSales := func(no string) bool {
		for _, s := range p.Journals.Sales.Rows {
			if s.InvoiceNo == no {
				return true
			}
		}
		return false
	}
	var out []found
	for _, no := range order {
		d := dev[no]
		if d == 0 {
			continue
		}
		_, _, atP := balanceAt(p.PrevAging, no)
		_, _, atA := balanceAt(p.Aging, no)
		kind := BalanceDiffers
		switch {
		case atA && !atP && !inSales(no):
			kind = NotInSalesJournal
		case atP && !atA:
			kind = Dropped
		}
		out = append(out, found{kind, no, d})
	}
	for no := range reaged {
		if _, _, atA := balanceAt(p.Aging, no); atA {
			out = append(out, found{InvoiceDateChanged, no, 0})
		}
	}
	return out
}

// TestAnomaliesFound: with --anomalies, the exceptions found in each period
// are exactly those its anomalies imply, kind, invoice and amount, and the
// unexplained variance is their sum.
func TestAnomaliesFound(t *testing.T) {
	for _, args := range [][]string{
		{"--periods", "6", "--anomalies", "2", "--seed", "5"},
		{"--periods", "8", "--anomalies", "2", "--frequency", "weekly", "--seed", "13", "--sales-per-period", "200", "--items", "200"},
		{"--periods", "4", "--anomalies", "3", "--seed", "99", "--items", "200"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := generate(t, t.TempDir(), args...)
			h := readHistory(t, dir)
			all := readAnomalies(t, dir)
			kinds := map[string]bool{}
			for k := 1; k < len(h.periods); k++ {
				p := h.period(t, k)
				var as []anomaly
				for _, a := range all {
					if a.asOf == p.AsOf.String() {
						as = append(as, a)
						kinds[a.kind] = true
					}
				}
				r, err := Reconcile(p)
				if err != nil {
					t.Fatal(err)
				}
				want := expectedExceptions(p, as)
				var got []found
				var sum money.Amount
				for _, s := range r.Receivables.Exceptions {
					var n int
					var amt money.Amount
					for _, e := range s.Invoices {
						got = append(got, found{s.Kind, e.InvoiceNo, e.Difference})
						n++
						amt += e.Difference
					}
					if n != s.Count || amt != s.Amount {
						t.Errorf("%s %s: count %d amount %s, invoices %d sum %s", p.AsOf, s.Kind, s.Count, s.Amount, n, amt)
					}
					sum += s.Amount
				}
				cmp := func(a, b found) int {
					return strings.Compare(a.kind+" "+a.invoice, b.kind+" "+b.invoice)
				}
				slices.SortFunc(got, cmp)
				slices.SortFunc(want, cmp)
				if !slices.Equal(got, want) {
					t.Errorf("%s: anomalies %v\nfound    %v\nexpected %v", p.AsOf, as, got, want)
				}
				if v := r.Receivables.UnexplainedVariance; v.Amount != sum {
					t.Errorf("%s: variance %s, exceptions sum %s", p.AsOf, v, sum)
				}
			}
			if len(kinds) < 3 {
				t.Logf("only the kinds %v in this history", kinds)
			}
		})
	}
}
