package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"revolver/date"
)

// Period is a fiscal period: a whole fiscal year (Quarter 0), a quarter
// (Quarter 1–4, Month 0) or a fiscal month (Month 1–12, with its Quarter).
// Start and End are both in the period.
type Period struct {
	FiscalYear int       `json:"fiscal_year"`
	Quarter    int       `json:"quarter,omitempty"`
	Month      int       `json:"month,omitempty"`
	Start      date.Date `json:"start"`
	End        date.Date `json:"end"`
}

// Contains reports whether d is in the period.
func (p Period) Contains(d date.Date) bool { return d >= p.Start && d <= p.End }

// Days is the number of days in the period, both ends counted.
func (p Period) Days() int { return p.End.Sub(p.Start) + 1 }

// Label is "FY2004", "FY2004 Q3" or "FY2004 M7".
func (p Period) Label() string {
	s := "FY" + strconv.Itoa(p.FiscalYear)
	switch {
	case p.Month != 0:
		s += " M" + strconv.Itoa(p.Month)
	case p.Quarter != 0:
		s += " Q" + strconv.Itoa(p.Quarter)
	}
	return s
}

// String is the label and the dates: "FY2004 Q3 2004-07-05..2004-10-03".
func (p Period) String() string { return p.Label() + " " + p.Start.String() + ".." + p.End.String() }

// Anchor places a period end on a weekday relative to a reference date (a
// month's last day).
type Anchor uint8

// The anchors. OnOrBefore of a month's last day is the last such weekday of
// the month.
const (
	OnOrBefore Anchor = iota // the weekday on or before the reference: "last Saturday of September"
	Nearest                  // the weekday nearest the reference (at most 3 days away)
	OnOrAfter                // the weekday on or after the reference
)

var anchorNames = [...]string{OnOrBefore: "on_or_before", Nearest: "nearest", OnOrAfter: "on_or_after"}

// String is "on_or_before", "nearest" or "on_or_after".
func (a Anchor) String() string {
	if int(a) < len(anchorNames) {
		return anchorNames[a]
	}
	return fmt.Sprintf("Anchor(%d)", uint8(a))
}

// ErrAnchor is returned for text that names no anchor.
var ErrAnchor = errors.New("not an anchor: expected on_or_before (or last), nearest or on_or_after")

// ParseAnchor reads "on_or_before" ("last", "last_in_month"), "nearest"
// ("nearest_month_end") or "on_or_after".
func ParseAnchor(s string) (Anchor, error) {
	switch normalize(s) {
	case "on_or_before", "last", "last_in_month":
		return OnOrBefore, nil
	case "nearest", "nearest_month_end":
		return Nearest, nil
	case "on_or_after":
		return OnOrAfter, nil
	}
	return 0, fmt.Errorf("%q: %w", s, ErrAnchor)
}

// anchor returns the weekday wd placed relative to ref.
func anchor(ref date.Date, wd time.Weekday, a Anchor) date.Date {
	back := (int(ref.Weekday()) - int(wd) + 7) % 7 // days back to wd
	switch a {
	case OnOrAfter:
		return ref.AddDays((7 - back) % 7)
	case Nearest:
		if back <= 3 {
			return ref.AddDays(-back)
		}
		return ref.AddDays(7 - back)
	}
	return ref.AddDays(-back)
}

// Pattern is the number of weeks in each month of a 13-week quarter.
type Pattern [3]int

// The usual patterns.
var (
	Pattern445 = Pattern{4, 4, 5}
	Pattern454 = Pattern{4, 5, 4}
	Pattern544 = Pattern{5, 4, 4}
)

// String is "4-4-5".
func (p Pattern) String() string { return fmt.Sprintf("%d-%d-%d", p[0], p[1], p[2]) }

func (p Pattern) valid() bool { return p == Pattern445 || p == Pattern454 || p == Pattern544 }

// ErrPattern is returned for text that is not a week pattern.
var ErrPattern = errors.New("not a week pattern: expected 4-4-5, 4-5-4 or 5-4-4")

