package statement

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"revolver/calendar"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

var d = date.MustParse

func tx(id int64, k ledger.Kind, vd string, memo string, ps ...ledger.Posting) ledger.Transaction {
	return ledger.Transaction{ID: id, Facility: "f", Kind: k, ValueDate: d(vd), Key: string(k) + vd, Memo: memo, Postings: ps}
}

func p(a ledger.Account, v money.Amount) ledger.Posting { return ledger.Posting{Account: a, Amount: v} }

// A month of every kind: the balances, the sections, the collections by
// day received, the interest by rate period with the posted accruals and
// the rounding of a day at two rates, what is due on the first Business
// Day after a month ending on a Sunday, and a kind no section names shown
// under Other, all tying.
func TestBuild(t *testing.T) {
	txs := []ledger.Transaction{
		tx(1, ledger.KindAdvance, "2006-03-15", "", p(ledger.Loans, 100_000_00), p(ledger.Cash, -100_000_00)),
		tx(2, ledger.KindInterest, "2006-03-31", "", p(ledger.InterestReceivable, 27_78), p(ledger.InterestIncome, -27_78)),
		tx(3, ledger.KindPayment, "2006-04-03", "interest billed for March", p(ledger.Cash, 27_78), p(ledger.InterestReceivable, -27_78)),
		tx(4, ledger.KindCollection, "2006-04-05", "received 2006-04-04, credited after 1 clearance business days (US calendar)", p(ledger.CollectionsClearing, 10_000_00), p(ledger.Loans, -10_000_00)),
		tx(5, ledger.KindCollection, "2006-04-05", "received 2006-04-04, credited after 1 clearance business days (US calendar)", p(ledger.CollectionsClearing, 2_000_00), p(ledger.Loans, -2_000_00)),
		tx(6, ledger.KindCollection, "2006-04-06", "wire", p(ledger.CollectionsClearing, 500_00), p(ledger.Loans, -500_00)),
		{ID: 7, Facility: "f", Kind: ledger.KindReturnedItem, ValueDate: d("2006-04-10"), Key: "ri", Reverses: 5, Postings: []ledger.Posting{p(ledger.CollectionsClearing, -2_000_00), p(ledger.Loans, 2_000_00)}},
		tx(8, ledger.KindInterest, "2006-04-01", "", p(ledger.InterestReceivable, 25_00), p(ledger.InterestIncome, -25_00)),
		tx(9, ledger.KindInterest, "2006-04-02", "", p(ledger.InterestReceivable, 25_00), p(ledger.InterestIncome, -25_00)),
		tx(10, ledger.KindInterest, "2006-04-03", "", p(ledger.InterestReceivable, 30_01), p(ledger.InterestIncome, -30_01)),
		tx(11, ledger.KindFee, "2006-04-28", "fee", p(ledger.FeesReceivable, 1_000_00), p(ledger.FeeIncome, -1_000_00)),
		tx(12, ledger.KindCost, "2006-04-20", "field exam", p(ledger.Loans, 3_500_00), p(ledger.Cash, -3_500_00)),
		tx(13, ledger.KindLCIssue, "2006-04-21", "standby", p(ledger.LCOutstanding, 50_000_00), p(ledger.LCContingent, -50_000_00)),
		tx(14, "remittance", "2006-04-22", "to the operating account", p(ledger.CollectionsClearing, -500_00), p(ledger.Cash, 500_00)),
		tx(15, ledger.KindAdvance, "2006-05-01", "", p(ledger.Loans, 1_00), p(ledger.Cash, -1_00)), // after the month
	}
	rate := func(day string, r string, interest money.Amount, opt string) ledger.DayRate {
		return ledger.DayRate{Day: d(day), Option: opt, Series: opt, Base: ledger.RatePoint{Effective: d("2006-03-29"), Value: money.MustRate(r)}, Rate: money.MustRate(r), DayCount: "actual_360", Interest: interest}
	}
	in := Input{Facility: "f", Year: 2006, Month: time.April, KnownAt: time.Date(2006, 5, 2, 12, 0, 0, 0, time.UTC), Transactions: txs,
		Days: []ledger.DayRate{rate("2006-04-01", "0.0900", 0, "prime"), rate("2006-04-02", "0.0900", 0, "prime"),
			rate("2006-04-03", "0.0900", 20_00, "prime"), rate("2006-04-03", "0.0725", 10_00, "libor")},
		Billing: BilledMonthly, Calendar: calendar.FederalReserve()}
	s, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if s.Month != "2006-04" || s.From != d("2006-04-01") || s.To != d("2006-04-30") {
		t.Errorf("month %s %s %s", s.Month, s.From, s.To)
	}
	if got := s.Opening.Of(ledger.Loans); got != 100_000_00 || s.Opening.Owed != 100_027_78 {
		t.Errorf("opening loans %s owed %s", got, s.Opening.Owed)
	}
	want := map[string]money.Amount{"repayments": 0, "collections": -12_500_00, "returned_items": 2_000_00, "interest": 80_01, "fees": 1_000_00,
		"costs": 3_500_00, "payments": -27_78, "letters_of_credit": 0, "other": 0}
	if len(s.Sections) != len(want)-1 {
		t.Errorf("%d sections: %+v", len(s.Sections), s.Sections)
	}
	for k, v := range want {
		got, ok := s.Section(k)
		if k == "repayments" {
			if ok {
				t.Errorf("a repayments section with none")
			}
			continue
		}
		if !ok || got.Amount != v {
			t.Errorf("section %s = %+v, want %s", k, got, v)
		}
	}
	lc, _ := s.Section("letters_of_credit")
	if len(lc.Accounts) != 1 || lc.Accounts[0] != (AccountMove{ledger.LCOutstanding, 50_000_00}) {
		t.Errorf("letters of credit moved %+v", lc.Accounts)
	}
	if o, _ := s.Section("other"); o.Label != "Other" || o.Count != 1 || len(o.Accounts) != 1 || o.Accounts[0].Account != ledger.CollectionsClearing {
		t.Errorf("other: %+v", o)
	}
	if closing := s.Closing.Of(ledger.Loans); closing != 100_000_00-12_500_00+2_000_00+3_500_00 {
		t.Errorf("closing loans %s", closing)
	}
	if s.Closing.Of(ledger.CollectionsClearing) != 12_500_00-2_000_00-500_00 || s.Closing.Of(ledger.LCOutstanding) != 50_000_00 {
		t.Errorf("memo accounts %+v", s.Closing.Accounts)
	}
	wantColl := []CollectionDay{{Received: d("2006-04-04"), ValueDate: d("2006-04-05"), Count: 2, Amount: 12_000_00, Transactions: []int64{4, 5}},
		{ValueDate: d("2006-04-06"), Count: 1, Amount: 500_00, Transactions: []int64{6}}}
	if len(s.Collections) != 2 || !slices.Equal(s.Collections[0].Transactions, wantColl[0].Transactions) || s.Collections[0].Amount != wantColl[0].Amount ||
		s.Collections[0].Received != wantColl[0].Received || s.Collections[1].Received != 0 || s.Collections[1].Amount != 500_00 {
		t.Errorf("collections %+v", s.Collections)
	}
	// Interest: 1–3 April at 9% (the posted 25.00, 25.00 and the share
	// 20.00), 3 April at 7.25% (10.00); the day's two shares are 0.01
	// below its accrual.
	in2 := s.Interest
	if in2.Accrued != 80_01 || in2.Total != 80_01 || in2.Rounding != 1 || len(in2.Periods) != 2 ||
		in2.Periods[0].Days != 3 || in2.Periods[0].Interest != 70_00 || in2.Periods[1].Option != "libor" || in2.Periods[1].Interest != 10_00 ||
		!slices.Equal(in2.Transactions, []int64{8, 9, 10}) {
		t.Errorf("interest %+v", in2)
	}
	// Lines: every transaction of the month but the accruals.
	var lineIDs []int64
	for _, l := range s.Lines {
		lineIDs = append(lineIDs, l.Transaction)
	}
	if !slices.Equal(lineIDs, []int64{3, 4, 5, 6, 7, 12, 13, 14, 11}) {
		t.Errorf("lines %v", lineIDs)
	}
	// Due: 30 April 2006 is a Sunday; the first Business Day after is 1 May.
	if len(s.Due) != 2 || s.Due[0].Key != "interest" || s.Due[0].Amount != 80_01 || s.Due[0].DueDate != d("2006-05-01") ||
		s.Due[1].Key != "fees" || s.Due[1].Amount != 1_000_00 || s.Due[1].DueDate != d("2006-05-01") {
		t.Errorf("due %+v", s.Due)
	}
	if s.Explain.Find("section.collections").Find("tx.5") == nil || s.Explain.Find("due.interest.date").Value != "2006-05-01" {
		t.Errorf("explanation:\n%s", s.Explain.Text())
	}

	// Interest billing not known: due on a date undetermined, saying why.
	in.Billing, in.BillingUnknown = "", "the interest billing is not known (pricing.billing): not in the documents held"
	s, err = Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if s.Due[0].DueDate != 0 || s.Due[0].Basis != "undetermined: "+in.BillingUnknown {
		t.Errorf("due with billing unknown: %+v", s.Due[0])
	}
	// A day with an accrual and no rate known is named.
	in.Days = in.Days[:2]
	if s, err = Build(in); err != nil || !slices.Equal(s.Interest.Unexplained, []date.Date{d("2006-04-03")}) || s.Interest.Rounding != 0 {
		t.Errorf("unexplained: %v %v", s.Interest.Unexplained, err)
	}
	// No rate derived at all: the amounts stand, every day is named and
	// the statement says why.
	in.Days, in.RatesUnknown = nil, "interest on 2006-04-01 is undetermined: rate series \"prime\" has no value effective on or before 2006-04-01"
	if s, err = Build(in); err != nil || len(s.Interest.Unexplained) != 3 || s.Interest.RatesUnknown != in.RatesUnknown || s.Interest.Total != 80_01 || len(s.Interest.Periods) != 0 {
		t.Errorf("rates unknown: %+v %v", s.Interest, err)
	}
}

