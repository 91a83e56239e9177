package borrowingbase

import (
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/date"
	"revolver/money"
)

func amtT(s string) agreement.Term[money.Amount] {
	return agreement.Term[money.Amount]{Value: amt(s), Path: "x"}
}

// A fixed reserve placed at eligible comes off the eligible before the
// advance rate; placed at the component, off the availability after it.
func TestReservePlacementsEligibleAndComponent(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "10000.01")
	terms := recvTerms()
	k := &terms.BorrowingBase.Components[0]
	k.AdvanceRate = rateT("0.85")
	k.Reserves = []agreement.Reserve{{ID: "elig", Label: "Off eligible", Placement: agreement.PlaceEligible, Amount: amtT("1000.00")}}
	c := mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	// 85% × (10,000.01 − 1,000.00) = 7,650.0085 → 7,650.01
	checkFigures(t, c, map[string]string{"receivables.eligible": "10000.01", "receivables.advance": "7650.01", "receivables.availability": "7650.01", "borrowing_base": "7650.01"})
	if s := c.Sections[0]; s.NetEligible.text() != "9000.01" || s.Reserves[0].Placement != agreement.PlaceEligible {
		t.Errorf("net eligible %s, reserves %+v", s.NetEligible.text(), s.Reserves)
	}
	js := mustJSON(t, c)
	if !strings.Contains(js, `"eligible_less_reserves":"9000.01","reserves":{"elig":"1000.00"},"availability":"7650.01"`) {
		t.Errorf("JSON: %s", js)
	}
	if n := c.Explain(false).Find("receivables.advance"); n == nil || !strings.Contains(n.Formula, "eligible less the reserves placed at eligible 9000.01") {
		t.Errorf("advance explanation %+v", n)
	}
	k.Reserves[0].Placement = agreement.PlaceComponent
	c = mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	// 85% × 10,000.01 = 8,500.0085 → 8,500.01 − 1,000.00
	checkFigures(t, c, map[string]string{"receivables.advance": "8500.01", "receivables.availability": "7500.01"})
	// No placement: the component's availability, as before placements.
	k.Reserves[0].Placement = ""
	c = mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	checkFigures(t, c, map[string]string{"receivables.availability": "7500.01"})
}

// A share reserve is rate × the component's eligible or its availability
// before reserves, rounded half away from zero to the cent; at the
// borrowing base it names the component.
func TestShareReserve(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "10000.01")
	terms := recvTerms()
	k := &terms.BorrowingBase.Components[0]
	k.AdvanceRate = rateT("0.85")
	k.Reserves = []agreement.Reserve{{ID: "sh", Label: "Share", Kind: agreement.ShareReserve, Rate: rateP("0.025"), Of: "eligible"}}
	c := mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	// 2.5% × 10,000.01 = 250.00025 → 250.00; 8,500.01 − 250.00
	checkFigures(t, c, map[string]string{"receivables.availability": "8250.01"})
	k.Reserves[0].Of = "availability"
	k.Reserves[0].Rate = rateP("0.03")
	c = mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	// 3% × 8,500.01 = 255.0003 → 255.00
	checkFigures(t, c, map[string]string{"receivables.availability": "8245.01"})
	if n := c.Explain(false).Find("receivables.reserves.sh"); n == nil || !strings.Contains(n.Formula, "3% × max(the component's availability before reserves 8500.01, 0) = 255.00") {
		t.Errorf("share explanation %+v", n)
	}
	k.Reserves = nil
	terms.BorrowingBase.Reserves = []agreement.Reserve{{ID: "bbsh", Kind: agreement.ShareReserve, Rate: rateP("0.015"), Of: "eligible", Component: "receivables"}}
	c = mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	// 1.5% × 10,000.01 = 150.00015 → 150.00; 8,500.01 − 150.00
	checkFigures(t, c, map[string]string{"receivables.availability": "8500.01", "borrowing_base": "8350.01"})
}

