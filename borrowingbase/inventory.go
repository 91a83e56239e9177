package borrowingbase

import (
	"fmt"
	"math/bits"
	"slices"

	"cel.dev/cel-go/cel"

	"revolver/agreement"
	"revolver/date"
	"revolver/money"
)

type invKey struct{ item, location string }

func computeInventory(in Input, u *undet) (*Section, error) {
	inv := in.Inventory
	crits := in.Terms.Inventory
	cut, err := checkCriteria(agreement.Inventory, crits, u)
	if err != nil {
		return nil, err
	}
	n := len(inv.Rows)
	s := &Section{Collateral: agreement.Inventory, File: inv.File, HasInput: true, inv: inv, rows: n, cutBelow: cut}
	if s.File == "" {
		s.File = "inventory"
	}
	for i := range crits {
		s.Ineligible = append(s.Ineligible, Line{ID: crits[i].ID, Kind: crits[i].Kind, Label: defaultLabel(&crits[i]), crit: crits[i], pos: i})
	}
	active := crits[:cut]
	na := len(active)
	s.eligPos = na

	// Casualty exclusions by item and location.
	hasCasualty := slices.ContainsFunc(crits, func(c agreement.Criterion) bool { return c.Kind == agreement.Casualty })
	if len(in.Casualty) > 0 && !hasCasualty {
		return nil, inputErr("casualty exclusions given but the inventory eligibility criteria have no casualty criterion")
	}
	excl := map[invKey]int{}
	for k, e := range in.Casualty {
		key := invKey{e.Item, e.Location}
		if _, dup := excl[key]; dup {
			return nil, inputErr("casualty exclusion %d: item %q at location %q is excluded twice", k+1, e.Item, e.Location)
		}
		if e.Amount != nil && (*e.Amount <= 0 || *e.Amount > money.MaxAmount) {
			return nil, inputErr("casualty exclusion %d (item %q at %q): amount %s; expected more than 0", k+1, e.Item, e.Location, *e.Amount)
		}
		excl[key] = k
	}
	matched := make([]int, len(in.Casualty))
	for i := range inv.Rows {
		if len(excl) == 0 {
			break
		}
		r := &inv.Rows[i]
		if k, ok := excl[invKey{r.Item, r.Location}]; ok {
			matched[k]++
		}
	}
	for k, e := range in.Casualty {
		if matched[k] == 0 {
			return nil, inputErr("casualty exclusion %d: no row of %s has item %q at location %q", k+1, s.File, e.Item, e.Location)
		}
		if e.Amount != nil && matched[k] > 1 {
			return nil, inputErr("casualty exclusion %d: %d rows of %s have item %q at location %q; an exclusion with an amount must name one row", k+1, matched[k], s.File, e.Item, e.Location)
		}
	}

	type icrit struct {
		pos    int
		kind   string
		set    []string
		cutoff date.Date
		prg    cel.Program
		id     string
	}
	var ics []icrit
	for i := range active {
		cr := &active[i]
		c := icrit{pos: i, kind: cr.Kind, id: cr.ID}
		switch cr.Kind {
		case agreement.LocationCriterion, agreement.CategoryCriterion:
			c.set = cr.Values.Value
		case agreement.SlowMoving:
			c.cutoff = in.AsOf.AddDays(-cr.Days.Value)
		case agreement.Custom:
			prg, err := agreement.CompileCriterionExpr(agreement.Inventory, cr.Expr)
			if err != nil {
				return nil, inputErr("inventory_eligibility.%s: %v", cr.ID, err)
			}
			c.prg = prg
		}
		ics = append(ics, c)
	}

	nb := na + 1
	totals := make([]int64, nb)
	counts := make([]int, nb)
	bucket := make([]int8, n)
	act := &invActivation{inv: inv, asOf: in.AsOf}
	var absHi, absLo uint64
	var gross int64
	for i := range inv.Rows {
		r := &inv.Rows[i]
		a := int64(r.ExtendedCost)
		gross += a
		m := a
		if m < 0 {
			m = -m
		}
		var carry uint64
		absLo, carry = bits.Add64(absLo, uint64(m), 0)
		absHi += carry
		b := na
		part := int64(-1) // casualty with an amount: the part excluded
	crit:
		for k := range ics {
			c := &ics[k]
			switch c.kind {
			case agreement.LocationCriterion:
				if !slices.Contains(c.set, r.Location) {
					b = c.pos
					break crit
				}
			case agreement.CategoryCriterion:
				if slices.Contains(c.set, r.Category) {
					b = c.pos
					break crit
				}
			case agreement.SlowMoving:
				if r.LastMovement < c.cutoff {
					b = c.pos
					break crit
				}
			case agreement.Casualty:
				if len(excl) == 0 {
					continue
				}
				if x, ok := excl[invKey{r.Item, r.Location}]; ok {
					b = c.pos
					if e := in.Casualty[x]; e.Amount != nil && int64(*e.Amount) < a {
						part = int64(*e.Amount)
					}
					break crit
				}
			case agreement.Custom:
				act.i = i
				h, err := evalBool(c.prg, act)
				if err != nil {
					return nil, inputErr("%s line %d: inventory_eligibility.%s: %v", s.File, r.Line, c.id, err)
				}
				if h {
					b = c.pos
					break crit
				}
			}
		}
		bucket[i] = int8(b)
		counts[b]++
		if part >= 0 {
			totals[b] += part
			totals[na] += a - part
			s.partial = append(s.partial, i)
			s.partialAmt = append(s.partialAmt, a-part)
		} else {
			totals[b] += a
		}
	}
	if absHi != 0 || absLo > uint64(money.MaxAmount) {
		return nil, inputErr("%s: the sum of the values' magnitudes exceeds %s", s.File, money.MaxAmount)
	}
	s.bucket = bucket
	s.counts = counts
	s.Gross = money.Amount(gross)
	sum := int64(0)
	for i := 0; i < na; i++ {
		s.Ineligible[i].Figure = known(money.Amount(totals[i]))
		sum += totals[i]
	}
	sum += totals[na]
	if sum != gross {
		return nil, fmt.Errorf("borrowingbase: internal error: inventory gross %d ≠ eligible + ineligibles %d", gross, sum)
	}
	if cut == len(crits) {
		s.Eligible = known(money.Amount(totals[na]))
	}
	return s, nil
}
