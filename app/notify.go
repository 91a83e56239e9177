package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"revolver/date"
	"revolver/defaults"
	"revolver/notify"
	"revolver/store"
)

// The use cases of notifications (docs/notifications.md), for their audit
// records.
const (
	OpSetPreferences Op = "notification_preference/set"
	OpAddWebhook     Op = "webhook/add"
	OpRemoveWebhook  Op = "webhook/remove"
)

// EmitTx appends an event to the outbox in the store transaction tx of an
// Update (the tx a use case's update function is given), so that the
// event is stored if and only if the change it tells of is. The event's
// facility is the Update's; At defaults to the service's clock and Key
// to "<kind>:<facility>:<subject>" (an event of a stored key is stored
// once: emitting again is a no-op). A store that keeps no outbox stores
// nothing. This is the function other use cases call to tell of what
// they changed: dominion periods (DominionEvent), deadlines
// (DeadlineEvent), anything new.
func (s *Service) EmitTx(tx store.Tx, e store.Event) error {
	n, ok := s.Store.(store.TxNotifier)
	if !ok {
		return nil
	}
	raw := rawTx(tx)
	if e.Facility == "" {
		e.Facility = raw.Facility().Slug
	}
	s.fillEvent(&e)
	if !notify.Known(e.Kind) {
		return store.Errorf(store.CodeInvalid, "event %q: kind %q is not a kind of event", e.Key, e.Kind)
	}
	_, _, err := n.AppendEventTx(raw, e)
	return err
}

// Emit appends an event outside any Update: for work that changes
// nothing else in the store (a deadline found coming by a daily job).
// Emitting the same key again stores nothing.
func (s *Service) Emit(ctx context.Context, e store.Event) error {
	n, ok := s.Store.(store.Notifications)
	if !ok {
		return nil
	}
	s.fillEvent(&e)
	if !notify.Known(e.Kind) {
		return store.Errorf(store.CodeInvalid, "event %q: kind %q is not a kind of event", e.Key, e.Kind)
	}
	_, _, err := n.AppendEvent(ctx, e)
	return err
}

func (s *Service) fillEvent(e *store.Event) {
	if e.At.IsZero() {
		e.At = s.now()
	}
	if e.Key == "" {
		e.Key = e.Kind + ":" + e.Facility + ":" + e.Subject
	}
}

// rawTx is the store's own transaction under the use cases' wrappers.
func rawTx(tx store.Tx) store.Tx {
	for {
		switch t := tx.(type) {
		case stampingTx:
			tx = t.Tx
		case *recordingTx:
			tx = t.Tx
		default:
			return tx
		}
	}
}

// DominionEvent is the event of a dominion period of a facility started
// (or ended) on a date: subject is the period's id, why the reason told.
// Emit it with EmitTx in the transaction that records the period.
func DominionEvent(facility, period string, started bool, on date.Date, why string) store.Event {
	kind, verb := notify.DominionStarted, "started"
	if !started {
		kind, verb = notify.DominionEnded, "ended"
	}
	text := fmt.Sprintf("Dominion period %s %s on %s", period, verb, on)
	if why != "" {
		text += ": " + why
	}
	return store.Event{Kind: kind, Facility: facility, Subject: period, Text: text, Link: facilityLink(facility, "")}
}

// DeadlineEvent is the event of a deadline of a facility coming (due on a
// later date) or overdue: key names the deadline (e.g. its calendar
// entry), what says what is due. One event is stored per deadline, due
// date and state: emitting it every day is harmless.
func DeadlineEvent(facility, key, what string, due date.Date, overdue bool) store.Event {
	kind, text := notify.DeadlineComing, fmt.Sprintf("%s due on %s", what, due)
	if overdue {
		kind, text = notify.DeadlineOverdue, fmt.Sprintf("%s was due on %s and is overdue", what, due)
	}
	return store.Event{Kind: kind, Facility: facility, Subject: key + "@" + due.String(), Text: text, Link: facilityLink(facility, "/calendar")}
}

