package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/date"
	"revolver/defaults"
)

// defaultForms are the calendar page's forms of the events of default:
// record one, the Bank's notice of one, a notice received (or given), and
// a request to waive one; each calls the use case the API calls.
type defaultForms struct {
	Can       bool // the role matrix lets the user record (ActRecordDefault)
	Key       string
	Events    []agreement.EventOfDefault
	Documents []agreement.Document
	Parties   []agreement.Party
	Methods   []string
	Zone      string
	Defaults  []defaults.Default
	// Form is the form refused ("record", "notice", "default-notice",
	// "waiver"), For the default its form concerned, Field the field the
	// refusal names ("" the form as a whole), Err the refusal, Sent what
	// was sent.
	Form, For, Field, Err string
	Sent                  map[string]string
	// Remedies are the forms of each continuing event of default (by
	// id); Confirm and Result those of notice confirmations and covenant
	// results (web/remedies.go).
	Remedies        map[string][]*fieldForm
	Confirm, Result *fieldForm
}

// Refused reports whether the refusal is of form f (about default id, ""
// for a form of the page).
func (d defaultForms) Refused(f, id string) bool {
	if d.Err != "" && d.Form == f && d.For == id {
		return true
	}
	for _, x := range d.Remedies[id] {
		if f == "remedy" && x.Err != "" {
			return true
		}
	}
	return false
}

// ErrAt is the refusal to show beside field of form f (about default id).
func (d defaultForms) ErrAt(f, id, field string) string {
	if d.Refused(f, id) && d.Field == field {
		return d.Err
	}
	return ""
}

// Value is what was sent in field of form f (about id), "" otherwise.
func (d defaultForms) Value(f, id, field string) string {
	if d.Form == f && d.For == id {
		return d.Sent[field]
	}
	return ""
}

// defaultFormFields are the fields a refused form is shown again with.
var defaultFormFields = []string{"event", "occurred", "description", "method", "sent", "confirmed", "courier_copy", "under",
	"from", "to", "subject", "default", "date", "agreement", "covenant", "period", "note"}

// defaultForms fills the forms of the calendar page on asOf from the
// terms in force then and the report's events of default.
func (s *Server) defaultForms(rq *req, asOf date.Date, rep *defaults.Report) defaultForms {
	df := defaultForms{Can: rq.may(app.ActRecordDefault), Key: newKey(), Sent: map[string]string{}}
	if rep != nil {
		df.Defaults = rep.Defaults
		df.Zone = rep.Calendar.Zone
	}
	if t, err := s.terms.TermsAsOf(ctxOf(rq), rq.fac.Slug, asOf); err == nil {
		df.Events, df.Documents, df.Parties = t.EventsOfDefault, t.Documents, t.Parties
		for _, m := range t.Notices {
			df.Methods = append(df.Methods, m.Method)
		}
	}
	var notices, covenants []string
	if rep != nil {
		for _, n := range rep.Notices {
			if n.Notice != "" {
				notices = append(notices, n.Notice)
			}
		}
	}
	if t, err := s.terms.TermsAsOf(ctxOf(rq), rq.fac.Slug, asOf); err == nil {
		for _, c := range t.Covenants {
			covenants = append(covenants, c.ID)
		}
	}
	df.Confirm, df.Result = confirmForm(rq.fac.Slug, notices), resultForm(rq.fac.Slug, covenants)
	all := []*fieldForm{df.Confirm, df.Result}
	df.Remedies = map[string][]*fieldForm{}
	for _, d := range df.Defaults {
		if d.Continuing {
			df.Remedies[d.ID] = remedyForms(rq.fac.Slug, d.ID, df.Methods)
			all = append(all, df.Remedies[d.ID]...)
		}
	}
	rq.fill(all...)
	if rq.r.Method == http.MethodPost && rq.formErr != nil {
		df.Form, df.For, df.Field, df.Err = rq.formErr.form, rq.r.PathValue("id"), rq.formErr.field, rq.errMsg
		for _, k := range defaultFormFields {
			df.Sent[k] = rq.r.PostFormValue(k)
		}
	}
	return df
}

// formErr is the form and the field a refusal is of, shown beside it.
type formErr struct{ form, field string }

