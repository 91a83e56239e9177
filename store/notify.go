package store

import (
	"context"
	"time"
)

// Channels a notification is delivered by.
const (
	ChannelInbox   = "inbox"
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Event is something that happened that people may be told of: what kind
// (one of package notify's kinds), on which facility ("" for none), about
// which subject (a certificate's or a request's id, a deadline's key),
// when, a short text and the path of the web page it is about. Events
// are the outbox: appended in the store transaction of the change they
// tell of, never changed. Key makes an emission idempotent: an event of
// the same key is stored once.
type Event struct {
	ID       int64     `json:"id"`
	Key      string    `json:"key"`
	Kind     string    `json:"kind"`
	Facility string    `json:"facility,omitempty"`
	Subject  string    `json:"subject,omitempty"`
	At       time.Time `json:"at"`
	Text     string    `json:"text"`
	Link     string    `json:"link,omitempty"`
}

// Preference is one user's choice for one kind of event and channel
// (inbox or email): on or off, as recorded at a time. Preferences are
// appended; the latest of a (user, kind, channel) is the one in force.
type Preference struct {
	UserID     int64     `json:"user_id"`
	Kind       string    `json:"kind"`
	Channel    string    `json:"channel"`
	Enabled    bool      `json:"enabled"`
	RecordedBy string    `json:"recorded_by,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// Webhook is an endpoint a lender administrator registered: the URL the
// events of its kinds are POSTed to, signed with its secret. A webhook is
// never changed; removing one appends its removal (Removed is then set).
type Webhook struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"-"`
	Kinds     []string  `json:"kinds"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Removed   time.Time `json:"removed,omitzero"`
	RemovedBy string    `json:"removed_by,omitempty"`
}

// Delivery is one event to be delivered to one recipient by one channel:
// a user's inbox or email address, or a webhook. Its outcome is the
// attempts appended to it (an inbox delivery is delivered when stored).
type Delivery struct {
	ID      int64  `json:"id"`
	Event   int64  `json:"event"`
	Channel string `json:"channel"`
	UserID  int64  `json:"user_id,omitempty"`
	Webhook int64  `json:"webhook,omitempty"`
	// Address is the email address or the URL delivered to.
	Address   string            `json:"address,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	Attempts  []DeliveryAttempt `json:"attempts,omitempty"`
}

// Delivery states, derived from the attempts.
const (
	DeliveryPending   = "pending"   // no attempt yet, or failed attempts with more to come
	DeliveryDelivered = "delivered" // an attempt succeeded
	DeliveryFailed    = "failed"    // the last attempt failed and was the final one
)

// State is the delivery's state as its attempts say.
func (d Delivery) State() string {
	if d.Channel == ChannelInbox {
		return DeliveryDelivered
	}
	for _, a := range d.Attempts {
		if a.OK {
			return DeliveryDelivered
		}
	}
	if n := len(d.Attempts); n > 0 && d.Attempts[n-1].Final {
		return DeliveryFailed
	}
	return DeliveryPending
}

// DeliveryAttempt is one try at a delivery: its number, when, whether it
// succeeded, the HTTP status (webhooks) or SMTP reply code (email), the
// error and how long it took. Final says no attempt follows a failure.
type DeliveryAttempt struct {
	ID       int64         `json:"id"`
	Delivery int64         `json:"delivery"`
	Attempt  int           `json:"attempt"`
	At       time.Time     `json:"at"`
	OK       bool          `json:"ok"`
	Status   int           `json:"status,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	Final    bool          `json:"final,omitempty"`
}

// InboxEntry is an event in a user's inbox (an inbox delivery) and
// whether the user has read it (the latest of the marks appended).
type InboxEntry struct {
	Delivery int64 `json:"delivery"`
	Event    Event `json:"event"`
	Read     bool  `json:"read"`
}

// DeliveryFilter selects deliveries: of a channel, of a webhook, of a
// user, of an event (zero: any); Limit at most (default and cap 500);
// newest first.
type DeliveryFilter struct {
	Channel string
	Webhook int64
	UserID  int64
	Event   int64
	Limit   int
}

// Notifications keeps the outbox of events, the users' preferences, the
// webhooks and the log of deliveries. Everything is appended: an event,
// a preference, a webhook and its removal, a delivery, each of its
// attempts and each read mark is a row never changed.
type Notifications interface {
	// AppendEvent appends an event outside an Update (a job's: a deadline
	// coming); an event whose key is stored returns the stored one (true).
	AppendEvent(ctx context.Context, e Event) (Event, bool, error)
	Event(ctx context.Context, id int64) (Event, error)
	// Events lists events with an id above after, by id, at most limit.
	Events(ctx context.Context, after int64, limit int) ([]Event, error)
	// Undispatched lists, by id, at most limit events not yet dispatched.
	Undispatched(ctx context.Context, limit int) ([]Event, error)
	// Dispatch stores an event's deliveries and marks it dispatched, in
	// one transaction; an event already dispatched stores nothing and
	// returns its stored deliveries (false). Unknown is not_found.
	Dispatch(ctx context.Context, event int64, ds []Delivery, at time.Time) ([]Delivery, bool, error)
	// Delivery returns a delivery with its attempts.
	Delivery(ctx context.Context, id int64) (Delivery, error)
	// Deliveries lists deliveries with their attempts, newest first.
	Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error)
	// AddAttempt appends an attempt of a delivery (unknown: not_found;
	// of an inbox delivery: invalid).
	AddAttempt(ctx context.Context, a DeliveryAttempt) (DeliveryAttempt, error)

	// SetPreferences appends preferences with their audit record (a, may
	// be nil) in one transaction.
	SetPreferences(ctx context.Context, ps []Preference, a *AuditRecord) error
	// Preferences lists the preferences in force of a user (0: of every
	// user), by user, kind and channel.
	Preferences(ctx context.Context, userID int64) ([]Preference, error)

	// AddWebhook stores a webhook (assigning its id) with its audit record
	// (a, may be nil) in one transaction.
	AddWebhook(ctx context.Context, w Webhook, a *AuditRecord) (Webhook, error)
	// RemoveWebhook appends a webhook's removal with its audit record;
	// unknown is not_found, removed already a conflict.
	RemoveWebhook(ctx context.Context, id int64, by string, at time.Time, a *AuditRecord) (Webhook, error)
	// Webhook returns a webhook with its secret.
	Webhook(ctx context.Context, id int64) (Webhook, error)
	// Webhooks lists every webhook (removed ones too) by id, with secrets.
	Webhooks(ctx context.Context) ([]Webhook, error)

	// Inbox lists a user's inbox entries, newest first, at most limit
	// (default and cap 500); Unread counts the unread ones.
	Inbox(ctx context.Context, userID int64, limit int) ([]InboxEntry, error)
	Unread(ctx context.Context, userID int64) (int, error)
	// MarkInbox appends a read (or unread) mark of a user's inbox
	// delivery; another user's or an unknown delivery is not_found.
	MarkInbox(ctx context.Context, userID, delivery int64, read bool, at time.Time) error
}

// TxNotifier appends an event inside an Update, so that the event
// commits (or not) with the change it tells of.
type TxNotifier interface {
	AppendEventTx(tx Tx, e Event) (Event, bool, error)
}
