// Package covenant owns the financial covenants of a facility as revolver
// tests them: the borrower's quarterly financial statements (read from CSV,
// as reported and as restated), the metrics over their lines (tangible net
// worth, net income, the leverage ratio, …), the requirement in force at each
// period end including ratchets, and for every period and covenant the
// actual, the required, pass/fail/undetermined, the headroom and the clauses
// behind them, each with an explanation.
//
// The engine is pure: Evaluate takes the terms (as a function of the date)
// and the statements, and returns the result; no I/O, no clock.
//
// Figures: amounts are exact cents. A ratio is the exact quotient
// (money.Div, 34 significant digits); comparisons use the exact quotient,
// and ratios are shown with RatioDecimals (4) decimals, rounded half away
// from zero. A ratchet increment is Share × the fiscal year's positive net
// income, rounded half away from zero to the cent, once per fiscal year.
package covenant

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"revolver/agreement"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
	"revolver/springing"
)

// RatioDecimals is how many decimals a ratio (and a ratio's headroom) is
// shown with. Comparisons use the exact value, never the shown one.
const RatioDecimals = 4

// Outcomes of a test.
const (
	Pass         = "pass"
	Fail         = "fail"
	Undetermined = "undetermined"
	// NotApplicable: a springing covenant at a period end outside every
	// trigger period: it is not tested there (its figures are still
	// computed, and the reason says why it did not apply).
	NotApplicable = "not_applicable"
)

// TriggerPeriods gives a springing covenant's trigger periods (by the
// covenant's id), as known to the caller; known false: whether a period
// end falls in one is not determined (the covenant's test at that period
// end is then undetermined, with why). nil: not determined for any
// covenant.
type TriggerPeriods func(covenant string, periodEnd date.Date) (ps []springing.Period, known bool, why string)

// Figure is an amount or a ratio, or nothing when it could not be found.
type Figure struct {
	Known  bool
	Ratio  bool
	Amount money.Amount // when !Ratio
	Rate   money.Rate   // when Ratio
}

func amountFigure(a money.Amount) Figure { return Figure{Known: true, Amount: a} }
func ratioFigure(r money.Rate) Figure    { return Figure{Known: true, Ratio: true, Rate: r} }

// String is the figure as shown: "1234.50", "0.8812", or "" when unknown.
func (f Figure) String() string {
	switch {
	case !f.Known:
		return ""
	case f.Ratio:
		return f.Rate.Fixed(RatioDecimals)
	default:
		return f.Amount.String()
	}
}

// Grouped is String with thousands separators for amounts.
func (f Figure) Grouped() string {
	if f.Known && !f.Ratio {
		return f.Amount.Grouped()
	}
	return f.String()
}

// Test is one covenant tested at one period end.
type Test struct {
	Covenant      string // covenant id, e.g. "minimum_tangible_net_worth"
	Label         string
	PeriodEnd     date.Date
	FiscalYear    int
	FiscalQuarter int
	Actual        Figure
	Required      Figure
	Result        string // Pass, Fail or Undetermined
	// Headroom is how far the actual may move before the test fails:
	// actual − required for a minimum, required − actual for a maximum;
	// negative when failing.
	Headroom Figure
	// LineHeadroom, for a ratio with a maximum, is how much HeadroomLine
	// (the first line of the numerator, e.g. total_liabilities) could grow,
	// every other line unchanged, and still pass: the largest whole-cent
	// amount not above the exact bound (negative: the decrease needed).
	LineHeadroom *money.Amount
	HeadroomLine string
	Reason       string // why it failed or is undetermined; "" for a pass
	// Waiver: the waiver of a failing test (Waive); nil when not waived.
	// The result stays Fail.
	Waiver    *agreement.Waiver
	Cites     []explain.Cite
	Explain   *explain.Node
	Statement *Statement
}

// Result is every test of a set of statements, ordered by period end, then
// by the covenant's place in the terms.
type Result struct {
	Tests []Test
}

type periodKey struct{ fy, fq int }

