package jobs_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"revolver/app"
	"revolver/jobs"
	"revolver/notify"
	"revolver/notify/smtptest"
	"revolver/store"
	"revolver/store/dial"
)

// hookServer is a webhook receiver: it verifies each request's signature
// and refuses the first failFirst requests with 503.
type hookServer struct {
	*httptest.Server
	secret string

	mu        sync.Mutex
	failFirst int
	requests  int
	bodies    []string
	headers   []http.Header
	bad       []string
}

func newHookServer(t *testing.T, secret string, failFirst int) *hookServer {
	h := &hookServer{secret: secret, failFirst: failFirst}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.requests++
		if err := notify.Verify(h.secret, r.Header.Get(notify.SignatureHeader), body, time.Now(), time.Minute); err != nil {
			h.bad = append(h.bad, err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if h.requests <= h.failFirst {
			http.Error(w, "not now", http.StatusServiceUnavailable)
			return
		}
		h.bodies, h.headers = append(h.bodies, string(body)), append(h.headers, r.Header.Clone())
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) Delivery(channel, outcome string) {
	o.mu.Lock()
	o.n[channel+" "+outcome]++
	o.mu.Unlock()
}

// An event emitted by a change reaches, through the outbox and the
// delivery jobs of two worker processes on one database: the officer's
// inbox, the officer's email on a real SMTP server (refused once, then
// accepted) and a webhook whose receiver verifies the signature and
// fails the first two attempts. Each delivery is made once, every attempt
// is in the delivery log with its status, and the metrics' reporter is
// told of each outcome.
func TestNotificationsDelivered(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			target := b.target(t)
			st, err := dial.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: time.Now}
			acc := st.(store.Accounts)
			officer, err := acc.AddUser(ctx, store.User{Email: "officer@bank.example", Role: store.RoleLenderOfficer, PasswordHash: "x", Created: time.Now()}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			octx := app.WithActor(ctx, app.Actor{User: officer.Email, UserID: officer.ID, Role: officer.Role})
			if _, err := svc.SetPreferences(octx, []app.PreferenceChoice{{Kind: notify.DeadlineOverdue, Channel: store.ChannelEmail, Enabled: true}}); err != nil {
				t.Fatal(err)
			}
			hook := newHookServer(t, "whsec_0123456789abcdef", 2)
			cli := app.WithActor(ctx, app.Actor{User: "cli:test", Via: "revolver webhook add"})
			w, err := svc.AddWebhook(cli, app.WebhookInput{URL: hook.URL + "/revolver", Kinds: []string{notify.DeadlineOverdue}, Secret: hook.secret})
			if err != nil {
				t.Fatal(err)
			}
			mail := smtptest.Start(t, smtptest.Options{})
			mail.FailNext(1)
			rep := &outcomes{n: map[string]int{}}
			var qs []*jobs.Queue
			for range 2 {
				q, err := jobs.Open(ctx, jobs.Config{Store: st, Service: svc, Work: true, Notify: &jobs.Notify{
					SMTP:    &notify.SMTP{Host: mail.Host, Port: mail.Port, From: "revolver@bank.example"},
					BaseURL: "https://revolver.bank.example", DispatchEvery: time.Hour,
					Attempts: 6, RetryBase: 20 * time.Millisecond, RetryCap: 200 * time.Millisecond, Report: rep}})
				if err != nil {
					t.Fatal(err)
				}
				if err := q.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { q.Stop(ctx) })
				qs = append(qs, q)
			}
			ev := app.DeadlineEvent("btu", "borrowing-base-certificate", "The borrowing base certificate", 13140, true)
			if err := svc.Emit(ctx, ev); err != nil {
				t.Fatal(err)
			}
			for _, q := range qs {
				if _, err := q.EnqueueDispatch(ctx); err != nil {
					t.Fatal(err)
				}
			}
			n := st.(store.Notifications)
			var log []store.Delivery
			deadline := time.Now().Add(time.Minute)
			for {
				log, err = n.Deliveries(ctx, store.DeliveryFilter{})
				if err != nil {
					t.Fatal(err)
				}
				done := len(log) == 3
				for _, d := range log {
					done = done && d.State() == store.DeliveryDelivered
				}
				if done {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("deliveries not done in a minute: %+v", log)
				}
				time.Sleep(50 * time.Millisecond)
			}
			byChannel := map[string]store.Delivery{}
			for _, d := range log {
				byChannel[d.Channel] = d
			}
			statuses := func(d store.Delivery) []int {
				var out []int
				for _, a := range d.Attempts {
					out = append(out, a.Status)
				}
				return out
			}
			if got := statuses(byChannel[store.ChannelWebhook]); len(got) != 3 || got[0] != 503 || got[1] != 503 || got[2] != 204 {
				t.Errorf("webhook attempts %+v, want 503, 503, 204", byChannel[store.ChannelWebhook].Attempts)
			}
			wa := byChannel[store.ChannelWebhook].Attempts
			if len(wa) == 3 && (wa[0].OK || wa[0].Error == "" || !wa[2].OK || wa[0].Attempt != 1 || wa[2].Attempt != 3) {
				t.Errorf("webhook attempts %+v", wa)
			}
			if got := statuses(byChannel[store.ChannelEmail]); len(got) != 2 || got[0] != 451 || got[1] != 250 {
				t.Errorf("email attempts %+v, want 451 then 250", byChannel[store.ChannelEmail].Attempts)
			}
			hook.mu.Lock()
			if len(hook.bodies) != 1 || len(hook.bad) != 0 || hook.requests != 3 {
				t.Errorf("webhook receiver: %d accepted, %d requests, bad signatures %v", len(hook.bodies), hook.requests, hook.bad)
			} else {
				body, h := hook.bodies[0], hook.headers[0]
				for _, want := range []string{`"kind":"deadline_overdue"`, `"facility":"btu"`, `"link":"/facilities/btu/calendar"`, `"url":"https://revolver.bank.example/facilities/btu/calendar"`} {
					if !strings.Contains(body, want) {
						t.Errorf("webhook body %s lacks %s", body, want)
					}
				}
				if h.Get("X-Revolver-Event") != notify.DeadlineOverdue || h.Get("X-Revolver-Delivery") == "" || h.Get("Content-Type") != "application/json" {
					t.Errorf("webhook headers %v", h)
				}
			}
			hook.mu.Unlock()
			ms := mail.Messages()
			if len(ms) != 1 || ms[0].To[0] != officer.Email || ms[0].Header.Get("X-Revolver-Event") != notify.DeadlineOverdue ||
				!strings.Contains(ms[0].Body, "The borrowing base certificate was due on") {
				t.Errorf("mail received %+v", ms)
			}
			in, unread, err := svc.Inbox(octx, 10)
			if err != nil || len(in) != 1 || unread != 1 || in[0].Event.Kind != notify.DeadlineOverdue {
				t.Errorf("inbox %+v unread %d: %v", in, unread, err)
			}
			ws, err := svc.Deliveries(cli, store.DeliveryFilter{Webhook: w.ID})
			if err != nil || len(ws) != 1 {
				t.Errorf("delivery log of webhook %d: %+v, %v", w.ID, ws, err)
			}
			rep.mu.Lock()
			want := map[string]int{"inbox delivered": 1, "email retrying": 1, "email delivered": 1, "webhook retrying": 2, "webhook delivered": 1}
			for k, v := range want {
				if rep.n[k] != v {
					t.Errorf("outcomes %v, want %v", rep.n, want)
					break
				}
			}
			rep.mu.Unlock()
		})
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempt int
		want    time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {8, 64 * time.Minute / 1}, {20, time.Hour}} {
		want := min(c.want, time.Hour)
		if got := jobs.Backoff(c.attempt, 0, 0); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", c.attempt, got, want)
		}
	}
}
