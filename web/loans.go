package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"revolver/app"
	"revolver/auth"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

func newKey() string { return auth.Random("web_", 16) }

// ledgerRow is one transaction of the loan account with the Loans balance
// after it.
type ledgerRow struct {
	T       ledger.Transaction
	Loans   money.Amount // the transaction's effect on the Loans
	Balance money.Amount // Loans balance after it (value-date order)
	Other   []ledger.Posting
}

type loansPage struct {
	AsOf     date.Date
	Avail    app.Availability
	AvailErr string
	Rows     []ledgerRow
	Total    int
	From, To string
	Kind     string
	Kinds    []ledger.Kind
	Balances []balanceLine
	// Interest: the interest of the 92 days to as_of by rate period.
	Interest  *app.InterestReport
	Requests  []store.AdvanceRequest
	Queue     []store.AdvanceRequest
	Key       string
	Amount    string
	ValueDate string
	Reason    string
	Threshold string
	// Options are the pricing options a borrowing request may elect (the
	// first is the default); Option and Period what was sent.
	Options        []ledger.Option
	Option, Period string
	// LastOut: the terms have a last-out tranche, which a request may
	// elect; Tranche what was sent.
	LastOut *app.LastOutTerms
	Tranche string
	// Me is the signed-in user (who may cancel their own requests);
	// Lender: may ask for corrections; Repayer: may record repayments;
	// Checker: may decide corrections.
	Me      string
	Lender  bool
	Repayer bool
	Checker bool
	// Known: the "As known at" control of the availability shown.
	Known knownAtForm
	// Form is the form shown again after a refusal (advance, repayment or
	// correction), with what was sent; FirstDate the first value date that
	// is not a correction.
	Form string
	Sent map[string]string
	// ErrField is the field of Form the refusal names ("" the form), with
	// the refusal ErrMsg shown beside it.
	ErrField, ErrMsg string
	FirstDate        string
	// Corrections: back-valued repayments asked for (waiting first).
	Corrections []app.PendingCorrection
	CSVHref     string
	// Letters: the letters of credit and their forms.
	Letters lettersView
	// LoanNotice: the form continuing or converting a term-rate loan (nil:
	// none to give).
	LoanNotice *fieldForm
	Matching   int
	Page       int
	Pages      int
	Prev       string
	Next       string
}

const ledgerPerPage = 100

type balanceLine struct {
	Account ledger.Account
	Amount  money.Amount
}

// ledgerRows orders the loan account's transactions by value date (then
// id) and carries the Loans balance, keeping those that pass keep.
func ledgerRows(txs []ledger.Transaction, keep func(*ledger.Transaction) bool) []ledgerRow {
	idx := make([]int, len(txs))
	for i := range idx {
		idx[i] = i
	}
	// Stable by value date; txs come by id.
	sort.SliceStable(idx, func(a, b int) bool { return txs[idx[a]].ValueDate < txs[idx[b]].ValueDate })
	var out []ledgerRow
	var bal money.Amount
	for _, i := range idx {
		t := txs[i]
		var delta money.Amount
		var other []ledger.Posting
		for _, p := range t.Postings {
			if p.Account == ledger.Loans {
				delta += p.Amount
			} else {
				other = append(other, p)
			}
		}
		bal += delta
		if keep(&t) {
			out = append(out, ledgerRow{T: t, Loans: delta, Balance: bal, Other: other})
		}
	}
	return out
}

