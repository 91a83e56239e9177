package defaults_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"revolver/calendar"
	"revolver/date"
	"revolver/defaults"
)

func TestCourierEffectiveAcrossHolidays(t *testing.T) {
	methods := terms(t, "2004-06-30").Notices
	cases := []struct {
		name, sent, want string
		closures         []string
	}{
		{"Friday before Independence Day observed", "2004-07-02 16:30", "2004-07-06", nil},
		{"Friday before MLK Day", "2004-01-16 09:00", "2004-01-20", nil},
		{"Friday before Labor Day", "2004-09-03 17:00", "2004-09-07", nil},
		{"day before Thanksgiving", "2004-11-24 12:00", "2004-11-26", nil},
		{"Christmas 2004 on a Saturday is not moved", "2004-12-23 12:00", "2004-12-24", nil},
		{"Christmas Eve 2004 to Monday", "2004-12-24 12:00", "2004-12-27", nil},
		{"New Year 2005 on a Saturday: 31 Dec 2004 is open", "2004-12-30 12:00", "2004-12-31", nil},
		{"year end 2004", "2004-12-31 18:00", "2005-01-03", nil},
		{"Christmas 2005 on a Sunday, observed Monday", "2005-12-23 12:00", "2005-12-27", nil},
		{"year end 2005: New Year observed 2 Jan 2006", "2005-12-30 12:00", "2006-01-03", nil},
		{"Veterans Day 2006 on a Saturday is not moved", "2006-11-09 12:00", "2006-11-10", nil},
		{"Christmas 2006 on a Monday", "2006-12-22 12:00", "2006-12-26", nil},
		{"year end 2006", "2006-12-29 12:00", "2007-01-02", nil},
		{"year end 2006 with the 2 Jan 2007 closure", "2006-12-29 12:00", "2007-01-03", []string{"2007-01-02"}},
		{"Veterans Day 2007 on a Sunday, observed Monday", "2007-11-09 12:00", "2007-11-13", nil},
		{"deposited Saturday before Memorial Day", "2005-05-28 10:00", "2005-05-31", nil},
		{"deposited Sunday before Washington's Birthday", "2007-02-18 10:00", "2007-02-20", nil},
		{"day before Independence Day 2007", "2007-07-03 12:00", "2007-07-05", nil},
		{"ordinary Wednesday", "2006-03-15 12:00", "2006-03-16", nil},
		{"year end 2007", "2007-12-31 12:00", "2008-01-02", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cal := fed()
			for _, s := range c.closures {
				cal = cal.WithClosures(d(s))
			}
			e, err := defaults.Effective(methods, cal, ny, defaults.Notice{ID: "n", Method: "courier", Sent: at(t, c.sent)})
			if err != nil {
				t.Fatal(err)
			}
			if !e.Effective || e.Date.String() != c.want {
				t.Errorf("courier deposited %s: effective %v on %s; want %s (rule: %s)", c.sent, e.Effective, e.Date, c.want, e.Rule)
			}
			if !strings.Contains(e.Rule, "Business Day after deposit") || !strings.Contains(e.Rule, "¶21") {
				t.Errorf("rule does not say which rule it used: %s", e.Rule)
			}
			if e.At == nil || date.FromTime(*e.At) != e.Date {
				t.Errorf("At %v does not fall on %s", e.At, e.Date)
			}
		})
	}
}

func TestCourierDepositReadInFacilityZone(t *testing.T) {
	methods := terms(t, "2004-06-30").Notices
	// 03:30 UTC on Saturday 3 July is 23:30 on Friday 2 July in New York.
	sent, err := defaults.ParseTime("2004-07-03T03:30:00Z", ny)
	if err != nil {
		t.Fatal(err)
	}
	e, err := defaults.Effective(methods, fed(), ny, defaults.Notice{ID: "n", Method: "courier", Sent: sent})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Date.String(), "2004-07-06"; got != want {
		t.Errorf("effective %s, want %s (%s)", got, want, e.Rule)
	}
	if !strings.Contains(e.Rule, "deposited Fri 2004-07-02") {
		t.Errorf("rule should read the deposit in New York time: %s", e.Rule)
	}
}

