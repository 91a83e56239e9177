package borrowingbase

import (
	"fmt"
	"math/bits"
	"slices"

	"cel.dev/cel-go/cel"

	"revolver/agreement"
	"revolver/collateral"
	"revolver/date"
	"revolver/money"
)

// row-level receivables criteria evaluated per row.
type rowCrit struct {
	pos    int
	kind   string
	cutoff date.Date // past_due: aged when InvoiceDate < cutoff (age > days)
	prg    cel.Program
	id     string
}

func computeReceivables(in Input, casualty []CasualtyExclusion, currency string, u *undet) (*Section, error) {
	rv := in.Receivables
	t := in.Terms
	crits := t.Receivables
	cut, err := checkCriteria(agreement.Receivables, crits, u)
	if err != nil {
		return nil, err
	}
	nd := len(rv.Debtors)
	n := len(rv.Rows)
	s := &Section{Collateral: agreement.Receivables, File: rv.File, HasInput: true, recv: rv, rows: n, cutBelow: cut}
	if s.File == "" {
		s.File = "receivables"
	}
	for i := range crits {
		s.Ineligible = append(s.Ineligible, Line{ID: crits[i].ID, Kind: crits[i].Kind, Label: defaultLabel(&crits[i]), crit: crits[i], pos: i})
	}
	active := crits[:cut]
	na := len(active)
	s.eligPos = na

	// The row criteria, in order.
	var rcs []rowCrit
	for i := range active {
		cr := &active[i]
		switch cr.Kind {
		case agreement.Casualty:
			rcs = append(rcs, rowCrit{pos: i, kind: cr.Kind, id: cr.ID})
		case agreement.PastDue:
			rcs = append(rcs, rowCrit{pos: i, kind: cr.Kind, cutoff: in.AsOf.AddDays(-cr.Days.Value), id: cr.ID})
		case agreement.Disputed:
			rcs = append(rcs, rowCrit{pos: i, kind: cr.Kind, id: cr.ID})
		case agreement.Custom:
			prg, err := agreement.CompileCriterionExpr(agreement.Receivables, cr.Expr)
			if err != nil {
				return nil, inputErr("receivables_eligibility.%s: %v", cr.ID, err)
			}
			rcs = append(rcs, rowCrit{pos: i, kind: cr.Kind, prg: prg, id: cr.ID})
		}
	}

	// With only the built-in row criteria (no CEL), a row's bucket is the
	// lesser of its debtor's first criterion and its own first criterion,
	// so one pass can find the latter and sum by (row bucket, debtor); the
	// debtors' criteria, known after the pass, then fold those sums.
	nb := na + 1
	builtin := true
	for k := range rcs {
		// A casualty criterion with exclusions looks the rows up by debtor
		// and invoice: the general pass; without any it takes no row.
		builtin = builtin && rcs[k].kind != agreement.Custom && !(rcs[k].kind == agreement.Casualty && len(casualty) > 0)
	}
	var bucket []int8
	// For the one pass: the past-due criteria in order, and the first
	// disputed criterion's place (na if none); a casualty criterion without
	// exclusions takes no row.
	var pastDue []rowCrit
	dispPos := na
	if builtin {
		bucket = make([]int8, n)
		for _, c := range rcs {
			switch c.kind {
			case agreement.PastDue:
				pastDue = append(pastDue, c)
			case agreement.Disputed:
				dispPos = min(dispPos, c.pos)
			}
		}
	}

	// Pre-pass: gross per debtor, range check, cross-aged shares (and, with
	// the built-in criteria only, the row buckets and the sums by them).
	// What a row adds to is its debtor's: acc[d*stride:] holds the gross,
	// the positive and the aged balances, then per row bucket the sum and
	// the count, so that a row touches one or two cache lines.
	var agedCut date.Date
	crossIdx := -1
	for i := range active {
		if active[i].Kind == agreement.CrossAged {
			crossIdx = i
			break
		}
	}
	if crossIdx >= 0 {
		agedCut = in.AsOf.AddDays(-active[crossIdx].Days.Value)
	}
	stride := 3
	if builtin {
		stride += 2 * nb
	}
	acc := make([]int64, nd*stride)
	var absHi, absLo uint64
	rows := rv.Rows
	for i := range rows {
		r := &rows[i]
		d := r.Debtor
		if uint32(d) >= uint32(nd) {
			return nil, inputErr("%s line %d: debtor index %d; expected 0..%d (a debtor of %s)", s.File, r.Line, d, nd-1, rv.DebtorsFile)
		}
		a := int64(r.Amount)
		o := int(d) * stride
		acc[o] += a
		m := a
		if m < 0 {
			m = -m
		}
		var carry uint64
		absLo, carry = bits.Add64(absLo, uint64(m), 0)
		absHi += carry
		if crossIdx >= 0 && a > 0 {
			acc[o+1] += a
			if r.InvoiceDate < agedCut {
				acc[o+2] += a
			}
		}
		if builtin {
			b := na
			if r.Disputed {
				b = dispPos
			}
			for k := range pastDue {
				if c := &pastDue[k]; c.pos < b && r.InvoiceDate < c.cutoff {
					b = c.pos
					break
				}
			}
			bucket[i] = int8(b)
			acc[o+3+b] += a
			acc[o+3+nb+b]++
		}
	}
	gross := make([]int64, nd)
	var pos, aged []int64
	if crossIdx >= 0 {
		pos, aged = make([]int64, nd), make([]int64, nd)
	}
	for d := range nd {
		gross[d] = acc[d*stride]
		if crossIdx >= 0 {
			pos[d], aged[d] = acc[d*stride+1], acc[d*stride+2]
		}
	}
	if absHi != 0 || absLo > uint64(money.MaxAmount) {
		return nil, inputErr("%s: the sum of the amounts' magnitudes exceeds %s", s.File, money.MaxAmount)
	}

	// Casualty exclusions (Security Agreement ¶13(h)) by debtor and invoice.
	casKey := func(debtor, invoice string) string { return debtor + "\x00" + invoice }
	excl := map[string]int{}
	if len(casualty) > 0 {
		if !slices.ContainsFunc(crits, func(c agreement.Criterion) bool { return c.Kind == agreement.Casualty }) {
			return nil, inputErr("receivables casualty exclusions given but the receivables eligibility criteria have no casualty criterion")
		}
		for k, e := range casualty {
			if e.Debtor == "" || e.Invoice == "" {
				return nil, inputErr("receivables casualty exclusion %d: debtor %q invoice %q; expected both", k+1, e.Debtor, e.Invoice)
			}
			if e.Amount != nil {
				return nil, inputErr("receivables casualty exclusion %d (debtor %q invoice %q): an amount; expected none (a receivable is excluded whole)", k+1, e.Debtor, e.Invoice)
			}
			if _, dup := excl[casKey(e.Debtor, e.Invoice)]; dup {
				return nil, inputErr("receivables casualty exclusion %d: debtor %q invoice %q is excluded twice", k+1, e.Debtor, e.Invoice)
			}
			excl[casKey(e.Debtor, e.Invoice)] = k
		}
		matched := make([]bool, len(casualty))
		for i := range rows {
			if k, ok := excl[casKey(rv.Debtors[rows[i].Debtor].ID, rv.InvoiceNo(i))]; ok {
				matched[k] = true
			}
		}
		for k, e := range casualty {
			if !matched[k] {
				return nil, inputErr("receivables casualty exclusion %d: no row of %s has debtor %q invoice %q", k+1, s.File, e.Debtor, e.Invoice)
			}
		}
	}

	// Debtor-level criteria: the first one that applies to each debtor.
	debtorFirst := make([]int8, nd)
	for d := range debtorFirst {
		debtorFirst[d] = int8(na)
	}
	var tainted []bool
	if crossIdx >= 0 {
		tainted = make([]bool, nd)
		f := toFraction(active[crossIdx].Share.Value)
		for d := 0; d < nd; d++ {
			if pos[d] > 0 && f.atLeast(aged[d], pos[d]) {
				tainted[d] = true
			}
		}
	}
	for i := na - 1; i >= 0; i-- {
		cr := &active[i]
		var applies func(d int) bool
		switch cr.Kind {
		case agreement.CrossAged:
			if i != crossIdx {
				// A second cross_aged criterion with its own parameters.
				tt, err := crossAgedFlags(rows, nd, in.AsOf, cr)
				if err != nil {
					return nil, err
				}
				applies = func(d int) bool { return tt[d] }
			} else {
				applies = func(d int) bool { return tainted[d] }
			}
		case agreement.Affiliate:
			applies = func(d int) bool { return rv.Debtors[d].Affiliate }
		case agreement.Government:
			applies = func(d int) bool { return rv.Debtors[d].Government && !rv.Debtors[d].AssignmentOfClaims }
		case agreement.Foreign:
			home := []string{"US"}
			if cr.Values != nil {
				home = cr.Values.Value
			}
			applies = func(d int) bool {
				return !slices.Contains(home, rv.Debtors[d].Country) && !rv.Debtors[d].CreditInsured
			}
		}
		if applies != nil {
			for d := 0; d < nd; d++ {
				if applies(d) {
					debtorFirst[d] = int8(i)
				}
			}
		}
	}
	// Main pass: one bucket per row, sums per (bucket, debtor); with the
	// built-in criteria only, the sums by row bucket folded per debtor.
	sums := make([]int64, nb*nd)
	counts := make([]int, nb)
	if builtin {
		for d := 0; d < nd; d++ {
			first := int(debtorFirst[d])
			o := d*stride + 3
			for rb := 0; rb < nb; rb++ {
				b := min(rb, first)
				sums[b*nd+d] += acc[o+rb]
				counts[b] += int(acc[o+nb+rb])
			}
		}
		s.debtorFirst = debtorFirst
	} else {
		bucket = make([]int8, n)
		act := &recvActivation{rv: rv, asOf: in.AsOf, currency: currency}
		for i := range rows {
			r := &rows[i]
			d := int(r.Debtor)
			b := int(debtorFirst[d])
			for k := range rcs {
				c := &rcs[k]
				if c.pos >= b {
					break
				}
				hit := false
				switch c.kind {
				case agreement.PastDue:
					hit = r.InvoiceDate < c.cutoff
				case agreement.Disputed:
					hit = r.Disputed
				case agreement.Casualty:
					_, hit = excl[casKey(rv.Debtors[d].ID, rv.InvoiceNo(i))]
				default:
					act.i = i
					h, err := evalBool(c.prg, act)
					if err != nil {
						return nil, inputErr("%s line %d: receivables_eligibility.%s: %v", s.File, r.Line, c.id, err)
					}
					hit = h
				}
				if hit {
					b = c.pos
					break
				}
			}
			bucket[i] = int8(b)
			counts[b]++
			sums[b*nd+d] += int64(r.Amount)
		}
	}
	s.bucket = bucket
	s.counts = counts

	// Debtor pass: criteria in order, debtors inside.
	pool := gross // pool[d]: debtor d's remaining eligible balance
	taken := make([]int64, nd)
	var anyTaken bool
	totals := make([]int64, na)
	s.perDebt = make([][]int64, na)
	for i := range active {
		cr := &active[i]
		switch cr.Kind {
		case agreement.Contra:
			amt := make([]int64, nd)
			for d := 0; d < nd; d++ {
				cp := int64(rv.Debtors[d].ContraPayable)
				if cp <= 0 || pool[d] <= 0 {
					continue
				}
				x := min(pool[d], cp)
				amt[d] = x
				totals[i] += x
				pool[d] -= x
				taken[d] += x
				anyTaken = true
			}
			s.perDebt[i] = amt
		case agreement.Concentration:
			var e int64
			for d := 0; d < nd; d++ {
				e += pool[d]
			}
			limit, err := money.Amount(e).Mul(cr.Share.Value)
			if err != nil {
				return nil, inputErr("receivables_eligibility.%s: %v", cr.ID, err)
			}
			lim := max(int64(limit), 0)
			s.Ineligible[i].base, s.Ineligible[i].limit = money.Amount(e), limit
			amt := make([]int64, nd)
			for d := 0; d < nd; d++ {
				if x := pool[d] - lim; x > 0 {
					amt[d] = x
					totals[i] += x
					pool[d] -= x
					taken[d] += x
					anyTaken = true
				}
			}
			s.perDebt[i] = amt
		default:
			row := sums[i*nd : (i+1)*nd]
			for d := 0; d < nd; d++ {
				tk := row[d]
				if tk == 0 {
					continue
				}
				if anyTaken && taken[d] > 0 && tk > 0 {
					// Dollars the amount criteria above already took are
					// not counted again.
					if short := tk - max(pool[d], 0); short > 0 {
						ov := min(short, taken[d])
						tk -= ov
						taken[d] -= ov
					}
				}
				totals[i] += tk
				pool[d] -= tk
			}
		}
	}
	var elig int64
	for d := 0; d < nd; d++ {
		elig += pool[d]
	}
	for _, g := range sumsTotal(sums, nb, nd) {
		s.Gross += money.Amount(g)
	}
	sum := elig
	for i := range active {
		s.Ineligible[i].Figure = known(money.Amount(totals[i]))
		sum += totals[i]
	}
	if sum != int64(s.Gross) {
		return nil, fmt.Errorf("borrowingbase: internal error: receivables gross %d ≠ eligible + ineligibles %d", s.Gross, sum)
	}
	if cut == len(crits) {
		s.Eligible = known(money.Amount(elig))
	}
	if len(in.Terms.BorrowingBase.ComponentsOf(agreement.Receivables)) > 1 || s.filtered(in.Terms) {
		// Kept for the components' share of the eligible rows only.
		s.pool, s.eligRows = pool, slices.Clone(sums[na*nd:(na+1)*nd])
	}
	return s, nil
}

func sumsTotal(sums []int64, nb, nd int) []int64 {
	out := make([]int64, nb)
	for b := 0; b < nb; b++ {
		for _, v := range sums[b*nd : (b+1)*nd] {
			out[b] += v
		}
	}
	return out
}

// crossAgedFlags computes the tainted debtors of a cross_aged criterion.
func crossAgedFlags(rows []collateral.Receivable, nd int, asOf date.Date, cr *agreement.Criterion) ([]bool, error) {
	pos := make([]int64, nd)
	aged := make([]int64, nd)
	cutoff := asOf.AddDays(-cr.Days.Value)
	for i := range rows {
		r := &rows[i]
		if a := int64(r.Amount); a > 0 {
			pos[r.Debtor] += a
			if r.InvoiceDate < cutoff {
				aged[r.Debtor] += a
			}
		}
	}
	f := toFraction(cr.Share.Value)
	out := make([]bool, nd)
	for d := range out {
		out[d] = pos[d] > 0 && f.atLeast(aged[d], pos[d])
	}
	return out, nil
}
