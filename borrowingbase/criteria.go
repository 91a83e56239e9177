package borrowingbase

import (
	"math/big"
	"math/bits"
	"strings"

	"revolver/agreement"
	"revolver/money"
)

// kinds allowed per collateral class.
var receivableKinds = map[string]bool{
	agreement.PastDue: true, agreement.CrossAged: true, agreement.Affiliate: true,
	agreement.Government: true, agreement.Foreign: true, agreement.Disputed: true,
	agreement.Contra: true, agreement.Concentration: true, agreement.Casualty: true, agreement.Custom: true,
}

var inventoryKinds = map[string]bool{
	agreement.LocationCriterion: true, agreement.CategoryCriterion: true,
	agreement.SlowMoving: true, agreement.Casualty: true, agreement.Custom: true,
}

// checkCriteria validates a criteria list of a collateral class and returns
// the index of the first criterion with an unknown parameter (len(list) when
// all are known), recording it as undetermined.
func checkCriteria(class string, list []agreement.Criterion, u *undet) (int, error) {
	if len(list) > maxCriteria {
		return 0, inputErr("%s eligibility: %d criteria; at most %d are supported", class, len(list), maxCriteria)
	}
	kinds := receivableKinds
	if class == agreement.Inventory {
		kinds = inventoryKinds
	}
	seen := map[string]bool{}
	cut := len(list)
	for i := range list {
		cr := &list[i]
		where := class + "_eligibility." + cr.ID
		if cr.ID == "" {
			return 0, inputErr("%s eligibility: criterion %d has no id", class, i+1)
		}
		if seen[cr.ID] {
			return 0, inputErr("%s: duplicate criterion id %q", where, cr.ID)
		}
		seen[cr.ID] = true
		if !kinds[cr.Kind] {
			return 0, inputErr("%s: kind %q does not apply to %s", where, cr.Kind, class)
		}
		var need []struct {
			name    string
			unknown string
			path    string
		}
		add := func(name, unknown, path string) {
			need = append(need, struct{ name, unknown, path string }{name, unknown, pathOr(path, where+"."+name)})
		}
		switch cr.Kind {
		case agreement.PastDue, agreement.SlowMoving:
			if cr.Days == nil {
				return 0, inputErr("%s: %s needs days", where, cr.Kind)
			}
			add("days", cr.Days.Unknown, cr.Days.Path)
		case agreement.CrossAged:
			if cr.Days == nil || cr.Share == nil {
				return 0, inputErr("%s: cross_aged needs days and share", where)
			}
			add("days", cr.Days.Unknown, cr.Days.Path)
			add("share", cr.Share.Unknown, cr.Share.Path)
		case agreement.Concentration:
			if cr.Share == nil {
				return 0, inputErr("%s: concentration needs share", where)
			}
			add("share", cr.Share.Unknown, cr.Share.Path)
		case agreement.LocationCriterion, agreement.CategoryCriterion:
			if cr.Values == nil {
				return 0, inputErr("%s: %s needs values", where, cr.Kind)
			}
			add("values", cr.Values.Unknown, cr.Values.Path)
		case agreement.Foreign:
			if cr.Values != nil {
				add("values", cr.Values.Unknown, cr.Values.Path)
			}
		case agreement.Custom:
			if cr.Expr == "" {
				return 0, inputErr("%s: custom criterion needs expr", where)
			}
		}
		for _, n := range need {
			if n.unknown != "" && cut == len(list) {
				cut = i
				affects := []string{}
				for _, later := range list[i:] {
					affects = append(affects, class+".ineligible."+later.ID)
				}
				affects = append(affects, class+".eligible", class+".availability", "borrowing_base")
				u.add(n.path, n.unknown, affects...)
			}
		}
		if cut < len(list) && i >= cut {
			continue
		}
		if cr.Days != nil && cr.Days.Known() && cr.Days.Value < 0 {
			return 0, inputErr("%s: days %d; expected at least 0", where, cr.Days.Value)
		}
		if cr.Share != nil && cr.Share.Known() && cr.Share.Value.Sign() < 0 {
			return 0, inputErr("%s: share %s; expected at least 0", where, cr.Share.Value)
		}
	}
	return cut, nil
}

func defaultLabel(cr *agreement.Criterion) string {
	if cr.Label != "" {
		return cr.Label
	}
	days := "?"
	if cr.Days != nil && cr.Days.Known() {
		days = itoa(cr.Days.Value)
	}
	share := "?"
	if cr.Share != nil && cr.Share.Known() {
		share = cr.Share.Value.Percent()
	}
	vals := "?"
	if cr.Values != nil && cr.Values.Known() {
		vals = strings.Join(cr.Values.Value, ", ")
	}
	switch cr.Kind {
	case agreement.PastDue:
		return "Past due (over " + days + " days from invoice date)"
	case agreement.CrossAged:
		return "Cross-aged (debtor " + share + " or more over " + days + " days)"
	case agreement.Affiliate:
		return "Affiliates"
	case agreement.Government:
		return "Government (no assignment of claims)"
	case agreement.Foreign:
		if cr.Values == nil {
			vals = "US"
		}
		return "Foreign (outside " + vals + ", not credit insured)"
	case agreement.Disputed:
		return "Disputed"
	case agreement.Contra:
		return "Contra"
	case agreement.Concentration:
		return "Concentration (over " + share + " of eligible)"
	case agreement.LocationCriterion:
		return "Location (not at " + vals + ")"
	case agreement.CategoryCriterion:
		return "Category (" + vals + ")"
	case agreement.SlowMoving:
		return "Slow-moving (no movement for over " + days + " days)"
	case agreement.Casualty:
		return "Casualty"
	}
	return cr.ID
}

func itoa(n int) string {
	return big.NewInt(int64(n)).String()
}

// fraction is a non-negative rate as num/den for exact integer comparison.
type fraction struct {
	num, den uint64
	ok       bool // false: did not fit; compare with apd
	r        money.Rate
}

func toFraction(r money.Rate) fraction {
	d := r.Decimal()
	f := fraction{r: r}
	if d.Negative || !d.Coeff.IsUint64() {
		return f
	}
	num := d.Coeff.Uint64()
	den := uint64(1)
	e := d.Exponent
	for ; e < 0; e++ {
		hi, lo := bits.Mul64(den, 10)
		if hi != 0 {
			return f
		}
		den = lo
	}
	for ; e > 0; e-- {
		hi, lo := bits.Mul64(num, 10)
		if hi != 0 {
			return f
		}
		num = lo
	}
	f.num, f.den, f.ok = num, den, true
	return f
}

// atLeast reports a/b ≥ f, for a ≥ 0, b > 0, exactly.
func (f fraction) atLeast(a, b int64) bool {
	if f.ok {
		// a·den ≥ num·b in 128 bits.
		h1, l1 := bits.Mul64(uint64(a), f.den)
		h2, l2 := bits.Mul64(f.num, uint64(b))
		return h1 > h2 || (h1 == h2 && l1 >= l2)
	}
	q, err := money.Div(money.Amount(a), money.Amount(b))
	if err != nil {
		return false
	}
	return q.Cmp(f.r) >= 0
}
