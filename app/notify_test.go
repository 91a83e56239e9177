package app

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"revolver/date"
	"revolver/notify"
	"revolver/store"
	"revolver/store/sqlite"
)

func events(t *testing.T, s store.Store) []store.Event {
	t.Helper()
	evs, err := s.(store.Notifications).Events(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func kinds(evs []store.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

// A submitted and an approved certificate each append their event in
// their own transaction, with their link; a refused submission appends
// none; an event emitted in a transaction that fails is not stored; a
// dominion period's event (emitted by the code that records it) is stored
// once per key.
func TestEventsInTheChangesTransaction(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		before := len(events(t, s))
		c := e.mustSubmit("2004-10-03", e.recv)
		evs := events(t, s)[before:]
		if len(evs) == 0 || evs[0].Kind != notify.CertificateSubmitted {
			t.Fatalf("events after a submission: %v", kinds(evs))
		}
		id := strconv.FormatInt(c.ID, 10)
		if got := evs[0]; got.Facility != "btu" || got.Subject != id || got.Link != "/facilities/btu/certificates/"+id || got.Key != "certificate_submitted:btu:"+id {
			t.Errorf("event %+v", got)
		}
		if w := slices.Contains(kinds(evs), notify.DataQualityWarning); w != (len(c.Warnings) > 0) {
			t.Errorf("data-quality warning event %v, certificate warnings %d", w, len(c.Warnings))
		}
		n := len(events(t, s))
		if _, err := e.submit("2004-09-30", e.recv); err == nil {
			t.Fatal("a submission with rows after its as-of date was accepted")
		}
		if got := len(events(t, s)); got != n {
			t.Errorf("a refused submission appended %d events", got-n)
		}
		if _, err := e.approve(c, 0); err != nil {
			t.Fatal(err)
		}
		evs = events(t, s)
		if last := evs[len(evs)-1]; last.Kind != notify.CertificateDecided || last.Subject != id {
			t.Errorf("last event %+v, want certificate_decided of %s", last, id)
		}

		boom := errors.New("boom")
		dom := DominionEvent("btu", "dp-1", true, date.MustParse("2004-10-12"), "availability below the trigger")
		err := s.Update(ctx, "btu", func(tx store.Tx) error {
			if err := e.svc.EmitTx(tx, dom); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if k := kinds(events(t, s)); slices.Contains(k, notify.DominionStarted) {
			t.Fatalf("an event of a rolled-back transaction was stored: %v", k)
		}
		for range 2 {
			if err := e.svc.update(ctx, "btu", func(tx store.Tx) error { return e.svc.EmitTx(tx, dom) }); err != nil {
				t.Fatal(err)
			}
		}
		var got []store.Event
		for _, x := range events(t, s) {
			if x.Kind == notify.DominionStarted {
				got = append(got, x)
			}
		}
		if len(got) != 1 || got[0].Text != "Dominion period dp-1 started on 2004-10-12: availability below the trigger" || got[0].Key != "dominion_started:btu:dp-1" {
			t.Errorf("dominion events %+v, want one", got)
		}
		err = e.svc.update(ctx, "btu", func(tx store.Tx) error { return e.svc.EmitTx(tx, store.Event{Kind: "made_up", Text: "x"}) })
		if store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("an unknown kind: %v, want invalid", err)
		}
	})
}

// Dispatching fans an event out to the inbox of those who see its
// facility (a borrower of another facility and a disabled user get
// nothing), to email for those who turned it on, and to the webhooks of
// its kind; a second dispatch finds nothing left.
func TestDispatchEvents(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		svc := btu(t, s)
		ctx := context.Background()
		acc := s.(store.Accounts)
		add := func(email, role string, facs ...string) store.User {
			u, err := acc.AddUser(ctx, store.User{Email: email, Role: role, PasswordHash: "x", Created: svc.now()}, facs, nil)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		officer := add("officer@bank.example", store.RoleLenderOfficer)
		borrower := add("controller@btu.example", store.RoleBorrower, "btu")
		add("other@elsewhere.example", store.RoleBorrower)
		gone := add("gone@bank.example", store.RoleLenderAnalyst)
		if err := acc.SetUserDisabled(ctx, gone.ID, true, svc.now(), nil); err != nil {
			t.Fatal(err)
		}
		admin := WithActor(ctx, Actor{User: "admin@bank.example", UserID: 99, Role: store.RoleLenderAdmin})
		if _, err := svc.AddWebhook(WithActor(ctx, Actor{User: borrower.Email, UserID: borrower.ID, Role: store.RoleBorrower, Facilities: []string{"btu"}}),
			WebhookInput{URL: "https://hooks.example/x", Kinds: []string{notify.AdvanceRequested}}); store.ErrorCode(err) != store.CodeForbidden {
			t.Fatalf("a borrower adding a webhook: %v, want forbidden", err)
		}
		if _, err := svc.AddWebhook(admin, WebhookInput{URL: "ftp://hooks.example/x", Kinds: []string{notify.AdvanceRequested}}); store.ErrorCode(err) != store.CodeInvalid {
			t.Fatalf("an ftp URL: %v, want invalid", err)
		}
		w, err := svc.AddWebhook(admin, WebhookInput{URL: "https://hooks.example/x", Kinds: []string{notify.DominionStarted}})
		if err != nil || len(w.Secret) < 16 {
			t.Fatalf("webhook %+v: %v", w, err)
		}
		if _, err := svc.AddWebhook(admin, WebhookInput{URL: "https://hooks.example/other", Kinds: []string{notify.AdvanceDecided}}); err != nil {
			t.Fatal(err)
		}
		octx := WithActor(ctx, Actor{User: officer.Email, UserID: officer.ID, Role: officer.Role})
		if _, err := svc.SetPreferences(octx, []PreferenceChoice{{Kind: notify.DominionStarted, Channel: store.ChannelEmail, Enabled: true}}); err != nil {
			t.Fatal(err)
		}
		bctx := WithActor(ctx, Actor{User: borrower.Email, UserID: borrower.ID, Role: borrower.Role, Facilities: borrower.Facilities})
		if _, err := svc.SetPreferences(bctx, []PreferenceChoice{{Kind: notify.DominionStarted, Channel: store.ChannelInbox, Enabled: false}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetPreferences(bctx, []PreferenceChoice{{Kind: notify.DominionStarted, Channel: "sms"}}); store.ErrorCode(err) != store.CodeInvalid {
			t.Fatalf("channel sms: %v, want invalid", err)
		}
		if err := svc.update(ctx, "btu", func(tx store.Tx) error {
			return svc.EmitTx(tx, DominionEvent("btu", "dp-1", true, date.MustParse("2006-01-10"), ""))
		}); err != nil {
			t.Fatal(err)
		}
		got, err := svc.DispatchEvents(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var dom *Dispatched
		for i := range got {
			if got[i].Event.Kind == notify.DominionStarted {
				dom = &got[i]
			}
		}
		if dom == nil {
			t.Fatalf("dispatched %+v: no dominion event", got)
		}
		type rcpt struct {
			ch   string
			to   string
			hook int64
		}
		var rs []rcpt
		for _, d := range dom.Deliveries {
			rs = append(rs, rcpt{d.Channel, d.Address, d.Webhook})
		}
		want := []rcpt{{store.ChannelInbox, "", 0}, {store.ChannelEmail, officer.Email, 0}, {store.ChannelWebhook, "https://hooks.example/x", w.ID}}
		if !slices.Equal(rs, want) {
			t.Errorf("deliveries %+v\nwant %+v (the officer's inbox and email, the webhook of the kind; not the borrower who turned it off, nor the others)", rs, want)
		}
		if dom.Deliveries[0].UserID != officer.ID {
			t.Errorf("inbox delivery to user %d, want the officer %d", dom.Deliveries[0].UserID, officer.ID)
		}
		if again, err := svc.DispatchEvents(ctx, 10); err != nil || len(again) != 0 {
			t.Errorf("dispatch again: %+v, %v", again, err)
		}
		in, unread, err := svc.Inbox(octx, 10)
		if err != nil || unread != len(in) || len(in) == 0 || in[0].Event.Kind != notify.DominionStarted {
			t.Fatalf("officer's inbox %+v unread %d: %v", in, unread, err)
		}
		if err := svc.MarkInbox(octx, in[0].Delivery, true); err != nil {
			t.Fatal(err)
		}
		if err := svc.MarkInbox(bctx, in[0].Delivery, true); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("the borrower marking the officer's entry: %v, want not_found", err)
		}
		if u, _ := svc.Unread(octx); u != unread-1 {
			t.Errorf("unread %d, want %d", u, unread-1)
		}
		ps, err := svc.Preferences(octx)
		if err != nil || len(ps) != 2*len(notify.Kinds) {
			t.Fatalf("preferences %+v: %v", ps, err)
		}
		for _, p := range ps {
			wantOn := p.Channel == store.ChannelInbox || p.Kind == notify.DominionStarted
			if p.Enabled != wantOn {
				t.Errorf("preference %+v: want enabled %v", p, wantOn)
			}
		}
	})
}

// Deadlines overdue and coming within the days asked are each told of
// once: a second run emits nothing.
func TestNotifyDeadlines(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		// Without the closing's facts recorded: its costs are overdue;
		// the Termination Date comes within 30 days.
		svc := btuBare(t, s)
		ctx := context.Background()
		asOf := date.MustParse("2007-05-20")
		rep, err := svc.DefaultsReport(ctx, "btu", asOf)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, d := range rep.Deadlines {
			due := d.Due
			if due == 0 {
				due = d.Date
			}
			switch {
			case due == 0:
			case d.Status == "overdue":
				want[d.ID+"@"+due.String()] = notify.DeadlineOverdue
			case (d.Status == "coming" || d.Status == "due") && due <= asOf.AddDays(30):
				want[d.ID+"@"+due.String()] = notify.DeadlineComing
			}
		}
		if len(want) < 2 || want["termination@2007-05-31"] != notify.DeadlineComing || want["obligation:lma_costs@2004-02-09"] != notify.DeadlineOverdue {
			t.Fatalf("the example has no deadline overdue or coming on %s: %+v", asOf, rep.Deadlines)
		}
		n, err := svc.NotifyDeadlines(ctx, asOf, 30)
		if err != nil || n != len(want) {
			t.Fatalf("NotifyDeadlines: %d new, %v; want %d", n, err, len(want))
		}
		got := map[string]string{}
		for _, e := range events(t, s) {
			if e.Kind == notify.DeadlineComing || e.Kind == notify.DeadlineOverdue {
				got[e.Subject] = e.Kind
				if e.Link != "/facilities/btu/calendar" || e.Facility != "btu" {
					t.Errorf("event %+v", e)
				}
			}
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("deadline %s: event %q, want %q", k, got[k], v)
			}
		}
		if n, err := svc.NotifyDeadlines(ctx, asOf, 30); err != nil || n != 0 {
			t.Errorf("second run: %d new, %v", n, err)
		}
	})
}

