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
	var ft FacilityTerms
	unknown := func(what, why string) error {
		return store.Errorf(store.CodeInvalid, "facility %q as of %s: %s is not known: %s", t.Facility, t.AsOf, what, why)
	}
	if !t.Commitment.Known() {
		return ft, unknown("the commitment", t.Commitment.Unknown)
	}
	ft.Commitment = t.Commitment.Value
	if t.AdvanceCap != nil {
		if !t.AdvanceCap.Known() {
			return ft, unknown("the advance cap", t.AdvanceCap.Unknown)
		}
		v := t.AdvanceCap.Value
		ft.AdvanceCap = &v
	}
	if !t.TerminationDate.Known() {
		return ft, unknown("the termination date", t.TerminationDate.Unknown)
	}
	ft.TerminationDate = t.TerminationDate.Value
	if lc := t.BorrowingBase.LettersOfCredit; lc.Known() {
		ft.LCTreatment = lc.Value
	}
	ft.BlocksOnDefault = t.Overadvance.BlocksAdvancesOnDefault.Known() && t.Overadvance.BlocksAdvancesOnDefault.Value
	if t.Overadvance.CureDays.Known() {
		ft.CureDays = t.Overadvance.CureDays.Value
	}
	if t.Collections.ClearanceDays.Known() {
		ft.ClearanceDays = t.Collections.ClearanceDays.Value
	}
	cal, err := defaults.SetupOf(t)
	if err != nil {
		return ft, store.Errorf(store.CodeInvalid, "facility %q as of %s: %v", t.Facility, t.AsOf, err)
	}
	ft.Calendar = cal.Calendar
	for _, f := range t.Fees {
		if !f.Amount.Known() {
			continue
		}
		if ft.Fees == nil {
			ft.Fees = map[string]FeeTerm{}
		}
		fee := FeeTerm{Amount: f.Amount.Value}
		if f.Due != nil && f.Due.Known() {
			fee.Due = f.Due.Value
		}
		ft.Fees[f.ID] = fee
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
	if !opt.Margin.Known() {
		return ft, unknown("the margin of pricing option "+opt.ID, opt.Margin.Unknown)
	}
	dc, err := ledger.DayCountByName(t.Pricing.DayCount.Value)
	if err != nil {
		return ft, fmt.Errorf("facility %q as of %s: %w", t.Facility, t.AsOf, err)
	}
	ft.Pricing = ledger.Pricing{Series: opt.Base, Margin: opt.Margin.Value, DayCount: dc}
	switch b := t.Pricing.Billing.Value; b {
	case "monthly_capitalised":
		ft.Capitalise = true
	case "", "monthly_billed":
	default:
		return ft, store.Errorf(store.CodeInvalid, "facility %q as of %s: billing %q, expected monthly_billed or monthly_capitalised", t.Facility, t.AsOf, b)
	}
	return ft, nil
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
