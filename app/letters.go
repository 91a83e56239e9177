package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Letters of credit (docs/letters-of-credit.md): the lender records a
// letter issued for the borrower, a drawing under it, the borrower's
// reimbursement of a drawing (in cash or by an advance) and the expiry of
// its undrawn face. Each posts through Post, which checks an issue against
// availability and the letter-of-credit sublimit on its value date and
// every later date known (ledger.CheckLCIssue, ledger.CheckLCSublimit),
// and every posting against the account balances (checkBalances); the
// checks of one letter (a drawing within its undrawn face and before its
// expiry, a reimbursement within what is drawn under it) are made here.
//
// A letter is known by its number (ID): the ledger keys of its
// transactions are "lc:ID:issue" (one issue per number) and
// "lc:ID:ACTION:KEY" for the others (KEY the surface's idempotency key).

// The actions on a letter of credit (LetterOfCreditInput.Action).
const (
	LCIssue     = "issue"
	LCDraw      = "draw"
	LCReimburse = "reimburse"
	LCExpire    = "expire"
)

// LCActions are the actions on a letter of credit, in their order.
var LCActions = []string{LCIssue, LCDraw, LCReimburse, LCExpire}

var lcOps = map[string]Op{LCIssue: OpIssueLetterOfCredit, LCDraw: OpDrawLetterOfCredit, LCReimburse: OpReimburseLetterOfCredit, LCExpire: OpExpireLetterOfCredit}

var lcIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// LetterOfCreditInput is an action on a letter of credit.
type LetterOfCreditInput struct {
	Facility string `json:"-"`
	// ID is the letter's number (letters, digits, . _ -; up to 40).
	ID     string `json:"id"`
	Action string `json:"action"`
	// Key is the surface's idempotency key of a drawing, reimbursement or
	// expiry ("": one of the value date and amount); an issue's key is
	// its number.
	Key       string    `json:"-"`
	ValueDate date.Date `json:"value_date"`
	// Amount: the face issued, the amount drawn or reimbursed; for an
	// expiry zero is the whole undrawn face.
	Amount money.Amount `json:"amount"`
	// Beneficiary and Expiry: of an issue (required).
	Beneficiary string    `json:"beneficiary,omitempty"`
	Expiry      date.Date `json:"expiry,omitzero"`
	// ByAdvance: a reimbursement made by an advance (debit Loans) rather
	// than in cash.
	ByAdvance bool   `json:"by_advance,omitempty"`
	Memo      string `json:"memo,omitempty"`
}

// LetterOfCredit is a letter of credit as its transactions say: the face
// issued, what is undrawn (outstanding), drawn and not reimbursed,
// reimbursed and expired, on every date posted.
type LetterOfCredit struct {
	ID          string       `json:"id"`
	Beneficiary string       `json:"beneficiary"`
	Issued      date.Date    `json:"issued"`
	Expiry      date.Date    `json:"expiry"`
	Face        money.Amount `json:"face"`
	Outstanding money.Amount `json:"outstanding"`
	Drawn       money.Amount `json:"drawn"`
	Reimbursed  money.Amount `json:"reimbursed"`
	Expired     money.Amount `json:"expired"`
	// Status: outstanding (undrawn face left), drawn (only drawings not
	// reimbursed left) or closed.
	Status       string  `json:"status"`
	Transactions []int64 `json:"transactions"`
}

// LetterOfCreditResult is what an action on a letter of credit posted and
// the letter after it.
type LetterOfCreditResult struct {
	Posted store.Posted   `json:"posted"`
	Letter LetterOfCredit `json:"letter_of_credit"`
}

// lcMemo is an issue's memo: its beneficiary and expiry, read back by
// LettersOfCredit.
func lcMemo(in LetterOfCreditInput) string {
	m := fmt.Sprintf("letter of credit %s; beneficiary %s; expires %s", in.ID, in.Beneficiary, in.Expiry)
	if in.Memo != "" {
		m += "; " + in.Memo
	}
	return m
}

func lcField(field, format string, a ...any) error {
	return store.Errorf(store.CodeInvalid, "letter of credit: "+field+": "+format, a...)
}

