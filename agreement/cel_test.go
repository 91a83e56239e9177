package agreement

import (
	"strings"
	"testing"
)

func TestCompileCriterionExpr(t *testing.T) {
	tests := []struct {
		collateral, expr string
		vars             map[string]any
		want             bool
		err              string
	}{
		{collateral: Receivables, expr: `age_days > 60 && amount_cents >= 100000`, vars: map[string]any{"age_days": int64(61), "amount_cents": int64(100000)}, want: true},
		{collateral: Receivables, expr: `country != "US" && !credit_insured`, vars: map[string]any{"country": "US", "credit_insured": false}, want: false},
		{collateral: Receivables, expr: `"bill_and_hold" in extra && extra["bill_and_hold"] == "true"`, vars: map[string]any{"extra": map[string]string{"bill_and_hold": "true"}}, want: true},
		{collateral: Receivables, expr: `amount.startsWith("-")`, vars: map[string]any{"amount": "-12.50"}, want: true},
		{collateral: Inventory, expr: `category == "service_parts" && days_since_movement > 180`, vars: map[string]any{"category": "service_parts", "days_since_movement": int64(181)}, want: true},
		{collateral: Receivables, expr: `amount_cents + 1`, err: "expected bool"},
		{collateral: Receivables, expr: `location == "BIL"`, err: "undeclared reference to 'location'"},
		{collateral: Inventory, expr: `debtor_id == "C1"`, err: "undeclared reference to 'debtor_id'"},
		{collateral: Receivables, expr: `amount > 5`, err: "no matching overload"},
		{collateral: FixedAssets, expr: `true`, err: "has no row variables"},
		{collateral: Receivables, expr: ``, err: "empty expression"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			prg, err := CompileCriterionExpr(tc.collateral, tc.expr)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := prg.Eval(tc.vars)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.Value(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
