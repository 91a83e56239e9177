package ledger

import (
	"revolver/calendar"
	"revolver/date"
	"revolver/money"
)

// Ref identifies a command: the facility, the client's idempotency key and
// the value date.
type Ref struct {
	Facility  string
	Key       string
	ValueDate date.Date
	Memo      string
}

func (r Ref) tx(kind Kind, postings ...Posting) (Transaction, error) {
	t := Transaction{Facility: r.Facility, Kind: kind, ValueDate: r.ValueDate, Key: r.Key, Memo: r.Memo, Postings: postings}
	return t, t.Validate()
}

func positive(what string, a money.Amount) error {
	if a <= 0 {
		return invalidf("%s: amount %s must be positive", what, a)
	}
	return nil
}

// Advance pays amount to the borrower: debit Loans, credit Cash. The
// availability test (CheckAdvance) is the caller's, in the same store
// transaction.
func Advance(r Ref, amount money.Amount) (Transaction, error) {
	if err := positive("advance", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindAdvance, Posting{Loans, amount}, Posting{Cash, -amount})
}

// Repayment receives amount from the borrower against the loans.
func Repayment(r Ref, amount money.Amount) (Transaction, error) {
	if err := positive("repayment", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindRepayment, Posting{Cash, amount}, Posting{Loans, -amount})
}

// Fee charges a fee (e.g. the transaction fee of the Loan Modification
// Agreement §II.A). With toLoans the fee is charged to the loan account
// (debit Loans) instead of billed (debit FeesReceivable).
func Fee(r Ref, amount money.Amount, toLoans bool) (Transaction, error) {
	if err := positive("fee", amount); err != nil {
		return Transaction{}, err
	}
	dr := FeesReceivable
	if toLoans {
		dr = Loans
	}
	return r.tx(KindFee, Posting{dr, amount}, Posting{FeeIncome, -amount})
}

// Payment receives in cash from the borrower what it was billed: interest
// (with monthly billed interest), a fee or costs. It debits Cash and credits
// the receivable account, one of InterestReceivable, FeesReceivable and
// CostsReceivable. That it does not exceed what is receivable is the
// caller's check.
func Payment(r Ref, account Account, amount money.Amount) (Transaction, error) {
	switch account {
	case InterestReceivable, FeesReceivable, CostsReceivable:
	default:
		return Transaction{}, invalidf("payment: account %q, expected %s, %s or %s", account, InterestReceivable, FeesReceivable, CostsReceivable)
	}
	if err := positive("payment", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindPayment, Posting{Cash, amount}, Posting{account, -amount})
}

// Cost charges to the loan account a cost the lender paid on the borrower's
// behalf (Security Agreement ¶7): debit Loans, credit Cash.
func Cost(r Ref, amount money.Amount) (Transaction, error) {
	if err := positive("cost", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindCost, Posting{Loans, amount}, Posting{Cash, -amount})
}

// LCIssue records a letter of credit issued for face: the face amount
// becomes outstanding (it reduces availability through the borrowing base).
func LCIssue(r Ref, face money.Amount) (Transaction, error) {
	if err := positive("letter of credit issue", face); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindLCIssue, Posting{LCOutstanding, face}, Posting{LCContingent, -face})
}

// LCDraw records a drawing under a letter of credit: the drawn amount leaves
// the outstanding face and the lender pays the beneficiary.
func LCDraw(r Ref, amount money.Amount) (Transaction, error) {
	if err := positive("letter of credit draw", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindLCDraw, Posting{LCContingent, amount}, Posting{LCOutstanding, -amount},
		Posting{LCDrawn, amount}, Posting{Cash, -amount})
}

// LCReimburse records the borrower's reimbursement of a drawing; with
// byAdvance the reimbursement is made by an advance (debit Loans) rather
// than in cash.
func LCReimburse(r Ref, amount money.Amount, byAdvance bool) (Transaction, error) {
	if err := positive("letter of credit reimbursement", amount); err != nil {
		return Transaction{}, err
	}
	dr := Cash
	if byAdvance {
		dr = Loans
	}
	return r.tx(KindLCReimburse, Posting{dr, amount}, Posting{LCDrawn, -amount})
}

// LCExpire releases the undrawn face of an expired letter of credit.
func LCExpire(r Ref, amount money.Amount) (Transaction, error) {
	if err := positive("letter of credit expiry", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindLCExpire, Posting{LCContingent, amount}, Posting{LCOutstanding, -amount})
}

// CollectionValueDate is the date cash proceeds received on received are
// credited to the loans: clearanceDays Business Days of cal after receipt
// (Security Agreement ¶8). Proceeds received on a day that is not a
// Business Day count as received on the next Business Day (as items
// received on a non-banking day, UCC §4-108), so the credit always falls on
// a Business Day; with no clearance days they are credited on that day.
func CollectionValueDate(received date.Date, clearanceDays int, cal calendar.Calendar) date.Date {
	return cal.AddBusinessDays(cal.OnOrAfter(received), clearanceDays)
}

// Collection credits cash proceeds to the loans through the collections
// clearing account. r.ValueDate must already include the clearance days
// (CollectionValueDate).
func Collection(r Ref, amount money.Amount) (Transaction, error) {
	if err := positive("collection", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindCollection, Posting{CollectionsClearing, amount}, Posting{Loans, -amount})
}

// ChargeBack charges amount to the loans for a deposited item returned
// unpaid (Security Agreement ¶8: "the amount of any credit given for it
// shall be charged as a debit in said Borrower's loan account"): debit
// Loans, credit the collections clearing account. It is used when the
// item's credit is part of a collection that cannot be reversed whole (the
// day's deposits credited together, or a deposit not matched); a
// collection of its own is reversed instead (Reverse, KindReturnedItem).
func ChargeBack(r Ref, amount money.Amount) (Transaction, error) {
	if err := positive("charge back", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindChargeBack, Posting{Loans, amount}, Posting{CollectionsClearing, -amount})
}

// Reverse builds the transaction that reverses orig exactly: the same
// postings with opposite signs. Corrections are made only this way. Use
// KindReturnedItem for a returned collection item (Security Agreement ¶8),
// KindReversal otherwise.
func Reverse(r Ref, kind Kind, orig Transaction) (Transaction, error) {
	if kind != KindReversal && kind != KindReturnedItem {
		return Transaction{}, invalidf("reverse: kind %q, expected %s or %s", kind, KindReversal, KindReturnedItem)
	}
	if orig.ID == 0 {
		return Transaction{}, invalidf("reverse: the original transaction has no id (not stored)")
	}
	if r.Facility != orig.Facility {
		return Transaction{}, invalidf("reverse: transaction %d belongs to facility %q, not %q", orig.ID, orig.Facility, r.Facility)
	}
	if kind == KindReturnedItem && orig.Kind != KindCollection {
		return Transaction{}, invalidf("returned item: transaction %d is a %s, not a collection", orig.ID, orig.Kind)
	}
	if orig.Kind == KindReversal || orig.Kind == KindReturnedItem {
		return Transaction{}, invalidf("reverse: transaction %d is itself a %s", orig.ID, orig.Kind)
	}
	ps := make([]Posting, len(orig.Postings))
	for i, p := range orig.Postings {
		ps[i] = Posting{p.Account, -p.Amount}
	}
	t := Transaction{Facility: r.Facility, Kind: kind, ValueDate: r.ValueDate, Key: r.Key, Memo: r.Memo, Reverses: orig.ID, Postings: ps}
	return t, t.Validate()
}
