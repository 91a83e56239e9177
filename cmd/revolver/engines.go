package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"revolver/agreement"
	"revolver/borrowingbase"
	"revolver/collateral"
	"revolver/covenant"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

func init() { register(bbcCmd, covenantsCmd) }

// batchGC tunes the garbage collector for a one-off batch run: collect only
// when the heap nears 320 MiB (the certificate of 1M receivables peaks well
// below it), instead of at every doubling while the heap grows.
func batchGC() {
	debug.SetMemoryLimit(320 << 20)
	debug.SetGCPercent(-1)
}

// bbcArgs are the inputs of a borrowing base certificate from files.
type bbcArgs struct {
	agreement                       []string
	asOf                            string
	receivables, debtors, inventory string
	lcOutstanding, lcDrawn          string
	columns, currency               string
	casualty                        []string
	format                          string
	explain, rows                   bool
}

// certificateFromFiles loads the agreement and the three reports (the
// inventory in parallel with the aging) and computes the certificate.
func certificateFromFiles(a bbcArgs) (*borrowingbase.Certificate, error) {
	asOf, err := parseDateFlag("as-of", a.asOf)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ flag, v string }{{"receivables", a.receivables}, {"debtors", a.debtors}, {"inventory", a.inventory}} {
		if f.v == "" {
			return nil, usageError{fmt.Errorf("--%s is required", f.flag)}
		}
	}
	lcOut, err := amountFlag("lc-outstanding", a.lcOutstanding)
	if err != nil {
		return nil, err
	}
	lcDrawn, err := amountFlag("lc-drawn", a.lcDrawn)
	if err != nil {
		return nil, err
	}
	opt := collateral.Options{Currency: a.currency}
	if a.columns != "" {
		if opt.Columns, err = collateral.ParseColumnMap(a.columns); err != nil {
			return nil, usageError{fmt.Errorf("--columns: %w", err)}
		}
	}
	casualty, err := parseCasualty(a.casualty)
	if err != nil {
		return nil, err
	}
	type invResult struct {
		inv *collateral.Inventory
		err error
	}
	invc := make(chan invResult, 1)
	go func() {
		inv, err := collateral.LoadInventory(a.inventory, opt)
		invc <- invResult{inv, err}
	}()
	fac, err := loadAgreement(a.agreement)
	if err != nil {
		<-invc
		return nil, err
	}
	terms, err := fac.TermsAsOf(asOf)
	if err != nil {
		<-invc
		return nil, usageError{err}
	}
	if opt.Currency == "" {
		opt.Currency = terms.Currency
	}
	recv, err := collateral.LoadReceivables(a.receivables, a.debtors, opt)
	ir := <-invc
	if err != nil {
		return nil, usageError{err}
	}
	if ir.err != nil {
		return nil, usageError{ir.err}
	}
	cert, err := borrowingbase.Compute(borrowingbase.Input{
		Terms: terms, AsOf: asOf, Receivables: recv, Inventory: ir.inv,
		LCOutstanding: lcOut, LCDrawn: lcDrawn, Casualty: casualty,
	})
	if err != nil {
		return nil, usageError{err}
	}
	return cert, nil
}

func amountFlag(name, v string) (money.Amount, error) {
	if v == "" {
		return 0, nil
	}
	a, err := money.ParseAmount(v)
	if err != nil || a < 0 {
		return 0, usageError{fmt.Errorf("--%s %q: expected a non-negative amount with at most two decimals, e.g. 250000.00", name, v)}
	}
	return a, nil
}

