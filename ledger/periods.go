package ledger

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"revolver/calendar"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// Option is a pricing option as a loan bears it: a Prime Rate Loan (no
// interest periods: the base in force each day) or a term-rate loan (a
// LIBOR or Term SOFR Rate Loan) whose rate is fixed for each interest
// period it elects from Periods.
type Option struct {
	ID     string
	Base   string // prime, libor, term_sofr, sofr, fed_funds
	Margin money.Rate
	// Grid, when set, is the option's margin grid: the margin of a day is
	// its level in force that day (Margin is then not used).
	Grid *MarginGrid
	// Periods are the interest periods the terms allow ("1m", "3m"); a
	// term-rate option without them cannot be elected.
	Periods []string
	// FixingDays: the rate is fixed this many business days of the
	// base's fixing calendar (FixingCalendar: London Banking Days for
	// LIBOR) before the period starts.
	FixingDays int
	// Minimum and Multiple of a loan's amount (0: none).
	Minimum, Multiple money.Amount
	// Floor, when set, is the least the base is read as.
	Floor *money.Rate
	// Lookback: Daily Simple SOFR's lookback in US Government Securities
	// Business Days (base sofr).
	Lookback int
	Cite     explain.Cite
}

// FixingCalendar is the calendar the option's rate-fixing days and
// lookback count (FixingCalendar of its base; facility for prime).
func (o Option) FixingCalendar(facility calendar.Calendar) calendar.Calendar {
	return FixingCalendar(o.Base, facility)
}

// IsTerm reports whether loans of the option have interest periods.
func (o Option) IsTerm() bool { return o.Base == "libor" || o.Base == "term_sofr" }

// CheckBorrowing refuses a borrowing of amount under the option for the
// interest period tenor ("" for a Prime Rate Loan): the tenor must be one
// the terms allow, the amount at least the minimum and a whole multiple.
func (o Option) CheckBorrowing(amount money.Amount, tenor string) error {
	switch {
	case o.IsTerm() && len(o.Periods) == 0:
		return &Error{Code: CodeUndetermined, Message: fmt.Sprintf("a %s loan cannot be elected: the terms give no interest periods for option %s", o.Base, o.ID)}
	case o.IsTerm() && tenor == "":
		return invalidf("a %s loan needs an interest period: one of %s", o.ID, strings.Join(o.Periods, ", "))
	case o.IsTerm() && !slices.Contains(o.Periods, tenor):
		return invalidf("interest period %q for option %s: expected one of %s", tenor, o.ID, strings.Join(o.Periods, ", "))
	case !o.IsTerm() && tenor != "":
		return invalidf("interest period %q for option %s: a %s loan has none", tenor, o.ID, o.Base)
	}
	if o.Minimum > 0 && amount < o.Minimum {
		return invalidf("a %s loan of %s: the minimum is %s", o.ID, amount, o.Minimum)
	}
	if o.Multiple > 0 && amount%o.Multiple != 0 {
		return invalidf("a %s loan of %s: expected a whole multiple of %s", o.ID, amount, o.Multiple)
	}
	return nil
}

// TenorMonths reads an interest period "1m".."12m" as months.
func TenorMonths(tenor string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(tenor, "m"))
	if err != nil || !strings.HasSuffix(tenor, "m") || n < 1 || n > 12 {
		return 0, invalidf("interest period %q: expected a number of months such as 1m, 3m or 6m", tenor)
	}
	return n, nil
}

// InterestPeriod is a term-rate loan's period [Start, End): its rate is
// fixed on Fixing.
type InterestPeriod struct {
	Tenor  string    `json:"tenor"`
	Start  date.Date `json:"start"`
	End    date.Date `json:"end"`
	Fixing date.Date `json:"fixing"`
}

// NewInterestPeriod is the interest period of tenor starting on start: it
// ends the same day tenor months later, moved by the modified following
// convention on cal; a period that starts on the last business day of a
// month ends on the last business day of its end month (the end-of-month
// rule). Its rate is fixed fixingDays business days of fixing before start.
func NewInterestPeriod(start date.Date, tenor string, cal calendar.Calendar, fixing calendar.Calendar, fixingDays int) (InterestPeriod, error) {
	n, err := TenorMonths(tenor)
	if err != nil {
		return InterestPeriod{}, err
	}
	end := cal.Adjust(start.AddMonths(n), calendar.ModifiedFollowing)
	if lastBusinessDayOfMonth(cal, start) {
		y, m, _ := start.AddMonths(n).Civil()
		end = cal.OnOrBefore(date.Of(y, m, 1).AddMonths(1) - 1)
	}
	return InterestPeriod{Tenor: tenor, Start: start, End: end, Fixing: fixing.AddBusinessDays(start, -fixingDays)}, nil
}

func lastBusinessDayOfMonth(cal calendar.Calendar, d date.Date) bool {
	y, m, _ := d.Civil()
	return cal.IsBusinessDay(d) && cal.OnOrBefore(date.Of(y, m, 1).AddMonths(1)-1) == d
}

