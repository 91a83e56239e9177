package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/store"
)

func init() { register(trendsCmd) }

func trendsCmd() *cobra.Command {
	var sf storeFlags
	var slug, knownAt, format, table string
	var top int
	c := &cobra.Command{
		Use:   "trends --slug S [--known-at T] [--top N] [--format json|table|csv] [--table collateral|ineligible|aging|concentration]",
		Short: "A facility's collateral over time, one point per certificate in force as known at a time (the same use case as the API and the trends page; docs/trends.md)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if slug == "" {
				return usageError{errors.New("--slug (or --facility) is required")}
			}
			if format != "json" && format != "table" && format != "csv" {
				return usageError{fmt.Errorf("--format %q: expected json, table or csv", format)}
			}
			if top < 1 || top > app.MaxTopDebtors {
				return usageError{fmt.Errorf("--top %d: expected 1 to %d", top, app.MaxTopDebtors)}
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			k := store.Everything
			if knownAt != "" {
				r, err := svc.ResolveKnownAt(cmd.Context(), slug, 0, knownAt)
				if store.ErrorCode(err) == store.CodeInvalid {
					return usageError{fmt.Errorf("--known-at %q: expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of its business) or now", knownAt)}
				}
				if err != nil {
					return opError(err)
				}
				k = r.Read()
			}
			t, err := svc.Trends(cmd.Context(), slug, k, top)
			if err != nil {
				return opError(err)
			}
			w := cmd.OutOrStdout()
			if format == "json" {
				return writeJSON(w, struct {
					app.Trends
					Tables []app.TrendTable `json:"tables"`
				}{t, t.Tables()})
			}
			ids := app.TrendTableIDs
			if table != "" {
				if _, ok := t.Table(table); !ok {
					return usageError{fmt.Errorf("--table %q: expected one of %s", table, strings.Join(app.TrendTableIDs, ", "))}
				}
				ids = []string{table}
			}
			if format == "csv" {
				if len(ids) > 1 {
					ids = ids[:1]
				}
				tb, _ := t.Table(ids[0])
				_, err := w.Write(tb.CSV())
				return err
			}
			fmt.Fprintf(w, "Trends of %s as known at %s: %d certificates\n", slug, t.KnownAt.UTC().Format(time.RFC3339), len(t.Points))
			for _, id := range ids {
				tb, _ := t.Table(id)
				fmt.Fprintf(w, "\n%s\n", tb.Caption)
				widths := make([]int, len(tb.Columns))
				for i, c := range tb.Columns {
					widths[i] = len([]rune(c))
				}
				text := func(c app.TrendCell) string {
					if c.Amount != nil {
						return c.Amount.Grouped()
					}
					return c.Text
				}
				for _, r := range tb.Rows {
					for i, c := range r {
						widths[i] = max(widths[i], len([]rune(text(c))))
					}
				}
				line := func(cells []string) {
					for i, c := range cells {
						fmt.Fprintf(w, "  %*s", widths[i], c)
					}
					fmt.Fprintln(w)
				}
				line(tb.Columns)
				for _, r := range tb.Rows {
					cells := make([]string, len(r))
					for i, c := range r {
						cells[i] = text(c)
					}
					line(cells)
				}
			}
			return nil
		},
	}
	sf.add(c)
	c.Flags().StringVar(&slug, "slug", "", "the facility")
	c.Flags().StringVar(&slug, "facility", "", "the facility (the same as --slug)")
	c.Flags().StringVar(&knownAt, "known-at", "", "as known at this time: RFC 3339, YYYY-MM-DDTHH:MM (UTC), a date (the end of its business) or now (default)")
	c.Flags().IntVar(&top, "top", app.DefaultTopDebtors, "how many debtors to rank")
	c.Flags().StringVar(&format, "format", "table", "json, table or csv (csv: one table, --table)")
	c.Flags().StringVar(&table, "table", "", "the table to print (csv: default collateral; table: default all)")
	return c
}
