package borrowingbase

import (
	"fmt"

	"cel.dev/cel-go/cel"

	"revolver/agreement"
	"revolver/money"
)

// Part is one of several components drawing on a collateral class: the
// eligible rows it takes (the first component, in order, whose filter is
// true for the row; a component without a filter takes every row left) and
// its advance rate, cap, reserves and availability.
//
// The class's criteria stay class-wide: a row is eligible or not as if the
// class had one component, and the parts share out the eligible rows. The
// dollars an amount criterion (contra, concentration) takes from a debtor
// are taken from the debtor's eligible rows in the parts' order (the first
// part's first, down to zero, then the next part's, then those of no
// part), so Σ parts' eligible + NoComponent = the class's eligible.
type Part struct {
	Component *agreement.Component
	Eligible  Figure
	Rows      int // eligible rows the part takes
	advanceFigs

	idx int8
}

// Key is the part's key in explanations ("receivables.components.insured").
func (p *Part) key(class string) string { return class + ".components." + p.Component.ID }

// Part returns the part of the section with the component id, or nil.
func (s *Section) Part(id string) *Part {
	for _, p := range s.Parts {
		if p.Component.ID == id {
			return p
		}
	}
	return nil
}

// computeParts shares the eligible rows of s among the components ks (in
// order) and applies each one's rate, cap and reserves.
func computeParts(s *Section, ks []*agreement.Component, in Input, currency string, u *undet) error {
	if len(ks) > maxCriteria {
		return inputErr("%s: %d components; at most %d are supported", s.Collateral, len(ks), maxCriteria)
	}
	prgs := make([]cel.Program, len(ks))
	for j, k := range ks {
		s.Parts = append(s.Parts, &Part{Component: k, idx: int8(j)})
		if k.Filter == "" {
			continue
		}
		prg, err := agreement.CompileFilterExpr(s.Collateral, k.Filter)
		if err != nil {
			return inputErr("borrowing_base.components.%s.filter: %v", k.ID, err)
		}
		prgs[j] = prg
	}
	np := len(ks)
	if s.HasInput && s.Eligible.Known {
		s.part = make([]int8, s.rows)
		var take func(i int) (int, error)
		var ra *recvActivation
		var ia *invActivation
		if s.recv != nil {
			ra = &recvActivation{rv: s.recv, asOf: in.AsOf, currency: currency}
		} else {
			ia = &invActivation{inv: s.inv, asOf: in.AsOf}
		}
		take = func(i int) (int, error) {
			for j, prg := range prgs {
				if prg == nil {
					return j, nil
				}
				var h bool
				var err error
				if ra != nil {
					ra.i = i
					h, err = evalBool(prg, ra)
				} else {
					ia.i = i
					h, err = evalBool(prg, ia)
				}
				if err != nil {
					return 0, inputErr("%s line %d: borrowing_base.components.%s.filter: %v", s.File, s.rowLine(i), ks[j].ID, err)
				}
				if h {
					return j, nil
				}
			}
			return np, nil
		}
		e := int8(s.eligPos)
		sums := make([]int64, np+1) // by part, the last: no part
		if s.recv != nil {
			nd := len(s.recv.Debtors)
			per := make([]int64, nd*(np+1)) // per debtor, per part (last: none)
			for i := 0; i < s.rows; i++ {
				s.part[i] = -1
				if s.bucketOf(i) != e {
					continue
				}
				j, err := take(i)
				if err != nil {
					return err
				}
				s.count(i, j)
				per[int(s.recv.Rows[i].Debtor)*(np+1)+j] += int64(s.recv.Rows[i].Amount)
			}
			for d := 0; d < nd; d++ {
				row := per[d*(np+1) : (d+1)*(np+1)]
				// What the amount criteria took from the debtor's eligible
				// rows, from the parts in order.
				r := s.eligRows[d] - s.pool[d]
				for j := 0; j < len(row) && r > 0; j++ {
					x := min(r, max(row[j], 0))
					row[j] -= x
					r -= x
				}
				row[np] -= r // credits only: what is left comes off no part
				for j, v := range row {
					sums[j] += v
				}
			}
		} else {
			p := 0
			for i := 0; i < s.rows; i++ {
				s.part[i] = -1
				a := int64(s.inv.Rows[i].ExtendedCost)
				if s.bucketOf(i) != e {
					for p < len(s.partial) && s.partial[p] < i {
						p++
					}
					if p >= len(s.partial) || s.partial[p] != i {
						continue
					}
					a = s.partialAmt[p]
				}
				j, err := take(i)
				if err != nil {
					return err
				}
				s.count(i, j)
				sums[j] += a
			}
		}
		var total int64
		for j, p := range s.Parts {
			p.Eligible = known(money.Amount(sums[j]))
			total += sums[j]
		}
		s.NoComponent = known(money.Amount(sums[np]))
		if total+sums[np] != int64(s.Eligible.Amount) {
			return fmt.Errorf("borrowingbase: internal error: %s eligible %d ≠ Σ components %d", s.Collateral, s.Eligible.Amount, total+sums[np])
		}
	}
	s.Availability = known(0)
	for j, p := range s.Parts {
		f, err := applyComponent(p.Component, s.Collateral, p.key(s.Collateral), s.HasInput, p.Eligible, u, s, j)
		if err != nil {
			return err
		}
		p.advanceFigs = f
		s.Availability = addFig(s.Availability, p.Availability)
	}
	return nil
}

// count records that the part j (np: none) took the eligible row i.
func (s *Section) count(i, j int) {
	if j < len(s.Parts) {
		s.part[i] = int8(j)
		s.Parts[j].Rows++
		return
	}
	s.noRows++
}

// partLines returns the input lines of the eligible rows part j takes (j =
// len(s.Parts): those no part takes).
func (s *Section) partLines(j int) []int {
	if j == len(s.Parts) {
		j = -1
	}
	return s.lines(func(i int) bool { return int(s.part[i]) == j && s.eligibleRow(i) })
}

func (s *Section) eligibleRow(i int) bool {
	if s.bucketOf(i) == int8(s.eligPos) {
		return true
	}
	for _, p := range s.partial {
		if p == i {
			return true
		}
	}
	return false
}

// filtered reports whether the section's class has a component with a
// filter.
func (s *Section) filtered(t *agreement.Terms) bool {
	for _, k := range t.BorrowingBase.ComponentsOf(s.Collateral) {
		if k.Filter != "" {
			return true
		}
	}
	return false
}
