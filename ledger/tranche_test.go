package ledger

import (
	"errors"
	"strings"
	"testing"

	"revolver/date"
	"revolver/money"
)

func lastOutLimits(loans, lastOutLoans string) Limits {
	lo := amt("150000.00")
	return Limits{AsOf: date.MustParse("2024-03-15"), Commitment: amt("1200000.00"),
		Certificate:   &Certificate{ID: 7, AsOf: date.MustParse("2024-03-10"), BorrowingBase: amt("1000000.00"), LastOutBase: &lo},
		LCOutstanding: amt("50000.00"), Loans: amt(loans), LastOut: &LastOutLimits{Loans: amt(lastOutLoans)}}
}

func TestAvailabilityPerTranche(t *testing.T) {
	a := ComputeAvailability(lastOutLimits("600000.00", "100000.00"))
	tr := a.Tranches
	if tr == nil {
		t.Fatal("no tranches")
	}
	// Total: min(1,200,000, 1,000,000 + 150,000) − 50,000 − 700,000.
	for _, x := range []struct{ what, got, want string }{
		{"total limit", a.Limit.String(), "1150000.00"},
		{"total loans", a.LoansOutstanding.String(), "700000.00"},
		{"total available", a.Available.String(), "400000.00"},
		// First-out: 1,000,000 − 50,000 − 600,000.
		{"first-out available", tr.FirstOut.Available.String(), "350000.00"},
		// Last-out: 150,000 − 100,000.
		{"last-out available", tr.LastOut.Available.String(), "50000.00"},
		{"to advance", a.ToAdvance().String(), "350000.00"},
		{"to advance last-out", a.ToAdvanceIn(TrancheLastOut).String(), "50000.00"},
	} {
		if x.got != x.want {
			t.Errorf("%s: %s, want %s", x.what, x.got, x.want)
		}
	}
	// The commitment binds the total: neither tranche exceeds what it
	// leaves.
	l := lastOutLimits("600000.00", "100000.00")
	l.Commitment = amt("760000.00")
	a = ComputeAvailability(l)
	if a.Available != amt("10000.00") || a.Tranches.FirstOut.Available != amt("10000.00") || a.Tranches.LastOut.Available != amt("10000.00") || a.Binding != BindsCommitment {
		t.Errorf("commitment binds: total %s, first-out %s, last-out %s, %s", a.Available, a.Tranches.FirstOut.Available, a.Tranches.LastOut.Available, a.Binding)
	}
	// The checks: a last-out advance against the last-out tranche.
	path := []Availability{ComputeAvailability(lastOutLimits("600000.00", "100000.00"))}
	if err := CheckAdvanceIn(path, amt("50000.00"), TrancheLastOut); err != nil {
		t.Errorf("last-out 50,000: %v", err)
	}
	err := CheckAdvanceIn(path, amt("50000.01"), TrancheLastOut)
	var le *Error
	if !errors.As(err, &le) || le.Code != CodeAvailabilityExceeded || !strings.Contains(le.Message, "50,000.00 = min(last-out borrowing base 150,000.00 − last-out loans 100,000.00") {
		t.Errorf("last-out 50,000.01: %v", err)
	}
	if err := CheckAdvanceIn(path, amt("350000.01"), TrancheFirstOut); err == nil || !strings.Contains(err.Error(), "first-out limit 1,000,000.00") {
		t.Errorf("first-out 350,000.01: %v", err)
	}
	if err := CheckAdvance(path, amt("350000.00")); err != nil {
		t.Errorf("first-out 350,000: %v", err)
	}
	// Overadvance per tranche: first-out loans above the first-out base,
	// the total within the limit.
	a = ComputeAvailability(lastOutLimits("980000.00", "0.00"))
	if a.Tranches.FirstOut.Overadvance != amt("30000.00") || a.Tranches.FirstOut.Available != amt("-30000.00") || a.Available != amt("120000.00") || a.Tranches.LastOut.Available != amt("120000.00") {
		t.Errorf("first-out overadvance %s, available %s, total %s", a.Tranches.FirstOut.Overadvance, a.Tranches.FirstOut.Available, a.Available)
	}
	if n := a.Explain().Find("availability.last_out"); n == nil || n.Value != "120000.00" {
		t.Errorf("explained %+v", n)
	}
	// Without a last-out tranche: no tranches, a last-out advance refused.
	plain := lastOutLimits("600000.00", "0")
	plain.LastOut = nil
	a = ComputeAvailability(plain)
	if a.Tranches != nil || a.Available != amt("350000.00") {
		t.Errorf("no tranche: %+v", a)
	}
	if err := CheckAdvanceIn([]Availability{a}, amt("1.00"), TrancheLastOut); err == nil || !strings.Contains(err.Error(), "no last-out tranche") {
		t.Errorf("last-out without tranche: %v", err)
	}
}

