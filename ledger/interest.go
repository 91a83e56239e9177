package ledger

import (
	"fmt"
	"sort"
	"time"

	"github.com/cockroachdb/apd/v3"

	"revolver/calendar"
	"revolver/date"
	"revolver/money"
)

// DayCount gives the fraction of a year that one day of interest counts
// for: Num/Den. The calendar package's conventions can be plugged in by
// implementing it.
type DayCount interface {
	DayFraction(d date.Date) (num, den int64)
}

// DayCountFunc adapts a function to DayCount.
type DayCountFunc func(d date.Date) (num, den int64)

// DayFraction calls f.
func (f DayCountFunc) DayFraction(d date.Date) (int64, int64) { return f(d) }

// Actual360 counts each day as 1/360 of a year (the default).
var Actual360 DayCount = DayCountFunc(func(date.Date) (int64, int64) { return 1, 360 })

// Actual365 counts each day as 1/365 of a year.
var Actual365 DayCount = DayCountFunc(func(date.Date) (int64, int64) { return 1, 365 })

// DayCountByName returns the day count for the terms' names actual_360 (or
// ""), actual_365, 30_360, 30_360_us and actual_actual_isda.
func DayCountByName(name string) (DayCount, error) {
	switch name {
	case "", "actual_360":
		return Actual360, nil
	case "actual_365":
		return Actual365, nil
	case "30_360":
		// 30/360 (US bond basis): each day's share is the 30/360 count from
		// it to the next day, so that a period's days sum to its 30/360
		// count (a 31st counts 0, the end of February makes up the month).
		return DayCountFunc(func(d date.Date) (int64, int64) {
			return calendar.Thirty360.YearFraction(d, d.AddDays(1))
		}), nil
	case "30_360_us":
		// 30/360 US: each day's share is what it adds to the 30/360 US
		// count from the first of its month, so that a calendar month's days
		// sum to 30 (the February rules change a period only when it starts
		// on the last day of February, which a month from the first never
		// does).
		return DayCountFunc(func(d date.Date) (int64, int64) {
			y, m, _ := d.Civil()
			first := date.Of(y, m, 1)
			return calendar.Thirty360US.Days(first, d.AddDays(1)) - calendar.Thirty360US.Days(first, d), 360
		}), nil
	case "actual_actual_isda":
		// Actual/Actual (ISDA): a day of a leap year is 1/366, any other 1/365.
		return DayCountFunc(func(d date.Date) (int64, int64) {
			return 1, int64(date.Of(d.Year()+1, 1, 1) - date.Of(d.Year(), 1, 1))
		}), nil
	}
	return nil, invalidf("day count %q: expected actual_360, actual_365, 30_360, 30_360_us or actual_actual_isda", name)
}

// RatePoint is a value of a base rate series effective from a date, with
// where it was taken from (Source, e.g. "Federal Reserve H.15, bank prime
// loan rate (FRED DPRIME)") and, once stored, when it was recorded.
type RatePoint struct {
	Effective  date.Date  `json:"effective"`
	Value      money.Rate `json:"value"`
	Source     string     `json:"source,omitempty"`
	RecordedAt time.Time  `json:"recorded_at,omitzero"`
}

// RateSeries is a base rate series (prime, libor, sofr) sorted by Effective.
type RateSeries []RatePoint

// Sort orders the series by effective date.
func (s RateSeries) Sort() {
	sort.SliceStable(s, func(i, j int) bool { return s[i].Effective < s[j].Effective })
}

// At returns the value in effect on d: the point with the latest effective
// date on or before d.
func (s RateSeries) At(d date.Date) (money.Rate, bool) {
	i := sort.Search(len(s), func(i int) bool { return s[i].Effective > d })
	if i == 0 {
		return money.Rate{}, false
	}
	return s[i-1].Value, true
}

// RateUnknown is the undetermined error of a figure (what) that needs the
// value of series on day when the series has none effective on or before it.
func RateUnknown(series string, day date.Date, what string) error {
	return &Error{Code: CodeUndetermined, ValueDate: day,
		Message: fmt.Sprintf("%s is undetermined: rate series %q has no value effective on or before %s", what, series, day),
		Reasons: []Reason{{Code: ReasonUndetermined, Message: fmt.Sprintf("rate series %q has no value effective on or before %s", series, day)}}}
}

