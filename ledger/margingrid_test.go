package ledger

import (
	"strings"
	"testing"

	"revolver/calendar"
	"revolver/date"
	"revolver/money"
)

func testGrid() MarginGrid {
	r := func(s string) *money.Rate { v := money.MustRate(s); return &v }
	return MarginGrid{Measure: "average_excess_availability", Period: "calendar_quarter", Quarters: calendar.CalendarQuarters(),
		MeasuredFrom: date.MustParse("2024-01-01"), Adjusts: "first_day_of_next_month", Initial: "level_ii",
		Levels: []MarginLevel{{ID: "level_i", AtLeast: r("66.67%"), Margin: money.MustRate("1.25%")},
			{ID: "level_ii", AtLeast: r("33.33%"), Margin: money.MustRate("1.5%")},
			{ID: "level_iii", Margin: money.MustRate("1.75%")}}}
}

// A day's availability: limit 10,000,000.00, available as given.
func avail(day date.Date, available money.Amount) Availability {
	return Availability{AsOf: day, Limit: 1_000_000_000, Available: available, Determined: true, Certificate: &Certificate{ID: 1}}
}

func TestMarginGridLevels(t *testing.T) {
	g := testGrid()
	d := date.MustParse
	measured := map[date.Date]money.Amount{ // per quarter start: each day's available
		d("2024-01-01"): 700_000_000, // 70%: level i
		d("2024-04-01"): 100_000_000, // 10%: level iii
	}
	calls := 0
	measure := func(p calendar.Period) (GridMeasure, error) {
		calls++
		var days []Availability
		for day := p.Start; day <= p.End; day++ {
			a, ok := measured[p.Start]
			if !ok {
				days = append(days, Availability{AsOf: day})
				continue
			}
			days = append(days, avail(day, a))
		}
		return MeasureExcessAvailability(p, days), nil
	}
	for _, tc := range []struct{ day, level, note string }{
		{"2024-02-15", "level_ii", "the initial level"},
		{"2024-03-31", "level_ii", "the initial level"},
		{"2024-04-01", "level_i", "average excess availability 70.00% of the line cap in FY2024 Q1 (2024-01-01..2024-03-31), from 2024-04-01"},
		{"2024-06-30", "level_i", "from 2024-04-01"},
		{"2024-07-01", "level_iii", "10.00% of the line cap in FY2024 Q2"},
		// Q3 has no certificate: Q2's level stays in force, saying so.
		{"2024-10-01", "level_iii", "FY2024 Q3 (2024-07-01..2024-09-30) not measured: no borrowing base certificate was in force and known then on 2024-07-01, the level before stays in force"},
	} {
		l, err := g.LevelOn(d(tc.day), measure)
		if err != nil {
			t.Fatal(err)
		}
		if l.Level.ID != tc.level || !strings.Contains(l.Note(), tc.note) {
			t.Errorf("%s: level %s, note %q; want %s, %q", tc.day, l.Level.ID, l.Note(), tc.level, tc.note)
		}
	}
	l, _ := g.LevelOn(d("2024-04-01"), measure)
	if e := l.Explain(); e.Value != "1.25%" || len(e.Children) != 1 || !strings.Contains(e.Children[0].Formula, "average daily excess availability 7000000.00 ÷ average daily line cap 10000000.00 over 91 days") {
		t.Errorf("explain %+v %+v", e, e.Children)
	}
	// Thresholds: at least 66.67% is level i, just under is level ii.
	if g.Level(money.MustRate("0.6667")).ID != "level_i" || g.Level(money.MustRate("0.66669")).ID != "level_ii" || g.Level(money.MustRate("0")).ID != "level_iii" {
		t.Error("level thresholds")
	}
	// A day after the period ends with the next-day rule.
	g.Adjusts = "day_after_period"
	q := calendar.Period{FiscalYear: 2024, Quarter: 1, Start: d("2024-01-01"), End: d("2024-03-31")}
	if g.AdjustmentDate(q) != d("2024-04-01") {
		t.Error("adjustment")
	}
	fy, _ := calendar.MonthEndYear(3)
	g.Quarters, g.Adjusts = fy, "first_day_of_next_month"
	if ps := g.periodsBefore(d("2024-08-01")); len(ps) != 2 || ps[0].End != d("2024-06-30") || ps[1].End != d("2024-03-31") {
		t.Errorf("fiscal quarters before 2024-08-01: %v", ps)
	}
}
