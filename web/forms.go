package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"revolver/app"
	"revolver/covenant"
	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// waitingRequests are the facility's requests to end an event of default
// (cures, waivers, covenant results over a failing test) and restated
// statements that wait for a second person, oldest first.
func (s *Server) waitingRequests(rq *req) ([]app.EndRequest, error) {
	rs, err := s.svc.Requests(ctxOf(rq), rq.fac.Slug)
	if err != nil {
		return nil, err
	}
	var out []app.EndRequest
	for _, r := range rs {
		if r.Status == app.RequestRequested {
			out = append(out, r)
		}
	}
	return out, nil
}

// requestsView is the list of requests waiting for a second person, with
// their approve and reject forms, as a page shows it.
type requestsView struct {
	Requests []app.EndRequest
	Me, CSRF string
	Slug     string
	Key      string // the forms' idempotency keys start with it
	Back     string // the page the forms return to
	Checker  bool   // the role matrix lets the user decide them
	Heading  string
}

// requestsView lists the facility's waiting requests for page back.
func (rq *req) requestsView(back string) (requestsView, error) {
	rs, err := rq.s.waitingRequests(rq)
	return requestsView{Requests: rs, Me: rq.user.Email, CSRF: rq.sess.CSRF, Slug: rq.fac.Slug, Key: newKey(), Back: back,
		Checker: rq.may(app.ActDecidePending)}, err
}

// facPath is a path of the request's facility.
func (rq *req) facPath(sub string) string {
	return "/facilities/" + url.PathEscape(rq.fac.Slug) + sub
}

// backTo is the page a form on several pages returns to: its back field,
// a page of the same facility (default: the overview).
func (rq *req) backTo() (string, func(*req) error) {
	switch rq.r.PostFormValue("back") {
	case "covenants":
		return rq.facPath("/covenants"), rq.s.covenantsPage
	case "loans":
		return rq.facPath("/loans"), rq.s.loansPage
	case "calendar":
		return rq.facPath("/calendar#req-h-calendar"), rq.s.calendarPage
	}
	return rq.facPath(""), rq.s.facilityPage
}

// decideRequest approves or rejects a request to end an event of default
// (or restated statements) through the use case (app.Service.
// DecideRequest): the decider must not be the requester, a rejection says
// why.
func (s *Server) decideRequest(rq *req) error {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	d := rq.r.PathValue("decision")
	if err != nil || id <= 0 || d != "approve" && d != "reject" {
		return userErr(http.StatusNotFound, "There is no such request or decision.")
	}
	rq.asks(map[string]app.Op{"approve": app.OpApproveRequest, "reject": app.OpRejectRequest}[d])
	back, page := rq.backTo()
	if err := rq.allow(app.ActDecidePending, "approve or reject requests to end an event of default"); err != nil {
		return err
	}
	comment := strings.TrimSpace(rq.r.PostFormValue("comment"))
	if d == "reject" && comment == "" {
		return rq.refused(userErr(http.StatusBadRequest, fmt.Sprintf("Comment: say why request %d is rejected.", id)), page)
	}
	key, err := rq.clientKey()
	if err != nil {
		return err
	}
	out, err := s.svc.DecideRequest(rq.actx(), app.FactInput{Facility: rq.fac.Slug, Key: key, By: rq.user.Email}, id, d == "approve", comment)
	if err != nil {
		return rq.refused(err, page)
	}
	_ = out
	verb := "approved"
	if d == "reject" {
		verb = "rejected"
	}
	return rq.done(back, "request_decided", fmt.Sprint(id), verb)
}

// amountField reads an amount field: digits with up to two decimals
// (commas allowed), greater than zero.
func amountField(label, v string) (money.Amount, error) {
	v = strings.ReplaceAll(strings.TrimSpace(v), ",", "")
	a, err := money.ParseAmount(v)
	if err != nil || v == "" {
		return 0, userErr(http.StatusBadRequest, fmt.Sprintf("%s: %q is not an amount. Enter digits with up to two decimals, such as 250000.00.", label, v))
	}
	if a <= 0 {
		return 0, userErr(http.StatusBadRequest, fmt.Sprintf("%s: %s is not greater than zero.", label, a.Grouped()))
	}
	return a, nil
}

// dateField reads a date field YYYY-MM-DD.
func dateField(label, v string) (date.Date, error) {
	v = strings.TrimSpace(v)
	d, err := date.Parse(v)
	if err != nil {
		return 0, userErr(http.StatusBadRequest, fmt.Sprintf("%s: %q is not a date. Enter it as YYYY-MM-DD, for example 2004-10-05.", label, v))
	}
	return d, nil
}