func facilityLink(facility, rest string) string {
	return "/facilities/" + url.PathEscape(facility) + rest
}

// emitChanges appends the events of what a store transaction changed
// (the changes its audit record is made of), in that transaction.
func (s *Service) emitChanges(tx store.Tx, facility string, changes []change) error {
	for _, c := range changes {
		for _, e := range eventsOf(facility, c) {
			if err := s.EmitTx(tx, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// eventsOf are the events a stored change tells of.
func eventsOf(facility string, c change) []store.Event {
	switch after := c.After.(type) {
	case store.Certificate:
		id := strconv.FormatInt(after.ID, 10)
		link := facilityLink(facility, "/certificates/"+id)
		switch after.Status {
		case store.Submitted:
			out := []store.Event{{Kind: notify.CertificateSubmitted, Subject: id, Link: link,
				Text: fmt.Sprintf("Certificate %s as of %s submitted by %s: borrowing base %s", id, after.AsOf, after.SubmittedBy, after.BorrowingBase)}}
			if n := len(after.Warnings); n > 0 {
				text := fmt.Sprintf("Certificate %s as of %s has %d data-quality warning(s): %s", id, after.AsOf, n, after.Warnings[0].Message)
				out = append(out, store.Event{Kind: notify.DataQualityWarning, Subject: id, Link: link, Text: text})
			}
			return out
		case store.Approved, store.Rejected, store.Withdrawn:
			return []store.Event{{Kind: notify.CertificateDecided, Subject: id, Link: link,
				Text: fmt.Sprintf("Certificate %s as of %s %s by %s", id, after.AsOf, after.Status, after.Reviewer)}}
		}
	case store.AdvanceRequest:
		id := strconv.FormatInt(after.ID, 10)
		link := facilityLink(facility, "/loans")
		var out []store.Event
		if c.Before == nil {
			out = append(out, store.Event{Kind: notify.AdvanceRequested, Subject: id, Link: link,
				Text: fmt.Sprintf("Advance %s of %s value-dated %s requested by %s", id, after.Amount, after.ValueDate, after.RequestedBy)})
		}
		// Decided: later, or at once (funded within the maker-checker
		// threshold, by its requester).
		if after.Status != store.AdvanceRequested {
			by := after.DecidedBy
			if by == "" {
				by = after.RequestedBy
			}
			out = append(out, store.Event{Kind: notify.AdvanceDecided, Subject: id, Link: link,
				Text: fmt.Sprintf("Advance %s of %s value-dated %s %s by %s", id, after.Amount, after.ValueDate, after.Status, by)})
		}
		return out
	case store.FactRecord:
		if after.Kind == store.FactDefault {
			id := strconv.FormatInt(after.ID, 10)
			what := after.Subject
			if what == "" {
				what = "an event of default"
			}
			return []store.Event{{Kind: notify.DefaultRecorded, Subject: id, Link: facilityLink(facility, ""),
				Text: fmt.Sprintf("Event of default %s recorded as of %s by %s", what, after.On, after.RecordedBy)}}
		}
	}
	return nil
}

// notifications is the store's notifications, or an error saying it
// keeps none.
func (s *Service) notifications() (store.Notifications, error) {
	n, ok := s.Store.(store.Notifications)
	if !ok {
		return nil, fmt.Errorf("the store %T keeps no notifications", s.Store)
	}
	return n, nil
}

// person is the user of the context's actor (refused without one: the
// inbox and the preferences are a person's own).
func (s *Service) person(ctx context.Context) (Actor, error) {
	if err := authorize(ctx, ActNotifications, ""); err != nil {
		return Actor{}, err
	}
	a, ok := ActorFrom(ctx)
	if !ok || a.UserID == 0 {
		return a, store.Errorf(store.CodeInvalid, "notifications are a signed-in user's own: no user")
	}
	return a, nil
}

// Preferences are the choices in force of the context's user: for every
// kind of event, whether it reaches their inbox and their email (a kind
// never chosen: inbox on, email off).
func (s *Service) Preferences(ctx context.Context) ([]store.Preference, error) {
	a, err := s.person(ctx)
	if err != nil {
		return nil, err
	}
	return s.preferencesOf(ctx, a.UserID)
}

func (s *Service) preferencesOf(ctx context.Context, userID int64) ([]store.Preference, error) {
	n, err := s.notifications()
	if err != nil {
		return nil, err
	}
	stored, err := n.Preferences(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]store.Preference, 0, 2*len(notify.Kinds))
	for _, k := range notify.Kinds {
		for _, ch := range []string{store.ChannelInbox, store.ChannelEmail} {
			p := store.Preference{UserID: userID, Kind: k, Channel: ch, Enabled: ch == store.ChannelInbox}
			if i := slices.IndexFunc(stored, func(x store.Preference) bool { return x.Kind == k && x.Channel == ch }); i >= 0 {
				p = stored[i]
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// PreferenceChoice is one choice: a kind of event by a channel (inbox or
// email), on or off.
type PreferenceChoice struct {
	Kind    string `json:"kind"`
	Channel string `json:"channel"`
	Enabled bool   `json:"enabled"`
}

// SetPreferences records the context's user's choices (only those that
// change what is in force are appended) with their audit record, and
// returns the preferences in force.
func (s *Service) SetPreferences(ctx context.Context, choices []PreferenceChoice) ([]store.Preference, error) {
	ctx = named(ctx, OpSetPreferences)
	a, err := s.person(ctx)
	if err != nil {
		return nil, err
	}
	for i, c := range choices {
		if !notify.Known(c.Kind) {
			return nil, store.Errorf(store.CodeInvalid, "preferences[%d].kind: %q is not a kind of event, expected one of %s", i, c.Kind, strings.Join(notify.Kinds, ", "))
		}
		if c.Channel != store.ChannelInbox && c.Channel != store.ChannelEmail {
			return nil, store.Errorf(store.CodeInvalid, "preferences[%d].channel: %q, expected inbox or email", i, c.Channel)
		}
	}
	cur, err := s.preferencesOf(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var add []store.Preference
	for _, c := range choices {
		i := slices.IndexFunc(cur, func(p store.Preference) bool { return p.Kind == c.Kind && p.Channel == c.Channel })
		if cur[i].Enabled == c.Enabled && !cur[i].RecordedAt.IsZero() {
			continue
		}
		p := store.Preference{UserID: a.UserID, Kind: c.Kind, Channel: c.Channel, Enabled: c.Enabled, RecordedBy: a.User, RecordedAt: now}
		cur[i] = p
		add = append(add, p)
	}
	if len(add) == 0 {
		return cur, nil
	}
	n, _ := s.notifications()
	rec := a.Record(OpSetPreferences, now)
	rec.Resource = a.User
	rec.After, _ = json.Marshal(add)
	if err := n.SetPreferences(ctx, add, &rec); err != nil {
		return nil, err
	}
	return cur, nil
}

// Inbox is the context's user's inbox, newest first, and how many of its
// entries are unread.
func (s *Service) Inbox(ctx context.Context, limit int) ([]store.InboxEntry, int, error) {
	a, err := s.person(ctx)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.notifications()
	if err != nil {
		return nil, 0, err
	}
	in, err := n.Inbox(ctx, a.UserID, limit)
	if err != nil {
		return nil, 0, err
	}
	u, err := n.Unread(ctx, a.UserID)
	return in, u, err
}

// Unread counts the context's user's unread inbox entries (0 for no user).
func (s *Service) Unread(ctx context.Context) (int, error) {
	a, ok := ActorFrom(ctx)
	n, err := s.notifications()
	if !ok || a.UserID == 0 || err != nil {
		return 0, nil
	}
	return n.Unread(ctx, a.UserID)
}

// MarkInbox marks an entry of the context's user's inbox read (or unread
// again), appending the mark.
func (s *Service) MarkInbox(ctx context.Context, delivery int64, read bool) error {
	a, err := s.person(ctx)
	if err != nil {
		return err
	}
	n, err := s.notifications()
	if err != nil {
		return err
	}
	return n.MarkInbox(ctx, a.UserID, delivery, read, s.now())
}

// WebhookInput registers a webhook: an https (or, for a local receiver,
// http) URL, the kinds of events it receives, and its secret ("": one is
// generated).
type WebhookInput struct {
	URL    string   `json:"url"`
	Kinds  []string `json:"kinds"`
	Secret string   `json:"secret,omitempty"`
}

// AddWebhook registers a webhook (lender administrators) with its audit
// record. The webhook returned carries its secret: the only time it is
// shown.
func (s *Service) AddWebhook(ctx context.Context, in WebhookInput) (store.Webhook, error) {
	ctx = named(ctx, OpAddWebhook)
	if err := authorize(ctx, ActManageWebhooks, ""); err != nil {
		return store.Webhook{}, err
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return store.Webhook{}, store.Errorf(store.CodeInvalid, "webhook url %q: expected an absolute https:// (or http://) URL", in.URL)
	}
	if err := notify.CheckKinds(in.Kinds); err != nil {
		return store.Webhook{}, store.Errorf(store.CodeInvalid, "webhook %s: %v", in.URL, err)
	}
	if in.Secret == "" {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		in.Secret = "whsec_" + hex.EncodeToString(b)
	} else if len(in.Secret) < 16 {
		return store.Webhook{}, store.Errorf(store.CodeInvalid, "webhook %s: secret of %d characters, expected 16 or more", in.URL, len(in.Secret))
	}
	n, err := s.notifications()
	if err != nil {
		return store.Webhook{}, err
	}
	a, _ := ActorFrom(ctx)
	now := s.now()
	w := store.Webhook{URL: in.URL, Secret: in.Secret, Kinds: slices.Compact(slices.Sorted(slices.Values(in.Kinds))), CreatedBy: requester(ctx, a.User), CreatedAt: now}
	rec := a.Record(OpAddWebhook, now)
	rec.Resource = in.URL
	rec.After, _ = json.Marshal(map[string]any{"url": w.URL, "kinds": w.Kinds})
	return n.AddWebhook(ctx, w, &rec)
}

// RemoveWebhook removes a webhook (lender administrators): no event is
// delivered to it from then on; its log stays.
func (s *Service) RemoveWebhook(ctx context.Context, id int64) (store.Webhook, error) {
	ctx = named(ctx, OpRemoveWebhook)
	if err := authorize(ctx, ActManageWebhooks, ""); err != nil {
		return store.Webhook{}, err
	}
	n, err := s.notifications()
	if err != nil {
		return store.Webhook{}, err
	}
	a, _ := ActorFrom(ctx)
	now := s.now()
	rec := a.Record(OpRemoveWebhook, now)
	rec.Resource = strconv.FormatInt(id, 10)
	rec.After = []byte(`{"removed":true}`)
	w, err := n.RemoveWebhook(ctx, id, requester(ctx, a.User), now, &rec)
	w.Secret = ""
	return w, err
}

// Webhooks lists the webhooks (lender administrators), without secrets.
func (s *Service) Webhooks(ctx context.Context) ([]store.Webhook, error) {
	if err := authorize(ctx, ActManageWebhooks, ""); err != nil {
		return nil, err
	}
	n, err := s.notifications()
	if err != nil {
		return nil, err
	}
	ws, err := n.Webhooks(ctx)
	for i := range ws {
		ws[i].Secret = ""
	}
	return ws, err
}

// Deliveries is the delivery log (lender administrators): deliveries by
// email and webhook with every attempt, newest first.
func (s *Service) Deliveries(ctx context.Context, f store.DeliveryFilter) ([]store.Delivery, error) {
	if err := authorize(ctx, ActManageWebhooks, ""); err != nil {
		return nil, err
	}
	n, err := s.notifications()
	if err != nil {
		return nil, err
	}
	return n.Deliveries(ctx, f)
}

// Dispatched is an event fanned out into its deliveries.
type Dispatched struct {
	Event      store.Event
	Deliveries []store.Delivery
	// New: this dispatch stored them (else another had).
	New bool
}

// DispatchEvents fans out at most limit events not yet dispatched, each
// into its deliveries in one store transaction: the inbox of every user
// who may see its facility and has not turned that kind off, the email
// of those who turned it on, and every webhook registered for its kind.
// An event dispatched already (by another worker) returns the stored
// deliveries.
func (s *Service) DispatchEvents(ctx context.Context, limit int) ([]Dispatched, error) {
	n, err := s.notifications()
	if err != nil {
		return nil, err
	}
	evs, err := n.Undispatched(ctx, limit)
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	acc, err := s.accounts()
	if err != nil {
		return nil, err
	}
	users, err := acc.Users(ctx)
	if err != nil {
		return nil, err
	}
	prefs, err := n.Preferences(ctx, 0)
	if err != nil {
		return nil, err
	}
	hooks, err := n.Webhooks(ctx)
	if err != nil {
		return nil, err
	}
	on := func(uid int64, kind, ch string) bool {
		i := slices.IndexFunc(prefs, func(p store.Preference) bool { return p.UserID == uid && p.Kind == kind && p.Channel == ch })
		if i < 0 {
			return ch == store.ChannelInbox
		}
		return prefs[i].Enabled
	}
	var out []Dispatched
	for _, e := range evs {
		var ds []store.Delivery
		for _, u := range users {
			if u.Disabled || !sees(u, e.Facility) {
				continue
			}
			if on(u.ID, e.Kind, store.ChannelInbox) {
				ds = append(ds, store.Delivery{Channel: store.ChannelInbox, UserID: u.ID})
			}
			if on(u.ID, e.Kind, store.ChannelEmail) {
				ds = append(ds, store.Delivery{Channel: store.ChannelEmail, UserID: u.ID, Address: u.Email})
			}
		}
		for _, w := range hooks {
			if w.Removed.IsZero() && slices.Contains(w.Kinds, e.Kind) {
				ds = append(ds, store.Delivery{Channel: store.ChannelWebhook, Webhook: w.ID, Address: w.URL})
			}
		}
		got, first, err := n.Dispatch(ctx, e.ID, ds, s.now())
		if err != nil {
			return out, fmt.Errorf("dispatch event %d: %w", e.ID, err)
		}
		out = append(out, Dispatched{Event: e, Deliveries: got, New: first})
	}
	return out, nil
}

// sees: a user is told of an event of a facility they may see; an event
// of no facility reaches the lender's people and auditors.
func sees(u store.User, facility string) bool {
	if facility == "" {
		return SeesEveryFacility(u.Role)
	}
	return SeesFacility(u.Role, u.Facilities, facility)
}

// Sender sends deliveries outside the process.
type Sender interface {
	// Email sends m to the address to.
	Email(ctx context.Context, to string, m notify.Message) error
	// Webhook POSTs m signed with secret, returning the HTTP status.
	Webhook(ctx context.Context, url, secret string, m notify.Message) (int, error)
}

// Delivered is what one attempt at a delivery did.
type Delivered struct {
	Delivery store.Delivery
	// Attempt is the attempt appended (nil: none was needed, the delivery
	// was done already or is an inbox entry).
	Attempt *store.DeliveryAttempt
}

// ErrDeliveryFailed is wrapped by Deliver's error when an attempt failed.
var ErrDeliveryFailed = errors.New("delivery failed")

// Deliver makes attempt number attempt at a delivery and appends it to
// the delivery log (status, error, duration; final: no attempt follows a
// failure). A delivery already delivered is not sent again (a second
// worker, a job run again), nor one to a webhook removed since or a user
// disabled since (a final failed attempt says why). baseURL makes the
// event's link absolute. A failed attempt returns an error wrapping
// ErrDeliveryFailed after it is logged, so that the job is retried.
func (s *Service) Deliver(ctx context.Context, id int64, attempt int, final bool, send Sender, baseURL string) (Delivered, error) {
	n, err := s.notifications()
	if err != nil {
		return Delivered{}, err
	}
	d, err := n.Delivery(ctx, id)
	if err != nil {
		return Delivered{}, err
	}
	if d.Channel == store.ChannelInbox || d.State() != store.DeliveryPending {
		return Delivered{Delivery: d}, nil
	}
	e, err := n.Event(ctx, d.Event)
	if err != nil {
		return Delivered{}, err
	}
	m := notify.Message{Delivery: d.ID, Event: e.ID, Kind: e.Kind, Facility: e.Facility, Subject: e.Subject, At: e.At, Text: e.Text, Link: e.Link}
	if e.Link != "" && baseURL != "" {
		m.URL = strings.TrimRight(baseURL, "/") + e.Link
	}
	a := store.DeliveryAttempt{Delivery: d.ID, Attempt: attempt, At: s.now(), Final: final}
	start := time.Now()
	var sendErr error
	switch d.Channel {
	case store.ChannelEmail:
		if u, err := s.userByID(ctx, d.UserID); err != nil || u.Disabled {
			sendErr, a.Final = fmt.Errorf("user %d is disabled or gone: not sent", d.UserID), true
		} else {
			sendErr = send.Email(ctx, d.Address, m)
			a.Status = notify.CodeOf(sendErr)
			if sendErr == nil {
				a.Status = 250
			}
		}
	case store.ChannelWebhook:
		w, err := n.Webhook(ctx, d.Webhook)
		switch {
		case err != nil:
			return Delivered{}, err
		case !w.Removed.IsZero():
			sendErr, a.Final = fmt.Errorf("webhook %d was removed: not sent", w.ID), true
		default:
			a.Status, sendErr = send.Webhook(ctx, w.URL, w.Secret, m)
		}
	}
	a.Duration = time.Since(start)
	a.OK = sendErr == nil
	if a.OK {
		a.Final = false
	} else {
		a.Error = sendErr.Error()
	}
	stored, err := n.AddAttempt(context.WithoutCancel(ctx), a)
	if err != nil {
		return Delivered{}, err
	}
	d.Attempts = append(d.Attempts, stored)
	out := Delivered{Delivery: d, Attempt: &stored}
	if sendErr != nil {
		return out, fmt.Errorf("%w: delivery %d attempt %d: %v", ErrDeliveryFailed, d.ID, attempt, sendErr)
	}
	return out, nil
}

func (s *Service) userByID(ctx context.Context, id int64) (store.User, error) {
	acc, err := s.accounts()
	if err != nil {
		return store.User{}, err
	}
	return acc.UserByID(ctx, id)
}

// NotifyDeadlines emits, for every facility, an event for each deadline
// of its defaults report on asOf that is overdue, and for each due within
// the next days (0: 7) that is not yet done. Each deadline is told of
// once per state and due date (the event's key), so the daily (or
// hourly) run emits nothing new until something changes. It returns how
// many events were new.
func (s *Service) NotifyDeadlines(ctx context.Context, asOf date.Date, days int) (int, error) {
	n, ok := s.Store.(store.Notifications)
	if !ok {
		return 0, nil
	}
	if days <= 0 {
		days = 7
	}
	fs, err := s.Store.Facilities(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, f := range fs {
		rep, err := s.DefaultsReport(ctx, f.Slug, asOf)
		if err != nil {
			// A facility whose terms cannot be evaluated is not the
			// notifier's to report: the pages say why.
			continue
		}
		for _, d := range rep.Deadlines {
			due := d.Due
			if due == 0 {
				due = d.Date
			}
			var e store.Event
			switch {
			case due == 0:
				continue
			case d.Status == defaults.StatusOverdue:
				e = DeadlineEvent(f.Slug, d.ID, d.Label, due, true)
			case (d.Status == defaults.StatusComing || d.Status == defaults.StatusDue) && due <= asOf.AddDays(days):
				e = DeadlineEvent(f.Slug, d.ID, d.Label, due, false)
			default:
				continue
			}
			s.fillEvent(&e)
			_, replayed, err := n.AppendEvent(ctx, e)
			if err != nil {
				return added, err
			}
			if !replayed {
				added++
			}
		}
	}
	return added, nil
}
