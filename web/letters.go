package web

import (
	"errors"
	"net/http"
	"strings"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// The loans page's letters of credit: the list, the form issuing one and
// each letter's form of a drawing, reimbursement or expiry, calling the
// use case the API and the command line call (app.Service.LetterOfCredit).

var lcFields = []string{"id", "amount", "value_date", "beneficiary", "expiry", "action", "by_advance", "memo"}

// lcErrField is the field a use case's refusal of a letter of credit
// names ("letter of credit: FIELD: …"); a refusal of availability or the
// sublimit is of the amount.
func lcErrField(err error) string {
	var le *ledger.Error
	if errors.As(err, &le) {
		return "amount"
	}
	_, rest, ok := strings.Cut(err.Error(), "letter of credit: ")
	if !ok {
		return ""
	}
	f, _, _ := strings.Cut(rest, ":")
	for _, k := range lcFields {
		if f == k {
			return f
		}
	}
	return ""
}

// letterOfCreditForm issues a letter of credit (POST …/letters-of-credit)
// or acts on one (POST …/letters-of-credit/{id}, its action in the form).
func (s *Server) letterOfCreditForm(rq *req) error {
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	in := app.LetterOfCreditInput{Facility: rq.fac.Slug, ID: rq.r.PathValue("id"), Action: app.LCIssue, Memo: f("memo")}
	form := "lc-issue"
	if in.ID != "" {
		form, in.Action = "lc-action", f("action")
	} else {
		in.ID = f("id")
	}
	op, ok := map[string]app.Op{app.LCIssue: app.OpIssueLetterOfCredit, app.LCDraw: app.OpDrawLetterOfCredit,
		app.LCReimburse: app.OpReimburseLetterOfCredit, app.LCExpire: app.OpExpireLetterOfCredit}[in.Action]
	if !ok {
		rq.asks(app.OpDrawLetterOfCredit)
		return rq.refusedAt(form, "action", userErr(http.StatusBadRequest, "Action: choose a drawing, a reimbursement or the expiry."), s.loansPage)
	}
	rq.asks(op)
	if err := rq.allow(app.ActPostTransaction, "record letters of credit"); err != nil {
		return err
	}
	if form == "lc-issue" && in.ID == "" {
		return rq.refusedAt(form, "id", userErr(http.StatusBadRequest, "Letter number: required, e.g. SB-2006-01."), s.loansPage)
	}
	var err error
	if v := f("amount"); v != "" || in.Action != app.LCExpire {
		in.Amount, err = amountField("Amount", v)
		rq.amount = in.Amount
		if err != nil {
			return rq.refusedAt(form, "amount", err, s.loansPage)
		}
	}
	in.ValueDate, err = dateField("Value date", f("value_date"))
	rq.day = in.ValueDate
	if err != nil {
		return rq.refusedAt(form, "value_date", err, s.loansPage)
	}
	if in.Action == app.LCIssue {
		if in.Expiry, err = dateField("Expiry", f("expiry")); err != nil {
			return rq.refusedAt(form, "expiry", err, s.loansPage)
		}
		in.Beneficiary = f("beneficiary")
	}
	in.ByAdvance = f("by_advance") == "on"
	if in.Key, err = rq.clientKey(); err != nil {
		return err
	}
	out, err := s.svc.LetterOfCredit(rq.actx(), in)
	if err != nil {
		return rq.refusedAt(form, lcErrField(err), err, s.loansPage)
	}
	return rq.done(rq.facPath("/loans#lc-h"), "lc_"+in.Action, out.Letter.ID, out.Letter.Outstanding.Grouped(), out.Letter.Drawn.Grouped())
}

// lettersView is the loans page's letters of credit and their forms.
type lettersView struct {
	Can     bool // the role matrix lets the user record them
	Letters []app.LetterOfCredit
	Key     string
	// Form ("lc-issue", "lc-action"), For (the letter acted on), Field and
	// Err: the refusal shown beside its field; Sent what was sent.
	Form, For, Field, Err string
	Sent                  map[string]string
	ValueDate             date.Date
	Sublimit              *money.Amount
}

// ErrAt is the refusal beside field of form (about letter id).
func (l lettersView) ErrAt(form, id, field string) string {
	if l.Err != "" && l.Form == form && l.For == id && l.Field == field {
		return l.Err
	}
	return ""
}

// Value is what was sent in field of form (about id).
func (l lettersView) Value(form, id, field string) string {
	if l.Form == form && l.For == id {
		return l.Sent[field]
	}
	return ""
}

// lettersView fills the letters of credit of the loans page.
func (s *Server) lettersView(rq *req, vd date.Date) lettersView {
	l := lettersView{Can: rq.may(app.ActPostTransaction), Key: newKey(), Sent: map[string]string{}, ValueDate: vd}
	l.Letters, _ = s.svc.LettersOfCredit(ctxOf(rq), rq.fac.Slug)
	if ft, err := s.svc.Terms.Terms(ctxOf(rq), rq.fac.Slug, vd); err == nil {
		l.Sublimit = ft.LCSublimit
	}
	if rq.r.Method == http.MethodPost && rq.formErr != nil && strings.HasPrefix(rq.formErr.form, "lc-") {
		l.Form, l.For, l.Field, l.Err = rq.formErr.form, rq.r.PathValue("id"), rq.formErr.field, rq.errMsg
		for _, k := range lcFields {
			l.Sent[k] = rq.r.PostFormValue(k)
		}
	}
	return l
}
