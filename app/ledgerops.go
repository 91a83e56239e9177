package app

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Collect credits cash proceeds received on received to the loans the
// terms' clearance days later, counted in Business Days of the facility's
// calendar (Security Agreement ¶8; ledger.CollectionValueDate), through the
// collections clearing account.
func (s *Service) Collect(ctx context.Context, facility, key string, received date.Date, amount money.Amount) (store.Posted, error) {
	ctx = named(ctx, OpCollect)
	terms, err := s.Terms.Terms(ctx, facility, received)
	if err != nil {
		return store.Posted{}, fmt.Errorf("collection %q: terms of %q as of %s: %w", key, facility, received, err)
	}
	if u := terms.ClearanceUnknown; u != nil {
		return store.Posted{}, &ledger.Error{Code: ledger.CodeUndetermined, ValueDate: received, Reasons: []ledger.Reason{{Code: ledger.ReasonUndetermined, Message: u.Message(), Cite: u.Cite}},
			Message: fmt.Sprintf("collection %q received %s refused: the day it is credited is undetermined: %s", key, received, u.Message())}
	}
	vd := ledger.CollectionValueDate(received, terms.ClearanceDays, terms.Calendar)
	ref := ledger.Ref{Facility: facility, Key: key, ValueDate: vd,
		Memo: fmt.Sprintf("received %s, credited after %d clearance business days (%s calendar)", received, terms.ClearanceDays, terms.Calendar.Name())}
	// With a last-out tranche the proceeds repay the first-out loans
	// first, the last-out loans last (ledger.RepaymentSplit).
	b, tranched, err := s.loanBalances(ctx, terms, facility, vd)
	if err != nil {
		return store.Posted{}, err
	}
	t, err := ledger.Collection(ref, amount)
	if tranched {
		t, err = ledger.CollectionOf(ref, amount, b)
	}
	if err != nil {
		return store.Posted{}, err
	}
	return s.Post(ctx, t)
}

// ReturnItem reverses the credit of a collection whose item was returned
// unpaid (Security Agreement ¶8), on the day it was returned.
func (s *Service) ReturnItem(ctx context.Context, facility, key string, returned date.Date, collection int64) (store.Posted, error) {
	ctx = named(ctx, OpReturnItem)
	return s.Reverse(ctx, ledger.Ref{Facility: facility, Key: key, ValueDate: returned}, ledger.KindReturnedItem, collection)
}

// ChargeFee charges a fee the terms set (by id) on valueDate, to the loan
// account or billed; the key defaults to "fee:ID" so a fee is charged once.
func (s *Service) ChargeFee(ctx context.Context, facility, feeID string, valueDate date.Date, toLoans bool) (store.Posted, error) {
	ctx = named(ctx, OpChargeFee)
	terms, err := s.Terms.Terms(ctx, facility, valueDate)
	if err != nil {
		return store.Posted{}, fmt.Errorf("fee %q: terms of %q as of %s: %w", feeID, facility, valueDate, err)
	}
	fee, ok := terms.Fees[feeID]
	if !ok {
		return store.Posted{}, store.Errorf(store.CodeNotFound, "facility %q has no fee %q in its terms as of %s", facility, feeID, valueDate)
	}
	if fee.Kind != "" && fee.Kind != ledger.FeeFixed {
		return store.Posted{}, store.Errorf(store.CodeInvalid, "fee %q of facility %q is a %s fee, billed by close of business at the end of each period; only a fixed fee is charged", feeID, facility, fee.Kind)
	}
	if len(fee.Unknown) > 0 {
		return store.Posted{}, undetermined(valueDate, "fee "+feeID, fee.Unknown)
	}
	t, err := ledger.Fee(ledger.Ref{Facility: facility, Key: ledger.FeeKey(feeID, 0), ValueDate: valueDate, Memo: feeID}, fee.Amount, toLoans)
	if err != nil {
		return store.Posted{}, err
	}
	return s.Post(ctx, t)
}

// CostInput is a cost the lender paid on the borrower's behalf, to charge
// to the loan account: its kind is a cost of the terms (e.g. field_exam).
type CostInput struct {
	Facility  string
	Key       string // idempotency key ("" : "cost:KIND:VALUE-DATE")
	Kind      string
	ValueDate date.Date
	Amount    money.Amount
	Memo      string // e.g. the examiner's invoice
}

// ChargeCost charges to the loan account a cost the terms let the lender
// charge (debit Loans, credit Cash: ledger.Cost), its memo naming the
// cost and the clause that lets it (a field examination: "Field
// examination (field_exam): invoice 4411; Security Agreement ¶7"). A kind
// the terms in force on the value date do not name is not_found.
func (s *Service) ChargeCost(ctx context.Context, in CostInput) (store.Posted, error) {
	ctx = named(ctx, OpChargeCost)
	terms, err := s.Terms.Terms(ctx, in.Facility, in.ValueDate)
	if err != nil {
		return store.Posted{}, fmt.Errorf("cost %q: terms of %q as of %s: %w", in.Kind, in.Facility, in.ValueDate, err)
	}
	c, ok := terms.Costs[in.Kind]
	if !ok {
		var kinds []string
		for k := range terms.Costs {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		return store.Posted{}, store.Errorf(store.CodeNotFound, "facility %q has no cost %q in its terms as of %s (its costs: %s)", in.Facility, in.Kind, in.ValueDate, strings.Join(kinds, ", "))
	}
	memo := c.Label + " (" + in.Kind + ")"
	if in.Memo != "" {
		memo += ": " + in.Memo
	}
	if !c.Cite.IsZero() {
		memo += "; " + c.Cite.String()
	}
	key := in.Key
	if key == "" {
		key = "cost:" + in.Kind + ":" + in.ValueDate.String()
	}
	t, err := ledger.Cost(ledger.Ref{Facility: in.Facility, Key: key, ValueDate: in.ValueDate, Memo: memo}, in.Amount)
	if err != nil {
		return store.Posted{}, err
	}
	return s.Post(ctx, t)
}