// Evaluate tests every covenant in effect at each statement's period end.
//
// For each statement (in period order) the terms are those in force on its
// period end (termsAt). A covenant is tested there unless the period ends
// before its FirstTest, or its Frequency is "annually" and the period is not
// the fiscal year's fourth quarter ("" counts as "quarterly").
//
// Actual: the metric's numerator, a signed sum of lines; for a ratio divided
// by its denominator. A ratio whose denominator is zero or negative fails
// (leverage with tangible net worth ≤ 0 fails), whatever the comparison.
//
// Required: the threshold, plus for a ratchet the sum over fiscal years Y ≥
// FromFiscalYear whose last day is on or before the period end of Share ×
// (Y's net income, the sum of its four quarters) when that sum is positive,
// each rounded half away from zero to the cent. A fiscal year's last day is
// its fourth quarter's period end, so the fourth-quarter test of year Y
// already includes Y's own increment; losses never lower the requirement.
// If a quarter of such a year (or its line) is missing, the requirement is
// undetermined and the reason names what is missing.
//
// A test needing a term that is unknown, or a line the statement does not
// report, is undetermined and its reason names the term's path or the line.
// Evaluate returns an error only when termsAt does, or when two statements
// are for the same fiscal quarter or period end.
func Evaluate(termsAt func(date.Date) (*agreement.Terms, error), statements []Statement) (*Result, error) {
	return EvaluateTriggered(termsAt, statements, nil)
}

// EvaluateTriggered is Evaluate with the springing covenants' trigger
// periods: a springing covenant is tested only at a period end within a
// trigger period in effect (the test's explanation names the period);
// at any other period end its result is NotApplicable, with the reason.
// Without the periods (triggers nil, or not known for the covenant and
// period end) its result is Undetermined.
func EvaluateTriggered(termsAt func(date.Date) (*agreement.Terms, error), statements []Statement, triggers TriggerPeriods) (*Result, error) {
	sts := make([]Statement, len(statements))
	copy(sts, statements)
	sortStatements(sts)
	idx := make(map[periodKey]*Statement, len(sts))
	ends := make(map[date.Date]*Statement, len(sts))
	for i := range sts {
		s := &sts[i]
		k := periodKey{s.FiscalYear, s.FiscalQuarter}
		if p, dup := idx[k]; dup {
			return nil, fmt.Errorf("covenants: two statements for fiscal %d Q%d (%s and %s)", s.FiscalYear, s.FiscalQuarter, p.Where(), s.Where())
		}
		if p, dup := ends[s.PeriodEnd]; dup {
			return nil, fmt.Errorf("covenants: two statements ending %s (%s and %s)", s.PeriodEnd, p.Where(), s.Where())
		}
		idx[k] = s
		ends[s.PeriodEnd] = s
	}
	sort.SliceStable(sts, func(i, j int) bool { return sts[i].PeriodEnd < sts[j].PeriodEnd })
	res := &Result{Tests: []Test{}}
	for i := range sts {
		s := &sts[i]
		terms, err := termsAt(s.PeriodEnd)
		if err != nil {
			return nil, fmt.Errorf("covenants: terms as of %s: %w", s.PeriodEnd, err)
		}
		if terms == nil {
			return nil, fmt.Errorf("covenants: no terms as of %s", s.PeriodEnd)
		}
		for c := range terms.Covenants {
			if t, ok := evaluate(&terms.Covenants[c], s, idx, triggers); ok {
				res.Tests = append(res.Tests, t)
			}
		}
	}
	return res, nil
}

// evaluation collects what a test needs and why it cannot be decided.
type evaluation struct {
	cov          *agreement.Covenant
	st           *Statement
	undetermined []string
	cites        []explain.Cite
	assumptions  []string
}

func (e *evaluation) unknown(path, why string) {
	e.undetermined = append(e.undetermined, fmt.Sprintf("term %s is unknown (%s)", path, why))
}

func (e *evaluation) cite(c explain.Cite) {
	if c.IsZero() {
		return
	}
	for _, have := range e.cites {
		if have == c {
			return
		}
	}
	e.cites = append(e.cites, c)
}

func (e *evaluation) assume(a string) {
	if a != "" {
		e.assumptions = append(e.assumptions, a)
	}
}

func termPath(p, cov, field string) string {
	if p != "" {
		return p
	}
	return "covenants." + cov + "." + field
}

