package calendar

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/us"

	"revolver/date"
)

// Calendar is a set of business days: weekdays that are neither a holiday of
// its holiday set nor a closure the facility added. The zero Calendar is the
// US Federal Reserve calendar. A Calendar is an immutable value, safe to copy
// and to share between goroutines.
type Calendar struct {
	set      *holidaySet // nil: the Federal Reserve set
	closures []date.Date // sorted, unique; never modified after construction
}

// Holiday is a day a calendar is closed on a weekday.
type Holiday struct {
	Date date.Date `json:"date"`
	Name string    `json:"name"`
}

// ClosureName names the closures added with WithClosures.
const ClosureName = "facility closure"

// FederalReserve returns the US Federal Reserve calendar: weekends and the
// Federal Reserve holidays, a holiday on a Sunday observed on the Monday and a
// holiday on a Saturday not moved (see the package comment).
func FederalReserve() Calendar { return Calendar{} }

// WeekendsOnly returns a calendar whose only non-business days are Saturdays
// and Sundays (plus any closures added to it).
func WeekendsOnly() Calendar { return Calendar{set: weekendsOnly} }

// WithClosures returns a copy of c with the given days closed as well.
// Weekend days and duplicates are accepted and change nothing.
func (c Calendar) WithClosures(days ...date.Date) Calendar {
	if len(days) == 0 {
		return c
	}
	merged := make([]date.Date, 0, len(c.closures)+len(days))
	merged = append(merged, c.closures...)
	merged = append(merged, days...)
	slices.Sort(merged)
	merged = slices.Compact(merged)
	return Calendar{set: c.set, closures: merged}
}

// USGovernmentSecurities returns the US Government Securities calendar:
// weekends and the days SIFMA recommends a full close of the US bond market,
// the calendar of a "U.S. Government Securities Business Day" on which SOFR
// is published (see the package comment).
func USGovernmentSecurities() Calendar { return Calendar{set: usGovernmentSecurities} }

// ErrCalendar is returned for text that names no calendar.
var ErrCalendar = errors.New("not a calendar: expected federal_reserve, us_government_securities, london or weekends_only")

// ByName returns the calendar named "federal_reserve",
// "us_government_securities" (also "sifma", "usgs"), "london" or
// "weekends_only",
// case-insensitive, spaces and hyphens read as underscores.
func ByName(name string) (Calendar, error) {
	switch normalize(name) {
	case "federal_reserve":
		return FederalReserve(), nil
	case "us_government_securities", "sifma", "usgs":
		return USGovernmentSecurities(), nil
	case "london":
		return London(), nil
	case "weekends_only":
		return WeekendsOnly(), nil
	}
	return Calendar{}, fmt.Errorf("%q: %w", name, ErrCalendar)
}

// Name is "federal_reserve", "us_government_securities", "london" or
// "weekends_only".
func (c Calendar) Name() string { return c.holidays().name }

// Closures returns a copy of the closures added with WithClosures, sorted.
func (c Calendar) Closures() []date.Date { return slices.Clone(c.closures) }

func (c Calendar) holidays() *holidaySet {
	if c.set == nil {
		return federalReserve
	}
	return c.set
}

// IsBusinessDay reports whether d is a business day.
func (c Calendar) IsBusinessDay(d date.Date) bool {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	if _, ok := c.holidays().lookup(d); ok {
		return false
	}
	if len(c.closures) > 0 {
		if _, found := slices.BinarySearch(c.closures, d); found {
			return false
		}
	}
	return true
}

// Closed says why d is not a business day: "Saturday", "Sunday", the
// holiday's name (with " (observed)" when the holiday itself fell on a
// Sunday) or ClosureName. It returns "", false for a business day.
func (c Calendar) Closed(d date.Date) (reason string, closed bool) {
	if len(c.closures) > 0 {
		if _, found := slices.BinarySearch(c.closures, d); found {
			return ClosureName, true
		}
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return wd.String(), true
	}
	if name, ok := c.holidays().lookup(d); ok {
		return name, true
	}
	return "", false
}

