package borrowingbase

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/collateral"
	"revolver/money"
)

func TestPastDueWithCreditMemos(t *testing.T) {
	pd := crit(agreement.PastDue)
	pd.Days = daysT(90)
	var g aging
	a := g.debtor("A")
	l1 := g.inv(a, 91, "100.00")  // aged
	g.inv(a, 90, "200.00")        // exactly 90 days: not past due
	l3 := g.inv(a, 120, "-30.00") // aged credit memo: in the bucket with its sign
	g.inv(a, 10, "-5.00")         // current credit memo: stays eligible
	c := mustCompute(t, Input{Terms: recvTerms(pd), Receivables: g.build()})
	checkFigures(t, c, map[string]string{
		"receivables.gross":               "265.00",
		"receivables.ineligible.past_due": "70.00",
		"receivables.eligible":            "195.00",
		"borrowing_base":                  "195.00",
	})
	if got, want := c.Rows("receivables.ineligible.past_due"), []int{l1, l3}; !slices.Equal(got, want) {
		t.Errorf("past_due rows = %v, want %v", got, want)
	}
}

func TestCrossAgedBoundary(t *testing.T) {
	pd := crit(agreement.PastDue)
	pd.Days = daysT(90)
	ca := crit(agreement.CrossAged)
	ca.Days = daysT(90)
	ca.Share = shareT("50%")
	var g aging
	a := g.debtor("A") // 100 of 200 aged = 50%: tainted (≥)
	g.inv(a, 91, "100.00")
	g.inv(a, 5, "100.00")
	b := g.debtor("B") // 100 of 200.01 aged < 50%: not tainted
	g.inv(b, 91, "100.00")
	g.inv(b, 5, "100.01")
	cc := g.debtor("C") // the credit memo does not count in the share: 100/200 → tainted
	g.inv(cc, 91, "100.00")
	g.inv(cc, 5, "100.00")
	g.inv(cc, 5, "-50.00")
	d := g.debtor("D") // aged credit memo is not a positive aged row: share 0
	g.inv(d, 95, "-100.00")
	g.inv(d, 5, "100.00")
	c := mustCompute(t, Input{Terms: recvTerms(pd, ca), Receivables: g.build()})
	checkFigures(t, c, map[string]string{
		"receivables.gross":                 "550.01",
		"receivables.ineligible.past_due":   "200.00", // 100 + 100 + 100 − 100
		"receivables.ineligible.cross_aged": "150.00", // A 100 + C (100 − 50)
		"receivables.eligible":              "200.01", // B 100.01 + D 100
	})
}

func TestDebtorFlags(t *testing.T) {
	foreignUSCA := crit(agreement.Foreign)
	foreignUSCA.ID = "foreign_na"
	foreignUSCA.Values = valsT("US", "CA")
	tests := []struct {
		name  string
		crits []agreement.Criterion
		mod   []func(*collateral.Debtor)
		line  string // the criterion id that should take the debtor's 100.00, "" for eligible
	}{
		{"affiliate", []agreement.Criterion{crit(agreement.Affiliate)}, []func(*collateral.Debtor){affiliate}, "affiliate"},
		{"not affiliate", []agreement.Criterion{crit(agreement.Affiliate)}, nil, ""},
		{"government", []agreement.Criterion{crit(agreement.Government)}, []func(*collateral.Debtor){government}, "government"},
		{"government with assignment", []agreement.Criterion{crit(agreement.Government)}, []func(*collateral.Debtor){government, aoc}, ""},
		{"foreign", []agreement.Criterion{crit(agreement.Foreign)}, []func(*collateral.Debtor){country("CA")}, "foreign"},
		{"foreign insured", []agreement.Criterion{crit(agreement.Foreign)}, []func(*collateral.Debtor){country("CA"), insured}, ""},
		{"home countries", []agreement.Criterion{foreignUSCA}, []func(*collateral.Debtor){country("CA")}, ""},
		{"outside home countries", []agreement.Criterion{foreignUSCA}, []func(*collateral.Debtor){country("MX")}, "foreign_na"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var g aging
			d := g.debtor("X", tc.mod...)
			g.inv(d, 5, "100.00")
			ok := g.debtor("OK")
			g.inv(ok, 5, "1.00")
			c := mustCompute(t, Input{Terms: recvTerms(tc.crits...), Receivables: g.build()})
			want := map[string]string{"receivables.eligible": "101.00"}
			if tc.line != "" {
				want["receivables.ineligible."+tc.line] = "100.00"
				want["receivables.eligible"] = "1.00"
			} else {
				want["receivables.ineligible."+tc.crits[0].ID] = "0.00"
			}
			checkFigures(t, c, want)
		})
	}
}

