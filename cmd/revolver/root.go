package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"revolver/agreement"
	"revolver/date"
)

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "revolver",
		Short:         "Run asset-based revolving credit facilities: terms, borrowing base, covenants, loan account",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion(),
	}
	root.SetVersionTemplate("revolver {{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	addClockFlag(root)
	addProgressFlag(root)
	for _, c := range commands {
		root.AddCommand(c())
	}
	root.SetHelpCommand(helpCmd())
	// cobra adds these when it runs; added now, they follow the
	// conventions too.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	conventions(root)
	return root
}

// commands are the subcommands; each file of this package registers its own
// in an init function.
var commands []func() *cobra.Command

func register(c ...func() *cobra.Command) { commands = append(commands, c...) }

func init() { register(checkCmd, termsCmd, diffCmd) }

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func parseDateFlag(name, v string) (date.Date, error) {
	if v == "" {
		return 0, usageError{fmt.Errorf("--%s is required (YYYY-MM-DD)", name)}
	}
	d, err := date.Parse(v)
	if err != nil {
		return 0, usageError{fmt.Errorf("--%s %q: %v", name, v, err)}
	}
	return d, nil
}

func checkFormat(f string) error {
	if f != "json" && f != "table" {
		return usageError{fmt.Errorf("--format %q: expected json or table", f)}
	}
	return nil
}

func loadAgreement(paths []string) (*agreement.Facility, error) {
	if len(paths) == 0 || paths[0] == "" {
		return nil, usageError{fmt.Errorf("--agreement is required (a directory of agreement files, or files)")}
	}
	f, err := agreement.Load(paths...)
	if err != nil {
		return nil, usageError{err}
	}
	return f, nil
}

func checkCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "check PATH...",
		Short: "Validate and lint agreement files (a directory or files)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := agreement.Load(args...)
			if err != nil {
				return usageError{err}
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				return writeJSON(out, map[string]any{"facility": f.Slug, "files": f.Files, "amendments": len(f.Amendments), "waivers": len(f.Waivers), "ok": true})
			}
			fmt.Fprintf(out, "%s: %d file(s), %d amendment(s), terms valid on %s", f.Slug, len(f.Files), len(f.Amendments), joinDates(f.Dates()))
			if len(f.Waivers) > 0 {
				fmt.Fprintf(out, "; %d waiver letter(s): %s", len(f.Waivers), waiverList(f))
			}
			fmt.Fprintln(out)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "table", "json or table")
	return c
}

// waiverList names each waiver letter with what it waives.
func waiverList(f *agreement.Facility) string {
	var parts []string
	for _, l := range f.Waivers {
		var what []string
		for _, w := range l.Waives {
			if w.Covenant != "" {
				what = append(what, w.Covenant+" "+w.Period.String())
			} else {
				what = append(what, w.EventOfDefault)
			}
		}
		parts = append(parts, l.ID+" ("+l.Effective.String()+": "+strings.Join(what, ", ")+")")
	}
	return strings.Join(parts, ", ")
}

func joinDates(ds []date.Date) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	return strings.Join(s, ", ")
}

func termsCmd() *cobra.Command {
	var paths []string
	var asOf, format string
	var typed bool
	c := &cobra.Command{
		Use:   "terms --agreement P --as-of D",
		Short: "Every term in force on a date, with its citation",
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
			out := cmd.OutOrStdout()
			if typed {
				t, err := f.TermsAsOf(d)
				if err != nil {
					return err
				}
				return writeJSON(out, t)
			}
			flat := f.Flat(d)
			if format == "json" {
				return writeJSON(out, map[string]any{"facility": f.Slug, "as_of": d, "terms": flat})
			}
			fmt.Fprintf(out, "Terms of %s in force on %s\n\n", f.Slug, d)
			return flatTable(out, flat)
		},
	}
	c.Flags().StringSliceVar(&paths, "agreement", nil, "agreement directory or files")
	c.Flags().StringVar(&asOf, "as-of", "", "date YYYY-MM-DD")
	c.Flags().StringVar(&format, "format", "table", "json or table")
	c.Flags().BoolVar(&typed, "typed", false, "print the decoded terms as the engines see them (JSON)")
	return c
}

func flatValue(x agreement.Flat) string {
	if x.Unknown != "" {
		return "unknown: " + x.Unknown
	}
	return x.Value
}

func citeText(c agreement.Cite) string {
	s := c.Document
	if c.Section != "" {
		s += " " + c.Section
	}
	return s
}

func flatTable(w io.Writer, flat []agreement.Flat) error {
	for _, x := range flat {
		v := flatValue(x)
		if len(v) > 90 {
			v = v[:87] + "..."
		}
		line := fmt.Sprintf("%-62s %s\n%62s   [%s]", x.Path, v, "", citeText(x.Cite))
		if x.Assumption != "" {
			line += " (assumption)"
		}
		fmt.Fprintln(w, line)
	}
	return nil
}

func diffCmd() *cobra.Command {
	var paths []string
	var from, to, format string
	c := &cobra.Command{
		Use:   "diff --agreement P --from D1 --to D2",
		Short: "What changed between two dates, and which amendment changed it",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			d1, err := parseDateFlag("from", from)
			if err != nil {
				return err
			}
			d2, err := parseDateFlag("to", to)
			if err != nil {
				return err
			}
			f, err := loadAgreement(paths)
			if err != nil {
				return err
			}
			diffs := f.Diff(d1, d2)
			out := cmd.OutOrStdout()
			if format == "json" {
				return writeJSON(out, map[string]any{"facility": f.Slug, "from": d1, "to": d2, "changes": diffs})
			}
			fmt.Fprintf(out, "%d term(s) of %s differ between %s and %s\n\n", len(diffs), f.Slug, d1, d2)
			for _, x := range diffs {
				fmt.Fprintf(out, "%s %s", x.Change, x.Path)
				if len(x.By) > 0 {
					fmt.Fprintf(out, "  (by %s)", strings.Join(x.By, ", "))
				}
				fmt.Fprintln(out)
				if x.From != nil {
					fmt.Fprintf(out, "  - %s   [%s]\n", flatValue(*x.From), citeText(x.From.Cite))
				}
				if x.To != nil {
					fmt.Fprintf(out, "  + %s   [%s]\n", flatValue(*x.To), citeText(x.To.Cite))
				}
			}
			return nil
		},
	}
	c.Flags().StringSliceVar(&paths, "agreement", nil, "agreement directory or files")
	c.Flags().StringVar(&from, "from", "", "first date YYYY-MM-DD")
	c.Flags().StringVar(&to, "to", "", "second date YYYY-MM-DD")
	c.Flags().StringVar(&format, "format", "table", "json or table")
	return c
}
