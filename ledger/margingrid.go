package ledger

import (
	"fmt"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"revolver/calendar"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// MarginGrid is a pricing option's margin by level of the average excess
// availability of a measured period (agreement.MarginGrid): the level
// measured for a period applies from the period's adjustment date until
// the next period's; before the first measured period's adjustment the
// initial level applies.
type MarginGrid struct {
	Measure string // agreement.MeasureAverageExcessAvailability
	// Period names the measured period ("calendar_quarter",
	// "fiscal_quarter"); Quarters are its quarters.
	Period   string
	Quarters calendar.FiscalCalendar
	// MeasuredFrom: periods starting before it are not measured.
	MeasuredFrom date.Date
	Adjusts      string // agreement.AdjustNextMonth or AdjustNextDay
	Initial      string
	// Levels, the highest threshold first; the last has no AtLeast.
	Levels []MarginLevel
	Cite   explain.Cite
}

// MarginLevel is one level of a grid: its margin applies when the
// measured share is at least AtLeast (the last level: otherwise).
type MarginLevel struct {
	ID      string      `json:"id"`
	AtLeast *money.Rate `json:"at_least,omitempty"`
	Margin  money.Rate  `json:"margin"`
}

// GridMeasure is the measure of one period: the average daily excess
// availability (the availability of each day: limit − letters of credit
// − loans) as a share of the average daily line cap (the limit: the lesser
// of the commitment, the maximum advances and the borrowing base), or why
// the period cannot be measured.
type GridMeasure struct {
	Period calendar.Period `json:"period"`
	Days   int             `json:"days"`
	// AverageExcess and AverageLineCap are shown rounded to the cent; the
	// share is their exact quotient (Σ excess ÷ Σ line cap).
	AverageExcess  money.Amount `json:"average_excess_availability"`
	AverageLineCap money.Amount `json:"average_line_cap"`
	Share          money.Rate   `json:"share"`
	// Undetermined says why the period cannot be measured ("" when it is).
	Undetermined string `json:"undetermined,omitempty"`
}

// PeriodLabel names a measured period: "FY2024 Q1 (2024-01-01..2024-03-31)".
func (m GridMeasure) PeriodLabel() string {
	return fmt.Sprintf("%s (%s..%s)", m.Period.Label(), m.Period.Start, m.Period.End)
}

// MeasureExcessAvailability measures period p from the availability of
// each of its days (in order, one per day). A day whose availability is
// undetermined (no certificate in force and known then, a term not known)
// leaves the period unmeasured, saying which day and why; the days after
// it need not be given.
func MeasureExcessAvailability(p calendar.Period, days []Availability) GridMeasure {
	m := GridMeasure{Period: p, Days: len(days)}
	var excess, limit money.Amount
	for _, a := range days {
		if !a.Determined {
			why := "availability is undetermined"
			if a.Certificate == nil {
				why = "no borrowing base certificate was in force and known then"
			}
			var rs []string
			for _, r := range a.Blocked {
				if r.Code == ReasonUndetermined {
					rs = append(rs, r.Message)
				}
			}
			if len(rs) > 0 && a.Certificate != nil {
				why += ": " + strings.Join(rs, "; ")
			}
			m.Undetermined = fmt.Sprintf("%s on %s", why, a.AsOf)
			return m
		}
		excess += a.Available
		limit += a.Limit
	}
	if len(days) != p.Days() {
		m.Undetermined = fmt.Sprintf("%d of the %d days of %s have an availability", len(days), p.Days(), m.PeriodLabel())
		return m
	}
	if limit <= 0 {
		m.Undetermined = fmt.Sprintf("the line cap of %s is zero", m.PeriodLabel())
		return m
	}
	n := money.Amount(len(days))
	m.AverageExcess, _ = money.FromDecimal(quo(excess, n))
	m.AverageLineCap, _ = money.FromDecimal(quo(limit, n))
	m.Share, _ = money.Div(excess, limit)
	return m
}

// quo is a ÷ n in dollars, to 34 digits.
func quo(a money.Amount, n money.Amount) *apd.Decimal {
	var q apd.Decimal
	c := apd.BaseContext.WithPrecision(34)
	_, _ = c.Quo(&q, a.Decimal(), apd.New(int64(n), 0))
	return &q
}

// AdjustmentDate is the day the level measured for p takes effect.
func (g MarginGrid) AdjustmentDate(p calendar.Period) date.Date {
	if g.Adjusts == "first_day_of_next_month" {
		y, mo, _ := p.End.Civil()
		return date.Of(y, mo, 1).AddMonths(1)
	}
	return p.End + 1
}

// Level returns the level of a measured share: the first whose AtLeast
// the share reaches, else the last.
func (g MarginGrid) Level(share money.Rate) MarginLevel {
	for _, l := range g.Levels {
		if l.AtLeast == nil || share.Cmp(*l.AtLeast) >= 0 {
			return l
		}
	}
	return g.Levels[len(g.Levels)-1]
}

func (g MarginGrid) level(id string) MarginLevel {
	for _, l := range g.Levels {
		if l.ID == id {
			return l
		}
	}
	return MarginLevel{ID: id}
}

// GridLevel is the level of a grid in force on a day and why: the period
// whose measure chose it (nil: the initial level) and the later periods
// that could not be measured, which leave the prior level in force.
type GridLevel struct {
	Day   date.Date   `json:"day"`
	Level MarginLevel `json:"level"`
	// Since is the adjustment date the level applies from (0: the initial
	// level, until the first adjustment).
	Since    date.Date     `json:"since,omitzero"`
	Measure  *GridMeasure  `json:"measure,omitempty"`
	Skipped  []GridMeasure `json:"not_measured,omitempty"`
	Cite     explain.Cite  `json:"cite,omitzero"`
	GridDesc string        `json:"grid"`
}

// LevelOn is the level in force on day: that of the latest measured
// period whose adjustment date is on or before day; a period that cannot
// be measured leaves the level before it in force (and is listed in
// Skipped); with none measured, the initial level. measure measures a
// period (the caller reads each day's availability as known then).
func (g MarginGrid) LevelOn(day date.Date, measure func(calendar.Period) (GridMeasure, error)) (GridLevel, error) {
	out := GridLevel{Day: day, Cite: g.Cite, GridDesc: fmt.Sprintf("average excess availability by %s", strings.ReplaceAll(g.Period, "_", " "))}
	for _, p := range g.periodsBefore(day) {
		m, err := measure(p)
		if err != nil {
			return out, err
		}
		if m.Undetermined != "" {
			out.Skipped = append(out.Skipped, m)
			continue
		}
		out.Level, out.Since, out.Measure = g.Level(m.Share), g.AdjustmentDate(p), &m
		return out, nil
	}
	out.Level = g.level(g.Initial)
	return out, nil
}

// periodsBefore lists the measured periods whose adjustment date is on or
// before day, the latest first, back to the first that starts on or after
// MeasuredFrom.
func (g MarginGrid) periodsBefore(day date.Date) []calendar.Period {
	var out []calendar.Period
	p, ok := g.Quarters.PeriodContaining(day)
	for ok && p.Start >= g.MeasuredFrom && p.Start > date.Min {
		if g.AdjustmentDate(p) <= day {
			out = append(out, p)
		}
		p, ok = g.Quarters.PeriodContaining(p.Start - 1)
	}
	return out
}

// Note is the level in a memo: "margin level_ii 1.5% (average excess
// availability 45.12% of the line cap in FY2024 Q1 (2024-01-01..2024-03-31),
// from 2024-04-01)".
func (l GridLevel) Note() string {
	var b strings.Builder
	fmt.Fprintf(&b, "margin %s %s (", l.Level.ID, l.Level.Margin.Percent())
	if l.Measure == nil {
		b.WriteString("the initial level, until the first adjustment")
	} else {
		fmt.Fprintf(&b, "average excess availability %s of the line cap in %s, from %s", usagePercent(l.Measure.Share), l.Measure.PeriodLabel(), l.Since)
	}
	for _, s := range l.Skipped {
		fmt.Fprintf(&b, "; %s not measured: %s, the level before stays in force", s.PeriodLabel(), s.Undetermined)
	}
	b.WriteString(")")
	return b.String()
}

// Explain is the level's explanation: which level, the measured average,
// the period, and the periods not measured.
func (l GridLevel) Explain() *explain.Node {
	n := &explain.Node{Key: "margin.level", Label: "Margin level " + l.Level.ID, Value: l.Level.Margin.Percent(), Formula: "margin grid on " + l.GridDesc + ": " + l.Note()}
	if !l.Cite.IsZero() {
		n.Cites = []explain.Cite{l.Cite}
	}
	if m := l.Measure; m != nil {
		n.Add(&explain.Node{Key: "margin.level.measure", Label: "Average excess availability " + m.PeriodLabel(), Value: usagePercent(m.Share),
			Formula: fmt.Sprintf("average daily excess availability %s ÷ average daily line cap %s over %d days", m.AverageExcess, m.AverageLineCap, m.Days)})
	}
	for _, s := range l.Skipped {
		n.Add(&explain.Node{Key: "margin.level.not_measured." + s.Period.End.String(), Label: s.PeriodLabel() + " not measured", Value: "prior level in force", Formula: s.Undetermined})
	}
	return n
}