// Any ledger ties: for random balanced transactions of every kind over
// three months, each month's opening plus its sections' movements is its
// closing on every account, the next month opens where it closed, and the
// order the transactions come in changes nothing.
func TestBuildTiesProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	accounts := append(slices.Clone(Owed), append(slices.Clone(Memo), ledger.Cash, ledger.InterestIncome, ledger.FeeIncome, ledger.LCContingent)...)
	for run := 0; run < 200; run++ {
		var txs []ledger.Transaction
		for i := 0; i < 1+r.IntN(60); i++ {
			a, b := accounts[r.IntN(len(accounts))], accounts[r.IntN(len(accounts))]
			v := money.Amount(1 + r.Int64N(1_000_000_00))
			kind := ledger.Kinds[r.IntN(len(ledger.Kinds))]
			if r.IntN(10) == 0 {
				kind = "something_new"
			}
			txs = append(txs, ledger.Transaction{ID: int64(i + 1), Kind: kind, ValueDate: d("2005-12-01") + date.Date(r.IntN(120)),
				Postings: []ledger.Posting{p(a, v), p(b, -v)}})
		}
		var prev *Statement
		for _, m := range []time.Month{time.January, time.February, time.March} {
			shuffled := slices.Clone(txs)
			r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			s, err := Build(Input{Facility: "f", Year: 2006, Month: m, Transactions: txs, Billing: BilledMonthly})
			if err != nil {
				t.Fatalf("run %d %s: %v", run, m, err)
			}
			s2, err := Build(Input{Facility: "f", Year: 2006, Month: m, Transactions: shuffled, Billing: BilledMonthly})
			if err != nil || s2.Closing.Owed != s.Closing.Owed || len(s2.Lines) != len(s.Lines) || s2.Interest.Total != s.Interest.Total {
				t.Fatalf("run %d %s: shuffled differs: %v", run, m, err)
			}
			for i := range s.Lines {
				if s.Lines[i].Transaction != s2.Lines[i].Transaction {
					t.Fatalf("run %d %s: line %d differs after shuffling", run, m, i)
				}
			}
			if prev != nil {
				for _, a := range prev.Closing.Accounts {
					if s.Opening.Of(a.Account) != a.Amount {
						t.Fatalf("run %d %s: opens %s at %s, closed at %s", run, m, a.Account, s.Opening.Of(a.Account), a.Amount)
					}
				}
			}
			prev = &s
		}
	}
}

func TestReceivedOf(t *testing.T) {
	for memo, want := range map[string]date.Date{
		"received 2006-04-04, credited after 1 clearance business days (US calendar)": d("2006-04-04"),
		"lockbox 7; received 2006-12-29":                                              d("2006-12-29"),
		"received 2006-13-04":                                                         0,
		"wire":                                                                        0,
		"":                                                                            0,
	} {
		if got := ReceivedOf(memo); got != want {
			t.Errorf("ReceivedOf(%q) = %s, want %s", memo, got, want)
		}
	}
}

func TestMonthOf(t *testing.T) {
	if from, to, err := MonthOf(2004, time.February); err != nil || from != d("2004-02-01") || to != d("2004-02-29") {
		t.Errorf("February 2004: %s %s %v", from, to, err)
	}
	for _, m := range []time.Month{0, 13} {
		if _, _, err := MonthOf(2004, m); err == nil {
			t.Errorf("month %d accepted", m)
		}
	}
	if _, _, err := MonthOf(99999, time.January); err == nil {
		t.Errorf("year 99999 accepted")
	}
}
