package ledger

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"revolver/calendar"
	"revolver/date"
	"revolver/money"
)

func amt(s string) money.Amount {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

func TestAccrueDay(t *testing.T) {
	day := date.MustParse("2005-03-01")
	series := RateSeries{{Effective: date.MustParse("2004-01-01"), Value: money.MustRate("0.04")}, {Effective: date.MustParse("2005-03-01"), Value: money.MustRate("0.055")}}
	tests := []struct {
		name      string
		principal string
		margin    string
		dc        DayCount
		day       date.Date
		want      string
	}{
		// 10,000,000 × 0.0575 / 360 = 1597.2222…
		{"actual360", "10000000.00", "0.0025", nil, day, "1597.22"},
		// 1,000,000 × 0.0425 / 360 = 118.0555… (the earlier point applies)
		{"earlier point", "1000000.00", "0.0025", Actual360, day - 1, "118.06"},
		// 36.00 × 0.05 / 360 = 0.005 exactly: a tie rounds away from zero
		{"tie away from zero", "36.00", "-0.005", Actual360, day, "0.01"},
		// 1,000,000 × 0.0575 / 365 = 157.5342…
		{"actual365", "1000000.00", "0.0025", Actual365, day, "157.53"},
		{"zero principal", "0.00", "0.0025", nil, day, "0.00"},
		{"negative principal", "-5.00", "0.0025", nil, day, "0.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AccrueDay(Pricing{Series: "prime", Margin: money.MustRate(tc.margin), DayCount: tc.dc}, series, tc.day, amt(tc.principal))
			if err != nil {
				t.Fatal(err)
			}
			if got.Amount.String() != tc.want {
				t.Errorf("AccrueDay(%s) = %s, want %s", tc.principal, got.Amount, tc.want)
			}
		})
	}
	if _, err := AccrueDay(Pricing{Series: "prime"}, series, date.MustParse("2003-01-01"), amt("1.00")); err == nil {
		t.Error("AccrueDay before the first rate point: no error")
	}
}

func TestCheckAdvance(t *testing.T) {
	capAmt := amt("8000000.00")
	vd := date.MustParse("2006-01-10")
	l := Limits{AsOf: vd, Commitment: amt("10000000.00"), AdvanceCap: &capAmt, Certificate: &Certificate{ID: 1, AsOf: vd - 10, BorrowingBase: amt("9000000.00")},
		TerminationDate: date.MustParse("2007-06-30"), BlocksOnDefault: true}
	with := func(f func(*Limits)) Limits { x := l; f(&x); return x }
	tests := []struct {
		name      string
		l         Limits
		loans     string
		requested string
		wantCode  string
		wantAvail string
	}{
		{"fits exactly", l, "3000000.00", "5000000.00", "", ""},
		{"cap binds", l, "3000000.00", "5000000.01", CodeAvailabilityExceeded, "5000000.00"},
		{"overadvanced", l, "8500000.00", "1.00", CodeAvailabilityExceeded, "-500000.00"},
		{"terminated", with(func(x *Limits) { x.AsOf = date.MustParse("2007-07-01") }), "0.00", "1.00", CodeFacilityTerminated, ""},
		{"on termination date", with(func(x *Limits) { x.AsOf = date.MustParse("2007-06-30") }), "0.00", "1.00", "", ""},
		{"default", with(func(x *Limits) { x.Defaults = []string{"eod-1"} }), "0.00", "1.00", CodeDefaultContinuing, ""},
		{"default not blocking", with(func(x *Limits) { x.Defaults = []string{"eod-1"}; x.BlocksOnDefault = false }), "0.00", "1.00", "", ""},
		{"no cap, base binds", with(func(x *Limits) { x.AdvanceCap = nil }), "0.00", "9000000.01", CodeAvailabilityExceeded, "9000000.00"},
		{"no certificate", with(func(x *Limits) { x.Certificate = nil }), "0.00", "1.00", CodeUndetermined, ""},
		{"commitment unknown", with(func(x *Limits) { x.Unknown = []Unknown{{Term: "commitment", Why: "not in the documents held"}} }), "0.00", "1.00", CodeUndetermined, ""},
		// Regression: loans plus letters of credit never exceed the commitment,
		// however the letters of credit are deducted.
		{"letters of credit under the commitment", with(func(x *Limits) {
			x.AdvanceCap = nil
			x.Certificate = &Certificate{ID: 2, AsOf: vd, BorrowingBase: amt("20000000.00")}
			x.LCOutstanding = amt("1000000.00")
		}), "0.00", "9000000.01", CodeAvailabilityExceeded, "9000000.00"},
		{"letters of credit from availability", with(func(x *Limits) {
			x.AdvanceCap = nil
			x.LCTreatment = LCFromAvailability
			x.LCOutstanding, x.LCDrawn = amt("600000.00"), amt("400000.00")
		}), "0.00", "8000000.01", CodeAvailabilityExceeded, "8000000.00"},
		{"zero request", l, "0.00", "0.00", CodeInvalid, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.l.Loans = amt(tc.loans)
			err := CheckAdvance([]Availability{ComputeAvailability(tc.l)}, amt(tc.requested))
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.wantCode {
				t.Fatalf("got %v, want code %s", err, tc.wantCode)
			}
			if tc.wantAvail != "" {
				if e.Availability == nil || e.Availability.Available.String() != tc.wantAvail || e.Requested != amt(tc.requested) {
					t.Errorf("availability %+v requested %s, want available %s", e.Availability, e.Requested, tc.wantAvail)
				}
			}
		})
	}
}