// parseCasualty reads --casualty ITEM@LOCATION[=AMOUNT] (inventory) and
// --casualty receivable:DEBTOR/INVOICE (a receivable, whole) flags.
func parseCasualty(specs []string) ([]borrowingbase.CasualtyExclusion, error) {
	var out []borrowingbase.CasualtyExclusion
	for _, s := range specs {
		if rest, ok := strings.CutPrefix(s, "receivable:"); ok {
			debtor, invoice, ok := strings.Cut(rest, "/")
			if !ok || debtor == "" || invoice == "" || strings.Contains(invoice, "=") {
				return nil, usageError{fmt.Errorf("--casualty %q: expected receivable:DEBTOR/INVOICE (a receivable is excluded whole, with no amount)", s)}
			}
			out = append(out, borrowingbase.CasualtyExclusion{Collateral: "receivables", Debtor: debtor, Invoice: invoice,
				Reason: "casualty exclusion given on the command line", Cite: explain.Cite{Document: "security-agreement", Section: "¶13(h)"}})
			continue
		}
		spec, amt, hasAmt := strings.Cut(s, "=")
		item, loc, ok := strings.Cut(spec, "@")
		if !ok || item == "" || loc == "" {
			return nil, usageError{fmt.Errorf("--casualty %q: expected ITEM@LOCATION or ITEM@LOCATION=AMOUNT", s)}
		}
		x := borrowingbase.CasualtyExclusion{Item: item, Location: loc, Reason: "casualty exclusion given on the command line",
			Cite: explain.Cite{Document: "security-agreement", Section: "¶13(h)"}}
		if hasAmt {
			a, err := amountFlag("casualty", amt)
			if err != nil {
				return nil, err
			}
			x.Amount = &a
		}
		out = append(out, x)
	}
	return out, nil
}

func bbcCmd() *cobra.Command {
	var a bbcArgs
	c := &cobra.Command{
		Use:   "bbc --agreement DIR --as-of YYYY-MM-DD --receivables R --debtors D --inventory I",
		Short: "Compute a borrowing base certificate from the borrower's reports (CSV or XLSX)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(a.format); err != nil {
				return err
			}
			batchGC()
			cert, err := certificateFromFiles(a)
			if err != nil {
				return err
			}
			return writeCertificate(cmd.OutOrStdout(), cert, a)
		},
	}
	f := c.Flags()
	f.StringSliceVar(&a.agreement, "agreement", nil, "agreement directory or files")
	f.StringVar(&a.asOf, "as-of", "", "the certificate's date YYYY-MM-DD")
	f.StringVar(&a.receivables, "receivables", "", "A/R aging, CSV or XLSX")
	f.StringVar(&a.debtors, "debtors", "", "customer master, CSV or XLSX")
	f.StringVar(&a.inventory, "inventory", "", "inventory valuation, CSV or XLSX")
	f.StringVar(&a.lcOutstanding, "lc-outstanding", "", "face amount of letters of credit outstanding")
	f.StringVar(&a.lcDrawn, "lc-drawn", "", "letters of credit drawn and not reimbursed")
	f.StringVar(&a.columns, "columns", "", `column map for other ERP exports: "amount=Open Balance,invoice_no=Doc No"`)
	f.StringVar(&a.currency, "currency", "", "currency of the reports (default: the agreement's)")
	f.StringArrayVar(&a.casualty, "casualty", nil, "casualty exclusion (Security Agreement ¶13(h)): inventory ITEM@LOCATION[=AMOUNT] or a receivable receivable:DEBTOR/INVOICE; repeatable")
	f.StringVar(&a.format, "format", "table", "json or table")
	f.BoolVar(&a.explain, "explain", false, "explain every line: formula, clause, amendment, input rows")
	f.BoolVar(&a.rows, "rows", false, "with --explain: list the input rows of every line")
	return c
}

func writeCertificate(w interface{ Write([]byte) (int, error) }, cert *borrowingbase.Certificate, a bbcArgs) error {
	if a.format == "json" {
		b, err := json.Marshal(cert)
		if err != nil {
			return err
		}
		if a.explain {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			ex, err := json.Marshal(cert.Explain(a.rows))
			if err != nil {
				return err
			}
			// keep the certificate's key order: append "explanation" at the end
			b = append(bytes.TrimSuffix(bytes.TrimSpace(b), []byte("}")), []byte(`,"explanation":`)...)
			b = append(append(b, ex...), '}')
		}
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			return err
		}
		out.WriteByte('\n')
		_, err = w.Write(out.Bytes())
		return err
	}
	if _, err := w.Write([]byte(cert.Table())); err != nil {
		return err
	}
	if a.explain {
		_, err := w.Write([]byte("\n" + cert.Explain(a.rows).TextWithClauses(cert.ClauseText)))
		return err
	}
	return nil
}