// repaid says what a repayment (or its correction) came to.
func repaid(rq *req, path string, out app.Repaid, amount money.Amount, vd date.Date) error {
	if out.Pending != nil {
		return rq.done(path, "repayment_pending", amount.Grouped(), vd.String(), fmt.Sprint(out.Pending.ID))
	}
	id := int64(0)
	if out.Posted != nil {
		id = out.Posted.Transaction.ID
	}
	return rq.done(path, "repayment_recorded", amount.Grouped(), vd.String(), fmt.Sprint(id))
}

// recordRepayment records a repayment through the use case
// (app.Service.Repay): value dated on a banking day on or after the
// business date.
func (s *Server) recordRepayment(rq *req) error {
	rq.asks(app.OpRepay)
	if err := rq.allow(app.ActRecordRepayment, "record repayments"); err != nil {
		return err
	}
	amount, err := amountField("Repayment amount", rq.r.PostFormValue("amount"))
	rq.amount = amount
	if err != nil {
		return rq.refusedAt("repayment", "amount", err, s.loansPage)
	}
	vd, err := dateField("Repayment value date", rq.r.PostFormValue("value_date"))
	rq.day = vd
	if err != nil {
		return rq.refusedAt("repayment", "value_date", err, s.loansPage)
	}
	key, err := rq.clientKey()
	if err != nil {
		return err
	}
	out, err := s.svc.Repay(rq.actx(), app.RepaymentInput{Facility: rq.fac.Slug, Key: key, Amount: amount, ValueDate: vd, By: rq.user.Email})
	if err != nil {
		return rq.refusedAt("repayment", repaymentField(err), err, s.loansPage)
	}
	return repaid(rq, rq.facPath("/loans"), out, amount, vd)
}

// repaymentField is the field of the repayment form a use case's refusal
// names: the value date for a date's rule, the amount for an amount's,
// "" (the form) otherwise.
func repaymentField(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "banking day") || strings.Contains(msg, "business date"):
		return "value_date"
	case strings.Contains(msg, "amount") || strings.Contains(msg, "exceeds"):
		return "amount"
	}
	return ""
}

// requestCorrection asks for a back-valued advance or repayment, a
// lender's correction with its reason, which a second lender approves:
// the advance becomes a request waiting in the queue
// (app.Service.RequestAdvance), the repayment a pending action
// (app.Service.Repay, decided by DecidePending).
func (s *Server) requestCorrection(rq *req) error {
	if !rq.may(app.ActDecideAdvance) {
		return rq.allow(app.ActDecideAdvance, "ask for corrections of the loan account")
	}
	kind := rq.r.PostFormValue("kind")
	if kind != "advance" && kind != "repayment" {
		return rq.refused(userErr(http.StatusBadRequest, "Correction: choose an advance or a repayment."), s.loansPage)
	}
	// A back-valued advance is an advance request, a back-valued
	// repayment a repayment recorded (pending), as in the API.
	rq.asks(map[string]app.Op{"advance": app.OpRequestAdvance, "repayment": app.OpRepay}[kind])
	act, what := app.ActRequestAdvance, "ask for advances"
	if kind == "repayment" {
		act, what = app.ActRecordRepayment, "record repayments"
	}
	if err := rq.allow(act, what); err != nil {
		return err
	}
	amount, err := amountField("Correction amount", rq.r.PostFormValue("amount"))
	rq.amount = amount
	if err != nil {
		return rq.refused(err, s.loansPage)
	}
	vd, err := dateField("Correction value date", rq.r.PostFormValue("value_date"))
	rq.day = vd
	if err != nil {
		return rq.refused(err, s.loansPage)
	}
	reason := strings.TrimSpace(rq.r.PostFormValue("reason"))
	if reason == "" {
		return rq.refused(userErr(http.StatusBadRequest, "Reason for the correction: say why the loan account is corrected; a second lender reads it before approving."), s.loansPage)
	}
	key, err := rq.clientKey()
	if err != nil {
		return err
	}
	back := rq.facPath("/loans")
	if kind == "repayment" {
		out, err := s.svc.Repay(rq.actx(), app.RepaymentInput{Facility: rq.fac.Slug, Key: key, Amount: amount, ValueDate: vd, By: rq.user.Email, Reason: reason})
		if err != nil {
			return rq.refused(err, s.loansPage)
		}
		return repaid(rq, back+"#corrections", out, amount, vd)
	}
	out, err := s.svc.RequestAdvance(rq.actx(), app.RequestInput{Facility: rq.fac.Slug, Key: key, Amount: amount, ValueDate: vd, By: rq.user.Email, Reason: reason})
	if err != nil {
		return rq.refused(err, s.loansPage)
	}
	return rq.done(back+"#queue", "correction_waits", fmt.Sprint(out.ID), out.Amount.Grouped(), out.ValueDate.String())
}

