package storetest

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	"revolver/store"
)

// RunNotify runs the notifications suite (store.Notifications and
// store.TxNotifier) against stores open returns.
func RunNotify(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Outbox", testOutbox},
		{"Dispatch", testDispatch},
		{"Preferences", testPreferences},
		{"Webhooks", testWebhooks},
		{"Inbox", testInbox},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func notifications(t *testing.T, s store.Store) (store.Notifications, store.Accounts) {
	t.Helper()
	n, ok := s.(store.Notifications)
	if !ok {
		t.Fatalf("%T keeps no notifications", s)
	}
	a, ok := s.(store.Accounts)
	if !ok {
		t.Fatalf("%T keeps no accounts", s)
	}
	return n, a
}

func event(key string) store.Event {
	return store.Event{Key: key, Kind: "certificate_submitted", Subject: "1", At: t0, Text: "certificate 1 submitted", Link: "/facilities/f/certificates/1"}
}

// testOutbox: an event appended in an Update commits with it and is gone
// with a rolled-back one; a key is stored once; another facility's event
// in an Update is invalid; events list by id and undispatched ones too.
func testOutbox(t *testing.T, s store.Store) {
	n, _ := notifications(t, s)
	txn := s.(store.TxNotifier)
	newFacility(t, s, "f")
	var first store.Event
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		var err error
		first, _, err = txn.AppendEventTx(tx, event("k1"))
		return err
	}))
	if first.ID == 0 || first.Facility != "f" {
		t.Fatalf("event %+v: expected an id and the Update's facility", first)
	}
	boom := errors.New("boom")
	if err := s.Update(ctx, "f", func(tx store.Tx) error {
		if _, _, err := txn.AppendEventTx(tx, event("k2")); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("update: %v, want boom", err)
	}
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		again, replayed, err := txn.AppendEventTx(tx, event("k1"))
		if err == nil && (!replayed || again.ID != first.ID) {
			t.Errorf("same key again: %+v replayed %v, want event %d replayed", again, replayed, first.ID)
		}
		return err
	}))
	err := s.Update(ctx, "f", func(tx store.Tx) error {
		e := event("k3")
		e.Facility = "g"
		_, _, err := txn.AppendEventTx(tx, e)
		return err
	})
	wantCode(t, err, store.CodeInvalid)
	_, _, err = n.AppendEvent(ctx, store.Event{Key: "k4", Kind: "x"})
	wantCode(t, err, store.CodeInvalid)
	later := event("k5")
	later.Facility, later.At = "", t0.Add(time.Hour+123*time.Nanosecond)
	e5, _, err := n.AppendEvent(ctx, later)
	ok(t, err)
	evs := must(n.Events(ctx, 0, 10)).of(t)
	if len(evs) != 2 || evs[0].ID != first.ID || evs[1].ID != e5.ID {
		t.Fatalf("events %+v: want %d and %d (the rolled-back one absent)", evs, first.ID, e5.ID)
	}
	want := later
	want.ID, want.At = e5.ID, store.Truncate(later.At)
	if evs[1] != want {
		t.Errorf("event\n got %+v\nwant %+v", evs[1], want)
	}
	if got := must(n.Event(ctx, first.ID)).of(t); got != evs[0] {
		t.Errorf("event %d: %+v, listed %+v", first.ID, got, evs[0])
	}
	_, err = n.Event(ctx, 999)
	wantCode(t, err, store.CodeNotFound)
	if got := must(n.Events(ctx, first.ID, 10)).of(t); len(got) != 1 || got[0].ID != e5.ID {
		t.Errorf("events after %d: %+v", first.ID, got)
	}
	if got := must(n.Undispatched(ctx, 10)).of(t); len(got) != 2 {
		t.Errorf("undispatched %+v, want both", got)
	}
}

func newUser(t *testing.T, a store.Accounts, email, role string) store.User {
	t.Helper()
	return must(a.CreateUser(ctx, store.User{Email: email, Role: role, PasswordHash: "x", Created: t0})).of(t)
}