// Holidays lists the weekdays of year y on which c is closed: observed
// holidays and added closures, in date order.
func (c Calendar) Holidays(y int) []Holiday {
	out := c.holidays().year(y)
	for _, d := range c.closures {
		if d.Year() != y {
			continue
		}
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if _, ok := c.holidays().lookup(d); ok {
			continue
		}
		out = append(out, Holiday{Date: d, Name: ClosureName})
	}
	slices.SortFunc(out, func(a, b Holiday) int { return int(a.Date - b.Date) })
	return out
}

// OnOrAfter returns d if it is a business day, else the next business day.
func (c Calendar) OnOrAfter(d date.Date) date.Date {
	for !c.IsBusinessDay(d) {
		d++
	}
	return d
}

// OnOrBefore returns d if it is a business day, else the previous business day.
func (c Calendar) OnOrBefore(d date.Date) date.Date {
	for !c.IsBusinessDay(d) {
		d--
	}
	return d
}

// Next returns the first business day strictly after d.
func (c Calendar) Next(d date.Date) date.Date { return c.OnOrAfter(d + 1) }

// Previous returns the last business day strictly before d.
func (c Calendar) Previous(d date.Date) date.Date { return c.OnOrBefore(d - 1) }

// BusinessDayAfter returns the first business day strictly after d: when a
// notice deposited with an overnight courier on d takes effect (Security
// Agreement ¶21). It is Next under the agreement's name.
func (c Calendar) BusinessDayAfter(d date.Date) date.Date { return c.Next(d) }

// AddBusinessDays moves n business days from d: forward for n > 0, backward
// for n < 0; n == 0 returns d unchanged, business day or not. The result is
// always a business day when n != 0.
func (c Calendar) AddBusinessDays(d date.Date, n int) date.Date {
	for ; n > 0; n-- {
		d = c.Next(d)
	}
	for ; n < 0; n++ {
		d = c.Previous(d)
	}
	return d
}

// BusinessDaysBetween counts business days from a to b: for a <= b, those in
// (a, b]; for b < a, minus those in [b, a). It inverts AddBusinessDays:
// BusinessDaysBetween(d, c.AddBusinessDays(d, n)) == n for every d and n.
func (c Calendar) BusinessDaysBetween(a, b date.Date) int {
	n := 0
	if a <= b {
		for d := a + 1; d <= b; d++ {
			if c.IsBusinessDay(d) {
				n++
			}
		}
		return n
	}
	for d := b; d < a; d++ {
		if c.IsBusinessDay(d) {
			n--
		}
	}
	return n
}

// holidaySet is a list of holiday rules and their observed dates, computed
// once for the years date.Min through date.Max.
type holidaySet struct {
	name  string
	rules []*cal.Holiday
	once  sync.Once
	dates map[date.Date]string
}

// Sunday holidays move to Monday; Saturday holidays stay on Saturday (the
// Federal Reserve is open on the Friday before).
var fedObserved = []cal.AltDay{{Day: time.Sunday, Offset: 1}}

var federalReserve = &holidaySet{
	name: "federal_reserve",
	rules: []*cal.Holiday{
		us.NewYear.Clone(&cal.Holiday{Observed: fedObserved}),
		us.MlkDay.Clone(&cal.Holiday{Name: "Birthday of Martin Luther King, Jr.", StartYear: 1986}),
		us.PresidentsDay.Clone(&cal.Holiday{Name: "Washington's Birthday"}),
		us.MemorialDay,
		us.Juneteenth.Clone(&cal.Holiday{Name: "Juneteenth National Independence Day", Observed: fedObserved}),
		us.IndependenceDay.Clone(&cal.Holiday{Observed: fedObserved}),
		us.LaborDay,
		us.ColumbusDay,
		us.VeteransDay.Clone(&cal.Holiday{Observed: fedObserved}),
		us.ThanksgivingDay,
		us.ChristmasDay.Clone(&cal.Holiday{Observed: fedObserved}),
	},
}

// SIFMA moves a holiday on a Saturday to the Friday before and one on a
// Sunday to the Monday after, except New Year's Day and Veterans Day, which
// move only from a Sunday (a Saturday one is not observed).
var (
	sifmaObserved  = []cal.AltDay{{Day: time.Saturday, Offset: -1}, {Day: time.Sunday, Offset: 1}}
	sundayObserved = []cal.AltDay{{Day: time.Sunday, Offset: 1}}
)