func evaluate(cov *agreement.Covenant, st *Statement, idx map[periodKey]*Statement, triggers TriggerPeriods) (Test, bool) {
	e := &evaluation{cov: cov, st: st}
	e.cite(cov.Cite)
	if ft := cov.FirstTest; ft != nil {
		if !ft.Known() {
			e.unknown(termPath(ft.Path, cov.ID, "first_test"), ft.Unknown)
		} else if st.PeriodEnd < ft.Value {
			return Test{}, false
		}
		e.cite(ft.Cite)
	}
	switch f := cov.Frequency; {
	case !f.Known():
		e.unknown(termPath(f.Path, cov.ID, "frequency"), f.Unknown)
	case f.Value == "" || f.Value == "quarterly":
	case f.Value == "annually":
		if st.FiscalQuarter != 4 {
			return Test{}, false
		}
	default:
		e.undetermined = append(e.undetermined, fmt.Sprintf("frequency %q of %s is not supported (expected quarterly or annually)", f.Value, termPath(f.Path, cov.ID, "frequency")))
	}

	t := Test{
		Covenant: cov.ID, Label: cov.Label, PeriodEnd: st.PeriodEnd,
		FiscalYear: st.FiscalYear, FiscalQuarter: st.FiscalQuarter, Statement: st,
	}
	root := &explain.Node{
		Key:   "covenant." + cov.ID + "." + st.PeriodEnd.String(),
		Label: fmt.Sprintf("%s, %s", labelOf(cov), st.Period()),
		Rows:  &explain.Rows{File: st.File, Count: 1, Lines: []int{int(st.Line)}},
	}

	// Actual.
	m := cov.Metric
	num, numNode, numOK := e.sum(m.Numerator, root.Key+".actual", "numerator")
	var den money.Amount
	var denNode *explain.Node
	denOK := true
	if m.IsRatio() {
		den, denNode, denOK = e.sum(m.Denominator, root.Key+".actual", "denominator")
	}
	actualNode := &explain.Node{Key: root.Key + ".actual", Label: "Actual " + metricName(m), Formula: formulaOf(m)}
	// A ratio over a zero or negative denominator fails whatever the numerator.
	nonPositive := m.IsRatio() && denOK && den <= 0
	if numOK && denOK && !nonPositive {
		if m.IsRatio() {
			{
				q, err := money.Div(num, den)
				if err != nil {
					e.undetermined = append(e.undetermined, "ratio: "+err.Error())
				} else {
					t.Actual = ratioFigure(q)
				}
			}
		} else {
			t.Actual = amountFigure(num)
		}
	}
	actualNode.Value = t.Actual.String()
	actualNode.Add(numNode)
	if denNode != nil {
		actualNode.Add(denNode)
		if t.Actual.Known {
			actualNode.Formula += fmt.Sprintf(" = %s ÷ %s = %s (shown with %d decimals)", num.Grouped(), den.Grouped(), t.Actual.Rate.String(), RatioDecimals)
		}
	}

	// Required.
	reqNode := &explain.Node{Key: root.Key + ".required", Label: "Required (" + comparisonWord(cov.Comparison) + ")"}
	e.required(&t, reqNode, idx, m.IsRatio())

	switch cov.Comparison {
	case "min", "max":
	default:
		e.undetermined = append(e.undetermined, fmt.Sprintf("comparison %q of covenant %s is not supported (expected min or max)", cov.Comparison, cov.ID))
	}

	// Decide.
	switch {
	case nonPositive:
		t.Result = Fail
		t.Reason = fmt.Sprintf("denominator %s is %s, not above zero: the ratio fails",
			lineList(m.Denominator), den.Grouped())
		actualNode.Value = "not meaningful"
		actualNode.Formula += fmt.Sprintf(" — denominator %s ≤ 0: the test fails", den.Grouped())
	case len(e.undetermined) > 0:
		t.Result = Undetermined
		t.Reason = strings.Join(e.undetermined, "; ")
	default:
		e.decide(&t)
	}
	if tr := cov.Springing; tr != nil {
		// The figures are computed (a lender monitors a springing covenant
		// every period); the test applies only at a period end within a
		// trigger period.
		e.cite(tr.Cite)
		var ps []springing.Period
		known, why := false, ""
		if triggers != nil {
			ps, known, why = triggers(cov.ID, t.PeriodEnd)
		}
		p, in := springing.InEffect(ps, t.PeriodEnd)
		would := t.Result
		switch {
		case known && !in:
			t.Reason = fmt.Sprintf("did not apply: a springing covenant is tested only at a period end within a trigger period (%s), and none was in effect on %s", tr.Describe(), t.PeriodEnd)
			if would != Undetermined {
				t.Reason += " — the actual would " + would
			}
			t.Result = NotApplicable
		case known:
			node := &explain.Node{Key: root.Key + ".trigger", Label: "Trigger period in effect", Value: "from " + p.Start.String(),
				Formula: "tested: " + tr.Describe() + "; the period started on " + p.Start.String() + ": " + p.StartReason, Cites: []explain.Cite{tr.Cite}}
			if p.End != nil {
				node.Value = p.Start.String() + ".." + p.End.String()
			}
			root.Add(node)
		case t.Result != Undetermined:
			if why == "" {
				why = "whether " + t.PeriodEnd.String() + " is in one is not determined"
			}
			t.Reason = fmt.Sprintf("springing covenant: tested only at a period end within a trigger period (%s); "+
				"%s — the actual would %s", tr.Describe(), why, t.Result)
			t.Result = Undetermined
		}
	}

	root.Value = t.Result
	root.Formula = fmt.Sprintf("%s %s %s", metricName(m), comparisonSymbol(cov.Comparison), "required")
	if t.Reason != "" {
		root.Formula += " — " + t.Reason
	}
	root.Cites = e.cites
	root.Assumption = strings.Join(e.assumptions, "; ")
	hrNode := &explain.Node{Key: root.Key + ".headroom", Label: "Headroom", Value: t.Headroom.String()}
	switch cov.Comparison {
	case "min":
		hrNode.Formula = "actual − required"
	case "max":
		hrNode.Formula = "required − actual"
	}
	if t.LineHeadroom != nil {
		hrNode.Add(&explain.Node{
			Key:     root.Key + ".headroom." + t.HeadroomLine,
			Label:   "Headroom in " + t.HeadroomLine,
			Value:   t.LineHeadroom.String(),
			Formula: fmt.Sprintf("largest whole-cent change x in %s, every other line unchanged, with (numerator + a·x) ÷ (denominator + b·x) ≤ required, where a and b are the line's signs in numerator and denominator", t.HeadroomLine),
		})
	}
	root.Add(actualNode, reqNode, hrNode)
	t.Cites = e.cites
	if t.Cites == nil {
		t.Cites = []explain.Cite{}
	}
	t.Explain = root
	return t, true
}