// testDispatch: dispatching stores the deliveries once (again: the stored
// ones, nothing new), the event is no longer undispatched, attempts are
// appended in order and make the state, an inbox delivery takes none.
func testDispatch(t *testing.T, s store.Store) {
	n, a := notifications(t, s)
	ann := newUser(t, a, "ann@bank.example", store.RoleLenderOfficer)
	e := must3(n.AppendEvent(ctx, event("k1"))).of(t)
	w := must(n.AddWebhook(ctx, store.Webhook{URL: "https://hooks.example/x", Secret: "s", Kinds: []string{"certificate_submitted"}, CreatedBy: "admin", CreatedAt: t0}, nil)).of(t)
	ds := []store.Delivery{
		{Channel: store.ChannelInbox, UserID: ann.ID},
		{Channel: store.ChannelEmail, UserID: ann.ID, Address: ann.Email},
		{Channel: store.ChannelWebhook, Webhook: w.ID, Address: w.URL},
	}
	_, _, err := n.Dispatch(ctx, e.ID, []store.Delivery{{Channel: store.ChannelWebhook, UserID: ann.ID}}, t0)
	wantCode(t, err, store.CodeInvalid)
	_, _, err = n.Dispatch(ctx, 999, ds, t0)
	wantCode(t, err, store.CodeNotFound)
	got, first, err := n.Dispatch(ctx, e.ID, ds, t0)
	ok(t, err)
	if !first || len(got) != 3 || got[0].ID == 0 || got[2].Webhook != w.ID || got[1].Event != e.ID {
		t.Fatalf("dispatch: %+v first %v", got, first)
	}
	again, first, err := n.Dispatch(ctx, e.ID, ds[:1], t0)
	ok(t, err)
	if first || len(again) != 3 || again[0].ID != got[0].ID || again[2].ID != got[2].ID {
		t.Fatalf("dispatch again: %+v first %v, want the three stored, in order", again, first)
	}
	if u := must(n.Undispatched(ctx, 10)).of(t); len(u) != 0 {
		t.Errorf("undispatched after dispatch: %+v", u)
	}
	hook := got[2]
	if st := hook.State(); st != store.DeliveryPending {
		t.Errorf("state before any attempt %q", st)
	}
	_, err = n.AddAttempt(ctx, store.DeliveryAttempt{Delivery: got[0].ID, Attempt: 1, At: t0, OK: true})
	wantCode(t, err, store.CodeInvalid)
	_, err = n.AddAttempt(ctx, store.DeliveryAttempt{Delivery: 999, Attempt: 1, At: t0})
	wantCode(t, err, store.CodeNotFound)
	a1 := must(n.AddAttempt(ctx, store.DeliveryAttempt{Delivery: hook.ID, Attempt: 1, At: t0, Status: 500, Error: "500 Internal Server Error", Duration: 1500 * time.Microsecond})).of(t)
	must(n.AddAttempt(ctx, store.DeliveryAttempt{Delivery: hook.ID, Attempt: 2, At: t0.Add(time.Second), OK: true, Status: 204, Duration: time.Millisecond})).of(t)
	d := must(n.Delivery(ctx, hook.ID)).of(t)
	if len(d.Attempts) != 2 || d.Attempts[0] != (store.DeliveryAttempt{ID: a1.ID, Delivery: hook.ID, Attempt: 1, At: store.Truncate(t0), Status: 500, Error: "500 Internal Server Error", Duration: 1500 * time.Microsecond}) {
		t.Fatalf("attempts %+v", d.Attempts)
	}
	if st := d.State(); st != store.DeliveryDelivered {
		t.Errorf("state %q, want delivered", st)
	}
	mail := got[1]
	must(n.AddAttempt(ctx, store.DeliveryAttempt{Delivery: mail.ID, Attempt: 1, At: t0, Error: "refused", Final: true})).of(t)
	if st := must(n.Delivery(ctx, mail.ID)).of(t).State(); st != store.DeliveryFailed {
		t.Errorf("state %q, want failed", st)
	}
	byHook := must(n.Deliveries(ctx, store.DeliveryFilter{Webhook: w.ID})).of(t)
	if len(byHook) != 1 || byHook[0].ID != hook.ID || len(byHook[0].Attempts) != 2 {
		t.Errorf("deliveries of webhook %d: %+v", w.ID, byHook)
	}
	if all := must(n.Deliveries(ctx, store.DeliveryFilter{})).of(t); len(all) != 3 || all[0].ID != hook.ID {
		t.Errorf("every delivery, newest first: %+v", all)
	}
	if email := must(n.Deliveries(ctx, store.DeliveryFilter{Channel: store.ChannelEmail, UserID: ann.ID})).of(t); len(email) != 1 || email[0].ID != mail.ID {
		t.Errorf("email deliveries of ann: %+v", email)
	}
}

