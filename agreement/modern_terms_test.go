package agreement

import (
	"strings"
	"testing"
)

// inventoryAgreement is baseAgreement with an inventory component.
var inventoryAgreement = strings.Replace(baseAgreement, "    letters_of_credit:", `      - id: inventory
        collateral: inventory
        advance_rate: 65%
        nolv: {advance_rate: 85%, rate: 68.5%}
    letters_of_credit:`, 1)

func TestNOLVDilutionAndTriggersLint(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"nolv on receivables", strings.Replace(baseAgreement, "        advance_rate: 80%\n", "        advance_rate: 80%\n        nolv: {advance_rate: 85%, rate: 70%}\n", 1),
			"agreement.yaml:15:15: component receivables of receivables has nolv"},
		{"nolv rate above 100%", strings.Replace(inventoryAgreement, "rate: 68.5%", "rate: 168.5%", 1),
			"borrowing_base.components.inventory.nolv.rate above 100%"},
		{"nolv without its rate", strings.Replace(inventoryAgreement, ", rate: 68.5%", "", 1),
			"missing term borrowing_base.components.inventory.nolv.rate"},
		{"nolv unknown key", strings.Replace(inventoryAgreement, "rate: 68.5%}", "rate: 68.5%, cap: 5}", 1),
			"unknown term borrowing_base.components.inventory.nolv.cap"},
		{"dilution reserve with an amount", strings.Replace(baseAgreement, "        advance_rate: 80%\n",
			"        advance_rate: 80%\n        reserves:\n          - {id: dil, kind: dilution, dilution: 6%, threshold: 5%, amount: 10.00}\n", 1),
			"dilution reserve dil has an amount"},
		{"dilution reserve without a threshold", strings.Replace(baseAgreement, "        advance_rate: 80%\n",
			"        advance_rate: 80%\n        reserves:\n          - {id: dil, kind: dilution, dilution: 6%}\n", 1),
			"missing term borrowing_base.components.receivables.reserves.dil.threshold"},
		{"dilution on inventory", strings.Replace(inventoryAgreement, "        nolv:", "        reserves:\n          - {id: dil, kind: dilution, dilution: 6%, threshold: 5%}\n        nolv:", 1),
			"dilution reserve dil is not on a receivables component"},
		{"threshold on an amount reserve", strings.Replace(baseAgreement, "        advance_rate: 80%\n",
			"        advance_rate: 80%\n        reserves:\n          - {id: rent, amount: 10.00, threshold: 5%}\n", 1),
			"reserve rent has threshold but is not a dilution reserve"},
		{"springing without a threshold", baseAgreement + "  covenants:\n    - id: fccr\n      formula: a / b\n      comparison: min\n      threshold: 1.0\n      frequency: quarterly\n      springing: {measure: excess_availability, ends_after_days: 30}\n",
			"trigger covenants.fccr.springing has no threshold"},
		{"springing on another measure", baseAgreement + "  covenants:\n    - id: fccr\n      formula: a / b\n      comparison: min\n      threshold: 1.0\n      frequency: quarterly\n      springing: {measure: leverage, share: 10%, ends_after_days: 30}\n",
			`bad value for covenants.fccr.springing.measure (found "leverage", expected one of excess_availability)`},
		{"report delivered by something else", baseAgreement + "  reporting:\n    - id: bbc\n      frequency: monthly\n      days_after: 15\n      delivered_by: email\n",
			`bad value for reporting.bbc.delivered_by (found "email", expected one of certificate, statements)`},
		{"dominion neither", baseAgreement + "  cash_dominion: {cite: ola §9}\n",
			"cash_dominion must be always or springing"},
		{"dominion both", baseAgreement + "  cash_dominion:\n    always: true\n    springing: {measure: excess_availability, at_least: 5.00, ends_after_days: 30}\n",
			"cash_dominion must be always or springing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := Lint(files(c.yaml))
			if len(errs) == 0 {
				t.Fatalf("no diagnostic; want one containing %q", c.want)
			}
			if !strings.Contains(errs.Error(), c.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", errs.Error(), c.want)
			}
		})
	}
}

func TestNOLVAndTriggerTerms(t *testing.T) {
	a := inventoryAgreement + "  cash_dominion:\n    cite: ola §9\n    springing: {measure: excess_availability, share: 12.5%, at_least: 9375000.00, for_days: 5, ends_after_days: 30}\n"
	f, err := Parse(files(a))
	if err != nil {
		t.Fatalf("unexpected diagnostics:\n%v", err)
	}
	terms, err := f.TermsAsOf(mustDate("2020-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	inv := terms.BorrowingBase.Components[1]
	if inv.NOLV == nil || inv.NOLV.Rate.Value.String() != "0.685" || inv.NOLV.AdvanceRate.Value.String() != "0.85" ||
		inv.NOLV.Rate.Path != "borrowing_base.components.inventory.nolv.rate" {
		t.Fatalf("nolv: %+v", inv.NOLV)
	}
	cd := terms.CashDominion
	if cd == nil || cd.Springing == nil || cd.Always || cd.Cite.Section != "§9" {
		t.Fatalf("cash dominion: %+v", cd)
	}
	want := "excess availability below the greater of 12.5% of the line cap and 9,375,000.00 on 5 consecutive Business Days; ends after 30 consecutive days at or above it"
	if got := cd.Springing.Describe(); got != want {
		t.Errorf("Describe:\n got %s\nwant %s", got, want)
	}
}