// Pricing is how a facility's loans bear interest.
type Pricing struct {
	Series   string     // base rate series name, e.g. "prime"
	Margin   money.Rate // added to the base rate
	DayCount DayCount   // nil means Actual360
	// Option and DayCountName name the option and the day count, for
	// explanations ("" when not known).
	Option, DayCountName string
	// Floor, when set, is the least the base is read as.
	Floor *money.Rate
	// Lookback > 0 (Daily Simple SOFR): each day bears the series' value of
	// the business day of LookbackCalendar Lookback such days before it
	// (DailySimpleSOFR).
	Lookback         int
	LookbackCalendar calendar.Calendar
	// Grid, when set, is the option's margin grid: Margin is then the
	// margin of the level in force on the day the pricing is for, as the
	// caller set it (app: the rate of a day).
	Grid *MarginGrid
	// Default is the default interest of the day (0: none): added to the
	// rate while an event of default continues, as the terms say.
	Default money.Rate
	// Note says what set the day's margin and default interest, for the
	// memo and the explanations ("" for a fixed margin and no default
	// interest).
	Note string
}

// DailyAccrual is the interest of one day.
type DailyAccrual struct {
	Day       date.Date
	Principal money.Amount
	Base      money.Rate
	Rate      money.Rate // max(base, floor) + margin + default interest
	Amount    money.Amount
	// Margin and Default are the day's margin and default interest, Note
	// what set them (Pricing.Note).
	Margin, Default money.Rate
	Note            string
	// Floored: the floor was above the base and applied; Point is the
	// series' value the day bore, with its source.
	Floored bool
	Point   RatePoint
}

// AccrueDay computes one day's interest on the principal balance at the
// closing of day: principal × (base + margin) × num/den of the day count.
//
// Rounding: the day's exact amount is computed in decimal and rounded once,
// half away from zero, to the cent; each day is posted as its own accrual
// transaction, so the posted total over a period is the sum of the rounded
// daily amounts. A zero or negative principal accrues nothing.
func AccrueDay(p Pricing, series RateSeries, day date.Date, principal money.Amount) (DailyAccrual, error) {
	out, err := RateOfDay(p, series, day)
	out.Principal = principal
	if err != nil {
		return out, err
	}
	if principal <= 0 {
		return out, nil
	}
	dc := p.DayCount
	if dc == nil {
		dc = Actual360
	}
	num, den := dc.DayFraction(day)
	if den <= 0 || num < 0 {
		return out, invalidf("interest on %s: day count fraction %d/%d", day, num, den)
	}
	c := apd.BaseContext.WithPrecision(40)
	c.Rounding = apd.RoundHalfUp
	var x apd.Decimal
	if _, err := c.Mul(&x, principal.Decimal(), out.Rate.Decimal()); err != nil {
		return out, err
	}
	if _, err := c.Mul(&x, &x, apd.New(num, 0)); err != nil {
		return out, err
	}
	if _, err := c.Quo(&x, &x, apd.New(den, 0)); err != nil {
		return out, err
	}
	a, err := money.FromDecimal(&x)
	if err != nil {
		return out, fmt.Errorf("interest on %s: %w", day, err)
	}
	out.Amount = a
	return out, nil
}

