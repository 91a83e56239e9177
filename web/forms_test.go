package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// as is a context whose actor is the fixture's user email (for changes
// made outside the pages, through the use cases).
func (e *env) as(t *testing.T, email string) context.Context {
	t.Helper()
	u, err := e.acc.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return app.WithActor(context.Background(), app.Actor{User: u.Email, UserID: u.ID, Role: u.Role, Facilities: u.Facilities, Via: "test"})
}

// restate: the borrower submits the restated statements of 2006 Q2
// again at the clock's time, a restatement waiting for a lender's
// acceptance; it returns the request.
func (e *env) restate(t *testing.T) app.Recorded {
	t.Helper()
	sts, err := covenant.ReadStatements("financials-restated-2006q2.csv", e.data["financials-restated-2006q2.csv"])
	if err != nil {
		t.Fatal(err)
	}
	_, pending, err := e.web.svc.AddStatements(e.as(t, "controller@btu.example"), "btu", sts, "controller@btu.example")
	if err != nil || len(pending) != 1 {
		t.Fatalf("restatement: %v %v", pending, err)
	}
	return pending[0]
}

// TestRequestsOnThePages: a restatement waiting for acceptance is listed
// on the covenants page and the overview with the lender's accept and
// reject forms (the borrower who made it sees none); a rejection without
// a comment is refused naming the field; the lender's acceptance is the
// use case's (app.Service.DecideRequest), audited as the request's
// approval, and the failing test it brings is an event of default. As
// known before the acceptance, the pages show the default not continuing
// then and continuing now, and why: the restated statements accepted. A
// cure asked by the officer cannot be approved by the officer (the
// maker-checker rule, shown as the page's message); the admin approves it.
func TestRequestsOnThePages(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.setClock(time.Date(2006, 11, 14, 10, 0, 0, 0, time.UTC))
		req := e.restate(t)
		id := req.Record.ID
		e.setClock(time.Date(2006, 11, 20, 15, 0, 0, 0, time.UTC))
		b := e.signIn(t, "controller@btu.example")
		o := e.signIn(t, "officer@bank.example")
		a := e.signIn(t, "admin@bank.example")
		for _, p := range []string{"/facilities/btu/covenants", "/facilities/btu"} {
			_, page := o.get(p)
			item := section(page, fmt.Sprintf("request-%d", id), "</li>")
			if !strings.Contains(item, "Restated statements for the period ended") || !strings.Contains(item, fmt.Sprintf(`id="approve-request-%d">Accept<`, id)) ||
				!strings.Contains(item, fmt.Sprintf(`id="reject-request-%d"`, id)) {
				t.Errorf("%s: the officer is not offered to accept or reject request %d:\n%s", p, id, item)
			}
			_, page = b.get(p)
			item = section(page, fmt.Sprintf("request-%d", id), "</li>")
			if item == "" || strings.Contains(item, "approve-request") || !strings.Contains(item, "someone else approves or rejects it") {
				t.Errorf("%s: the borrower's view of their own request:\n%s", p, item)
			}
		}
		path := fmt.Sprintf("/facilities/btu/requests/%d/", id)
		resp, page := o.postPage(path+"reject", url.Values{"back": {"covenants"}, "idempotency_key": {"r1"}})
		mustStatus(t, "reject without a comment", resp.StatusCode, http.StatusBadRequest)
		if !strings.Contains(page, "Comment: say why request") || !strings.Contains(page, "<h1>Covenants</h1>") {
			t.Errorf("a rejection without a comment: %s", section(page, "main", "</div>"))
		}
		resp, page = b.postPage(path+"approve", url.Values{"back": {"covenants"}})
		mustStatus(t, "the borrower accepts", resp.StatusCode, http.StatusForbidden)
		resp = o.post(path+"approve", url.Values{"back": {"covenants"}, "idempotency_key": {"q1"}})
		mustStatus(t, "accept", resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/facilities/btu/covenants?done=") || !strings.Contains(Flash(loc), "is approved") {
			t.Errorf("accept redirects to %s", loc)
		}
		// The same form again is the same decision.
		mustStatus(t, "accept again", o.post(path+"approve", url.Values{"back": {"covenants"}, "idempotency_key": {"q1"}}).StatusCode, http.StatusSeeOther)
		rs, _ := e.web.svc.Requests(context.Background(), "btu")
		if q, ok := findReq(rs, id); !ok || q.Status != app.RequestApproved || q.DecidedBy != "officer@bank.example" {
			t.Fatalf("request %d after the acceptance: %+v", id, q)
		}
		recs := e.auditOf(t, "web POST /facilities/{slug}/requests/{id}/{decision}")
		done := 0
		for _, r := range recs {
			if r.Result == store.AuditDone {
				done++
				if r.Kind != "request" || r.Action != "approve" || r.Actor != "officer@bank.example" {
					t.Errorf("audit record of the acceptance: %+v", r)
				}
			}
		}
		if done != 1 {
			t.Errorf("%d audit records of the acceptance done, want 1: %+v", done, recs)
		}

		// As known before the acceptance, and as known now.
		e.setClock(time.Date(2006, 11, 24, 15, 0, 0, 0, time.UTC))
		o, a = e.signIn(t, "officer@bank.example"), e.signIn(t, "admin@bank.example") // the sessions of the 20th have ended
		q := url.Values{"as_of": {"2006-11-20"}, "known": {"given"}, "known_at": {"2006-11-20 12:00"}}
		_, page = o.get("/facilities/btu?" + q.Encode())
		h := section(page, "defaults-hindsight", "</div>")
		if !strings.Contains(h, "continuing as known now") || !strings.Contains(h, "period ended <time datetime=\"2006-07-02\">") ||
			!strings.Contains(h, "restated statements for the period ended 2006-07-02 (submitted by controller@btu.example) accepted 2006-11-20 by officer@bank.example") {
			t.Errorf("the overview as known before the acceptance does not show the default with why:\n%s", h)
		}
		ah := section(page, "hindsight", "</div>")
		if !strings.Contains(ah, "test for the period ended 2006-07-02 (event of default covenant_failed:minimum_net_income:2006-07-02) continues as known now: restated statements for the period ended 2006-07-02") {
			t.Errorf("availability's hindsight does not say why advances are blocked now:\n%s", ah)
		}
		q = url.Values{"as_known_on": {"2006-11-20"}, "known": {"given"}, "known_at": {"2006-11-20 12:00"}}
		_, page = o.get("/facilities/btu/covenants?" + q.Encode())
		if !strings.Contains(section(page, "defaults-hindsight", "</div>"), "accepted 2006-11-20 by officer@bank.example") {
			t.Errorf("the covenants page does not show the default as known now with why:\n%s", section(page, "cov-eod-h", "</section>"))
		}
		// As known now, one answer: the default continues.
		_, page = o.get("/facilities/btu?as_of=2006-11-20&known=now")
		if strings.Contains(page, "defaults-hindsight") || !strings.Contains(page, "minimum_net_income failed for the period ended 2006-07-02") {
			t.Errorf("the overview as known now: %s", section(page, "eod-h", "</section>"))
		}

		// A cure asked by the officer: the officer cannot approve it.
		ds, err := e.web.svc.DefaultsContinuing(context.Background(), "btu", e.today(t), time.Time{})
		if err != nil || len(ds) == 0 {
			t.Fatalf("no default continues after the acceptance: %v", err)
		}
		var def defaults.Default
		for _, d := range ds {
			if d.Covenant == "minimum_net_income" {
				def = d
			}
		}
		cure, err := e.web.svc.RequestCure(e.as(t, "officer@bank.example"), app.FactInput{Facility: "btu", Key: "cure-1", By: "officer@bank.example"}, def.ID, e.today(t), "paid down")
		if err != nil {
			t.Fatal(err)
		}
		cpath := fmt.Sprintf("/facilities/btu/requests/%d/", cure.Record.ID)
		_, page = o.get("/facilities/btu")
		if item := section(page, fmt.Sprintf("request-%d", cure.Record.ID), "</li>"); !strings.Contains(item, "Cure of") || strings.Contains(item, "approve-request") {
			t.Errorf("the officer's own cure request: %s", item)
		}
		resp, page = o.postPage(cpath+"approve", url.Values{"idempotency_key": {"own"}})
		mustStatus(t, "the officer approves their own cure", resp.StatusCode, http.StatusForbidden)
		if !strings.Contains(page, fmt.Sprintf("Refused, and nothing was changed: cure request %d of %s was made by officer@bank.example: a second person must decide it", cure.Record.ID, def.ID)) {
			t.Errorf("the maker's refusal: %s", section(page, "main", "</div>"))
		}
		resp = a.post(cpath+"approve", url.Values{"idempotency_key": {"adm"}})
		mustStatus(t, "the admin approves the cure", resp.StatusCode, http.StatusSeeOther)
		ds, _ = e.web.svc.DefaultsContinuing(context.Background(), "btu", e.today(t), time.Time{})
		for _, d := range ds {
			if d.ID == def.ID {
				t.Errorf("the default continues after its cure was approved: %+v", d)
			}
		}
	})
}

