package ledger

import (
	"strings"
	"testing"

	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

func TestFeePeriod(t *testing.T) {
	d := date.MustParse
	for _, c := range []struct{ billing, day, from, to string }{
		{"monthly", "2006-01-31", "2006-01-01", "2006-01-31"},
		{"monthly", "2006-02-01", "2006-01-01", "2006-01-31"},
		{"monthly", "2006-03-15", "2006-02-01", "2006-02-28"},
		{"quarterly", "2006-03-31", "2006-01-01", "2006-03-31"},
		{"quarterly", "2006-04-03", "2006-01-01", "2006-03-31"},
		{"quarterly", "2006-01-02", "2005-10-01", "2005-12-31"},
		{"quarterly", "2006-12-31", "2006-10-01", "2006-12-31"},
	} {
		from, to, err := FeePeriod(c.billing, d(c.day))
		if err != nil || from != d(c.from) || to != d(c.to) {
			t.Errorf("FeePeriod(%s, %s) = %s..%s %v, want %s..%s", c.billing, c.day, from, to, err, c.from, c.to)
		}
	}
	if _, _, err := FeePeriod("weekly", d("2006-01-01")); err == nil {
		t.Error("weekly billing accepted")
	}
}

// days builds a period's days with the fee in force on each, the
// commitment and the loans and letters of credit of each day.
func feeDays(f *FeeTerms, from, to date.Date, commitment money.Amount, loans func(date.Date) money.Amount, lc money.Amount) []FeeDay {
	var out []FeeDay
	for d := from; d <= to; d++ {
		out = append(out, FeeDay{Day: d, Fee: f, Commitment: commitment, Loans: loans(d), LCOutstanding: lc})
	}
	return out
}

// The unused line fee: rate × average daily unused × days/360, rounded
// once. January 2006: commitment 10,000,000.00, loans 4,000,000.00 for 10
// days then 6,000,000.00 for 21, a letter of credit of 500,000.00:
// unused 5,500,000.00 × 10 + 3,500,000.00 × 21 = 128,500,000.00 day-dollars,
// average 4,145,161.29; at 0.375% over 360: 128,500,000 × 0.00375 / 360 =
// 1,338.541666… → 1,338.54. Without the letter of credit (unused
// commitment_less_loans): 144,000,000 × 0.00375 / 360 = 1,500.00.
func TestBillUnusedLineFee(t *testing.T) {
	d := date.MustParse
	cite := explain.Cite{Document: "modern-agreement", Section: "§2.6"}
	loans := func(day date.Date) money.Amount {
		if day < d("2006-01-11") {
			return 4_000_000_00
		}
		return 6_000_000_00
	}
	f := &FeeTerms{ID: "unused_line_fee", Label: "Unused line fee", Kind: FeeUnusedLine, Rate: money.MustRate("0.375%"), DayCount: Actual360, Basis: "actual_360", Billing: "monthly", Cite: cite}
	from, to := d("2006-01-01"), d("2006-01-31")
	b, err := BillFee(*f, from, to, d("2006-01-31"), feeDays(f, from, to, 10_000_000_00, loans, 500_000_00), 0)
	if err != nil {
		t.Fatal(err)
	}
	if b.Amount != 1_338_54 || b.Days != 31 || len(b.Segments) != 1 || b.Segments[0].Average != 4_145_161_29 || b.Segments[0].Counted != 31 {
		t.Errorf("bill %+v, want 1,338.54 over 31 days, average 4,145,161.29", b)
	}
	for _, want := range []string{"Unused line fee (unused_line_fee) 2006-01-01 to 2006-01-31 (31 days)", "0.375% × average daily unused 4,145,161.29 × 31/360 = 1,338.54", "basis actual_360", "§2.6"} {
		if !strings.Contains(b.Memo(), want) {
			t.Errorf("memo %q lacks %q", b.Memo(), want)
		}
	}
	g := *f
	g.Unused = UnusedLessLoans
	b, err = BillFee(g, from, to, to, feeDays(&g, from, to, 10_000_000_00, loans, 500_000_00), 0)
	if err != nil || b.Amount != 1_500_00 {
		t.Errorf("without letters of credit: %s %v, want 1,500.00", b.Amount, err)
	}
	// Loans above the commitment leave nothing unused (never negative).
	b, err = BillFee(*f, from, to, to, feeDays(f, from, to, 10_000_000_00, func(date.Date) money.Amount { return 11_000_000_00 }, 0), 0)
	if err != nil || b.Amount != 0 {
		t.Errorf("over the commitment: %s %v, want 0.00", b.Amount, err)
	}
}

// A rate grid by average usage: 0.375% when usage is below 50%, 0.25%
// otherwise. Usage = average loans ÷ average commitment.
func TestBillUnusedLineFeeSteps(t *testing.T) {
	d := date.MustParse
	half := money.MustRate("50%")
	f := &FeeTerms{ID: "unused_line_fee", Kind: FeeUnusedLine, DayCount: Actual360, Basis: "actual_360", Billing: "quarterly",
		Steps: []FeeStep{{UsageBelow: &half, Rate: money.MustRate("0.375%")}, {Rate: money.MustRate("0.25%")}}}
	from, to := d("2006-01-01"), d("2006-03-31") // 90 days
	for _, c := range []struct {
		loans money.Amount
		want  money.Amount
		usage string
	}{
		// 4,000,000 used of 10,000,000: 40% < 50%, 0.375%: 6,000,000 × 0.00375 × 90/360 = 5,625.00.
		{4_000_000_00, 5_625_00, "40%"},
		// exactly 50%: not below, 0.25%: 5,000,000 × 0.0025 × 90/360 = 3,125.00.
		{5_000_000_00, 3_125_00, "50%"},
	} {
		b, err := BillFee(*f, from, to, d("2006-03-31"), feeDays(f, from, to, 10_000_000_00, func(date.Date) money.Amount { return c.loans }, 0), 0)
		if err != nil || b.Amount != c.want || b.Usage == nil || b.Usage.Percent() != c.usage {
			t.Errorf("loans %s: %+v %v, want %s at usage %s", c.loans, b, err, c.want, c.usage)
		}
	}
}

// The letter-of-credit fee on the average daily face, on 30/360: a face of
// 1,000,000.00 all of February 2006 (28 days, counted as 30): 1,000,000 ×
// 2% × 30/360 = 1,666.666… → 1,666.67.
func TestBillLetterOfCreditFee30360(t *testing.T) {
	d := date.MustParse
	dc, err := DayCountByName("30_360")
	if err != nil {
		t.Fatal(err)
	}
	f := &FeeTerms{ID: "lc_fee", Kind: FeeLetterOfCredit, Rate: money.MustRate("2%"), DayCount: dc, Basis: "30_360", Billing: "monthly"}
	from, to := d("2006-02-01"), d("2006-02-28")
	b, err := BillFee(*f, from, to, to, feeDays(f, from, to, 10_000_000_00, func(date.Date) money.Amount { return 0 }, 1_000_000_00), 0)
	if err != nil || b.Amount != 1_666_67 || b.Segments[0].Counted != 30 {
		t.Errorf("bill %+v %v, want 1,666.67 over 30/360", b, err)
	}
}

// A rate changed by an amendment within the period: each day at its own
// rate, one rounding for the period.
func TestBillFeeRateChangesInPeriod(t *testing.T) {
	d := date.MustParse
	old := &FeeTerms{ID: "lc_fee", Kind: FeeLetterOfCredit, Rate: money.MustRate("2%"), DayCount: Actual360, Billing: "monthly"}
	now := *old
	now.Rate = money.MustRate("3%")
	from, to := d("2006-01-01"), d("2006-01-31")
	days := feeDays(old, from, to, 0, func(date.Date) money.Amount { return 0 }, 360_000_00)
	for i := range days {
		if days[i].Day >= d("2006-01-21") {
			days[i].Fee = &now
		}
	}
	// 360,000 × 2% × 20/360 = 400.00; 360,000 × 3% × 11/360 = 330.00.
	b, err := BillFee(now, from, to, to, days, 0)
	if err != nil || b.Amount != 730_00 || len(b.Segments) != 2 || !strings.Contains(b.Formula(), "2% × average daily face of letters of credit 360,000.00 × 20/360 (2006-01-01 to 2006-01-20) + 3%") {
		t.Errorf("bill %+v %v; formula %q", b, err, b.Formula())
	}
}

func TestBillMonitoringAndMinimumInterest(t *testing.T) {
	d := date.MustParse
	from, to := d("2006-01-01"), d("2006-03-31")
	m := &FeeTerms{ID: "monitoring", Kind: FeeMonitoring, Amount: 1_500_00, Billing: "quarterly"}
	if b, err := BillFee(*m, from, to, to, feeDays(m, from, to, 0, func(date.Date) money.Amount { return 0 }, 0), 0); err != nil || b.Amount != 1_500_00 {
		t.Errorf("monitoring: %+v %v", b, err)
	}
	mi := &FeeTerms{ID: "minimum_interest", Kind: FeeMinimumInterest, Amount: 10_000_00, Billing: "quarterly"}
	for _, c := range []struct{ interest, want money.Amount }{{7_250_50, 2_749_50}, {10_000_00, 0}, {12_000_00, 0}} {
		b, err := BillFee(*mi, from, to, to, feeDays(mi, from, to, 0, func(date.Date) money.Amount { return 0 }, 0), c.interest)
		if err != nil || b.Amount != c.want {
			t.Errorf("minimum interest with interest %s: %+v %v, want %s", c.interest, b, err, c.want)
		}
	}
}

// An unknown term of the fee, or the commitment an unused line fee needs,
// leaves the fee undetermined, naming the term's path.
func TestBillFeeUnknown(t *testing.T) {
	d := date.MustParse
	from, to := d("2006-01-01"), d("2006-01-31")
	f := &FeeTerms{ID: "unused_line_fee", Kind: FeeUnusedLine, Billing: "monthly",
		Unknown: []Unknown{{Term: "rate of fee unused_line_fee", Path: "fees.unused_line_fee.rate", Why: "not held"}}}
	_, err := BillFee(*f, from, to, to, feeDays(f, from, to, 10_000_000_00, func(date.Date) money.Amount { return 0 }, 0), 0)
	if e, ok := err.(*Error); !ok || e.Code != CodeUndetermined || !strings.Contains(e.Message, "fees.unused_line_fee.rate") || !strings.Contains(e.Message, "not held") {
		t.Errorf("unknown rate: %v", err)
	}
	g := &FeeTerms{ID: "unused_line_fee", Kind: FeeUnusedLine, Rate: money.MustRate("0.5%"), Billing: "monthly"}
	days := feeDays(g, from, to, 0, func(date.Date) money.Amount { return 0 }, 0)
	days[3].CommitmentUnknown = &Unknown{Term: "commitment", Path: "commitment", Why: "not held"}
	_, err = BillFee(*g, from, to, to, days, 0)
	if e, ok := err.(*Error); !ok || e.Code != CodeUndetermined || !strings.Contains(e.Message, "(commitment): not held") {
		t.Errorf("unknown commitment: %v", err)
	}
}

// A fee per period is charged only for periods whose first day it is in
// force: a facility closing within the quarter pays from the next one.
func TestPeriodFeeNotChargedForAPartialFirstPeriod(t *testing.T) {
	d := date.MustParse
	from, to := d("2026-04-01"), d("2026-06-30")
	for _, k := range []string{FeeMonitoring, FeeMinimumInterest} {
		f := &FeeTerms{ID: k, Kind: k, Amount: 2_500_00, Billing: "quarterly"}
		days := feeDays(f, from, to, 0, func(date.Date) money.Amount { return 0 }, 0)
		for i := range days {
			if days[i].Day < d("2026-06-30") {
				days[i].Fee = nil // the agreement is dated 30 June
			}
		}
		b, err := BillFee(*f, from, to, to, days, 0)
		if err != nil || b.Amount != 0 || b.Days != 1 {
			t.Errorf("%s in force from the period's last day: %+v %v, want nothing", k, b, err)
		}
	}
}
