package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"revolver/statement"
	"revolver/store"
)

func init() { register(statementCmd) }

// parseMonth reads YYYY-MM.
func parseMonth(v string) (int, time.Month, error) {
	t, err := time.Parse("2006-01", v)
	if err != nil {
		return 0, 0, fmt.Errorf("month %q: expected YYYY-MM", v)
	}
	return t.Year(), t.Month(), nil
}

func statementCmd() *cobra.Command {
	var sf storeFlags
	var slug, month, knownAt, format string
	c := &cobra.Command{
		Use:   "statement --facility S --month YYYY-MM [--known-at T] [--format json|table]",
		Short: "The borrower's monthly statement of a facility: opening balance, advances, repayments, collections, returned items, interest by rate period, fees, costs, closing balance and what is due (the same use case as the API and the pages)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if slug == "" {
				return usageError{errors.New("--facility is required")}
			}
			if month == "" {
				return usageError{errors.New("--month is required (YYYY-MM)")}
			}
			y, m, err := parseMonth(month)
			if err != nil {
				return usageError{fmt.Errorf("--month: %v", err)}
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
			// The one known-at rule of every surface (app.ResolveKnownAt),
			// for the month's last day.
			_, to, err := statement.MonthOf(y, m)
			if err != nil {
				return usageError{fmt.Errorf("--month: %v", err)}
			}
			k, err := svc.ResolveKnownAt(cmd.Context(), slug, to, knownAt)
			if store.ErrorCode(err) == store.CodeInvalid {
				return usageError{fmt.Errorf("--known-at %q: expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of its business) or now", knownAt)}
			}
			if err != nil {
				return opError(err)
			}
			s, err := svc.Statement(cmd.Context(), slug, y, m, k.Read())
			if err != nil {
				return opError(err)
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), s)
			}
			writeStatementTable(cmd.OutOrStdout(), s)
			return nil
		},
	}
	sf.add(c)
	c.Flags().StringVar(&slug, "facility", "", "the facility")
	c.Flags().StringVar(&month, "month", "", "the month YYYY-MM")
	c.Flags().StringVar(&knownAt, "known-at", "", "as known at: RFC 3339, a date (the end of its business) or now (default: the end of business of the month's last day, or now while it is not over)")
	c.Flags().StringVar(&format, "format", "json", "output: json or table")
	return c
}

func writeStatementTable(w io.Writer, s statement.Statement) {
	fmt.Fprintf(w, "Statement of %s for %s (%s to %s) as known at %s\n", s.Facility, s.Month, s.From, s.To, s.KnownAt.UTC().Format(time.RFC3339))
	bal := func(title string, b statement.Balances) {
		fmt.Fprintf(w, "\n%s\n", title)
		for _, a := range b.Accounts {
			if a.Amount != 0 || a.Account == "loans" {
				memo := ""
				if !a.Owed {
					memo = " (memo)"
				}
				fmt.Fprintf(w, "  %-52s %18s\n", a.Label+memo, a.Amount.Grouped())
			}
		}
		fmt.Fprintf(w, "  %-52s %18s\n", "Balance owed", b.Owed.Grouped())
	}
	bal(fmt.Sprintf("Opening balance (end of %s)", s.From-1), s.Opening)
	fmt.Fprintf(w, "\nMovements\n")
	for _, sec := range s.Sections {
		fmt.Fprintf(w, "  %-52s %18s  (%d)\n", sec.Label, sec.Amount.Grouped(), sec.Count)
	}
	if len(s.Lines) > 0 {
		fmt.Fprintf(w, "\nTransactions\n")
		for _, l := range s.Lines {
			what := l.Memo
			if l.Received != 0 {
				what = "received " + l.Received.String()
			}
			fmt.Fprintf(w, "  %s  %-8d %-20s %18s  %s\n", l.ValueDate, l.Transaction, l.Kind, l.Amount.Grouped(), what)
		}
	}
	if len(s.Collections) > 0 {
		fmt.Fprintf(w, "\nCollections applied by day received\n")
		for _, c := range s.Collections {
			recv := "not stated"
			if c.Received != 0 {
				recv = c.Received.String()
			}
			fmt.Fprintf(w, "  received %-10s credited %s  %3d item(s) %18s\n", recv, c.ValueDate, c.Count, c.Amount.Grouped())
		}
	}
	fmt.Fprintf(w, "\nInterest by rate period\n")
	for _, p := range s.Interest.Periods {
		fmt.Fprintf(w, "  %s to %s %3d days  %-8s %8s  %-12s %18s\n", p.From, p.To, p.Days, p.Option, p.Rate.Percent(), p.DayCount, p.Interest.Grouped())
	}
	if s.Interest.Rounding != 0 {
		fmt.Fprintf(w, "  %-63s %18s\n", "rounding across rates", s.Interest.Rounding.Grouped())
	}
	if s.Interest.LastOut != 0 {
		fmt.Fprintf(w, "  %-63s %18s\n", "last-out loans", s.Interest.LastOut.Grouped())
	}
	if s.Interest.Adjustments != 0 {
		fmt.Fprintf(w, "  %-63s %18s\n", "adjustments", s.Interest.Adjustments.Grouped())
	}
	fmt.Fprintf(w, "  %-63s %18s\n", "interest of the month", s.Interest.Total.Grouped())
	if n := len(s.Interest.Unexplained); n > 0 {
		why := ""
		if s.Interest.RatesUnknown != "" {
			why = ": " + s.Interest.RatesUnknown
		}
		fmt.Fprintf(w, "  %d day(s) accrued with no rate derived%s\n", n, why)
	}
	if len(s.Interest.Loans) > 0 {
		fmt.Fprintf(w, "\nInterest by loan (each loan's share, rounded once)\n")
		for _, l := range s.Interest.Loans {
			fmt.Fprintf(w, "  %-12s %s to %s %3d days  %8s %18s\n", l.Name, l.From, l.To, l.Days, l.Rate.Rate.Percent(), l.Interest.Grouped())
		}
	}
	bal(fmt.Sprintf("Closing balance (end of %s)", s.To), s.Closing)
	if len(s.Due) > 0 {
		fmt.Fprintf(w, "\nDue\n")
		for _, d := range s.Due {
			on := "undetermined"
			if d.DueDate != 0 {
				on = d.DueDate.String()
			}
			fmt.Fprintf(w, "  %-30s %18s  due %s\n", d.Label, d.Amount.Grouped(), on)
		}
	}
}
