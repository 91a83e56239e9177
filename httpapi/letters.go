package httpapi

import (
	"net/http"

	"revolver/app"
	"revolver/money"
)

// The letters of credit routes (docs/letters-of-credit.md): the lender
// records a letter issued, a drawing under it, its reimbursement and its
// expiry; the use case (app.Service.LetterOfCredit) checks the issue
// against availability and the sublimit and each action against the
// letter.
func (s *Server) letterRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}/letters-of-credit"
	act := func(op app.Op, action, summary, request string) *Route {
		return &Route{Method: "POST", Path: f + "/{id}/" + action, Summary: summary, Roles: roles(app.ActPostTransaction), Mutating: true, Op: op,
			Request: request, Response: "LetterOfCreditResult", Status: http.StatusCreated, h: s.letterAction(action)}
	}
	return []*Route{
		{Method: "GET", Path: f, Summary: "The facility's letters of credit in the order issued, each with its face, what is undrawn, drawn and not reimbursed, reimbursed and expired, and its transactions", Response: "LettersOfCredit", h: s.lettersOfCredit},
		{Method: "POST", Path: f, Summary: "Issue a letter of credit (its number, face, beneficiary and expiry): refused above availability or the letter-of-credit sublimit on its value date or any later date known, as an advance would be; a number is issued once", Roles: roles(app.ActPostTransaction), Mutating: true, Op: app.OpIssueLetterOfCredit,
			Request: "LetterOfCreditIssue", Response: "LetterOfCreditResult", Status: http.StatusCreated, h: s.issueLetter},
		act(app.OpDrawLetterOfCredit, app.LCDraw, "Record a drawing under a letter of credit: within its undrawn face, on or before its expiry; the lender pays the beneficiary", "LetterOfCreditAction"),
		act(app.OpReimburseLetterOfCredit, app.LCReimburse, "Record the borrower's reimbursement of drawings under a letter of credit, in cash or by an advance to the loans (by_advance)", "LetterOfCreditAction"),
		act(app.OpExpireLetterOfCredit, app.LCExpire, "Record the expiry of a letter of credit's undrawn face (amount absent: all of it)", "LetterOfCreditAction"),
	}
}

// letterIssue is the body of an issue.
type letterIssue struct {
	ID          string `json:"id"`
	ValueDate   string `json:"value_date"`
	Amount      string `json:"amount"`
	Beneficiary string `json:"beneficiary"`
	Expiry      string `json:"expiry"`
	Memo        string `json:"memo"`
}

// letterAction is the body of a drawing, a reimbursement or an expiry.
type letterAction struct {
	ValueDate string `json:"value_date"`
	Amount    string `json:"amount"`
	ByAdvance bool   `json:"by_advance"`
	Memo      string `json:"memo"`
}

type lettersAnswer struct {
	Facility        string               `json:"facility"`
	LettersOfCredit []app.LetterOfCredit `json:"letters_of_credit"`
}

func (s *Server) lettersOfCredit(c *call) (any, error) {
	ls, err := s.svc.LettersOfCredit(c.r.Context(), c.fac.Slug)
	if err != nil {
		return nil, err
	}
	return lettersAnswer{Facility: c.fac.Slug, LettersOfCredit: nonNil(ls)}, nil
}

func (s *Server) issueLetter(c *call) (any, error) {
	var in letterIssue
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.ID == "" {
		return nil, fieldErr("id", "required: the letter's number, e.g. SB-2006-01")
	}
	amt, vd, err := parseAmountDate(in.Amount, in.ValueDate)
	if err != nil {
		return nil, err
	}
	c.about(amt, vd)
	exp, err := parseDate("expiry", in.Expiry, true, 0)
	if err != nil {
		return nil, err
	}
	return c.letter(app.LetterOfCreditInput{ID: in.ID, Action: app.LCIssue, ValueDate: vd, Amount: amt, Beneficiary: in.Beneficiary, Expiry: exp, Memo: in.Memo})
}

func (s *Server) letterAction(action string) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		var in letterAction
		if err := c.decodeJSON(&in); err != nil {
			return nil, err
		}
		vd, err := parseDate("value_date", in.ValueDate, true, 0)
		if err != nil {
			return nil, err
		}
		var amt money.Amount
		if in.Amount != "" || action != app.LCExpire {
			if amt, err = parseAmount("amount", in.Amount); err != nil {
				return nil, err
			}
		}
		c.about(amt, vd)
		return c.letter(app.LetterOfCreditInput{ID: c.r.PathValue("id"), Action: action, Key: c.ledgerKey(), ValueDate: vd, Amount: amt, ByAdvance: in.ByAdvance, Memo: in.Memo})
	}
}

func (c *call) letter(in app.LetterOfCreditInput) (any, error) {
	in.Facility = c.fac.Slug
	out, err := c.svc().LetterOfCredit(c.r.Context(), in)
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out.Posted.Transaction)
}
