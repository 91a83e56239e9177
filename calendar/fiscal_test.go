package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"revolver/date"
)

// btu is BTU International's fiscal calendar: the year ends 31 December, the
// first three quarters end on the Sunday on or after the calendar quarter end.
func btu(t testing.TB) FiscalCalendar {
	f, err := AnchoredQuarters(time.December, time.Sunday, OnOrAfter)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func ends(ps []Period) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.End.String())
	}
	return out
}

func TestBTUQuarterEnds2004(t *testing.T) {
	f := btu(t)
	got := f.Quarters(2004)
	want := []Period{
		{FiscalYear: 2004, Quarter: 1, Start: d("2004-01-01"), End: d("2004-04-04")},
		{FiscalYear: 2004, Quarter: 2, Start: d("2004-04-05"), End: d("2004-07-04")},
		{FiscalYear: 2004, Quarter: 3, Start: d("2004-07-05"), End: d("2004-10-03")},
		{FiscalYear: 2004, Quarter: 4, Start: d("2004-10-04"), End: d("2004-12-31")},
	}
	if len(got) != len(want) {
		t.Fatalf("Quarters(2004) = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("quarter %d = %v, want %v", i+1, got[i], want[i])
		}
		if i < 3 && got[i].End.Weekday() != time.Sunday {
			t.Errorf("quarter %d ends on a %v", i+1, got[i].End.Weekday())
		}
	}
	// The Sunday nearest the calendar quarter end would give 28 March and
	// 27 June 2004: not BTU's calendar.
	nearest, _ := AnchoredQuarters(time.December, time.Sunday, Nearest)
	if e := ends(nearest.Quarters(2004)); e[0] != "2004-03-28" || e[1] != "2004-06-27" || e[2] != "2004-10-03" {
		t.Errorf("nearest Sunday quarter ends 2004 = %v", e)
	}
}

func TestBTUPeriodEnds2004to2007(t *testing.T) {
	got := strings.Join(ends(btu(t).PeriodEnds(2004, 2007)), " ")
	want := "2004-04-04 2004-07-04 2004-10-03 2004-12-31 " +
		"2005-04-03 2005-07-03 2005-10-02 2005-12-31 " +
		"2006-04-02 2006-07-02 2006-10-01 2006-12-31 " +
		"2007-04-01 2007-07-01 2007-09-30 2007-12-31"
	if got != want {
		t.Errorf("PeriodEnds(2004, 2007) =\n%s\nwant\n%s", got, want)
	}
}

func TestPeriodContaining(t *testing.T) {
	b := btu(t)
	cq := CalendarQuarters()
	june, _ := MonthEndYear(time.June)
	w445, _ := Weeks(Pattern445, time.December, time.Saturday, OnOrBefore)
	tests := []struct {
		name string
		f    FiscalCalendar
		day  string
		want string
	}{
		{"btu first day", b, "2004-01-01", "FY2004 Q1 2004-01-01..2004-04-04"},
		{"btu quarter end Sunday", b, "2004-04-04", "FY2004 Q1 2004-01-01..2004-04-04"},
		{"btu Monday after", b, "2004-04-05", "FY2004 Q2 2004-04-05..2004-07-04"},
		{"btu calendar Q3 end is fiscal Q3", b, "2004-09-30", "FY2004 Q3 2004-07-05..2004-10-03"},
		{"btu 3 October 2004", b, "2004-10-03", "FY2004 Q3 2004-07-05..2004-10-03"},
		{"btu year end", b, "2004-12-31", "FY2004 Q4 2004-10-04..2004-12-31"},
		{"btu Termination Date", b, "2007-05-31", "FY2007 Q2 2007-04-02..2007-07-01"},
		{"calendar quarters", cq, "2004-09-30", "FY2004 Q3 2004-07-01..2004-09-30"},
		{"calendar quarters leap day", cq, "2004-02-29", "FY2004 Q1 2004-01-01..2004-03-31"},
		{"June year end: July is FY next year", june, "2004-07-01", "FY2005 Q1 2004-07-01..2004-09-30"},
		{"June year end: June", june, "2005-06-30", "FY2005 Q4 2005-04-01..2005-06-30"},
		{"June year end: January", june, "2005-01-15", "FY2005 Q3 2005-01-01..2005-03-31"},
		// Last Saturday of December: 27 Dec 2003, 25 Dec 2004 (52 weeks), 31 Dec 2005 (53 weeks).
		{"4-4-5 start", w445, "2003-12-28", "FY2004 Q1 2003-12-28..2004-03-27"},
		{"4-4-5 Q4", w445, "2004-12-25", "FY2004 Q4 2004-09-26..2004-12-25"},
		{"4-4-5 day after year end", w445, "2004-12-26", "FY2005 Q1 2004-12-26..2005-03-26"},
		{"4-4-5 53-week Q4", w445, "2005-12-31", "FY2005 Q4 2005-09-25..2005-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := tt.f.PeriodContaining(d(tt.day))
			if !ok || p.String() != tt.want {
				t.Errorf("PeriodContaining(%s) = %v, %v; want %s", tt.day, p, ok, tt.want)
			}
		})
	}
}

