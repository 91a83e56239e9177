package ledger

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"revolver/calendar"
	"revolver/date"
	"revolver/money"
)

func loanTestTerms() LoanTerms {
	floor := money.MustRate("1.00%")
	return LoanTerms{Calendar: calendar.FederalReserve(), Options: []Option{
		{ID: "prime", Base: "prime", Margin: money.MustRate("0.25%")},
		{ID: "sofr", Base: "term_sofr", Margin: money.MustRate("2.25%"), Periods: []string{"1m", "3m"}, FixingDays: 2, Floor: &floor},
	}}
}

func loanTestSeries(name string) RateSeries {
	d := date.MustParse
	switch name {
	case "prime":
		return RateSeries{{Effective: d("2024-01-02"), Value: money.MustRate("8.50%"), Source: "H.15"}}
	case "term_sofr_1m":
		// 0.80% on the fixing day (below the floor), 5.30% from the next.
		return RateSeries{{Effective: d("2024-01-12"), Value: money.MustRate("0.80%"), Source: "CME"}, {Effective: d("2024-01-16"), Value: money.MustRate("5.30%"), Source: "CME"}}
	case "term_sofr_3m":
		return RateSeries{{Effective: d("2024-02-15"), Value: money.MustRate("5.00%"), Source: "CME"}}
	}
	return nil
}

// walk moves a book over the days from..to with the borrowings and net
// movements given by day, returning the loans at the close of each day.
func walk(t *testing.T, b *LoanBook, from, to date.Date, br map[date.Date][]Borrowing, net map[date.Date]money.Amount) map[date.Date][]Loan {
	t.Helper()
	out := map[date.Date][]Loan{}
	for day := from; day <= to; day++ {
		if err := b.Day(day, loanTestTerms(), br[day], net[day]); err != nil {
			t.Fatalf("%s: %v", day, err)
		}
		out[day] = b.Loans()
	}
	return out
}

func findLoan(ls []Loan, id int64) *Loan {
	for i := range ls {
		if ls[i].ID == id {
			return &ls[i]
		}
	}
	return nil
}

