package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/date"
	"revolver/examples"
	"revolver/store"
)

// dominionFacility registers the modern example as "modern" with the
// trigger periods close of business would have recorded: a Covenant
// Trigger Period from 2026-09-17, still in effect, and a Cash Dominion
// Period 2026-09-23..2026-11-03.
func dominionFacility(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	b, err := examples.FS.ReadFile("modern-abl/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.web.svc.RegisterFacility(ctx, "modern", []agreement.File{agreement.NewFile("agreement.yaml", b)}, app.Settings{}, "setup"); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 9, 17, 23, 0, 0, 0, time.UTC)
	x := json.RawMessage(`{"key":"trigger","label":"Trigger period starts","value":"2026-09-17"}`)
	ev := func(trig, event, day, reason string) store.TriggerEvent {
		return store.TriggerEvent{Facility: "modern", Trigger: trig, Event: event, Day: date.MustParse(day), Reason: reason, Explain: x, RecordedAt: at}
	}
	if err := e.st.AppendTriggers(ctx, store.Triggers{
		States: []store.TriggerState{{Facility: "modern", Trigger: "cash_dominion", Day: date.MustParse("2026-11-03"), State: json.RawMessage(`{}`), RecordedAt: at}},
		Events: []store.TriggerEvent{
			ev("covenant:fixed_charge_coverage_ratio", store.TriggerStart, "2026-09-17", "excess availability below the threshold on 1 consecutive Business Day (2026-09-17)"),
			ev("cash_dominion", store.TriggerStart, "2026-09-23", "excess availability below the threshold on 5 consecutive Business Days (2026-09-17..2026-09-23)"),
			ev("cash_dominion", store.TriggerEnd, "2026-11-03", "excess availability at or above the threshold for 30 consecutive days (2026-10-05..2026-11-03)"),
		},
	}); err != nil {
		t.Fatal(err)
	}
}

// TestDominionOnTheFacilityPage: the facility page of terms with
// springing triggers lists the trigger periods with why each started and
// ended, marks those in effect on the page's date, and says when there is
// none as known then; a facility without springing terms shows no such
// section.
func TestDominionOnTheFacilityPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		dominionFacility(t, e)
		o := e.signIn(t, "officer@bank.example")
		_, page := o.get("/facilities/modern?as_of=2026-10-01")
		sec := section(page, "dominion", "</section>")
		for _, want := range []string{"Covenant Trigger Period (Fixed charge coverage ratio)", "Cash Dominion Period", "continuing",
			"5 consecutive Business Days (2026-09-17..2026-09-23)", "30 consecutive days (2026-10-05..2026-11-03)", "in effect on"} {
			if !strings.Contains(sec, want) {
				t.Errorf("the dominion section lacks %q:\n%s", want, sec)
			}
		}
		if n := strings.Count(sec, "in effect on"); n != 2 {
			t.Errorf("%d periods in effect on 2026-10-01, want 2", n)
		}
		_, later := o.get("/facilities/modern?as_of=2026-11-10")
		if n := strings.Count(section(later, "dominion", "</section>"), "in effect on"); n != 1 {
			t.Errorf("%d periods in effect on 2026-11-10, want 1 (the covenant's)", n)
		}
		_, before := o.get("/facilities/modern?as_of=2026-09-01&known=given&known_at=2026-09-01+12:00")
		if !strings.Contains(section(before, "dominion", "</section>"), "No trigger period") {
			t.Errorf("as known before the first period: %s", section(before, "dominion", "</section>"))
		}
		if _, btu := o.get("/facilities/btu"); strings.Contains(btu, `id="dominion"`) {
			t.Error("a facility without springing terms shows trigger periods")
		}
	})
}
