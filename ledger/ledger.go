// Package ledger is the loan account of a facility: balanced transactions of
// postings, balances derived from them as of a value date, daily interest
// accrual, letters of credit and the availability test an advance must pass
// (Loan Agreement §2.1).
//
// The package is pure: it holds no state, does no I/O and reads no clock.
// Persisting transactions is the job of package store; the use cases that
// combine both live in package app.
//
// Sign convention: a posting's amount is positive for a debit and negative
// for a credit, in cents (money.Amount). Every transaction sums to zero.
// The loans account therefore carries a positive balance equal to the Loans
// outstanding; the letters of credit account a positive balance equal to the
// undrawn face amount of letters of credit outstanding.
package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"revolver/date"
	"revolver/money"
)

// Account names an account of a facility's loan account.
type Account string

// The accounts of a facility.
const (
	// Loans is the principal of the Loans outstanding (debit balance); with
	// a last-out tranche, of the first-out loans.
	Loans Account = "loans"
	// LoansLastOut is the principal of the last-out (FILO) loans
	// outstanding (debit balance), repaid after Loans (RepaymentSplit).
	LoansLastOut Account = "loans_last_out"
	// InterestReceivable is interest accrued and not yet capitalised or paid.
	InterestReceivable Account = "interest_receivable"
	// InterestIncome is the lender's interest earned (credit balance).
	InterestIncome Account = "interest_income"
	// FeesReceivable are fees charged and not yet paid or capitalised.
	FeesReceivable Account = "fees_receivable"
	// FeeIncome is the lender's fee income (credit balance).
	FeeIncome Account = "fee_income"
	// CostsReceivable are costs the lender paid on the borrower's behalf
	// (Security Agreement ¶7) and not yet charged to the loans.
	CostsReceivable Account = "costs_receivable"
	// LCOutstanding is the undrawn face amount of letters of credit issued.
	LCOutstanding Account = "lc_outstanding"
	// LCContingent is the contra account of LCOutstanding (credit balance).
	LCContingent Account = "lc_contingent"
	// LCDrawn are amounts drawn under letters of credit and not yet reimbursed.
	LCDrawn Account = "lc_drawn"
	// CollectionsClearing holds collections credited to the loans and awaiting
	// final settlement; a returned item reverses through it (Security Agreement ¶8).
	CollectionsClearing Account = "collections_clearing"
	// Cash is the lender's settlement account with the borrower: advances are
	// paid out of it, repayments received into it.
	Cash Account = "cash"
)

// Accounts lists the accounts of a facility in a stable order.
var Accounts = []Account{Loans, LoansLastOut, InterestReceivable, InterestIncome, FeesReceivable, FeeIncome,
	CostsReceivable, LCOutstanding, LCContingent, LCDrawn, CollectionsClearing, Cash}

// Known reports whether a is one of Accounts.
func (a Account) Known() bool {
	for _, k := range Accounts {
		if k == a {
			return true
		}
	}
	return false
}

// Kind is what a transaction records.
type Kind string

// The kinds of transaction.
const (
	KindAdvance   Kind = "advance"
	KindRepayment Kind = "repayment"
	KindFee       Kind = "fee"
	// KindPayment receives in cash what the borrower was billed: interest,
	// fees or costs (see Payment).
	KindPayment    Kind = "payment"
	KindCost       Kind = "cost"
	KindInterest   Kind = "interest" // daily accrual
	KindCapitalise Kind = "interest_capitalise"
	// KindInterestAdjustment corrects the interest of days already accrued
	// after a Loans posting back-valued to them (see InterestAdjustment).
	KindInterestAdjustment Kind = "interest_adjustment"
	KindLCIssue            Kind = "lc_issue"
	KindLCDraw             Kind = "lc_draw"
	KindLCReimburse        Kind = "lc_reimburse"
	KindLCExpire           Kind = "lc_expire"
	KindCollection         Kind = "collection"
	KindReturnedItem       Kind = "returned_item"
	KindReversal           Kind = "reversal"
	// KindChargeBack charges to the loan account the credit given for a
	// deposited item returned unpaid whose own credit cannot be reversed
	// whole (Security Agreement ¶8; see ChargeBack).
	KindChargeBack Kind = "charge_back"
)

// Kinds lists every Kind.
var Kinds = []Kind{KindAdvance, KindRepayment, KindFee, KindPayment, KindCost, KindInterest, KindCapitalise,
	KindInterestAdjustment, KindLCIssue, KindLCDraw, KindLCReimburse, KindLCExpire, KindCollection, KindReturnedItem, KindReversal, KindChargeBack}

// Known reports whether k is one of Kinds.
func (k Kind) Known() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Posting is one leg of a transaction: positive debits, negative credits.
type Posting struct {
	Account Account      `json:"account"`
	Amount  money.Amount `json:"amount"`
}