func findReq(rs []app.EndRequest, id int64) (app.EndRequest, bool) {
	for _, r := range rs {
		if r.ID == id {
			return r, true
		}
	}
	return app.EndRequest{}, false
}

// today is the business date.
func (e *env) today(t *testing.T) date.Date {
	t.Helper()
	d, err := e.web.svc.BusinessDate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRepaymentForm: the loans page's repayment form records a repayment
// through the use case (app.Service.Repay), once for the same form sent
// twice, audited as the API's (repayment record); errors name the field;
// a back-valued repayment from the borrower is refused with the rule.
func TestRepaymentForm(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		approvedCertificate(t, e)
		ctx := context.Background()
		b := e.signIn(t, "controller@btu.example")
		mustStatus(t, "advance", b.post("/facilities/btu/advances", url.Values{"amount": {"100,000.00"}, "value_date": {"2004-10-05"}, "idempotency_key": {"a"}}).StatusCode, http.StatusSeeOther)
		_, page := b.get("/facilities/btu/loans")
		if !strings.Contains(page, `id="record-repayment"`) || !strings.Contains(page, `<label for="rep-amount">Repayment amount (USD)</label>`) {
			t.Fatal("the loans page offers no repayment form")
		}
		for i := 0; i < 2; i++ {
			resp := b.post("/facilities/btu/repayments", url.Values{"amount": {"40,000.00"}, "value_date": {"2004-10-05"}, "idempotency_key": {"rep-1"}})
			mustStatus(t, "repayment", resp.StatusCode, http.StatusSeeOther)
			if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "is recorded") {
				t.Errorf("repayment %d redirects to %s", i+1, loc)
			}
		}
		a, err := e.web.svc.Availability(ctx, "btu", 0, time.Time{})
		if err != nil || a.LoansOutstanding != 6_000_000 {
			t.Fatalf("loans after the repayment sent twice: %s (%v), want 60,000.00", a.LoansOutstanding.Grouped(), err)
		}
		recs := e.auditOf(t, "web POST /facilities/{slug}/repayments")
		if len(recs) != 1 || recs[0].Kind != "repayment" || recs[0].Action != "record" || recs[0].Actor != "controller@btu.example" || recs[0].Amount != 4_000_000 {
			t.Errorf("audit records of the repayment: %+v", recs)
		}
		for _, tc := range []struct {
			form   url.Values
			status int
			want   string
			errID  string // the field the refusal is shown beside
		}{
			{url.Values{"amount": {"forty"}, "value_date": {"2004-10-05"}}, http.StatusBadRequest, `Repayment amount: &#34;forty&#34; is not an amount`, "rep-amount-err"},
			{url.Values{"amount": {"0"}, "value_date": {"2004-10-05"}}, http.StatusBadRequest, `Repayment amount: 0.00 is not greater than zero`, "rep-amount-err"},
			{url.Values{"amount": {"10.00"}, "value_date": {"5 Oct"}}, http.StatusBadRequest, `Repayment value date: &#34;5 Oct&#34; is not a date`, "rep-vd-err"},
			{url.Values{"amount": {"10.00"}, "value_date": {"2004-10-04"}}, http.StatusForbidden, `repayment value 2004-10-04 is before the business date 2004-10-05: a back-valued repayment is a correction only a lender may ask for`, "rep-vd-err"},
			{url.Values{"amount": {"10.00"}, "value_date": {"2004-10-09"}}, http.StatusUnprocessableEntity, `not a banking day`, "rep-vd-err"},
		} {
			resp, page := b.postPage("/facilities/btu/repayments", tc.form)
			if resp.StatusCode != tc.status || !strings.Contains(page, tc.want) {
				t.Errorf("%v: %d, want %d with %q: %s", tc.form, resp.StatusCode, tc.status, tc.want, section(page, "main", "</div>"))
			}
			if i := strings.Index(page, `id="`+tc.errID+`">`); i < 0 || !strings.Contains(page[i:min(i+600, len(page))], tc.want) {
				t.Errorf("%v: the refusal is not beside the field (%s): %s", tc.form, tc.errID, errorsOf(page))
			}
			if !strings.Contains(page, `value="`+tc.form.Get("amount")+`"`) {
				t.Errorf("%v: the refused form is not shown again with what was sent", tc.form)
			}
		}
		an := e.signIn(t, "analyst@bank.example")
		resp, page := an.postPage("/facilities/btu/repayments", url.Values{"amount": {"10.00"}, "value_date": {"2004-10-05"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "Your role (lender analyst) cannot record repayments") {
			t.Errorf("the analyst's repayment: %d", resp.StatusCode)
		}
		if a, _ := e.web.svc.Availability(ctx, "btu", 0, time.Time{}); a.LoansOutstanding != 6_000_000 {
			t.Errorf("refused repayments changed the loans to %s", a.LoansOutstanding.Grouped())
		}
	})
}