func TestRepaymentSplitFirstOutFirst(t *testing.T) {
	for _, c := range []struct{ amount, fo, lo, wantFO, wantLO string }{
		{"30000.00", "100000.00", "50000.00", "30000.00", "0.00"},
		{"120000.00", "100000.00", "50000.00", "100000.00", "20000.00"},
		{"160000.00", "100000.00", "50000.00", "110000.00", "50000.00"}, // beyond both: first-out
		{"10000.00", "0.00", "50000.00", "0.00", "10000.00"},
		{"10000.00", "-500.00", "50000.00", "0.00", "10000.00"},
	} {
		fo, lo := RepaymentSplit(amt(c.amount), amt(c.fo), amt(c.lo))
		if fo != amt(c.wantFO) || lo != amt(c.wantLO) {
			t.Errorf("%s against %s/%s: %s/%s, want %s/%s", c.amount, c.fo, c.lo, fo, lo, c.wantFO, c.wantLO)
		}
	}
	r := Ref{Facility: "f", Key: "k", ValueDate: date.MustParse("2024-03-15")}
	tx, err := CollectionOf(r, amt("120000.00"), LoanBalances{FirstOut: amt("100000.00"), LastOut: amt("50000.00")})
	if err != nil {
		t.Fatal(err)
	}
	if len(tx.Postings) != 3 || tx.Postings[1] != (Posting{Loans, -amt("100000.00")}) || tx.Postings[2] != (Posting{LoansLastOut, -amt("20000.00")}) {
		t.Errorf("collection %+v", tx.Postings)
	}
	// No last-out loans: the same postings as Collection.
	a, _ := CollectionOf(r, amt("1.00"), LoanBalances{FirstOut: amt("5.00")})
	b, _ := Collection(r, amt("1.00"))
	if len(a.Postings) != len(b.Postings) || a.Postings[0] != b.Postings[0] || a.Postings[1] != b.Postings[1] {
		t.Errorf("%+v vs %+v", a.Postings, b.Postings)
	}
	rp, _ := RepaymentOf(r, amt("60000.00"), LoanBalances{FirstOut: amt("10000.00"), LastOut: amt("50000.00")})
	if rp.Postings[1] != (Posting{Loans, -amt("10000.00")}) || rp.Postings[2] != (Posting{LoansLastOut, -amt("50000.00")}) {
		t.Errorf("repayment %+v", rp.Postings)
	}
	adv, err := AdvanceIn(r, amt("5.00"), TrancheLastOut)
	if err != nil || adv.Postings[0] != (Posting{LoansLastOut, amt("5.00")}) {
		t.Errorf("advance %+v %v", adv, err)
	}
	if _, err := AdvanceIn(r, amt("5.00"), "middle_out"); err == nil {
		t.Error("an unknown tranche accepted")
	}
}

func TestLastOutAccrual(t *testing.T) {
	p := Pricing{Series: "prime", Margin: money.MustRate("0.005"), Option: "prime"}
	series := RateSeries{{Effective: date.MustParse("2024-01-01"), Value: money.MustRate("0.085")}}
	// 2,000,000.00 × (8.5% + 0.5% + 1.5%) / 360 = 583.333… → 583.33.
	a, err := AccrueDay(LastOutPricing(p, money.MustRate("0.015")), series, date.MustParse("2024-03-15"), amt("2000000.00"))
	if err != nil || a.Amount != amt("583.33") || a.Rate.Cmp(money.MustRate("0.105")) != 0 {
		t.Fatalf("accrual %+v %v", a, err)
	}
	tx, ok, err := LastOutAccrual("f", a)
	if err != nil || !ok || tx.Key != "interest-last-out:2024-03-15" || tx.Key == InterestKey(a.Day) || tx.Postings[0] != (Posting{InterestReceivable, amt("583.33")}) {
		t.Errorf("%+v %v %v", tx, ok, err)
	}
}
