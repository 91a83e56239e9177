package main

import (
	"errors"

	"github.com/spf13/cobra"

	"revolver/app"
)

func init() {
	register(lcCmd)
}

// lcCmd: a facility's letters of credit (docs/letters-of-credit.md),
// recorded by a lender through the use case the API and the pages call
// (app.Service.LetterOfCredit).
func lcCmd() *cobra.Command {
	c := &cobra.Command{Use: "lc", Short: "Letters of credit: issue, draw, reimburse, expire, list"}
	action := func(act, use, short string) *cobra.Command {
		var o opFlags
		var in app.LetterOfCreditInput
		var amount, vd, expiry string
		cmd := &cobra.Command{
			Use:   use,
			Short: short,
			RunE: func(cmd *cobra.Command, args []string) error {
				if in.ID == "" {
					return usageError{errors.New("--id is required: the letter's number")}
				}
				var err error
				if amount != "" || act != app.LCExpire {
					if in.Amount, err = amountFlag("amount", amount); err != nil {
						return err
					}
				}
				if in.ValueDate, err = parseDateFlag("value-date", vd); err != nil {
					return err
				}
				if act == app.LCIssue {
					if in.Expiry, err = parseDateFlag("expiry", expiry); err != nil {
						return err
					}
				}
				ctx, st, err := o.open(cmd, "lc "+act)
				if err != nil {
					return err
				}
				defer st.Close()
				in.Facility, in.Action, in.Key = o.slug, act, o.key
				r, err := service(st).LetterOfCredit(ctx, in)
				if err != nil {
					return o.refuse(err)
				}
				return writeJSON(cmd.OutOrStdout(), r)
			},
		}
		o.add(cmd, act != app.LCIssue)
		cmd.Flags().StringVar(&in.ID, "id", "", "the letter's number")
		cmd.Flags().StringVar(&vd, "value-date", "", "the value date YYYY-MM-DD")
		cmd.Flags().StringVar(&in.Memo, "memo", "", "a note kept with the transaction")
		switch act {
		case app.LCIssue:
			cmd.Flags().StringVar(&amount, "amount", "", "the face, e.g. 250000.00")
			cmd.Flags().StringVar(&in.Beneficiary, "beneficiary", "", "the beneficiary's name")
			cmd.Flags().StringVar(&expiry, "expiry", "", "the expiry date YYYY-MM-DD")
		case app.LCExpire:
			cmd.Flags().StringVar(&amount, "amount", "", "the undrawn face expired (default: all of it)")
		case app.LCReimburse:
			cmd.Flags().StringVar(&amount, "amount", "", "the amount reimbursed")
			cmd.Flags().BoolVar(&in.ByAdvance, "by-advance", false, "reimbursed by an advance to the loans rather than in cash")
		default:
			cmd.Flags().StringVar(&amount, "amount", "", "the amount drawn")
		}
		return cmd
	}
	var lo opFlags
	list := &cobra.Command{
		Use:   "list --slug S --as EMAIL",
		Short: "The facility's letters of credit with their face, undrawn, drawn, reimbursed and expired amounts",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, st, err := lo.open(cmd, "lc list")
			if err != nil {
				return err
			}
			defer st.Close()
			ls, err := service(st).LettersOfCredit(ctx, lo.slug)
			if err != nil {
				return opError(err)
			}
			if ls == nil {
				ls = []app.LetterOfCredit{}
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"letters_of_credit": ls})
		},
	}
	lo.add(list, false)
	c.AddCommand(
		action(app.LCIssue, "issue --slug S --as EMAIL --id N --amount A --value-date D --beneficiary NAME --expiry D", "Issue a letter of credit: within availability and the sublimit on its value date and every later date known"),
		action(app.LCDraw, "draw --slug S --as EMAIL --id N --amount A --value-date D", "Record a drawing under a letter of credit (within its undrawn face, by its expiry)"),
		action(app.LCReimburse, "reimburse --slug S --as EMAIL --id N --amount A --value-date D [--by-advance]", "Record the reimbursement of drawings, in cash or by an advance"),
		action(app.LCExpire, "expire --slug S --as EMAIL --id N --value-date D [--amount A]", "Record the expiry of a letter's undrawn face"),
		list)
	return c
}
