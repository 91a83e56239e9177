package httpapi

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"

	"revolver/app"
	"revolver/notify"
	"revolver/store"
)

// The answers and bodies of the notification routes.
type (
	inboxAnswer struct {
		Entries []store.InboxEntry `json:"entries"`
		Unread  int                `json:"unread"`
	}
	preferenceList struct {
		Preferences []store.Preference `json:"preferences"`
	}
	preferencesInput struct {
		Preferences []app.PreferenceChoice `json:"preferences"`
	}
	webhookList struct {
		Webhooks []store.Webhook `json:"webhooks"`
	}
	// webhookCreated is a webhook as registered, with its secret: the
	// only answer that shows it.
	webhookCreated struct {
		store.Webhook
		Secret string `json:"secret"`
	}
	webhookInput struct {
		URL    string   `json:"url"`
		Kinds  []string `json:"kinds"`
		Secret string   `json:"secret,omitempty"`
	}
	deliveryInfo struct {
		store.Delivery
		State string `json:"state"`
	}
	deliveryList struct {
		Deliveries []deliveryInfo `json:"deliveries"`
	}
)

func init() {
	schemaTypes["Inbox"] = inboxAnswer{}
	schemaTypes["PreferenceList"] = preferenceList{}
	schemaTypes["Preferences"] = preferencesInput{}
	schemaTypes["WebhookList"] = webhookList{}
	schemaTypes["WebhookCreated"] = webhookCreated{}
	schemaTypes["Webhook"] = store.Webhook{}
	schemaTypes["WebhookInput"] = webhookInput{}
	schemaTypes["DeliveryList"] = deliveryList{}
	kinds := enum(notify.Kinds...)
	fieldDocs[reflect.TypeFor[store.Event]()] = obj{"kind": kinds, "link": obj{"description": "the path of the web page the event is about"},
		"key": obj{"description": "the event's idempotency key: one event per key"}}
	fieldDocs[reflect.TypeFor[store.Preference]()] = obj{"kind": kinds, "channel": enum(store.ChannelInbox, store.ChannelEmail)}
	fieldDocs[reflect.TypeFor[app.PreferenceChoice]()] = obj{"kind": kinds, "channel": enum(store.ChannelInbox, store.ChannelEmail)}
	fieldDocs[reflect.TypeFor[store.Webhook]()] = obj{"kinds": obj{"type": "array", "items": kinds}}
	fieldDocs[reflect.TypeFor[webhookInput]()] = obj{"kinds": obj{"type": "array", "items": kinds, "minItems": 1},
		"url":    obj{"format": "uri", "description": "an absolute https:// (or http://) URL"},
		"secret": obj{"minLength": 16, "description": "the signing secret (default: a new random one, answered once)"}}
	fieldDocs[reflect.TypeFor[webhookCreated]()] = obj{"secret": obj{"description": "the signing secret: shown only in this answer"}}
	fieldDocs[reflect.TypeFor[store.Delivery]()] = obj{"channel": enum(store.ChannelInbox, store.ChannelEmail, store.ChannelWebhook)}
	fieldDocs[reflect.TypeFor[deliveryInfo]()] = obj{"state": enum(store.DeliveryPending, store.DeliveryDelivered, store.DeliveryFailed)}
	fieldDocs[reflect.TypeFor[store.DeliveryAttempt]()] = obj{"status": obj{"description": "the HTTP status (webhook) or the SMTP reply code (email); absent when no answer came"},
		"duration_ns": obj{"description": "how long the attempt took, in nanoseconds"}}
	requestDocs[reflect.TypeFor[preferencesInput]()] = struct {
		required []string
		optional bool
	}{required: []string{"preferences"}}
	requestDocs[reflect.TypeFor[webhookInput]()] = struct {
		required []string
		optional bool
	}{required: []string{"url", "kinds"}}
	queryDocs["channel"] = obj{"description": "only deliveries by this channel", "schema": enum(store.ChannelEmail, store.ChannelWebhook, store.ChannelInbox)}
	queryDocs["webhook"] = obj{"description": "only deliveries to this webhook (its id)", "schema": obj{"type": "integer", "minimum": 1}}
	tags = append(tags, struct {
		name, description string
		segments          []string
	}{"notifications", "Notifications: the caller's inbox and preferences (which events reach them, by inbox or email); webhooks and the delivery log (administrators)",
		[]string{"notifications", "notification-preferences", "webhooks", "deliveries"}})
}