// ParsePattern reads "4-4-5", "4-5-4" or "5-4-4" ("445" and "4_4_5" too).
func ParsePattern(s string) (Pattern, error) {
	switch strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.TrimSpace(s)) {
	case "445":
		return Pattern445, nil
	case "454":
		return Pattern454, nil
	case "544":
		return Pattern544, nil
	}
	return Pattern{}, fmt.Errorf("%q: %w", s, ErrPattern)
}

type fiscalKind uint8

const (
	kindMonthEnd fiscalKind = iota
	kindWeeks
	kindAnchored
	kindExplicit
)

// FiscalCalendar divides time into fiscal years and quarters. The zero
// FiscalCalendar is CalendarQuarters. It is an immutable value.
type FiscalCalendar struct {
	kind    fiscalKind
	month   time.Month // the month the year end is anchored to; 0 means December
	weekday time.Weekday
	anchor  Anchor
	pattern Pattern
	periods []Period // explicit quarters, in order
}

// CalendarQuarters is the calendar year with quarters ending 31 March,
// 30 June, 30 September and 31 December.
func CalendarQuarters() FiscalCalendar { return FiscalCalendar{} }

// MonthEndYear is a fiscal year ending on the last day of month m, with
// quarters ending on the last days of every third month before it. Fiscal
// year y ends in month m of calendar year y.
func MonthEndYear(m time.Month) (FiscalCalendar, error) {
	if m < time.January || m > time.December {
		return FiscalCalendar{}, fmt.Errorf("fiscal year end month %d: expected 1 to 12", int(m))
	}
	return FiscalCalendar{kind: kindMonthEnd, month: m}, nil
}

// Weeks is a 52/53-week fiscal year of whole weeks. Fiscal year y ends on the
// weekday wd anchored to the last day of month m of year y: OnOrBefore (the
// last wd of the month), Nearest (the wd nearest the month's end, possibly in
// the next month) or OnOrAfter. Quarters are 13 weeks, the fourth 14 in a
// 53-week year; months follow the pattern, the last month taking the 53rd
// week.
func Weeks(p Pattern, m time.Month, wd time.Weekday, a Anchor) (FiscalCalendar, error) {
	switch {
	case !p.valid():
		return FiscalCalendar{}, fmt.Errorf("week pattern %v: %w", p, ErrPattern)
	case m < time.January || m > time.December:
		return FiscalCalendar{}, fmt.Errorf("fiscal year end month %d: expected 1 to 12", int(m))
	case wd < time.Sunday || wd > time.Saturday:
		return FiscalCalendar{}, fmt.Errorf("fiscal year end weekday %d: expected 0 (Sunday) to 6 (Saturday)", int(wd))
	case a > OnOrAfter:
		return FiscalCalendar{}, fmt.Errorf("anchor %v: %w", a, ErrAnchor)
	}
	return FiscalCalendar{kind: kindWeeks, month: m, weekday: wd, anchor: a, pattern: p}, nil
}

// AnchoredQuarters is a fiscal year ending on the last day of month m whose
// first three quarters end on the weekday wd anchored (by a) to the last day
// of every third month before m; the fourth quarter ends with the year.
// BTU International: AnchoredQuarters(time.December, time.Sunday, OnOrAfter)
// gives quarter ends 4 April, 4 July, 3 October and 31 December 2004.
func AnchoredQuarters(m time.Month, wd time.Weekday, a Anchor) (FiscalCalendar, error) {
	switch {
	case m < time.January || m > time.December:
		return FiscalCalendar{}, fmt.Errorf("fiscal year end month %d: expected 1 to 12", int(m))
	case wd < time.Sunday || wd > time.Saturday:
		return FiscalCalendar{}, fmt.Errorf("quarter end weekday %d: expected 0 (Sunday) to 6 (Saturday)", int(wd))
	case a > OnOrAfter:
		return FiscalCalendar{}, fmt.Errorf("anchor %v: %w", a, ErrAnchor)
	}
	return FiscalCalendar{kind: kindAnchored, month: m, weekday: wd, anchor: a}, nil
}

// ErrPeriods is returned by Explicit for periods that do not follow each other.
var ErrPeriods = errors.New("explicit fiscal periods must be quarters 1–4, in order, each starting the day after the previous one ends")