// Regression: an advance is checked on its value date and on every later
// date already known; a later certificate with a lower borrowing base
// binds (advances dated 2006-12-29 were funded although a newer
// certificate had lowered availability on 2006-12-31).
func TestCheckAdvanceOnLaterDates(t *testing.T) {
	d := date.MustParse
	at := func(asOf string, bb, loans string) Availability {
		return ComputeAvailability(Limits{AsOf: d(asOf), Commitment: amt("14000000.00"), Loans: amt(loans),
			Certificate: &Certificate{ID: 1, AsOf: d(asOf), BorrowingBase: amt(bb)}})
	}
	path := []Availability{at("2006-12-29", "6000000.00", "5000000.00"), at("2006-12-31", "5500000.00", "5000000.00")}
	err := CheckAdvance(path, amt("500000.01"))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeAvailabilityExceeded || e.Availability.AsOf != d("2006-12-31") || e.Availability.Available != amt("500000.00") {
		t.Fatalf("got %v (%+v), want availability_exceeded on 2006-12-31 with 500,000.00", err, e)
	}
	if err := CheckAdvance(path, amt("500000.00")); err != nil {
		t.Errorf("within the lowest later date: %v", err)
	}
	if err := CheckAdvance(path[:1], amt("1000000.00")); err != nil {
		t.Errorf("on the value date alone: %v", err)
	}
}

func TestValidate(t *testing.T) {
	r := Ref{Facility: "f", Key: "k", ValueDate: date.MustParse("2005-01-01")}
	good, err := Advance(r, amt("10.00"))
	if err != nil {
		t.Fatal(err)
	}
	bad := []Transaction{
		{Facility: "f", Kind: KindAdvance, Key: "k", ValueDate: r.ValueDate, Postings: []Posting{{Loans, 5}, {Cash, -4}}},
		{Facility: "f", Kind: KindAdvance, Key: "k", ValueDate: r.ValueDate, Postings: []Posting{{Loans, 0}, {Cash, 0}}},
		{Facility: "f", Kind: KindAdvance, Key: "k", ValueDate: r.ValueDate, Postings: []Posting{{Loans, 5}}},
		{Facility: "f", Kind: "gift", Key: "k", ValueDate: r.ValueDate, Postings: []Posting{{Loans, 5}, {Cash, -5}}},
		{Facility: "f", Kind: KindAdvance, Key: "", ValueDate: r.ValueDate, Postings: []Posting{{Loans, 5}, {Cash, -5}}},
		{Facility: "f", Kind: KindAdvance, Key: "k", ValueDate: r.ValueDate, Postings: []Posting{{"savings", 5}, {Cash, -5}}},
		{Facility: "f", Kind: KindReversal, Key: "k", ValueDate: r.ValueDate, Postings: []Posting{{Loans, 5}, {Cash, -5}}},
	}
	for i, tx := range bad {
		if err := tx.Validate(); err == nil {
			t.Errorf("bad[%d] %+v: Validate() = nil, want an error", i, tx)
		}
	}
	g2 := good
	g2.Key = "other"
	if good.Hash() != g2.Hash() {
		t.Error("hash depends on the key")
	}
	g2.Postings = []Posting{{Loans, 1001}, {Cash, -1001}}
	if good.Hash() == g2.Hash() {
		t.Error("hash ignores the postings")
	}
}

