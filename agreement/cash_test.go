package agreement

import (
	"strings"
	"testing"

	"revolver/date"
)

const cashAgreement = baseAgreement + `  collections:
    clearance_days: 2
    accounts:
      - id: "0012345678"
        kind: lockbox
        swept: true
        assumption: the borrower's standing instruction
      - id: "77"
        kind: operating
    type_codes:
      - {id: "115", kind: lockbox_deposit}
      - {id: "555", kind: returned_item, cite: ola §9}
`

// TestCashTerms: the accounts and the type-code table are read with their
// kinds, sweeps and assumptions; without a table the default one applies,
// each mapping an assumption; a bad number, code, kind or direction is an
// error at its line.
func TestCashTerms(t *testing.T) {
	f, err := Parse(files(cashAgreement))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(date.MustParse("2020-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	c := terms.Collections
	if c.ClearanceDays.Value != 2 || len(c.Accounts) != 2 {
		t.Fatalf("collections %+v", c)
	}
	a, ok := c.Account("0012345678")
	if !ok || a.Kind.Value != AccountLockbox || !a.Swept.Value || a.Assumption != "the borrower's standing instruction" || a.Swept.Assumption == "" {
		t.Errorf("lockbox %+v", a)
	}
	if b, ok := c.Account("77"); !ok || b.Kind.Value != AccountOperating || b.Swept.Value {
		t.Errorf("operating %+v", b)
	}
	if _, ok := c.Account("99"); ok {
		t.Error("an account the terms do not name is found")
	}
	tc := c.CashTypeCodes()
	if len(tc) != 2 || tc[1].Code != "555" || tc[1].Kind != CashReturnedItem || tc[1].Cite.Section != "§9" || tc[0].Assumption != "" {
		t.Errorf("type codes %+v", tc)
	}
	def := Collections{}.CashTypeCodes()
	if len(def) != len(DefaultTypeCodes) || def[0].Assumption == "" || DefaultTypeCodes[0].Assumption != "" {
		t.Errorf("default table %+v", def)
	}

	for _, tc := range []struct{ name, from, to, want string }{
		{"bad account", `"77"`, `"7 7"`, "bad account number in collections.accounts"},
		{"account twice", `"77"`, `"0012345678"`, "duplicate id"},
		{"bad kind", "kind: operating", "kind: savings", "bad value for collections.accounts.77.kind"},
		{"status code", `"115"`, `"015"`, "bad type code in collections.type_codes"},
		{"unknown cash kind", "kind: returned_item", "kind: bounced", "bad kind for collections.type_codes.555"},
		{"direction", `{id: "115", kind: lockbox_deposit}`, `{id: "115", kind: fee}`, "type code 115: kind fee does not match the code's direction"},
		{"unknown key", "swept: true", "swept: true\n        daily: true", "unknown term collections.accounts.0012345678.daily"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := strings.Replace(cashAgreement, tc.from, tc.to, 1)
			if y == cashAgreement {
				t.Fatalf("%q not in the agreement", tc.from)
			}
			_, err := Parse(files(y))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestExampleCashTerms: BTU's lockbox is swept daily as an assumption;
// the modern example's collateral account is not swept (dominion springs).
func TestExampleCashTerms(t *testing.T) {
	f, err := Load("../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(date.MustParse("2005-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := terms.Collections.Account("0012345678")
	if !ok || a.Kind.Value != AccountLockbox || !a.Swept.Value || a.Assumption == "" || a.Cite.Document != "security-agreement" {
		t.Errorf("BTU lockbox %+v", a)
	}
	if terms.Collections.ClearanceDays.Value != 1 {
		t.Errorf("clearance %+v", terms.Collections.ClearanceDays)
	}
	if u := terms.Collections.AppliedUnder; u.Value != "proceeds_in_trust" || u.Cite.Section != "¶3" {
		t.Errorf("applied under %+v", u)
	}
}

// TestAppliedUnder: collections.applied_under names one of the terms'
// remedies; any other name is an error at its line and column, listing
// the remedies there are.
func TestAppliedUnder(t *testing.T) {
	const remedies = `  remedies:
    - {id: proceeds_in_trust, label: Proceeds held in trust, conditions: [eod_continuing, notice], cite: ola §9}
`
	good := cashAgreement + "    applied_under: {value: proceeds_in_trust, cite: ola §9}\n" + remedies
	f, err := Parse(files(good))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(date.MustParse("2020-06-30"))
	if err != nil || terms.Collections.AppliedUnder.Value != "proceeds_in_trust" {
		t.Fatalf("applied under: %+v, %v", terms, err)
	}
	_, err = Parse(files(strings.Replace(good, "value: proceeds_in_trust,", "value: proceeds,", 1)))
	if err == nil || !strings.Contains(err.Error(), `agreement.yaml:32:28:`) || !strings.Contains(err.Error(), `names no remedy of the terms`) ||
		!strings.Contains(err.Error(), `found "proceeds"`) || !strings.Contains(err.Error(), "(proceeds_in_trust)") {
		t.Errorf("an unknown remedy: %v", err)
	}
	_, err = Parse(files(cashAgreement + "    applied_under: proceeds_in_trust\n"))
	if err == nil || !strings.Contains(err.Error(), "the terms list none") {
		t.Errorf("no remedies at all: %v", err)
	}
}

func TestModernCashTerms(t *testing.T) {
	f, err := Load("../examples/modern-abl")
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(f.Agreement.Date)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := terms.Collections.Account("4400198812")
	if !ok || a.Kind.Value != AccountCollateral || a.Swept.Value || terms.CashDominion == nil || terms.CashDominion.Springing == nil {
		t.Errorf("modern collateral account %+v, dominion %+v", a, terms.CashDominion)
	}
	if len(terms.Collections.TypeCodes) != 5 {
		t.Errorf("type codes %+v", terms.Collections.TypeCodes)
	}
}