// RateOfDay is the rate a day's interest bears under p: the series' value
// the day reads (in force that day, or looked back to for Daily Simple
// SOFR), at least the floor, plus the margin and the default interest of
// p. It is the one computation of a day's rate: close of business accrues
// at it (AccrueDay) and the interest shown is explained by it. The
// result's Principal and Amount are zero.
func RateOfDay(p Pricing, series RateSeries, day date.Date) (DailyAccrual, error) {
	out := DailyAccrual{Day: day, Margin: p.Margin, Default: p.Default, Note: p.Note}
	var pt RatePoint
	if p.Lookback > 0 {
		var err error
		if pt, err = DailySimpleSOFR(p.Series, series, day, p.Lookback, p.LookbackCalendar); err != nil {
			return out, err
		}
	} else {
		i := sort.Search(len(series), func(i int) bool { return series[i].Effective > day })
		if i == 0 {
			return out, RateUnknown(p.Series, day, "interest on "+day.String())
		}
		pt = series[i-1]
	}
	base := pt.Value
	out.Base, out.Point = base, pt
	if p.Floor != nil && base.Cmp(*p.Floor) < 0 {
		base, out.Floored = *p.Floor, true
	}
	out.Rate = base.Add(p.Margin)
	if p.Default.Sign() != 0 {
		out.Rate = out.Rate.Add(p.Default)
	}
	return out, nil
}

// InterestKey is the idempotency key of the accrual of day: a
// close-of-business run posts at most one accrual per facility and day.
func InterestKey(day date.Date) string { return "interest:" + day.String() }

// CapitaliseKey is the idempotency key of the capitalisation of the interest
// of the month ending on monthEnd.
func CapitaliseKey(monthEnd date.Date) string { return "interest-capitalise:" + monthEnd.String() }

// Accrual is the transaction posting one day's interest: debit
// InterestReceivable, credit InterestIncome, keyed by InterestKey. It
// returns ok=false when the amount is zero (nothing to post).
func Accrual(facility string, a DailyAccrual) (Transaction, bool, error) {
	if a.Amount == 0 {
		return Transaction{}, false, nil
	}
	if a.Amount < 0 {
		return Transaction{}, false, invalidf("interest on %s: negative amount %s", a.Day, a.Amount)
	}
	t := Transaction{Facility: facility, Kind: KindInterest, ValueDate: a.Day, Key: InterestKey(a.Day),
		Memo:     fmt.Sprintf("interest %s on %s at %s", a.Day, a.Principal, a.Rate),
		Postings: []Posting{{InterestReceivable, a.Amount}, {InterestIncome, -a.Amount}}}
	if a.Note != "" {
		t.Memo += "; " + a.Note
	}
	return t, true, t.Validate()
}

// Capitalise moves accrued interest to the loans (monthly_capitalised
// billing): debit Loans, credit InterestReceivable, keyed by CapitaliseKey.
// With billed interest (monthly_billed) nothing is capitalised; the
// receivable stays until paid.
func Capitalise(facility string, monthEnd date.Date, accrued money.Amount) (Transaction, bool, error) {
	if accrued <= 0 {
		return Transaction{}, false, nil
	}
	t := Transaction{Facility: facility, Kind: KindCapitalise, ValueDate: monthEnd, Key: CapitaliseKey(monthEnd),
		Postings: []Posting{{Loans, accrued}, {InterestReceivable, -accrued}}}
	return t, true, t.Validate()
}

// IsMonthEnd reports whether d is the last day of its month.
func IsMonthEnd(d date.Date) bool {
	_, m1, _ := d.Civil()
	_, m2, _ := d.AddDays(1).Civil()
	return m1 != m2
}

// InterestAdjustmentKey is the idempotency key of the interest adjustment
// posted on day for the back-valued Loans postings up to transaction id
// lastID.
func InterestAdjustmentKey(day date.Date, lastID int64) string {
	return fmt.Sprintf("interest-adjustment:%s:%d", day, lastID)
}

// InterestAdjustment is the transaction correcting interest already
// accrued: amount (the recomputed daily accruals of the affected days less
// those posted, positive or negative) is debited to InterestReceivable and
// credited to InterestIncome on day, keyed by key. It returns ok=false when
// the amount is zero.
func InterestAdjustment(facility string, day date.Date, key string, amount money.Amount, memo string) (Transaction, bool, error) {
	if amount == 0 {
		return Transaction{}, false, nil
	}
	t := Transaction{Facility: facility, Kind: KindInterestAdjustment, ValueDate: day, Key: key, Memo: memo,
		Postings: []Posting{{InterestReceivable, amount}, {InterestIncome, -amount}}}
	return t, true, t.Validate()
}
