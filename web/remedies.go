package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"revolver/app"
	"revolver/defaults"
)

// The calendar page's other forms of the defaults engine's facts, each
// calling the use case the API calls: for a continuing event of default,
// the Bank's election of default interest (app.Service.
// ElectDefaultInterest), a request to record its cure and the acceleration
// (app.Service.DefaultAction); a fax's confirmation or courier copy of a
// notice recorded (app.Service.ConfirmNotice); and a covenant test as
// reported (app.Service.RecordCovenantResult).

var noticeFields = func(methods []string) []formField {
	return []formField{
		{Name: "method", Label: "Method", Kind: "select", Required: true, Options: methods, Match: []string{"method"}},
		{Name: "sent", Label: "Sent (YYYY-MM-DD HH:MM in the facility's zone)", Kind: "time", Required: true},
		{Name: "confirmed", Label: "Fax confirmed", Kind: "time"},
		{Name: "courier_copy", Label: "Courier copy deposited", Kind: "time"},
	}
}

// remedyForms are the forms of a continuing event of default id.
func remedyForms(slug, id string, methods []string) []*fieldForm {
	base := "/facilities/" + url.PathEscape(slug) + "/defaults/" + url.PathEscape(id) + "/"
	dated := []formField{{Name: "date", Label: "Date", Kind: "date", Required: true, Match: []string{"before", "date"}}, {Name: "note", Label: "Note"}}
	return []*fieldForm{
		{ID: "interest-" + id, Title: "Elect default interest", Hint: "The Bank's notice electing default interest while the default continues: charged from the day the notice takes effect.", Action: base + "default-interest", Button: "Record the election", Fields: noticeFields(methods)},
		{ID: "cure-" + id, Title: "Ask to record its cure", Hint: "A second lender approves the cure among the requests before it ends the default.", Action: base + "cure", Button: "Ask to record the cure", Fields: dated},
		{ID: "accelerate-" + id, Title: "Record the acceleration", Hint: "Needs the Bank's notice of the default in effect (§7.2).", Action: base + "accelerate", Button: "Record the acceleration", Fields: dated},
	}
}

// confirmForm records a fax's confirmation or courier copy of notices.
func confirmForm(slug string, notices []string) *fieldForm {
	return &fieldForm{ID: "confirm", Title: "Record a fax confirmation or courier copy", Hint: "Of a notice recorded: when the confirmation of good transmission was received, or the courier copy deposited.",
		Action: "/facilities/" + url.PathEscape(slug) + "/notices/confirmation", Button: "Record the confirmation", Fields: []formField{
			{Name: "notice", Label: "Notice", Kind: "select", Required: true, Options: notices, Match: []string{"notice"}},
			{Name: "confirmed", Label: "Fax confirmed", Kind: "time"},
			{Name: "courier_copy", Label: "Courier copy deposited", Kind: "time"},
		}}
}

// resultForm records a covenant test as reported.
func resultForm(slug string, covenants []string) *fieldForm {
	return &fieldForm{ID: "result", Title: "Record a covenant result as reported", Hint: "A passing result over a failing test while its default continues is a request a second lender approves.",
		Action: "/facilities/" + url.PathEscape(slug) + "/covenant-results", Button: "Record the result", Fields: []formField{
			{Name: "covenant", Label: "Covenant", Kind: "select", Required: true, Options: covenants, Match: []string{"covenant"}},
			{Name: "period_end", Label: "Period ended", Kind: "date", Required: true, Match: []string{"period"}},
			{Name: "pass", Label: "Result", Kind: "select", Required: true, Options: []string{"fail", "pass"}},
			{Name: "actual", Label: "Actual"},
			{Name: "required", Label: "Required"},
		}}
}