func TestFaxEffective(t *testing.T) {
	methods := terms(t, "2004-06-30").Notices
	cases := []struct {
		name, sent, confirmed string
		effective             bool
		want                  string
		assumption            bool
	}{
		{"confirmed the same business day", "2005-03-09 10:00", "2005-03-09 10:02", true, "2005-03-09", false},
		{"confirmed next morning", "2005-03-09 23:50", "2005-03-10 00:10", true, "2005-03-10", false},
		{"confirmed on MLK Day counts from Tuesday", "2005-01-17 10:00", "2005-01-17 10:01", true, "2005-01-18", true},
		{"confirmed on Saturday 25 Dec 2004", "2004-12-25 10:00", "2004-12-25 10:01", true, "2004-12-27", true},
		{"not confirmed", "2005-03-09 10:00", "", false, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := defaults.Notice{ID: "f", Method: "fax", Sent: at(t, c.sent)}
			if c.confirmed != "" {
				x := at(t, c.confirmed)
				n.Confirmed = &x
			}
			e, err := defaults.Effective(methods, fed(), ny, n)
			if err != nil {
				t.Fatal(err)
			}
			if e.Effective != c.effective {
				t.Fatalf("effective %v, want %v (%s)", e.Effective, c.effective, e.Rule)
			}
			if !c.effective {
				if e.Pending == "" || e.At != nil {
					t.Errorf("an unconfirmed fax should be pending, got %+v", e)
				}
				return
			}
			if e.Date.String() != c.want {
				t.Errorf("counts from %s, want %s", e.Date, c.want)
			}
			if !e.At.Equal(*n.Confirmed) {
				t.Errorf("At %v, want the confirmation %v", e.At, n.Confirmed)
			}
			if (e.Assumption != "") != c.assumption {
				t.Errorf("assumption %q, want one: %v", e.Assumption, c.assumption)
			}
			if e.CopyBy != "courier" {
				t.Errorf("copy by %q, want courier", e.CopyBy)
			}
		})
	}
}

func TestEffectiveErrors(t *testing.T) {
	methods := terms(t, "2004-06-30").Notices
	sent := at(t, "2005-03-09 10:00")
	before := at(t, "2005-03-09 09:00")
	cases := []struct {
		n    defaults.Notice
		want string
	}{
		{defaults.Notice{ID: "a", Method: "email", Sent: sent}, `method "email": expected one of fax, courier`},
		{defaults.Notice{ID: "b", Method: "fax", Sent: sent, Confirmed: &before}, "confirmed 2005-03-09 09:00 EST before it was sent"},
		{defaults.Notice{ID: "c", Method: "courier"}, "no sent time"},
	}
	for _, c := range cases {
		_, err := defaults.Effective(methods, fed(), ny, c.n)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.n.ID, err, c.want)
		}
	}
	// Before the Security Agreement the terms define no notice methods.
	old := terms(t, "2003-06-30").Notices
	if _, err := defaults.Effective(old, fed(), ny, defaults.Notice{ID: "d", Method: "courier", Sent: sent}); err == nil || !strings.Contains(err.Error(), "no notice methods") {
		t.Errorf("error %v, want no notice methods", err)
	}
}

func TestParseTime(t *testing.T) {
	facility(t)
	cases := []struct{ in, want string }{
		{"2004-07-02 16:30", "2004-07-02T16:30:00-04:00"},
		{"2004-12-02T16:30", "2004-12-02T16:30:00-05:00"},
		{"2004-07-02T20:30:00Z", "2004-07-02T16:30:00-04:00"},
	}
	for _, c := range cases {
		got, err := defaults.ParseTime(c.in, ny)
		if err != nil || got.Format(time.RFC3339) != c.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %s", c.in, got.Format(time.RFC3339), err, c.want)
		}
	}
	if _, err := defaults.ParseTime("02/07/2004", ny); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("bad time: error %v", err)
	}
}

