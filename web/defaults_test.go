package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
)

// TestDefaultForms: on the calendar page a lender records an event of
// default, the Bank's notice of it, a notice received from the borrower,
// and asks to waive it, each through the use case the API calls
// (RecordDefault, NoticeOfDefault, RecordNotice, RequestWaiver); a refusal
// (the page's own check or the use case's) is shown beside the field it
// names with what was sent, and changes nothing; the borrower has no forms
// and is refused.
func TestDefaultForms(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		svc := e.web.svc
		o := e.signIn(t, "officer@bank.example")
		_, page := o.get("/facilities/btu/calendar")
		for _, want := range []string{`id="record-default"`, `<label for="r-event">Event of default</label>`, `<label for="r-occurred">Occurred</label>`, `id="record-notice"`, `<label for="nr-sent">`} {
			if !strings.Contains(page, want) {
				t.Fatalf("the calendar page has no %s", want)
			}
		}
		// Refusals beside their fields; nothing recorded.
		for _, tc := range []struct {
			form        url.Values
			status      int
			errID, want string
		}{
			{url.Values{"event": {"dissolution"}, "occurred": {"4 Oct"}, "description": {"resolved"}}, http.StatusBadRequest, "r-occurred-err", "Occurred: &#34;4 Oct&#34; is not a date"},
			{url.Values{"event": {"dissolution"}, "occurred": {"2004-10-04"}, "description": {" "}}, http.StatusBadRequest, "r-description-err", "What happened: required"},
			{url.Values{"event": {"bankruptcy"}, "occurred": {"2004-10-04"}, "description": {"resolved"}}, http.StatusUnprocessableEntity, "r-event-err", `event of default &#34;bankruptcy&#34;: not an event of default of facility &#34;btu&#34; on 2004-10-04 (expected one of`},
		} {
			resp, page := o.postPage("/facilities/btu/defaults", tc.form)
			if resp.StatusCode != tc.status || !strings.Contains(page, `id="`+tc.errID+`">Refused, and nothing was changed: `+tc.want) {
				t.Errorf("%v: %d, want %d with %q beside the field: %s", tc.form, resp.StatusCode, tc.status, tc.want, errorsOf(page))
			}
			if !strings.Contains(page, `value="`+tc.form.Get("occurred")+`"`) {
				t.Errorf("%v: the refused form is not shown again with what was sent", tc.form)
			}
		}
		rep, err := svc.DefaultsReport(ctx, "btu", date.MustParse("2004-10-05"))
		if err != nil || len(rep.Defaults) != 0 {
			t.Fatalf("refused forms recorded defaults: %+v %v", rep, err)
		}

		// Recorded, once for the form sent twice.
		form := url.Values{"event": {"dissolution"}, "occurred": {"2004-10-04"}, "description": {"dissolution resolved"}, "idempotency_key": {"eod-1"}}
		var loc string
		for i := 0; i < 2; i++ {
			resp := o.post("/facilities/btu/defaults", form)
			mustStatus(t, "record default", resp.StatusCode, http.StatusSeeOther)
			loc = resp.Header.Get("Location")
		}
		rep, err = svc.DefaultsReport(ctx, "btu", date.MustParse("2004-10-05"))
		if err != nil || len(rep.Defaults) != 1 || rep.Defaults[0].Event != "dissolution" || !rep.Defaults[0].Continuing {
			t.Fatalf("after the form: %+v %v", rep, err)
		}
		id := rep.Defaults[0].ID
		if f := Flash(loc); !strings.Contains(f, "Event of default "+id+" (occurred 2004-10-04) is recorded") {
			t.Errorf("the message after recording: %q (%s)", f, loc)
		}
		_, page = o.get("/facilities/btu/calendar")
		if !strings.Contains(page, `id="eod-`+id+`"`) || !strings.Contains(page, `id="notice-default-`+id+`"`) || !strings.Contains(page, `id="waive-default-`+id+`"`) {
			t.Fatalf("the calendar page does not list the default with its forms")
		}

		// The Bank's notice of it: a time not of its form is refused beside
		// the field; then recorded with when it takes effect.
		resp, page := o.postPage("/facilities/btu/defaults/"+url.PathEscape(id)+"/notice", url.Values{"method": {"courier"}, "sent": {"tomorrow"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="dn-sent-err-`+id+`">Refused, and nothing was changed: Sent: `) || !strings.Contains(page, `value="tomorrow"`) {
			t.Errorf("a notice sent tomorrow: %d %s", resp.StatusCode, section(page, `id="eod-h"`, "</section>"))
		}
		resp = o.post("/facilities/btu/defaults/"+url.PathEscape(id)+"/notice", url.Values{"method": {"courier"}, "sent": {"2004-10-05 10:00"}})
		mustStatus(t, "notice of default", resp.StatusCode, http.StatusSeeOther)
		if f := Flash(resp.Header.Get("Location")); !strings.Contains(f, "is recorded with when it takes effect") {
			t.Errorf("the message after the notice: %q", f)
		}
		// A notice received from the borrower.
		resp = o.post("/facilities/btu/notices", url.Values{"from": {"borrower"}, "to": {"lender"}, "subject": {"records_move"}, "method": {"courier"}, "sent": {"2004-10-05 11:00"}})
		mustStatus(t, "notice received", resp.StatusCode, http.StatusSeeOther)
		rep, err = svc.DefaultsReport(ctx, "btu", date.MustParse("2004-10-08"))
		if err != nil {
			t.Fatal(err)
		}
		var methods []string
		for _, n := range rep.Notices {
			methods = append(methods, n.Method+" "+n.Sent.Format("2006-01-02 15:04"))
		}
		if len(rep.Notices) != 2 || rep.Defaults[0].Notice == nil {
			t.Errorf("notices after the forms: %v; the default's notice %+v", methods, rep.Defaults[0].Notice)
		}

		// A waiver: the use case's refusal beside the agreement; then asked
		// for, waiting for a second lender, and the default continues.
		resp, page = o.postPage("/facilities/btu/defaults/"+url.PathEscape(id)+"/waive", url.Values{"date": {"2004-10-05"}, "agreement": {"side-letter"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="w-agreement-err-`+id+`">Refused, and nothing was changed: `) || !strings.Contains(page, "it must name the agreement it refers to (found &#34;side-letter&#34;") {
			t.Errorf("a waiver naming no agreement of the terms: %d %s", resp.StatusCode, section(page, `id="eod-h"`, "</section>"))
		}
		resp = o.post("/facilities/btu/defaults/"+url.PathEscape(id)+"/waive", url.Values{"date": {"2004-10-05"}, "agreement": {"security-agreement"}, "note": {"consent of 5 Oct"}})
		mustStatus(t, "waiver", resp.StatusCode, http.StatusSeeOther)
		all, err := svc.Requests(ctx, "btu")
		var rs []app.EndRequest
		for _, r := range all {
			if r.Kind == "waiver" {
				rs = append(rs, r)
			}
		}
		if err != nil || len(rs) != 1 || rs[0].Kind != "waiver" || rs[0].Default != id || rs[0].Status != app.RequestRequested || rs[0].RequestedBy != "officer@bank.example" {
			t.Fatalf("requests after the waiver form: %+v %v", rs, err)
		}
		if f := Flash(resp.Header.Get("Location")); !strings.Contains(f, "The waiver of "+id+" is asked for as request") {
			t.Errorf("the message after the waiver: %q", f)
		}
		_, page = o.get("/facilities/btu/calendar")
		if !strings.Contains(page, `id="request-`) || !strings.Contains(page, "You made this request") {
			t.Errorf("the calendar page does not show the waiting waiver")
		}

		// The borrower has no forms and is refused.
		b := e.signIn(t, "controller@btu.example")
		_, page = b.get("/facilities/btu/calendar")
		if strings.Contains(page, `id="record-default"`) || strings.Contains(page, `id="waive-default-`) {
			t.Errorf("the borrower is offered the lender's forms")
		}
		resp, _ = b.postPage("/facilities/btu/defaults", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("the borrower records a default: %d", resp.StatusCode)
		}
	})
}

// errorsOf is the page's error paragraphs and spans, for a test's message.
func errorsOf(page string) string {
	var out []string
	for _, p := range strings.Split(page, `class="error"`)[1:] {
		out = append(out, p[:min(len(p), 300)])
	}
	return strings.Join(out, "\n")
}
