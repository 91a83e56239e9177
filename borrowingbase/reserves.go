package borrowingbase

import (
	"revolver/agreement"
	"revolver/money"
)

// reserve computes one reserve of component k at its placement (place):
// eligible is the component's eligible (for a reserve placed at the
// component: its eligible less the reserves placed at eligible), avail its
// availability before reserves (the capped advance; unknown for a reserve
// placed at eligible). Kinds (docs/reserves.md):
//
//   - fixed: the amount;
//   - share: rate × max(eligible, 0) or rate × avail, rounded half away
//     from zero to the cent;
//   - dilution: (dilution − threshold) × max(eligible, 0), rounded, when the
//     dilution is above the threshold (the terms' dilution, or the one
//     measured from the journals when the terms give none);
//   - rent: Σ over the third-party locations holding eligible inventory of
//     the component without a waiver of months × monthly rent, each rounded.
func (u *undet) reserve(r agreement.Reserve, place string, k *agreement.Component, key string, eligible, avail Figure, hasInput bool, sec *Section, part int) (ReserveLine, error) {
	rl := ReserveLine{ID: r.ID, Label: r.Label, Kind: r.Kind, Placement: place, res: r}
	if rl.Label == "" {
		rl.Label = r.ID
	}
	rkey := key + ".reserves." + r.ID
	termBase := "borrowing_base.components." + k.ID + ".reserves." + r.ID
	affects := []string{rkey, key + ".availability", "borrowing_base"}
	switch r.Kind {
	case agreement.FixedReserve, agreement.AvailabilityBlock:
		if r.Amount.Known() {
			rl.Figure = known(r.Amount.Value)
		} else {
			u.add(pathOr(r.Amount.Path, termBase+".amount"), r.Amount.Unknown, affects...)
		}
	case agreement.ShareReserve:
		rl.Base = avail
		if r.Of == agreement.PlaceEligible {
			rl.Base = eligible
		}
		if !hasInput && r.Of == agreement.PlaceEligible {
			u.add(termBase+".of", "the component's eligible amount is not reported", affects...)
		}
		return u.share(rl, r, rkey, termBase, affects)
	case agreement.DilutionReserve:
		if r.Threshold == nil {
			return rl, inputErr("%s: a dilution reserve needs a threshold", termBase)
		}
		dil := r.Dilution
		if dil == nil {
			if u.dilution == nil {
				u.add(termBase+".dilution", "the terms give no dilution and none is measured from the journals", affects...)
				return rl, nil
			}
			m := *u.dilution
			rl.Measured = &m
			dil = &agreement.Term[money.Rate]{Value: m.Ratio}
		}
		known2 := true
		for _, t := range []*agreement.Term[money.Rate]{dil, r.Threshold} {
			if !t.Known() {
				u.add(t.Path, t.Unknown, affects...)
				known2 = false
			}
		}
		rl.Base = eligible
		if !known2 || !eligible.Known {
			return rl, nil
		}
		excess := dil.Value.Sub(r.Threshold.Value)
		if excess.Sign() <= 0 {
			rl.Figure = known(0)
			return rl, nil
		}
		rl.Rate = excess
		a, err := max(eligible.Amount, 0).Mul(excess)
		if err != nil {
			return rl, inputErr("%s: %s × %s: %v", rkey, eligible.Amount, excess, err)
		}
		rl.Figure = known(a)
	case agreement.RentReserve:
		return u.rent(rl, r, rkey, affects, sec, part)
	default:
		return rl, inputErr("%s: kind %q; expected a fixed amount, share, rent, dilution or availability_block", termBase, r.Kind)
	}
	return rl, nil
}

// share is rl.Base × the reserve's rate, rounded half away from zero.
func (u *undet) share(rl ReserveLine, r agreement.Reserve, rkey, termBase string, affects []string) (ReserveLine, error) {
	if r.Rate == nil {
		return rl, inputErr("%s: a share reserve needs a rate", termBase)
	}
	if !r.Rate.Known() {
		u.add(pathOr(r.Rate.Path, termBase+".rate"), r.Rate.Unknown, affects...)
		return rl, nil
	}
	rl.Rate = r.Rate.Value
	if !rl.Base.Known {
		return rl, nil
	}
	a, err := max(rl.Base.Amount, 0).Mul(r.Rate.Value)
	if err != nil {
		return rl, inputErr("%s: %s × %s: %v", rkey, rl.Base.Amount, r.Rate.Value, err)
	}
	rl.Figure = known(a)
	return rl, nil
}