// A rent reserve is months × rent for each third-party location holding
// eligible inventory without a landlord or bailee waiver dated by the
// as-of date; owned locations and waived ones take none.
func TestRentReserve(t *testing.T) {
	var s stock
	s.item("P1", "3PL-A", "finished_goods", 10, "5000.00")
	s.item("P2", "3PL-B", "finished_goods", 10, "7000.00")
	s.item("P3", "OWN", "finished_goods", 10, "9000.00")
	s.item("P4", "LEASE", "finished_goods", 10, "1000.00")
	terms := invTerms()
	rent := func(a string) *agreement.Term[money.Amount] { v := amtT(a); return &v }
	asOf := date.MustParse("2026-09-30")
	terms.Locations = []agreement.Location{
		{Code: "3PL-A", Name: "Warehouse A", Kind: "third_party_warehouse", MonthlyRent: rent("1234.57")},
		{Code: "3PL-B", Name: "Warehouse B", Kind: "third_party_warehouse", MonthlyRent: rent("5000.00"), Waiver: agreement.WaiverBailee, WaiverDate: date.MustParse("2026-01-15")},
		{Code: "OWN", Name: "Plant", Kind: "owned"},
		{Code: "LEASE", Name: "Leased store", Kind: "leased", MonthlyRent: rent("800.00"), Waiver: agreement.WaiverLandlord, WaiverDate: date.MustParse("2026-10-15")},
	}
	terms.BorrowingBase.Reserves = []agreement.Reserve{{ID: "rent", Label: "Rent reserve", Kind: agreement.RentReserve, Months: rateP("2.5")}}
	c := mustCompute(t, Input{Terms: terms, AsOf: asOf, Inventory: s.build()})
	// 3PL-A: 2.5 × 1,234.57 = 3,086.425 → 3,086.43; LEASE: waiver dated
	// after the as-of date, 2.5 × 800.00 = 2,000.00; 3PL-B waived.
	if r := c.Reserves[0]; r.text() != "5086.43" || len(r.Rent) != 3 {
		t.Fatalf("rent reserve %s, locations %+v", r.text(), r.Rent)
	}
	checkFigures(t, c, map[string]string{"inventory.availability": "22000.00", "borrowing_base": "16913.57"})
	e := c.Explain(false)
	if n := e.Find("reserves.rent.locations.3PL-A"); n == nil || n.Value != "3086.43" || !strings.Contains(n.Formula, "2.5 months × monthly rent 1234.57") {
		t.Errorf("3PL-A %+v", n)
	}
	if n := e.Find("reserves.rent.locations.3PL-B"); n == nil || n.Value != "0.00" || !strings.Contains(n.Formula, "bailee waiver dated 2026-01-15") {
		t.Errorf("3PL-B %+v", n)
	}
	// Without the rent of a location that needs it: undetermined, naming it.
	terms.Locations[0].MonthlyRent = nil
	c = mustCompute(t, Input{Terms: terms, AsOf: asOf, Inventory: s.build()})
	checkFigures(t, c, map[string]string{"borrowing_base": undeterminedText})
	if len(c.Undetermined) != 1 || c.Undetermined[0].Term != "locations.3PL-A.monthly_rent" {
		t.Errorf("undetermined %+v", c.Undetermined)
	}
}

// A dilution reserve without a dilution term uses the dilution measured
// from the journals, and says where it came from.
func TestDilutionReserveMeasured(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "10000.01")
	terms := recvTerms()
	k := &terms.BorrowingBase.Components[0]
	k.Reserves = []agreement.Reserve{{ID: "dilution", Label: "Dilution reserve", Kind: agreement.DilutionReserve, Threshold: rateP("0.05"), Placement: agreement.PlaceEligible}}
	c := mustCompute(t, Input{Terms: terms, Receivables: g.build()})
	if len(c.Undetermined) != 1 || c.Undetermined[0].Term != "borrowing_base.components.receivables.reserves.dilution.dilution" {
		t.Errorf("no dilution anywhere: undetermined %+v", c.Undetermined)
	}
	m := &MeasuredDilution{Ratio: money.MustRate("0.0712"), Periods: 3, From: date.MustParse("2026-06-30"), To: date.MustParse("2026-09-30"),
		Sales: amt("1000000.00"), Credits: amt("71200.00")}
	c = mustCompute(t, Input{Terms: terms, Receivables: g.build(), Dilution: m})
	// (7.12% − 5%) × 10,000.01 = 212.000212 → 212.00, off eligible at 100%
	checkFigures(t, c, map[string]string{"receivables.availability": "9788.01"})
	n := c.Explain(false).Find("receivables.reserves.dilution")
	if n == nil || n.Value != "212.00" || !strings.Contains(n.Formula, "measured from the journals: credits 71200.00 ÷ sales 1000000.00 over 3 periods from 2026-06-30 to 2026-09-30") {
		t.Errorf("explanation %+v", n)
	}
	// The terms' own dilution wins over the measured one.
	k.Reserves[0].Dilution = rateP("0.062")
	c = mustCompute(t, Input{Terms: terms, Receivables: g.build(), Dilution: m})
	checkFigures(t, c, map[string]string{"receivables.availability": "9880.01"})
}

// An availability block is placed at the line: not deducted from the
// borrowing base, listed as a memo; a reserve outside its dates is not
// applied.
func TestAvailabilityBlockAndDates(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "10000.01")
	terms := recvTerms()
	terms.BorrowingBase.Reserves = []agreement.Reserve{
		{ID: "block", Label: "Availability block", Kind: agreement.AvailabilityBlock, Placement: agreement.PlaceLine, Amount: amtT("2500.00")},
		{ID: "later", Label: "From October", Amount: amtT("100.00"), From: date.MustParse("2026-10-01")},
	}
	c := mustCompute(t, Input{Terms: terms, AsOf: date.MustParse("2026-09-30"), Receivables: g.build()})
	checkFigures(t, c, map[string]string{"borrowing_base": "10000.01"})
	if len(c.LineReserves) != 1 || c.LineReserves[0].text() != "2500.00" || len(c.Reserves) != 0 || c.LineTotal().text() != "2500.00" {
		t.Errorf("line reserves %+v, reserves %+v", c.LineReserves, c.Reserves)
	}
	if js := mustJSON(t, c); !strings.Contains(js, `"line_reserves":{"block":"2500.00"}`) {
		t.Errorf("JSON %s", js)
	}
	c = mustCompute(t, Input{Terms: terms, AsOf: date.MustParse("2026-10-01"), Receivables: g.build()})
	checkFigures(t, c, map[string]string{"borrowing_base": "9900.01"})
}
