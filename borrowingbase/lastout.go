package borrowingbase

import (
	"strings"

	"revolver/agreement"
	"revolver/explain"
	"revolver/jsonw"
	"revolver/money"
)

// LastOutFigs are a component's figures at its first-out advance rate plus
// its last-out increment (agreement.LastOut): the advance, capped, less the
// component's reserves, and Tranche, what that adds to the component's
// first-out availability (the component's share of the last-out borrowing
// base; never negative: a higher rate never lowers the advance).
type LastOutFigs struct {
	Increment    agreement.Term[money.Rate]
	Rate         money.Rate // first-out + increment (when both are known)
	Advance      Figure     // Rate × max(eligible, 0), rounded half away from zero to the cent (with a NOLV: the lesser of it and NOLVAdvance)
	AtCost       Figure     // with a NOLV: Rate × max(eligible at cost, 0), rounded to the cent
	NOLVAdvance  Figure     // with a NOLV: (the NOLV advance rate + the increment) × the NOLV, rounded to the cent
	Capped       Figure     // lesser of Advance and the component's cap
	Availability Figure     // Capped − the component's reserves
	Tranche      Figure     // Availability − the first-out availability
}

// LastOutBase is the last-out (FILO) borrowing base: Σ of the components'
// tranches, at most the tranche's cap. The first-out borrowing base is the
// certificate's BorrowingBase, as without a last-out tranche; Total is the
// two together.
type LastOutBase struct {
	Terms *agreement.LastOut
	// Lines are the components with an increment, in the terms' order.
	Lines []LastOutLine
	Sum   Figure
	Cap   *Figure // nil: no cap
	Base  Figure  // min(Sum, Cap)
	Total Figure  // first-out borrowing base + Base
}

// LastOutLine is one component's share of the last-out borrowing base.
type LastOutLine struct {
	Key       string // explanation key of the component ("receivables", "receivables.components.insured")
	Component *agreement.Component
	*LastOutFigs
}

// lastOut computes the figures of k at its first-out rate plus inc, given
// its first-out figures f.
func lastOut(k *agreement.Component, key string, inc *agreement.Term[money.Rate], hasInput bool, eligible Figure, f advanceFigs, u *undet) (*LastOutFigs, error) {
	lo := &LastOutFigs{Increment: *inc}
	affects := []string{key + ".last_out", "last_out"}
	switch {
	case !inc.Known():
		u.add(pathOr(inc.Path, "borrowing_base.last_out.advance_rates."+k.ID), inc.Unknown, affects...)
		return lo, nil
	case !k.AdvanceRate.Known() || !hasInput || !eligible.Known:
		// The first-out figures say why (undetermined already).
		return lo, nil
	}
	lo.Rate = k.AdvanceRate.Value.Add(inc.Value)
	adv, err := max(eligible.Amount, 0).Mul(lo.Rate)
	if err != nil {
		return lo, inputErr("%s last-out: %s × %s: %v", key, eligible.Amount, lo.Rate, err)
	}
	lo.Advance = known(adv)
	if k.NOLV != nil {
		// Against the net orderly liquidation value too: the lesser of
		// the combined rate at cost and the NOLV advance rate + the
		// increment × the NOLV.
		if f.NOLV == nil || !f.NOLV.Value.Known || !k.NOLV.AdvanceRate.Known() {
			lo.Advance = Figure{}
			return lo, nil
		}
		a, err := f.NOLV.Value.Amount.Mul(k.NOLV.AdvanceRate.Value.Add(inc.Value))
		if err != nil {
			return lo, inputErr("%s last-out: %s × %s: %v", key, f.NOLV.Value.Amount, k.NOLV.AdvanceRate.Value.Add(inc.Value), err)
		}
		lo.AtCost, lo.NOLVAdvance = known(adv), known(a)
		lo.Advance = known(money.Min(adv, a))
	}
	lo.Capped = lo.Advance
	if f.Cap != nil {
		if f.Cap.Known {
			lo.Capped = known(money.Min(lo.Advance.Amount, f.Cap.Amount))
		} else {
			lo.Capped = Figure{}
		}
	}
	lo.Availability = lo.Capped
	for _, r := range f.Reserves {
		if r.Placement == agreement.PlaceComponent {
			lo.Availability = subFig(lo.Availability, r.Figure)
		}
	}
	lo.Tranche = subFig(lo.Availability, f.Availability)
	return lo, nil
}

// computeLastOut sums the components' tranches into the last-out
// borrowing base, capped.
func (c *Certificate) computeLastOut(lo *agreement.LastOut, u *undet) {
	b := &LastOutBase{Terms: lo, Sum: known(0)}
	add := func(key string, k *agreement.Component, f *LastOutFigs) {
		if f == nil {
			return
		}
		b.Lines = append(b.Lines, LastOutLine{Key: key, Component: k, LastOutFigs: f})
		b.Sum = addFig(b.Sum, f.Tranche)
	}
	for _, s := range c.Sections {
		if s.Component != nil {
			add(s.Collateral, s.Component, s.LastOut)
		}
		for _, p := range s.Parts {
			add(p.key(s.Collateral), p.Component, p.LastOut)
		}
	}
	b.Base = b.Sum
	if lo.Cap != nil {
		b.Cap = &Figure{}
		if lo.Cap.Known() {
			*b.Cap = known(lo.Cap.Value)
			if b.Sum.Known {
				b.Base = known(money.Min(b.Sum.Amount, lo.Cap.Value))
			}
		} else {
			u.add(pathOr(lo.Cap.Path, "borrowing_base.last_out.cap"), lo.Cap.Unknown, "last_out")
			b.Base = Figure{}
		}
	}
	b.Total = addFig(c.BorrowingBase, b.Base)
	c.LastOut = b
}

