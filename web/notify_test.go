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
	"revolver/notify"
	"revolver/store"
)

// TestNotificationPages: an event of the facility reaches the officer's
// inbox, the header counts it unread, marking it read clears the count;
// the preferences page saves the boxes checked; the administrator
// registers a webhook (its secret shown once), sees it and the delivery
// log, and removes it; others get not found. On both databases.
func TestNotificationPages(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		svc := &app.Service{Store: e.st, Now: func() time.Time { return *e.clock.Load() }}
		if err := svc.Emit(ctx, app.DeadlineEvent("btu", "bbc", "The borrowing base certificate", 13140, false)); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.DispatchEvents(ctx, 100); err != nil {
			t.Fatal(err)
		}
		officer := e.signIn(t, "officer@bank.example")
		resp, body := officer.get("/inbox")
		mustStatus(t, "inbox", resp.StatusCode, http.StatusOK)
		if !strings.Contains(body, `id="unread">1<`) || !strings.Contains(body, "The borrowing base certificate due on") || !strings.Contains(body, `href="/facilities/btu/calendar"`) {
			t.Fatalf("inbox page lacks the entry or the unread count:\n%s", body)
		}
		in, _, err := svc.Inbox(app.WithActor(ctx, app.Actor{User: "officer@bank.example", UserID: userID(t, e, "officer@bank.example"), Role: store.RoleLenderOfficer}), 1)
		if err != nil || len(in) != 1 {
			t.Fatalf("inbox %+v %v", in, err)
		}
		ctl := e.signIn(t, "controller@btu.example")
		if resp := ctl.post(fmt.Sprintf("/inbox/%d/read", in[0].Delivery), url.Values{}); resp.StatusCode == http.StatusSeeOther {
			t.Errorf("the controller marked the officer's entry")
		}
		resp = officer.post(fmt.Sprintf("/inbox/%d/read", in[0].Delivery), url.Values{})
		mustStatus(t, "mark read", resp.StatusCode, http.StatusSeeOther)
		if got := Flash(resp.Header.Get("Location")); got != fmt.Sprintf("Entry %d is marked read.", in[0].Delivery) {
			t.Errorf("mark read says %q", got)
		}
		if _, body := officer.get("/"); strings.Contains(body, `id="unread"`) {
			t.Error("the header still counts an unread entry")
		}

		resp, body = officer.get("/preferences")
		mustStatus(t, "preferences", resp.StatusCode, http.StatusOK)
		if !strings.Contains(body, `name="inbox.certificate_submitted" checked`) || strings.Contains(body, `name="email.certificate_submitted" checked`) {
			t.Errorf("default preferences not shown: inbox on, email off")
		}
		form := url.Values{"email.certificate_submitted": {"on"}}
		resp = officer.post("/preferences", form)
		mustStatus(t, "save preferences", resp.StatusCode, http.StatusSeeOther)
		_, body = officer.get("/preferences")
		if !strings.Contains(body, `name="email.certificate_submitted" checked`) || strings.Contains(body, `name="inbox.certificate_submitted" checked`) {
			t.Errorf("saved preferences not shown: email on, inbox off (unchecked)")
		}

		if resp, _ := officer.get("/webhooks"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("an officer sees /webhooks: %d", resp.StatusCode)
		}
		if resp := officer.post("/webhooks", url.Values{"url": {"https://hooks.example/x"}, "kind.certificate_submitted": {"on"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an officer registers a webhook: %d", resp.StatusCode)
		}
		admin := e.signIn(t, "admin@bank.example")
		resp, body = admin.postPage("/webhooks", url.Values{"url": {"https://hooks.example/x"}, "kind.certificate_submitted": {"on"}, "kind.advance_requested": {"on"}})
		mustStatus(t, "add webhook", resp.StatusCode, http.StatusOK)
		if !strings.Contains(body, `<code id="secret">whsec_`) || !strings.Contains(body, "https://hooks.example/x") {
			t.Fatalf("the added webhook's page lacks the secret or the URL")
		}
		resp, body = admin.postPage("/webhooks", url.Values{"url": {"https://hooks.example/y"}})
		if resp.StatusCode < 400 || !strings.Contains(body, "kinds") {
			t.Errorf("a webhook of no kind: %d", resp.StatusCode)
		}
		resp, body = admin.get("/webhooks")
		mustStatus(t, "webhooks", resp.StatusCode, http.StatusOK)
		if strings.Contains(body, "whsec_") || !strings.Contains(body, notify.Label(notify.AdvanceRequested)) {
			t.Errorf("the webhooks page shows a secret, or not the kinds")
		}
		ws, _ := svc.Webhooks(ctx)
		resp = admin.post(fmt.Sprintf("/webhooks/%d/remove", ws[0].ID), url.Values{})
		mustStatus(t, "remove webhook", resp.StatusCode, http.StatusSeeOther)
		if _, body := admin.get("/webhooks"); !strings.Contains(body, "removed ") {
			t.Error("the removed webhook is not shown removed")
		}
	})
}

func userID(t *testing.T, e *env, email string) int64 {
	u, err := e.acc.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// notifyFixture gives every user an inbox entry (unread) and registers a
// webhook with a delivery of two attempts, for the pages' checks.
func notifyFixture(t *testing.T, e *env) {
	ctx := context.Background()
	svc := &app.Service{Store: e.st, Now: func() time.Time { return *e.clock.Load() }}
	w, err := svc.AddWebhook(ctx, app.WebhookInput{URL: "https://hooks.example/revolver", Kinds: []string{notify.DeadlineComing}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Emit(ctx, app.DeadlineEvent("btu", "bbc", "The borrowing base certificate", 13140, false)); err != nil {
		t.Fatal(err)
	}
	got, err := svc.DispatchEvents(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := e.st.(store.Notifications)
	for _, d := range got {
		for _, x := range d.Deliveries {
			if x.Webhook == w.ID {
				now := *e.clock.Load()
				for i, st := range []int{503, 204} {
					a := store.DeliveryAttempt{Delivery: x.ID, Attempt: i + 1, At: now, Status: st, OK: st == 204, Duration: time.Millisecond}
					if !a.OK {
						a.Error = "webhook https://hooks.example/revolver: 503 Service Unavailable"
					}
					if _, err := n.AddAttempt(ctx, a); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}