// must3 is must for a method returning a value, a flag and an error.
func must3[T any](v T, _ bool, err error) result[T] { return result[T]{v, err} }

// testPreferences: the latest preference of a user, kind and channel is
// in force; an unknown channel is invalid; an unknown user not found.
func testPreferences(t *testing.T, s store.Store) {
	n, a := notifications(t, s)
	ann := newUser(t, a, "ann@bank.example", store.RoleLenderOfficer)
	bob := newUser(t, a, "bob@btu.example", store.RoleBorrower)
	ok(t, n.SetPreferences(ctx, []store.Preference{
		{UserID: ann.ID, Kind: "certificate_submitted", Channel: store.ChannelEmail, Enabled: true, RecordedBy: ann.Email, RecordedAt: t0},
		{UserID: ann.ID, Kind: "certificate_submitted", Channel: store.ChannelInbox, Enabled: true, RecordedBy: ann.Email, RecordedAt: t0},
		{UserID: bob.ID, Kind: "advance_decided", Channel: store.ChannelEmail, Enabled: true, RecordedBy: bob.Email, RecordedAt: t0},
	}, nil))
	ok(t, n.SetPreferences(ctx, []store.Preference{
		{UserID: ann.ID, Kind: "certificate_submitted", Channel: store.ChannelEmail, Enabled: false, RecordedBy: ann.Email, RecordedAt: t0.Add(time.Hour)},
	}, nil))
	wantCode(t, n.SetPreferences(ctx, []store.Preference{{UserID: ann.ID, Kind: "x", Channel: "sms", RecordedAt: t0}}, nil), store.CodeInvalid)
	wantCode(t, n.SetPreferences(ctx, []store.Preference{{UserID: 999, Kind: "x", Channel: store.ChannelEmail, RecordedAt: t0}}, nil), store.CodeNotFound)
	got := must(n.Preferences(ctx, ann.ID)).of(t)
	if len(got) != 2 || got[0].Channel != store.ChannelEmail || got[0].Enabled || !got[0].RecordedAt.Equal(store.Truncate(t0.Add(time.Hour))) || !got[1].Enabled {
		t.Fatalf("ann's preferences %+v: want email off (the later), inbox on", got)
	}
	if all := must(n.Preferences(ctx, 0)).of(t); len(all) != 3 || all[2].UserID != bob.ID {
		t.Errorf("every preference %+v", all)
	}
}

// testWebhooks: a webhook keeps its URL, secret and kinds; its removal is
// appended once (again: conflict); unknown is not found.
func testWebhooks(t *testing.T, s store.Store) {
	n, _ := notifications(t, s)
	_, err := n.AddWebhook(ctx, store.Webhook{URL: "https://hooks.example/x", CreatedAt: t0}, nil)
	wantCode(t, err, store.CodeInvalid)
	w := must(n.AddWebhook(ctx, store.Webhook{URL: "https://hooks.example/x", Secret: "whsec", Kinds: []string{"a", "b"}, CreatedBy: "admin", CreatedAt: t0}, nil)).of(t)
	got := must(n.Webhook(ctx, w.ID)).of(t)
	if got.Secret != "whsec" || len(got.Kinds) != 2 || got.Kinds[1] != "b" || !got.Removed.IsZero() {
		t.Fatalf("webhook %+v", got)
	}
	r := must(n.RemoveWebhook(ctx, w.ID, "admin2", t0.Add(time.Hour), nil)).of(t)
	if r.RemovedBy != "admin2" {
		t.Errorf("removed %+v", r)
	}
	_, err = n.RemoveWebhook(ctx, w.ID, "admin2", t0.Add(time.Hour), nil)
	wantCode(t, err, store.CodeConflict)
	_, err = n.RemoveWebhook(ctx, 999, "admin2", t0, nil)
	wantCode(t, err, store.CodeNotFound)
	ws := must(n.Webhooks(ctx)).of(t)
	if len(ws) != 1 || !ws[0].Removed.Equal(store.Truncate(t0.Add(time.Hour))) {
		t.Errorf("webhooks %+v", ws)
	}
}

