package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"revolver/agreement"
	"revolver/app"
	"revolver/date"
	"revolver/httpapi"
	"revolver/money"
)

func init() { register(previewCmd) }

// previewCmd previews a draft amendment, waiver letter or restatement:
// against an agreement directory (lint and the terms it changes), or
// against a stored facility (the same, and its effect on availability,
// the covenant tests and the deadlines: app.Service.PreviewDraft, as the
// API and the pages preview it). Nothing is stored.
func previewCmd() *cobra.Command {
	var sf storeFlags
	var paths []string
	var draft, asOf, slug, format string
	c := &cobra.Command{
		Use:   "preview --draft FILE (--agreement DIR | --slug S) [--as-of D] [--db …] [--format table|json]",
		Short: "Preview a draft amendment, waiver letter or restatement before anything is recorded: lint, the terms it changes and, for a stored facility, its effect on availability, the covenant tests and the deadlines beside today's",
		Example: `  revolver preview --agreement examples/btu-sovereign --draft second-amendment.yaml --as-of 2005-06-30
  revolver preview --db revolver.db --slug btu-sovereign --draft waiver.yaml --as-of 2006-12-29`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if draft == "" {
				return usageError{errors.New("--draft is required (the draft's YAML file)")}
			}
			if (len(paths) == 0) == (slug == "") {
				return usageError{errors.New("give --agreement DIR (the agreement files) or --slug S (a stored facility), one of them")}
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			content, err := os.ReadFile(draft)
			if err != nil {
				return usageError{fmt.Errorf("--draft: %w", err)}
			}
			var d date.Date
			if asOf != "" {
				if d, err = parseDateFlag("as-of", asOf); err != nil {
					return err
				}
			}
			file := app.AmendmentFile{Name: filepath.Base(draft), Content: string(content)}
			out := cmd.OutOrStdout()
			if slug == "" {
				return previewFiles(out, paths, file, d, format)
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			p, err := svc.PreviewDraft(cliContext(cmd.Context(), "preview"), slug, file, d)
			if err != nil {
				return opError(err)
			}
			if format == "json" {
				return writeJSON(out, httpapi.PreviewOf(p))
			}
			writePreview(out, p)
			if len(p.Problems) > 0 {
				return usageError{fmt.Errorf("%s does not pass lint: %d problem(s)", p.Draft, len(p.Problems))}
			}
			return nil
		},
	}
	sf.add(c)
	c.Flags().StringSliceVar(&paths, "agreement", nil, "agreement directory or files (without a stored facility)")
	c.Flags().StringVar(&slug, "slug", "", "a stored facility")
	c.Flags().StringVar(&draft, "draft", "", "the draft's YAML file")
	c.Flags().StringVar(&asOf, "as-of", "", "the date of the figures YYYY-MM-DD (default: the draft's effective date, or the business date for a stored facility)")
	c.Flags().StringVar(&format, "format", "table", "table or json")
	return c
}

// previewFiles previews a draft against agreement files: lint and the
// terms it changes (no figures: they need a stored facility).
func previewFiles(out io.Writer, paths []string, draft app.AmendmentFile, d date.Date, format string) error {
	before, err := loadAgreement(paths)
	if err != nil {
		return err
	}
	files, err := agreementFiles(paths)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Name == draft.Name {
			return usageError{fmt.Errorf("--draft %s: the agreement already has a file of that name", draft.Name)}
		}
	}
	p := app.NewPreview(before.Slug, draft)
	after, err := agreement.Parse(append(files, agreement.NewFile(draft.Name, []byte(draft.Content))))
	if err != nil {
		for _, l := range strings.Split(err.Error(), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				p.Problems = append(p.Problems, l)
			}
		}
	} else {
		id, eff, kind := "", date.Date(0), ""
		for _, a := range after.Amendments {
			if a.File == draft.Name {
				id, eff, kind = a.ID, a.Effective, a.Kind
			}
		}
		for _, w := range after.Waivers {
			if w.File == draft.Name {
				id, eff, kind = w.ID, w.Effective, "waiver"
			}
		}
		if id == "" {
			p.Problems = append(p.Problems, draft.Name+": not an amendment, waiver letter or restatement (revolver: amendment/1, waiver/1 or restatement/1)")
		} else {
			if d == 0 {
				d = eff
			}
			p.Kind, p.Effective, p.AsOf = kind, eff, d
			if diffs := agreement.Compare(before, after, d, id); diffs != nil {
				p.Terms = diffs
			}
		}
	}
	if format == "json" {
		if err := writeJSON(out, p); err != nil {
			return err
		}
	} else {
		writePreview(out, p)
	}
	if len(p.Problems) > 0 {
		return usageError{fmt.Errorf("%s does not pass lint: %d problem(s)", p.Draft, len(p.Problems))}
	}
	return nil
}

// agreementFiles reads the agreement files of paths (directories or
// files) as agreement.Load does.
func agreementFiles(paths []string) ([]agreement.File, error) {
	var out []agreement.File
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, usageError{err}
		}
		names := []string{p}
		if fi.IsDir() {
			entries, err := os.ReadDir(p)
			if err != nil {
				return nil, usageError{err}
			}
			names = names[:0]
			for _, e := range entries {
				if !e.IsDir() && agreement.IsFileName(e.Name()) {
					names = append(names, filepath.Join(p, e.Name()))
				}
			}
		}
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				return nil, usageError{err}
			}
			out = append(out, agreement.NewFile(n, b))
		}
	}
	return out, nil
}