func (s *Server) loansPage(rq *req) error {
	ctx := ctxOf(rq)
	asOf, err := rq.queryDate("as_of", rq.today())
	if err != nil {
		return err
	}
	q := rq.r.URL.Query()
	from, err := rq.queryDate("from", date.Min)
	if err != nil {
		return err
	}
	to, err := rq.queryDate("to", date.Max)
	if err != nil {
		return err
	}
	p := loansPage{AsOf: asOf, Kind: q.Get("kind"), Key: newKey(), ValueDate: asOf.String(), Me: rq.user.Email, Lender: rq.may(app.ActDecideAdvance),
		Repayer: rq.may(app.ActRecordRepayment), Checker: rq.may(app.ActDecidePending), Known: rq.knownAt(asOf), Sent: map[string]string{}}
	if vd, err := s.svc.FirstValueDate(ctxOf(rq), rq.fac.Slug); err == nil {
		// The first value date that is not a correction.
		p.ValueDate = vd.String()
	}
	p.FirstDate = p.ValueDate
	if ft, err := s.svc.Terms.Terms(ctx, rq.fac.Slug, asOf); err == nil {
		p.Options, p.LastOut = ft.Options, ft.LastOut
	}
	if rep, err := s.svc.InterestByRatePeriod(rq.actx(), rq.fac.Slug, asOf-91, asOf); err == nil {
		p.Interest = &rep
	}
	if rq.r.Method == http.MethodPost {
		// The form refused is shown again with what was sent (and a new
		// key).
		switch rq.r.Pattern {
		case "POST /facilities/{slug}/advances":
			p.Form = "advance"
			p.Amount, p.ValueDate, p.Reason = rq.r.PostFormValue("amount"), rq.r.PostFormValue("value_date"), rq.r.PostFormValue("reason")
			p.Option, p.Period = rq.r.PostFormValue("option"), rq.r.PostFormValue("interest_period")
			p.Tranche = rq.r.PostFormValue("tranche")
		case "POST /facilities/{slug}/repayments":
			p.Form = "repayment"
		case "POST /facilities/{slug}/corrections":
			p.Form = "correction"
		}
		for _, k := range []string{"amount", "value_date", "reason", "kind"} {
			p.Sent[k] = rq.r.PostFormValue(k)
		}
		if rq.formErr != nil {
			p.ErrField, p.ErrMsg = rq.formErr.field, rq.errMsg
		}
	}
	if q.Get("from") != "" {
		p.From = from.String()
	}
	if q.Get("to") != "" {
		p.To = to.String()
	}
	if a, err := s.availability(ctx, rq.fac.Slug, asOf, p.Known.Read); err != nil {
		p.AvailErr = err.Error()
	} else {
		p.Avail = a
	}
	txs, err := s.st.Transactions(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	seen := map[ledger.Kind]bool{}
	for _, t := range txs {
		if !seen[t.Kind] {
			seen[t.Kind] = true
			p.Kinds = append(p.Kinds, t.Kind)
		}
	}
	p.Total = len(txs)
	p.Rows = ledgerRows(txs, func(t *ledger.Transaction) bool {
		if t.ValueDate < from || t.ValueDate > to {
			return false
		}
		switch p.Kind {
		case "":
			// By default the daily interest accruals are left out.
			return t.Kind != ledger.KindInterest
		case "all":
			return true
		}
		return string(t.Kind) == p.Kind
	})
	p.Matching = len(p.Rows)
	if q.Get("format") == "csv" {
		rq.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		rq.w.Header().Set("Content-Disposition", `attachment; filename="`+rq.fac.Slug+`-loan-account.csv"`)
		w := csv.NewWriter(rq.w)
		w.Write([]string{"id", "value_date", "kind", "memo", "loans", "loans_balance", "other_postings"})
		for _, r := range p.Rows {
			var o []string
			for _, x := range r.Other {
				o = append(o, string(x.Account)+" "+x.Amount.String())
			}
			w.Write([]string{strconv.FormatInt(r.T.ID, 10), r.T.ValueDate.String(), string(r.T.Kind), app.CSVCell(r.T.Memo), r.Loans.String(), r.Balance.String(), app.CSVCell(strings.Join(o, "; "))})
		}
		w.Flush()
		return w.Error()
	}
	v := url.Values{}
	for _, k := range []string{"from", "to", "kind"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	// Pages of ledgerPerPage rows; the last (latest) page by default.
	p.Pages = max(1, (len(p.Rows)+ledgerPerPage-1)/ledgerPerPage)
	p.Page, _ = strconv.Atoi(q.Get("page"))
	if p.Page < 1 || p.Page > p.Pages {
		p.Page = p.Pages
	}
	lo := (p.Page - 1) * ledgerPerPage
	p.Rows = p.Rows[lo:min(lo+ledgerPerPage, len(p.Rows))]
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page-1))
		p.Prev = rq.r.URL.Path + "?" + v.Encode() + "#led-h"
	}
	if p.Page < p.Pages {
		v.Set("page", strconv.Itoa(p.Page+1))
		p.Next = rq.r.URL.Path + "?" + v.Encode() + "#led-h"
	}
	v.Del("page")
	v.Set("format", "csv")
	p.CSVHref = rq.r.URL.Path + "?" + v.Encode()
	bal, err := s.st.Balances(ctx, rq.fac.Slug, asOf)
	if err != nil {
		return err
	}
	for _, a := range bal.SortedAccounts() {
		if bal[a] != 0 {
			p.Balances = append(p.Balances, balanceLine{a, bal[a]})
		}
	}
	rs, err := s.st.AdvanceRequests(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	p.LoanNotice = s.loanNoticeView(rq, rs, &p)
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].Status == store.AdvanceRequested {
			p.Queue = append(p.Queue, rs[i])
		} else {
			p.Requests = append(p.Requests, rs[i])
		}
	}
	cs, err := s.svc.RepaymentCorrections(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].Status == store.PendingRequested {
			p.Corrections = append([]app.PendingCorrection{cs[i]}, p.Corrections...)
		} else {
			p.Corrections = append(p.Corrections, cs[i])
		}
	}
	if st, err := app.ParseSettings(rq.fac); err == nil && st.MakerCheckerThreshold != nil {
		p.Threshold = st.MakerCheckerThreshold.Grouped()
	}
	p.Letters = s.lettersView(rq, asOf)
	v2 := rq.view("Loan account", "loans", p)
	return rq.render(http.StatusOK, "loans", v2)
}

