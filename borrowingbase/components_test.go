package borrowingbase

import (
	"slices"
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/money"
)

// twoRecv: insured foreign receivables at 90% (capped), every other eligible
// receivable at 80%, after the given criteria.
func twoRecv(filter string, crits ...agreement.Criterion) *agreement.Terms {
	t := recvTerms(crits...)
	t.BorrowingBase.Components = []agreement.Component{
		{ID: "insured", Label: "Insured foreign", Collateral: agreement.Receivables, Filter: filter, AdvanceRate: rateT("0.90"),
			Cap: &agreement.Term[money.Amount]{Value: amt("50.00")}},
		{ID: "domestic", Collateral: agreement.Receivables, AdvanceRate: rateT("0.80")},
	}
	return t
}

func TestComponentsShareTheEligibleRows(t *testing.T) {
	var g aging
	a := g.debtor("A", country("DE"), insured)
	l1 := g.inv(a, 5, "100.00")
	l2 := g.inv(a, 5, "30.00", true) // disputed: ineligible, in no component
	b := g.debtor("B")
	l3 := g.inv(b, 5, "40.00")
	c := mustCompute(t, Input{Terms: twoRecv(`credit_insured && country != "US"`, crit(agreement.Disputed)), Receivables: g.build()})
	s := c.Section(agreement.Receivables)
	if s.Eligible.text() != "140.00" || len(s.Parts) != 2 {
		t.Fatalf("eligible %s, parts %d", s.Eligible.text(), len(s.Parts))
	}
	ins, dom := s.Part("insured"), s.Part("domestic")
	// insured: 90% × 100 = 90, capped at 50; domestic: 80% × 40 = 32.
	for _, x := range []struct{ got, want string }{
		{ins.Eligible.text(), "100.00"}, {ins.Advance.text(), "90.00"}, {ins.Availability.text(), "50.00"},
		{dom.Eligible.text(), "40.00"}, {dom.Advance.text(), "32.00"}, {dom.Availability.text(), "32.00"},
		{s.Availability.text(), "82.00"}, {c.BorrowingBase.text(), "82.00"}, {s.NoComponent.text(), "0.00"},
	} {
		if x.got != x.want {
			t.Errorf("got %s, want %s", x.got, x.want)
		}
	}
	if got := c.Rows("receivables.components.insured.eligible"); !slices.Equal(got, []int{l1}) {
		t.Errorf("insured rows %v, want [%d]", got, l1)
	}
	if got := c.Rows("receivables.components.domestic.eligible"); !slices.Equal(got, []int{l3}) {
		t.Errorf("domestic rows %v, want [%d] (not the disputed %d)", got, l3, l2)
	}
	e := c.Explain(true)
	n := e.Find("receivables.components.domestic.eligible")
	if n == nil || !strings.Contains(n.Formula, "not taken by an earlier component (insured)") {
		t.Fatalf("domestic eligible explained as %+v", n)
	}
	if n := e.Find("receivables.components.insured.eligible"); n == nil || !strings.Contains(n.Formula, "credit_insured") || n.Rows.Count != 1 {
		t.Fatalf("insured eligible explained as %+v", n)
	}
	js := mustJSON(t, c)
	if !strings.Contains(js, `"components":{"insured":{"eligible":"100.00","advance_rate":"0.9","advance":"90.00","cap":"50.00","availability":"50.00"}`) {
		t.Errorf("JSON: %s", js)
	}
	if tb := c.Table(); !strings.Contains(tb, "Component: Insured foreign (1 rows)") {
		t.Errorf("table:\n%s", tb)
	}
}

func TestComponentsAmountCriteriaTakeFromThePartsInOrder(t *testing.T) {
	// A owes 100 insured-foreign; contra 30 comes off the first part.
	var g aging
	a := g.debtor("A", country("DE"), insured, contra("30.00"))
	g.inv(a, 5, "100.00")
	g.inv(g.debtor("B"), 5, "40.00")
	// Every row of A matches the filter, B's does not (a filter over the
	// row and its debtor).
	c := mustCompute(t, Input{Terms: twoRecv(`debtor_id == "A"`, crit(agreement.Contra)), Receivables: g.build()})
	s := c.Section(agreement.Receivables)
	if s.Part("insured").Eligible.text() != "70.00" || s.Part("domestic").Eligible.text() != "40.00" || s.Eligible.text() != "110.00" {
		t.Fatalf("insured %s, domestic %s, eligible %s", s.Part("insured").Eligible.text(), s.Part("domestic").Eligible.text(), s.Eligible.text())
	}
}

