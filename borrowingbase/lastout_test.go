package borrowingbase

import (
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/money"
)

// lastOutTerms: receivables 85% first-out + 5% last-out; inventory 50% +
// 10% with a cap of 280,000.00 and a reserve of 1,000.00; the last-out
// tranche capped at cap.
func lastOutTerms(cap string) *agreement.Terms {
	lo := cite("credit-agreement", "§2.1(c)")
	t := &agreement.Terms{
		Currency: "USD",
		BorrowingBase: agreement.BorrowingBase{
			Components: []agreement.Component{
				{ID: "receivables", Collateral: agreement.Receivables, AdvanceRate: rateT("0.85")},
				{ID: "inventory", Collateral: agreement.Inventory, AdvanceRate: rateT("0.50"),
					Cap:      &agreement.Term[money.Amount]{Value: amt("280000.00")},
					Reserves: []agreement.Reserve{{ID: "rent", Label: "Rent reserve", Amount: agreement.Term[money.Amount]{Value: amt("1000.00")}}}},
			},
			LettersOfCredit: agreement.Term[string]{Value: "deduct_from_borrowing_base"},
			LastOut: &agreement.LastOut{Label: "FILO tranche", Cite: lo,
				AdvanceRates: []agreement.LastOutRate{
					{Component: "receivables", Increment: agreement.Term[money.Rate]{Value: money.MustRate("0.05"), Cite: lo, Path: "borrowing_base.last_out.advance_rates.receivables"}},
					{Component: "inventory", Increment: agreement.Term[money.Rate]{Value: money.MustRate("0.10"), Cite: lo, Path: "borrowing_base.last_out.advance_rates.inventory"}},
				},
				Margin: agreement.Term[money.Rate]{Value: money.MustRate("0.015"), Cite: lo}},
		},
	}
	if cap != "" {
		t.BorrowingBase.LastOut.Cap = &agreement.Term[money.Amount]{Value: amt(cap), Cite: lo, Path: "borrowing_base.last_out.cap"}
	}
	return t
}

func lastOutInput(terms *agreement.Terms) Input {
	var g aging
	g.inv(g.debtor("A"), 10, "1234567.89")
	var s stock
	s.item("W-1", "BIL", "finished_goods", 1, "500000.01")
	return Input{Terms: terms, Receivables: g.build(), Inventory: s.build(), LCOutstanding: amt("10000.00")}
}