// refusedAt shows the page again with the refusal beside field of form.
func (rq *req) refusedAt(form, field string, err error, page func(*req) error) error {
	rq.formErr = &formErr{form, field}
	return rq.refused(err, page)
}

// noticeZone is the zone the facility's notices are counted in.
func (s *Server) noticeZone(rq *req) (*time.Location, error) {
	t, err := s.terms.TermsAsOf(ctxOf(rq), rq.fac.Slug, rq.today())
	if err != nil {
		return nil, err
	}
	return defaults.Location(t)
}

// timeField reads a time field (YYYY-MM-DD HH:MM in the facility's zone,
// or RFC 3339); optional fields may be empty (nil).
func timeField(label, v string, required bool, loc *time.Location) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return nil, userErr(http.StatusBadRequest, label+": required: enter the time as YYYY-MM-DD HH:MM in the facility's zone, for example 2005-06-02 10:00.")
		}
		return nil, nil
	}
	t, err := defaults.ParseTime(v, loc)
	if err != nil {
		return nil, userErr(http.StatusBadRequest, label+": "+err.Error()+".")
	}
	return &t, nil
}

// readNotice reads the notice fields of a form: method, sent, and the
// fax's confirmation and courier copy.
func (s *Server) readNotice(rq *req) (defaults.Notice, string, error) {
	n := defaults.Notice{Method: strings.TrimSpace(rq.r.PostFormValue("method")), Under: strings.TrimSpace(rq.r.PostFormValue("under"))}
	if n.Method == "" {
		return n, "method", userErr(http.StatusBadRequest, "Method: required: a notice method of the terms, e.g. courier or fax.")
	}
	loc, err := s.noticeZone(rq)
	if err != nil {
		return n, "", err
	}
	sent, err := timeField("Sent", rq.r.PostFormValue("sent"), true, loc)
	if err != nil {
		return n, "sent", err
	}
	n.Sent = *sent
	if n.Confirmed, err = timeField("Confirmed", rq.r.PostFormValue("confirmed"), false, loc); err != nil {
		return n, "confirmed", err
	}
	if n.CourierCopy, err = timeField("Courier copy", rq.r.PostFormValue("courier_copy"), false, loc); err != nil {
		return n, "courier_copy", err
	}
	return n, "", nil
}

// factInput is the use cases' input of a fact recorded through a form.
func (rq *req) factInput() (app.FactInput, error) {
	key, err := rq.clientKey()
	return app.FactInput{Facility: rq.fac.Slug, Key: key, By: rq.user.Email}, err
}

// recordDefaultForm records an event of default of the terms as occurred
// (app.Service.RecordDefault).
func (s *Server) recordDefaultForm(rq *req) error {
	rq.asks(app.OpRecordDefault)
	if err := rq.allow(app.ActRecordDefault, "record events of default"); err != nil {
		return err
	}
	const form = "record"
	ev := strings.TrimSpace(rq.r.PostFormValue("event"))
	if ev == "" {
		return rq.refusedAt(form, "event", userErr(http.StatusBadRequest, "Event of default: choose the event of the terms that occurred."), s.calendarPage)
	}
	occ, err := dateField("Occurred", rq.r.PostFormValue("occurred"))
	rq.day = occ
	if err != nil {
		return rq.refusedAt(form, "occurred", err, s.calendarPage)
	}
	desc := strings.TrimSpace(rq.r.PostFormValue("description"))
	if desc == "" {
		return rq.refusedAt(form, "description", userErr(http.StatusBadRequest, "What happened: required: describe the event (the lender's record of it)."), s.calendarPage)
	}
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.RecordDefault(rq.actx(), in, defaults.DefaultRecord{Event: ev, Occurred: occ, Description: desc})
	if err != nil {
		return rq.refusedAt(form, useCaseField(err, "event"), err, s.calendarPage)
	}
	return rq.done(rq.facPath("/calendar#eod-h"), "default_recorded", out.ID, occ.String())
}

// useCaseField is the field a use case's refusal names: event for an
// unknown event, "" (the form) otherwise.
func useCaseField(err error, def string) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not an event of default of facility"):
		return def
	case strings.Contains(msg, "must name the agreement"):
		return "agreement"
	case strings.Contains(msg, "must name the covenant"):
		return "covenant"
	case strings.Contains(msg, "must name the period"):
		return "period"
	case strings.Contains(msg, "method"):
		return "method"
	}
	return ""
}

