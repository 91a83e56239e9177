package borrowingbase

import (
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"

	"revolver/collateral"
	"revolver/date"
)

// evalBool evaluates a compiled criterion on one row.
func evalBool(prg cel.Program, act interpreter.Activation) (bool, error) {
	out, _, err := prg.Eval(act)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("expression gave %v; expected true or false", out)
	}
	return bool(b), nil
}

var standardReceivableColumns = map[string]bool{
	"debtor_id": true, "invoice_no": true, "invoice_date": true, "due_date": true,
	"amount": true, "currency": true, "disputed": true,
}

var standardInventoryColumns = map[string]bool{
	"item": true, "description": true, "location": true, "category": true,
	"quantity": true, "unit_cost": true, "extended_cost": true, "last_movement_date": true,
}

// recvActivation resolves the variables of agreement.CompileCriterionExpr
// for row i of a receivables report, lazily.
type recvActivation struct {
	rv       *collateral.Receivables
	i        int
	asOf     date.Date
	currency string
}

func (a *recvActivation) Parent() interpreter.Activation { return nil }

func (a *recvActivation) ResolveName(name string) (any, bool) {
	r := &a.rv.Rows[a.i]
	d := &a.rv.Debtors[r.Debtor]
	switch name {
	case "debtor_id":
		return d.ID, true
	case "invoice_no":
		return a.rv.InvoiceNo(a.i), true
	case "age_days":
		return int64(r.AgeDays(a.asOf)), true
	case "days_past_due":
		return int64(r.DaysPastDue(a.asOf)), true
	case "amount":
		return r.Amount.String(), true
	case "amount_cents":
		return int64(r.Amount), true
	case "disputed":
		return r.Disputed, true
	case "currency":
		if c := a.rv.Extra("currency", a.i); c != "" {
			return c, true
		}
		return a.currency, true
	case "country":
		return d.Country, true
	case "government":
		return d.Government, true
	case "affiliate":
		return d.Affiliate, true
	case "credit_insured":
		return d.CreditInsured, true
	case "assignment_of_claims":
		return d.AssignmentOfClaims, true
	case "contra_payable_cents":
		return int64(d.ContraPayable), true
	case "extra":
		m := map[string]string{}
		for _, c := range a.rv.Columns {
			if !standardReceivableColumns[c] {
				m[c] = a.rv.Extra(c, a.i)
			}
		}
		return m, true
	}
	return nil, false
}

// invActivation resolves the inventory variables for row i.
type invActivation struct {
	inv  *collateral.Inventory
	i    int
	asOf date.Date
}

func (a *invActivation) Parent() interpreter.Activation { return nil }

func (a *invActivation) ResolveName(name string) (any, bool) {
	r := &a.inv.Rows[a.i]
	switch name {
	case "item":
		return r.Item, true
	case "description":
		return r.Description, true
	case "location":
		return r.Location, true
	case "category":
		return r.Category, true
	case "extended_cost_cents":
		return int64(r.ExtendedCost), true
	case "days_since_movement":
		return int64(a.asOf.Sub(r.LastMovement)), true
	case "extra":
		m := map[string]string{}
		for _, c := range a.inv.Columns {
			if !standardInventoryColumns[c] {
				m[c] = a.inv.Extra(c, a.i)
			}
		}
		return m, true
	}
	return nil, false
}