func TestLastOutTranche(t *testing.T) {
	c := mustCompute(t, lastOutInput(lastOutTerms("90000.00")))
	recv, inv := c.Section(agreement.Receivables), c.Section(agreement.Inventory)
	for _, x := range []struct{ what, got, want string }{
		// 85% × 1,234,567.89 = 1,049,382.7065; 90% = 1,111,111.101.
		{"receivables first-out", recv.Availability.text(), "1049382.71"},
		{"receivables combined", recv.LastOut.Advance.text(), "1111111.10"},
		{"receivables tranche", recv.LastOut.Tranche.text(), "61728.39"},
		// 50% × 500,000.01 = 250,000.005 → 250,000.01, − 1,000 reserve;
		// 60% = 300,000.006 → 300,000.01, capped at 280,000, − 1,000.
		{"inventory first-out", inv.Availability.text(), "249000.01"},
		{"inventory combined", inv.LastOut.Availability.text(), "279000.00"},
		{"inventory tranche", inv.LastOut.Tranche.text(), "29999.99"},
		{"first-out borrowing base", c.BorrowingBase.text(), "1288382.72"},
		{"sum", c.LastOut.Sum.text(), "91728.38"},
		{"last-out base (capped)", c.LastOut.Base.text(), "90000.00"},
		{"total", c.LastOut.Total.text(), "1378382.72"},
	} {
		if x.got != x.want {
			t.Errorf("%s: %s, want %s", x.what, x.got, x.want)
		}
	}
	js := mustJSON(t, c)
	for _, want := range []string{
		`"availability":"1049382.71","last_out":{"increment":"0.05","advance":"1111111.10","availability":"1111111.10","tranche":"61728.39"}`,
		`"borrowing_base":"1288382.72","last_out":{"components":{"receivables":"61728.39","inventory":"29999.99"},"sum":"91728.38","cap":"90000.00","borrowing_base":"90000.00","margin":"0.015"},"total_borrowing_base":"1378382.72"`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	e := c.Explain(false)
	n := e.Find("receivables.last_out")
	if n == nil || n.Value != "61728.39" || !strings.Contains(n.Label, "85% + 5% = 90%") ||
		!strings.Contains(n.Formula, "less the first-out availability 1049382.71") || len(n.Cites) != 1 || n.Cites[0].Section != "§2.1(c)" {
		t.Fatalf("receivables.last_out explained as %+v", n)
	}
	if n := e.Find("inventory.last_out"); n == nil || !strings.Contains(n.Formula, "cap 280000.00 = 280000.00") || !strings.Contains(n.Formula, "− reserves = 279000.00") {
		t.Fatalf("inventory.last_out explained as %+v", n)
	}
	if n := e.Find("last_out"); n == nil || n.Value != "90000.00" || !strings.Contains(n.Formula, "lesser of Σ of the components' last-out figures (receivables.last_out 61728.39 + inventory.last_out 29999.99) = 91728.38 and the tranche's cap 90000.00") {
		t.Fatalf("last_out explained as %+v", n)
	}
	if n := e.Find("total_borrowing_base"); n == nil || n.Value != "1378382.72" {
		t.Fatalf("total explained as %+v", n)
	}
	tb := c.Table()
	for _, want := range []string{"Borrowing base (first-out)", "FILO tranche: last-out borrowing base", "Last-out borrowing base", "Total borrowing base (first-out + last-out)", "1,378,382.72"} {
		if !strings.Contains(tb, want) {
			t.Errorf("table lacks %q:\n%s", want, tb)
		}
	}
	// Without a cap the base is the sum.
	if c := mustCompute(t, lastOutInput(lastOutTerms(""))); c.LastOut.Base.text() != "91728.38" || c.LastOut.Cap != nil {
		t.Errorf("uncapped: %s", c.LastOut.Base.text())
	}
}

func TestLastOutUnknownIncrementIsUndetermined(t *testing.T) {
	terms := lastOutTerms("")
	terms.BorrowingBase.LastOut.AdvanceRates[1].Increment = agreement.Term[money.Rate]{Unknown: "the term sheet is not held", Path: "borrowing_base.last_out.advance_rates.inventory"}
	c := mustCompute(t, lastOutInput(terms))
	if c.LastOut.Base.Known || !c.BorrowingBase.Known || c.BorrowingBase.text() != "1288382.72" {
		t.Errorf("last-out %s, first-out %s", c.LastOut.Base.text(), c.BorrowingBase.text())
	}
	found := false
	for _, u := range c.Undetermined {
		if u.Term == "borrowing_base.last_out.advance_rates.inventory" && strings.Contains(strings.Join(u.Affects, ","), "last_out") {
			found = true
		}
	}
	if !found {
		t.Errorf("undetermined %+v", c.Undetermined)
	}
}

func TestLastOutOnAComponentOfSeveral(t *testing.T) {
	terms := twoRecv(`credit_insured && country != "US"`)
	terms.BorrowingBase.LastOut = &agreement.LastOut{AdvanceRates: []agreement.LastOutRate{{Component: "domestic", Increment: rateT("0.05")}}}
	var g aging
	g.inv(g.debtor("A", country("DE"), insured), 5, "100.00")
	g.inv(g.debtor("B"), 5, "40.00")
	c := mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	// domestic: 85% × 40 = 34 less 80% × 40 = 32; insured has none.
	if p := c.Section(agreement.Receivables).Part("domestic"); p.LastOut == nil || p.LastOut.Tranche.text() != "2.00" || c.Section(agreement.Receivables).Part("insured").LastOut != nil {
		t.Fatalf("domestic last-out %+v", p.LastOut)
	}
	if c.LastOut.Base.text() != "2.00" || c.LastOut.Lines[0].Key != "receivables.components.domestic" {
		t.Errorf("base %s, lines %+v", c.LastOut.Base.text(), c.LastOut.Lines)
	}
	if !strings.Contains(mustJSON(t, c), `"domestic":{"eligible":"40.00","advance_rate":"0.8","advance":"32.00","availability":"32.00","last_out":{"increment":"0.05","advance":"34.00","availability":"34.00","tranche":"2.00"}}`) {
		t.Errorf("JSON %s", mustJSON(t, c))
	}
}

// With a NOLV, the increment is added to the advance rate at cost and to
// the NOLV advance rate: the combined advance is the lesser of the two.
func TestLastOutWithNOLV(t *testing.T) {
	terms := invTerms()
	k := &terms.BorrowingBase.Components[0]
	k.AdvanceRate = rateT("0.65")
	k.NOLV = &agreement.NOLV{Rate: rateT("0.70"), AdvanceRate: rateT("0.85")}
	terms.BorrowingBase.LastOut = &agreement.LastOut{AdvanceRates: []agreement.LastOutRate{{Component: "inventory", Increment: rateT("0.10")}}}
	var s stock
	s.item("W-1", "BIL", "finished_goods", 1, "1000.00")
	c := mustCompute(t, Input{Terms: terms, Inventory: s.build()})
	inv := c.Section(agreement.Inventory)
	// First-out: min(65% × 1,000 = 650, 85% × 70% × 1,000 = 595) = 595.
	// Combined: min(75% × 1,000 = 750, 95% × 700 = 665) = 665; the
	// tranche 70.
	if inv.Availability.text() != "595.00" || inv.LastOut.NOLVAdvance.text() != "665.00" || inv.LastOut.Advance.text() != "665.00" || inv.LastOut.Tranche.text() != "70.00" {
		t.Errorf("first-out %s, NOLV last-out %s, advance %s, tranche %s", inv.Availability.text(), inv.LastOut.NOLVAdvance.text(), inv.LastOut.Advance.text(), inv.LastOut.Tranche.text())
	}
	if n := c.Explain(false).Find("inventory.last_out"); n == nil || !strings.Contains(n.Formula, "the lesser of 75% × max(eligible at cost 1000.00, 0) = 750.00 and 95% × NOLV 700.00 = 665.00: 665.00") {
		t.Errorf("explained as %+v", n)
	}
	if tb := c.Table(); !strings.Contains(tb, "Last-out: the lesser of (65% + 10%) × eligible at cost and (NOLV advance rate + 10%) × NOLV, less reserves") {
		t.Errorf("table:\n%s", tb)
	}
}