// testInbox: a user's inbox lists their inbox deliveries newest first;
// the latest mark says read; another user's entry is not found.
func testInbox(t *testing.T, s store.Store) {
	n, a := notifications(t, s)
	ann := newUser(t, a, "ann@bank.example", store.RoleLenderOfficer)
	bob := newUser(t, a, "bob@btu.example", store.RoleBorrower)
	var ids []int64
	for _, k := range []string{"k1", "k2"} {
		e := must3(n.AppendEvent(ctx, event(k))).of(t)
		ds, _, err := n.Dispatch(ctx, e.ID, []store.Delivery{{Channel: store.ChannelInbox, UserID: ann.ID}, {Channel: store.ChannelEmail, UserID: ann.ID, Address: ann.Email}}, t0)
		ok(t, err)
		ids = append(ids, ds[0].ID)
	}
	in := must(n.Inbox(ctx, ann.ID, 10)).of(t)
	if len(in) != 2 || in[0].Delivery != ids[1] || in[0].Event.Key != "k2" || in[0].Read {
		t.Fatalf("inbox %+v", in)
	}
	if u := must(n.Unread(ctx, ann.ID)).of(t); u != 2 {
		t.Errorf("unread %d, want 2", u)
	}
	ok(t, n.MarkInbox(ctx, ann.ID, ids[0], true, t0))
	ok(t, n.MarkInbox(ctx, ann.ID, ids[1], true, t0))
	ok(t, n.MarkInbox(ctx, ann.ID, ids[1], false, t0.Add(time.Minute)))
	in = must(n.Inbox(ctx, ann.ID, 10)).of(t)
	if in[0].Read || !in[1].Read {
		t.Errorf("inbox after marks %+v: want the newer unread (marked again), the older read", in)
	}
	if u := must(n.Unread(ctx, ann.ID)).of(t); u != 1 {
		t.Errorf("unread %d, want 1", u)
	}
	wantCode(t, n.MarkInbox(ctx, bob.ID, ids[0], true, t0), store.CodeNotFound)
	if in := must(n.Inbox(ctx, bob.ID, 10)).of(t); len(in) != 0 {
		t.Errorf("bob's inbox %+v", in)
	}
}

// NotifyAppendOnly checks that the database refuses to change or delete
// the outbox, the deliveries, their attempts, the preferences, the
// webhooks and the read marks. db is the adapter's connection.
func NotifyAppendOnly(t *testing.T, s store.Store, db *sql.DB) {
	n, a := notifications(t, s)
	ann := newUser(t, a, "ann@bank.example", store.RoleLenderOfficer)
	e := must3(n.AppendEvent(ctx, event("k1"))).of(t)
	w := must(n.AddWebhook(ctx, store.Webhook{URL: "https://hooks.example/x", Secret: "s", Kinds: []string{"a"}, CreatedAt: t0}, nil)).of(t)
	ds, _, err := n.Dispatch(ctx, e.ID, []store.Delivery{{Channel: store.ChannelInbox, UserID: ann.ID}, {Channel: store.ChannelWebhook, Webhook: w.ID}}, t0)
	ok(t, err)
	must(n.AddAttempt(ctx, store.DeliveryAttempt{Delivery: ds[1].ID, Attempt: 1, At: t0})).of(t)
	ok(t, n.MarkInbox(ctx, ann.ID, ds[0].ID, true, t0))
	ok(t, n.SetPreferences(ctx, []store.Preference{{UserID: ann.ID, Kind: "a", Channel: store.ChannelEmail, RecordedAt: t0}}, nil))
	must(n.RemoveWebhook(ctx, w.ID, "x", t0, nil)).of(t)
	for _, table := range []string{"notification_events", "notification_dispatches", "webhooks", "webhook_removals",
		"notification_deliveries", "delivery_attempts", "notification_preferences", "inbox_marks"} {
		for _, q := range []string{`UPDATE ` + table + ` SET at = at`, `DELETE FROM ` + table} {
			if table == "webhooks" {
				q = map[bool]string{true: `UPDATE webhooks SET url = url`, false: `DELETE FROM webhooks`}[q[0] == 'U']
			}
			if table == "webhook_removals" {
				q = map[bool]string{true: `UPDATE webhook_removals SET removed_by = removed_by`, false: `DELETE FROM webhook_removals`}[q[0] == 'U']
			}
			if table == "notification_preferences" || table == "notification_deliveries" {
				q = map[bool]string{true: `UPDATE ` + table + ` SET channel = channel`, false: `DELETE FROM ` + table}[q[0] == 'U']
			}
			if _, err := db.ExecContext(ctx, q); err == nil {
				t.Errorf("%s: the database allowed it", q)
			}
		}
	}
}
