package app

import (
	"context"
	"slices"
	"sort"
	"time"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// StatementsPreview is what a financial statements file holds, as
// AddStatements would read it, before it is submitted: each period with
// its lines, their values and the covenants each feeds under the terms in
// force at the period's end. Nothing is stored.
type StatementsPreview struct {
	File    string          `json:"file"`
	Periods []PeriodPreview `json:"periods"`
	Notes   []string        `json:"notes"`
}

// PeriodPreview is one period of a statements file.
type PeriodPreview struct {
	PeriodEnd     date.Date `json:"period_end"`
	FiscalYear    int       `json:"fiscal_year"`
	FiscalQuarter int       `json:"fiscal_quarter"`
	// Row is the period's row in the file (the header is row 1).
	Row int32 `json:"row"`
	// Restatement: the period is already reported; submitted, it waits
	// for a lender's acceptance.
	Restatement bool          `json:"restatement"`
	Lines       []LinePreview `json:"lines"`
	// Missing are the lines a covenant tested needs that the row leaves
	// blank (the covenant is then undetermined).
	Missing []LinePreview `json:"missing"`
}

// LinePreview is a statement line: its value (absent when the row leaves
// it blank) and the covenants it feeds (their labels).
type LinePreview struct {
	Name  string        `json:"name"`
	Value *money.Amount `json:"value,omitempty"`
	Feeds []string      `json:"feeds"`
}

// PreviewStatements reads a financial statements file (CSV) as
// AddStatements would and answers what it holds, each line with the
// covenants it feeds, without storing anything. A file that cannot be
// read is refused naming the file, its row and column. The actor must be
// allowed to submit statements.
func (s *Service) PreviewStatements(ctx context.Context, facility, name string, content []byte) (StatementsPreview, error) {
	if err := authorize(ctx, ActRecordStatements, facility); err != nil {
		return StatementsPreview{}, err
	}
	sts, err := covenant.ReadStatements(name, content)
	if err != nil {
		return StatementsPreview{}, &store.Error{Code: store.CodeInvalid, Message: err.Error(), Err: err}
	}
	if len(sts) == 0 {
		return StatementsPreview{}, invalid("%s: no statements: expected a header row and a row per fiscal quarter", name)
	}
	known, err := s.Store.FinancialsAsKnown(ctx, facility, s.now())
	if err != nil {
		return StatementsPreview{}, err
	}
	reported := map[date.Date]bool{}
	for _, f := range known {
		reported[f.PeriodEnd] = true
	}
	termsAt, _ := s.Terms.(interface {
		TermsAsOf(ctx context.Context, slug string, d date.Date) (*agreement.Terms, error)
	})
	out := StatementsPreview{File: name, Periods: []PeriodPreview{}}
	for _, st := range sts {
		p := PeriodPreview{PeriodEnd: st.PeriodEnd, FiscalYear: st.FiscalYear, FiscalQuarter: st.FiscalQuarter, Row: st.Line,
			Restatement: reported[st.PeriodEnd], Lines: []LinePreview{}, Missing: []LinePreview{}}
		feeds := map[string][]string{}
		if termsAt != nil {
			if t, err := termsAt.TermsAsOf(ctx, facility, st.PeriodEnd); err == nil && t != nil {
				feeds = lineFeeds(t)
			}
		}
		names := make([]string, 0, len(st.Lines))
		for n := range st.Lines {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := st.Lines[n]
			p.Lines = append(p.Lines, LinePreview{Name: n, Value: &v, Feeds: nonNil(feeds[n])})
		}
		needed := make([]string, 0, len(feeds))
		for n := range feeds {
			if _, ok := st.Lines[n]; !ok {
				needed = append(needed, n)
			}
		}
		sort.Strings(needed)
		for _, n := range needed {
			p.Missing = append(p.Missing, LinePreview{Name: n, Feeds: feeds[n]})
		}
		out.Periods = append(out.Periods, p)
	}
	return out, nil
}

// lineFeeds maps each statement line to the labels of the covenants of t
// whose metric (or ratchet) uses it.
func lineFeeds(t *agreement.Terms) map[string][]string {
	m := map[string][]string{}
	add := func(line, label string) {
		if !slices.Contains(m[line], label) {
			m[line] = append(m[line], label)
		}
	}
	for _, c := range t.Covenants {
		label := c.Label
		if label == "" {
			label = c.ID
		}
		for _, l := range append(slices.Clone(c.Metric.Numerator), c.Metric.Denominator...) {
			add(l.Name, label)
		}
		if c.Ratchet != nil && c.Ratchet.Line != "" {
			add(c.Ratchet.Line, label)
		}
	}
	return m
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// StatementLines are the statement lines the covenants in force on d read
// (their metrics and ratchets), by name, each with the covenants it feeds:
// the fields of a quarter's statements entered by hand. None when the
// terms are not the stored ones or state no covenant.
func (s *Service) StatementLines(ctx context.Context, facility string, d date.Date) ([]LinePreview, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	t, err := s.agreementTerms(ctx, facility, d, time.Time{})
	if err != nil || t == nil {
		return []LinePreview{}, err
	}
	feeds := lineFeeds(t)
	names := make([]string, 0, len(feeds))
	for n := range feeds {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]LinePreview, 0, len(names))
	for _, n := range names {
		out = append(out, LinePreview{Name: n, Feeds: feeds[n]})
	}
	return out, nil
}