func TestWeeksYearEnds(t *testing.T) {
	// Retail 4-5-4 calendar: the Saturday nearest 31 January. The year ending
	// 3 February 2007 has 53 weeks.
	retail, err := Weeks(Pattern454, time.January, time.Saturday, Nearest)
	if err != nil {
		t.Fatal(err)
	}
	// Last Saturday of September: 25 Sep 2004, 24 Sep 2005, 30 Sep 2006 (53 weeks).
	sept, _ := Weeks(Pattern445, time.September, time.Saturday, OnOrBefore)
	tests := []struct {
		f          FiscalCalendar
		fy         int
		start, end string
		weeks      int
	}{
		{retail, 2006, "2005-01-30", "2006-01-28", 52},
		{retail, 2007, "2006-01-29", "2007-02-03", 53},
		{retail, 2008, "2007-02-04", "2008-02-02", 52},
		{sept, 2005, "2004-09-26", "2005-09-24", 52},
		{sept, 2006, "2005-09-25", "2006-09-30", 53},
	}
	for _, tt := range tests {
		y, ok := tt.f.Year(tt.fy)
		if !ok || y.Start != d(tt.start) || y.End != d(tt.end) || y.Days() != 7*tt.weeks {
			t.Errorf("%v Year(%d) = %v (%d days), want %s..%s, %d weeks", tt.f, tt.fy, y, y.Days(), tt.start, tt.end, tt.weeks)
		}
		qs := tt.f.Quarters(tt.fy)
		for i, q := range qs {
			want := 91
			if i == 3 {
				want = 7*tt.weeks - 273
			}
			if q.Days() != want {
				t.Errorf("FY%d Q%d = %v: %d days, want %d", tt.fy, i+1, q, q.Days(), want)
			}
		}
	}
}

func TestWeeksMonths(t *testing.T) {
	for _, p := range []Pattern{Pattern445, Pattern454, Pattern544} {
		f, err := Weeks(p, time.December, time.Saturday, Nearest)
		if err != nil {
			t.Fatal(err)
		}
		for fy := 2004; fy <= 2010; fy++ {
			ms := f.Months(fy)
			qs := f.Quarters(fy)
			y, _ := f.Year(fy)
			if len(ms) != 12 || ms[0].Start != y.Start || ms[11].End != y.End {
				t.Fatalf("%v FY%d months %v do not span the year %v", p, fy, ms, y)
			}
			for i, m := range ms {
				want := 7 * p[i%3]
				if i == 11 {
					want += y.Days() - 364
				}
				if m.Days() != want || m.Month != i+1 || m.Quarter != i/3+1 {
					t.Errorf("%v FY%d month %d = %+v (%d days), want %d days", p, fy, i+1, m, m.Days(), want)
				}
				if i%3 == 2 && m.End != qs[i/3].End {
					t.Errorf("%v FY%d month %d ends %v, quarter ends %v", p, fy, i+1, m.End, qs[i/3].End)
				}
				if i > 0 && m.Start != ms[i-1].End+1 {
					t.Errorf("%v FY%d month %d starts %v after %v", p, fy, i+1, m.Start, ms[i-1].End)
				}
			}
		}
	}
	// 2004 fiscal months of the calendar year: the last ends 31 December.
	ms := CalendarQuarters().Months(2004)
	if len(ms) != 12 || ms[1].End != d("2004-02-29") || ms[11].End != d("2004-12-31") || ms[11].Quarter != 4 {
		t.Errorf("CalendarQuarters().Months(2004) = %v", ms)
	}
	if btu(t).Months(2004) != nil {
		t.Error("AnchoredQuarters has no months")
	}
}

