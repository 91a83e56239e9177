package ledger

import (
	"fmt"
	"strings"

	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// The tranches of a facility with a last-out (FILO) tranche
// (agreement.LastOut). A facility without one has only first-out loans.
const (
	TrancheFirstOut = "first_out"
	TrancheLastOut  = "last_out"
)

// LoansAccount is the ledger account of a tranche's loans: Loans for the
// first-out tranche (and ""), LoansLastOut for the last-out one.
func LoansAccount(tranche string) (Account, error) {
	switch tranche {
	case "", TrancheFirstOut:
		return Loans, nil
	case TrancheLastOut:
		return LoansLastOut, nil
	}
	return "", invalidf("tranche %q: expected %s or %s", tranche, TrancheFirstOut, TrancheLastOut)
}

// LastOutLimits are what availability of a facility with a last-out
// tranche needs besides Limits: the certificate's last-out borrowing base
// (Certificate.LastOutBase) and the last-out loans outstanding.
type LastOutLimits struct {
	Loans money.Amount `json:"loans"`
	// Cite is the clause of the last-out tranche.
	Cite explain.Cite `json:"cite,omitzero"`
}

// Tranche is availability of one tranche on a date.
type Tranche struct {
	Tranche string  `json:"tranche"`
	Account Account `json:"account"`
	// Base is the tranche's borrowing base: the first-out borrowing base
	// (the certificate's, less exclusions) or the last-out one (the
	// certificate's last-out borrowing base, capped there).
	Base money.Amount `json:"borrowing_base"`
	// Limit: first-out, min(commitment, advance cap, Base); last-out, Base.
	Limit money.Amount `json:"limit"`
	// LettersOfCredit: the exposure the tranche carries (first-out only).
	LettersOfCredit money.Amount `json:"letters_of_credit"`
	Loans           money.Amount `json:"loans_outstanding"`
	// Available = min(Limit − LettersOfCredit − Loans, the facility's
	// Available): the tranche's own room, never above what the total
	// leaves under the commitment and the maximum advances.
	Available money.Amount `json:"available"`
	// Overadvance is what the tranche's loans (and, first-out, letters of
	// credit) exceed its own limit by, 0 if none.
	Overadvance money.Amount `json:"overadvance"`
}

// Tranches is availability per tranche.
type Tranches struct {
	FirstOut Tranche `json:"first_out"`
	LastOut  Tranche `json:"last_out"`
}

// tranches splits availability a (computed on the total: the limit is
// min(commitment, advance cap, first-out + last-out base), the loans both
// tranches') per tranche.
func tranches(a *Availability, l Limits) {
	var lo money.Amount
	if a.Certificate != nil && a.Certificate.LastOutBase != nil {
		lo = *a.Certificate.LastOutBase
	}
	foLoans := l.Loans
	fo := Tranche{Tranche: TrancheFirstOut, Account: Loans, Base: a.CertificateBase, Limit: a.CertificateBase,
		LettersOfCredit: a.LettersOfCredit.Exposure, Loans: foLoans}
	fo.Limit = min(fo.Limit, l.Commitment)
	if l.AdvanceCap != nil {
		fo.Limit = min(fo.Limit, *l.AdvanceCap)
	}
	fo.Limit -= a.LineReserves // the first-out tranche carries the reserves under the line
	last := Tranche{Tranche: TrancheLastOut, Account: LoansLastOut, Base: lo, Limit: lo, Loans: l.LastOut.Loans}
	for _, t := range []*Tranche{&fo, &last} {
		own := t.Limit - t.LettersOfCredit - t.Loans
		t.Overadvance = max(0, -own)
		t.Available = min(own, a.Available)
		if !a.Determined {
			t.Available = 0
		}
	}
	a.Tranches = &Tranches{FirstOut: fo, LastOut: last}
}

// AvailableIn is what a tranche has available ("" or first_out: the
// first-out tranche, which is the facility's Available when it has no
// last-out tranche).
func (a Availability) AvailableIn(tranche string) money.Amount {
	if a.Tranches == nil {
		return a.Available
	}
	if tranche == TrancheLastOut {
		return a.Tranches.LastOut.Available
	}
	return a.Tranches.FirstOut.Available
}

// ToAdvanceIn is what an advance of the tranche may take on the date: 0
// when advances are blocked or the figure is undetermined or negative.
func (a Availability) ToAdvanceIn(tranche string) money.Amount {
	if !a.Determined || len(a.Blocked) > 0 {
		return 0
	}
	return max(0, a.AvailableIn(tranche))
}

// CheckAdvanceIn is CheckAdvance for an advance of a tranche: the
// tranche's availability on the value date and every later date known.
// A facility without a last-out tranche refuses a last-out advance.
func CheckAdvanceIn(path []Availability, requested money.Amount, tranche string) error {
	if _, err := LoansAccount(tranche); err != nil {
		return err
	}
	if tranche == TrancheLastOut && len(path) > 0 && path[0].Tranches == nil {
		return invalidf("last-out advance on %s: the terms in force have no last-out tranche (borrowing_base.last_out)", path[0].AsOf)
	}
	return checkIn("advance", path, requested, tranche)
}

// RepaymentSplit is the one rule for what a repayment or collection of
// amount repays (Collection, Repayment with balances): the first-out loans
// first, up to their balance; then the last-out loans, up to theirs (the
// last-out tranche is repaid last); anything beyond both is credited to
// the first-out loans (a credit balance, as without tranches).
func RepaymentSplit(amount, firstOut, lastOut money.Amount) (toFirstOut, toLastOut money.Amount) {
	toFirstOut = min(amount, max(firstOut, 0))
	toLastOut = min(amount-toFirstOut, max(lastOut, 0))
	return amount - toLastOut, toLastOut
}

// LoanBalances are the loans of each tranche outstanding on a value date.
type LoanBalances struct {
	FirstOut, LastOut money.Amount
}

// loanCredits are the postings crediting amount to the loans by
// RepaymentSplit.
func loanCredits(amount money.Amount, b LoanBalances) []Posting {
	fo, lo := RepaymentSplit(amount, b.FirstOut, b.LastOut)
	ps := []Posting{{Loans, -fo}}
	if lo != 0 {
		ps = append(ps, Posting{LoansLastOut, -lo})
	}
	return ps
}

// AdvanceIn pays amount to the borrower as a loan of tranche: debit the
// tranche's loans account (LoansAccount), credit Cash.
func AdvanceIn(r Ref, amount money.Amount, tranche string) (Transaction, error) {
	acc, err := LoansAccount(tranche)
	if err != nil {
		return Transaction{}, err
	}
	if err := positive("advance", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindAdvance, Posting{acc, amount}, Posting{Cash, -amount})
}

// RepaymentOf receives amount from the borrower against the loans of
// both tranches, by RepaymentSplit of their balances on the value date.
// With no last-out loans it is Repayment.
func RepaymentOf(r Ref, amount money.Amount, b LoanBalances) (Transaction, error) {
	if err := positive("repayment", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindRepayment, append([]Posting{{Cash, amount}}, loanCredits(amount, b)...)...)
}

// CollectionOf credits cash proceeds to the loans of both tranches, by
// RepaymentSplit of their balances on the (cleared) value date. With no
// last-out loans it is Collection.
func CollectionOf(r Ref, amount money.Amount, b LoanBalances) (Transaction, error) {
	if err := positive("collection", amount); err != nil {
		return Transaction{}, err
	}
	return r.tx(KindCollection, append([]Posting{{CollectionsClearing, amount}}, loanCredits(amount, b)...)...)
}

// LastOutPricing is the pricing of the last-out loans: the first-out
// pricing p with margin added to its margin (agreement.LastOut.Margin).
func LastOutPricing(p Pricing, margin money.Rate) Pricing {
	p.Margin = p.Margin.Add(margin)
	if p.Option != "" {
		p.Option += " + last-out margin " + margin.Percent()
	} else {
		p.Option = "last-out (+" + margin.Percent() + ")"
	}
	return p
}

// LastOutInterestKey is the idempotency key of the last-out interest of
// day: its own accrual, beside the first-out one (InterestKey).
func LastOutInterestKey(day date.Date) string { return lastOutInterestPrefix + day.String() }

const lastOutInterestPrefix = "interest-last-out:"

// IsLastOutInterest reports whether t is a last-out interest accrual
// (LastOutAccrual).
func IsLastOutInterest(t Transaction) bool {
	return t.Kind == KindInterest && strings.HasPrefix(t.Key, lastOutInterestPrefix)
}

// LastOutAccrual is the transaction posting one day's interest on the
// last-out loans: debit InterestReceivable, credit InterestIncome, keyed
// by LastOutInterestKey. ok=false when the amount is zero.
func LastOutAccrual(facility string, a DailyAccrual) (Transaction, bool, error) {
	if a.Amount == 0 {
		return Transaction{}, false, nil
	}
	if a.Amount < 0 {
		return Transaction{}, false, invalidf("last-out interest on %s: negative amount %s", a.Day, a.Amount)
	}
	t := Transaction{Facility: facility, Kind: KindInterest, ValueDate: a.Day, Key: LastOutInterestKey(a.Day),
		Memo:     fmt.Sprintf("last-out interest %s on %s at %s", a.Day, a.Principal, a.Rate),
		Postings: []Posting{{InterestReceivable, a.Amount}, {InterestIncome, -a.Amount}}}
	return t, true, t.Validate()
}

// TrancheFormula writes a tranche's figure with its terms: "4,000.00 =
// min(last-out borrowing base 10,000.00 − last-out loans 6,000.00, total
// available 9,000.00)".
func (a Availability) TrancheFormula(tranche string) string {
	if a.Tranches == nil {
		return a.Formula()
	}
	if tranche == TrancheLastOut {
		t := a.Tranches.LastOut
		return fmt.Sprintf("%s = min(last-out borrowing base %s − last-out loans %s, total %s)",
			t.Available.Grouped(), t.Base.Grouped(), t.Loans.Grouped(), a.Formula())
	}
	t := a.Tranches.FirstOut
	return fmt.Sprintf("%s = min(first-out limit %s (least of commitment, advance cap and first-out borrowing base %s) − letters of credit %s − first-out loans %s, total %s)",
		t.Available.Grouped(), t.Limit.Grouped(), t.Base.Grouped(), t.LettersOfCredit.Grouped(), t.Loans.Grouped(), a.Formula())
}
