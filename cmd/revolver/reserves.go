package main

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/date"
	"revolver/store"
)

func init() {
	register(reserveCmd)
}

// reserveCmd: a facility's lender reserves (docs/reserves.md): set by one
// lender with a reason, in force once a second approves, released by a new
// record.
func reserveCmd() *cobra.Command {
	c := &cobra.Command{Use: "reserve", Short: "Lender reserves: set (pending a second lender's approval), approve, release, list"}

	var so opFlags
	var in app.ReserveInput
	var amount, from, until string
	set := &cobra.Command{
		Use:   "set --slug S --as EMAIL --id ID --amount A --from D [--until D] [--kind fixed|availability_block] [--placement component|borrowing_base|line] [--component C] --reason TEXT",
		Short: "Set a lender reserve: pending until a second lender approves it",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := amountFlag("amount", amount)
			if err != nil {
				return err
			}
			if in.From, err = parseDateFlag("from", from); err != nil {
				return err
			}
			if until != "" {
				if in.Until, err = parseDateFlag("until", until); err != nil {
					return err
				}
			}
			ctx, st, err := so.open(cmd, "reserve set")
			if err != nil {
				return err
			}
			defer st.Close()
			in.Amount, in.By = a, so.as
			r, err := service(st).SetReserve(ctx, so.slug, in)
			if err != nil {
				return so.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), r)
		},
	}
	so.add(set, false)
	set.Flags().StringVar(&in.ID, "id", "", "the reserve's id (lower-case letters, digits, - and _)")
	set.Flags().StringVar(&in.Kind, "kind", "fixed", "fixed or availability_block")
	set.Flags().StringVar(&in.Placement, "placement", "", "component, borrowing_base or line (an availability block's default)")
	set.Flags().StringVar(&in.Component, "component", "", "the component, for placement component")
	set.Flags().StringVar(&amount, "amount", "", "the amount, e.g. 250000.00")
	set.Flags().StringVar(&from, "from", "", "the first day in force YYYY-MM-DD")
	set.Flags().StringVar(&until, "until", "", "the last day in force YYYY-MM-DD (default: open)")
	set.Flags().StringVar(&in.Reason, "reason", "", "why the reserve is set (required)")

	var ao opFlags
	var aid string
	approve := &cobra.Command{
		Use:   "approve --slug S --as EMAIL --id ID",
		Short: "Approve a pending lender reserve (not by the lender who set it)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if aid == "" {
				return usageError{errors.New("--id is required: the reserve approved")}
			}
			ctx, st, err := ao.open(cmd, "reserve approve")
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := service(st).ApproveReserve(ctx, ao.slug, aid, ao.as)
			if err != nil {
				return ao.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), r)
		},
	}
	ao.add(approve, false)
	approve.Flags().StringVar(&aid, "id", "", "the reserve's id")

	var ro opFlags
	var rid, runtil, reason string
	release := &cobra.Command{
		Use:   "release --slug S --as EMAIL --id ID --until D --reason TEXT",
		Short: "Release a lender reserve: a new record ending it after the day --until",
		RunE: func(cmd *cobra.Command, args []string) error {
			if rid == "" {
				return usageError{errors.New("--id is required: the reserve released")}
			}
			u, err := parseDateFlag("until", runtil)
			if err != nil {
				return err
			}
			ctx, st, err := ro.open(cmd, "reserve release")
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := service(st).ReleaseReserve(ctx, ro.slug, rid, u, reason, ro.as)
			if err != nil {
				return ro.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), r)
		},
	}
	ro.add(release, false)
	release.Flags().StringVar(&rid, "id", "", "the reserve's id")
	release.Flags().StringVar(&runtil, "until", "", "the last day it is in force YYYY-MM-DD")
	release.Flags().StringVar(&reason, "reason", "", "why it is released (required)")

	var lo opFlags
	var on, knownAt string
	list := &cobra.Command{
		Use:   "list --slug S --as EMAIL [--on D] [--known-at T]",
		Short: "The facility's lender reserves as known at a time; with --on, only those in force on that date",
		RunE: func(cmd *cobra.Command, args []string) error {
			var d date.Date
			var err error
			if on != "" {
				if d, err = parseDateFlag("on", on); err != nil {
					return err
				}
			}
			ctx, st, err := lo.open(cmd, "reserve list")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			var k time.Time
			if knownAt != "" {
				r, err := svc.ResolveKnownAt(ctx, lo.slug, d, knownAt)
				if store.ErrorCode(err) == store.CodeInvalid {
					return usageError{errors.New("--known-at " + knownAt + ": expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of its business) or now")}
				}
				if err != nil {
					return opError(err)
				}
				k = r.Read()
			}
			rs, err := svc.Reserves(ctx, lo.slug, d, k)
			if err != nil {
				return opError(err)
			}
			if rs == nil {
				rs = []app.LenderReserve{}
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"reserves": rs})
		},
	}
	lo.add(list, false)
	list.Flags().StringVar(&on, "on", "", "only the reserves in force on this date YYYY-MM-DD")
	list.Flags().StringVar(&knownAt, "known-at", "", "as known at: RFC 3339, a date (the end of its business) or now (default: now)")
	c.AddCommand(set, approve, release, list)
	return c
}
