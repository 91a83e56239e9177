package agreement

import (
	"fmt"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
)

// Custom eligibility criteria are CEL expressions over one row of the
// collateral report. The expression must have type bool; true means the row
// is ineligible under the criterion.
//
// Variables of a receivables criterion (one row of the aging joined with its
// debtor in the customer master):
//
//	debtor_id             string  the row's debtor_id
//	invoice_no            string
//	age_days              int     as-of date − invoice_date, in days (negative for a future invoice)
//	days_past_due         int     as-of date − due_date, in days (negative when not yet due)
//	amount                string  the open balance as a decimal with two places, e.g. "-120.50"
//	amount_cents          int     the open balance in cents (negative for a credit memo)
//	disputed              bool
//	currency              string  ISO 4217 code of the row (the facility's currency)
//	country               string  the debtor's country, ISO 3166 alpha-2
//	government            bool    the debtor's flags from the customer master
//	affiliate             bool
//	credit_insured        bool
//	assignment_of_claims  bool
//	contra_payable_cents  int     what the borrower owes the debtor, in cents
//	extra                 map(string, string)  the row's non-standard columns by header name
//
// Variables of an inventory criterion (one row of the inventory valuation):
//
//	item                  string
//	description           string
//	location              string  location code, e.g. "BIL"
//	category              string  e.g. "finished_goods"
//	extended_cost_cents   int     the row's value in cents
//	days_since_movement   int     as-of date − last_movement_date, in days
//	extra                 map(string, string)  the row's non-standard columns by header name
//
// Amounts are integers of cents (or a decimal string) so that no expression
// ever compares money in floating point. Examples:
//
//	debtor_id == "C00042" && age_days > 60
//	category == "service_parts" && days_since_movement > 180
//	"bill_and_hold" in extra && extra["bill_and_hold"] == "true"
//
// extra holds only the columns the file has: reading a key that is absent is
// an evaluation error (guard it with `in`), reported against the row.
var (
	celOnce   sync.Once
	celEnvs   map[string]*cel.Env
	celEnvErr error
)

func celEnvironments() (map[string]*cel.Env, error) {
	celOnce.Do(func() {
		str, i64, b := cel.StringType, cel.IntType, cel.BoolType
		extra := cel.MapType(cel.StringType, cel.StringType)
		recv, err := cel.NewEnv(
			cel.Variable("debtor_id", str),
			cel.Variable("invoice_no", str),
			cel.Variable("age_days", i64),
			cel.Variable("days_past_due", i64),
			cel.Variable("amount", str),
			cel.Variable("amount_cents", i64),
			cel.Variable("disputed", b),
			cel.Variable("currency", str),
			cel.Variable("country", str),
			cel.Variable("government", b),
			cel.Variable("affiliate", b),
			cel.Variable("credit_insured", b),
			cel.Variable("assignment_of_claims", b),
			cel.Variable("contra_payable_cents", i64),
			cel.Variable("extra", extra),
		)
		if err != nil {
			celEnvErr = err
			return
		}
		inv, err := cel.NewEnv(
			cel.Variable("item", str),
			cel.Variable("description", str),
			cel.Variable("location", str),
			cel.Variable("category", str),
			cel.Variable("extended_cost_cents", i64),
			cel.Variable("days_since_movement", i64),
			cel.Variable("extra", extra),
		)
		if err != nil {
			celEnvErr = err
			return
		}
		celEnvs = map[string]*cel.Env{Receivables: recv, Inventory: inv}
	})
	return celEnvs, celEnvErr
}

// CompileCriterionExpr compiles the CEL expression of a custom eligibility
// criterion of the collateral class ("receivables" or "inventory") and checks
// that it has type bool. The variables are listed above.
func CompileCriterionExpr(collateral string, expr string) (cel.Program, error) {
	envs, err := celEnvironments()
	if err != nil {
		return nil, fmt.Errorf("cel environment: %w", err)
	}
	env := envs[collateral]
	if env == nil {
		return nil, fmt.Errorf("custom criterion: collateral %q has no row variables; expected %q or %q", collateral, Receivables, Inventory)
	}
	if expr == "" {
		return nil, fmt.Errorf("custom criterion: empty expression; expected a CEL expression of type bool")
	}
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		return nil, fmt.Errorf("custom criterion %q: %w", expr, iss.Err())
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, fmt.Errorf("custom criterion %q: has type %s; expected bool (true = ineligible)", expr, ast.OutputType())
	}
	prg, err := env.Program(ast)
	if err != nil {
		return nil, fmt.Errorf("custom criterion %q: %w", expr, err)
	}
	return prg, nil
}

// CompileFilterExpr compiles the filter of a borrowing base component of
// the collateral class: a CEL expression of type bool over the row, with
// the variables of a custom criterion; true means the component takes the
// row.
func CompileFilterExpr(collateral string, expr string) (cel.Program, error) {
	prg, err := CompileCriterionExpr(collateral, expr)
	if err != nil {
		return nil, fmt.Errorf("%s", strings.Replace(err.Error(), "(true = ineligible)", "(true = the component takes the row)", 1))
	}
	return prg, nil
}