// sum adds the signed lines of the statement; false when one is missing.
func (e *evaluation) sum(lines []agreement.Line, key, part string) (money.Amount, *explain.Node, bool) {
	n := &explain.Node{Key: key + "." + part, Label: strings.ToUpper(part[:1]) + part[1:]}
	var total money.Amount
	ok := true
	var terms []string
	for i, l := range lines {
		a, have := e.st.Lines[l.Name]
		if !have {
			e.undetermined = append(e.undetermined, fmt.Sprintf("line %s is not reported for %s (%s)", l.Name, e.st.Period(), e.st.Where()))
			ok = false
			terms = append(terms, signWord(l.Sign, i)+l.Name+" (not reported)")
			continue
		}
		v := a
		if l.Sign < 0 {
			v = -a
		}
		s, err := total.Add(v)
		if err != nil {
			e.undetermined = append(e.undetermined, fmt.Sprintf("%s overflows", part))
			ok = false
			continue
		}
		total = s
		terms = append(terms, signWord(l.Sign, i)+l.Name+" "+a.Grouped())
	}
	if len(lines) == 0 {
		e.undetermined = append(e.undetermined, fmt.Sprintf("the metric of covenant %s has no %s lines", e.cov.ID, part))
		ok = false
	}
	n.Formula = strings.Join(terms, " ")
	if ok {
		n.Value = total.String()
		n.Formula += " = " + total.Grouped()
	}
	n.Rows = &explain.Rows{File: e.st.File, Count: 1, Lines: []int{int(e.st.Line)}}
	return total, n, ok
}

func signWord(sign, i int) string {
	switch {
	case sign < 0 && i == 0:
		return "−"
	case sign < 0:
		return "− "
	case i == 0:
		return ""
	default:
		return "+ "
	}
}

