package app

import (
	"context"
	"fmt"

	"revolver/agreement"
	"revolver/date"
	"revolver/defaults"
	"revolver/ledger"
	"revolver/store"
)

// FromAgreement takes the terms the ledger use cases need from the
// agreement's terms as of a date. option names the pricing option the
// loans bear ("" = the first). DefaultContinuing is left false: whether an
// event of default continues is the defaults engine's finding, which the
// caller sets.
func FromAgreement(t *agreement.Terms, option string) (FacilityTerms, error) {
	ft := FacilityTerms{Cites: map[string]agreement.Cite{}, Since: t.Since}
	// A term that is not known blocks exactly what needs it: availability
	// (ft.Unknown, ledger.Limits.Unknown), interest (ft.InterestUnknown),
	// the capitalisation of interest (ft.BillingUnknown), collections
	// (ft.ClearanceUnknown), a fee (FeeTerm.Unknown). None of them is an
	// error of the terms.
	ft.Cites["commitment"] = t.Commitment.Cite
	if t.Commitment.Known() {
		ft.Commitment = t.Commitment.Value
	} else {
		ft.Unknown = append(ft.Unknown, unknownOf("commitment", t.Commitment))
	}
	if t.AdvanceCap != nil {
		ft.Cites["advance_cap"] = t.AdvanceCap.Cite
		if t.AdvanceCap.Known() {
			v := t.AdvanceCap.Value
			ft.AdvanceCap = &v
		} else {
			ft.Unknown = append(ft.Unknown, unknownOf("advance_cap", *t.AdvanceCap))
		}
	}
	ft.Cites["termination_date"] = t.TerminationDate.Cite
	if t.TerminationDate.Known() {
		ft.TerminationDate = t.TerminationDate.Value
	} else {
		ft.Unknown = append(ft.Unknown, unknownOf("termination_date", t.TerminationDate))
	}
	ft.Cites["letters_of_credit"] = t.BorrowingBase.LettersOfCredit.Cite
	if lc := t.BorrowingBase.LettersOfCredit; lc.Known() {
		ft.LCTreatment = lc.Value
	} else {
		u := unknownOf("letters_of_credit_treatment", lc)
		ft.LCTreatmentUnknown = &u
	}
	if t.LCSublimit != nil {
		ft.LCSublimitCite = t.LCSublimit.Cite
		if t.LCSublimit.Known() {
			v := t.LCSublimit.Value
			ft.LCSublimit = &v
		} else {
			ft.LCSublimitUnknown = t.LCSublimit.Unknown
		}
	}
	if lo := t.BorrowingBase.LastOut; lo != nil {
		ft.Cites["last_out"] = lo.Cite
		ft.LastOut = &LastOutTerms{Cite: lo.Cite}
		if lo.Margin.Known() {
			ft.LastOut.Margin = lo.Margin.Value
		} else {
			u := unknownOf("last_out_margin", lo.Margin)
			ft.LastOut.MarginUnknown = &u
		}
	}
	ft.Cites["blocks_advances_on_default"] = t.Overadvance.BlocksAdvancesOnDefault.Cite
	ft.Cure = ledger.Cure{Known: t.Overadvance.CureDays.Known(), Unknown: t.Overadvance.CureDays.Unknown, Cite: t.Overadvance.CureDays.Cite}
	if ft.Cure.Known {
		ft.Cure.Days = t.Overadvance.CureDays.Value
	}
	for _, e := range t.EventsOfDefault {
		if e.Detection == "rule" && e.Rule == "overadvance_uncured" {
			ft.Cure.EventOfDefault, ft.Cure.EventOfDefaultCite = e.ID, e.Cite
			ft.Cure.Condition = "when loans above the Borrowing Base after a casualty exclusion are not paid down or re-collateralised within the cure period after the bank's notice of the casualty overadvance"
			break
		}
	}
	if c := t.Advances.Cutoff; c == nil {
		ft.CutoffUnknown = "the terms state no cut-off time for requests for advances"
	} else if c.Known() {
		ft.Cutoff, ft.CutoffCite = c.Value, c.Cite
	} else {
		ft.CutoffUnknown, ft.CutoffCite = c.Unknown, c.Cite
	}
	ft.BlocksOnDefault = t.Overadvance.BlocksAdvancesOnDefault.Known() && t.Overadvance.BlocksAdvancesOnDefault.Value
	if t.Overadvance.CureDays.Known() {
		ft.CureDays = t.Overadvance.CureDays.Value
	}
	if t.Collections.ClearanceDays.Known() {
		ft.ClearanceDays = t.Collections.ClearanceDays.Value
	} else {
		u := unknownOf("clearance_days", t.Collections.ClearanceDays)
		ft.ClearanceUnknown = &u
	}
	ft.Cash = CashTerms{Accounts: t.Collections.Accounts, TypeCodes: t.Collections.CashTypeCodes(), Dominion: t.CashDominion,
		ClearanceCite: t.Collections.ClearanceDays.Cite, AppliedUnder: t.Collections.AppliedUnder}
	cal, err := defaults.SetupOf(t)
	if err != nil {
		return ft, store.Errorf(store.CodeInvalid, "facility %q as of %s: %v", t.Facility, t.AsOf, err)
	}
	ft.Calendar, ft.Zone = cal.Calendar, cal.Info.Zone
	for _, f := range t.Fees {
		fee, err := feeTerm(f)
		if err != nil {
			return ft, fmt.Errorf("facility %q as of %s: %w", t.Facility, t.AsOf, err)
		}
		if ft.Fees == nil {
			ft.Fees = map[string]FeeTerm{}
		}
		ft.Fees[f.ID] = fee
	}
	for _, c := range t.Costs {
		if ft.Costs == nil {
			ft.Costs = map[string]CostTerm{}
		}
		ft.Costs[c.ID] = CostTerm{Label: c.Label, Cite: c.Cite}
	}
	for _, o := range t.Pricing.Options {
		grid, gridUnknown, err := marginGrid(o)
		if err != nil {
			return ft, fmt.Errorf("facility %q as of %s: %w", t.Facility, t.AsOf, err)
		}
		if !o.Margin.Known() || len(gridUnknown) > 0 {
			continue
		}
		lo := ledger.Option{ID: o.ID, Base: o.Base, Margin: o.Margin.Value, Grid: grid, Cite: o.Cite}
		if o.InterestPeriods != nil && o.InterestPeriods.Known() {
			lo.Periods = o.InterestPeriods.Value
		}
		if o.RateFixingDays != nil && o.RateFixingDays.Known() {
			lo.FixingDays = o.RateFixingDays.Value
		}
		if o.Minimum != nil && o.Minimum.Known() {
			lo.Minimum = o.Minimum.Value
		}
		if o.Multiple != nil && o.Multiple.Known() {
			lo.Multiple = o.Multiple.Value
		}
		if o.Floor != nil && o.Floor.Known() {
			v := o.Floor.Value
			lo.Floor = &v
		}
		if o.LookbackDays != nil && o.LookbackDays.Known() {
			lo.Lookback = o.LookbackDays.Value
		}
		ft.Options = append(ft.Options, lo)
	}
	var opt *agreement.RateOption
	for i := range t.Pricing.Options {
		if option == "" || t.Pricing.Options[i].ID == option {
			opt = &t.Pricing.Options[i]
			break
		}
	}
	if opt == nil {
		return ft, store.Errorf(store.CodeInvalid, "facility %q as of %s: no pricing option %q", t.Facility, t.AsOf, option)
	}
	ft.Pricing = ledger.Pricing{Series: opt.Base, Margin: opt.Margin.Value, Option: opt.ID, DayCountName: t.Pricing.DayCount.Value}
	if ft.Pricing.DayCountName == "" {
		ft.Pricing.DayCountName = "actual_360"
	}
	if !opt.Margin.Known() {
		ft.InterestUnknown = append(ft.InterestUnknown, unknownOf("margin of pricing option "+opt.ID, opt.Margin))
	}
	grid, gridUnknown, err := marginGrid(*opt)
	if err != nil {
		return ft, fmt.Errorf("facility %q as of %s: %w", t.Facility, t.AsOf, err)
	}
	ft.Pricing.Grid = grid
	ft.InterestUnknown = append(ft.InterestUnknown, gridUnknown...)
	applyDefaultInterest(&ft, t)
	if !t.Pricing.DayCount.Known() {
		ft.InterestUnknown = append(ft.InterestUnknown, unknownOf("interest day count", t.Pricing.DayCount))
	} else {
		dc, err := ledger.DayCountByName(t.Pricing.DayCount.Value)
		if err != nil {
			return ft, fmt.Errorf("facility %q as of %s: %w", t.Facility, t.AsOf, err)
		}
		ft.Pricing.DayCount = dc
	}
	if opt.Floor != nil {
		if !opt.Floor.Known() {
			ft.InterestUnknown = append(ft.InterestUnknown, unknownOf("floor of pricing option "+opt.ID, *opt.Floor))
		} else {
			v := opt.Floor.Value
			ft.Pricing.Floor = &v
		}
	}
	if opt.LookbackDays != nil {
		if !opt.LookbackDays.Known() {
			ft.InterestUnknown = append(ft.InterestUnknown, unknownOf("lookback of pricing option "+opt.ID, *opt.LookbackDays))
		} else {
			ft.Pricing.Lookback, ft.Pricing.LookbackCalendar = opt.LookbackDays.Value, ledger.FixingCalendar(opt.Base, ft.Calendar)
		}
	}
	if !t.Pricing.Billing.Known() {
		u := unknownOf("interest billing", t.Pricing.Billing)
		ft.BillingUnknown = &u
	} else {
		switch b := t.Pricing.Billing.Value; b {
		case "monthly_capitalised":
			ft.Capitalise = true
		case "", "monthly_billed":
		default:
			return ft, store.Errorf(store.CodeInvalid, "facility %q as of %s: billing %q, expected monthly_billed or monthly_capitalised", t.Facility, t.AsOf, b)
		}
	}
	termsLineReserves(t, &ft)
	ft.Springing = springingTerms(t)
	return ft, nil
}

