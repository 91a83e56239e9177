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
			batchGC()
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
	j     collateral.Journals
	cert  []byte // the certificate's JSON
	c     *borrowingbase.Certificate
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
	debtors, err := collateral.LoadDebtors(dpath, opt)
	if err != nil {
		return usageError{err}
	}
	reports := make([]historyReport, len(periods))
	errs := make([]error, len(periods))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(periods)) {
		wg.Go(func() {
			for k := range next {
				errs[k] = loadReport(&reports[k], fac, a, periods[k], k > 0, dpath, debtors, opt)
			}
		})
	}
	for k := range periods {
		next <- k
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return usageError{err}
	}
	ps := make([]rollforward.Period, len(periods)-1)
	for k := 1; k < len(periods); k++ {
		ps[k-1] = rollforward.Period{
			Previous: periods[k].Previous, AsOf: periods[k].AsOf,
			PrevAging: reports[k-1].aging, Aging: reports[k].aging,
			PrevInventory: reports[k-1].inv, Inventory: reports[k].inv,
			Journals: reports[k].j,
		}
	}
	results, dil, err := rollforward.Monitor(ps, a.window)
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
		if c := reports[k+1].c; c != nil {
			fmt.Fprintf(&b, "Borrowing base %s\n", bbText(c))
		}
		if a.explain {
			b.WriteString("\n" + r.Explain(&dil[k]).Text())
		}
	}
	_, err = io.WriteString(out, b.String())
	return err
}

func bbText(c *borrowingbase.Certificate) string {
	if !c.BorrowingBase.Known {
		return "undetermined"
	}
	return c.BorrowingBase.Amount.Grouped()
}

// loadReport reads one as-of date's aging, inventory report and (after the
// opening position) journals, and computes its certificate.
func loadReport(r *historyReport, fac *agreement.Facility, a monitorArgs, p collateral.HistoryPeriod, journals bool,
	dpath string, debtors []collateral.Debtor, opt collateral.Options) error {
	dir := filepath.Join(a.history, p.AsOf.String())
	rp, err := collateral.FindReport(dir, "receivables")
	if err != nil {
		return err
	}
	if rp != "" {
		data, err := os.ReadFile(rp)
		if err != nil {
			return err
		}
		if strings.HasSuffix(strings.ToLower(rp), ".xlsx") {
			r.aging, err = collateral.ReadReceivablesXLSX(rp, data, dpath, debtors, opt)
		} else {
			r.aging, err = collateral.ReadReceivables(rp, data, dpath, debtors, opt)
		}
		if err != nil {
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
	if journals {
		if r.j, err = collateral.LoadJournals(dir, opt); err != nil {
			return err
		}
		terms, err := fac.TermsAsOf(p.AsOf)
		if err != nil {
			return err
		}
		cert, err := borrowingbase.Compute(borrowingbase.Input{Terms: terms, AsOf: p.AsOf, Receivables: r.aging, Inventory: r.inv})
		if err != nil {
			return fmt.Errorf("%s: borrowing base: %w", p.AsOf, err)
		}
		r.c = cert
		if r.cert, err = json.Marshal(cert); err != nil {
			return err
		}
	}
	return nil
}