func lineList(lines []agreement.Line) string {
	var b strings.Builder
	for i, l := range lines {
		b.WriteString(signWord(l.Sign, i))
		b.WriteString(l.Name)
		if i < len(lines)-1 {
			b.WriteByte(' ')
		}
	}
	if len(lines) > 1 {
		return "(" + b.String() + ")"
	}
	return b.String()
}

func formulaOf(m agreement.Metric) string {
	if m.Formula != "" {
		return metricName(m) + " = " + m.Formula
	}
	f := lineList(m.Numerator)
	if !m.IsRatio() && len(m.Numerator) == 1 && m.Numerator[0].Sign > 0 && m.Numerator[0].Name == m.Name {
		return m.Name + " as reported for the period"
	}
	if m.IsRatio() {
		f += " ÷ " + lineList(m.Denominator)
	}
	return metricName(m) + " = " + f
}

func metricName(m agreement.Metric) string {
	if m.Name != "" {
		return m.Name
	}
	return "metric"
}

func labelOf(c *agreement.Covenant) string {
	if c.Label != "" {
		return c.Label
	}
	return c.ID
}

func comparisonWord(c string) string {
	switch c {
	case "min":
		return "minimum"
	case "max":
		return "maximum"
	}
	return c
}

func comparisonSymbol(c string) string {
	switch c {
	case "min":
		return "≥"
	case "max":
		return "≤"
	}
	return "?"
}

// required sets t.Required: the threshold plus any ratchet.
func (e *evaluation) required(t *Test, n *explain.Node, idx map[periodKey]*Statement, ratio bool) {
	cov := e.cov
	th := cov.Threshold
	e.cite(th.Cite)
	e.assume(th.Assumption)
	thNode := &explain.Node{Key: n.Key + ".threshold", Label: "Threshold", Cites: citesOf(th.Cite)}
	n.Add(thNode)
	if !th.Known() {
		e.unknown(termPath(th.Path, cov.ID, "threshold"), th.Unknown)
		thNode.Value = "unknown"
		thNode.Formula = th.Unknown
		n.Value = "undetermined"
		return
	}
	if ratio {
		thNode.Value = th.Value.String()
		if cov.Ratchet != nil {
			e.undetermined = append(e.undetermined, fmt.Sprintf("covenant %s has a ratchet on a ratio metric: a ratchet raises an amount", cov.ID))
			n.Value = "undetermined"
			return
		}
		t.Required = ratioFigure(th.Value)
		n.Value = t.Required.String()
		n.Formula = "threshold " + th.Value.String()
		return
	}
	base, err := money.FromDecimal(th.Value.Decimal())
	if err != nil || base.Decimal().Cmp(th.Value.Decimal()) != 0 {
		e.undetermined = append(e.undetermined, fmt.Sprintf("threshold %s of %s is not an amount in whole cents within range", th.Value, termPath(th.Path, cov.ID, "threshold")))
		n.Value = "undetermined"
		return
	}
	thNode.Value = base.String()
	formula := "threshold " + base.Grouped()
	total := base
	ok := true
	if r := cov.Ratchet; r != nil {
		inc, rn, rok := e.ratchet(r, idx, n.Key)
		n.Add(rn)
		if sum, err := total.Add(inc); rok && err == nil {
			total = sum
			formula += " + ratchet " + inc.Grouped()
		} else {
			ok = false
		}
	}
	if !ok {
		n.Value = "undetermined"
		n.Formula = formula + " + ratchet (undetermined)"
		return
	}
	t.Required = amountFigure(total)
	n.Value = total.String()
	n.Formula = formula + " = " + total.Grouped()
}

func citesOf(c explain.Cite) []explain.Cite {
	if c.IsZero() {
		return nil
	}
	return []explain.Cite{c}
}