func TestExplicit(t *testing.T) {
	f, err := Explicit(
		Period{FiscalYear: 2004, Quarter: 3, Start: d("2004-07-05"), End: d("2004-10-03")},
		Period{FiscalYear: 2004, Quarter: 4, Start: d("2004-10-04"), End: d("2004-12-31")},
		Period{FiscalYear: 2005, Quarter: 1, Start: d("2005-01-01"), End: d("2005-04-03")},
	)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := f.PeriodContaining(d("2004-12-31")); !ok || p.Label() != "FY2004 Q4" {
		t.Errorf("PeriodContaining(2004-12-31) = %v, %v", p, ok)
	}
	if p, ok := f.PeriodContaining(d("2005-04-03")); !ok || p.Label() != "FY2005 Q1" {
		t.Errorf("PeriodContaining(2005-04-03) = %v, %v", p, ok)
	}
	for _, out := range []string{"2004-07-04", "2005-04-04"} {
		if p, ok := f.PeriodContaining(d(out)); ok {
			t.Errorf("PeriodContaining(%s) = %v, want none", out, p)
		}
	}
	if y, ok := f.Year(2004); !ok || y.Start != d("2004-07-05") || y.End != d("2004-12-31") {
		t.Errorf("Year(2004) = %v, %v", y, ok)
	}
	if _, ok := f.Year(2003); ok {
		t.Error("Year(2003) should not exist")
	}
	if got := len(f.PeriodEnds(2003, 2006)); got != 3 {
		t.Errorf("PeriodEnds: %d periods, want 3", got)
	}

	bad := []struct {
		name    string
		periods []Period
		msg     string
	}{
		{"none", nil, "no periods"},
		{"quarter 5", []Period{{FiscalYear: 2004, Quarter: 5, Start: d("2004-01-01"), End: d("2004-03-31")}}, "quarter 5"},
		{"reversed", []Period{{FiscalYear: 2004, Quarter: 1, Start: d("2004-03-31"), End: d("2004-01-01")}}, "ends before it starts"},
		{"gap", []Period{
			{FiscalYear: 2004, Quarter: 1, Start: d("2004-01-01"), End: d("2004-04-04")},
			{FiscalYear: 2004, Quarter: 2, Start: d("2004-04-06"), End: d("2004-07-04")},
		}, "starts 2004-04-06, expected 2004-04-05"},
		{"out of order", []Period{
			{FiscalYear: 2004, Quarter: 2, Start: d("2004-01-01"), End: d("2004-04-04")},
			{FiscalYear: 2004, Quarter: 1, Start: d("2004-04-05"), End: d("2004-07-04")},
		}, "FY2004 Q1 does not come after FY2004 Q2"},
	}
	for _, tt := range bad {
		_, err := Explicit(tt.periods...)
		if !errors.Is(err, ErrPeriods) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want ErrPeriods with %q", tt.name, err, tt.msg)
		}
	}
}

func TestFiscalConstructorErrors(t *testing.T) {
	if _, err := MonthEndYear(13); err == nil {
		t.Error("MonthEndYear(13) accepted")
	}
	if _, err := Weeks(Pattern{4, 4, 4}, time.December, time.Saturday, Nearest); !errors.Is(err, ErrPattern) {
		t.Errorf("Weeks(4-4-4): %v", err)
	}
	if _, err := Weeks(Pattern445, 0, time.Saturday, Nearest); err == nil {
		t.Error("Weeks month 0 accepted")
	}
	if _, err := Weeks(Pattern445, time.December, 7, Nearest); err == nil {
		t.Error("Weeks weekday 7 accepted")
	}
	if _, err := AnchoredQuarters(time.December, time.Sunday, 9); !errors.Is(err, ErrAnchor) {
		t.Errorf("AnchoredQuarters anchor 9: %v", err)
	}
}