func TestDisputed(t *testing.T) {
	var g aging
	a := g.debtor("A")
	g.inv(a, 5, "10.00", true)
	g.inv(a, 5, "20.00")
	c := mustCompute(t, Input{Terms: recvTerms(crit(agreement.Disputed)), Receivables: g.build()})
	checkFigures(t, c, map[string]string{"receivables.ineligible.disputed": "10.00", "receivables.eligible": "20.00"})
}

func TestContraClamps(t *testing.T) {
	var g aging
	a := g.debtor("A", contra("30.00")) // owes 100, we owe 30: 30 ineligible
	g.inv(a, 5, "100.00")
	b := g.debtor("B", contra("50.00")) // owes 20 only: min(20, 50) = 20
	g.inv(b, 5, "20.00")
	c := g.debtor("C", contra("50.00")) // net credit balance −10: max(−10, 0) = 0
	g.inv(c, 5, "15.00")
	g.inv(c, 5, "-25.00")
	d := g.debtor("D") // no contra payable
	g.inv(d, 5, "7.00")
	cert := mustCompute(t, Input{Terms: recvTerms(crit(agreement.Disputed), crit(agreement.Contra)), Receivables: g.build()})
	checkFigures(t, cert, map[string]string{
		"receivables.gross":             "117.00",
		"receivables.ineligible.contra": "50.00",
		"receivables.eligible":          "67.00", // 70 + 0 − 10 + 7
	})
	// Contra covers the rows of A and B, not C (nothing taken) or D.
	if got, want := cert.Rows("receivables.ineligible.contra"), []int{2, 3}; !slices.Equal(got, want) {
		t.Errorf("contra rows = %v, want %v", got, want)
	}
}

func TestContraUsesWhatRemains(t *testing.T) {
	// The disputed invoice is taken first, so only 50 remains for contra.
	var g aging
	a := g.debtor("A", contra("80.00"))
	g.inv(a, 5, "100.00", true)
	g.inv(a, 5, "50.00")
	cert := mustCompute(t, Input{Terms: recvTerms(crit(agreement.Disputed), crit(agreement.Contra)), Receivables: g.build()})
	checkFigures(t, cert, map[string]string{
		"receivables.ineligible.disputed": "100.00",
		"receivables.ineligible.contra":   "50.00",
		"receivables.eligible":            "0.00",
	})
	// Swapped: contra takes min(150, 80) = 80 of the balance first; the
	// disputed row then counts only the 70 of its 100 that remain.
	cert = mustCompute(t, Input{Terms: recvTerms(crit(agreement.Contra), crit(agreement.Disputed)), Receivables: g.build()})
	checkFigures(t, cert, map[string]string{
		"receivables.ineligible.contra":   "80.00",
		"receivables.ineligible.disputed": "70.00",
		"receivables.eligible":            "0.00",
	})
}