func grouped(a *app.Availability) string {
	if a == nil {
		return "—"
	}
	if !a.Determined {
		return "undetermined"
	}
	return a.Available.Grouped()
}

func amountOr(a *app.Availability, f func(*app.Availability) money.Amount) string {
	if a == nil {
		return "—"
	}
	return f(a).Grouped()
}

// writePreview prints a preview as a table: today beside the draft.
func writePreview(w io.Writer, p app.Preview) {
	fmt.Fprintf(w, "Preview of %s for %s (SHA-256 %s)\n", p.Draft, p.Facility, p.SHA256)
	if len(p.Problems) > 0 {
		fmt.Fprintf(w, "\n%d problem(s); nothing else is computed until the draft passes lint:\n", len(p.Problems))
		for _, l := range p.Problems {
			fmt.Fprintf(w, "  %s\n", l)
		}
		return
	}
	fmt.Fprintf(w, "Kind: %s, effective %s.\n", p.Kind, p.Effective)
	fmt.Fprintf(w, "\nTerms on %s it changes (%d):\n", p.AsOf, len(p.Terms))
	for _, x := range p.Terms {
		fmt.Fprintf(w, "  %s %s\n", x.Change, x.Path)
		if x.From != nil {
			fmt.Fprintf(w, "    - %s   [%s]\n", flatValue(*x.From), citeText(x.From.Cite))
		}
		if x.To != nil {
			fmt.Fprintf(w, "    + %s   [%s]\n", flatValue(*x.To), citeText(x.To.Cite))
		}
	}
	if p.Availability.Before == nil && p.Availability.After == nil && p.Availability.BeforeError == "" && p.Availability.AfterError == "" {
		return // files only: no figures
	}
	b, a := p.Availability.Before, p.Availability.After
	fmt.Fprintf(w, "\nFigures on %s, every record known now:\n", p.AsOf)
	fmt.Fprintf(w, "%-24s %18s %18s\n", "Availability", "today", "with the draft")
	rows := []struct {
		label string
		f     func(*app.Availability) money.Amount
	}{
		{"Commitment", func(x *app.Availability) money.Amount { return x.Commitment }},
		{"Borrowing base", func(x *app.Availability) money.Amount { return x.BorrowingBase }},
		{"Loans outstanding", func(x *app.Availability) money.Amount { return x.LoansOutstanding }},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-22s %18s %18s\n", r.label, amountOr(b, r.f), amountOr(a, r.f))
	}
	fmt.Fprintf(w, "  %-22s %18s %18s\n", "Availability", grouped(b), grouped(a))
	if c := p.Certificate; c != nil {
		fmt.Fprintf(w, "  %-22s %18s %18s\n", fmt.Sprintf("Cert. %d recomputed", c.ID), groupedOf(c.Before), groupedOf(c.After))
		fmt.Fprintf(w, "  (certificate %d as of %s was approved at %s; its reports computed again under the terms of %s)\n", c.ID, c.AsOf, groupedOf(c.Approved), p.AsOf)
		if c.Failed != "" {
			fmt.Fprintf(w, "  not recomputed: %s\n", c.Failed)
		}
	}
	for _, e := range []string{p.Availability.BeforeError, p.Availability.AfterError} {
		if e != "" {
			fmt.Fprintf(w, "  not computed: %s\n", e)
		}
	}
	changed := 0
	for _, c := range p.Covenants {
		if c.Changed {
			changed++
		}
	}
	fmt.Fprintf(w, "\nCovenant tests: %d, %d changed by the draft\n", len(p.Covenants), changed)
	side := func(t *app.TestPreview) string {
		if t == nil {
			return "not tested"
		}
		s := t.Result + " " + t.Actual + " vs " + t.Required
		if t.Waived != "" {
			s = "fail — waived by " + t.Waived
		}
		return s
	}
	for _, c := range p.Covenants {
		if c.Changed {
			fmt.Fprintf(w, "  %s %s: %s  →  %s\n", c.PeriodEnd, c.Covenant, side(c.Before), side(c.After))
		}
	}
	changed = 0
	for _, d := range p.Deadlines {
		if d.Changed {
			changed++
		}
	}
	fmt.Fprintf(w, "\nDeadlines: %d, %d changed by the draft\n", len(p.Deadlines), changed)
	for _, d := range p.Deadlines {
		if !d.Changed {
			continue
		}
		when := func(x interface{ String() string }, ok bool) string {
			if !ok {
				return "none"
			}
			return x.String()
		}
		var bs, as string
		if d.Before != nil {
			bs = when(d.Before.Due, true) + " " + d.Before.Status
		} else {
			bs = "none"
		}
		if d.After != nil {
			as = when(d.After.Due, true) + " " + d.After.Status
		} else {
			as = "none"
		}
		fmt.Fprintf(w, "  %s: %s  →  %s\n", d.Label, bs, as)
	}
	for _, e := range p.NotComputed {
		fmt.Fprintf(w, "\nnot computed: %s\n", e)
	}
	fmt.Fprintf(w, "\nEvents of default continuing: today %s; with the draft %s\n", listOrNone(p.Defaults.Before), listOrNone(p.Defaults.After))
	fmt.Fprintf(w, "\nNothing was recorded. To ask for it: POST …/amendments with previewed_sha256 %s (a second person approves).\n", p.SHA256)
}

// groupedOf shows an amount written as a decimal string with its
// thousands grouped ("—" for none, other words as they are).
func groupedOf(s string) string {
	if s == "" {
		return "—"
	}
	a, err := money.ParseAmount(s)
	if err != nil {
		return s
	}
	return a.Grouped()
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