// decideCorrection approves (posting it) or rejects a back-valued
// repayment through the use case (app.Service.DecidePending): a second
// lender, not its requester.
func (s *Server) decideCorrection(rq *req) error {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	d := rq.r.PathValue("decision")
	if err != nil || id <= 0 || d != "approve" && d != "reject" {
		return userErr(http.StatusNotFound, "There is no such correction or decision.")
	}
	rq.asks(map[string]app.Op{"approve": app.OpApprovePending, "reject": app.OpRejectPending}[d])
	if err := rq.allow(app.ActDecidePending, "approve or reject corrections"); err != nil {
		return err
	}
	comment := strings.TrimSpace(rq.r.PostFormValue("comment"))
	if d == "reject" && comment == "" {
		return rq.refused(userErr(http.StatusBadRequest, fmt.Sprintf("Comment: say why correction %d is rejected.", id)), s.loansPage)
	}
	cs, err := s.svc.RepaymentCorrections(ctxOf(rq), rq.fac.Slug)
	if err != nil {
		return err
	}
	found := false
	for _, c := range cs {
		found = found || c.ID == id
	}
	if !found {
		return rq.refused(store.Errorf(store.CodeNotFound, "facility %s has no correction %d", rq.fac.Slug, id), s.loansPage)
	}
	_, after, err := s.svc.DecidePending(rq.actx(), rq.fac.Slug, id, d == "approve", rq.user.Email, comment)
	if err != nil {
		return rq.refused(err, s.loansPage)
	}
	if after.Status == store.PendingApproved {
		return rq.done(rq.facPath("/loans#corrections"), "correction_posted", fmt.Sprint(id))
	}
	return rq.done(rq.facPath("/loans#corrections"), "correction_decided", fmt.Sprint(id), after.Status)
}

// submitStatements records the quarterly financial statements of an
// uploaded CSV file (app.Service.AddStatements): a new period with its
// covenant tests; a period already reported is a restatement that waits
// for a lender's acceptance among the requests.
func (s *Server) submitStatements(rq *req) error {
	rq.asks(app.OpAddStatements)
	if err := rq.allow(app.ActRecordStatements, "submit financial statements"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	name, b, ok, err := rq.statementsFile()
	if err != nil {
		return err
	}
	if !ok {
		return rq.refusedAt("statements", "statements", userErr(http.StatusBadRequest, "Statements file: choose the CSV file of the quarterly statements (period_end, fiscal_year, fiscal_quarter and the statement lines)."), s.covenantsPage)
	}
	sts, err := covenant.ReadStatements(name, b)
	if err == nil && len(sts) == 0 {
		err = fmt.Errorf("%s: no statements", name)
	}
	if err != nil {
		return rq.refusedAt("statements", "statements", userErr(http.StatusBadRequest, "Statements file: "+err.Error()+"."), s.covenantsPage)
	}
	fs, pending, err := s.svc.AddStatements(rq.actx(), rq.fac.Slug, sts, rq.user.Email)
	if err != nil {
		return rq.refused(err, s.covenantsPage)
	}
	if n := len(pending); n > 0 {
		return rq.done(rq.facPath("/covenants"), "statements_restated", fmt.Sprint(len(fs)), fmt.Sprint(n))
	}
	return rq.done(rq.facPath("/covenants"), "statements_recorded", fmt.Sprint(len(fs)))
}

// uploaded is the first file of the multipart form's field: its name and
// content; ok is false when none was chosen. The form must be parsed. With
// limit > 0, a file of more than limit bytes is errTooLarge.
func (rq *req) uploaded(field string, limit int64) (name string, b []byte, ok bool, err error) {
	var fh []*multipart.FileHeader
	if f := rq.r.MultipartForm; f != nil {
		fh = f.File[field]
	}
	if len(fh) == 0 {
		return "", nil, false, nil
	}
	src, err := fh[0].Open()
	if err != nil {
		return "", nil, false, err
	}
	defer src.Close()
	var r io.Reader = src
	if limit > 0 {
		r = io.LimitReader(src, limit+1)
	}
	if b, err = io.ReadAll(r); err != nil {
		return "", nil, false, err
	}
	if limit > 0 && int64(len(b)) > limit {
		return fh[0].Filename, nil, true, errTooLarge
	}
	return fh[0].Filename, b, true, nil
}

// errTooLarge is an uploaded file above its limit.
var errTooLarge = errors.New("the file is too large")
