package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"revolver/httpapi"
	"revolver/store"
)

func init() { register(availabilityCmd) }

func availabilityCmd() *cobra.Command {
	var sf storeFlags
	var slug, asOf, knownAt, format string
	c := &cobra.Command{
		Use:   "availability --slug S [--as-of D] [--known-at T] [--format json|table]",
		Short: "A facility's availability on a date as known at a time, with its terms, why advances are blocked and the overadvance (the same use case as the API and the pages)",
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
			// The one known-at rule of every surface (app.ResolveKnownAt);
			// absent, Availability applies the default rule itself.
			var k time.Time
			if knownAt != "" {
				r, err := svc.ResolveKnownAt(cmd.Context(), slug, d, knownAt)
				if store.ErrorCode(err) == store.CodeInvalid {
					return usageError{fmt.Errorf("--known-at %q: expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of its business) or now", knownAt)}
				}
				if err != nil {
					return opError(err)
				}
				k = r.Read()
			}
			av, err := svc.Availability(cmd.Context(), slug, d, k)
			if err != nil {
				return opError(err)
			}
			a := httpapi.AvailabilityOf(av)
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), a)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Availability of %s on %s as known at %s\n", slug, a.AsOf, a.KnownAt.Format(time.RFC3339))
			fmt.Fprintf(w, "  %-20s %18s\n", "Commitment", a.Commitment.Grouped())
			if a.AdvanceCap != nil {
				fmt.Fprintf(w, "  %-20s %18s\n", "Advance cap", a.AdvanceCap.Grouped())
			}
			fmt.Fprintf(w, "  %-20s %18s\n", "Borrowing base", a.BorrowingBase.Grouped())
			fmt.Fprintf(w, "  %-20s %18s\n", "Letters of credit", a.LettersOfCredit.Grouped())
			fmt.Fprintf(w, "  %-20s %18s\n", "Loans outstanding", a.LoansOutstanding.Grouped())
			if a.Availability == nil {
				fmt.Fprintf(w, "  %-20s %18s\n", "Availability", "undetermined")
			} else {
				fmt.Fprintf(w, "  %-20s %18s\n", "Availability", a.Availability.Grouped())
			}
			fmt.Fprintf(w, "  %-20s %18s  (lowest on %s)\n", "An advance may take", a.AvailableToAdvance.Grouped(), a.LowestOn)
			for _, r := range a.AdvancesBlocked {
				fmt.Fprintf(w, "  advances blocked: %s\n", r.Message)
			}
			if o := a.Overadvance; o != nil {
				fmt.Fprintf(w, "  overadvance of %s since %s: %s\n", o.Amount.Grouped(), o.Since, o.Detail)
			}
			if h := a.Hindsight; h != nil {
				fmt.Fprintf(w, "  as known now: %s\n", strings.Join(h.Why, "; "))
			}
			return nil
		},
	}
	sf.add(c)
	c.Flags().StringVar(&slug, "slug", "", "the facility")
	c.Flags().StringVar(&asOf, "as-of", "", "the date YYYY-MM-DD (default: the business date)")
	c.Flags().StringVar(&knownAt, "known-at", "", "as known at: RFC 3339, a date (the end of its business) or now (default: the end of business of a past date, else now)")
	c.Flags().StringVar(&format, "format", "json", "output: json or table")
	return c
}