// notifyRoutes: the caller's inbox and preferences (every role, their
// own); webhooks and the delivery log (lender administrators).
func (s *Server) notifyRoutes() []*Route {
	admin := roles(app.ActManageWebhooks)
	return []*Route{
		{Method: "GET", Path: "/api/v1/notifications", Summary: "The caller's inbox, newest first, and how many entries are unread", Query: []string{"limit"}, Response: "Inbox", h: s.inbox},
		{Method: "POST", Path: "/api/v1/notifications/{id}/read", Summary: "Mark an entry of the caller's inbox read", Response: "NoContent", Status: http.StatusNoContent, h: s.markInbox(true)},
		{Method: "POST", Path: "/api/v1/notifications/{id}/unread", Summary: "Mark an entry of the caller's inbox unread again", Response: "NoContent", Status: http.StatusNoContent, h: s.markInbox(false)},
		{Method: "GET", Path: "/api/v1/notification-preferences", Summary: "The caller's choices: for every kind of event, whether it reaches their inbox and their email (never chosen: inbox on, email off)", Response: "PreferenceList", h: s.preferences},
		{Method: "POST", Path: "/api/v1/notification-preferences", Summary: "Choose which kinds of events reach the caller, by inbox and by email (only the choices given change)", Mutating: true, Op: app.OpSetPreferences, Request: "Preferences", Response: "PreferenceList", h: s.setPreferences},
		{Method: "GET", Path: "/api/v1/webhooks", Summary: "The webhooks, removed ones too, without their secrets", Roles: admin, Response: "WebhookList", h: s.webhooks},
		{Method: "POST", Path: "/api/v1/webhooks", Summary: "Register a webhook: the events of its kinds are POSTed to its URL, signed with its secret (X-Revolver-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"t.body\">), retried with backoff", Roles: admin, Mutating: true, Op: app.OpAddWebhook, Request: "WebhookInput", Response: "WebhookCreated", Status: http.StatusCreated, h: s.addWebhook},
		{Method: "POST", Path: "/api/v1/webhooks/{id}/remove", Summary: "Remove a webhook: nothing more is delivered to it; its delivery log stays", Roles: admin, Mutating: true, Op: app.OpRemoveWebhook, Response: "Webhook", h: s.removeWebhook},
		{Method: "GET", Path: "/api/v1/deliveries", Summary: "The delivery log: deliveries by email and webhook (and inbox entries), newest first, each with every attempt (status, error, duration)", Roles: admin, Query: []string{"channel", "webhook", "limit"}, Response: "DeliveryList", h: s.deliveries},
	}
}

func (s *Server) inbox(c *call) (any, error) {
	p, err := c.page(false)
	if err != nil {
		return nil, err
	}
	in, unread, err := c.svc().Inbox(c.r.Context(), p.Limit)
	if err != nil {
		return nil, err
	}
	if in == nil {
		in = []store.InboxEntry{}
	}
	return inboxAnswer{Entries: in, Unread: unread}, nil
}

func (s *Server) markInbox(read bool) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		id, err := c.pathID()
		if err != nil {
			return nil, err
		}
		return nil, c.svc().MarkInbox(c.r.Context(), id, read)
	}
}

func (s *Server) preferences(c *call) (any, error) {
	ps, err := c.svc().Preferences(c.r.Context())
	return preferenceList{Preferences: ps}, err
}

func (s *Server) setPreferences(c *call) (any, error) {
	var in preferencesInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Preferences == nil {
		return nil, fieldErr("preferences", "missing: expected a list of {kind, channel, enabled}")
	}
	ps, err := c.svc().SetPreferences(c.r.Context(), in.Preferences)
	return preferenceList{Preferences: ps}, err
}

func (s *Server) webhooks(c *call) (any, error) {
	ws, err := c.svc().Webhooks(c.r.Context())
	if ws == nil {
		ws = []store.Webhook{}
	}
	return webhookList{Webhooks: ws}, err
}

func (s *Server) addWebhook(c *call) (any, error) {
	var in webhookInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	w, err := c.svc().AddWebhook(c.r.Context(), app.WebhookInput{URL: in.URL, Kinds: in.Kinds, Secret: in.Secret})
	if err != nil {
		return nil, err
	}
	c.w.Header().Set("Location", "/api/v1/webhooks")
	return webhookCreated{Webhook: w, Secret: w.Secret}, nil
}

func (s *Server) removeWebhook(c *call) (any, error) {
	id, err := c.pathID()
	if err != nil {
		return nil, err
	}
	return c.svc().RemoveWebhook(c.r.Context(), id)
}

func (s *Server) deliveries(c *call) (any, error) {
	p, err := c.page(false)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := store.DeliveryFilter{Channel: q.Get("channel"), Limit: p.Limit}
	if f.Channel != "" && !slices.Contains([]string{store.ChannelInbox, store.ChannelEmail, store.ChannelWebhook}, f.Channel) {
		return nil, fieldErr("channel", "%q: expected email, webhook or inbox", f.Channel)
	}
	if v := q.Get("webhook"); v != "" {
		if f.Webhook, err = strconv.ParseInt(v, 10, 64); err != nil || f.Webhook < 1 {
			return nil, fieldErr("webhook", "%q: expected a webhook's id", v)
		}
	}
	ds, err := c.svc().Deliveries(c.r.Context(), f)
	if err != nil {
		return nil, err
	}
	out := make([]deliveryInfo, len(ds))
	for i, d := range ds {
		out[i] = deliveryInfo{Delivery: d, State: d.State()}
	}
	return deliveryList{Deliveries: out}, nil
}