// LoanRate is the rate of a loan: the base series' value on a day plus the
// margin, explained.
type LoanRate struct {
	Option string     `json:"option"`
	Series string     `json:"series"`
	On     date.Date  `json:"on"`        // the day the base is read (a term loan's fixing day)
	Point  RatePoint  `json:"base_rate"` // the series' value in force on On, with its source
	Margin money.Rate `json:"margin"`
	// Floored: the option's floor was above the base and was applied.
	Floored bool        `json:"floored,omitempty"`
	Floor   *money.Rate `json:"floor,omitempty"`
	// Default is the default interest of the day in Rate (0: none); Note
	// says what set the day's margin (a margin grid's level) and the
	// default interest (Pricing.Note).
	Default money.Rate `json:"default_interest,omitzero"`
	Note    string     `json:"note,omitempty"`
	Rate    money.Rate `json:"rate"`
}

// RateOn is the rate of option on day: series' value in force on day (the
// latest effective on or before it) plus the margin. A series with no value
// by then makes it undetermined, naming the series and the day.
func (o Option) RateOn(series string, s RateSeries, day date.Date) (LoanRate, error) {
	i := len(s) - 1
	for i >= 0 && s[i].Effective > day {
		i--
	}
	if i < 0 {
		return LoanRate{}, RateUnknown(series, day, fmt.Sprintf("the rate of a %s loan fixed on %s", o.ID, day))
	}
	r := LoanRate{Option: o.ID, Series: series, On: day, Point: s[i], Margin: o.Margin, Floor: o.Floor}
	base := s[i].Value
	if o.Floor != nil && base.Cmp(*o.Floor) < 0 {
		base, r.Floored = *o.Floor, true
	}
	r.Rate = base.Add(o.Margin)
	return r, nil
}

// Explain is the rate's explanation: base on the day + margin.
func (r LoanRate) Explain(cite explain.Cite) *explain.Node {
	n := &explain.Node{Key: "rate." + r.Option, Label: "Rate of a " + r.Option + " loan", Value: r.Rate.Percent(),
		Formula: fmt.Sprintf("%s on %s (%s, effective %s) + margin %s", r.Series, r.On, r.Point.Value.Percent(), r.Point.Effective, r.Margin.Percent())}
	if r.Floored {
		n.Formula = fmt.Sprintf("floor %s (above %s on %s: %s, effective %s) + margin %s", r.Floor.Percent(), r.Series, r.On, r.Point.Value.Percent(), r.Point.Effective, r.Margin.Percent())
	}
	if !cite.IsZero() {
		n.Cites = []explain.Cite{cite}
	}
	src := &explain.Node{Key: "rate." + r.Option + ".base", Label: r.Series + " effective " + r.Point.Effective.String(), Value: r.Point.Value.Percent(), Formula: "source: " + r.Point.Source}
	if r.Point.Source == "" {
		src.Formula = "source: not recorded"
	}
	return n.Add(src, &explain.Node{Key: "rate." + r.Option + ".margin", Label: "Margin", Value: r.Margin.Percent()})
}

// PeriodInterest is principal × rate × the period's year fraction under dc,
// rounded once to the cent (the interest a term loan owes for a whole
// period), explained.
func PeriodInterest(principal money.Amount, r LoanRate, dc calendar.DayCount, p InterestPeriod) (money.Amount, *explain.Node, error) {
	a, err := dc.Interest(principal, r.Rate, p.Start, p.End)
	if err != nil {
		return 0, nil, err
	}
	num, den := dc.YearFraction(p.Start, p.End)
	n := &explain.Node{Key: "interest.period", Label: fmt.Sprintf("Interest %s to %s", p.Start, p.End), Value: a.String(),
		Formula: fmt.Sprintf("%s × %s × %d/%d (%s)", principal, r.Rate.Percent(), num, den, dc)}
	return a, n, nil
}

// PeriodDayShare is what day d adds to the year fraction of a period that
// starts on start under dc: YearFraction(start, d+1) − YearFraction(start,
// d). A period's days sum to its year fraction whatever the convention (a
// 30/360 period that starts on the last day of February included).
func PeriodDayShare(dc calendar.DayCount, start, d date.Date) (num, den int64) {
	n1, d1 := dc.YearFraction(start, d+1)
	n0, d0 := dc.YearFraction(start, d)
	if d1 == d0 {
		return n1 - n0, d1
	}
	r := new(big.Rat).Sub(big.NewRat(n1, d1), big.NewRat(n0, d0))
	return r.Num().Int64(), r.Denom().Int64()
}

// DailySimpleSOFR is the SOFR a day of a Daily Simple SOFR loan bears with a
// lookback of lookback US Government Securities Business Days (cal): the
// value published for the business day lookback such days before day (or,
// when day is not a business day, before the business day preceding it).
// When no value was published for that day, the latest published within
// the three business days before it is used (the fallback of the market
// conventions); otherwise the day's interest is undetermined, naming the
// series and the day looked back to.
func DailySimpleSOFR(series string, s RateSeries, day date.Date, lookback int, cal calendar.Calendar) (RatePoint, error) {
	target := cal.AddBusinessDays(cal.OnOrBefore(day), -lookback)
	earliest := cal.AddBusinessDays(target, -3)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].Effective > target {
			continue
		}
		if s[i].Effective >= earliest {
			return s[i], nil
		}
		break
	}
	return RatePoint{}, RateUnknown(series, target, fmt.Sprintf("interest on %s (Daily Simple SOFR, %d-day lookback)", day, lookback))
}