func TestComponentsRowsInNoComponent(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "100.00")
	terms := recvTerms()
	terms.BorrowingBase.Components[0].Filter = "amount_cents > 100000"
	c := mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	s := c.Section(agreement.Receivables)
	if s.NoComponent.text() != "100.00" || s.Availability.text() != "0.00" || c.Explain(false).Find("receivables.no_component") == nil {
		t.Fatalf("no component %s, availability %s", s.NoComponent.text(), s.Availability.text())
	}
}

func TestComponentsInventory(t *testing.T) {
	var st stock
	st.item("A", "BIL", "raw_materials", 1, "100.00")
	st.item("B", "BIL", "finished_goods", 1, "60.00")
	st.item("C", "XXX", "finished_goods", 1, "10.00") // ineligible location
	terms := invTerms(exampleInventoryCriteria()...)
	terms.BorrowingBase.Components = []agreement.Component{
		{ID: "raw", Collateral: agreement.Inventory, Filter: `category == "raw_materials"`, AdvanceRate: rateT("0.25")},
		{ID: "fg", Collateral: agreement.Inventory, AdvanceRate: rateT("0.50")},
	}
	c := mustCompute(t, Input{Terms: terms, Inventory: st.build()})
	s := c.Section(agreement.Inventory)
	if s.Part("raw").Availability.text() != "25.00" || s.Part("fg").Availability.text() != "30.00" || c.BorrowingBase.text() != "55.00" {
		t.Fatalf("raw %s, fg %s, bb %s", s.Part("raw").Availability.text(), s.Part("fg").Availability.text(), c.BorrowingBase.text())
	}
}

func TestComponentsFilterErrors(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "100.00")
	terms := twoRecv(`extra["x"] == "y"`)
	if _, err := Compute(Input{Terms: terms, AsOf: asOf, Receivables: g.build()}); err == nil || !strings.Contains(err.Error(), "receivables.csv line 2: borrowing_base.components.insured.filter") {
		t.Errorf("err = %v", err)
	}
	terms = twoRecv("")
	if _, err := Compute(Input{Terms: terms, AsOf: asOf, Receivables: g.build()}); err == nil || !strings.Contains(err.Error(), `"domestic" can take no row`) {
		t.Errorf("err = %v", err)
	}
}

func TestInventorySublimitAndMaximumAdvances(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "100.00")
	var st stock
	st.item("A", "BIL", "raw_materials", 1, "300.00")
	terms := recvTerms()
	terms.Inventory = exampleInventoryCriteria()
	terms.BorrowingBase.Components = append(terms.BorrowingBase.Components,
		agreement.Component{ID: "inventory", Collateral: agreement.Inventory, AdvanceRate: rateT("0.50")})
	share := rateT("0.40")
	terms.BorrowingBase.InventorySublimit = &share
	terms.Commitment = agreement.Term[money.Amount]{Value: amt("1000.00")}
	terms.AdvanceCap = &agreement.Term[money.Amount]{Value: amt("800.00")}
	c := mustCompute(t, Input{Terms: terms, Receivables: g.build(), Inventory: st.build(), LCOutstanding: amt("10.00")})
	// Components 100 + 150 = 250; the limit 40% × 250 = 100; inventory 150
	// is 50 above it: 250 − 50 − LCs 10 = 190.
	sl := c.InventorySublimit
	if sl == nil || sl.Limit.text() != "100.00" || sl.Excess.text() != "50.00" || c.BorrowingBase.text() != "190.00" {
		t.Fatalf("sublimit %+v, borrowing base %s", sl, c.BorrowingBase.text())
	}
	js := mustJSON(t, c)
	for _, w := range []string{`"inventory_sublimit":{"share":"0.4","base":"250.00","limit":"100.00","inventory":"150.00","excess":"50.00"}`,
		`"commitment":"1000.00","maximum_advances":"800.00"`} {
		if !strings.Contains(js, w) {
			t.Errorf("JSON lacks %s: %s", w, js)
		}
	}
	e := c.Explain(false)
	if e.Find("inventory_sublimit") == nil || e.Find("maximum_advances") == nil || !strings.Contains(e.Formula, "inventory above the sublimit") {
		t.Errorf("explanation: %+v", e)
	}
	if tb := c.Table(); !strings.Contains(tb, "Memo: maximum advances") || !strings.Contains(tb, "Less inventory availability above the sublimit") {
		t.Errorf("table:\n%s", tb)
	}
	// Under the limit: nothing deducted.
	share = rateT("0.80")
	terms.BorrowingBase.InventorySublimit = &share
	if c := mustCompute(t, Input{Terms: terms, Receivables: g.build(), Inventory: st.build()}); c.InventorySublimit.Excess.text() != "0.00" || c.BorrowingBase.text() != "250.00" {
		t.Errorf("under the limit: %+v, %s", c.InventorySublimit, c.BorrowingBase.text())
	}
}