// TestReverseProperty: any transaction followed by its reversal leaves every
// balance unchanged, and every builder yields balanced transactions.
func TestReverseProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := money.Amount(rapid.Int64Range(1, 1e12).Draw(t, "amount"))
		r := Ref{Facility: "f", Key: "k", ValueDate: date.MustParse("2005-01-01")}
		builders := []func() (Transaction, error){
			func() (Transaction, error) { return Advance(r, a) },
			func() (Transaction, error) { return Repayment(r, a) },
			func() (Transaction, error) { return Fee(r, a, rapid.Bool().Draw(t, "toLoans")) },
			func() (Transaction, error) { return Cost(r, a) },
			func() (Transaction, error) {
				return Payment(r, []Account{InterestReceivable, FeesReceivable, CostsReceivable}[rapid.IntRange(0, 2).Draw(t, "account")], a)
			},
			func() (Transaction, error) { return LCIssue(r, a) },
			func() (Transaction, error) { return LCDraw(r, a) },
			func() (Transaction, error) { return LCReimburse(r, a, rapid.Bool().Draw(t, "byAdvance")) },
			func() (Transaction, error) { return LCExpire(r, a) },
			func() (Transaction, error) { return Collection(r, a) },
		}
		tx, err := builders[rapid.IntRange(0, len(builders)-1).Draw(t, "kind")]()
		if err != nil {
			t.Fatal(err)
		}
		if tx.Sum() != 0 {
			t.Fatalf("%s sums to %s", tx.Kind, tx.Sum())
		}
		tx.ID = 7
		kind := KindReversal
		if tx.Kind == KindCollection {
			kind = KindReturnedItem
		}
		rev, err := Reverse(Ref{Facility: "f", Key: "k2", ValueDate: r.ValueDate.AddDays(3)}, kind, tx)
		if err != nil {
			t.Fatal(err)
		}
		b := BalancesAsOf([]Transaction{tx, rev}, date.Max)
		for acc, v := range b {
			if v != 0 {
				t.Fatalf("after reversal %s = %s, want 0", acc, v)
			}
		}
	})
}

func TestOveradvanceOf(t *testing.T) {
	d := date.MustParse
	at := func(asOf, bb, loans string) Availability {
		return ComputeAvailability(Limits{AsOf: d(asOf), Commitment: amt("10000000.00"), Loans: amt(loans),
			Certificate: &Certificate{ID: 7, AsOf: d(asOf), BorrowingBase: amt(bb)}})
	}
	cure := Cure{Days: 30, Known: true}
	history := []Availability{at("2006-01-31", "5000000.00", "4000000.00"), at("2006-02-28", "4000000.00", "4000000.00"),
		at("2006-03-01", "4000000.00", "4250000.00"), at("2006-03-15", "3900000.00", "4250000.00")}
	if _, over := OveradvanceOf(history[:2], 0, cure); over {
		t.Error("loans equal to the limit reported as an overadvance")
	}
	o, over := OveradvanceOf(history, d("2006-03-02"), cure)
	if !over || o.Amount != amt("350000.00") || o.Since != d("2006-03-01") || o.Cause != CauseBorrowingBase || o.CureBy != d("2006-04-01") {
		t.Errorf("OveradvanceOf = %+v %v, want 350,000.00 since 2006-03-01, cured by 2006-04-01", o, over)
	}
	o, _ = OveradvanceOf(history, 0, cure)
	if o.CureBy != 0 || o.CureUndetermined == "" {
		t.Errorf("without a notice: cure by %s (%q), want undetermined", o.CureBy, o.CureUndetermined)
	}
	o, _ = OveradvanceOf(history, d("2006-03-02"), Cure{Unknown: "not in the documents held"})
	if o.CureBy != 0 || !strings.Contains(o.CureUndetermined, "not in the documents held") {
		t.Errorf("cure days unknown: %+v", o)
	}
	// Loans within the limit, letters of credit over it.
	lc := ComputeAvailability(Limits{AsOf: d("2006-03-01"), Commitment: amt("10000000.00"), Loans: amt("3900000.00"), LCOutstanding: amt("200000.00"),
		Certificate: &Certificate{ID: 7, AsOf: d("2006-03-01"), BorrowingBase: amt("4000000.00")}})
	if o, _ := OveradvanceOf([]Availability{lc}, 0, cure); o.Cause != CauseLettersOfCredit || o.Amount != amt("100000.00") {
		t.Errorf("letters of credit: %+v", o)
	}
}

func TestCheckLCIssue(t *testing.T) {
	vd := date.MustParse("2006-01-10")
	a := ComputeAvailability(Limits{AsOf: vd, Commitment: amt("10000000.00"), Certificate: &Certificate{BorrowingBase: amt("4000000.00")},
		TerminationDate: date.MustParse("2007-06-30"), Loans: amt("3000000.00")})
	if err := CheckLCIssue([]Availability{a}, amt("1000000.00")); err != nil {
		t.Errorf("letter of credit within availability: %v", err)
	}
	err := CheckLCIssue([]Availability{a}, amt("1000000.01"))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeAvailabilityExceeded || e.Availability.Available != amt("1000000.00") {
		t.Errorf("letter of credit over availability: %v", err)
	}
}