func TestConcentration(t *testing.T) {
	conc := func(s string) agreement.Criterion {
		c := crit(agreement.Concentration)
		c.Share = shareT(s)
		return c
	}
	t.Run("rounding half away from zero", func(t *testing.T) {
		// E = 100.04; 12.5% × 100.04 = 12.505 → 12.51; A's excess 80.00 − 12.51.
		var g aging
		g.inv(g.debtor("A"), 5, "80.00")
		g.inv(g.debtor("B"), 5, "10.00")
		g.inv(g.debtor("C"), 5, "10.04")
		c := mustCompute(t, Input{Terms: recvTerms(conc("12.5%")), Receivables: g.build()})
		checkFigures(t, c, map[string]string{
			"receivables.ineligible.concentration": "67.49",
			"receivables.eligible":                 "32.55",
		})
	})
	t.Run("one pass against E", func(t *testing.T) {
		// E = 100, limit 20: A 50 → 30, B 30 → 10, C 20 → 0; no second pass.
		var g aging
		g.inv(g.debtor("A"), 5, "50.00")
		g.inv(g.debtor("B"), 5, "30.00")
		g.inv(g.debtor("C"), 5, "20.00")
		c := mustCompute(t, Input{Terms: recvTerms(conc("20%")), Receivables: g.build()})
		checkFigures(t, c, map[string]string{
			"receivables.ineligible.concentration": "40.00",
			"receivables.eligible":                 "60.00",
		})
		if got, want := c.Rows("receivables.ineligible.concentration"), []int{2, 3}; !slices.Equal(got, want) {
			t.Errorf("concentration rows = %v, want %v", got, want)
		}
	})
	t.Run("after other categories", func(t *testing.T) {
		// The disputed 50 leaves E = 100.03; limit 20% × 100.03 = 20.006 → 20.01.
		var g aging
		a := g.debtor("A")
		g.inv(a, 5, "80.00")
		g.inv(a, 5, "50.00", true)
		g.inv(g.debtor("B"), 5, "20.03")
		c := mustCompute(t, Input{Terms: recvTerms(crit(agreement.Disputed), conc("20%")), Receivables: g.build()})
		checkFigures(t, c, map[string]string{
			"receivables.ineligible.disputed":      "50.00",
			"receivables.ineligible.concentration": "60.01", // A 80.00 − 20.01 + B 20.03 − 20.01
			"receivables.eligible":                 "40.02",
		})
	})
}

func TestInventoryCriteria(t *testing.T) {
	var s stock
	s.item("A", "BIL", "finished_goods", 10, "1000.00")     // eligible
	s.item("B", "BTU-UK", "finished_goods", 10, "200.00")   // location
	s.item("C", "UPS-SJC", "work_in_process", 10, "300.00") // category
	s.item("D", "BTU-UK", "work_in_process", 400, "50.00")  // location first
	s.item("E", "UPS-SDF", "raw_materials", 366, "400.00")  // slow moving
	s.item("F", "UPS-SDF", "raw_materials", 365, "10.00")   // exactly 365 days: not slow
	s.item("G", "BIL", "finished_goods", 1, "500.00")       // casualty, whole row
	s.item("H", "BIL", "service_parts", 1, "600.00")        // casualty 250.00 of it
	s.item("I", "BIL", "service_parts", 1, "70.00")         // casualty 100.00 capped at 70.00
	part, capped := amt("250.00"), amt("100.00")
	cas := []CasualtyExclusion{
		{Item: "G", Location: "BIL", Reason: "water damage", Cite: cite("security-agreement", "¶13(h)")},
		{Item: "H", Location: "BIL", Amount: &part},
		{Item: "I", Location: "BIL", Amount: &capped},
	}
	c := mustCompute(t, Input{Terms: invTerms(exampleInventoryCriteria()...), Inventory: s.build(), Casualty: cas})
	checkFigures(t, c, map[string]string{
		"inventory.gross":                  "3130.00",
		"inventory.ineligible.location":    "250.00",
		"inventory.ineligible.category":    "300.00",
		"inventory.ineligible.slow_moving": "400.00",
		"inventory.ineligible.casualty":    "820.00",  // 500 + 250 + 70
		"inventory.eligible":               "1360.00", // 1000 + 10 + 350
	})
	if got, want := c.Rows("inventory.ineligible.casualty"), []int{8, 9, 10}; !slices.Equal(got, want) {
		t.Errorf("casualty rows = %v, want %v", got, want)
	}
	if got, want := c.Rows("inventory.eligible"), []int{2, 7, 9}; !slices.Equal(got, want) {
		t.Errorf("eligible rows = %v, want %v", got, want)
	}
	if got, want := c.Rows("inventory.ineligible.location"), []int{3, 5}; !slices.Equal(got, want) {
		t.Errorf("location rows = %v, want %v", got, want)
	}
}

func TestCasualtyErrors(t *testing.T) {
	var s stock
	s.item("A", "BIL", "finished_goods", 1, "10.00")
	s.item("A", "BIL", "finished_goods", 1, "20.00")
	five := amt("5.00")
	tests := []struct {
		name string
		cas  []CasualtyExclusion
		want string
	}{
		{"no such row", []CasualtyExclusion{{Item: "Z", Location: "BIL"}}, `no row of inventory.csv has item "Z" at location "BIL"`},
		{"amount on two rows", []CasualtyExclusion{{Item: "A", Location: "BIL", Amount: &five}}, "an exclusion with an amount must name one row"},
		{"twice", []CasualtyExclusion{{Item: "A", Location: "BIL"}, {Item: "A", Location: "BIL"}}, "excluded twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compute(Input{Terms: invTerms(exampleInventoryCriteria()...), AsOf: asOf, Inventory: s.build(), Casualty: tc.cas})
			if err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInput containing %q", err, tc.want)
			}
		})
	}
}

