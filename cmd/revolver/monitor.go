package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"revolver/agreement"
	"revolver/borrowingbase"
	"revolver/collateral"
	"revolver/rollforward"
)

func init() { register(monitorCmd) }

type monitorArgs struct {
	agreement []string
	history   string
	window    int
	format    string
	explain   bool
	columns   string
	currency  string
}

func monitorCmd() *cobra.Command {
	var a monitorArgs
	c := &cobra.Command{
		Use:   "monitor --agreement DIR --history HDIR",
		Short: "Roll each period of a borrower's history forward: receivables and inventory, exceptions, dilution, DSO, borrowing base",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(a.format); err != nil {
				return err
			}
			if a.history == "" {
				return usageError{fmt.Errorf("--history is required (a directory with periods.csv, debtors.csv and one directory per as-of date)")}
			}
			if cmd.Flags().Changed("window") && a.window < 1 {
				return usageError{fmt.Errorf("--window %d: expected a number of periods ≥ 1", a.window)}
			}
			// Not batchGC: the data live through the run, and a heap let grow
			// to its limit costs more in page faults than the collections
			// at every doubling do.
			return runMonitor(cmd.OutOrStdout(), a)
		},
	}
	f := c.Flags()
	f.StringSliceVar(&a.agreement, "agreement", nil, "agreement directory or files")
	f.StringVar(&a.history, "history", "", "history directory (periods.csv, debtors.csv, <as_of>/…)")
	f.IntVar(&a.window, "window", rollforward.DefaultDilutionWindow, "dilution window, in periods")
	f.StringVar(&a.format, "format", "table", "json or table")
	f.BoolVar(&a.explain, "explain", false, "explain every figure and list every exception with its rows in the files")
	f.StringVar(&a.columns, "columns", "", `column map for other ERP exports: "amount=Open Balance,invoice_no=Doc No"`)
	f.StringVar(&a.currency, "currency", "", "currency of the reports (default: the agreement's)")
	return c
}

// historyReport is one as-of date's reports, read.
type historyReport struct {
	aging *collateral.Receivables
	inv   *collateral.Inventory
	cert  []byte // the certificate's JSON
	bb    string // its borrowing base, for the table
}

func runMonitor(out io.Writer, a monitorArgs) error {
	fac, err := loadAgreement(a.agreement)
	if err != nil {
		return err
	}
	opt := collateral.Options{Currency: a.currency}
	if a.columns != "" {
		if opt.Columns, err = collateral.ParseColumnMap(a.columns); err != nil {
			return usageError{fmt.Errorf("--columns: %w", err)}
		}
	}
	pfile := filepath.Join(a.history, "periods.csv")
	data, err := os.ReadFile(pfile)
	if err != nil {
		return usageError{err}
	}
	periods, err := collateral.ReadPeriods(pfile, data)
	if err != nil {
		return usageError{err}
	}
	if len(periods) < 2 {
		return usageError{fmt.Errorf("%s: %d period(s): expected the opening position and at least one period after it", pfile, len(periods))}
	}
	dpath, err := collateral.FindReport(a.history, "debtors")
	if err != nil || dpath == "" {
		return usageError{fmt.Errorf("%s: no debtors.csv (the customer master): %v", a.history, err)}
	}
	if opt.Currency == "" {
		t, err := fac.TermsAsOf(periods[len(periods)-1].AsOf)
		if err != nil {
			return usageError{err}
		}
		opt.Currency = t.Currency
	}
	// First every as-of date's aging and inventory report, and its
	// certificate; then every period's journals, each period reconciled as
	// soon as they are read and its journals let go.
	reports := make([]historyReport, len(periods))
	if err := each(len(periods), func(k int) error {
		return loadReport(&reports[k], fac, a, periods[k], k > 0, dpath, opt)
	}); err != nil {
		return usageError{err}
	}
	results := make([]*rollforward.Result, len(periods)-1)
	if err := each(len(results), func(i int) error {
		k := i + 1
		j, err := collateral.LoadJournals(filepath.Join(a.history, periods[k].AsOf.String()), opt)
		if err != nil {
			return err
		}
		results[i], err = rollforward.Reconcile(rollforward.Period{
			Previous: periods[k].Previous, AsOf: periods[k].AsOf,
			PrevAging: reports[k-1].aging, Aging: reports[k].aging,
			PrevInventory: reports[k-1].inv, Inventory: reports[k].inv,
			Journals: j,
		})
		return err
	}); err != nil {
		return usageError{err}
	}
	dil, err := rollforward.Dilutions(results, a.window)
	if err != nil {
		return usageError{err}
	}
	if a.format == "json" {
		b := []byte(`{"periods":[`)
		for k, r := range results {
			if k > 0 {
				b = append(b, ',')
			}
			var ex []byte
			if a.explain {
				if ex, err = json.Marshal(r.Explain(&dil[k])); err != nil {
					return err
				}
			}
			b = rollforward.AppendPeriodJSON(b, r, &dil[k], reports[k+1].cert, ex)
		}
		b = append(b, "]}"...)
		var buf bytes.Buffer
		if err := json.Indent(&buf, b, "", "  "); err != nil {
			return err
		}
		buf.WriteByte('\n')
		_, err = out.Write(buf.Bytes())
		return err
	}
	var b strings.Builder
	for k, r := range results {
		if k > 0 {
			b.WriteString("\n")
		}
		b.WriteString(rollforward.Table(r, &dil[k]))
		fmt.Fprintf(&b, "Borrowing base %s\n", reports[k+1].bb)
		if a.explain {
			b.WriteString("\n" + r.Explain(&dil[k]).Text())
		}
	}
	_, err = io.WriteString(out, b.String())
	return err
}

// each runs fn(0..n-1) on up to GOMAXPROCS goroutines and joins their
// errors.
func each(n int, fn func(k int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for k := range next {
				errs[k] = fn(k)
			}
		})
	}
	for k := range n {
		next <- k
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// loadReport reads one as-of date's aging and inventory report and (after
// the opening position) computes its certificate.
func loadReport(r *historyReport, fac *agreement.Facility, a monitorArgs, p collateral.HistoryPeriod, certificate bool,
	dpath string, opt collateral.Options) error {
	dir := filepath.Join(a.history, p.AsOf.String())
	rp, err := collateral.FindReport(dir, "receivables")
	if err != nil {
		return err
	}
	if rp != "" {
		// mapped, not copied, when large (the invoice numbers stay in the file)
		if r.aging, err = collateral.LoadReceivables(rp, dpath, opt); err != nil {
			return err
		}
	}
	ip, err := collateral.FindReport(dir, "inventory")
	if err != nil {
		return err
	}
	if ip != "" {
		if r.inv, err = collateral.LoadInventory(ip, opt); err != nil {
			return err
		}
	}
	if certificate && (r.aging == nil || r.inv == nil) {
		r.bb = "undetermined (no aging or no inventory report at " + p.AsOf.String() + ")"
	} else if certificate {
		terms, err := fac.TermsAsOf(p.AsOf)
		if err != nil {
			return err
		}
		cert, err := borrowingbase.Compute(borrowingbase.Input{Terms: terms, AsOf: p.AsOf, Receivables: r.aging, Inventory: r.inv})
		if err != nil {
			return fmt.Errorf("%s: borrowing base: %w", p.AsOf, err)
		}
		r.bb = "undetermined"
		if cert.BorrowingBase.Known {
			r.bb = cert.BorrowingBase.Amount.Grouped()
		}
		if r.cert, err = json.Marshal(cert); err != nil {
			return err
		}
	}
	return nil
}
