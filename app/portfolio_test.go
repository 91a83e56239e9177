package app

import (
	"testing"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
)

// TestCovenantStatus: the status of the latest period tested by the date:
// a failure of any test of that period fails it, else an undetermined one
// leaves it undetermined; later periods are not yet tested; no tests, no
// status.
func TestCovenantStatus(t *testing.T) {
	d := date.MustParse
	test := func(period, result string) covenant.Test {
		return covenant.Test{PeriodEnd: d(period), Result: result}
	}
	for _, c := range []struct {
		name       string
		tests      []covenant.Test
		asOf       string
		want       string
		wantPeriod string
	}{
		{"no statements", nil, "2006-12-31", "", ""},
		{"all pass", []covenant.Test{test("2006-09-30", covenant.Pass), test("2006-09-30", covenant.Pass)}, "2006-12-31", covenant.Pass, "2006-09-30"},
		{"one fails", []covenant.Test{test("2006-09-30", covenant.Pass), test("2006-09-30", covenant.Fail), test("2006-09-30", covenant.Undetermined)}, "2006-12-31", covenant.Fail, "2006-09-30"},
		{"one undetermined", []covenant.Test{test("2006-09-30", covenant.Undetermined), test("2006-09-30", covenant.Pass)}, "2006-12-31", covenant.Undetermined, "2006-09-30"},
		{"the latest period counts", []covenant.Test{test("2006-06-30", covenant.Fail), test("2006-09-30", covenant.Pass)}, "2006-12-31", covenant.Pass, "2006-09-30"},
		{"a period after the date is not counted", []covenant.Test{test("2006-06-30", covenant.Fail), test("2006-09-30", covenant.Pass)}, "2006-08-31", covenant.Fail, "2006-06-30"},
		{"only later periods", []covenant.Test{test("2006-09-30", covenant.Pass)}, "2006-08-31", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var res *covenant.Result
			if c.tests != nil {
				res = &covenant.Result{Tests: c.tests}
			}
			got, period := CovenantStatus(res, d(c.asOf))
			var wantPeriod date.Date
			if c.wantPeriod != "" {
				wantPeriod = d(c.wantPeriod)
			}
			if got != c.want || period != wantPeriod {
				t.Errorf("CovenantStatus = %q, %s; want %q, %s", got, period, c.want, wantPeriod)
			}
		})
	}
}

// A period whose failing tests are all waived is "waived", not "fail";
// an unwaived failure of the same period still makes it fail.
func TestCovenantStatusWaived(t *testing.T) {
	d := date.MustParse
	w := &agreement.Waiver{Letter: "first-waiver"}
	res := &covenant.Result{Tests: []covenant.Test{
		{Covenant: "a", PeriodEnd: d("2005-04-03"), Result: covenant.Fail, Waiver: w},
		{Covenant: "b", PeriodEnd: d("2005-04-03"), Result: covenant.Pass},
	}}
	if s, p := CovenantStatus(res, d("2005-05-01")); s != CovenantWaived || p != d("2005-04-03") {
		t.Errorf("all failures waived: %s %s, want waived", s, p)
	}
	res.Tests = append(res.Tests, covenant.Test{Covenant: "c", PeriodEnd: d("2005-04-03"), Result: covenant.Fail})
	if s, _ := CovenantStatus(res, d("2005-05-01")); s != covenant.Fail {
		t.Errorf("a failure not waived beside a waived one: %s, want fail", s)
	}
}