// exampleInputs: receivables and inventory sized so the cap binds.
func exampleInputs() Input {
	var g aging
	a := g.debtor("A")
	for i := 0; i < 10; i++ {
		g.inv(g.debtor("D"+string(rune('0'+i))), 5, "1000000.00")
	}
	g.inv(a, 100, "500000.00") // past due
	var s stock
	s.item("X", "BIL", "finished_goods", 1, "11000000.00")
	return Input{Terms: exampleTerms(), AsOf: asOf, Receivables: g.build(), Inventory: s.build(),
		LCOutstanding: amt("250000.00"), LCDrawn: amt("50000.00")}
}

func TestCapAndLettersOfCredit(t *testing.T) {
	in := exampleInputs()
	c := mustCompute(t, in)
	// Receivables: 10,000,000 eligible (concentration 20% of 10M = 2M per
	// debtor: no excess) × 80% = 8,000,000. Inventory: 11,000,000 × 35% =
	// 3,850,000, capped at 3,500,000. Less LCs 300,000.
	checkFigures(t, c, map[string]string{
		"receivables.ineligible.past_due": "500000.00",
		"receivables.eligible":            "10000000.00",
		"receivables.availability":        "8000000.00",
		"inventory.advance":               "3850000.00",
		"inventory.availability":          "3500000.00",
		"borrowing_base":                  "11200000.00",
	})
	in.Terms.BorrowingBase.LettersOfCredit.Value = "deduct_from_availability"
	c = mustCompute(t, in)
	checkFigures(t, c, map[string]string{"borrowing_base": "11500000.00"})
	if c.LettersOfCredit != amt("300000.00") {
		t.Errorf("letters of credit reported = %s, want 300000.00", c.LettersOfCredit)
	}
}

func TestNegativeBorrowingBaseIsKept(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "100.00")
	c := mustCompute(t, Input{Terms: recvTerms(), Receivables: g.build(), LCOutstanding: amt("150.00")})
	checkFigures(t, c, map[string]string{"borrowing_base": "-50.00"})
}

func TestUnknownRateIsUndetermined(t *testing.T) {
	in := exampleInputs()
	in.Terms.BorrowingBase.Components = append(in.Terms.BorrowingBase.Components, agreement.Component{
		ID: "fixed_assets", Collateral: agreement.FixedAssets,
		AdvanceRate: agreement.Term[money.Rate]{Unknown: "the original agreement's rate is not in the seed", Path: "borrowing_base.components.fixed_assets.advance_rate"},
	})
	c := mustCompute(t, in)
	if c.BorrowingBase.Known {
		t.Fatalf("borrowing base = %s, want undetermined", c.BorrowingBase.Amount)
	}
	js := mustJSON(t, c)
	for _, want := range []string{
		`"borrowing_base":null`,
		`"fixed_assets":{"advance_rate":null,"availability":null}`,
		`"undetermined":[{"term":"borrowing_base.components.fixed_assets.advance_rate","reason":"the original agreement's rate is not in the seed","affects":["fixed_assets.advance","fixed_assets.availability","borrowing_base"]}]`,
		`"availability":"3500000.00"`, // the other figures stay computed
	} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	if !strings.Contains(c.Table(), "Borrowing base") || !strings.Contains(c.Table(), "undetermined") {
		t.Errorf("table does not show the undetermined borrowing base:\n%s", c.Table())
	}
}

func TestUnknownCriterionParameter(t *testing.T) {
	in := exampleInputs()
	in.Terms.Receivables[1].Share = &agreement.Term[money.Rate]{Unknown: "not in the seed", Path: "receivables_eligibility.cross_aged.share"}
	c := mustCompute(t, in)
	s := c.Section("receivables")
	if !s.Ineligible[0].Known || s.Ineligible[0].Amount != amt("500000.00") {
		t.Errorf("past_due before the unknown criterion = %+v, want 500000.00", s.Ineligible[0].Figure)
	}
	for _, l := range s.Ineligible[1:] {
		if l.Known {
			t.Errorf("%s = %s, want undetermined", l.ID, l.Amount)
		}
	}
	if s.Eligible.Known || s.Availability.Known || c.BorrowingBase.Known {
		t.Errorf("eligible/availability/borrowing base should be undetermined")
	}
	if len(c.Undetermined) != 1 || c.Undetermined[0].Term != "receivables_eligibility.cross_aged.share" {
		t.Errorf("undetermined = %+v", c.Undetermined)
	}
	js := mustJSON(t, c)
	if !strings.Contains(js, `"ineligible":{"past_due":"500000.00","cross_aged":null,`) {
		t.Errorf("JSON: %s", js)
	}
}