// Transaction is a balanced set of postings with one value date.
//
// ID is assigned when the transaction is stored; Key is the client's
// idempotency key, unique per facility. The content hash (Hash) covers
// everything except ID and Key, so a retried command with the same key and
// the same content can be recognised as such.
type Transaction struct {
	ID        int64     `json:"id,omitempty"`
	Facility  string    `json:"facility"`
	Kind      Kind      `json:"kind"`
	ValueDate date.Date `json:"value_date"`
	Key       string    `json:"key"`
	// Reverses is the ID of the transaction this one reverses (reversal,
	// returned item), 0 if none.
	Reverses int64     `json:"reverses,omitempty"`
	Memo     string    `json:"memo,omitempty"`
	Postings []Posting `json:"postings"`
	// RecordedAt is when the transaction was recorded (set by the use case
	// from its clock; zero for one recorded before times were kept). It is
	// not content: the hash leaves it out, so a retry at another time is
	// the same transaction. A figure "as known at" a time counts only the
	// postings recorded by then.
	RecordedAt time.Time `json:"recorded_at,omitempty"`
}

// Validate checks the invariants of a transaction: a facility, a known kind,
// a key, at least two postings on known accounts, no zero posting, and a sum
// of zero.
func (t *Transaction) Validate() error {
	bad := func(format string, a ...any) error {
		return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, a...)}
	}
	if t.Facility == "" {
		return bad("transaction: facility is empty")
	}
	if !t.Kind.Known() {
		return bad("transaction %q: kind %q is not one of %v", t.Key, t.Kind, Kinds)
	}
	if t.Key == "" {
		return bad("transaction of kind %s: idempotency key is empty", t.Kind)
	}
	if len(t.Key) > 200 {
		return bad("transaction: idempotency key is %d bytes, at most 200 expected", len(t.Key))
	}
	if t.ValueDate < date.Min || t.ValueDate > date.Max {
		return bad("transaction %q: value date %s outside %s..%s", t.Key, t.ValueDate, date.Min, date.Max)
	}
	if len(t.Postings) < 2 {
		return bad("transaction %q: %d postings, at least 2 expected", t.Key, len(t.Postings))
	}
	var sum money.Amount
	for i, p := range t.Postings {
		if !p.Account.Known() {
			return bad("transaction %q posting %d: account %q is not one of %v", t.Key, i+1, p.Account, Accounts)
		}
		if p.Amount == 0 {
			return bad("transaction %q posting %d: amount is zero", t.Key, i+1)
		}
		if p.Amount > money.MaxAmount || p.Amount < -money.MaxAmount {
			return bad("transaction %q posting %d: amount %s out of range", t.Key, i+1, p.Amount)
		}
		var err error
		if sum, err = sum.Add(p.Amount); err != nil {
			return bad("transaction %q: postings overflow", t.Key)
		}
	}
	if sum != 0 {
		return bad("transaction %q: postings sum to %s, 0 expected", t.Key, sum)
	}
	if (t.Kind == KindReversal || t.Kind == KindReturnedItem) && t.Reverses == 0 {
		return bad("transaction %q: a %s must name the transaction it reverses", t.Key, t.Kind)
	}
	return nil
}

// Hash is the SHA-256 of the transaction's content: facility, kind, value
// date, reverses, memo and the postings in order. ID and Key are excluded.
func (t *Transaction) Hash() [32]byte {
	h := sha256.New()
	var b [8]byte
	str := func(s string) {
		binary.BigEndian.PutUint64(b[:], uint64(len(s)))
		h.Write(b[:])
		h.Write([]byte(s))
	}
	num := func(v int64) {
		binary.BigEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	str(t.Facility)
	str(string(t.Kind))
	num(int64(t.ValueDate))
	num(t.Reverses)
	str(t.Memo)
	num(int64(len(t.Postings)))
	for _, p := range t.Postings {
		str(string(p.Account))
		num(int64(p.Amount))
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Sum is the sum of the postings (zero for a valid transaction).
func (t *Transaction) Sum() money.Amount {
	var s money.Amount
	for _, p := range t.Postings {
		s += p.Amount
	}
	return s
}

// Balances are account balances.
type Balances map[Account]money.Amount

// Apply adds the postings of t to b.
func (b Balances) Apply(t *Transaction) {
	for _, p := range t.Postings {
		b[p.Account] += p.Amount
	}
}

// Total is the sum over all accounts (zero when every transaction applied
// was balanced).
func (b Balances) Total() money.Amount {
	var s money.Amount
	for _, v := range b {
		s += v
	}
	return s
}

// BalancesAsOf derives the balances from txs counting only the transactions
// whose value date is on or before asOf.
func BalancesAsOf(txs []Transaction, asOf date.Date) Balances {
	b := Balances{}
	for i := range txs {
		if txs[i].ValueDate <= asOf {
			b.Apply(&txs[i])
		}
	}
	return b
}

// Balance is the balance of one account as of a value date.
func Balance(txs []Transaction, account Account, asOf date.Date) money.Amount {
	var s money.Amount
	for i := range txs {
		if txs[i].ValueDate > asOf {
			continue
		}
		for _, p := range txs[i].Postings {
			if p.Account == account {
				s += p.Amount
			}
		}
	}
	return s
}

// SortedAccounts returns the accounts of b in name order.
func (b Balances) SortedAccounts() []Account {
	out := make([]Account, 0, len(b))
	for a := range b {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