// A Term SOFR loan borrowed on Wednesday 17 January 2024 for 1 month: its
// rate is fixed 2 business days before (Friday 12 January: Monday 15
// January is a holiday), the floor applies (0.80% read as 1.00%), and the
// rate stays fixed when the series moves; its period ends on 20 February
// (17 February is a Saturday, 19 February a holiday: modified following).
// A repayment of 150,000.00 on 24 January repays the prime loan first
// (100,000.00), then 50,000.00 of the term loan. With no notice the loan
// is converted to prime at the period's end; the period's interest, over
// the month end, is the exact daily sum rounded once per day.
func TestLoanBookTermLoan(t *testing.T) {
	d := date.MustParse
	b := NewLoanBook(nil)
	br := map[date.Date][]Borrowing{
		d("2024-01-10"): {{Loan: 1, Day: d("2024-01-10"), Amount: amt("100000.00"), Option: "prime"}},
		d("2024-01-17"): {{Loan: 2, Day: d("2024-01-17"), Amount: amt("500000.00"), Option: "sofr", Tenor: "1m"}},
	}
	net := map[date.Date]money.Amount{d("2024-01-10"): amt("100000.00"), d("2024-01-17"): amt("500000.00"), d("2024-01-24"): -amt("150000.00")}
	days := walk(t, b, d("2024-01-10"), d("2024-02-21"), br, net)

	term := findLoan(days[d("2024-01-17")], 2)
	if term == nil || term.Period == nil {
		t.Fatalf("loans on 17 January: %+v", days[d("2024-01-17")])
	}
	want := InterestPeriod{Tenor: "1m", Start: d("2024-01-17"), End: d("2024-02-20"), Fixing: d("2024-01-12")}
	if *term.Period != want {
		t.Errorf("period %+v, want %+v", *term.Period, want)
	}
	// The repayment: prime first, then the term loan.
	ls := days[d("2024-01-24")]
	if len(ls) != 1 || ls[0].ID != 2 || ls[0].Principal != amt("450000.00") {
		t.Errorf("after the repayment: %+v, want loan 2 with 450000.00", ls)
	}
	// The rate: floor 1.00% + 2.25%, fixed on 12 January.
	opt := loanTestTerms().Options[1]
	var sum money.Amount
	for day := d("2024-01-24"); day < d("2024-02-20"); day++ {
		l := days[day]
		r, err := LoanRateOn(l[0], opt, loanTestSeries, day)
		if err != nil {
			t.Fatal(err)
		}
		if r.Rate.Percent() != "3.25%" || !r.Floored || r.On != d("2024-01-12") || r.Series != "term_sofr_1m" {
			t.Fatalf("%s: rate %+v", day, r)
		}
		di, err := AccrueLoans(day, l, []LoanRate{r}, Actual360, "actual_360")
		if err != nil {
			t.Fatal(err)
		}
		sum += di.Amount
		if day == d("2024-01-31") && !strings.Contains(di.Describe(), "loan 2 450000.00 at 3.25% (sofr: floor 1% above term_sofr_1m 0.8% on 2024-01-12 + margin 2.25%)") {
			t.Errorf("memo %q", di.Describe())
		}
	}
	// 450,000.00 × 3.25% / 360 = 40.625 → 40.63 a day, 27 days (24 January
	// to 19 February, over the month end).
	if sum != amt("1097.01") {
		t.Errorf("interest 24 January to 19 February = %s, want 27 × 40.63 = 1097.01", sum)
	}
	// No notice: converted to prime on 20 February.
	after := findLoan(days[d("2024-02-20")], 2)
	if after == nil || after.Option != "prime" || after.Period != nil || !strings.Contains(after.How, "no notice given") {
		t.Errorf("at the period's end: %+v", after)
	}
	if r, _ := LoanRateOn(*after, loanTestTerms().Options[0], loanTestSeries, d("2024-02-20")); r.Rate.Percent() != "8.75%" {
		t.Errorf("converted rate %+v", r)
	}
}

// A notice continues the loan for 3 months from its period's end: the new
// period is fixed 2 business days before it starts (15 February: 19
// February is a holiday) and ends on 20 May.
func TestLoanBookContinuation(t *testing.T) {
	d := date.MustParse
	b := NewLoanBook([]Notice{{Loan: 2, PeriodEnd: d("2024-02-20"), Option: "sofr", Tenor: "3m", Ref: "notice 1"}})
	br := map[date.Date][]Borrowing{d("2024-01-17"): {{Loan: 2, Day: d("2024-01-17"), Amount: amt("500000.00"), Option: "sofr", Tenor: "1m"}}}
	net := map[date.Date]money.Amount{d("2024-01-17"): amt("500000.00")}
	days := walk(t, b, d("2024-01-17"), d("2024-02-20"), br, net)
	l := findLoan(days[d("2024-02-20")], 2)
	want := InterestPeriod{Tenor: "3m", Start: d("2024-02-20"), End: d("2024-05-20"), Fixing: d("2024-02-15")}
	if l == nil || l.Period == nil || *l.Period != want || l.How != "continued 2024-02-20 by notice 1" {
		t.Fatalf("continued loan %+v", l)
	}
	r, err := LoanRateOn(*l, loanTestTerms().Options[1], loanTestSeries, d("2024-03-01"))
	if err != nil || r.Rate.Percent() != "7.25%" || r.Floored {
		t.Errorf("continued rate %+v, %v", r, err)
	}
	// A series with no value on the fixing day: undetermined, naming it.
	_, err = LoanRateOn(Loan{Name: "loan 3", Option: "sofr", Period: &InterestPeriod{Tenor: "3m", Start: d("2024-02-01"), End: d("2024-05-01"), Fixing: d("2024-01-30")}},
		loanTestTerms().Options[1], loanTestSeries, d("2024-02-01"))
	if err == nil || !strings.Contains(err.Error(), `rate series "term_sofr_3m" has no value effective on or before 2024-01-30`) {
		t.Errorf("no fixing value: %v", err)
	}
}

