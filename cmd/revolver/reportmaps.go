package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/collateral"
	"revolver/store"
)

func init() {
	register(mapCmd)
}

// reportMapFlags read a report map given on the command line: a JSON file
// (--map-file), or --columns and --layout.
type reportMapFlags struct {
	columns, layout, file string
}

func (f *reportMapFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.columns, "columns", "", `the column map: "amount=Open Balance,invoice_no=Num" (standard column=header)`)
	c.Flags().StringVar(&f.layout, "layout", "", `the layout: "date_format=MM/DD/YYYY,header_row=5,sheet=*,total_markers=Total|Subtotal,marker_column=Type,default.currency=USD"`)
	c.Flags().StringVar(&f.file, "map-file", "", `the map as a JSON file ({"columns": {...}, "layout": {...}}), instead of --columns and --layout`)
}

// given reports the map the flags give, and whether they give one.
func (f *reportMapFlags) given() (collateral.ReportMap, bool, error) {
	var m collateral.ReportMap
	if f.file != "" {
		if f.columns != "" || f.layout != "" {
			return m, false, usageError{errors.New("--map-file is given with --columns or --layout: give one or the others")}
		}
		b, err := os.ReadFile(f.file)
		if err != nil {
			return m, false, usageError{fmt.Errorf("--map-file: %v", err)}
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return m, false, usageError{fmt.Errorf("--map-file %s: found %v, expected a report map as JSON ({\"columns\": {...}, \"layout\": {...}})", f.file, err)}
		}
		return m, true, nil
	}
	var err error
	if m.Columns, err = collateral.ParseColumnMap(f.columns); err != nil {
		return m, false, usageError{fmt.Errorf("--columns: %v", err)}
	}
	if m.Layout, err = collateral.ParseLayout(f.layout); err != nil {
		return m, false, usageError{fmt.Errorf("--layout: %v", err)}
	}
	return m, f.columns != "" || f.layout != "", nil
}

func kindFlag(kind string) error {
	if !slices.Contains(collateral.Kinds, kind) {
		return usageError{fmt.Errorf("--kind %q: expected one of %v", kind, collateral.Kinds)}
	}
	return nil
}