// ratchet sums the increments of the fiscal years whose last day is on or
// before the statement's period end.
func (e *evaluation) ratchet(r *agreement.Ratchet, idx map[periodKey]*Statement, key string) (money.Amount, *explain.Node, bool) {
	cov, st := e.cov, e.st
	n := &explain.Node{Key: key + ".ratchet", Label: "Ratchet", Cites: citesOf(r.Cite)}
	e.cite(r.Cite)
	e.cite(r.Share.Cite)
	e.cite(r.FromFiscalYear.Cite)
	e.assume(r.Share.Assumption)
	e.assume(r.FromFiscalYear.Assumption)
	base := termPath("", cov.ID, "ratchet")
	if r.Share.Path != "" {
		base = strings.TrimSuffix(r.Share.Path, ".share")
	}
	ok := true
	if r.Unknown != "" {
		e.unknown(base, r.Unknown)
		ok = false
	}
	if !r.Share.Known() {
		e.unknown(termPath(r.Share.Path, cov.ID, "ratchet.share"), r.Share.Unknown)
		ok = false
	}
	if !r.FromFiscalYear.Known() {
		e.unknown(termPath(r.FromFiscalYear.Path, cov.ID, "ratchet.from_fiscal_year"), r.FromFiscalYear.Unknown)
		ok = false
	}
	line := r.Line
	if line == "" {
		line = NetIncome
	}
	if !ok {
		n.Value = "unknown"
		return 0, n, false
	}
	n.Formula = fmt.Sprintf("Σ over fiscal years from %d ending on or before %s of %s × the year's %s when positive (losses never lower it), each rounded half away from zero to the cent",
		r.FromFiscalYear.Value, st.PeriodEnd, r.Share.Value.Percent(), line)
	last := st.FiscalYear - 1
	if st.FiscalQuarter == 4 {
		last = st.FiscalYear
	}
	var total money.Amount
	if from := r.FromFiscalYear.Value; from < 1900 || from > 2199 {
		e.undetermined = append(e.undetermined, fmt.Sprintf("ratchet from fiscal year %d (%s) is outside 1900–2199", from, termPath(r.FromFiscalYear.Path, cov.ID, "ratchet.from_fiscal_year")))
		n.Value = "undetermined"
		return 0, n, false
	}
	for y := r.FromFiscalYear.Value; y <= last; y++ {
		yn := &explain.Node{Key: fmt.Sprintf("%s.ratchet.%d", key, y), Label: fmt.Sprintf("Fiscal %d %s", y, line)}
		n.Add(yn)
		var sum money.Amount
		var err error
		var parts, missing []string
		rows := &explain.Rows{}
		for q := 1; q <= 4; q++ {
			s := idx[periodKey{y, q}]
			if s == nil {
				missing = append(missing, fmt.Sprintf("fiscal %d Q%d statement", y, q))
				continue
			}
			v, have := s.Lines[line]
			if !have {
				missing = append(missing, fmt.Sprintf("%s of %s (%s)", line, s.Period(), s.Where()))
				continue
			}
			if sum, err = sum.Add(v); err != nil {
				break
			}
			parts = append(parts, fmt.Sprintf("Q%d %s", q, v.Grouped()))
			rows.File = s.File
			rows.Count++
			rows.Lines = append(rows.Lines, int(s.Line))
		}
		if rows.Count > 0 {
			yn.Rows = rows
		}
		if err != nil {
			e.undetermined = append(e.undetermined, fmt.Sprintf("the sum of fiscal %d %s overflows", y, line))
			yn.Value = "undetermined"
			ok = false
			continue
		}
		if len(missing) > 0 {
			e.undetermined = append(e.undetermined, fmt.Sprintf("ratchet needs fiscal %d %s but %s missing", y, line, strings.Join(missing, ", ")+isAre(len(missing))))
			yn.Value = "undetermined"
			yn.Formula = strings.Join(parts, " + ") + " — missing: " + strings.Join(missing, ", ")
			ok = false
			continue
		}
		yn.Formula = strings.Join(parts, " + ") + " = " + sum.Grouped()
		if sum <= 0 {
			yn.Value = "0.00"
			yn.Formula += " — not positive: no increase"
			continue
		}
		inc, err := sum.Mul(r.Share.Value)
		if err != nil {
			e.undetermined = append(e.undetermined, fmt.Sprintf("ratchet increment for fiscal %d overflows", y))
			ok = false
			continue
		}
		yn.Value = inc.String()
		yn.Formula += fmt.Sprintf(" × %s = %s", r.Share.Value.Percent(), inc.Grouped())
		if total, err = total.Add(inc); err != nil {
			e.undetermined = append(e.undetermined, "ratchet overflows")
			ok = false
			continue
		}
	}
	if !ok {
		n.Value = "undetermined"
		return 0, n, false
	}
	n.Value = total.String()
	return total, n, true
}

func isAre(n int) string {
	if n == 1 {
		return " is"
	}
	return " are"
}

