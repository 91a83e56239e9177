package app

import (
	"context"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// AvailabilityFigures are the figures of a facility's availability on a
// date, as the API's GET …/availability and the pages show them.
type AvailabilityFigures struct {
	AsOf             date.Date     `json:"as_of"`
	Commitment       money.Amount  `json:"commitment"`
	AdvanceCap       *money.Amount `json:"advance_cap,omitempty"`
	BorrowingBase    money.Amount  `json:"borrowing_base"`
	LettersOfCredit  money.Amount  `json:"letters_of_credit"`
	LoansOutstanding money.Amount  `json:"loans_outstanding"`
	Availability     money.Amount  `json:"availability"`
	Certificate      int64         `json:"certificate,omitempty"`
}

// AvailabilityOn gives the facility's availability on asOf: the borrowing
// base of the certificate in force less exclusions and letters of credit
// (by the terms' treatment), under the commitment and any advance cap,
// less the loans outstanding on the date; 0 after the termination date or
// while an event of default that blocks advances continues.
func (s *Service) AvailabilityOn(ctx context.Context, facility string, asOf date.Date) (AvailabilityFigures, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return AvailabilityFigures{}, err
	}
	t, err := s.Terms.Terms(ctx, facility, asOf)
	if err != nil {
		return AvailabilityFigures{}, err
	}
	out := AvailabilityFigures{AsOf: asOf, Commitment: t.Commitment, AdvanceCap: t.AdvanceCap}
	var bal ledger.Balances
	if ar, ok := s.Store.(store.AvailabilityReader); ok {
		out.Certificate, out.BorrowingBase, err = ar.BorrowingBaseInForce(ctx, facility, asOf)
		if err != nil && store.ErrorCode(err) != store.CodeNotFound {
			return AvailabilityFigures{}, err
		}
		bal, err = ar.AccountBalances(ctx, facility, asOf, ledger.LCOutstanding, ledger.LCDrawn, ledger.Loans)
	} else {
		cert, cerr := s.Store.CertificateInForce(ctx, facility, asOf)
		switch {
		case cerr == nil:
			out.BorrowingBase, out.Certificate = cert.BorrowingBase, cert.ID
		case store.ErrorCode(cerr) != store.CodeNotFound:
			return AvailabilityFigures{}, cerr
		}
		bal, err = s.Store.Balances(ctx, facility, asOf)
	}
	if err != nil {
		return AvailabilityFigures{}, err
	}
	// Letters of credit count as Limits counts them for an advance:
	// outstanding plus drawn and unreimbursed, by the terms' treatment.
	out.LettersOfCredit, out.LoansOutstanding = bal[ledger.LCOutstanding]+bal[ledger.LCDrawn], bal[ledger.Loans]
	l := ledger.Limits{Commitment: t.Commitment, AdvanceCap: t.AdvanceCap, TerminationDate: t.TerminationDate,
		BorrowingBase: out.BorrowingBase - t.Exclusions}
	switch t.LCTreatment {
	case "none":
	case "deduct_from_availability":
		l.LettersOfCredit = out.LettersOfCredit
	default: // deduct_from_borrowing_base
		l.BorrowingBase -= out.LettersOfCredit
	}
	out.Availability = ledger.ComputeAvailability(l, out.LoansOutstanding).Available
	if asOf > t.TerminationDate && t.TerminationDate != 0 || t.DefaultContinuing && t.BlocksOnDefault {
		out.Availability = 0
	}
	return out, nil
}