// noticeOfDefaultForm records the Bank's notice of an event of default
// (app.Service.NoticeOfDefault).
func (s *Server) noticeOfDefaultForm(rq *req) error {
	rq.asks(app.OpNoticeOfDefault)
	if err := rq.allow(app.ActRecordDefault, "record notices of default"); err != nil {
		return err
	}
	const form = "default-notice"
	n, field, err := s.readNotice(rq)
	if err != nil {
		return rq.refusedAt(form, field, err, s.calendarPage)
	}
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.NoticeOfDefault(rq.actx(), in, rq.r.PathValue("id"), n)
	if err != nil {
		return rq.refusedAt(form, useCaseField(err, ""), err, s.calendarPage)
	}
	return rq.done(rq.facPath("/calendar#not-h"), "notice_recorded", out.ID)
}

// recordNoticeForm records a notice received or given under the agreement
// (app.Service.RecordNotice), with when it takes effect.
func (s *Server) recordNoticeForm(rq *req) error {
	rq.asks(app.OpRecordNotice)
	if err := rq.allow(app.ActRecordDefault, "record notices"); err != nil {
		return err
	}
	const form = "notice"
	for _, f := range []struct{ name, label string }{{"from", "From"}, {"to", "To"}, {"subject", "Subject"}} {
		if strings.TrimSpace(rq.r.PostFormValue(f.name)) == "" {
			return rq.refusedAt(form, f.name, userErr(http.StatusBadRequest, f.label+": required."), s.calendarPage)
		}
	}
	n, field, err := s.readNotice(rq)
	if err != nil {
		return rq.refusedAt(form, field, err, s.calendarPage)
	}
	n.From, n.To = strings.TrimSpace(rq.r.PostFormValue("from")), strings.TrimSpace(rq.r.PostFormValue("to"))
	n.Subject, n.Default = strings.TrimSpace(rq.r.PostFormValue("subject")), strings.TrimSpace(rq.r.PostFormValue("default"))
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.RecordNotice(rq.actx(), in, n)
	if err != nil {
		f := useCaseField(err, "")
		if strings.Contains(err.Error(), "name the default") {
			f = "default"
		}
		return rq.refusedAt(form, f, err, s.calendarPage)
	}
	return rq.done(rq.facPath("/calendar#not-h"), "notice_recorded", out.ID)
}

// requestWaiverForm asks for a waiver of an event of default
// (app.Service.RequestWaiver); a second lender approves it among the
// requests.
func (s *Server) requestWaiverForm(rq *req) error {
	rq.asks(app.OpRequestWaiver)
	if err := rq.allow(app.ActRecordDefault, "ask for waivers"); err != nil {
		return err
	}
	const form = "waiver"
	d, err := dateField("Waiver date", rq.r.PostFormValue("date"))
	rq.day = d
	if err != nil {
		return rq.refusedAt(form, "date", err, s.calendarPage)
	}
	ag := strings.TrimSpace(rq.r.PostFormValue("agreement"))
	if ag == "" {
		return rq.refusedAt(form, "agreement", userErr(http.StatusBadRequest, "Agreement: required: the document the written consent refers to, e.g. security-agreement (Security Agreement ¶16)."), s.calendarPage)
	}
	var period date.Date
	if v := strings.TrimSpace(rq.r.PostFormValue("period")); v != "" {
		if period, err = dateField("Period ended", v); err != nil {
			return rq.refusedAt(form, "period", err, s.calendarPage)
		}
	}
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.RequestWaiver(rq.actx(), in, app.WaiverRequest{Default: rq.r.PathValue("id"), Date: d, Agreement: ag,
		Covenant: strings.TrimSpace(rq.r.PostFormValue("covenant")), Period: period, Note: strings.TrimSpace(rq.r.PostFormValue("note"))})
	if err != nil {
		return rq.refusedAt(form, useCaseField(err, ""), err, s.calendarPage)
	}
	id := int64(0)
	if out.Request != nil {
		id = out.Request.ID
	}
	return rq.done(rq.facPath("/calendar#eod-h"), "waiver_requested", rq.r.PathValue("id"), fmt.Sprint(id))
}
