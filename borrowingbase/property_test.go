package borrowingbase

import (
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"revolver/agreement"
	"revolver/collateral"
	"revolver/money"
)

// genAging draws a small aging: a few debtors with random flags, rows with
// random ages, signs and disputes.
//
// With agedCredits, credit memos are drawn only past 90 days (so in the
// example order they fall under past_due, never among a debtor's remaining
// rows): see TestCrossAgedTakesCurrentCreditMemos for why.
func genAging(t *rapid.T, agedCredits bool) *aging {
	g := &aging{}
	nd := rapid.IntRange(1, 6).Draw(t, "debtors")
	for i := 0; i < nd; i++ {
		id := "D" + strconv.Itoa(i)
		g.debtor(id, func(d *collateral.Debtor) {
			d.Affiliate = rapid.IntRange(0, 9).Draw(t, "aff") == 0
			d.Government = rapid.IntRange(0, 5).Draw(t, "gov") == 0
			d.AssignmentOfClaims = rapid.Bool().Draw(t, "aoc")
			if rapid.IntRange(0, 4).Draw(t, "foreign") == 0 {
				d.Country = "CA"
			}
			d.CreditInsured = rapid.Bool().Draw(t, "ins")
			d.ContraPayable = money.Amount(rapid.SampledFrom([]int64{0, 0, 1, 5000, 100000}).Draw(t, "contra"))
		})
	}
	nr := rapid.IntRange(0, 40).Draw(t, "rows")
	for i := 0; i < nr; i++ {
		d := int32(rapid.IntRange(0, nd-1).Draw(t, "debtor"))
		age := rapid.IntRange(-5, 200).Draw(t, "age")
		cents := rapid.Int64Range(-20000, 200000).Draw(t, "cents")
		if agedCredits && cents < 0 && age <= 90 {
			age += 100
		}
		g.inv(d, age, money.Amount(cents).String(), rapid.IntRange(0, 6).Draw(t, "disp") == 0)
	}
	return g
}

func genStock(t *rapid.T) *stock {
	s := &stock{}
	n := rapid.IntRange(0, 20).Draw(t, "items")
	for i := 0; i < n; i++ {
		s.item("I"+strconv.Itoa(i),
			rapid.SampledFrom([]string{"BIL", "UPS-SJC", "UPS-SDF", "BTU-UK"}).Draw(t, "loc"),
			rapid.SampledFrom([]string{"finished_goods", "raw_materials", "work_in_process", "consigned"}).Draw(t, "cat"),
			rapid.IntRange(0, 500).Draw(t, "idle"),
			money.Amount(rapid.Int64Range(0, 500000).Draw(t, "cost")).String())
	}
	return s
}

func genCasualty(t *rapid.T, s *stock) []CasualtyExclusion {
	var out []CasualtyExclusion
	for _, r := range s.rows {
		if rapid.IntRange(0, 5).Draw(t, "casualty") == 0 {
			e := CasualtyExclusion{Item: r.Item, Location: r.Location}
			if rapid.Bool().Draw(t, "partial") {
				a := money.Amount(rapid.Int64Range(1, 300000).Draw(t, "cas_amt"))
				e.Amount = &a
			}
			out = append(out, e)
		}
	}
	return out
}

// shuffledCriteria returns the example criteria in a random order.
func shuffledCriteria(t *rapid.T, crits []agreement.Criterion) []agreement.Criterion {
	perm := rapid.Permutation(crits).Draw(t, "order")
	return perm
}

func genInput(t *rapid.T, shuffleCriteria bool) Input {
	return genInputOpt(t, shuffleCriteria, false)
}

func genInputOpt(t *rapid.T, shuffleCriteria, agedCredits bool) Input {
	g := genAging(t, agedCredits)
	s := genStock(t)
	terms := exampleTerms()
	if shuffleCriteria {
		terms.Receivables = shuffledCriteria(t, terms.Receivables)
		terms.Inventory = shuffledCriteria(t, terms.Inventory)
	}
	return Input{Terms: terms, AsOf: asOf, Receivables: g.build(), Inventory: s.build(),
		Casualty:      genCasualty(t, s),
		LCOutstanding: money.Amount(rapid.Int64Range(0, 100000).Draw(t, "lc")),
		LCDrawn:       money.Amount(rapid.Int64Range(0, 100000).Draw(t, "drawn"))}
}

func TestPropGrossIsEligiblePlusIneligibles(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		c, err := Compute(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.Sections {
			var sum, rows money.Amount
			for _, l := range s.Ineligible {
				sum += l.Amount
			}
			if s.Gross != s.Eligible.Amount+sum {
				t.Fatalf("%s: gross %s ≠ eligible %s + ineligibles %s", s.Collateral, s.Gross, s.Eligible.Amount, sum)
			}
			if s.recv != nil {
				for _, r := range s.recv.Rows {
					rows += r.Amount
				}
			} else {
				for _, r := range s.inv.Rows {
					rows += r.ExtendedCost
				}
			}
			if rows != s.Gross {
				t.Fatalf("%s: gross %s ≠ Σ rows %s", s.Collateral, s.Gross, rows)
			}
		}
	})
}

func TestPropShufflingRowsChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		c1, err := Compute(in)
		if err != nil {
			t.Fatal(err)
		}
		want := mustJSON(t, c1)
		wantExplain := c1.Explain(true).Text()

		// Permute the receivables rows, the debtors (re-indexing the rows)
		// and the inventory rows; line numbers travel with their rows.
		rv := in.Receivables
		idx := make([]int, len(rv.Rows))
		for i := range idx {
			idx[i] = i
		}
		idx = rapid.Permutation(idx).Draw(t, "row_perm")
		dIdx := make([]int, len(rv.Debtors))
		for i := range dIdx {
			dIdx[i] = i
		}
		dIdx = rapid.Permutation(dIdx).Draw(t, "debtor_perm")
		newPos := make([]int32, len(dIdx))
		debtors := make([]collateral.Debtor, len(dIdx))
		for to, from := range dIdx {
			debtors[to] = rv.Debtors[from]
			newPos[from] = int32(to)
		}
		rows := make([]collateral.Receivable, len(idx))
		nos := make([]string, len(idx))
		for to, from := range idx {
			rows[to] = rv.Rows[from]
			rows[to].Debtor = newPos[rv.Rows[from].Debtor]
			nos[to] = rv.InvoiceNo(from)
		}
		in2 := in
		in2.Receivables = collateral.NewReceivables(rv.File, rv.DebtorsFile, debtors, rows, nos)
		items := rapid.Permutation(in.Inventory.Rows).Draw(t, "item_perm")
		in2.Inventory = &collateral.Inventory{File: in.Inventory.File, Rows: items}
		c2, err := Compute(in2)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustJSON(t, c2); got != want {
			t.Fatalf("shuffled JSON differs\n got %s\nwant %s", got, want)
		}
		if got := c2.Explain(true).Text(); got != wantExplain {
			t.Fatalf("shuffled explanation differs\n got %s\nwant %s", got, wantExplain)
		}
	})
}

func TestPropRemovingEligibleInvoiceNeverRaises(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInputOpt(t, false, true)
		c1, err := Compute(in)
		if err != nil {
			t.Fatal(err)
		}
		s := c1.Section(agreement.Receivables)
		var cand []int
		for i, r := range in.Receivables.Rows {
			if r.Amount > 0 && int(s.bucket[i]) == s.eligPos {
				cand = append(cand, i)
			}
		}
		if len(cand) == 0 {
			t.Skip("no eligible invoice")
		}
		drop := rapid.SampledFrom(cand).Draw(t, "drop")
		rv := in.Receivables
		var rows []collateral.Receivable
		var nos []string
		for i, r := range rv.Rows {
			if i != drop {
				rows = append(rows, r)
				nos = append(nos, rv.InvoiceNo(i))
			}
		}
		in2 := in
		in2.Receivables = collateral.NewReceivables(rv.File, rv.DebtorsFile, rv.Debtors, rows, nos)
		c2, err := Compute(in2)
		if err != nil {
			t.Fatal(err)
		}
		if c2.BorrowingBase.Amount > c1.BorrowingBase.Amount {
			t.Fatalf("removing eligible invoice (line %d, %s) raised the borrowing base %s → %s",
				rv.Rows[drop].Line, rv.Rows[drop].Amount, c1.BorrowingBase.Amount, c2.BorrowingBase.Amount)
		}
	})
}

func TestPropRaisingAdvanceRateNeverLowers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		k := rapid.IntRange(0, 1).Draw(t, "component")
		lo := rapid.IntRange(0, 1000).Draw(t, "rate_lo")
		hi := rapid.IntRange(lo, 1000).Draw(t, "rate_hi")
		rate := func(permille int) *Certificate {
			terms := *in.Terms
			terms.BorrowingBase.Components = append([]agreement.Component(nil), in.Terms.BorrowingBase.Components...)
			terms.BorrowingBase.Components[k].AdvanceRate.Value = money.MustRate(strconv.Itoa(permille) + "e-3")
			in2 := in
			in2.Terms = &terms
			c, err := Compute(in2)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		c1, c2 := rate(lo), rate(hi)
		if c2.BorrowingBase.Amount < c1.BorrowingBase.Amount {
			t.Fatalf("raising rate %d‰ → %d‰ lowered the borrowing base %s → %s", lo, hi, c1.BorrowingBase.Amount, c2.BorrowingBase.Amount)
		}
	})
}

// TestCrossAgedTakesCurrentCreditMemos pins the one way removing an eligible
// invoice can raise the borrowing base under the stated semantics: the
// removal makes a debtor cross-aged, and cross_aged takes EVERY remaining row
// of the debtor, including a current credit memo that was reducing eligible.
func TestCrossAgedTakesCurrentCreditMemos(t *testing.T) {
	pd := crit(agreement.PastDue)
	pd.Days = daysT(90)
	ca := crit(agreement.CrossAged)
	ca.Days = daysT(90)
	ca.Share = shareT("50%")
	build := func(withCurrent bool) *collateral.Receivables {
		var g aging
		a := g.debtor("A")
		g.inv(a, 100, "1.00")
		if withCurrent {
			g.inv(a, 5, "2.00") // aged share 1/3: not cross-aged
		}
		g.inv(a, 5, "-3.00")
		g.inv(g.debtor("B"), 5, "10.00")
		return g.build()
	}
	before := mustCompute(t, Input{Terms: recvTerms(pd, ca), Receivables: build(true)})
	after := mustCompute(t, Input{Terms: recvTerms(pd, ca), Receivables: build(false)})
	// Before: A's remaining 2.00 − 3.00 = −1.00 reduces eligible to 9.00.
	checkFigures(t, before, map[string]string{"receivables.ineligible.past_due": "1.00", "receivables.ineligible.cross_aged": "0.00", "receivables.eligible": "9.00"})
	// Without the current 2.00, A is 100% aged: the −3.00 credit memo is
	// cross-aged, and eligible rises to 10.00.
	checkFigures(t, after, map[string]string{"receivables.ineligible.past_due": "1.00", "receivables.ineligible.cross_aged": "-3.00", "receivables.eligible": "10.00"})
}
