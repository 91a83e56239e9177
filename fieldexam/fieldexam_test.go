package fieldexam

import (
	"testing"

	"revolver/date"
)

// TestFrequencyOf: the terms win, then the facility's setting, then the
// bank's default.
func TestFrequencyOf(t *testing.T) {
	for _, c := range []struct {
		terms, setting int
		want           Frequency
	}{
		{6, 12, Frequency{Months: 6, Source: SourceTerms, Cite: "loan-agreement §6.2"}},
		{0, 9, Frequency{Months: 9, Source: SourceSetting}},
		{0, 0, Frequency{Months: DefaultMonths, Source: SourceDefault}},
	} {
		if got := FrequencyOf(c.terms, "loan-agreement §6.2", c.setting); got != c.want {
			t.Errorf("FrequencyOf(%d, %d) = %+v, want %+v", c.terms, c.setting, got, c.want)
		}
	}
}

func TestCheckMonths(t *testing.T) {
	for m, ok := range map[int]bool{0: false, -1: false, 1: true, 12: true, MaxMonths: true, MaxMonths + 1: false} {
		if err := CheckMonths("frequency", m); (err == nil) != ok {
			t.Errorf("CheckMonths(%d) = %v, want ok %v", m, err, ok)
		}
	}
}

// TestNextDue: from the last exam performed, or from the agreement's date;
// a month end clamps.
func TestNextDue(t *testing.T) {
	d := date.MustParse
	f := Frequency{Months: 12}
	for _, c := range []struct {
		last, since date.Date
		months      int
		want        string
	}{
		{0, d("2004-01-28"), 12, "2005-01-28"},
		{d("2005-03-15"), d("2004-01-28"), 12, "2006-03-15"},
		{d("2005-08-31"), d("2004-01-28"), 6, "2006-02-28"},
	} {
		f.Months = c.months
		if got := NextDue(f, c.last, c.since); got != d(c.want) {
			t.Errorf("NextDue(%d months, %s, %s) = %s, want %s", c.months, c.last, c.since, got, c.want)
		}
	}
}

func TestExamState(t *testing.T) {
	d := date.MustParse
	for _, c := range []struct {
		start, performed, bd string
		want                 string
	}{
		{"2005-05-01", "", "2005-04-30", Scheduled},
		{"2005-05-01", "", "2005-05-01", InProgress},
		{"2005-05-01", "2005-05-20", "2005-05-19", InProgress},
		{"2005-05-01", "2005-05-20", "2005-05-20", Performed},
	} {
		var p date.Date
		if c.performed != "" {
			p = d(c.performed)
		}
		if got := ExamState(d(c.start), p, d(c.bd)); got != c.want {
			t.Errorf("ExamState(%s, %s, %s) = %s, want %s", c.start, c.performed, c.bd, got, c.want)
		}
	}
}

// TestStatus: overdue the day after the due date; due soon up to 30 days
// ahead, current beyond.
func TestStatus(t *testing.T) {
	d := date.MustParse
	due := d("2005-06-30")
	for bd, want := range map[string]string{
		"2005-07-01": StatusOverdue, "2005-06-30": StatusDueSoon, "2005-05-31": StatusDueSoon, "2005-05-30": StatusCurrent,
	} {
		if got := Status(due, d(bd)); got != want {
			t.Errorf("Status(%s, %s) = %s, want %s", due, bd, got, want)
		}
	}
}
