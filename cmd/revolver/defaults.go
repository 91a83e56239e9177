package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // the facility's zone must load without a system zone database

	"github.com/spf13/cobra"

	"revolver/agreement"
	"revolver/date"
	"revolver/defaults"
)

func init() { register(deadlinesCmd, noticeCmd) }

// loadFacts reads recorded facts (defaults.Facts as JSON); unknown fields
// are errors, reported with file:line:column.
func loadFacts(path string) (defaults.Facts, error) {
	var f defaults.Facts
	if path == "" {
		return f, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return f, usageError{err}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		off := dec.InputOffset()
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		}
		// An unknown field is reported after its value: point at its key.
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if i := bytes.LastIndex(b[:min(off, int64(len(b)))], []byte(name)); i >= 0 {
				off = int64(i)
			}
		}
		line, col := lineCol(b, off)
		return f, usageError{fmt.Errorf("%s:%d:%d: %v (expected the facts as JSON: notices, events, insurance_policies, ucc_filings, covenant_results, other_debts, default_records, actions)", path, line, col, err)}
	}
	return f, nil
}

func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func loadZone(t *agreement.Terms) (*time.Location, error) {
	loc, err := defaults.Location(t)
	if err != nil {
		return nil, usageError{err}
	}
	return loc, nil
}