func TestOrderSensitivity(t *testing.T) {
	var g aging
	a := g.debtor("A", affiliate)
	g.inv(a, 5, "40.00", true) // affiliate and disputed
	g.inv(a, 5, "10.00")
	b := g.debtor("B")
	g.inv(b, 5, "5.00", true)
	g.inv(b, 5, "100.00")
	rv := g.build()
	c1 := mustCompute(t, Input{Terms: recvTerms(crit(agreement.Affiliate), crit(agreement.Disputed)), Receivables: rv})
	c2 := mustCompute(t, Input{Terms: recvTerms(crit(agreement.Disputed), crit(agreement.Affiliate)), Receivables: rv})
	checkFigures(t, c1, map[string]string{"receivables.ineligible.affiliate": "50.00", "receivables.ineligible.disputed": "5.00", "receivables.eligible": "100.00"})
	checkFigures(t, c2, map[string]string{"receivables.ineligible.affiliate": "10.00", "receivables.ineligible.disputed": "45.00", "receivables.eligible": "100.00"})
	// JSON key order follows the configured order.
	if js := mustJSON(t, c2); !strings.Contains(js, `"ineligible":{"disputed":"45.00","affiliate":"10.00"}`) {
		t.Errorf("JSON order: %s", js)
	}
}

func TestCustomCriteria(t *testing.T) {
	big := agreement.Criterion{ID: "big_us", Kind: agreement.Custom, Expr: `amount_cents >= 5000 && country == "US" && age_days < 30`}
	var g aging
	a := g.debtor("A")
	g.inv(a, 5, "50.00")
	g.inv(a, 5, "49.99")
	g.inv(a, 40, "60.00")
	g.inv(g.debtor("B", country("CA")), 5, "70.00")
	c := mustCompute(t, Input{Terms: recvTerms(big), Receivables: g.build()})
	checkFigures(t, c, map[string]string{"receivables.ineligible.big_us": "50.00", "receivables.eligible": "179.99"})

	trial := agreement.Criterion{ID: "old_parts", Kind: agreement.Custom, Expr: `category == "service_parts" && days_since_movement > 180 && location.startsWith("UPS")`}
	var s stock
	s.item("P", "UPS-SJC", "service_parts", 181, "10.00")
	s.item("Q", "BIL", "service_parts", 181, "20.00")
	s.item("R", "UPS-SJC", "service_parts", 180, "30.00")
	ci := mustCompute(t, Input{Terms: invTerms(trial), Inventory: s.build()})
	checkFigures(t, ci, map[string]string{"inventory.ineligible.old_parts": "10.00", "inventory.eligible": "50.00"})

	bad := agreement.Criterion{ID: "bad", Kind: agreement.Custom, Expr: `amount_cents + 1`}
	if _, err := Compute(Input{Terms: recvTerms(bad), AsOf: asOf, Receivables: g.build()}); err == nil || !strings.Contains(err.Error(), "expected bool") {
		t.Errorf("non-bool expression: err = %v", err)
	}
}

func TestInvalidInput(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "1.00")
	rv := g.build()
	noDays := crit(agreement.PastDue)
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"no terms", Input{}, "no terms"},
		{"criterion without days", Input{Terms: recvTerms(noDays), Receivables: rv}, "past_due needs days"},
		{"inventory criterion on receivables", Input{Terms: recvTerms(crit(agreement.SlowMoving)), Receivables: rv}, `kind "slow_moving" does not apply to receivables`},
		{"duplicate id", Input{Terms: recvTerms(crit(agreement.Disputed), crit(agreement.Disputed)), Receivables: rv}, "duplicate criterion id"},
		{"no receivables", Input{Terms: recvTerms()}, "no receivables were given"},
		{"negative LC", Input{Terms: recvTerms(), Receivables: rv, LCDrawn: -1}, "must not be negative"},
		{"bad debtor index", Input{Terms: recvTerms(), Receivables: collateral.NewReceivables("r.csv", "d.csv", nil, []collateral.Receivable{{Line: 2, Debtor: 3}}, []string{"X"})}, "r.csv line 2: debtor index 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compute(tc.in)
			if err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInput containing %q", err, tc.want)
			}
		})
	}
}

