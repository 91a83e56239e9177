package main

import (
	"errors"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/defaults"
)

func init() { register(occurrenceCmd) }

// occurrenceCmd records that something the terms wait for happened
// (app.RecordOccurrence): a fee paid, a report or closing document
// delivered, the borrower's costs paid, an event a schedule obligation
// names.
func occurrenceCmd() *cobra.Command {
	var o opFlags
	var kind, ref, on, period, note string
	c := &cobra.Command{
		Use:   "occurrence --slug S --as EMAIL --kind K --ref R --date D [--for PERIOD-END] [--note N] [--key K]",
		Short: "Record that something the terms wait for happened: a fee paid, a report or closing document delivered, costs paid",
		Long: `Records an occurrence of a stored facility, as the same use case as the API does
(POST /api/v1/facilities/{slug}/occurrences): --kind is one the terms know
(fee_paid with --ref the fee's id; report_delivered with --ref the report's id
and --for the period's end; delivered with --ref a closing item; costs_paid; or
an event a schedule obligation names), on --date (YYYY-MM-DD). The deadlines
and events of default read it from then on. A kind or ref the terms do not
know is refused and nothing is stored.`,
		Example: `  revolver occurrence --db revolver.db --slug btu-sovereign --as officer@lender.example --kind fee_paid --ref transaction_fee --date 2004-01-28 --note "paid by wire at closing"`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if kind == "" || on == "" {
				return usageError{errors.New("--kind and --date are required")}
			}
			d, err := parseDateFlag("date", on)
			if err != nil {
				return err
			}
			e := defaults.Event{Kind: kind, Ref: ref, Date: d, Note: note}
			if period != "" {
				if e.For, err = parseDateFlag("for", period); err != nil {
					return err
				}
			}
			ctx, st, err := o.open(cmd, "occurrence")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			rec, err := svc.RecordOccurrence(ctx, app.FactInput{Facility: o.slug, Key: o.key, By: o.as}, e)
			if err != nil {
				return o.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), rec)
		},
	}
	o.add(c, true)
	c.Flags().StringVar(&kind, "kind", "", "fee_paid, report_delivered, delivered, costs_paid or an event a schedule obligation names")
	c.Flags().StringVar(&ref, "ref", "", "what it concerns: the fee's, the report's or the closing item's id")
	c.Flags().StringVar(&on, "date", "", "the day it happened, YYYY-MM-DD")
	c.Flags().StringVar(&period, "for", "", "report_delivered: the end of the period the report covers")
	c.Flags().StringVar(&note, "note", "", "a note kept with the record")
	return c
}