// Explicit is a fiscal calendar of stated quarters. Each period needs its
// FiscalYear, Quarter (1–4), Start and End; each starts the day after the
// previous one ends, and (FiscalYear, Quarter) increases. Dates outside the
// periods belong to no period.
func Explicit(periods ...Period) (FiscalCalendar, error) {
	if len(periods) == 0 {
		return FiscalCalendar{}, fmt.Errorf("no periods: %w", ErrPeriods)
	}
	ps := make([]Period, len(periods))
	for i, p := range periods {
		p.Month = 0
		switch {
		case p.Quarter < 1 || p.Quarter > 4:
			return FiscalCalendar{}, fmt.Errorf("period %d (%v): quarter %d: %w", i+1, p, p.Quarter, ErrPeriods)
		case p.End < p.Start:
			return FiscalCalendar{}, fmt.Errorf("period %d (%v): ends before it starts: %w", i+1, p, ErrPeriods)
		}
		if i > 0 {
			q := ps[i-1]
			if p.Start != q.End+1 {
				return FiscalCalendar{}, fmt.Errorf("period %d (%v): starts %v, expected %v, the day after %s ends: %w",
					i+1, p, p.Start, q.End+1, q.Label(), ErrPeriods)
			}
			if p.FiscalYear < q.FiscalYear || (p.FiscalYear == q.FiscalYear && p.Quarter <= q.Quarter) {
				return FiscalCalendar{}, fmt.Errorf("period %d (%v): %s does not come after %s: %w",
					i+1, p, p.Label(), q.Label(), ErrPeriods)
			}
		}
		ps[i] = p
	}
	return FiscalCalendar{kind: kindExplicit, periods: ps}, nil
}

func (f FiscalCalendar) endMonth() time.Month {
	if f.month == 0 {
		return time.December
	}
	return f.month
}

// String describes the calendar: "fiscal year ending 31 December, calendar
// quarters", ...
func (f FiscalCalendar) String() string {
	m := f.endMonth()
	switch f.kind {
	case kindWeeks:
		return fmt.Sprintf("52/53-week fiscal year (%v) ending on the %v %v the last day of %v",
			f.pattern, f.weekday, strings.ReplaceAll(f.anchor.String(), "_", " "), m)
	case kindAnchored:
		return fmt.Sprintf("fiscal year ending on the last day of %v; quarters 1–3 end on the %v %v the calendar quarter end",
			m, f.weekday, strings.ReplaceAll(f.anchor.String(), "_", " "))
	case kindExplicit:
		first, last := f.periods[0], f.periods[len(f.periods)-1]
		return fmt.Sprintf("explicit fiscal quarters %s to %s", first.Label(), last.Label())
	}
	return fmt.Sprintf("fiscal year ending on the last day of %v, quarters at month ends", m)
}

// lastDay returns the last day of the month k months after month m of year y
// (k may be negative).
func lastDay(y int, m time.Month, k int) date.Date {
	return date.Of(y, m, 1).AddMonths(k + 1).AddDays(-1)
}

// yearEnd returns the last day of fiscal year fy (rule-based kinds).
func (f FiscalCalendar) yearEnd(fy int) date.Date {
	end := lastDay(fy, f.endMonth(), 0)
	if f.kind == kindWeeks {
		return anchor(end, f.weekday, f.anchor)
	}
	return end
}

// quarterEnds returns the four quarter ends of fiscal year fy (rule-based kinds).
func (f FiscalCalendar) quarterEnds(fy int) [4]date.Date {
	var e [4]date.Date
	e[3] = f.yearEnd(fy)
	for q := range 3 {
		switch f.kind {
		case kindWeeks:
			e[q] = f.yearEnd(fy-1) + date.Date(91*(q+1))
		case kindAnchored:
			e[q] = anchor(lastDay(fy, f.endMonth(), -3*(3-q)), f.weekday, f.anchor)
		default:
			e[q] = lastDay(fy, f.endMonth(), -3*(3-q))
		}
	}
	return e
}