// LetterOfCredit carries out an action on a letter of credit (issue,
// draw, reimburse, expire) and answers the letter after it.
func (s *Service) LetterOfCredit(ctx context.Context, in LetterOfCreditInput) (LetterOfCreditResult, error) {
	op, ok := lcOps[in.Action]
	if !ok {
		return LetterOfCreditResult{}, lcField("action", "%q: expected one of %s", in.Action, strings.Join(LCActions, ", "))
	}
	ctx = named(ctx, op)
	if err := authorize(ctx, ActPostTransaction, in.Facility); err != nil {
		return LetterOfCreditResult{}, err
	}
	if !lcIDRe.MatchString(in.ID) {
		return LetterOfCreditResult{}, lcField("id", "%q: expected the letter's number, 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit", in.ID)
	}
	if in.ValueDate == 0 {
		return LetterOfCreditResult{}, lcField("value_date", "required: a date YYYY-MM-DD")
	}
	if in.Amount < 0 || in.Amount == 0 && in.Action != LCExpire {
		return LetterOfCreditResult{}, lcField("amount", "%s: expected an amount greater than zero", in.Amount.Grouped())
	}
	if len(in.Memo) > 500 {
		return LetterOfCreditResult{}, lcField("memo", "at most 500 characters")
	}
	lcs, err := s.LettersOfCredit(ctx, in.Facility)
	if err != nil {
		return LetterOfCreditResult{}, err
	}
	var lc *LetterOfCredit
	for i := range lcs {
		if lcs[i].ID == in.ID {
			lc = &lcs[i]
		}
	}
	ref := ledger.Ref{Facility: in.Facility, ValueDate: in.ValueDate, Memo: in.Memo}
	key := in.Key
	if key == "" {
		key = in.ValueDate.String() + ":" + in.Amount.String()
	}
	ref.Key = "lc:" + in.ID + ":" + in.Action + ":" + key
	var t ledger.Transaction
	switch in.Action {
	case LCIssue:
		in.Beneficiary = strings.TrimSpace(in.Beneficiary)
		if in.Beneficiary == "" || strings.ContainsAny(in.Beneficiary, ";\r\n") || len(in.Beneficiary) > 200 {
			return LetterOfCreditResult{}, lcField("beneficiary", "%q: expected the beneficiary's name, up to 200 characters, without ';' or line breaks", in.Beneficiary)
		}
		if in.Expiry <= in.ValueDate {
			return LetterOfCreditResult{}, lcField("expiry", "%s: expected a date after the issue date %s", in.Expiry, in.ValueDate)
		}
		ref.Key, ref.Memo = "lc:"+in.ID+":issue", lcMemo(in)
		if lc != nil && (lc.Face != in.Amount || lc.Issued != in.ValueDate || lc.Beneficiary != in.Beneficiary || lc.Expiry != in.Expiry) {
			return LetterOfCreditResult{}, store.Errorf(store.CodeConflict, "letter of credit: id: %s was issued on %s for %s to %s: a letter's number is issued once", in.ID, lc.Issued, lc.Face.Grouped(), lc.Beneficiary)
		}
		t, err = ledger.LCIssue(ref, in.Amount)
	default:
		if lc == nil {
			return LetterOfCreditResult{}, store.Errorf(store.CodeNotFound, "letter of credit: id: facility %q has no letter of credit %q", in.Facility, in.ID)
		}
		if in.ValueDate < lc.Issued {
			return LetterOfCreditResult{}, lcField("value_date", "%s is before letter of credit %s was issued (%s)", in.ValueDate, in.ID, lc.Issued)
		}
		switch in.Action {
		case LCDraw:
			if in.ValueDate > lc.Expiry {
				return LetterOfCreditResult{}, lcField("value_date", "%s is after letter of credit %s expired (%s): a letter is drawn on or before its expiry", in.ValueDate, in.ID, lc.Expiry)
			}
			if in.Amount > lc.Outstanding {
				return LetterOfCreditResult{}, lcField("amount", "%s exceeds the undrawn face of letter of credit %s, %s", in.Amount.Grouped(), in.ID, lc.Outstanding.Grouped())
			}
			t, err = ledger.LCDraw(ref, in.Amount)
		case LCReimburse:
			if in.Amount > lc.Drawn {
				return LetterOfCreditResult{}, lcField("amount", "%s exceeds what is drawn under letter of credit %s and not reimbursed, %s", in.Amount.Grouped(), in.ID, lc.Drawn.Grouped())
			}
			t, err = ledger.LCReimburse(ref, in.Amount, in.ByAdvance)
		case LCExpire:
			if in.Amount == 0 {
				in.Amount = lc.Outstanding
				if in.Key == "" {
					ref.Key = "lc:" + in.ID + ":expire:" + in.ValueDate.String()
				}
			}
			if lc.Outstanding == 0 {
				return LetterOfCreditResult{}, lcField("amount", "letter of credit %s has no undrawn face to expire", in.ID)
			}
			if in.Amount > lc.Outstanding {
				return LetterOfCreditResult{}, lcField("amount", "%s exceeds the undrawn face of letter of credit %s, %s", in.Amount.Grouped(), in.ID, lc.Outstanding.Grouped())
			}
			t, err = ledger.LCExpire(ref, in.Amount)
		}
	}
	if err != nil {
		return LetterOfCreditResult{}, err
	}
	p, err := s.Post(ctx, t)
	if err != nil {
		return LetterOfCreditResult{}, err
	}
	lcs, err = s.LettersOfCredit(ctx, in.Facility)
	if err != nil {
		return LetterOfCreditResult{}, err
	}
	out := LetterOfCreditResult{Posted: p}
	for _, l := range lcs {
		if l.ID == in.ID {
			out.Letter = l
		}
	}
	return out, nil
}

