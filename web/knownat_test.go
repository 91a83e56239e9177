package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"revolver/date"
)

// section returns the part of page from the element with id to the end of
// its first closing tag of kind tag (for messages on failure and checks).
func section(page, id, end string) string {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], end)
	if j < 0 {
		return page[i:]
	}
	return page[i : i+j]
}

// approvedCertificate: the borrower uploads the example certificate (as
// of 2004-10-03) and the officer approves it at the clock's time.
func approvedCertificate(t *testing.T, e *env) {
	t.Helper()
	b := e.signIn(t, "controller@btu.example")
	mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	o := e.signIn(t, "officer@bank.example")
	mustStatus(t, "approve", o.post("/facilities/btu/certificates/1/approve", url.Values{"idempotency_key": {"c1"}}).StatusCode, http.StatusSeeOther)
}

// TestKnownAtAvailability: the As known at control of the overview and
// the loans page. As known before the certificate was approved (a time
// given), availability on 2004-10-04 was undetermined; as known now it is
// the certificate's: the pages show both figures, the borrowing base of
// each and why they differ (the later certificate's approval). Now, or the
// end of business of the business date, shows one figure. A time that is
// not one is named as the field's error.
func TestKnownAtAvailability(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		approvedCertificate(t, e)
		ctx := context.Background()
		now, err := e.web.svc.Availability(ctx, "btu", date.MustParse("2004-10-04"), testNow)
		if err != nil || !now.Determined {
			t.Fatalf("availability as known now: %+v %v", now, err)
		}
		o := e.signIn(t, "officer@bank.example")
		for _, p := range []string{"/facilities/btu", "/facilities/btu/loans"} {
			q := url.Values{"as_of": {"2004-10-04"}, "known": {"given"}, "known_at": {"2004-10-05 12:00"}}
			resp, page := o.get(p + "?" + q.Encode())
			mustStatus(t, p, resp.StatusCode, 200)
			h := section(page, "hindsight", "</div>")
			for _, want := range []string{
				`id="avail-then">undetermined<`, `id="avail-now">` + now.Available.Grouped() + `<`,
				`id="bb-now">` + now.BorrowingBase.Grouped() + `<`,
				"a later certificate, 1 as of 2004-10-03, approved 2004-10-05 14:00 UTC (after 2004-10-05 12:00 UTC), is in force on 2004-10-04",
			} {
				if !strings.Contains(h, want) {
					t.Errorf("%s as known at noon: the hindsight does not say %q:\n%s", p, want, h)
				}
			}
			if !strings.Contains(page, `value="given" checked`) || !strings.Contains(page, `value="2004-10-05 12:00"`) {
				t.Errorf("%s: the control does not show the time given", p)
			}
			// Now: every fact recorded, one figure.
			resp, page = o.get(p + "?as_of=2004-10-04&known=now")
			mustStatus(t, p+" now", resp.StatusCode, 200)
			if strings.Contains(page, `id="hindsight"`) || !strings.Contains(page, "USD "+now.Available.Grouped()) || !strings.Contains(page, `value="now" checked`) {
				t.Errorf("%s as known now: hindsight shown or the figure missing", p)
			}
			// The default on the business date: its business has not ended.
			_, page = o.get(p)
			if strings.Contains(page, `id="hindsight"`) || !strings.Contains(page, `value="end_of_business" checked`) || !strings.Contains(page, "not ended yet: as known now") {
				t.Errorf("%s by default: hindsight shown or the default not chosen", p)
			}
			// A time that is not one.
			resp, page = o.get(p + "?as_of=2004-10-04&known=given&known_at=yesterday")
			mustStatus(t, p+" bad time", resp.StatusCode, http.StatusBadRequest)
			if !strings.Contains(page, `role="alert">As known at, a given time: &#34;yesterday&#34; is not a time.`) || !strings.Contains(page, `aria-invalid="true"`) {
				t.Errorf("%s: the bad time is not named: %s", p, section(page, "known_at", "</fieldset>"))
			}
			resp, page = o.get(p + "?as_of=2004-10-04&known=given")
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "enter a date and time (UTC)") {
				t.Errorf("%s: a given time left empty: %d", p, resp.StatusCode)
			}
		}
		// The API's known_at reads the same rule.
		api, err := e.web.svc.ResolveKnownAt(ctx, "btu", date.MustParse("2004-10-04"), "2004-10-05T12:00")
		if err != nil || !api.At.Equal(time.Date(2004, 10, 5, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("ResolveKnownAt: %+v %v", api, err)
		}
	})
}