func (s *Server) requestAdvance(rq *req) error {
	rq.asks(app.OpRequestAdvance)
	if err := rq.allow(app.ActRequestAdvance, "request advances"); err != nil {
		return err
	}
	if err := rq.r.ParseForm(); err != nil {
		return userErr(http.StatusBadRequest, "The form could not be read: try again.")
	}
	amount := strings.ReplaceAll(strings.TrimSpace(rq.r.PostFormValue("amount")), ",", "")
	vd := strings.TrimSpace(rq.r.PostFormValue("value_date"))
	back := "/facilities/" + url.PathEscape(rq.fac.Slug) + "/loans"
	in, err := rq.advanceInput(amount, vd)
	rq.amount, rq.day = in.Amount, in.ValueDate
	if err != nil {
		return rq.refused(err, s.loansPage)
	}
	in.Reason = strings.TrimSpace(rq.r.PostFormValue("reason"))
	in.Option, in.InterestPeriod = rq.r.PostFormValue("option"), strings.TrimSpace(rq.r.PostFormValue("interest_period"))
	in.Tranche = rq.r.PostFormValue("tranche")
	out, err := s.svc.RequestAdvance(rq.actx(), in)
	if err != nil {
		return rq.refused(err, s.loansPage)
	}
	if out.Status == store.AdvanceRequested {
		return rq.done(back, "advance_waits", fmt.Sprint(out.ID), out.Amount.Grouped(), out.ValueDate.String())
	}
	return rq.done(back, "advance_funded", fmt.Sprint(out.ID), out.Amount.Grouped(), out.ValueDate.String())
}

func (s *Server) decideAdvance(rq *req) error {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	d := rq.r.PathValue("decision")
	if err != nil || id <= 0 || d != "approve" && d != "reject" && d != "cancel" {
		return userErr(http.StatusNotFound, "There is no such advance request or action.")
	}
	rq.asks(map[string]app.Op{"approve": app.OpApproveAdvance, "reject": app.OpRejectAdvance, "cancel": app.OpCancelAdvance}[d])
	if err := rq.r.ParseForm(); err != nil {
		return userErr(http.StatusBadRequest, "The form could not be read: try again.")
	}
	act, what := app.ActDecideAdvance, "approve or reject advances"
	if d == "cancel" {
		act, what = app.ActRequestAdvance, "cancel advance requests"
	}
	if err := rq.allow(act, what); err != nil {
		return err
	}
	back := "/facilities/" + url.PathEscape(rq.fac.Slug) + "/loans"
	var out store.AdvanceRequest
	switch d {
	case "approve":
		out, err = s.svc.ApproveAdvance(rq.actx(), rq.fac.Slug, id, rq.user.Email)
	case "cancel":
		out, err = s.svc.CancelAdvance(rq.actx(), rq.fac.Slug, id, rq.user.Email)
	default:
		out, err = s.svc.RejectAdvance(rq.actx(), rq.fac.Slug, id, rq.user.Email, strings.TrimSpace(rq.r.PostFormValue("comment")))
	}
	if err != nil {
		return rq.refused(err, s.loansPage)
	}
	return rq.done(back, "advance_decided", fmt.Sprint(out.ID), string(out.Status))
}

// advanceInput reads the advance form's amount and value date, with the
// form's idempotency key as the request's key.
func (rq *req) advanceInput(amount, valueDate string) (app.RequestInput, error) {
	in := app.RequestInput{Facility: rq.fac.Slug, By: rq.user.Email}
	var err error
	if in.Amount, err = money.ParseAmount(amount); err != nil || amount == "" {
		return in, userErr(http.StatusBadRequest, fmt.Sprintf("The amount %q is not an amount: enter digits with up to two decimals, such as 250000.00.", amount))
	}
	if in.Amount <= 0 {
		return in, userErr(http.StatusBadRequest, fmt.Sprintf("The amount %s is not greater than zero: enter the amount to advance.", in.Amount.Grouped()))
	}
	if in.ValueDate, err = date.Parse(valueDate); err != nil {
		return in, userErr(http.StatusBadRequest, fmt.Sprintf("The value date %q is not a date: enter it as YYYY-MM-DD, for example 2004-10-05.", valueDate))
	}
	in.Key, err = rq.clientKey()
	return in, err
}
