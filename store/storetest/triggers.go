package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"revolver/store"
)

// testTriggers: states are appended and the latest of each trigger is
// returned, for every facility or the ones asked; a state of the same
// facility, trigger and day again is a conflict and stores nothing of its
// batch; events are listed by day as known at a time; invalid records are
// refused; close of business commits states and events with its accruals;
// a thousand states go in one call.
func testTriggers(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	st := func(fac, trig, day, body string) store.TriggerState {
		return store.TriggerState{Facility: fac, Trigger: trig, Day: d(day), State: json.RawMessage(body), RecordedAt: t0}
	}
	ev := func(fac, trig, event, day, reason string, at time.Time) store.TriggerEvent {
		return store.TriggerEvent{Facility: fac, Trigger: trig, Event: event, Day: d(day), Reason: reason, Explain: json.RawMessage(`{"key":"x"}`), RecordedAt: at}
	}
	if got := must(s.TriggerStates(ctx, nil)).of(t); len(got) != 0 {
		t.Fatalf("states of a new store: %v", got)
	}
	ok(t, s.AppendTriggers(ctx, store.Triggers{
		States: []store.TriggerState{st("f", "cash_dominion", "2006-01-09", `{"through":1}`), st("f", "covenant:fccr", "2006-01-09", `{"through":2}`), st("g", "cash_dominion", "2006-01-09", `{"through":3}`)},
		Events: []store.TriggerEvent{ev("f", "cash_dominion", store.TriggerStart, "2006-01-09", "below", t0)},
	}))
	ok(t, s.AppendTriggers(ctx, store.Triggers{
		States: []store.TriggerState{st("f", "cash_dominion", "2006-01-10", `{"through":4}`)},
		Events: []store.TriggerEvent{ev("f", "cash_dominion", store.TriggerEnd, "2006-01-10", "above", t0.Add(time.Hour))},
	}))
	got := must(s.TriggerStates(ctx, nil)).of(t)
	want := []string{"f cash_dominion 2006-01-10 {\"through\":4}", "f covenant:fccr 2006-01-09 {\"through\":2}", "g cash_dominion 2006-01-09 {\"through\":3}"}
	if fmt.Sprint(statesOf(got)) != fmt.Sprint(want) {
		t.Errorf("states = %v, want %v", statesOf(got), want)
	}
	if got[0].RecordedAt.IsZero() || !got[0].RecordedAt.Equal(store.Truncate(t0)) {
		t.Errorf("recorded at %v, want %v", got[0].RecordedAt, store.Truncate(t0))
	}
	if g := must(s.TriggerStates(ctx, []string{"g"})).of(t); fmt.Sprint(statesOf(g)) != fmt.Sprint(want[2:]) {
		t.Errorf("states of g = %v", statesOf(g))
	}
	if g := must(s.TriggerStates(ctx, []string{"g", "f"})).of(t); len(g) != 3 {
		t.Errorf("states of f and g = %v", statesOf(g))
	}
	// The same day again: conflict, and nothing of the batch is stored.
	err := s.AppendTriggers(ctx, store.Triggers{
		States: []store.TriggerState{st("g", "cash_dominion", "2006-01-10", `{}`), st("f", "cash_dominion", "2006-01-10", `{"again":true}`)},
		Events: []store.TriggerEvent{ev("g", "cash_dominion", store.TriggerStart, "2006-01-10", "below", t0)},
	})
	wantCode(t, err, store.CodeConflict)
	if g := must(s.TriggerStates(ctx, nil)).of(t); fmt.Sprint(statesOf(g)) != fmt.Sprint(want) {
		t.Errorf("after the conflict states = %v, want %v", statesOf(g), want)
	}
	if es := must(s.TriggerEvents(ctx, "g", time.Time{})).of(t); len(es) != 0 {
		t.Errorf("after the conflict g has events %v", es)
	}
	// Events as known at a time.
	all := must(s.TriggerEvents(ctx, "f", time.Time{})).of(t)
	if len(all) != 2 || all[0].Event != store.TriggerStart || all[1].Event != store.TriggerEnd || all[1].Day != d("2006-01-10") || all[0].Reason != "below" || string(all[0].Explain) != `{"key":"x"}` || all[0].ID == 0 {
		t.Errorf("events = %+v", all)
	}
	if then := must(s.TriggerEvents(ctx, "f", t0.Add(time.Minute))).of(t); len(then) != 1 || then[0].Event != store.TriggerStart {
		t.Errorf("events as known at t0+1m = %+v, want the start only", then)
	}
	_, err = s.TriggerEvents(ctx, "nobody", time.Time{})
	wantCode(t, err, store.CodeNotFound)
	// Invalid records.
	for name, tr := range map[string]store.Triggers{
		"no state":     {States: []store.TriggerState{st("f", "cash_dominion", "2006-01-11", ``)}},
		"no trigger":   {States: []store.TriggerState{st("f", "", "2006-01-11", `{}`)}},
		"bad event":    {Events: []store.TriggerEvent{ev("f", "cash_dominion", "paused", "2006-01-11", "r", t0)}},
		"no reason":    {Events: []store.TriggerEvent{ev("f", "cash_dominion", store.TriggerStart, "2006-01-11", "", t0)}},
		"no recorded":  {Events: []store.TriggerEvent{ev("f", "cash_dominion", store.TriggerStart, "2006-01-11", "r", time.Time{})}},
		"no such fac.": {States: []store.TriggerState{st("nobody", "cash_dominion", "2006-01-11", `{}`)}},
	} {
		if err := s.AppendTriggers(ctx, tr); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// With close of business's accruals, in their transaction.
	states := must(s.AccrualState(ctx, d("2006-01-11"))).of(t)
	must(s.CommitAccrual(ctx, d("2006-01-11"), states, nil, &store.AccrualClose{Triggers: &store.Triggers{
		States: []store.TriggerState{st("g", "cash_dominion", "2006-01-11", `{"through":5}`)},
		Events: []store.TriggerEvent{ev("g", "cash_dominion", store.TriggerStart, "2006-01-11", "below", t0)},
	}})).of(t)
	if g := must(s.TriggerStates(ctx, []string{"g"})).of(t); len(g) != 1 || g[0].Day != d("2006-01-11") {
		t.Errorf("states of g after close of business = %v", statesOf(g))
	}
	if es := must(s.TriggerEvents(ctx, "g", time.Time{})).of(t); len(es) != 1 {
		t.Errorf("events of g after close of business = %+v", es)
	}
	// The same day's state again in close of business's transaction (on
	// PostgreSQL, COPYed): conflict, and nothing of it is stored.
	states = must(s.AccrualState(ctx, d("2006-01-12"))).of(t)
	_, err = s.CommitAccrual(ctx, d("2006-01-12"), states, nil, &store.AccrualClose{Triggers: &store.Triggers{
		States: []store.TriggerState{st("f", "cash_dominion", "2006-01-12", `{}`), st("g", "cash_dominion", "2006-01-11", `{"again":true}`)},
		Events: []store.TriggerEvent{ev("g", "cash_dominion", store.TriggerEnd, "2006-01-12", "above", t0)},
	}})
	wantCode(t, err, store.CodeConflict)
	if g := must(s.TriggerStates(ctx, []string{"f", "g"})).of(t); len(g) != 3 || g[2].Day != d("2006-01-11") || string(g[2].State) != `{"through":5}` {
		t.Errorf("after the refused close of business, states of f and g = %v", statesOf(g))
	}
	if es := must(s.TriggerEvents(ctx, "g", time.Time{})).of(t); len(es) != 1 {
		t.Errorf("after the refused close of business, events of g = %+v", es)
	}
	// Many facilities in one call (more rows than one statement takes).
	var many store.Triggers
	var fs []store.Facility
	for i := 0; i < 1000; i++ {
		fs = append(fs, store.Facility{Slug: fmt.Sprintf("m%04d", i), Name: "m", Created: t0})
	}
	ok(t, s.CreateFacilities(ctx, fs))
	for _, f := range fs {
		many.States = append(many.States, st(f.Slug, "cash_dominion", "2006-01-12", `{}`))
	}
	ok(t, s.AppendTriggers(ctx, many))
	if g := must(s.TriggerStates(ctx, nil)).of(t); len(g) != 1003 {
		t.Errorf("%d states after 1,000 more, want 1,003", len(g))
	}
}

func statesOf(ss []store.TriggerState) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Facility+" "+s.Trigger+" "+s.Day.String()+" "+string(s.State))
	}
	return out
}
