package httpapi

import (
	"revolver/app"
	"revolver/store"
)

// The loan routes: notices continuing or converting a term-rate loan at
// the end of its interest period.
func (s *Server) loanRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return []*Route{
		{Method: "GET", Path: f + "/loan-notices", Summary: "The borrower's notices continuing or converting term-rate loans at the end of their interest periods, by id", Response: "LoanNoticeList", h: s.loanNotices},
		{Method: "POST", Path: f + "/loans/{id}/continue", Summary: "Continue a term-rate loan (id: the advance request that funded it) in its option for a new interest period from the end of its current one; checked as a borrowing of its principal is (interest periods, minimum, multiple); one notice per loan and period end. Without a notice the loan is converted to the first option that is not a term rate", Roles: roles(app.ActRequestAdvance), Mutating: true, Op: app.OpLoanNotice, Request: "LoanContinueInput", Response: "LoanNoticeGiven", Status: 201, h: s.giveLoanNotice(store.LoanContinue)},
		{Method: "POST", Path: f + "/loans/{id}/convert", Summary: "Convert a term-rate loan to another pricing option (with an interest period for a term rate) from the end of its current interest period; checked as a borrowing of its principal is; one notice per loan and period end", Roles: roles(app.ActRequestAdvance), Mutating: true, Op: app.OpLoanNotice, Request: "LoanConvertInput", Response: "LoanNoticeGiven", Status: 201, h: s.giveLoanNotice(store.LoanConvert)},
	}
}

type loanNoticeList struct {
	Notices []store.LoanNotice `json:"notices"`
}

// loanContinueInput: the interest period of the continued loan ("3m").
type loanContinueInput struct {
	InterestPeriod string `json:"interest_period"`
}

// loanConvertInput: the option converted to and, for a term rate, its
// interest period.
type loanConvertInput struct {
	Option         string `json:"option"`
	InterestPeriod string `json:"interest_period,omitempty"`
}

func (s *Server) loanNotices(c *call) (any, error) {
	ns, err := c.svc().LoanNotices(c.r.Context(), c.fac.Slug)
	if err != nil {
		return nil, err
	}
	return loanNoticeList{Notices: ns}, nil
}

func (s *Server) giveLoanNotice(kind string) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		id, err := c.pathID()
		if err != nil {
			return nil, err
		}
		in := app.LoanNoticeInput{Facility: c.fac.Slug, Key: c.ledgerKey(), Loan: id, Kind: kind, By: c.user.Email}
		if kind == store.LoanContinue {
			var b loanContinueInput
			if err := c.decodeJSON(&b); err != nil {
				return nil, err
			}
			if b.InterestPeriod == "" {
				return nil, fieldErr("interest_period", "empty: expected one of the option's interest periods, such as 1m or 3m")
			}
			in.InterestPeriod = b.InterestPeriod
		} else {
			var b loanConvertInput
			if err := c.decodeJSON(&b); err != nil {
				return nil, err
			}
			if b.Option == "" {
				return nil, fieldErr("option", "empty: expected the pricing option the loan is converted to")
			}
			in.Option, in.InterestPeriod = b.Option, b.InterestPeriod
		}
		out, err := c.svc().GiveLoanNotice(c.r.Context(), in)
		if err != nil {
			return nil, err
		}
		return out, c.audit(nil, out.Notice)
	}
}
