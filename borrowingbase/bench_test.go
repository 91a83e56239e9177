package borrowingbase

import (
	"strconv"
	"testing"

	"revolver/collateral"
	"revolver/money"
)

// synthetic builds n receivables over nd debtors and ni inventory rows
// deterministically (a fixed linear congruential sequence), shaped like
// gen_abl_data.py's output: ~3% credit memos, ~2% disputed, a spread of ages.
func synthetic(n, nd, ni int) Input {
	x := uint64(0x9E3779B97F4A7C15)
	next := func() uint64 {
		x = x*6364136223846793005 + 1442695040888963407
		return x >> 33
	}
	debtors := make([]collateral.Debtor, nd)
	for d := range debtors {
		debtors[d] = collateral.Debtor{ID: "C" + strconv.Itoa(100000+d), Country: "US", Line: int32(d + 2)}
		switch d % 100 {
		case 1:
			debtors[d].Affiliate = true
		case 2, 3:
			debtors[d].Government = true
			debtors[d].AssignmentOfClaims = next()%2 == 0
		case 4, 5, 6:
			debtors[d].Country = "DE"
			debtors[d].CreditInsured = next()%2 == 0
		}
		if next()%20 == 0 {
			debtors[d].ContraPayable = money.Amount(next() % 5_000_000)
		}
	}
	// A quarter of the rows belong to one large debtor (concentration).
	debtor := func() int32 {
		if next()%4 == 0 {
			return 0
		}
		return int32(next() % uint64(nd))
	}
	rows := make([]collateral.Receivable, n)
	nos := make([]string, n)
	for i := range rows {
		d := debtor()
		age := int(next() % 90)
		if next()%7 == 0 {
			age += int(next() % 90)
		}
		if d%100 == 7 && next()%4 != 0 {
			age = 91 + int(next()%90) // a debtor mostly aged: cross-aged
		}
		a := money.Amount(next()%2_000_000 + 100)
		if next()%33 == 0 {
			a = -a / 4
		}
		rows[i] = collateral.Receivable{
			Line:        int32(i + 2),
			Debtor:      d,
			InvoiceDate: asOf.AddDays(-age),
			DueDate:     asOf.AddDays(-age + 30),
			Amount:      a,
			Disputed:    next()%50 == 0,
		}
		nos[i] = "I" + strconv.Itoa(i)
	}
	locs := []string{"BIL", "UPS-SJC", "UPS-SDF", "MEP-YUL", "BTU-UK"}
	cats := []string{"raw_materials", "finished_goods", "service_parts", "work_in_process", "in_transit", "consigned"}
	items := make([]collateral.Item, ni)
	for i := range items {
		c := money.Amount(next()%500_000 + 1)
		items[i] = collateral.Item{Line: int32(i + 2), Item: "P" + strconv.Itoa(i), Location: locs[next()%uint64(len(locs))],
			Category: cats[next()%uint64(len(cats))], ExtendedCost: c, UnitCost: c.String(), Quantity: "1",
			LastMovement: asOf.AddDays(-int(next() % 500))}
	}
	return Input{
		Terms:         exampleTerms(),
		AsOf:          asOf,
		Receivables:   collateral.NewReceivables("receivables.csv", "debtors.csv", debtors, rows, nos),
		Inventory:     &collateral.Inventory{File: "inventory.csv", Rows: items},
		LCOutstanding: amt("250000.00"),
	}
}

// BenchmarkCompute1M is the engine part of the 1M-receivables pipeline:
// 1,000,000 receivables over 5,000 debtors and 100,000 inventory rows, the
// example's criteria, through to the JSON certificate (parsing excluded).
// Target: at most ~40 ms.
func BenchmarkCompute1M(b *testing.B) {
	in := synthetic(1_000_000, 5_000, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, err := Compute(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExplain1M measures the explanation with row counts (no lines).
func BenchmarkExplain1M(b *testing.B) {
	in := synthetic(1_000_000, 5_000, 100_000)
	c, err := Compute(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		_ = c.Explain(false)
	}
}

func TestSyntheticIsConsistent(t *testing.T) {
	in := synthetic(20_000, 100, 2_000)
	c := mustCompute(t, in)
	s := c.Section("receivables")
	var sum money.Amount
	for _, l := range s.Ineligible {
		sum += l.Amount
	}
	if s.Gross != s.Eligible.Amount+sum {
		t.Fatalf("gross %s ≠ eligible %s + ineligibles %s", s.Gross, s.Eligible.Amount, sum)
	}
	// Every ineligible category of the example is exercised by the data.
	for _, l := range s.Ineligible {
		if l.Amount == 0 {
			t.Errorf("%s is zero in the synthetic data", l.ID)
		}
	}
}
