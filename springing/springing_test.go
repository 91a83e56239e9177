package springing

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"revolver/calendar"
	"revolver/date"
	"revolver/money"
)

func d(s string) date.Date { return date.MustParse(s) }

func amt(s string) money.Amount {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// series makes Business Days (of the Federal Reserve calendar) from start,
// one per value: "-" undetermined, a number the excess availability in
// millions, a suffix "!" an event of default continuing. The line cap is
// 100,000,000.00.
func series(start string, vals ...string) []Day {
	var cal calendar.Calendar
	day := cal.OnOrAfter(d(start))
	var out []Day
	for _, v := range vals {
		x := Day{Date: day, LineCap: amt("100000000.00")}
		if strings.HasSuffix(v, "!") {
			x.Defaults = []string{"payment"}
			v = strings.TrimSuffix(v, "!")
		}
		if v == "-" {
			x.Why = "no certificate"
		} else {
			x.Determined = true
			x.Measure = money.MulRate(amt("1000000.00"), money.MustRate(v))
		}
		out = append(out, x)
		day = cal.Next(day)
	}
	return out
}

func rule(forDays, endsAfter int, business bool) Rule {
	share := money.MustRate("0.125")
	least := amt("9375000.00")
	return Rule{Share: &share, AtLeast: &least, ForDays: forDays, EndsAfterDays: endsAfter, BusinessDays: business}
}

func TestThreshold(t *testing.T) {
	r := rule(1, 1, true)
	for _, c := range []struct{ cap, want string }{
		{"100000000.00", "12500000.00"}, // 12.5% above the floor
		{"50000000.00", "9375000.00"},   // 6,250,000 below the floor: the floor
		{"0.00", "9375000.00"},
		{"75000000.04", "9375000.01"}, // 9,375,000.005 rounds half away from zero
	} {
		if got := r.Threshold(amt(c.cap)); got != amt(c.want) {
			t.Errorf("Threshold(%s) = %s, want %s", c.cap, got, c.want)
		}
	}
	share := money.MustRate("0.10")
	if got := (Rule{Share: &share}).Threshold(amt("80000000.00")); got != amt("8000000.00") {
		t.Errorf("share only: %s, want 8000000.00", got)
	}
}

type want struct {
	start, end string // end "" while it lasts
}

func TestPeriods(t *testing.T) {
	// Threshold 12.5 (millions) with the 100,000,000 line cap.
	cases := []struct {
		name string
		r    Rule
		days []Day
		want []want
	}{
		{"never below", rule(3, 2, true), series("2026-10-05", "20", "13", "12.5", "30"), nil},
		{"below two days of three needed", rule(3, 2, true), series("2026-10-05", "12", "12", "13", "12", "12"), nil},
		// 2026-10-05 is a Monday; the third day below is Wednesday.
		{"starts on the third day below", rule(3, 2, true), series("2026-10-05", "12", "12", "12", "11"), []want{{"2026-10-07", ""}}},
		{"ends after two business days at or above", rule(1, 2, true), series("2026-10-05", "12", "13", "13", "12"), []want{{"2026-10-05", "2026-10-07"}, {"2026-10-08", ""}}},
		{"a dip restarts the count", rule(1, 2, true), series("2026-10-05", "12", "13", "12", "13", "13"), []want{{"2026-10-05", "2026-10-09"}}},
		// Friday 2026-10-09 below; Monday is Columbus Day; Tuesday at or
		// above: with 3 calendar days the run is Tue..Thu (the weekend and
		// the holiday keep Friday's value).
		{"calendar days from the first day at or above", rule(1, 3, false), series("2026-10-09", "12", "13", "13", "13"), []want{{"2026-10-09", "2026-10-15"}}},
		// Thursday below, Friday at or above: Fri..Sun are 3 calendar days,
		// the period ends on the next Business Day, Tuesday.
		{"calendar days across a weekend", rule(1, 3, false), series("2026-10-08", "12", "13", "13"), []want{{"2026-10-08", "2026-10-13"}}},
		{"undetermined breaks the run below", rule(2, 1, true), series("2026-10-05", "12", "-", "12", "13"), nil},
		{"undetermined breaks the run above", rule(1, 2, true), series("2026-10-05", "12", "13", "-", "13", "13"), []want{{"2026-10-05", "2026-10-09"}}},
	}
	eod := rule(5, 2, true)
	eod.EventOfDefault = true
	cases = append(cases,
		struct {
			name string
			r    Rule
			days []Day
			want []want
		}{"an event of default starts it and holds it", eod, series("2026-10-05", "20", "20!", "20!", "20", "20"), []want{{"2026-10-06", "2026-10-09"}}},
	)
	noEOD := rule(5, 2, true)
	cases = append(cases, struct {
		name string
		r    Rule
		days []Day
		want []want
	}{"events of default ignored without the term", noEOD, series("2026-10-05", "20!", "20!"), nil})
	capped := rule(1, 1, true)
	capped.MaxCuresPerYear = 1
	cases = append(cases, struct {
		name string
		r    Rule
		days []Day
		want []want
	}{"second cure of the year held to the next year", capped,
		series("2026-12-21", "12", "13", "12", "13", "13", "13", "13", "13", "13"),
		// 12-21 start, 12-22 end (cure 1); 12-23 start, held until the
		// first Business Day of 2027 (2027-01-04, the 1st a holiday).
		[]want{{"2026-12-21", "2026-12-22"}, {"2026-12-23", "2027-01-04"}}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps, _, err := c.r.Periods(c.days)
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, p := range ps {
				w := want{start: p.Start.String()}
				if p.End != nil {
					w.end = p.End.String()
				}
				got = append(got, w)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("periods = %v, want %v", got, c.want)
			}
			for _, p := range ps {
				if p.StartReason == "" || p.StartWhy == nil || (p.End != nil && (p.EndReason == "" || p.EndWhy == nil)) {
					t.Errorf("period %v is not explained: %+v", p.Start, p)
				}
			}
		})
	}
}