func covenantsCmd() *cobra.Command {
	var paths []string
	var financials, format, asKnownOn string
	var explainFlag bool
	var restated []string
	c := &cobra.Command{
		Use:   "covenants --agreement DIR --financials F.csv",
		Short: "Test the financial covenants on the borrower's quarterly statements",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if financials == "" {
				return usageError{fmt.Errorf("--financials is required (CSV: period_end, fiscal_year, fiscal_quarter, total_assets, intangible_assets, total_liabilities, subordinated_debt, net_income)")}
			}
			fac, err := loadAgreement(paths)
			if err != nil {
				return err
			}
			statements, err := readStatements(financials)
			if err != nil {
				return err
			}
			if len(restated) > 0 {
				statements, err = applyRestatements(statements, restated, asKnownOn)
				if err != nil {
					return err
				}
			}
			res, err := covenant.Evaluate(termsAt(fac), statements)
			if err != nil {
				return usageError{err}
			}
			covenant.Waive(res, fac.AllWaivers())
			out := cmd.OutOrStdout()
			if format == "json" {
				b, err := res.JSON(explainFlag)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if err := json.Indent(&buf, b, "", "  "); err != nil {
					return err
				}
				buf.WriteByte('\n')
				_, err = out.Write(buf.Bytes())
				return err
			}
			_, err = out.Write([]byte(res.Table()))
			return err
		},
	}
	c.Flags().StringSliceVar(&paths, "agreement", nil, "agreement directory or files")
	c.Flags().StringVar(&financials, "financials", "", "quarterly financial statements CSV")
	c.Flags().StringArrayVar(&restated, "restated", nil, "a restatement CSV recorded on a date: FILE@YYYY-MM-DD (repeatable)")
	c.Flags().StringVar(&asKnownOn, "as-known-on", "", "with --restated: use what was known on this date")
	c.Flags().StringVar(&format, "format", "table", "json or table")
	c.Flags().BoolVar(&explainFlag, "explain", false, "with --format json: add each test's explanation")
	return c
}

func readStatements(path string) ([]covenant.Statement, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError{err}
	}
	st, err := covenant.ReadStatements(path, data)
	if err != nil {
		return nil, usageError{err}
	}
	return st, nil
}

// applyRestatements treats the original file as known from the start and
// each FILE@DATE as recorded on DATE, then picks what was known on asKnownOn
// (default: now, i.e. every restatement).
func applyRestatements(original []covenant.Statement, specs []string, asKnownOn string) ([]covenant.Statement, error) {
	subs := []covenant.Submission{{ID: "original", RecordedAt: date.Min.Time(), Statements: original}}
	for _, s := range specs {
		file, day, ok := strings.Cut(s, "@")
		d, err := date.Parse(day)
		if !ok || err != nil {
			return nil, usageError{fmt.Errorf("--restated %q: expected FILE@YYYY-MM-DD", s)}
		}
		st, err := readStatements(file)
		if err != nil {
			return nil, err
		}
		subs = append(subs, covenant.Submission{ID: file, RecordedAt: d.Time(), Statements: st})
	}
	k := date.Max
	if asKnownOn != "" {
		d, err := parseDateFlag("as-known-on", asKnownOn)
		if err != nil {
			return nil, err
		}
		k = d
	}
	return covenant.AsKnownOnDate(subs, k), nil
}

// termsAt gives the engines the terms in force on each date.
func termsAt(fac *agreement.Facility) func(date.Date) (*agreement.Terms, error) {
	cache := map[date.Date]*agreement.Terms{}
	return func(d date.Date) (*agreement.Terms, error) {
		if t, ok := cache[d]; ok {
			return t, nil
		}
		t, err := fac.TermsAsOf(d)
		if err != nil {
			return nil, err
		}
		cache[d] = t
		return t, nil
	}
}
