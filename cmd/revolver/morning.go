package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/store"
)

func init() { register(morningCmd) }

// morningCmd: the lender's morning (app.Service.Morning) on the business
// date: every facility's exceptions, what changed since the business date
// opened, and the work queues.
func morningCmd() *cobra.Command {
	var sf storeFlags
	var knownAt, format string
	c := &cobra.Command{
		Use:   "morning [--known-at T] [--format json|table]",
		Short: "The lender's morning on the business date: each facility's exceptions with reason and link, what changed since the business date opened, and the queues of reviews, approvals and notices",
		RunE: func(cmd *cobra.Command, args []string) error {
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
				r, err := svc.ResolveKnownAt(cmd.Context(), "", 0, knownAt)
				if store.ErrorCode(err) == store.CodeInvalid {
					return usageError{fmt.Errorf("--known-at %q: expected an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of its business) or now", knownAt)}
				}
				if err != nil {
					return opError(err)
				}
				k = r.Read()
			}
			m, err := svc.Morning(cmd.Context(), k)
			if err != nil {
				return opError(err)
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), m)
			}
			writeMorning(cmd.OutOrStdout(), m)
			return nil
		},
	}
	sf.add(c)
	c.Flags().StringVar(&knownAt, "known-at", "", "the facts as known at this time (RFC 3339, YYYY-MM-DDTHH:MM in UTC, a date: the end of its business, or now; default: now)")
	c.Flags().StringVar(&format, "format", "table", "output: json or table")
	return c
}

// writeMorning prints the morning as a table: the exceptions grouped by
// kind, the changes, the queues.
func writeMorning(w io.Writer, m app.Morning) {
	fmt.Fprintf(w, "Business date %s, %d facilities, as known at %s\n", m.BusinessDate, m.Facilities, m.KnownAt.UTC().Format(time.RFC3339))
	list := func(title string, es []app.Exception) {
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(es))
		kind := ""
		for _, e := range es {
			if e.Kind != kind {
				kind = e.Kind
				fmt.Fprintf(w, "  %s\n", kind)
			}
			fmt.Fprintf(w, "    %-16s %s\n    %-16s %s\n", e.Facility, e.Reason, "", e.Link)
		}
	}
	list("Exceptions", m.Exceptions)
	list("Changed since "+m.Since.UTC().Format(time.RFC3339), m.Changes)
	list("Reviews to decide", m.Queues.Reviews)
	list("Approvals pending", m.Queues.Approvals)
	list("Notices to send", m.Queues.Notices)
}