// noOutbox is a store that keeps no outbox (the baseline of
// BenchmarkOutbox).
type noOutbox struct{ store.Store }

// BenchmarkOutbox: an advance requested and funded, with its two events
// appended to the outbox in its transaction, against the same use case on
// a store that keeps no outbox, on SQLite.
func BenchmarkOutbox(b *testing.B) {
	for _, c := range []struct {
		name string
		wrap func(store.Store) store.Store
	}{{"outbox", func(s store.Store) store.Store { return s }}, {"baseline", func(s store.Store) store.Store { return noOutbox{s} }}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "r.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if _, err := s.CreateFacility(ctx, store.Facility{Slug: "f", Name: "F", Created: time.Now()}); err != nil {
				b.Fatal(err)
			}
			at := time.Date(2006, 1, 1, 12, 0, 0, 0, time.UTC)
			cert, err := s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: date.MustParse("2006-01-01"), PreparedBy: "borrower", CreatedAt: at})
			if err == nil {
				_, err = s.SubmitCertificate(ctx, cert.ID, store.Submission{Body: []byte(`{}`), BorrowingBase: 1_000_000_000_00, By: "borrower", At: at,
					Inputs: []store.InputContent{{Name: "r.csv", Content: []byte("x")}}})
			}
			if err == nil {
				_, err = s.DecideCertificate(ctx, cert.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: at})
			}
			if err != nil {
				b.Fatal(err)
			}
			terms := FacilityTerms{Commitment: 1_000_000_000_00, TerminationDate: date.MustParse("2007-05-31")}
			svc := &Service{Store: c.wrap(s), Terms: TermsFunc(func(context.Context, string, date.Date) (FacilityTerms, error) { return terms, nil }),
				Now: func() time.Time { return time.Date(2006, 1, 5, 12, 0, 0, 0, time.UTC) }}
			b.ResetTimer()
			for i := range b.N {
				r, err := svc.RequestAdvance(ctx, RequestInput{Facility: "f", Key: "a" + strconv.Itoa(i), Amount: 1_00, ValueDate: date.MustParse("2006-01-05"), By: "borrower"})
				if err != nil || r.Status != store.AdvanceFunded {
					b.Fatalf("advance %d: %+v %v", i, r, err)
				}
			}
			b.StopTimer()
			if n, ok := svc.Store.(store.Notifications); ok {
				evs, _ := n.Events(ctx, 0, 500)
				if len(evs) < min(b.N*2, 500) {
					b.Fatalf("%d events for %d advances", len(evs), b.N)
				}
			}
		})
	}
}