// mapCmd: a facility's saved column maps and layouts of reports
// (docs/reports.md), and the preview of a report read with one.
func mapCmd() *cobra.Command {
	c := &cobra.Command{Use: "map", Short: "Column maps and layouts of the borrower's reports: set, show, preview",
		Example: `  revolver map show --db revolver.db --slug btu-sovereign --as cfo@btu.example`}

	var so opFlags
	var sf reportMapFlags
	var skind string
	set := &cobra.Command{
		Use:   "set --slug S --as EMAIL --kind K [--columns MAP] [--layout L | --map-file F]",
		Short: "Set the facility's map of a kind of report (a new version; neither --columns nor --layout clears it)",
		Example: `  revolver map set --db revolver.db --slug btu-sovereign --as cfo@btu.example --kind receivables \
    --columns 'debtor_id=Name,invoice_no=Num,invoice_date=Date,due_date=Due Date,amount=Open Balance' \
    --layout 'date_format=MM/DD/YYYY,default.currency=USD,default.disputed=false'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := kindFlag(skind); err != nil {
				return err
			}
			m, _, err := sf.given()
			if err != nil {
				return err
			}
			ctx, st, err := so.open(cmd, "map set")
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := service(st).SetReportMap(ctx, so.slug, app.SetReportMapInput{Kind: skind, Map: m, By: so.as})
			if err != nil {
				return so.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), r)
		},
	}
	so.add(set, false)
	set.Flags().StringVar(&skind, "kind", "", "the kind of report: receivables, debtors, inventory, sales, collections, credits, inventory_activity")
	sf.add(set)

	var wo opFlags
	var wkind string
	var history bool
	show := &cobra.Command{
		Use:     "show --slug S --as EMAIL [--kind K] [--history]",
		Short:   "The facility's maps in force (with --history every version, oldest first)",
		Example: `  revolver map show --db revolver.db --slug btu-sovereign --as analyst@lender.example --kind receivables --history`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if wkind != "" {
				if err := kindFlag(wkind); err != nil {
					return err
				}
			}
			ctx, st, err := wo.open(cmd, "map show")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			var ms []app.ReportMap
			if history {
				ms, err = svc.ReportMapHistory(ctx, wo.slug, wkind)
			} else {
				var all []app.ReportMap
				all, err = svc.ReportMaps(ctx, wo.slug, time.Time{})
				for _, m := range all {
					if wkind == "" || m.Kind == wkind {
						ms = append(ms, m)
					}
				}
			}
			if err != nil {
				return opError(err)
			}
			if ms == nil {
				ms = []app.ReportMap{}
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"maps": ms})
		},
	}
	wo.add(show, false)
	show.Flags().StringVar(&wkind, "kind", "", "only this kind of report")
	show.Flags().BoolVar(&history, "history", false, "every version, not only those in force")

	var po opFlags
	var pf reportMapFlags
	var pkind, file, debtors, asOf, rows string
	preview := &cobra.Command{
		Use:     "preview --slug S --as EMAIL --kind K --file F [--debtors D] [--as-of D] [--rows N] [--columns MAP] [--layout L | --map-file F]",
		Short:   "Preview a report as read with a map (the one given, or the saved one): first rows, rows read, totals, dates outside the period, or every problem; stores nothing",
		Example: `  revolver map preview --db revolver.db --slug btu-sovereign --as cfo@btu.example --kind receivables --file aging.csv --debtors debtors.csv --as-of 2006-11-30`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := kindFlag(pkind); err != nil {
				return err
			}
			m, ok, err := pf.given()
			if err != nil {
				return err
			}
			in := app.PreviewInput{Kind: pkind}
			if ok {
				in.Map = &m
			}
			if file == "" {
				return usageError{errors.New("--file is required: the report (CSV or XLSX)")}
			}
			for _, f := range []struct {
				flag, path string
				dst        *store.InputContent
			}{{"file", file, &in.File}, {"debtors", debtors, &in.Debtors}} {
				if f.path == "" {
					continue
				}
				b, err := os.ReadFile(f.path)
				if err != nil {
					return usageError{fmt.Errorf("--%s: %v", f.flag, err)}
				}
				*f.dst = store.InputContent{Name: filepath.Base(f.path), Content: b}
			}
			if asOf != "" {
				if in.AsOf, err = parseDateFlag("as-of", asOf); err != nil {
					return err
				}
			}
			if rows != "" {
				n, err := strconv.Atoi(rows)
				if err != nil || n < 1 || n > 200 {
					return usageError{fmt.Errorf("--rows %q: expected a number from 1 to 200", rows)}
				}
				in.Rows = n
			}
			ctx, st, err := po.open(cmd, "map preview")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			if in.AsOf != 0 {
				t, err := svc.Terms.(*app.StoredTerms).TermsAsOf(ctx, po.slug, in.AsOf)
				if err != nil {
					return po.refuse(err)
				}
				in.Currency = t.Currency
			}
			pv, err := svc.PreviewReport(ctx, po.slug, in)
			if err != nil {
				return po.refuse(err)
			}
			if err := writeJSON(cmd.OutOrStdout(), pv); err != nil {
				return err
			}
			if pv.ErrorsTotal > 0 {
				return fmt.Errorf("%s: refused (%d problems, each named in the preview)", in.File.Name, pv.ErrorsTotal)
			}
			return nil
		},
	}
	po.add(preview, false)
	preview.Flags().StringVar(&pkind, "kind", "", "the kind of report")
	preview.Flags().StringVar(&file, "file", "", "the report (CSV or XLSX)")
	preview.Flags().StringVar(&debtors, "debtors", "", "for an aging: the customer master its debtor ids are checked against")
	preview.Flags().StringVar(&asOf, "as-of", "", "the date the report is for YYYY-MM-DD: dates after it (and a journal's before the previous certificate) are outside the period")
	preview.Flags().StringVar(&rows, "rows", "", "rows to show (default 10)")
	pf.add(preview)

	c.AddCommand(set, show, preview)
	return c
}

// submissionMapsFile gives a submission's inputs the maps of a JSON file
// (kind → report map), if one is named.
func submissionMapsFile(in *app.CertificateInput, path string) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return usageError{fmt.Errorf("--maps: %v", err)}
	}
	var maps map[string]collateral.ReportMap
	if err := json.Unmarshal(b, &maps); err != nil {
		return usageError{fmt.Errorf("--maps %s: found %v, expected report maps by kind as JSON ({\"receivables\": {\"columns\": {...}, \"layout\": {...}}})", path, err)}
	}
	if err := in.SetMaps(maps); err != nil {
		return usageError{fmt.Errorf("--maps %s: %v", path, err)}
	}
	return nil
}