func TestParsePatternAndAnchor(t *testing.T) {
	for in, want := range map[string]Pattern{"4-4-5": Pattern445, "454": Pattern454, " 5_4_4 ": Pattern544} {
		if got, err := ParsePattern(in); err != nil || got != want {
			t.Errorf("ParsePattern(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParsePattern("4-4-4"); !errors.Is(err, ErrPattern) || !strings.Contains(err.Error(), `"4-4-4"`) {
		t.Errorf("ParsePattern(4-4-4): %v", err)
	}
	for in, want := range map[string]Anchor{"last": OnOrBefore, "On or before": OnOrBefore, "nearest": Nearest, "on-or-after": OnOrAfter} {
		if got, err := ParseAnchor(in); err != nil || got != want {
			t.Errorf("ParseAnchor(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseAnchor("first"); !errors.Is(err, ErrAnchor) {
		t.Errorf("ParseAnchor(first): %v", err)
	}
	var p Pattern
	if err := p.UnmarshalText([]byte("5-4-4")); err != nil || p != Pattern544 {
		t.Errorf("Pattern.UnmarshalText(5-4-4) = %v, %v", p, err)
	}
	if _, err := (Pattern{3, 3, 3}).MarshalText(); !errors.Is(err, ErrPattern) {
		t.Errorf("Pattern{3,3,3}.MarshalText: %v", err)
	}
	var a Anchor
	if err := a.UnmarshalText([]byte("nearest_month_end")); err != nil || a != Nearest {
		t.Errorf("Anchor.UnmarshalText = %v, %v", a, err)
	}
	if text, err := OnOrAfter.MarshalText(); err != nil || string(text) != "on_or_after" {
		t.Errorf("OnOrAfter.MarshalText = %q, %v", text, err)
	}
}

func genFiscal(t *rapid.T) FiscalCalendar {
	m := time.Month(rapid.IntRange(1, 12).Draw(t, "month"))
	wd := time.Weekday(rapid.IntRange(0, 6).Draw(t, "weekday"))
	a := Anchor(rapid.IntRange(0, 2).Draw(t, "anchor"))
	var f FiscalCalendar
	var err error
	switch rapid.IntRange(0, 2).Draw(t, "kind") {
	case 0:
		f, err = MonthEndYear(m)
	case 1:
		p := rapid.SampledFrom([]Pattern{Pattern445, Pattern454, Pattern544}).Draw(t, "pattern")
		f, err = Weeks(p, m, wd, a)
	default:
		f, err = AnchoredQuarters(m, wd, a)
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPropertyFiscalQuartersTile(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFiscal(t)
		day := date.Date(rapid.Int32Range(int32(date.Of(1950, 1, 1)), int32(date.Of(2150, 1, 1))).Draw(t, "d"))
		p, ok := f.PeriodContaining(day)
		if !ok || !p.Contains(day) {
			t.Fatalf("%v: PeriodContaining(%v) = %v, %v", f, day, p, ok)
		}
		qs := f.Quarters(p.FiscalYear)
		y, _ := f.Year(p.FiscalYear)
		if len(qs) != 4 || qs[p.Quarter-1] != p {
			t.Fatalf("%v: %v is not quarter %d of %v", f, p, p.Quarter, qs)
		}
		prev, _ := f.Year(p.FiscalYear - 1)
		if prev.End+1 != y.Start {
			t.Fatalf("%v: FY%d ends %v, FY%d starts %v", f, p.FiscalYear-1, prev.End, p.FiscalYear, y.Start)
		}
		for i, q := range qs {
			if q.Start > q.End || q.Days() < 80 || q.Days() > 100 {
				t.Fatalf("%v: odd quarter %v (%d days)", f, q, q.Days())
			}
			if i > 0 && q.Start != qs[i-1].End+1 {
				t.Fatalf("%v: quarters %v and %v do not meet", f, qs[i-1], q)
			}
		}
		if days := y.Days(); days < 364 || days > 371 {
			t.Fatalf("%v: FY%d has %d days", f, p.FiscalYear, days)
		}
	})
}

func BenchmarkPeriodContaining(b *testing.B) {
	f := btu(b)
	start := date.Of(2004, 1, 1)
	for i := 0; b.Loop(); i++ {
		f.PeriodContaining(start + date.Date(i%1461))
	}
}

func FuzzParseFiscalWords(f *testing.F) {
	for _, s := range []string{"4-4-5", "454", "last", "nearest", "on_or_after", "", "4-4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := ParsePattern(s); err == nil {
			if back, err := ParsePattern(p.String()); err != nil || back != p {
				t.Fatalf("pattern round trip %q → %v → %v, %v", s, p, back, err)
			}
		} else if !errors.Is(err, ErrPattern) {
			t.Fatalf("ParsePattern(%q): %v", s, err)
		}
		if a, err := ParseAnchor(s); err == nil {
			if back, err := ParseAnchor(a.String()); err != nil || back != a {
				t.Fatalf("anchor round trip %q → %v → %v, %v", s, a, back, err)
			}
		} else if !errors.Is(err, ErrAnchor) {
			t.Fatalf("ParseAnchor(%q): %v", s, err)
		}
	})
}
