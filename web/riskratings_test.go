package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRiskRatingForm: an officer rates the facility on its page and puts
// it on the watch list; the page shows the rating and the history, the
// morning the watch list; a rating that is not a number is refused next
// to the form and stores nothing; the borrower sees the rating, no form,
// and may not post one.
func TestRiskRatingForm(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		l := e.signIn(t, "officer@bank.example")
		mustStatus(t, "rate", l.post("/facilities/btu/risk-ratings", url.Values{"rating": {"4"}, "reason": {"annual review"}, "idempotency_key": {"k1"}}).StatusCode, http.StatusSeeOther)
		mustStatus(t, "watch", l.post("/facilities/btu/risk-ratings", url.Values{"rating": {"8"}, "watch": {"on"}, "reason": {"sales fell by a third"}, "idempotency_key": {"k2"}}).StatusCode, http.StatusSeeOther)
		resp, body := l.postPage("/facilities/btu/risk-ratings", url.Values{"rating": {"high"}, "reason": {"x"}, "idempotency_key": {"k3"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `Risk rating: &#34;high&#34; is not a whole number`) {
			t.Errorf("rating high: %d", resp.StatusCode)
		}
		_, page := l.get("/facilities/btu")
		for _, want := range []string{`id="risk"`, "Rated <strong>8</strong> of 10", "on the watch list", "sales fell by a third", "annual review", `id="rate-risk"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the facility page lacks %q", want)
			}
		}
		if strings.Contains(page, ">high<") {
			t.Errorf("the refused rating was stored")
		}
		_, home := l.get("/")
		if !strings.Contains(home, "On the watch list (1)") || !strings.Contains(home, `href="/facilities/btu#risk"`) {
			t.Errorf("the morning lacks the watch list")
		}
		b := e.signIn(t, "controller@btu.example")
		_, bp := b.get("/facilities/btu")
		if !strings.Contains(bp, "Rated <strong>8</strong>") || strings.Contains(bp, `id="rate-risk"`) {
			t.Errorf("the borrower's page: rating shown %v, form shown %v", strings.Contains(bp, "Rated <strong>8</strong>"), strings.Contains(bp, `id="rate-risk"`))
		}
		if r := b.post("/facilities/btu/risk-ratings", url.Values{"rating": {"1"}, "reason": {"fine"}, "idempotency_key": {"k4"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("a borrower rating: %d, want 403", r.StatusCode)
		}
	})
}
