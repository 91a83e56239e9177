package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

func init() { register(availabilityCmd) }

func availabilityCmd() *cobra.Command {
	var sf storeFlags
	var slug, asOf, format string
	c := &cobra.Command{
		Use:   "availability --slug S [--as-of D] [--format json|table]",
		Short: "A facility's availability on a date, from the stored certificates and loan account (the same use case as the API and the pages)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if slug == "" {
				return usageError{errors.New("--slug is required")}
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			d, err := svc.BusinessDate(cmd.Context())
			if err != nil {
				return err
			}
			if asOf != "" {
				if d, err = parseDateFlag("as-of", asOf); err != nil {
					return err
				}
			}
			a, err := svc.AvailabilityOn(cmd.Context(), slug, d)
			if err != nil {
				return opError(err)
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), a)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Availability of %s on %s\n", slug, a.AsOf)
			fmt.Fprintf(w, "  %-20s %18s\n", "Commitment", a.Commitment.Grouped())
			if a.AdvanceCap != nil {
				fmt.Fprintf(w, "  %-20s %18s\n", "Advance cap", a.AdvanceCap.Grouped())
			}
			fmt.Fprintf(w, "  %-20s %18s\n", "Borrowing base", a.BorrowingBase.Grouped())
			fmt.Fprintf(w, "  %-20s %18s\n", "Letters of credit", a.LettersOfCredit.Grouped())
			fmt.Fprintf(w, "  %-20s %18s\n", "Loans outstanding", a.LoansOutstanding.Grouped())
			fmt.Fprintf(w, "  %-20s %18s\n", "Availability", a.Availability.Grouped())
			return nil
		},
	}
	sf.add(c)
	c.Flags().StringVar(&slug, "slug", "", "the facility")
	c.Flags().StringVar(&asOf, "as-of", "", "the date YYYY-MM-DD (default: the business date)")
	c.Flags().StringVar(&format, "format", "json", "output: json or table")
	return c
}
