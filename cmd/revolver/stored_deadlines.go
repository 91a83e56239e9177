package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"revolver/defaults"
	"revolver/store"
)

func init() { register(facilityDeadlinesCmd) }

// facilityDeadlinesCmd is `revolver deadlines` for a stored facility: the
// stored terms and the facility's fact records instead of files.
func facilityDeadlinesCmd() *cobra.Command {
	var sf storeFlags
	var slug, asOf, format, knownAt string
	var ics bool
	c := &cobra.Command{
		Use:   "facility-deadlines --slug SLUG --as-of D [--as-known-on K] [--format json|table] [--ics]",
		Short: "Deadlines, events of default and remedies of a stored facility on a date, from its fact records",
		Long: `Evaluates a stored facility as the deadlines command does, with the terms
stored with the facility and the facts recorded through the API (notices,
events of default and their lifecycle, insurance policies, UCC filings, other
indebtedness, occurrences, covenant results); the amount owed at the
Termination Date comes from the loan account. The facts are those recorded by
--as-known-on (RFC 3339, a date and time in UTC, a date: the end of its business,
or now; default: the end of business of --as-of
when it is before the business date, else every fact recorded), the one rule
of the API and the pages. --ics writes the deadlines as an iCalendar file
instead.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if slug == "" {
				return usageError{errors.New("--slug is required")}
			}
			d, err := parseDateFlag("as-of", asOf)
			if err != nil {
				return err
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			k, err := svc.FactsKnownAt(cmd.Context(), slug, d, knownAt)
			if store.ErrorCode(err) == store.CodeInvalid {
				return usageError{fmt.Errorf("--as-known-on: %v", err)}
			} else if err != nil {
				return err
			}
			rep, err := svc.DefaultsReportAt(cmd.Context(), slug, d, k)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if ics {
				_, err := out.Write(defaults.ICS(slug, d, rep.Deadlines))
				return err
			}
			if format == "json" {
				return writeJSON(out, rep)
			}
			return reportTable(out, rep)
		},
	}
	sf.add(c)
	c.Flags().StringVar(&slug, "slug", "", "the facility")
	c.Flags().StringVar(&asOf, "as-of", "", "date YYYY-MM-DD")
	c.Flags().StringVar(&knownAt, "as-known-on", "", "the facts as known at: RFC 3339, a date and time in UTC, a date (the end of its business) or now")
	c.Flags().StringVar(&format, "format", "table", "json or table")
	c.Flags().BoolVar(&ics, "ics", false, "write the deadlines as iCalendar (RFC 5545)")
	return c
}
