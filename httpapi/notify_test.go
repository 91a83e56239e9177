package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"revolver/app"
	"revolver/notify"
	"revolver/store"
)

func init() {
	for route, roles := range map[string][]string{
		"GET /api/v1/notifications":              nil,
		"GET /api/v1/notification-preferences":   nil,
		"GET /api/v1/webhooks":                   {store.RoleLenderAdmin},
		"GET /api/v1/deliveries":                 {store.RoleLenderAdmin},
		"POST /api/v1/webhooks/{id}/remove":      {store.RoleLenderAdmin},
		"POST /api/v1/notification-preferences":  nil,
		"POST /api/v1/notifications/{id}/read":   nil,
		"POST /api/v1/notifications/{id}/unread": nil,
	} {
		ok := 200
		if strings.HasSuffix(route, "read") {
			ok = 204
		}
		policy[route] = struct {
			roles []string
			ok    int
		}{roles, ok}
	}
	policy["POST /api/v1/webhooks"] = struct {
		roles []string
		ok    int
	}{[]string{store.RoleLenderAdmin}, 201}
}

// notifyRequest builds the requests of the notification routes: an inbox
// entry of the caller's own to mark, a webhook to remove.
func (e *env) notifyRequest(route, as string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	ctx := context.Background()
	switch {
	case strings.HasPrefix(pattern, "/api/v1/notifications/{id}"):
		id := int64(1)
		if u, err := e.acc.UserByEmail(ctx, as); err == nil {
			id = e.inboxEntry(u)
		}
		return jsonReq(method, strings.ReplaceAll(pattern, "{id}", fmt.Sprint(id)), nil), true
	case pattern == "/api/v1/notification-preferences" && method == "POST":
		return jsonReq(method, pattern, map[string]any{"preferences": []app.PreferenceChoice{{Kind: notify.AdvanceDecided, Channel: store.ChannelEmail, Enabled: e.seq()%2 == 0}}}), true
	case pattern == "/api/v1/webhooks" && method == "POST":
		return jsonReq(method, pattern, map[string]any{"url": "https://hooks.example/revolver", "kinds": []string{notify.CertificateSubmitted}}), true
	case pattern == "/api/v1/webhooks/{id}/remove":
		w, err := e.svc.AddWebhook(ctx, app.WebhookInput{URL: "https://hooks.example/gone", Kinds: []string{notify.AdvanceRequested}})
		if err != nil {
			e.t.Fatal(err)
		}
		return jsonReq(method, strings.ReplaceAll(pattern, "{id}", fmt.Sprint(w.ID)), nil), true
	case pattern == "/api/v1/deliveries":
		return jsonReq(method, pattern+"?channel=webhook&limit=10", nil), true
	}
	return req{}, false
}

// inboxEntry emits an event and dispatches it: u gets an inbox entry,
// whose delivery id it returns.
func (e *env) inboxEntry(u store.User) int64 {
	ctx := context.Background()
	if err := e.svc.Emit(ctx, store.Event{Kind: notify.DeadlineComing, Facility: "", Subject: fmt.Sprint(e.seq()), Text: "the certificate is due"}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.DispatchEvents(ctx, 100); err != nil {
		e.t.Fatal(err)
	}
	in, _, err := e.svc.Inbox(app.WithActor(ctx, app.Actor{User: u.Email, UserID: u.ID, Role: u.Role, Facilities: u.Facilities}), 1)
	if err != nil || len(in) == 0 {
		e.t.Fatalf("no inbox entry for %s: %v", u.Email, err)
	}
	return in[0].Delivery
}

// The inbox, preferences and webhooks through the API: an event reaches
// the officer's inbox, marked read it no longer counts unread; another
// user cannot mark it; preferences set are answered in force; a webhook
// is registered with its secret shown once, listed without it, and an
// unknown kind refused naming the field.
func TestNotificationsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer := e.email[store.RoleLenderOfficer]
		admin := e.email[store.RoleLenderAdmin]
		u, err := e.acc.UserByEmail(context.Background(), officer)
		if err != nil {
			t.Fatal(err)
		}
		id := e.inboxEntry(u)
		var in struct {
			Entries []store.InboxEntry `json:"entries"`
			Unread  int                `json:"unread"`
		}
		got := e.do(officer, jsonReq("GET", "/api/v1/notifications", nil))
		if err := json.Unmarshal(got.body, &in); err != nil || got.status != 200 || in.Unread < 1 || in.Entries[0].Delivery != id || in.Entries[0].Read {
			t.Fatalf("inbox %d %s", got.status, got.body)
		}
		unread := in.Unread
		if got := e.do(admin, jsonReq("POST", fmt.Sprintf("/api/v1/notifications/%d/read", id), nil)); got.status != 404 {
			t.Errorf("another user marking the officer's entry: %d %s", got.status, got.body)
		}
		if got := e.do(officer, jsonReq("POST", fmt.Sprintf("/api/v1/notifications/%d/read", id), nil)); got.status != 204 {
			t.Fatalf("mark read: %d %s", got.status, got.body)
		}
		got = e.do(officer, jsonReq("GET", "/api/v1/notifications", nil))
		_ = json.Unmarshal(got.body, &in)
		if in.Unread != unread-1 || !in.Entries[0].Read {
			t.Errorf("after marking read: %s", got.body)
		}

		got = e.do(officer, jsonReq("POST", "/api/v1/notification-preferences", map[string]any{"preferences": []map[string]any{{"kind": "certificate_submitted", "channel": "email", "enabled": true}}}))
		if got.status != 200 || !strings.Contains(string(got.body), `{"user_id":`) {
			t.Fatalf("set preferences: %d %s", got.status, got.body)
		}
		var pl struct {
			Preferences []store.Preference `json:"preferences"`
		}
		_ = json.Unmarshal(got.body, &pl)
		for _, p := range pl.Preferences {
			if p.Kind == notify.CertificateSubmitted && p.Channel == store.ChannelEmail && !p.Enabled {
				t.Errorf("email for certificate_submitted not on: %+v", p)
			}
		}
		got = e.do(officer, jsonReq("POST", "/api/v1/notification-preferences", map[string]any{"preferences": []map[string]any{{"kind": "gossip", "channel": "email", "enabled": true}}}))
		if got.status != 400 && got.status != 422 || !strings.Contains(string(got.body), "gossip") {
			t.Errorf("unknown kind: %d %s", got.status, got.body)
		}

		got = e.do(admin, jsonReq("POST", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example/r", "kinds": []string{"certificate_submitted"}, "secret": "whsec_0123456789abcdef"}))
		if got.status != 201 || !strings.Contains(string(got.body), `"secret":"whsec_0123456789abcdef"`) {
			t.Fatalf("add webhook: %d %s", got.status, got.body)
		}
		got = e.do(admin, jsonReq("GET", "/api/v1/webhooks", nil))
		if got.status != 200 || strings.Contains(string(got.body), "whsec_") || !strings.Contains(string(got.body), "https://hooks.example/r") {
			t.Errorf("webhooks: %d %s", got.status, got.body)
		}
		got = e.do(admin, jsonReq("POST", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example/r", "kinds": []string{"gossip"}}))
		if got.status != 400 && got.status != 422 || !strings.Contains(string(got.body), "kinds[0]") {
			t.Errorf("unknown kind: %d %s", got.status, got.body)
		}
		if got := e.do(admin, jsonReq("GET", "/api/v1/deliveries?channel=fax", nil)); got.status != 400 {
			t.Errorf("channel fax: %d %s", got.status, got.body)
		}
	})
}