// TestCorrections: a lender asks on the loans page for a back-valued
// repayment and a back-valued advance, with the reason (required); the
// asker cannot approve either (the maker-checker rule, shown as the page's
// message); a second lender approves them, and the loans page shows the
// corrections posted.
func TestCorrections(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		approvedCertificate(t, e)
		ctx := context.Background()
		o := e.signIn(t, "officer@bank.example")
		a := e.signIn(t, "admin@bank.example")
		b := e.signIn(t, "controller@btu.example")
		_, page := b.get("/facilities/btu/loans")
		if strings.Contains(page, `id="request-correction"`) {
			t.Error("the borrower is offered to ask for corrections")
		}
		resp, page := b.postPage("/facilities/btu/corrections", url.Values{"kind": {"advance"}, "amount": {"10.00"}, "value_date": {"2004-10-04"}, "reason": {"x"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "cannot ask for corrections") {
			t.Errorf("the borrower's correction: %d", resp.StatusCode)
		}
		_, page = o.get("/facilities/btu/loans")
		if !strings.Contains(page, `id="request-correction"`) || !strings.Contains(page, `<label for="corr-reason">Reason for the correction</label>`) {
			t.Fatal("the officer is not offered the correction form")
		}
		resp, page = o.postPage("/facilities/btu/corrections", url.Values{"kind": {"repayment"}, "amount": {"5,000.00"}, "value_date": {"2004-10-04"}, "reason": {"  "}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Reason for the correction: say why") {
			t.Errorf("a correction without a reason: %d %s", resp.StatusCode, section(page, "main", "</div>"))
		}
		resp, page = o.postPage("/facilities/btu/corrections", url.Values{"kind": {"advance"}, "amount": {"5,000.00"}, "value_date": {"2004-10-05"}, "reason": {"late"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "a reason is given for corrections, value-dated before the business date 2004-10-05; this one is not") {
			t.Errorf("a correction not back-valued: %d %s", resp.StatusCode, section(page, "main", "</div>"))
		}
		// The advance first (the repayment of it follows).
		resp = o.post("/facilities/btu/corrections", url.Values{"kind": {"advance"}, "amount": {"20,000.00"}, "value_date": {"2004-10-04"}, "reason": {"wire of 2004-10-04 not booked"}, "idempotency_key": {"ca"}})
		mustStatus(t, "advance correction", resp.StatusCode, http.StatusSeeOther)
		resp = o.post("/facilities/btu/corrections", url.Values{"kind": {"repayment"}, "amount": {"5,000.00"}, "value_date": {"2004-10-04"}, "reason": {"receipt of 2004-10-04 not booked"}, "idempotency_key": {"cr"}})
		mustStatus(t, "repayment correction", resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "waits for a second lender") {
			t.Errorf("the repayment correction redirects to %s", loc)
		}
		rs, _ := e.st.AdvanceRequests(ctx, "btu")
		cs, _ := e.web.svc.RepaymentCorrections(ctx, "btu")
		if len(rs) != 1 || rs[0].Status != store.AdvanceRequested || rs[0].Reason == "" || len(cs) != 1 || cs[0].Status != store.PendingRequested {
			t.Fatalf("after asking: advance requests %+v, corrections %+v", rs, cs)
		}
		adv, rep := rs[0].ID, cs[0].ID
		if txs, _ := e.st.Transactions(ctx, "btu"); len(txs) != 0 {
			t.Fatalf("a correction was posted before its approval: %+v", txs)
		}
		// The asker sees them waiting, without the approval.
		_, page = o.get("/facilities/btu/loans")
		if strings.Contains(page, fmt.Sprintf(`id="approve-correction-%d"`, rep)) || strings.Contains(page, fmt.Sprintf(`id="approve-advance-%d"`, adv)) ||
			!strings.Contains(page, "you asked for it: a second lender decides") {
			t.Errorf("the asker is offered to approve their own corrections")
		}
		resp, page = o.postPage(fmt.Sprintf("/facilities/btu/corrections/%d/approve", rep), url.Values{})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, fmt.Sprintf("Refused, and nothing was changed: pending repayment_correction %d was requested by officer@bank.example: someone else must decide it", rep)) {
			t.Errorf("the asker approves their repayment correction: %d %s", resp.StatusCode, section(page, "main", "</div>"))
		}
		resp, page = o.postPage(fmt.Sprintf("/facilities/btu/advances/%d/approve", adv), url.Values{})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "the approver must be someone other than the requester") {
			t.Errorf("the asker approves their advance correction: %d %s", resp.StatusCode, section(page, "main", "</div>"))
		}
		// The second lender.
		_, page = a.get("/facilities/btu/loans")
		if !strings.Contains(page, fmt.Sprintf(`id="approve-correction-%d"`, rep)) || !strings.Contains(page, fmt.Sprintf(`id="approve-advance-%d"`, adv)) {
			t.Fatal("the second lender is not offered to approve the corrections")
		}
		mustStatus(t, "approve the advance", a.post(fmt.Sprintf("/facilities/btu/advances/%d/approve", adv), url.Values{"idempotency_key": {"x1"}}).StatusCode, http.StatusSeeOther)
		resp = a.post(fmt.Sprintf("/facilities/btu/corrections/%d/approve", rep), url.Values{"idempotency_key": {"x2"}})
		mustStatus(t, "approve the repayment", resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "the repayment is posted") {
			t.Errorf("the approval redirects to %s", loc)
		}
		_, page = a.get("/facilities/btu/loans")
		for _, want := range []string{"correction: receipt of 2004-10-04 not booked", "wire of 2004-10-04 not booked", `<span class="badge approved">approved</span> <span class="small">by admin@bank.example`} {
			if !strings.Contains(page, want) {
				t.Errorf("the loans page after the approvals does not show %q", want)
			}
		}
		av, _ := e.web.svc.Availability(ctx, "btu", 0, time.Time{})
		if av.LoansOutstanding != 1_500_000 {
			t.Errorf("loans %s after the corrections, want 15,000.00", av.LoansOutstanding.Grouped())
		}
		// The refusal, then the approval (the record takes the pending
		// action's kind, as the API's).
		if recs := e.auditOf(t, "web POST /facilities/{slug}/corrections/{id}/{decision}"); len(recs) != 2 || recs[0].Result != store.AuditRefused ||
			recs[1].Result != store.AuditDone || recs[1].Kind != "repayment_correction" || recs[1].Action != "approve" || recs[1].Actor != "admin@bank.example" {
			for _, r := range recs {
				t.Errorf("audit record of a decision on the correction: %s", r.Summary)
			}
		}
	})
}