func TestJSONShape(t *testing.T) {
	var g aging
	a := g.debtor("A")
	g.inv(a, 100, "10.00")
	g.inv(a, 5, "1234.56")
	var s stock
	s.item("X", "BIL", "finished_goods", 1, "1000.00")
	s.item("Y", "BTU-UK", "finished_goods", 1, "5.00")
	terms := exampleTerms()
	c := mustCompute(t, Input{Terms: terms, Receivables: g.build(), Inventory: s.build(), LCOutstanding: amt("100.00"), LCDrawn: amt("0.01")})
	// Receivables: A is 10 of 1244.56 aged (< 50%); concentration 20% of
	// 1234.56 = 246.912 → 246.91, so 987.65 of A's 1234.56 is over the limit.
	want := `{"as_of":"2004-06-30","currency":"USD",` +
		`"receivables":{"file":"receivables.csv","gross":"1244.56","ineligible":{"past_due":"10.00","cross_aged":"0.00","affiliate":"0.00","government":"0.00","foreign":"0.00","disputed":"0.00","contra":"0.00","concentration":"987.65"},"eligible":"246.91","advance_rate":"0.8","advance":"197.53","availability":"197.53"},` +
		`"inventory":{"file":"inventory.csv","gross":"1005.00","ineligible":{"location":"5.00","category":"0.00","slow_moving":"0.00","casualty":"0.00"},"eligible":"1000.00","advance_rate":"0.35","advance":"350.00","cap":"3500000.00","availability":"350.00"},` +
		`"letters_of_credit":"100.01","letters_of_credit_outstanding":"100.00","letters_of_credit_drawn":"0.01","letters_of_credit_treatment":"deduct_from_borrowing_base","letters_of_credit_deducted":"100.01",` +
		`"borrowing_base":"447.52","undetermined":[]}`
	if got := mustJSON(t, c); got != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
}

func TestExplain(t *testing.T) {
	var g aging
	a := g.debtor("A")
	g.inv(a, 100, "10.00")
	g.inv(a, 5, "1234.56")
	g.inv(g.debtor("B"), 5, "1000.00")
	c := mustCompute(t, Input{Terms: exampleTerms(), Receivables: g.build(), Inventory: (&stock{}).build()})
	n := c.Explain(true)
	pd := n.Find("receivables.ineligible.past_due")
	if pd == nil || pd.Value != "10.00" || pd.Rows == nil || pd.Rows.Count != 1 || !slices.Equal(pd.Rows.Lines, []int{2}) {
		t.Fatalf("past_due node = %+v", pd)
	}
	if pd.Assumption == "" || len(pd.Cites) == 0 || !strings.Contains(pd.Formula, "> 90 days") {
		t.Errorf("past_due node lacks assumption, cite or formula: %+v", pd)
	}
	adv := n.Find("receivables.advance")
	if adv == nil || len(adv.Cites) == 0 || adv.Cites[0].Amendment != "first-amendment" {
		t.Errorf("advance node does not cite the amendment: %+v", adv)
	}
	for _, k := range []string{"receivables.gross", "receivables.eligible", "receivables.ineligible.concentration", "inventory.cap", "letters_of_credit", "borrowing_base"} {
		if n.Find(k) == nil {
			t.Errorf("no explanation node %s", k)
		}
	}
	conc := n.Find("receivables.ineligible.concentration")
	if !strings.Contains(conc.Formula, "20% × 2234.56 = 446.91") {
		t.Errorf("concentration formula: %s", conc.Formula)
	}
	if n2 := c.Explain(false); n2.Find("receivables.gross").Rows.Lines != nil || n2.Find("receivables.gross").Rows.Count != 3 {
		t.Errorf("without rows: %+v", n2.Find("receivables.gross").Rows)
	}
	if txt := n.Text(); !strings.Contains(txt, "as amended by first-amendment") {
		t.Errorf("explanation text lacks the amendment:\n%s", txt)
	}
}