func TestExplainNamesDaysAndThreshold(t *testing.T) {
	r := rule(2, 1, true)
	ps, _, err := r.Periods(series("2026-10-05", "12", "11"))
	if err != nil || len(ps) != 1 {
		t.Fatalf("periods %v, %v", ps, err)
	}
	p := ps[0]
	if !strings.Contains(p.StartReason, "2 consecutive Business Days (2026-10-05..2026-10-06)") {
		t.Errorf("start reason %q does not name the days", p.StartReason)
	}
	if n := len(p.StartWhy.Children); n != 2 {
		t.Fatalf("explanation has %d days, want 2", n)
	}
	if f := p.StartWhy.Children[1].Formula; f != "excess availability 11,000,000.00 below the threshold 12,500,000.00" {
		t.Errorf("day formula %q", f)
	}
}

func TestStepRefusesOldDays(t *testing.T) {
	r := rule(1, 1, true)
	days := series("2026-10-05", "12", "13")
	if _, _, err := r.Fold(State{}, []Day{days[1], days[0]}, nil); err == nil {
		t.Error("a day before the state's last day was folded")
	}
}

// TestIncrementalEqualsWhole: folding a series one day at a time from the
// kept state (as close of business does) gives the periods of folding it
// whole, for random series and rules.
func TestIncrementalEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	vals := []string{"5", "12", "12.5", "13", "20", "-", "13!", "30"}
	for i := 0; i < 300; i++ {
		r := rule(1+rng.Intn(5), 1+rng.Intn(10), rng.Intn(2) == 0)
		r.EventOfDefault = rng.Intn(2) == 0
		r.MaxCuresPerYear = rng.Intn(3)
		var vs []string
		for j := 0; j < 20+rng.Intn(300); j++ {
			vs = append(vs, vals[rng.Intn(len(vals))])
		}
		days := series("2026-06-01", vs...)
		whole, end, err := r.Periods(days)
		if err != nil {
			t.Fatal(err)
		}
		var st State
		var inc []Period
		for _, day := range days {
			if inc, st, err = r.Fold(st, []Day{day}, inc); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(whole, inc) || !reflect.DeepEqual(end, st) {
			t.Fatalf("case %d: incremental %v, whole %v", i, inc, whole)
		}
		checkInvariants(t, r, days, whole)
	}
}

// checkInvariants: periods are ordered and disjoint; only the last may be
// open; every start follows ForDays days below or an event of default; no
// period ends on a day below the threshold or with a default continuing.
func checkInvariants(t *testing.T, r Rule, days []Day, ps []Period) {
	t.Helper()
	byDay := map[date.Date]int{}
	for i, x := range days {
		byDay[x.Date] = i
	}
	for i, p := range ps {
		if p.End == nil && i != len(ps)-1 {
			t.Fatalf("open period %s is not the last", p.Start)
		}
		if p.End != nil && *p.End <= p.Start {
			t.Fatalf("period %s ends on %s", p.Start, *p.End)
		}
		if i > 0 && (ps[i-1].End == nil || *ps[i-1].End >= p.Start) {
			t.Fatalf("period %s overlaps the one before", p.Start)
		}
		k := byDay[p.Start]
		x := days[k]
		if !(r.EventOfDefault && len(x.Defaults) > 0) {
			for j := k - r.ForDays + 1; j <= k; j++ {
				if j < 0 || !days[j].Determined || days[j].Measure >= r.Threshold(days[j].LineCap) {
					t.Fatalf("period starting %s without %d days below", p.Start, r.ForDays)
				}
			}
		}
		if p.End != nil {
			e := days[byDay[*p.End]]
			if !e.Determined || e.Measure < r.Threshold(e.LineCap) || (r.EventOfDefault && len(e.Defaults) > 0) {
				t.Fatalf("period ends on %s, a day below or in default", *p.End)
			}
		}
	}
}