// Undetermined availability is null in JSON, never 0.00, and says why.
func TestAvailabilityUndeterminedJSON(t *testing.T) {
	a := ComputeAvailability(Limits{AsOf: date.MustParse("2006-01-10"), Commitment: amt("10000000.00")})
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"available":null`) || len(a.Blocked) != 1 || a.Blocked[0].Code != ReasonUndetermined {
		t.Errorf("undetermined availability = %s", b)
	}
}

// 30/360: a period's daily fractions sum to its 30/360 day count, whatever
// the month lengths.
func TestThirty360DaysSumToThePeriod(t *testing.T) {
	dc, err := DayCountByName("30_360")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from, to string
		days     int64
	}{{"2005-01-01", "2005-02-01", 30}, {"2005-01-31", "2005-03-01", 31}, {"2004-02-01", "2004-03-01", 30}, {"2005-01-15", "2006-01-15", 360}} {
		var sum int64
		for d := date.MustParse(c.from); d < date.MustParse(c.to); d++ {
			num, den := dc.DayFraction(d)
			if den != 360 {
				t.Fatalf("%s: denominator %d", d, den)
			}
			sum += num
		}
		period, _ := calendar.Thirty360.YearFraction(date.MustParse(c.from), date.MustParse(c.to))
		if sum != c.days || sum != period {
			t.Errorf("%s to %s: %d days, want %d (the period's 30/360 count: %d)", c.from, c.to, sum, c.days, period)
		}
	}
}

// Collections are credited after clearance days counted in Business Days
// of the facility's calendar, not calendar days (Security Agreement ¶8):
// received on a Friday with one day, credited on the Monday, not the
// Saturday; over a holiday, on the day after it.
func TestCollectionValueDateBusinessDays(t *testing.T) {
	d := date.MustParse
	fed := calendar.FederalReserve()
	for _, tc := range []struct {
		name      string
		received  string
		clearance int
		cal       calendar.Calendar
		want      string
	}{
		{"Friday, 1 day", "2006-03-10", 1, fed, "2006-03-13"},
		{"Friday, 2 days", "2006-03-10", 2, fed, "2006-03-14"},
		{"Friday before Martin Luther King Day, 1 day", "2006-01-13", 1, fed, "2006-01-17"},
		{"Friday before Martin Luther King Day, 2 days", "2006-01-13", 2, fed, "2006-01-18"},
		{"Wednesday before Thanksgiving, 1 day", "2006-11-22", 1, fed, "2006-11-24"},
		{"Friday before Christmas, 1 day", "2006-12-22", 1, fed, "2006-12-26"},
		{"Wednesday, no clearance", "2006-03-08", 0, fed, "2006-03-08"},
		{"Saturday counts as received Monday, 1 day", "2006-03-11", 1, fed, "2006-03-14"},
		{"Saturday, no clearance: the next Business Day", "2006-03-11", 0, fed, "2006-03-13"},
		{"weekends only: no holiday", "2006-01-13", 1, calendar.WeekendsOnly(), "2006-01-16"},
		{"a facility closure", "2006-03-10", 1, fed.WithClosures(d("2006-03-13")), "2006-03-14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CollectionValueDate(d(tc.received), tc.clearance, tc.cal); got != d(tc.want) {
				t.Errorf("received %s (%s), %d clearance days: credited %s (%s), want %s", tc.received, d(tc.received).Weekday(), tc.clearance, got, got.Weekday(), tc.want)
			}
		})
	}
}

// A payment settles what was billed: interest, fees or costs receivable,
// never the loans (a repayment) or another account.
func TestPaymentAccounts(t *testing.T) {
	r := Ref{Facility: "f", Key: "k", ValueDate: date.MustParse("2004-01-28")}
	p, err := Payment(r, FeesReceivable, amt("20000.00"))
	if err != nil {
		t.Fatal(err)
	}
	if b := BalancesAsOf([]Transaction{p}, r.ValueDate); b[Cash] != amt("20000.00") || b[FeesReceivable] != -amt("20000.00") {
		t.Errorf("balances after a fee payment: %v", b)
	}
	for _, a := range []Account{Loans, Cash, FeeIncome, "savings"} {
		if _, err := Payment(r, a, amt("1.00")); err == nil {
			t.Errorf("payment to %s: no error", a)
		}
	}
	if _, err := Payment(r, InterestReceivable, 0); err == nil {
		t.Error("payment of 0.00: no error")
	}
}
