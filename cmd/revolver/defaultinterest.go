package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
)

func init() { register(defaultInterestCmd) }

// defaultInterestCmd records the lender's notice electing default
// interest (app.ElectDefaultInterest).
func defaultInterestCmd() *cobra.Command {
	var o opFlags
	var id, method, sent, confirmed string
	c := &cobra.Command{
		Use:   "default-interest --slug S --as EMAIL --default ID --method courier|fax --sent TIME [--confirmed TIME] [--key K]",
		Short: "Record the lender's notice electing default interest while an event of default continues (terms whose default interest applies on notice)",
		Long: `Records the lender's notice to the borrower electing default interest while the
event of default --default (its id, as revolver defaults lists it) continues,
for terms whose pricing.default_interest applies on_notice. Close of business
adds the default interest to the rate of every day from the day the notice
takes effect (a courier notice: the Business Day after deposit; a fax: on
confirmation of good transmission) while the event continues; a waiver or cure
ends it. TIME is RFC 3339 or "YYYY-MM-DD HH:MM" in the facility's zone.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if id == "" {
				return usageError{errors.New("--default is required: the event of default's id")}
			}
			if method == "" || sent == "" {
				return usageError{errors.New("--method and --sent are required")}
			}
			ctx, st, err := o.open(cmd, "default-interest")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			t, err := svc.Terms.(*app.StoredTerms).TermsAsOf(ctx, o.slug, date.FromTime(now()))
			if err != nil {
				return o.refuse(err)
			}
			loc, err := loadZone(t)
			if err != nil {
				return err
			}
			n := defaults.Notice{Method: method}
			if n.Sent, err = defaults.ParseTime(sent, loc); err != nil {
				return usageError{fmt.Errorf("--sent: %v", err)}
			}
			if confirmed != "" {
				ct, err := defaults.ParseTime(confirmed, loc)
				if err != nil {
					return usageError{fmt.Errorf("--confirmed: %v", err)}
				}
				n.Confirmed = &ct
			}
			rec, err := svc.ElectDefaultInterest(ctx, app.FactInput{Facility: o.slug, Key: o.key, By: o.as}, id, n)
			if err != nil {
				return o.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), rec)
		},
	}
	o.add(c, true)
	c.Flags().StringVar(&id, "default", "", "the event of default's id, e.g. eod-3")
	c.Flags().StringVar(&method, "method", "", "the notice method of the terms: courier or fax")
	c.Flags().StringVar(&sent, "sent", "", "when the notice was sent")
	c.Flags().StringVar(&confirmed, "confirmed", "", "fax: when confirmation of good transmission was received")
	return c
}