// Quarters returns the quarters of fiscal year fy in order. For an Explicit
// calendar it returns those stated for fy, possibly none.
func (f FiscalCalendar) Quarters(fy int) []Period {
	if f.kind == kindExplicit {
		var out []Period
		for _, p := range f.periods {
			if p.FiscalYear == fy {
				out = append(out, p)
			}
		}
		return out
	}
	ends := f.quarterEnds(fy)
	start := f.yearEnd(fy-1) + 1
	out := make([]Period, 4)
	for q, e := range ends {
		out[q] = Period{FiscalYear: fy, Quarter: q + 1, Start: start, End: e}
		start = e + 1
	}
	return out
}

// PeriodEnds returns the quarters of fiscal years fromYear through toYear, in
// order: the dates on which quarterly tests are made.
func (f FiscalCalendar) PeriodEnds(fromYear, toYear int) []Period {
	var out []Period
	for fy := fromYear; fy <= toYear; fy++ {
		out = append(out, f.Quarters(fy)...)
	}
	return out
}

// Year returns fiscal year fy as one period (Quarter 0). For an Explicit
// calendar it spans the quarters stated for fy, and ok is false when there
// are none.
func (f FiscalCalendar) Year(fy int) (p Period, ok bool) {
	qs := f.Quarters(fy)
	if len(qs) == 0 {
		return Period{}, false
	}
	return Period{FiscalYear: fy, Start: qs[0].Start, End: qs[len(qs)-1].End}, true
}

// fiscalYearOf returns the fiscal year containing d (rule-based kinds).
func (f FiscalCalendar) fiscalYearOf(d date.Date) int {
	fy := d.Year()
	for d > f.yearEnd(fy) {
		fy++
	}
	for d <= f.yearEnd(fy-1) {
		fy--
	}
	return fy
}

// PeriodContaining returns the quarter that contains d. ok is false only for
// an Explicit calendar and a date outside its periods.
func (f FiscalCalendar) PeriodContaining(d date.Date) (p Period, ok bool) {
	if f.kind == kindExplicit {
		lo, hi := 0, len(f.periods)
		for lo < hi {
			mid := (lo + hi) / 2
			if f.periods[mid].End < d {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if lo < len(f.periods) && f.periods[lo].Contains(d) {
			return f.periods[lo], true
		}
		return Period{}, false
	}
	for _, q := range f.Quarters(f.fiscalYearOf(d)) {
		if q.Contains(d) {
			return q, true
		}
	}
	panic("calendar: fiscal quarters do not cover " + d.String()) // unreachable: quarters tile the year
}

// Months returns the fiscal months of fiscal year fy: the calendar months for
// MonthEndYear and CalendarQuarters, the pattern's weeks for Weeks. An
// AnchoredQuarters or Explicit calendar has no months and returns nil.
func (f FiscalCalendar) Months(fy int) []Period {
	switch f.kind {
	case kindMonthEnd:
		out := make([]Period, 12)
		start := f.yearEnd(fy-1) + 1
		for i := range 12 {
			end := lastDay(fy, f.endMonth(), i-11)
			out[i] = Period{FiscalYear: fy, Quarter: i/3 + 1, Month: i + 1, Start: start, End: end}
			start = end + 1
		}
		return out
	case kindWeeks:
		out := make([]Period, 12)
		start := f.yearEnd(fy-1) + 1
		yearEnd := f.yearEnd(fy)
		for i := range 12 {
			end := start + date.Date(7*f.pattern[i%3]) - 1
			if i == 11 {
				end = yearEnd
			}
			out[i] = Period{FiscalYear: fy, Quarter: i/3 + 1, Month: i + 1, Start: start, End: end}
			start = end + 1
		}
		return out
	}
	return nil
}

// MarshalText writes the anchor's name.
func (a Anchor) MarshalText() ([]byte, error) {
	if int(a) >= len(anchorNames) {
		return nil, fmt.Errorf("anchor %d: %w", uint8(a), ErrAnchor)
	}
	return []byte(a.String()), nil
}

// UnmarshalText reads a name with ParseAnchor.
func (a *Anchor) UnmarshalText(b []byte) error {
	v, err := ParseAnchor(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText writes "4-4-5".
func (p Pattern) MarshalText() ([]byte, error) {
	if !p.valid() {
		return nil, fmt.Errorf("week pattern %v: %w", p, ErrPattern)
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads a pattern with ParsePattern.
func (p *Pattern) UnmarshalText(b []byte) error {
	v, err := ParsePattern(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
