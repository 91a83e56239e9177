package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"revolver/defaults"
	"revolver/httpapi"
	"revolver/store"
)

func init() { register(defaultsCmd) }

// defaultsCmd reads the events of default of a stored facility: the use
// cases of GET …/events-of-default (app.Service.DefaultsReportAt, and
// app.Service.DefaultsContinuing for what hindsight adds), the same answer.
func defaultsCmd() *cobra.Command {
	var sf storeFlags
	var slug, asOf, knownAt, format string
	c := &cobra.Command{
		Use:   "defaults --slug S [--as-of D] [--known-at T] [--format json|table]",
		Short: "The events of default of a stored facility on a date as known at a time, with their lifecycle and the remedies (the same use case as the API and the pages)",
		Long: `Evaluates the events of default of a stored facility on --as-of (default: the
business date) from its stored terms and fact records, as GET
…/events-of-default answers: which continue and why, each with its lifecycle
(occurred, notice, cure, waiver, acceleration) and the requests to end it
waiting for a second person, and the Bank's remedies exercisable or not yet.

--known-at is an RFC 3339 time, a date and time in UTC, a date (the end of its
business, when the next business date opened) or now: the facts recorded by
then, by the one rule of the API and the pages. Without it a date before the business date is read as known at the end
of its business, the business date and later with every fact recorded; with a
known-at time, continuing_with_hindsight lists those continuing with every
fact recorded.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			st, err := openFacility(cmd, &sf, slug)
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			ctx := cmd.Context()
			d, err := svc.BusinessDate(ctx)
			if err != nil {
				return err
			}
			if asOf != "" {
				if d, err = parseDateFlag("as-of", asOf); err != nil {
					return err
				}
			}
			k, err := svc.FactsKnownAt(ctx, slug, d, knownAt)
			if store.ErrorCode(err) == store.CodeInvalid {
				return usageError{fmt.Errorf("--known-at %q: expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of that business day) or now", knownAt)}
			} else if err != nil {
				return opError(err)
			}
			rep, err := svc.DefaultsReportAt(ctx, slug, d, k)
			if err != nil {
				return opError(err)
			}
			var now []defaults.Default
			if !k.IsZero() {
				if now, err = svc.DefaultsContinuing(ctx, slug, d, time.Time{}); err != nil {
					return opError(err)
				}
			}
			out := httpapi.EventsOfDefaultOf(slug, d, k, rep, now)
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return defaultsTable(cmd.OutOrStdout(), out)
		},
	}
	sf.add(c)
	c.Flags().StringVar(&slug, "slug", "", "the facility")
	c.Flags().StringVar(&asOf, "as-of", "", "the date YYYY-MM-DD (default: the business date)")
	c.Flags().StringVar(&knownAt, "known-at", "", "the facts as known at: RFC 3339, a date (its end, UTC) or now (default: the end of business of a past date, else every fact)")
	c.Flags().StringVar(&format, "format", "json", "output: json or table")
	return c
}

func defaultsTable(w io.Writer, e httpapi.EventsOfDefault) error {
	known := "with every fact recorded"
	if !e.KnownAt.IsZero() {
		known = "as known at " + e.KnownAt.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(w, "Events of default of %s on %s %s: %d continuing\n", e.Facility, e.AsOf, known, len(e.Continuing))
	for _, d := range e.EventsOfDefault {
		cont := "not continuing"
		if d.Continuing {
			cont = "CONTINUING"
		}
		fmt.Fprintf(w, "  %-14s %s  %s [%s] occurred %s, %s\n", cont, d.ID, d.Clause, d.Label, d.Occurred, d.Status)
		fmt.Fprintf(w, "      %s\n", d.Detail)
		if d.Why != "" {
			fmt.Fprintf(w, "      why: %s\n", d.Why)
		}
		for _, p := range d.Pending {
			fmt.Fprintf(w, "      waiting for a second person: %s %s requested by %s\n", p.Kind, p.ID, p.RequestedBy)
		}
	}
	if !e.KnownAt.IsZero() {
		var added []string
		for _, id := range e.ContinuingWithHindsight {
			if !slices.Contains(e.Continuing, id) {
				added = append(added, id)
			}
		}
		if len(added) > 0 {
			fmt.Fprintf(w, "  with hindsight (every fact recorded) also continuing: %s\n", strings.Join(added, ", "))
		}
	}
	fmt.Fprintf(w, "\nRemedies of the Bank on %s\n", e.AsOf)
	for _, m := range e.Remedies {
		mark := "not yet"
		if m.Exercisable {
			mark = "EXERCISABLE"
		}
		fmt.Fprintf(w, "  %-11s %-18s %s (%s)\n", mark, m.ID, m.Label, shortCite(m.Cite))
		for _, y := range m.Missing {
			fmt.Fprintf(w, "      - missing: %s\n", y)
		}
	}
	for _, p := range e.Problems {
		fmt.Fprintf(w, "  problem: %s: %s\n", p.Ref, p.Message)
	}
	return nil
}