// goodFridayEarlyClose are the years SIFMA recommended an early close (noon)
// on Good Friday instead of a full close, because the Bureau of Labor
// Statistics released the employment report that morning: the day is a US
// Government Securities Business Day.
var goodFridayEarlyClose = []int{2010, 2012, 2015, 2021, 2023, 2026}

// closure is a one-off full close of the bond market on the given day.
func closure(name string, y int, m time.Month, d int) *cal.Holiday {
	return &cal.Holiday{Name: name, Month: m, Day: d, StartYear: y, EndYear: y, Func: cal.CalcDayOfMonth}
}

var usGovernmentSecurities = &holidaySet{
	name: "us_government_securities",
	rules: []*cal.Holiday{
		us.NewYear.Clone(&cal.Holiday{Observed: sundayObserved}),
		us.MlkDay.Clone(&cal.Holiday{Name: "Martin Luther King, Jr. Day", StartYear: 1998}),
		us.PresidentsDay.Clone(&cal.Holiday{Name: "Washington's Birthday"}),
		aa.GoodFriday.Clone(&cal.Holiday{Except: goodFridayEarlyClose}),
		us.MemorialDay,
		us.Juneteenth.Clone(&cal.Holiday{Name: "Juneteenth National Independence Day", StartYear: 2022, Observed: sifmaObserved}),
		us.IndependenceDay.Clone(&cal.Holiday{Observed: sifmaObserved}),
		us.LaborDay,
		us.ColumbusDay,
		us.VeteransDay.Clone(&cal.Holiday{Observed: sundayObserved}),
		us.ThanksgivingDay,
		us.ChristmasDay.Clone(&cal.Holiday{Observed: sifmaObserved}),
		closure("Markets closed (September 11 attacks)", 2001, time.September, 11),
		closure("Markets closed (September 11 attacks)", 2001, time.September, 12),
		closure("Markets closed (Hurricane Sandy)", 2012, time.October, 30),
	},
}

var weekendsOnly = &holidaySet{name: "weekends_only"}

// compute returns the observed weekday holidays of year y, in date order. An
// observed date may lie in another year than the holiday (not with the
// Federal Reserve rules, but the code does not assume it).
func (s *holidaySet) compute(y int) []Holiday {
	var out []Holiday
	for _, r := range s.rules {
		act, obs := r.Calc(y)
		if obs.IsZero() {
			continue
		}
		od := date.FromTime(obs)
		if wd := od.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue // falls on a weekend and is not moved
		}
		name := r.Name
		if !act.Equal(obs) {
			name += " (observed)"
		}
		out = append(out, Holiday{Date: od, Name: name})
	}
	slices.SortFunc(out, func(a, b Holiday) int { return int(a.Date - b.Date) })
	return out
}

func (s *holidaySet) init() {
	s.dates = make(map[date.Date]string)
	for y := date.Min.Year() - 1; y <= date.Max.Year()+1; y++ {
		for _, h := range s.compute(y) {
			s.dates[h.Date] = h.Name
		}
	}
}

// inRange reports whether the precomputed table answers for d.
func inRange(d date.Date) bool { return d >= date.Min && d <= date.Max }

func (s *holidaySet) lookup(d date.Date) (string, bool) {
	if len(s.rules) == 0 {
		return "", false
	}
	if inRange(d) {
		s.once.Do(s.init)
		name, ok := s.dates[d]
		return name, ok
	}
	y := d.Year()
	for _, yy := range []int{y - 1, y, y + 1} {
		for _, h := range s.compute(yy) {
			if h.Date == d {
				return h.Name, true
			}
		}
	}
	return "", false
}

// year lists the observed holidays whose observed date is in year y.
func (s *holidaySet) year(y int) []Holiday {
	var out []Holiday
	for _, yy := range []int{y - 1, y, y + 1} {
		for _, h := range s.compute(yy) {
			if h.Date.Year() == y {
				out = append(out, h)
			}
		}
	}
	return out
}