func deadlinesCmd() *cobra.Command {
	var paths []string
	var asOf, format, factsPath string
	var ics bool
	c := &cobra.Command{
		Use:   "deadlines --agreement P --as-of D [--facts F] [--format json|table] [--ics]",
		Short: "What is due, overdue or coming on a date, events of default and the remedies exercisable",
		Long: `Derives the deadlines of the terms in force on --as-of and the recorded facts
(--facts: a JSON file of notices, events, insurance policies, UCC filing records,
covenant results, other indebtedness, default records and lender actions), each
with its clause; the events of default with their lifecycle; and which remedies
of the bank are exercisable and why. --ics writes the deadlines as an iCalendar
file instead.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			d, err := parseDateFlag("as-of", asOf)
			if err != nil {
				return err
			}
			f, err := loadAgreement(paths)
			if err != nil {
				return err
			}
			facts, err := loadFacts(factsPath)
			if err != nil {
				return err
			}
			terms, err := f.TermsAsOf(d)
			if err != nil {
				return err
			}
			loc, err := loadZone(terms)
			if err != nil {
				return err
			}
			rep, err := defaults.Evaluate(terms, facts, d, loc)
			if err != nil {
				return usageError{fmt.Errorf("%s: %w", factsName(factsPath), err)}
			}
			out := cmd.OutOrStdout()
			if ics {
				_, err := out.Write(defaults.ICS(f.Slug, d, rep.Deadlines))
				return err
			}
			if format == "json" {
				return writeJSON(out, rep)
			}
			return reportTable(out, rep)
		},
	}
	c.Flags().StringSliceVar(&paths, "agreement", nil, "agreement directory or files")
	c.Flags().StringVar(&asOf, "as-of", "", "date YYYY-MM-DD")
	c.Flags().StringVar(&factsPath, "facts", "", "recorded facts (JSON), optional")
	c.Flags().StringVar(&format, "format", "table", "json or table")
	c.Flags().BoolVar(&ics, "ics", false, "write the deadlines as iCalendar (RFC 5545)")
	return c
}

func factsName(p string) string {
	if p == "" {
		return "facts"
	}
	return p
}

func reportTable(w io.Writer, r *defaults.Report) error {
	fmt.Fprintf(w, "Deadlines of %s on %s (calendar: %s, %s, %s)\n\n", r.Facility, r.AsOf, r.Calendar.Holidays, r.Calendar.Convention, r.Calendar.Zone)
	fmt.Fprintf(w, "%-12s %-10s %-13s %s\n", "STATUS", "DUE", "CLAUSE", "WHAT")
	for _, d := range r.Deadlines {
		due := "-"
		if d.Due != 0 {
			due = d.Due.String()
		}
		fmt.Fprintf(w, "%-12s %-10s %-13s %s\n", d.Status, due, shortCite(d.Cite), d.Label)
		if d.Reason != "" {
			fmt.Fprintf(w, "%37s %s\n", "", "why: "+d.Reason)
		}
		if d.Rule != "" {
			fmt.Fprintf(w, "%37s %s\n", "", "rule: "+d.Rule)
		}
	}
	fmt.Fprintf(w, "\nEvents of default: %d\n", len(r.Defaults))
	for _, d := range r.Defaults {
		cont := "not continuing"
		if d.Continuing {
			cont = "continuing"
		}
		fmt.Fprintf(w, "  %s  %s [%s] occurred %s, %s, %s\n    %s\n", d.ID, d.Clause, d.Label, d.Occurred, d.Status, cont, d.Detail)
		if !d.Continuing {
			fmt.Fprintf(w, "    %s\n", d.Why)
		}
	}
	fmt.Fprintf(w, "\nRemedies of the Bank on %s\n", r.AsOf)
	for _, m := range r.Remedies {
		mark := "not yet"
		if m.Exercisable {
			mark = "EXERCISABLE"
		}
		fmt.Fprintf(w, "  %-11s %-18s %s (%s)\n", mark, m.ID, m.Label, shortCite(m.Cite))
		for _, y := range m.Why {
			fmt.Fprintf(w, "      + %s\n", y)
		}
		for _, y := range m.Missing {
			fmt.Fprintf(w, "      - missing: %s\n", y)
		}
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(w, "\nProblems\n")
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s: %s\n", p.Ref, p.Message)
		}
	}
	return nil
}

func shortCite(c agreement.Cite) string {
	abbrev := map[string]string{"security-agreement": "SA", "loan-modification-agreement": "LMA", "first-amendment": "FA",
		"original-loan-agreement": "LA", "public-filings": "filings", "allonge": "Allonge", "ucc-exhibit-a": "UCC Ex. A"}
	doc := c.Document
	if a, ok := abbrev[doc]; ok {
		doc = a
	}
	return strings.TrimSpace(doc + " " + c.Section)
}

func noticeCmd() *cobra.Command {
	c := &cobra.Command{Use: "notice", Short: "Notices under the agreement"}
	c.AddCommand(noticeEffectiveCmd())
	return c
}

func noticeEffectiveCmd() *cobra.Command {
	var paths []string
	var method, sent, confirmed, format string
	c := &cobra.Command{
		Use:   "effective --method courier|fax --sent TIME [--confirmed TIME] --agreement P",
		Short: "When a notice takes effect under the agreement, and by which rule",
		Long: `Says when a notice sent by --method at --sent takes effect under the notice
clause of the terms in force on the sending date (Security Agreement ¶21 for
BTU: a fax on receipt of confirmation of good transmission, with a copy by
overnight courier; an overnight courier on the Business Day after deposit).

TIME is RFC 3339 (2004-07-02T16:30:00-04:00) or "YYYY-MM-DD HH:MM" read in the
facility's zone (calendar.zone of the terms; America/New_York for BTU).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if method == "" {
				return usageError{fmt.Errorf("--method is required (courier or fax)")}
			}
			if sent == "" {
				return usageError{fmt.Errorf("--sent is required (RFC 3339 or YYYY-MM-DD HH:MM)")}
			}
			f, err := loadAgreement(paths)
			if err != nil {
				return err
			}
			// The zone is the one the terms name today; read it from the latest terms.
			dates := f.Dates()
			zoneTerms, err := f.TermsAsOf(dates[len(dates)-1])
			if err != nil {
				return err
			}
			loc, err := loadZone(zoneTerms)
			if err != nil {
				return err
			}
			st, err := defaults.ParseTime(sent, loc)
			if err != nil {
				return usageError{fmt.Errorf("--sent: %v", err)}
			}
			n := defaults.Notice{ID: "cli", Method: method, Sent: st}
			if confirmed != "" {
				ct, err := defaults.ParseTime(confirmed, loc)
				if err != nil {
					return usageError{fmt.Errorf("--confirmed: %v", err)}
				}
				n.Confirmed = &ct
			}
			terms, err := f.TermsAsOf(date.FromTime(st.In(loc)))
			if err != nil {
				return err
			}
			setup, err := defaults.SetupOf(terms)
			if err != nil {
				return err
			}
			eff, err := defaults.Effective(terms.Notices, setup.Calendar, loc, n)
			if err != nil {
				return usageError{err}
			}
			eff.Notice = ""
			out := cmd.OutOrStdout()
			if format == "json" {
				return writeJSON(out, eff)
			}
			fmt.Fprintf(out, "method     %s\nsent       %s\n", eff.Method, eff.Sent.Format("Mon 2006-01-02 15:04 MST"))
			if eff.Effective {
				fmt.Fprintf(out, "effective  %s\ncounts from %s\n", eff.At.Format("Mon 2006-01-02 15:04 MST"), eff.Date)
			} else {
				fmt.Fprintf(out, "effective  not yet: %s\n", eff.Pending)
			}
			fmt.Fprintf(out, "rule       %s\n", eff.Rule)
			if eff.Assumption != "" {
				fmt.Fprintf(out, "assumption %s\n", eff.Assumption)
			}
			if eff.CopyBy != "" {
				fmt.Fprintf(out, "copy       a copy must also go by %s\n", eff.CopyBy)
			}
			return nil
		},
	}
	c.Flags().StringSliceVar(&paths, "agreement", nil, "agreement directory or files")
	c.Flags().StringVar(&method, "method", "", "courier or fax (a notice method of the terms)")
	c.Flags().StringVar(&sent, "sent", "", "when the notice was sent or deposited")
	c.Flags().StringVar(&confirmed, "confirmed", "", "fax: when confirmation of good transmission was received")
	c.Flags().StringVar(&format, "format", "table", "json or table")
	return c
}