// rent is the rent reserve over the eligible inventory of sec (its part
// part; -1: the whole section; nil: no inventory): for every location of
// the terms' register on a third party's premises that holds eligible
// inventory, months × its monthly rent, rounded half away from zero to the
// cent, unless a landlord's or bailee's waiver dated on or before the as-of
// date is held.
func (u *undet) rent(rl ReserveLine, r agreement.Reserve, rkey string, affects []string, sec *Section, part int) (ReserveLine, error) {
	if r.Months == nil {
		return rl, inputErr("%s: a rent reserve needs months", rkey)
	}
	ok := true
	if !r.Months.Known() {
		u.add(r.Months.Path, r.Months.Unknown, affects...)
		ok = false
	}
	by, known2 := sec.eligibleByLocation(part)
	if !known2 {
		return rl, nil
	}
	total := money.Amount(0)
	for i := range u.terms.Locations {
		l := &u.terms.Locations[i]
		e, held := by[l.Code]
		if !held || e <= 0 || !agreement.RentLocation(l.Kind) {
			continue
		}
		line := RentLine{Location: l.Code, Name: l.Name, Eligible: e, Waiver: l.Waiver, WaiverDate: l.WaiverDate}
		if line.Waiver == "" {
			line.Waiver = agreement.WaiverNone
		}
		if l.Waived(u.asOf) {
			line.Amount = known(0)
			rl.Rent = append(rl.Rent, line)
			continue
		}
		if line.Waiver != agreement.WaiverNone {
			line.Waiver = agreement.WaiverNone + " (" + l.Waiver + " waiver dated " + l.WaiverDate.String() + ", after the as-of date)"
		}
		path := "locations." + l.Code + ".monthly_rent"
		switch {
		case l.MonthlyRent == nil:
			u.add(path, "no monthly rent is recorded for a third-party location holding eligible inventory without a waiver", affects...)
			ok = false
		case !l.MonthlyRent.Known():
			u.add(pathOr(l.MonthlyRent.Path, path), l.MonthlyRent.Unknown, affects...)
			ok = false
		default:
			line.MonthlyRent = known(l.MonthlyRent.Value)
			if r.Months.Known() {
				a, err := l.MonthlyRent.Value.Mul(r.Months.Value)
				if err != nil {
					return rl, inputErr("%s: %s × %s: %v", rkey, l.MonthlyRent.Value, r.Months.Value, err)
				}
				line.Amount = known(a)
				total += a
			}
		}
		rl.Rent = append(rl.Rent, line)
	}
	if ok {
		rl.Figure = known(total)
	}
	return rl, nil
}

// eligibleByLocation sums the eligible inventory of the section (its part
// part; -1: every eligible row) by location; false when the section has no
// inventory rows or its eligible amount is undetermined.
func (s *Section) eligibleByLocation(part int) (map[string]money.Amount, bool) {
	if s == nil || s.inv == nil || !s.Eligible.Known {
		return nil, false
	}
	out := map[string]money.Amount{}
	e := int8(s.eligPos)
	p := 0
	for i := range s.inv.Rows {
		if part >= 0 && (s.part == nil || int(s.part[i]) != part) {
			continue
		}
		a := s.inv.Rows[i].ExtendedCost
		if s.bucketOf(i) != e {
			for p < len(s.partial) && s.partial[p] < i {
				p++
			}
			if p >= len(s.partial) || s.partial[p] != i {
				continue
			}
			a = money.Amount(s.partialAmt[p])
		}
		out[s.inv.Rows[i].Location] += a
	}
	return out, true
}

// componentFigs are a component's eligible and availability before its
// reserves (the capped advance), found by id.
func (c *Certificate) componentFigs(id string) (eligible, avail Figure, sec *Section, part int, ok bool) {
	for _, s := range c.Sections {
		if s.Component != nil && s.Component.ID == id {
			return s.Eligible, s.Capped, s, -1, true
		}
		for j, p := range s.Parts {
			if p.Component.ID == id {
				return p.Eligible, p.Capped, s, j, true
			}
		}
	}
	return Figure{}, Figure{}, nil, -1, false
}

// bbReserve computes one of the borrowing base's reserves (placed at the
// borrowing base or at the line).
func (c *Certificate) bbReserve(r agreement.Reserve, u *undet) (ReserveLine, error) {
	place := r.Where(false)
	key := "reserves." + r.ID
	if place == agreement.PlaceLine {
		key = "line_reserves." + r.ID
	}
	termBase := "borrowing_base.reserves." + r.ID
	rl := ReserveLine{ID: r.ID, Label: r.Label, Kind: r.Kind, Placement: place, res: r}
	if rl.Label == "" {
		rl.Label = r.ID
	}
	affects := []string{key, "borrowing_base"}
	switch r.Kind {
	case agreement.FixedReserve, agreement.AvailabilityBlock:
		if r.Amount.Known() {
			rl.Figure = known(r.Amount.Value)
		} else {
			u.add(pathOr(r.Amount.Path, termBase+".amount"), r.Amount.Unknown, affects...)
		}
		return rl, nil
	case agreement.ShareReserve:
		elig, avail, _, _, ok := c.componentFigs(r.Component)
		if !ok {
			return rl, inputErr("%s: component %q is not a component of the borrowing base", termBase, r.Component)
		}
		rl.Base = avail
		if r.Of == agreement.PlaceEligible {
			rl.Base = elig
		}
		return u.share(rl, r, key, termBase, affects)
	case agreement.RentReserve:
		return u.rent(rl, r, key, affects, c.Section(agreement.Inventory), -1)
	}
	return rl, inputErr("%s: kind %q on the borrowing base; expected a fixed amount, share, rent or availability_block", termBase, r.Kind)
}

// eligibleReserves reports whether any of the component's reserves is
// placed at eligible.
func (f advanceFigs) eligibleReserves() bool {
	for _, r := range f.Reserves {
		if r.Placement == agreement.PlaceEligible {
			return true
		}
	}
	return false
}

// LineTotal is Σ the certificate's reserves placed at the line
// (undetermined when one is).
func (c *Certificate) LineTotal() Figure {
	t := known(0)
	for _, r := range c.LineReserves {
		t = subFig(t, r.Figure)
	}
	if t.Known {
		t.Amount = -t.Amount
	}
	return t
}