// feeTerm is a fee of the terms as the fee engine takes it: every term of
// it that is not known is listed in Unknown (the fee is then
// undetermined, nothing else).
func feeTerm(f agreement.Fee) (FeeTerm, error) {
	fee := FeeTerm{ID: f.ID, Label: f.Label, Kind: f.Kind, Cite: f.Cite}
	name := func(term string) string { return term + " of fee " + f.ID }
	switch f.Kind {
	case agreement.FeeFixed, agreement.FeeMonitoring, agreement.FeeMinimumInterest, "":
		if f.Amount.Known() {
			fee.Amount = f.Amount.Value
		} else {
			fee.Unknown = append(fee.Unknown, unknownOf(name("amount"), f.Amount))
		}
	}
	if f.Due != nil {
		if f.Due.Known() {
			fee.Due = f.Due.Value
		} else {
			fee.Unknown = append(fee.Unknown, unknownOf(name("due date"), *f.Due))
		}
	}
	if f.Rate != nil {
		if f.Rate.Known() {
			fee.Rate = f.Rate.Value
		} else {
			fee.Unknown = append(fee.Unknown, unknownOf(name("rate"), *f.Rate))
		}
	}
	for _, st := range f.Steps {
		s := ledger.FeeStep{Rate: st.Rate.Value}
		if !st.Rate.Known() {
			fee.Unknown = append(fee.Unknown, unknownOf(name("rate of step "+st.ID), st.Rate))
		}
		if u := st.UsageBelow; u != nil {
			if u.Known() {
				v := u.Value
				s.UsageBelow = &v
			} else {
				fee.Unknown = append(fee.Unknown, unknownOf(name("usage_below of step "+st.ID), *u))
			}
		}
		fee.Steps = append(fee.Steps, s)
	}
	if f.Basis != nil {
		if f.Basis.Known() {
			dc, err := ledger.DayCountByName(f.Basis.Value)
			if err != nil {
				return fee, err
			}
			fee.Basis, fee.DayCount = f.Basis.Value, dc
		} else {
			fee.Unknown = append(fee.Unknown, unknownOf(name("basis"), *f.Basis))
		}
	}
	if f.Billing != nil {
		if f.Billing.Known() {
			fee.Billing = f.Billing.Value
		} else {
			fee.Unknown = append(fee.Unknown, unknownOf(name("billing"), *f.Billing))
		}
	}
	if f.Unused != nil {
		if f.Unused.Known() {
			fee.Unused = f.Unused.Value
		} else {
			fee.Unknown = append(fee.Unknown, unknownOf(name("unused amount"), *f.Unused))
		}
	}
	return fee, nil
}

// unknownOf is the unknown term named name.
func unknownOf[T any](name string, t agreement.Term[T]) ledger.Unknown {
	return ledger.Unknown{Term: name, Path: t.Path, Why: t.Unknown, Cite: t.Cite}
}

// AgreementTerms is a Terms source over loaded agreements: Load returns a
// facility's agreement (e.g. from its stored documents).
type AgreementTerms struct {
	Load   func(ctx context.Context, facility string) (*agreement.Facility, error)
	Option string // pricing option the loans bear ("" = the first)
}

// Terms implements Terms.
func (a AgreementTerms) Terms(ctx context.Context, facility string, asOf date.Date) (FacilityTerms, error) {
	f, err := a.Load(ctx, facility)
	if err != nil {
		return FacilityTerms{}, err
	}
	t, err := f.TermsAsOf(asOf)
	if err != nil {
		return FacilityTerms{}, err
	}
	return FromAgreement(t, a.Option)
}

// TermDates implements TermDates: the dates the loaded agreement's terms
// change.
func (a AgreementTerms) TermDates(ctx context.Context, facility string) ([]date.Date, error) {
	f, err := a.Load(ctx, facility)
	if err != nil {
		return nil, err
	}
	return f.Dates(), nil
}