// Loans at one rate accrue exactly what their sum does (AccrueDay):
// grouping by rate changes nothing, and a second rate adds its exact
// interest before the day's one rounding.
func TestAccrueLoansOneRounding(t *testing.T) {
	d := date.MustParse
	day := d("2006-01-10")
	p := Pricing{Series: "prime", Margin: money.MustRate("0%")}
	ser := RateSeries{{Effective: d("2006-01-03"), Value: money.MustRate("7.25%")}}
	whole, err := AccrueDay(p, ser, day, amt("1234567.89"))
	if err != nil {
		t.Fatal(err)
	}
	o := Option{ID: "prime", Base: "prime"}
	r, _ := LoanRateOn(Loan{Option: "prime"}, o, func(string) RateSeries { return ser }, day)
	split := []Loan{{Name: "a", Principal: amt("1000000.01")}, {Name: "b", Principal: amt("234567.88")}}
	got, err := AccrueLoans(day, split, []LoanRate{r, r}, Actual360, "actual_360")
	if err != nil || got.Amount != whole.Amount {
		t.Errorf("split at one rate: %s, want %s (%v)", got.Amount, whole.Amount, err)
	}
	// 100.00 at 7.25% and 100.00 at 8.00%: 0.0201388… + 0.0222222… = 0.04236… → 0.04
	// (each rounded alone: 0.02 + 0.02).
	r2 := r
	r2.Rate = money.MustRate("8.00%")
	two, _ := AccrueLoans(day, []Loan{{Name: "a", Principal: amt("100.00")}, {Name: "b", Principal: amt("100.00")}}, []LoanRate{r, r2}, Actual360, "actual_360")
	if two.Amount != amt("0.04") {
		t.Errorf("two rates: %s", two.Amount)
	}
}

// Whatever the borrowings, debits and credits, the loans sum to the Loans
// balance when it is positive (nothing when it is not), every loan has a
// positive principal, and repayments never reach a term-rate loan while a
// floating-rate loan is outstanding.
func TestLoanBookProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		d0 := date.MustParse("2024-01-02")
		b := NewLoanBook(nil)
		var balance money.Amount
		var id int64
		for day := d0; day < d0+120; day++ {
			var brs []Borrowing
			net := money.Amount(0)
			for range rapid.IntRange(0, 2).Draw(rt, "borrowings") {
				id++
				a := money.Amount(rapid.Int64Range(1, 1_000_000_00).Draw(rt, "amount"))
				br := Borrowing{Loan: id, Day: day, Amount: a, Option: "prime"}
				if rapid.Bool().Draw(rt, "term") {
					br.Option, br.Tenor = "sofr", rapid.SampledFrom([]string{"1m", "3m"}).Draw(rt, "tenor")
				}
				brs = append(brs, br)
				net += a
			}
			net += money.Amount(rapid.Int64Range(-2_000_000_00, 500_000_00).Draw(rt, "other"))
			before := b.Loans()
			if err := b.Day(day, loanTestTerms(), brs, net); err != nil {
				rt.Fatal(err)
			}
			balance += net
			ls := b.Loans()
			var sum money.Amount
			for _, l := range ls {
				if l.Principal <= 0 {
					rt.Fatalf("%s: loan %+v", day, l)
				}
				sum += l.Principal
			}
			if want := max(balance, 0); sum != want {
				rt.Fatalf("%s: loans sum to %s, balance %s", day, sum, balance)
			}
			// A term loan reduced today while a floating loan from before
			// is still outstanding: the order is broken.
			floating := false
			for _, l := range ls {
				if l.Period == nil && l.Since < day {
					floating = true
				}
			}
			for _, was := range before {
				if was.Period == nil || was.Period.End <= day {
					continue
				}
				if now := findLoan(ls, was.ID); floating && (now == nil || now.Principal < was.Principal) {
					rt.Fatalf("%s: term loan %d repaid while a floating loan is outstanding", day, was.ID)
				}
			}
		}
	})
}
