package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/store"
)

func init() { register(dominionCmd) }

// dominionCmd: the facility's trigger periods (springing cash dominion,
// springing covenants), listed as known at a time or evaluated over a
// range without close of business.
func dominionCmd() *cobra.Command {
	c := &cobra.Command{Use: "dominion", Short: "Springing cash dominion and covenants: the trigger periods close of business records (list), or evaluate them over a range (evaluate)"}

	var sf storeFlags
	var slug, knownAt, format string
	list := &cobra.Command{
		Use:   "list --facility S [--known-at T] [--format json|table]",
		Short: "The facility's Cash Dominion Periods and Covenant Trigger Periods as known at a time, with why each started and ended",
		RunE: func(cmd *cobra.Command, args []string) error {
			if slug == "" {
				return usageError{errors.New("--facility is required")}
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
			var k time.Time
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
			ps, err := svc.DominionPeriods(cmd.Context(), slug, k)
			if err != nil {
				return opError(err)
			}
			if ps == nil {
				ps = []app.DominionPeriod{}
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"facility": slug, "periods": ps})
			}
			w := cmd.OutOrStdout()
			if len(ps) == 0 {
				fmt.Fprintf(w, "No trigger period of %s.\n", slug)
				return nil
			}
			for _, p := range ps {
				end := "continuing"
				if p.End != nil {
					end = p.End.String()
				}
				fmt.Fprintf(w, "%-40s %s .. %s\n  started: %s\n", p.Trigger, p.Start, end, p.Reason)
				if p.EndReason != "" {
					fmt.Fprintf(w, "  ended:   %s\n", p.EndReason)
				}
			}
			return nil
		},
	}
	sf.add(list)
	list.Flags().StringVar(&slug, "facility", "", "the facility")
	list.Flags().StringVar(&knownAt, "known-at", "", "as known at: RFC 3339, a date (the end of its business) or now (default: every record)")
	list.Flags().StringVar(&format, "format", "json", "output: json or table")

	var esf storeFlags
	var eslug, from, through string
	evaluate := &cobra.Command{
		Use:   "evaluate --facility S --from D --through D",
		Short: "Evaluate the facility's springing triggers on each Business Day from --from (or after the last evaluated) through --through, and record the states and periods (a history or backfill without close of business)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if eslug == "" {
				return usageError{errors.New("--facility is required")}
			}
			f, err := parseDateFlag("from", from)
			if err != nil {
				return err
			}
			t, err := parseDateFlag("through", through)
			if err != nil {
				return err
			}
			st, _, err := esf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := service(st).EvaluateTriggers(cmd.Context(), eslug, f, t)
			if err != nil {
				return opError(err)
			}
			if res.Periods == nil {
				res.Periods = []app.DominionPeriod{}
			}
			return writeJSON(cmd.OutOrStdout(), res)
		},
	}
	esf.add(evaluate)
	evaluate.Flags().StringVar(&eslug, "facility", "", "the facility")
	evaluate.Flags().StringVar(&from, "from", "", "the first day YYYY-MM-DD (for a trigger not yet evaluated)")
	evaluate.Flags().StringVar(&through, "through", "", "the last day YYYY-MM-DD")
	var msf storeFlags
	var mslug, mknown string
	minimum := &cobra.Command{
		Use:   "minimum --facility S [--known-at T]",
		Short: "The minimum excess availability covenant as tested every Business Day: the days tested and each failure with why",
		RunE: func(cmd *cobra.Command, args []string) error {
			if mslug == "" {
				return usageError{errors.New("--facility is required")}
			}
			st, _, err := msf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			var k time.Time
			if mknown != "" {
				r, err := svc.ResolveKnownAt(cmd.Context(), mslug, 0, mknown)
				if store.ErrorCode(err) == store.CodeInvalid {
					return usageError{fmt.Errorf("--known-at %q: expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of its business) or now", mknown)}
				}
				if err != nil {
					return opError(err)
				}
				k = r.Read()
			}
			res, err := svc.AvailabilityCovenant(cmd.Context(), mslug, k)
			if err != nil {
				return opError(err)
			}
			return writeJSON(cmd.OutOrStdout(), res)
		},
	}
	msf.add(minimum)
	minimum.Flags().StringVar(&mslug, "facility", "", "the facility")
	minimum.Flags().StringVar(&mknown, "known-at", "", "as known at: RFC 3339, a date (the end of its business) or now (default: every record)")
	c.AddCommand(list, evaluate, minimum)
	return c
}