// An effective date is always a business day on or after the sending date;
// a courier notice is effective strictly after deposit with no business day
// in between.
func TestEffectiveDateProperty(t *testing.T) {
	methods := terms(t, "2004-06-30").Notices
	lo, hi := d("2004-01-01"), d("2007-12-31")
	rapid.Check(t, func(rt *rapid.T) {
		day := date.Date(rapid.Int32Range(int32(lo), int32(hi)).Draw(rt, "day"))
		minute := rapid.IntRange(0, 24*60-1).Draw(rt, "minute")
		y, m, dd := day.Civil()
		sent := time.Date(y, m, dd, minute/60, minute%60, 0, 0, ny)
		n := defaults.Notice{ID: "p", Method: rapid.SampledFrom([]string{"fax", "courier"}).Draw(rt, "method"), Sent: sent}
		if n.Method == "fax" {
			c := sent.Add(time.Duration(rapid.IntRange(0, 72*60).Draw(rt, "delay")) * time.Minute)
			n.Confirmed = &c
		}
		cal := calendar.FederalReserve()
		e, err := defaults.Effective(methods, cal, ny, n)
		if err != nil {
			rt.Fatal(err)
		}
		sentDay := date.FromTime(sent)
		if !cal.IsBusinessDay(e.Date) {
			rt.Fatalf("%s sent %s: effective %s is not a business day", n.Method, sent, e.Date)
		}
		if e.Date < sentDay {
			rt.Fatalf("%s sent %s: effective %s before sending", n.Method, sent, e.Date)
		}
		if n.Method == "courier" {
			if e.Date <= sentDay || cal.BusinessDaysBetween(sentDay, e.Date) != 1 {
				rt.Fatalf("courier deposited %s: effective %s is not the next business day", sentDay, e.Date)
			}
		} else if cd := date.FromTime(n.Confirmed.In(ny)); e.Date < cd || cal.BusinessDaysBetween(cd, e.Date) > 1 {
			rt.Fatalf("fax confirmed %s: counts from %s", cd, e.Date)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2004-07-02 16:30", "2004-07-02T16:30", "2004-07-02T20:30:00Z", "2004-07-02T16:30:00-04:00", "2004-02-30 10:00", "", "24:00"} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := defaults.ParseTime(s, loc)
		if err != nil {
			if !strings.Contains(err.Error(), "expected RFC 3339") {
				t.Fatalf("error does not say what is expected: %v", err)
			}
			return
		}
		if tm.Location() != loc {
			t.Fatalf("%q: time in %v, want the facility's zone", s, tm.Location())
		}
	})
}

// Notice parties belong to the document whose notices they receive: the
// Security Agreement ¶21 sends the Borrower's copy to its counsel at 885
// Third Avenue, the Loan Agreement §8.16 (as the First Amendment §1(h)
// changes it) to 45 Rockefeller Plaza.
func TestAddresseesByDocument(t *testing.T) {
	tm := terms(t, "2005-06-01")
	names := func(as []defaults.Addressee) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Party+" "+strings.Join(a.Address, ", ")+" fax "+a.Fax)
		}
		return out
	}
	cases := []struct {
		name string
		n    defaults.Notice
		doc  string
		want []string
	}{
		{"casualty overadvance, under Security Agreement ¶13(h)", courier(t, "c1", "casualty_overadvance", "2005-06-01 10:00"), "security-agreement", []string{
			"borrower 23 Esquire Road, North Billerica, Massachusetts 01862 fax (978) 667-3377",
			"borrower_counsel_sa 885 Third Avenue, Suite 3200, New York, New York 10022 fax (646) 840-6850"}},
		{"event of default, under the Loan Agreement", courier(t, "e1", defaults.SubjectDefault, "2005-06-01 10:00"), "original-loan-agreement", []string{
			"borrower 23 Esquire Road, North Billerica, Massachusetts 01862 fax (978) 667-3377",
			"borrower_counsel Ropes & Gray, 45 Rockefeller Plaza, New York, NY 10111 fax (212) 841-5725"}},
		{"named document", defaults.Notice{ID: "s1", From: "borrower", To: "lender", Subject: "sale", Document: "security-agreement"}, "security-agreement", []string{
			"lender 19 Pleasant Street, Mail Stop: MA1-PLS-0201, Woburn, Massachusetts 01801 fax (781) 935-5979",
			"lender_counsel 6 University Road, Cambridge, Massachusetts 02139 fax (617) 492-9020"}},
		{"to the lender under the Loan Agreement: no counsel's copy", defaults.Notice{ID: "l1", From: "borrower", To: "lender", Subject: "other"}, "original-loan-agreement", []string{
			"lender 19 Pleasant Street, Mail Stop: MA1-PLS-0201, Woburn, Massachusetts 01801 fax (781) 935-5979"}},
	}
	for _, c := range cases {
		doc, as, err := defaults.Addressees(tm, c.n)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if doc != c.doc || !slices.Equal(names(as), c.want) {
			t.Errorf("%s: %s %q\nwant %s %q", c.name, doc, names(as), c.doc, c.want)
		}
		for i, a := range as {
			if a.Copy != (i > 0) {
				t.Errorf("%s: %s copy %v", c.name, a.Party, a.Copy)
			}
		}
	}
	if _, _, err := defaults.Addressees(tm, defaults.Notice{ID: "x", To: "borrower", Document: "nope"}); err == nil || !strings.Contains(err.Error(), `document "nope": expected a document of the facility`) {
		t.Errorf("unknown document: %v", err)
	}
	if _, _, err := defaults.Addressees(tm, defaults.Notice{ID: "x", To: "lender_counsel", Subject: "other"}); err == nil || !strings.Contains(err.Error(), "receives no notices under original-loan-agreement") {
		t.Errorf("counsel of the Security Agreement under the Loan Agreement: %v", err)
	}
}
