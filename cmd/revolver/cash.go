package main

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/date"
	"revolver/store"
)

func init() {
	register(cashCmd)
}

// cashFlags adds --facility (the same as --slug) to a cash command.
func cashFlags(o *opFlags, c *cobra.Command) {
	o.add(c, false)
	c.Flags().StringVar(&o.slug, "facility", "", "the facility (the same as --slug)")
}

// cashCmd: the bank's BAI2 files and their cash application
// (docs/cash.md): import, list, show, reconcile.
func cashCmd() *cobra.Command {
	c := &cobra.Command{Use: "cash", Short: "Cash: import the bank's BAI2 files and apply their cash; list, show and reconcile them"}

	var io opFlags
	var bai string
	var bank bool
	imp := &cobra.Command{
		Use:   "import (--facility S | --bank) --as EMAIL --bai FILE",
		Short: "Import a BAI2 file: verified whole, mapped by the terms' type codes, imported once; swept deposits credited to the loans after clearance (--bank: the bank's file for every facility, routed by the terms' cash accounts)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if bai == "" {
				return usageError{errors.New("--bai FILE is required: the BAI2 file imported")}
			}
			if bank && io.slug != "" {
				return usageError{errors.New("--bank imports the bank's file for every facility its accounts route to: give no --facility")}
			}
			b, err := os.ReadFile(bai)
			if err != nil {
				return usageError{err}
			}
			io.global = bank
			ctx, st, err := io.open(cmd, "cash import")
			if err != nil {
				return err
			}
			defer st.Close()
			if bank {
				r, err := service(st).ImportBankCash(ctx, filepath.Base(bai), b)
				if err != nil {
					return io.refuse(err)
				}
				return writeJSON(cmd.OutOrStdout(), r)
			}
			r, err := service(st).ImportCash(ctx, io.slug, filepath.Base(bai), b)
			if err != nil {
				return io.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), r)
		},
	}
	cashFlags(&io, imp)
	imp.Flags().StringVar(&bai, "bai", "", "the BAI2 file")
	imp.Flags().BoolVar(&bank, "bank", false, "the bank's file for all its customers' accounts: each account routed to the facility whose terms name it (docs/cash.md)")

	knownAtOf := func(o *opFlags, cmd *cobra.Command, svc *app.Service, knownAt string) (time.Time, error) {
		if knownAt == "" {
			return time.Time{}, nil
		}
		r, err := svc.ResolveKnownAt(cmd.Context(), o.slug, date.Date(0), knownAt)
		if store.ErrorCode(err) == store.CodeInvalid {
			return time.Time{}, usageError{errors.New("--known-at " + knownAt + ": expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of its business) or now")}
		}
		if err != nil {
			return time.Time{}, opError(err)
		}
		return r.Read(), nil
	}

	var lo opFlags
	var lknown string
	list := &cobra.Command{
		Use:   "list --facility S --as EMAIL [--known-at T]",
		Short: "The facility's imported BAI2 files as known at a time",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, st, err := lo.open(cmd, "cash list")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			k, err := knownAtOf(&lo, cmd, svc, lknown)
			if err != nil {
				return err
			}
			fs, err := svc.CashFiles(ctx, lo.slug, k)
			if err != nil {
				return opError(err)
			}
			if fs == nil {
				fs = []store.CashFile{}
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"files": fs})
		},
	}
	cashFlags(&lo, list)
	list.Flags().StringVar(&lknown, "known-at", "", "as known at: RFC 3339, a date (the end of its business) or now (default: now)")

	var so opFlags
	var sid int64
	var sknown string
	show := &cobra.Command{
		Use:   "show --facility S --as EMAIL --id N [--known-at T]",
		Short: "An imported file's deposits and items with their application, each explained",
		RunE: func(cmd *cobra.Command, args []string) error {
			if sid == 0 {
				return usageError{errors.New("--id is required: the cash file shown")}
			}
			ctx, st, err := so.open(cmd, "cash show")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			k, err := knownAtOf(&so, cmd, svc, sknown)
			if err != nil {
				return err
			}
			v, err := svc.CashFile(ctx, so.slug, sid, k)
			if err != nil {
				return opError(err)
			}
			return writeJSON(cmd.OutOrStdout(), v)
		},
	}
	cashFlags(&so, show)
	show.Flags().Int64Var(&sid, "id", 0, "the cash file's id")
	show.Flags().StringVar(&sknown, "known-at", "", "as known at (default: now)")

	var ro opFlags
	var cert int64
	var rknown string
	rec := &cobra.Command{
		Use:   "reconcile --facility S --as EMAIL --certificate N [--known-at T]",
		Short: "The bank's deposits against the collections journal of a certificate, per day and per batch, with the differences",
		RunE: func(cmd *cobra.Command, args []string) error {
			if cert == 0 {
				return usageError{errors.New("--certificate is required: the certificate whose collections journal is reconciled")}
			}
			ctx, st, err := ro.open(cmd, "cash reconcile")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			k, err := knownAtOf(&ro, cmd, svc, rknown)
			if err != nil {
				return err
			}
			r, err := svc.ReconcileCash(ctx, ro.slug, cert, k)
			if err != nil {
				return opError(err)
			}
			return writeJSON(cmd.OutOrStdout(), r)
		},
	}
	cashFlags(&ro, rec)
	rec.Flags().Int64Var(&cert, "certificate", 0, "the certificate's id")
	rec.Flags().StringVar(&rknown, "known-at", "", "as known at (default: now)")
	c.AddCommand(imp, list, show, rec)
	return c
}
