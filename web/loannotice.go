package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"revolver/app"
	"revolver/store"
)

// The loans page's notice continuing or converting a term-rate loan at the
// end of its interest period, calling the use case the API calls
// (app.Service.GiveLoanNotice).

// loanNoticeForm is the form, of the funded term-rate loans (by the
// advance request that funded each) and the options of the terms.
func loanNoticeForm(slug string, loans, options []string) *fieldForm {
	return &fieldForm{ID: "loan-notice", Title: "Continue or convert a term-rate loan",
		Hint:   "At the end of its interest period: continued in its option for a new interest period, or converted to another option. Without a notice the loan converts to the first option that is not a term rate.",
		Action: "/facilities/" + url.PathEscape(slug) + "/loan-notices", Button: "Give the notice", Fields: []formField{
			{Name: "loan", Label: "Loan (the advance request that funded it)", Kind: "select", Required: true, Options: loans, Match: []string{"has no loan", "it is no loan"}},
			{Name: "kind", Label: "Notice", Kind: "select", Required: true, Options: []string{store.LoanContinue, store.LoanConvert}},
			{Name: "option", Label: "Option converted to", Kind: "select", Options: append([]string{""}, options...), Match: []string{"option"}},
			{Name: "interest_period", Label: "Interest period", Hint: "One of the option's periods, such as 1m or 3m (a term rate).", Match: []string{"interest period", "period"}},
		}}
}

// loanNoticeView fills the form for the loans page ("nil": no term-rate
// loan to give notice of, or a role that may not).
func (s *Server) loanNoticeView(rq *req, rs []store.AdvanceRequest, p *loansPage) *fieldForm {
	if !rq.may(app.ActRequestAdvance) {
		return nil
	}
	var loans, options []string
	for _, r := range rs {
		if r.Status == store.AdvanceFunded && r.InterestPeriod != "" {
			loans = append(loans, strconv.FormatInt(r.ID, 10))
		}
	}
	if len(loans) == 0 && (rq.formErr == nil || rq.formErr.form != "loan-notice") {
		return nil
	}
	for _, o := range p.Options {
		options = append(options, o.ID)
	}
	f := loanNoticeForm(rq.fac.Slug, loans, options)
	rq.fill(f)
	return f
}

// giveLoanNotice: POST …/loan-notices.
func (s *Server) giveLoanNotice(rq *req) error {
	rq.asks(app.OpLoanNotice)
	if err := rq.allow(app.ActRequestAdvance, "give loan notices"); err != nil {
		return err
	}
	const form = "loan-notice"
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	id, err := strconv.ParseInt(f("loan"), 10, 64)
	if err != nil || id <= 0 {
		return rq.refusedAt(form, "loan", userErr(http.StatusBadRequest, fmt.Sprintf("Loan: %q is not a loan: choose the advance request that funded it.", f("loan"))), s.loansPage)
	}
	in := app.LoanNoticeInput{Facility: rq.fac.Slug, Loan: id, Kind: f("kind"), Option: f("option"), InterestPeriod: f("interest_period"), By: rq.user.Email}
	switch in.Kind {
	case store.LoanContinue:
		in.Option = ""
		if in.InterestPeriod == "" {
			return rq.refusedAt(form, "interest_period", userErr(http.StatusBadRequest, "Interest period: required to continue a loan, such as 1m or 3m."), s.loansPage)
		}
	case store.LoanConvert:
		if in.Option == "" {
			return rq.refusedAt(form, "option", userErr(http.StatusBadRequest, "Option converted to: choose the pricing option."), s.loansPage)
		}
	default:
		return rq.refusedAt(form, "kind", userErr(http.StatusBadRequest, "Notice: choose continue or convert."), s.loansPage)
	}
	if in.Key, err = rq.clientKey(); err != nil {
		return err
	}
	out, err := s.svc.GiveLoanNotice(rq.actx(), in)
	if err != nil {
		return rq.refusedAt(form, loanNoticeForm(rq.fac.Slug, nil, nil).fieldOf(err), err, s.loansPage)
	}
	return rq.done(rq.facPath("/loans#loan-notice-h"), "loan_notice_given", strconv.FormatInt(out.Notice.ID, 10), strconv.FormatInt(id, 10))
}
