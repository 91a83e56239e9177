package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"revolver/ledger"
	"revolver/money"
)

func init() { register(rateCmd) }

// rateCmd enters, imports and lists base-rate values, as the API's
// /api/v1/rates routes.
func rateCmd() *cobra.Command {
	c := &cobra.Command{Use: "rate", Short: "Base-rate series (prime, LIBOR, Term SOFR, SOFR, Federal Funds): record a value, import a CSV, list"}
	var series, source, file, column, effective, rate string

	rec := &cobra.Command{
		Use:   "record --series S --effective D --rate 4.00% --source TEXT --as EMAIL",
		Short: "Record one value of a series (in force from its effective date), with where it was taken from",
	}
	ro := opFlags{global: true}
	ro.add(rec, false)
	rec.RunE = func(cmd *cobra.Command, args []string) error {
		if series == "" {
			return usageError{errors.New("--series is required (" + seriesList() + ")")}
		}
		eff, err := parseDateFlag("effective", effective)
		if err != nil {
			return err
		}
		r, err := money.ParseRate(rate)
		if err != nil || rate == "" {
			return usageError{fmt.Errorf("--rate %q: expected a percentage such as 4.00%% or a decimal such as 0.04", rate)}
		}
		if source == "" {
			return usageError{errors.New("--source is required: where the value was taken from")}
		}
		ctx, st, err := ro.open(cmd, "rate record")
		if err != nil {
			return err
		}
		defer st.Close()
		p := ledger.RatePoint{Effective: eff, Value: r, Source: source}
		if err := service(st).RecordRate(ctx, series, p); err != nil {
			return ro.refuse(err)
		}
		return writeJSON(cmd.OutOrStdout(), map[string]any{"series": series, "effective": eff, "value": r, "source": source})
	}
	rec.Flags().StringVar(&series, "series", "", "the series ("+seriesList()+")")
	rec.Flags().StringVar(&effective, "effective", "", "the date the value is in force from (YYYY-MM-DD)")
	rec.Flags().StringVar(&rate, "rate", "", "the annual rate: 4.00% or 0.04")
	rec.Flags().StringVar(&source, "source", "", "where the value was taken from (e.g. \"Federal Reserve H.15\")")

	imp := &cobra.Command{
		Use:   "import --series S --file F.csv --source TEXT --as EMAIL [--column C]",
		Short: "Import a series' values from a CSV as central banks publish them (a date column, a value column in percent, blank or \".\" on days without a value); all or none",
	}
	im := opFlags{global: true}
	im.add(imp, false)
	imp.RunE = func(cmd *cobra.Command, args []string) error {
		if series == "" {
			return usageError{errors.New("--series is required (" + seriesList() + ")")}
		}
		if file == "" {
			return usageError{errors.New("--file is required (CSV: a date column and a value column, e.g. FRED's DPRIME.csv)")}
		}
		if source == "" {
			return usageError{errors.New("--source is required: where the values were taken from")}
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return usageError{err}
		}
		name := filepath.Base(file)
		rows, err := ledger.ReadRates(name, b, column)
		if err != nil {
			return usageError{err}
		}
		ctx, st, err := im.open(cmd, "rate import")
		if err != nil {
			return err
		}
		defer st.Close()
		out, err := service(st).ImportRates(ctx, series, name, source, rows)
		if err != nil {
			return im.refuse(err)
		}
		return writeJSON(cmd.OutOrStdout(), out)
	}
	imp.Flags().StringVar(&series, "series", "", "the series ("+seriesList()+")")
	imp.Flags().StringVar(&file, "file", "", "the CSV file")
	imp.Flags().StringVar(&source, "source", "", "where the values were taken from (e.g. \"Federal Reserve H.15 via FRED, DPRIME\")")
	imp.Flags().StringVar(&column, "column", "", "the value column's name, when the file has more than a date and a value column")

	var sf storeFlags
	list := &cobra.Command{
		Use:   "list [--series S]",
		Short: "The series and their latest values, or one series' values with their sources",
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			if series == "" {
				all, err := svc.RateSeriesList(cmd.Context())
				if err != nil {
					return err
				}
				return writeJSON(cmd.OutOrStdout(), map[string]any{"series": all})
			}
			vals, err := svc.RateValues(cmd.Context(), series)
			if err != nil {
				return opError(err)
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"series": series, "values": vals})
		},
	}
	sf.add(list)
	list.Flags().StringVar(&series, "series", "", "one series")
	c.AddCommand(rec, imp, list)
	return c
}

func seriesList() string {
	s := ""
	for i, n := range ledger.SeriesNames() {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