// remedyForm: POST …/defaults/{id}/{default-interest,cure,accelerate}.
func (s *Server) remedyForm(action string) func(rq *req) error {
	op := map[string]app.Op{"default-interest": app.OpElectDefaultInterest, "cure": app.OpRequestCure, "accelerate": app.OpAccelerate}[action]
	prefix := map[string]string{"default-interest": "interest-", "cure": "cure-", "accelerate": "accelerate-"}[action]
	return func(rq *req) error {
		rq.asks(op)
		if err := rq.allow(app.ActRecordDefault, "record remedies of events of default"); err != nil {
			return err
		}
		id := rq.r.PathValue("id")
		form := prefix + id
		in, err := rq.factInput()
		if err != nil {
			return err
		}
		var out app.Recorded
		if action == "default-interest" {
			n, field, err := s.readNotice(rq)
			if err != nil {
				return rq.refusedAt(form, field, err, s.calendarPage)
			}
			out, err = s.svc.ElectDefaultInterest(rq.actx(), in, id, n)
			if err != nil {
				return rq.refusedAt(form, remedyForms(rq.fac.Slug, id, nil)[0].fieldOf(err), err, s.calendarPage)
			}
		} else {
			d, err := dateField("Date", rq.r.PostFormValue("date"))
			rq.day = d
			if err != nil {
				return rq.refusedAt(form, "date", err, s.calendarPage)
			}
			kind := defaults.ActionCure
			if action == "accelerate" {
				kind = defaults.ActionAcceleration
			}
			out, err = s.svc.DefaultAction(rq.actx(), in, id, kind, d, strings.TrimSpace(rq.r.PostFormValue("note")))
			if err != nil {
				return rq.refusedAt(form, "", err, s.calendarPage)
			}
		}
		return rq.done(rq.facPath("/calendar#eod-h"), "fact_recorded", itoa(out.Record.ID))
	}
}

// confirmNoticeForm: POST …/notices/confirmation.
func (s *Server) confirmNoticeForm(rq *req) error {
	rq.asks(app.OpConfirmNotice)
	if err := rq.allow(app.ActRecordDefault, "record notice confirmations"); err != nil {
		return err
	}
	const form = "confirm"
	notice := strings.TrimSpace(rq.r.PostFormValue("notice"))
	if notice == "" {
		return rq.refusedAt(form, "notice", userErr(http.StatusBadRequest, "Notice: choose the notice confirmed."), s.calendarPage)
	}
	loc, err := s.noticeZone(rq)
	if err != nil {
		return err
	}
	conf, err := timeField("Fax confirmed", rq.r.PostFormValue("confirmed"), false, loc)
	if err != nil {
		return rq.refusedAt(form, "confirmed", err, s.calendarPage)
	}
	cc, err := timeField("Courier copy", rq.r.PostFormValue("courier_copy"), false, loc)
	if err != nil {
		return rq.refusedAt(form, "courier_copy", err, s.calendarPage)
	}
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.ConfirmNotice(rq.actx(), in, notice, conf, cc)
	if err != nil {
		return rq.refusedAt(form, confirmForm(rq.fac.Slug, nil).fieldOf(err), err, s.calendarPage)
	}
	return rq.done(rq.facPath("/calendar#not-h"), "fact_recorded", itoa(out.Record.ID))
}

// covenantResultForm: POST …/covenant-results.
func (s *Server) covenantResultForm(rq *req) error {
	rq.asks(app.OpRecordCovenantResult)
	if err := rq.allow(app.ActRecordDefault, "record covenant results"); err != nil {
		return err
	}
	const form = "result"
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	r := defaults.CovenantResult{Covenant: f("covenant"), Pass: f("pass") == "pass", Actual: f("actual"), Required: f("required")}
	if r.Covenant == "" {
		return rq.refusedAt(form, "covenant", userErr(http.StatusBadRequest, "Covenant: choose the covenant tested."), s.calendarPage)
	}
	var err error
	if r.PeriodEnd, err = dateField("Period ended", f("period_end")); err != nil {
		return rq.refusedAt(form, "period_end", err, s.calendarPage)
	}
	rq.day = r.PeriodEnd
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.RecordCovenantResult(rq.actx(), in, r)
	if err != nil {
		return rq.refusedAt(form, resultForm(rq.fac.Slug, nil).fieldOf(err), err, s.calendarPage)
	}
	return rq.done(rq.facPath("/calendar#eod-h"), "fact_recorded", itoa(out.Record.ID))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
