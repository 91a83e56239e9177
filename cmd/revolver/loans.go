package main

import (
	"errors"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/store"
)

func init() {
	register(loanCmd)
}

// loanCmd: the borrower's notices continuing or converting a term-rate
// loan at the end of its interest period, and the interest per loan.
func loanCmd() *cobra.Command {
	c := &cobra.Command{Use: "loan", Short: "Loans: continue or convert a term-rate loan at the end of its interest period, list the notices, the interest per loan"}
	for _, kind := range []string{store.LoanContinue, store.LoanConvert} {
		var o opFlags
		var loan int64
		var option, period string
		use := "continue --slug S --as EMAIL --loan N --interest-period P [--key K]"
		short := "Continue a term-rate loan (N: the advance request that funded it) in its option for a new interest period from the end of its current one; without a notice it is converted to the first option that is not a term rate"
		if kind == store.LoanConvert {
			use = "convert --slug S --as EMAIL --loan N --option O [--interest-period P] [--key K]"
			short = "Convert a term-rate loan to another pricing option from the end of its current interest period (with an interest period for a term rate)"
		}
		d := &cobra.Command{
			Use:   use,
			Short: short,
			RunE: func(cmd *cobra.Command, args []string) error {
				if loan <= 0 {
					return usageError{errors.New("--loan is required: the number of the loan (the id of the advance request that funded it)")}
				}
				if kind == store.LoanConvert && option == "" {
					return usageError{errors.New("--option is required: the pricing option the loan is converted to")}
				}
				if kind == store.LoanContinue && period == "" {
					return usageError{errors.New("--interest-period is required: the new interest period, e.g. 1m or 3m")}
				}
				ctx, st, err := o.open(cmd, "loan "+kind)
				if err != nil {
					return err
				}
				defer st.Close()
				r, err := service(st).GiveLoanNotice(ctx, app.LoanNoticeInput{Facility: o.slug, Key: o.key, Loan: loan, Kind: kind,
					Option: option, InterestPeriod: period, By: o.as})
				if err != nil {
					return o.refuse(err)
				}
				return writeJSON(cmd.OutOrStdout(), r)
			},
		}
		o.add(d, true)
		d.Flags().Int64Var(&loan, "loan", 0, "the loan: the id of the advance request that funded it")
		d.Flags().StringVar(&period, "interest-period", "", "the new interest period of a term rate, e.g. 1m or 3m")
		if kind == store.LoanConvert {
			d.Flags().StringVar(&option, "option", "", "the pricing option converted to, e.g. prime")
		}
		c.AddCommand(d)
	}
	var o opFlags
	list := &cobra.Command{
		Use:   "notices --slug S --as EMAIL",
		Short: "The facility's loan notices, oldest first",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, st, err := o.open(cmd, "loan notices")
			if err != nil {
				return err
			}
			defer st.Close()
			ns, err := service(st).LoanNotices(ctx, o.slug)
			if err != nil {
				return opError(err)
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"notices": ns})
		},
	}
	o.add(list, false)
	var io opFlags
	var from, to string
	interest := &cobra.Command{
		Use:   "interest --slug S --as EMAIL --from D --to D",
		Short: "The interest accrued from one value date to another by rate period and per loan and rate period, each explained (rate = series value on the day read + margin, floor, day count)",
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseDateFlag("from", from)
			if err != nil {
				return err
			}
			t, err := parseDateFlag("to", to)
			if err != nil {
				return err
			}
			ctx, st, err := io.open(cmd, "loan interest")
			if err != nil {
				return err
			}
			defer st.Close()
			rep, err := service(st).InterestByRatePeriod(ctx, io.slug, f, t)
			if err != nil {
				return opError(err)
			}
			return writeJSON(cmd.OutOrStdout(), rep)
		},
	}
	io.add(interest, false)
	interest.Flags().StringVar(&from, "from", "", "the first value date YYYY-MM-DD")
	interest.Flags().StringVar(&to, "to", "", "the last value date YYYY-MM-DD")
	c.AddCommand(list, interest)
	return c
}