func (b *LastOutBase) label() string {
	if b.Terms.Label != "" {
		return b.Terms.Label
	}
	return "Last-out tranche"
}

// lastOutNode explains one component's last-out figures.
func lastOutNode(key string, k *agreement.Component, f advanceFigs, eligible Figure) *explain.Node {
	lo := f.LastOut
	rate, inc, all := "unknown rate", "unknown increment", "unknown"
	if k.AdvanceRate.Known() {
		rate = k.AdvanceRate.Value.Percent()
	}
	if lo.Increment.Known() {
		inc = lo.Increment.Value.Percent()
	}
	if k.AdvanceRate.Known() && lo.Increment.Known() {
		all = lo.Rate.Percent()
	}
	formula := "(" + all + " × max(eligible " + eligible.text() + ", 0) = " + lo.Advance.text()
	if k.NOLV != nil {
		na := "unknown"
		if k.NOLV.AdvanceRate.Known() && lo.Increment.Known() {
			na = k.NOLV.AdvanceRate.Value.Add(lo.Increment.Value).Percent()
		}
		nv := "undetermined"
		if f.NOLV != nil {
			nv = f.NOLV.Value.text()
		}
		formula = "(the lesser of " + all + " × max(eligible at cost " + eligible.text() + ", 0) = " + lo.AtCost.text() +
			" and " + na + " × NOLV " + nv + " = " + lo.NOLVAdvance.text() + ": " + lo.Advance.text()
	}
	if f.Cap != nil {
		formula += ", the lesser of it and cap " + f.Cap.text() + " = " + lo.Capped.text()
	}
	formula += ")"
	if len(f.Reserves) > 0 {
		formula += " − reserves"
	}
	formula += " = " + lo.Availability.text() + ", less the first-out availability " + f.Availability.text() + "; rounded half away from zero to the cent"
	if lo.Increment.Unknown != "" {
		formula += " (last-out increment unknown: " + lo.Increment.Unknown + ")"
	}
	return &explain.Node{
		Key:        key + ".last_out",
		Label:      "Last-out: advance rate " + rate + " + " + inc + " = " + all + " × eligible, less the first-out availability",
		Value:      lo.Tranche.text(),
		Formula:    formula,
		Cites:      addCite(nil, lo.Increment.Cite),
		Assumption: lo.Increment.Assumption,
	}
}

// explainLastOut explains the last-out borrowing base and the total.
func (c *Certificate) explainLastOut() []*explain.Node {
	b := c.LastOut
	var keys []string
	for _, l := range b.Lines {
		keys = append(keys, l.Key+".last_out "+l.Tranche.text())
	}
	f := "Σ of the components' last-out figures (" + strings.Join(keys, " + ") + ") = " + b.Sum.text()
	if b.Cap != nil {
		f = "lesser of " + f + " and the tranche's cap " + b.Cap.text()
	}
	n := &explain.Node{
		Key:        "last_out",
		Label:      b.label() + ": last-out borrowing base",
		Value:      b.Base.text(),
		Formula:    f + "; the last-out loans are advanced against it and repaid after the first-out loans",
		Cites:      addCite(nil, b.Terms.Cite),
		Assumption: "",
	}
	if b.Cap != nil {
		n.Add(&explain.Node{Key: "last_out.cap", Label: "Last-out cap", Value: b.Cap.text(), Formula: "the most the last-out tranche lends",
			Cites: addCite(nil, b.Terms.Cap.Cite), Assumption: b.Terms.Cap.Assumption})
	}
	m := b.Terms.Margin
	margin := "unknown"
	if m.Known() {
		margin = m.Value.Percent()
	}
	n.Add(&explain.Node{Key: "last_out.margin", Label: "Last-out margin", Value: margin,
		Formula: "added to the first-out loans' rate for the last-out loans", Cites: addCite(nil, m.Cite), Assumption: m.Assumption})
	total := &explain.Node{
		Key:     "total_borrowing_base",
		Label:   "Memo: total borrowing base (first-out + last-out)",
		Value:   b.Total.text(),
		Formula: "first-out borrowing base " + c.BorrowingBase.text() + " + last-out borrowing base " + b.Base.text(),
		Cites:   addCite(nil, b.Terms.Cite),
	}
	return []*explain.Node{n, total}
}

// writeLastOut writes the certificate's last-out figures (MarshalJSON).
func (w *ojson) lastOutBase(b *LastOutBase) {
	w.Key("last_out")
	w.Open()
	w.Key("components")
	w.Open()
	for _, l := range b.Lines {
		w.figure(l.Key, l.Tranche)
	}
	w.Close()
	w.figure("sum", b.Sum)
	if b.Cap != nil {
		w.figure("cap", *b.Cap)
	}
	w.figure("borrowing_base", b.Base)
	w.Key("margin")
	if b.Terms.Margin.Known() {
		w.B = jsonw.AppendString(w.B, b.Terms.Margin.Value.String())
	} else {
		w.B = append(w.B, "null"...)
	}
	w.Close()
	w.figure("total_borrowing_base", b.Total)
}

// lastOutFigs writes a component's last-out figures.
func (w *ojson) lastOutFigs(lo *LastOutFigs, hasInput bool) {
	w.Key("last_out")
	w.Open()
	w.Key("increment")
	if lo.Increment.Known() {
		w.B = jsonw.AppendString(w.B, lo.Increment.Value.String())
	} else {
		w.B = append(w.B, "null"...)
	}
	if hasInput {
		w.figure("advance", lo.Advance)
	}
	w.figure("availability", lo.Availability)
	w.figure("tranche", lo.Tranche)
	w.Close()
}