// decide compares actual and required and sets result, headroom and reason.
func (e *evaluation) decide(t *Test) {
	cov := e.cov
	min := cov.Comparison == "min"
	if !t.Actual.Ratio {
		a, r := t.Actual.Amount, t.Required.Amount
		h, err := a.Add(-r)
		if !min {
			h, err = r.Add(-a)
		}
		if err != nil {
			t.Result = Undetermined
			t.Reason = "headroom overflows"
			return
		}
		t.Headroom = amountFigure(h)
		if h >= 0 {
			t.Result = Pass
			return
		}
		t.Result = Fail
		if min {
			t.Reason = fmt.Sprintf("%s %s is below the required minimum %s by %s", metricName(cov.Metric), a.Grouped(), r.Grouped(), (-h).Grouped())
		} else {
			t.Reason = fmt.Sprintf("%s %s is above the allowed maximum %s by %s", metricName(cov.Metric), a.Grouped(), r.Grouped(), (-h).Grouped())
		}
		return
	}
	a, r := t.Actual.Rate, t.Required.Rate
	h := a.Sub(r)
	if !min {
		h = r.Sub(a)
	}
	t.Headroom = ratioFigure(h)
	if !min {
		t.LineHeadroom, t.HeadroomLine = lineHeadroom(cov.Metric, e.st, r)
	}
	if h.Sign() >= 0 {
		t.Result = Pass
		return
	}
	t.Result = Fail
	if min {
		t.Reason = fmt.Sprintf("%s %s is below the required minimum %s", metricName(cov.Metric), a.String(), r.String())
	} else {
		t.Reason = fmt.Sprintf("%s %s is above the allowed maximum %s", metricName(cov.Metric), a.String(), r.String())
	}
}

// lineHeadroom finds, for a maximum ratio N/D ≤ R, how much the first line X
// of the numerator could change with every other line fixed: with a and b
// the coefficients of X in N and D, (N + a·x) ≤ R·(D + b·x) ⇔
// x·(a − R·b) ≤ R·D − N, so x ≤ (R·D − N) ÷ (a − R·b) when a − R·b > 0. The
// result is the largest whole cent not above that bound, and only when the
// denominator stays positive there; nil otherwise.
func lineHeadroom(m agreement.Metric, st *Statement, r money.Rate) (*money.Amount, string) {
	if len(m.Numerator) == 0 {
		return nil, ""
	}
	x := m.Numerator[0].Name
	coef := func(lines []agreement.Line) (int64, money.Amount) {
		var c int64
		var s money.Amount
		for _, l := range lines {
			v := st.Lines[l.Name]
			sg := int64(1)
			if l.Sign < 0 {
				sg = -1
			}
			if l.Name == x {
				c += sg
			}
			s += money.Amount(sg) * v
		}
		return c, s
	}
	a, n := coef(m.Numerator)
	b, d := coef(m.Denominator)
	// k = a − R·b (exact), rhs = R·D − N (exact, in dollars).
	var k, rd, rhs, q apd.Decimal
	ctx := apd.BaseContext.WithPrecision(60)
	ctx.Rounding = apd.RoundFloor
	rdec := r.Decimal()
	var bR apd.Decimal
	if _, err := ctx.Mul(&bR, rdec, apd.New(b, 0)); err != nil {
		return nil, ""
	}
	if _, err := ctx.Sub(&k, apd.New(a, 0), &bR); err != nil || k.Sign() <= 0 {
		return nil, ""
	}
	if _, err := ctx.Mul(&rd, rdec, d.Decimal()); err != nil {
		return nil, ""
	}
	if _, err := ctx.Sub(&rhs, &rd, n.Decimal()); err != nil {
		return nil, ""
	}
	if _, err := ctx.Quo(&q, &rhs, &k); err != nil {
		return nil, ""
	}
	// Floor to the cent: the largest whole-cent x with x ≤ bound.
	var c apd.Decimal
	if _, err := ctx.Quantize(&c, &q, -2); err != nil {
		return nil, ""
	}
	v, err := money.FromDecimal(&c)
	if err != nil {
		return nil, ""
	}
	// The denominator must stay positive at x.
	if d+money.Amount(b)*v <= 0 {
		return nil, ""
	}
	return &v, x
}