func TestTable(t *testing.T) {
	c := mustCompute(t, exampleInputs())
	tab := c.Table()
	for _, want := range []string{
		"Borrowing base certificate as of 2004-06-30 (USD)",
		"10,500,000.00",
		"3,500,000.00",
		"11,200,000.00",
	} {
		if !strings.Contains(tab, want) {
			t.Errorf("table lacks %q:\n%s", want, tab)
		}
	}
	// Amounts are right-aligned: every line with an amount ends at the same column.
	width := -1
	for _, l := range strings.Split(tab, "\n") {
		if strings.HasSuffix(l, ".00") {
			if width < 0 {
				width = len([]rune(l))
			} else if len([]rune(l)) != width {
				t.Errorf("line not aligned (%d vs %d): %q", len([]rune(l)), width, l)
			}
		}
	}
}

func TestReservesAndLetterOfCreditTreatments(t *testing.T) {
	var g aging
	g.inv(g.debtor("A"), 5, "1000.00")
	terms := recvTerms()
	terms.BorrowingBase.Components[0].Reserves = []agreement.Reserve{{ID: "dilution", Amount: agreement.Term[money.Amount]{Value: amt("100.00")}}}
	terms.BorrowingBase.Reserves = []agreement.Reserve{{ID: "rent", Label: "Landlord reserve", Amount: agreement.Term[money.Amount]{Value: amt("50.00")}}}
	in := Input{Terms: terms, Receivables: g.build(), LCOutstanding: amt("10.00"), LCDrawn: amt("1.00")}
	tests := []struct {
		treatment, unknown string
		want               string
	}{
		{"deduct_from_borrowing_base", "", "839.00"}, // 1000 − 100 − 50 − 11
		{"deduct_from_availability", "", "850.00"},
		{"none", "", "850.00"},
		{"", "the original agreement's LC clause is not in the seed", undeterminedText},
	}
	for _, tc := range tests {
		t.Run(tc.treatment+tc.unknown, func(t *testing.T) {
			terms.BorrowingBase.LettersOfCredit = agreement.Term[string]{Value: tc.treatment, Unknown: tc.unknown}
			c := mustCompute(t, in)
			checkFigures(t, c, map[string]string{"receivables.availability": "900.00", "borrowing_base": tc.want})
			if tc.unknown != "" && (len(c.Undetermined) != 1 || c.Undetermined[0].Term != "borrowing_base.letters_of_credit") {
				t.Errorf("undetermined = %+v", c.Undetermined)
			}
		})
	}
	terms.BorrowingBase.LettersOfCredit = agreement.Term[string]{Value: "deduct_somewhere"}
	if _, err := Compute(in); err == nil || !strings.Contains(err.Error(), `"deduct_somewhere"; expected deduct_from_borrowing_base`) {
		t.Errorf("bad treatment: err = %v", err)
	}
	terms.BorrowingBase.LettersOfCredit = agreement.Term[string]{Value: "none"}
	terms.BorrowingBase.Reserves[0].Amount = agreement.Term[money.Amount]{Unknown: "not yet set by the bank", Path: "borrowing_base.reserves.rent.amount"}
	c := mustCompute(t, in)
	checkFigures(t, c, map[string]string{"receivables.availability": "900.00", "borrowing_base": undeterminedText})
	if js := mustJSON(t, c); !strings.Contains(js, `"reserves":{"rent":null}`) {
		t.Errorf("JSON: %s", js)
	}
}