// LettersOfCredit are the facility's letters of credit recorded through
// LetterOfCredit, by number in the order issued, with what every
// transaction posted under each.
func (s *Service) LettersOfCredit(ctx context.Context, facility string) ([]LetterOfCredit, error) {
	txs, err := s.Store.Transactions(ctx, facility)
	if err != nil {
		return nil, err
	}
	var out []LetterOfCredit
	at := map[string]int{}
	for _, t := range txs {
		rest, ok := strings.CutPrefix(t.Key, "lc:")
		if !ok {
			continue
		}
		id, action, _ := strings.Cut(rest, ":")
		action, _, _ = strings.Cut(action, ":")
		// The amount is what the transaction moved on the letter's account:
		// the face outstanding (issue, expiry) or the drawings (draw,
		// reimbursement).
		var amt money.Amount
		for _, p := range t.Postings {
			switch {
			case p.Account == ledger.LCOutstanding && (t.Kind == ledger.KindLCIssue || t.Kind == ledger.KindLCExpire),
				p.Account == ledger.LCDrawn && (t.Kind == ledger.KindLCDraw || t.Kind == ledger.KindLCReimburse):
				amt += max(p.Amount, -p.Amount)
			}
		}
		switch {
		case t.Kind == ledger.KindLCIssue && action == LCIssue:
			if _, dup := at[id]; dup {
				continue
			}
			lc := LetterOfCredit{ID: id, Issued: t.ValueDate, Face: amt, Outstanding: amt, Transactions: []int64{t.ID}}
			for _, part := range strings.Split(t.Memo, "; ") {
				if v, ok := strings.CutPrefix(part, "beneficiary "); ok && lc.Beneficiary == "" {
					lc.Beneficiary = v
				} else if v, ok := strings.CutPrefix(part, "expires "); ok && lc.Expiry == 0 {
					lc.Expiry, _ = date.Parse(v)
				}
			}
			at[id] = len(out)
			out = append(out, lc)
			continue
		}
		i, ok := at[id]
		if !ok {
			continue
		}
		lc := &out[i]
		switch t.Kind {
		case ledger.KindLCDraw:
			lc.Outstanding -= amt
			lc.Drawn += amt
		case ledger.KindLCReimburse:
			lc.Drawn -= amt
			lc.Reimbursed += amt
		case ledger.KindLCExpire:
			lc.Outstanding -= amt
			lc.Expired += amt
		default:
			continue
		}
		lc.Transactions = append(lc.Transactions, t.ID)
	}
	for i := range out {
		switch lc := &out[i]; {
		case lc.Outstanding > 0:
			lc.Status = "outstanding"
		case lc.Drawn > 0:
			lc.Status = "drawn"
		default:
			lc.Status = "closed"
		}
	}
	return out, nil
}
