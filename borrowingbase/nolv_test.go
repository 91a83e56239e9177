package borrowingbase

import (
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/money"
)

func rateP(s string) *agreement.Term[money.Rate] { r := rateT(s); return &r }

// The inventory advance is the lesser of the rate at cost and the rate
// against the appraised NOLV; each figure is rounded once to the cent.
func TestNOLVAdvanceIsTheLesser(t *testing.T) {
	var s stock
	s.item("P1", "BIL", "finished_goods", 10, "1000.01")
	terms := invTerms()
	k := &terms.BorrowingBase.Components[0]
	k.AdvanceRate = rateT("0.65")
	for _, tc := range []struct{ nolv, value, nolvAdv, advance string }{
		{"0.685", "685.01", "582.26", "582.26"}, // 0.85 × 685.01 = 582.2585 < 650.01 (65% × 1000.01 = 650.0065)
		{"0.8", "800.01", "680.01", "650.01"},   // at cost binds
	} {
		k.NOLV = &agreement.NOLV{Rate: rateT(tc.nolv), AdvanceRate: rateT("0.85")}
		k.NOLV.Rate.Path = "borrowing_base.components.inventory.nolv.rate"
		c := mustCompute(t, Input{Terms: terms, Inventory: s.build()})
		checkFigures(t, c, map[string]string{"inventory.eligible": "1000.01", "inventory.advance": tc.advance, "borrowing_base": tc.advance})
		n := c.Sections[0].NOLV
		if n == nil || n.AtCost.text() != "650.01" || n.Value.text() != tc.value || n.Advance.text() != tc.nolvAdv {
			t.Errorf("nolv %s: %+v", tc.nolv, n)
		}
		if binds := tc.advance == tc.nolvAdv; n.Binds() != binds {
			t.Errorf("nolv %s: Binds() = %v, want %v", tc.nolv, n.Binds(), binds)
		}
		js := mustJSON(t, c)
		if !strings.Contains(js, `"advance_at_cost":"650.01","nolv":{"rate":"`+tc.nolv+`","value":"`+tc.value+`","advance_rate":"0.85","advance":"`+tc.nolvAdv+`"},"advance":"`+tc.advance+`"`) {
			t.Errorf("JSON: %s", js)
		}
		tab := c.Table()
		if !strings.Contains(tab, "Advance rate 85% × NOLV") || !strings.Contains(tab, "Advance (the lesser)") {
			t.Errorf("table:\n%s", tab)
		}
	}
	// An unknown NOLV rate leaves the advance undetermined, naming the term.
	k.NOLV.Rate = agreement.Term[money.Rate]{Unknown: "the appraisal is not yet delivered", Path: "borrowing_base.components.inventory.nolv.rate"}
	c := mustCompute(t, Input{Terms: terms, Inventory: s.build()})
	checkFigures(t, c, map[string]string{"inventory.advance": undeterminedText, "borrowing_base": undeterminedText})
	if len(c.Undetermined) != 1 || c.Undetermined[0].Term != "borrowing_base.components.inventory.nolv.rate" {
		t.Errorf("undetermined: %+v", c.Undetermined)
	}
}

// A dilution reserve is (dilution − threshold) × eligible when the dilution
// is above the threshold, and nothing otherwise.
func TestDilutionReserve(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "10000.01")
	terms := recvTerms()
	k := &terms.BorrowingBase.Components[0]
	for _, tc := range []struct{ dilution, reserve, avail string }{
		{"0.062", "120.00", "9880.01"}, // 1.2% × 10,000.01 = 120.00012
		{"0.0505", "5.00", "9995.01"},
		{"0.05", "0.00", "10000.01"},
		{"0.031", "0.00", "10000.01"},
	} {
		k.Reserves = []agreement.Reserve{{ID: "dilution", Label: "Dilution reserve", Kind: agreement.DilutionReserve,
			Dilution: rateP(tc.dilution), Threshold: rateP("0.05")}}
		c := mustCompute(t, Input{Terms: terms, Receivables: g.build()})
		checkFigures(t, c, map[string]string{"receivables.availability": tc.avail})
		if r := c.Sections[0].Reserves[0]; r.text() != tc.reserve {
			t.Errorf("dilution %s: reserve %s, want %s", tc.dilution, r.text(), tc.reserve)
		}
	}
	k.Reserves[0].Dilution = &agreement.Term[money.Rate]{Unknown: "no field examination yet", Path: "borrowing_base.components.receivables.reserves.dilution.dilution"}
	c := mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	checkFigures(t, c, map[string]string{"receivables.availability": undeterminedText})
	if len(c.Undetermined) != 1 || c.Undetermined[0].Term != "borrowing_base.components.receivables.reserves.dilution.dilution" {
		t.Errorf("undetermined: %+v", c.Undetermined)
	}
}

// A cap applies to the lesser of the advance at cost and against NOLV.
func TestNOLVAdvanceThenCap(t *testing.T) {
	var s stock
	s.item("P1", "BIL", "finished_goods", 10, "1000.01")
	terms := invTerms()
	k := &terms.BorrowingBase.Components[0]
	k.AdvanceRate = rateT("0.65")
	k.NOLV = &agreement.NOLV{Rate: rateT("0.685"), AdvanceRate: rateT("0.85")}
	k.Cap = &agreement.Term[money.Amount]{Value: amt("600.00")}
	c := mustCompute(t, Input{Terms: terms, Inventory: s.build()})
	// lesser of 650.01 and 582.26 = 582.26, below the cap of 600.00
	checkFigures(t, c, map[string]string{"inventory.advance": "582.26", "inventory.availability": "582.26"})
}