// With the built-in row criteria only, one pass classifies the receivables
// (the lesser of the debtor's and the row's first criterion); a custom
// criterion takes the general pass. A custom criterion that never applies,
// placed last, must leave every figure and every line's rows as they were.
func TestBuiltinPassMatchesGeneral(t *testing.T) {
	in := synthetic(50_000, 400, 1_000)
	c1 := mustCompute(t, in)
	terms := *in.Terms
	terms.Receivables = append(slices.Clone(terms.Receivables),
		agreement.Criterion{ID: "never", Kind: agreement.Custom, Expr: `amount_cents < -9000000000000000`})
	in.Terms = &terms
	c2 := mustCompute(t, in)
	s1, s2 := c1.Sections[0], c2.Sections[0]
	if s1.debtorFirst == nil || s2.debtorFirst != nil {
		t.Fatalf("the built-in pass was not taken where expected (%v, %v)", s1.debtorFirst != nil, s2.debtorFirst != nil)
	}
	if len(s2.Ineligible) != len(s1.Ineligible)+1 {
		t.Fatalf("%d lines, then %d", len(s1.Ineligible), len(s2.Ineligible))
	}
	if s1.Gross != s2.Gross || s1.Eligible != s2.Eligible || !slices.Equal(s1.counts, append(slices.Clone(s2.counts[:len(s2.counts)-2]), s2.counts[len(s2.counts)-1])) {
		t.Fatalf("gross %v / %v, eligible %v / %v, counts %v / %v", s1.Gross, s2.Gross, s1.Eligible, s2.Eligible, s1.counts, s2.counts)
	}
	hits := 0
	for k := range s1.Ineligible {
		l1, l2 := &s1.Ineligible[k], &s2.Ineligible[k]
		if l1.ID != l2.ID || l1.Figure != l2.Figure {
			t.Fatalf("line %s: %v, then %s: %v", l1.ID, l1.Figure, l2.ID, l2.Figure)
		}
		r1, r2 := s1.lineRows(l1), s2.lineRows(l2)
		if !slices.Equal(r1, r2) || s1.lineCount(l1) != s2.lineCount(l2) {
			t.Fatalf("line %s: %d rows, then %d", l1.ID, len(r1), len(r2))
		}
		hits += len(r1)
	}
	if e1, e2 := s1.eligibleLines(), s2.eligibleLines(); !slices.Equal(e1, e2) || len(e1) == 0 || hits == 0 {
		t.Fatalf("eligible rows: %d, then %d (ineligible rows %d)", len(e1), len(e2), hits)
	}
}

// Security Agreement ¶13(h): a casualty exclusion may name any asset of the
// borrowing base; a receivable is excluded whole, counted once, before the
// amount criteria.
func TestReceivableCasualty(t *testing.T) {
	var g aging
	a := g.debtor("A")
	g.inv(a, 10, "100.00")
	g.inv(a, 10, "40.00")
	g.inv(a, 200, "7.00") // past due: taken there first
	crits := []agreement.Criterion{crit(agreement.PastDue), crit(agreement.Casualty), crit(agreement.Disputed)}
	crits[0].Days = daysT(90)
	in := Input{Terms: recvTerms(crits...), AsOf: asOf, Receivables: g.build(),
		Casualty: []CasualtyExclusion{{Collateral: agreement.Receivables, Debtor: "A", Invoice: "INV2"}, {Collateral: agreement.Receivables, Debtor: "A", Invoice: "INV3"}}}
	c, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Section(agreement.Receivables)
	if s.Ineligible[0].Amount != amt("7.00") || s.Ineligible[1].Amount != amt("40.00") || s.Eligible.Amount != amt("100.00") {
		t.Errorf("past due %s, casualty %s, eligible %s; want 7.00, 40.00, 100.00", s.Ineligible[0].Amount, s.Ineligible[1].Amount, s.Eligible.Amount)
	}
	if n := c.Explain(true).Find("receivables.ineligible.casualty"); n == nil || !strings.Contains(n.Formula, "debtor A invoice INV2") {
		t.Errorf("explanation of the casualty line: %+v", n)
	}
	bad := []struct {
		name string
		cas  CasualtyExclusion
		want string
	}{
		{"no such invoice", CasualtyExclusion{Collateral: agreement.Receivables, Debtor: "A", Invoice: "INV9"}, `no row of receivables.csv has debtor "A" invoice "INV9"`},
		{"an amount", CasualtyExclusion{Collateral: agreement.Receivables, Debtor: "A", Invoice: "INV1", Amount: &five}, "a receivable is excluded whole"},
		{"another class", CasualtyExclusion{Collateral: "fixed_assets", Debtor: "A", Invoice: "INV1"}, `collateral "fixed_assets"; expected inventory or receivables`},
	}
	for _, b := range bad {
		in.Casualty = []CasualtyExclusion{b.cas}
		if _, err := Compute(in); err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: err = %v, want %q", b.name, err, b.want)
		}
	}
	in.Terms = recvTerms(crits[0])
	in.Casualty = []CasualtyExclusion{{Collateral: agreement.Receivables, Debtor: "A", Invoice: "INV1"}}
	if _, err := Compute(in); err == nil || !strings.Contains(err.Error(), "have no casualty criterion") {
		t.Errorf("no criterion: %v", err)
	}
}

var five = amt("5.00")
