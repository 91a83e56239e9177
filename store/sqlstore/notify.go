package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/store"
)

var (
	_ store.Notifications = (*DB)(nil)
	_ store.TxNotifier    = (*DB)(nil)
)

const eventCols = `id, key, kind, facility, subject, at, text, link`

func scanEvent(sc interface{ Scan(...any) error }) (store.Event, error) {
	var e store.Event
	var at Time
	err := sc.Scan(&e.ID, &e.Key, &e.Kind, &e.Facility, &e.Subject, &at, &e.Text, &e.Link)
	e.At = at.T
	return e, err
}

func checkEvent(e store.Event) error {
	if e.Key == "" || e.Kind == "" || e.Text == "" || e.At.IsZero() {
		return store.Errorf(store.CodeInvalid, "event %q (kind %q): key, kind, text and time are required", e.Key, e.Kind)
	}
	return nil
}

// appendEvent appends e in the transaction of q, once per key.
func (db *DB) appendEvent(ctx context.Context, q querier, e store.Event) (store.Event, bool, error) {
	if err := checkEvent(e); err != nil {
		return e, false, err
	}
	e.At = store.Truncate(e.At)
	err := q.QueryRowContext(ctx, db.q(`INSERT INTO notification_events (key, kind, facility, subject, at, text, link)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id`),
		e.Key, e.Kind, e.Facility, e.Subject, db.D.Time(e.At), e.Text, e.Link).Scan(&e.ID)
	if errors.Is(err, sql.ErrNoRows) {
		old, err := scanEvent(q.QueryRowContext(ctx, db.q(`SELECT `+eventCols+` FROM notification_events WHERE key = ?`), e.Key))
		if err != nil {
			return e, false, fmt.Errorf("event %q: %w", e.Key, err)
		}
		return old, true, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("event %q: %w", e.Key, err)
	}
	return e, false, nil
}

// AppendEventTx implements store.TxNotifier.
func (db *DB) AppendEventTx(tx store.Tx, e store.Event) (store.Event, bool, error) {
	ft, ok := tx.(*facilityTx)
	if !ok || ft.db != db {
		return e, false, fmt.Errorf("event: %T is not a transaction of this store", tx)
	}
	if e.Facility == "" {
		e.Facility = ft.f.Slug
	}
	if e.Facility != ft.f.Slug {
		return e, false, store.Errorf(store.CodeInvalid, "event %q is for facility %q, not %q", e.Key, e.Facility, ft.f.Slug)
	}
	return db.appendEvent(ft.ctx, ft.tx, e)
}

// AppendEvent implements store.Notifications.
func (db *DB) AppendEvent(ctx context.Context, e store.Event) (store.Event, bool, error) {
	if err := checkEvent(e); err != nil {
		return e, false, err
	}
	tx, err := db.begin(ctx, "append_event", nil)
	if err != nil {
		return e, false, err
	}
	defer rollback(tx)
	out, replayed, err := db.appendEvent(ctx, tx, e)
	if err != nil {
		return out, false, err
	}
	return out, replayed, tx.Commit()
}

// Event implements store.Notifications.
func (db *DB) Event(ctx context.Context, id int64) (store.Event, error) {
	e, err := scanEvent(db.R.QueryRowContext(ctx, db.q(`SELECT `+eventCols+` FROM notification_events WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, store.Errorf(store.CodeNotFound, "event %d not found", id)
	}
	return e, err
}

func (db *DB) events(ctx context.Context, q string, args ...any) ([]store.Event, error) {
	rows, err := db.R.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func limit(n int) int {
	if n <= 0 || n > 500 {
		return 500
	}
	return n
}

// Events implements store.Notifications.
func (db *DB) Events(ctx context.Context, after int64, n int) ([]store.Event, error) {
	return db.events(ctx, `SELECT `+eventCols+` FROM notification_events WHERE id > ? ORDER BY id LIMIT ?`, after, limit(n))
}

// Undispatched implements store.Notifications.
func (db *DB) Undispatched(ctx context.Context, n int) ([]store.Event, error) {
	return db.events(ctx, `SELECT `+eventCols+` FROM notification_events e
		WHERE NOT EXISTS (SELECT 1 FROM notification_dispatches d WHERE d.event_id = e.id) ORDER BY id LIMIT ?`, limit(n))
}

const deliveryCols = `d.id, d.event_id, d.channel, d.user_id, d.webhook_id, d.address, d.created_at`

func scanDelivery(sc interface{ Scan(...any) error }) (store.Delivery, error) {
	var d store.Delivery
	var uid, wid sql.NullInt64
	var at Time
	err := sc.Scan(&d.ID, &d.Event, &d.Channel, &uid, &wid, &d.Address, &at)
	d.UserID, d.Webhook, d.CreatedAt = uid.Int64, wid.Int64, at.T
	return d, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Dispatch implements store.Notifications.
func (db *DB) Dispatch(ctx context.Context, event int64, ds []store.Delivery, at time.Time) ([]store.Delivery, bool, error) {
	for _, d := range ds {
		if !slices.Contains([]string{store.ChannelInbox, store.ChannelEmail, store.ChannelWebhook}, d.Channel) {
			return nil, false, store.Errorf(store.CodeInvalid, "delivery of event %d: channel %q, expected inbox, email or webhook", event, d.Channel)
		}
		if (d.UserID == 0) == (d.Webhook == 0) || (d.Channel == store.ChannelWebhook) != (d.Webhook != 0) {
			return nil, false, store.Errorf(store.CodeInvalid, "delivery of event %d by %s: expected a user (inbox, email) or a webhook (webhook), not both", event, d.Channel)
		}
	}
	tx, err := db.begin(ctx, "dispatch", nil)
	if err != nil {
		return nil, false, err
	}
	defer rollback(tx)
	if _, err := db.eventIn(ctx, tx, event); err != nil {
		return nil, false, err
	}
	at = store.Truncate(at)
	var got int64
	err = tx.QueryRowContext(ctx, db.q(`INSERT INTO notification_dispatches (event_id, at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`),
		event, db.D.Time(at)).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		rollback(tx)
		out, err := db.Deliveries(ctx, store.DeliveryFilter{Event: event})
		slices.Reverse(out)
		return out, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("dispatch event %d: %w", event, err)
	}
	out := make([]store.Delivery, 0, len(ds))
	for _, d := range ds {
		d.Event, d.CreatedAt = event, at
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO notification_deliveries (event_id, channel, user_id, webhook_id, address, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), event, d.Channel, nullID(d.UserID), nullID(d.Webhook), d.Address, db.D.Time(at)).Scan(&d.ID)
		if db.D.IsUnique(err) {
			return nil, false, store.Errorf(store.CodeInvalid, "event %d: two deliveries by %s to the same recipient", event, d.Channel)
		}
		if err != nil {
			return nil, false, fmt.Errorf("dispatch event %d: %w", event, err)
		}
		out = append(out, d)
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("dispatch event %d: %w", event, err)
	}
	return out, true, nil
}

func (db *DB) eventIn(ctx context.Context, q querier, id int64) (store.Event, error) {
	e, err := scanEvent(q.QueryRowContext(ctx, db.q(`SELECT `+eventCols+` FROM notification_events WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, store.Errorf(store.CodeNotFound, "event %d not found", id)
	}
	return e, err
}

// Delivery implements store.Notifications.
func (db *DB) Delivery(ctx context.Context, id int64) (store.Delivery, error) {
	d, err := scanDelivery(db.R.QueryRowContext(ctx, db.q(`SELECT `+deliveryCols+` FROM notification_deliveries d WHERE d.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, store.Errorf(store.CodeNotFound, "delivery %d not found", id)
	}
	if err != nil {
		return d, err
	}
	ds := []store.Delivery{d}
	if err := db.attempts(ctx, ds); err != nil {
		return d, err
	}
	return ds[0], nil
}

// Deliveries implements store.Notifications.
func (db *DB) Deliveries(ctx context.Context, f store.DeliveryFilter) ([]store.Delivery, error) {
	var where []string
	var args []any
	for _, c := range []struct {
		on   bool
		cond string
		arg  any
	}{
		{f.Channel != "", "d.channel = ?", f.Channel}, {f.Webhook != 0, "d.webhook_id = ?", f.Webhook},
		{f.UserID != 0, "d.user_id = ?", f.UserID}, {f.Event != 0, "d.event_id = ?", f.Event},
	} {
		if c.on {
			where, args = append(where, c.cond), append(args, c.arg)
		}
	}
	q := `SELECT ` + deliveryCols + ` FROM notification_deliveries d`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY d.id DESC LIMIT ?`
	rows, err := db.R.QueryContext(ctx, db.q(q), append(args, limit(f.Limit))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, db.attempts(ctx, out)
}

// attempts fills the attempts of ds, by attempt id.
func (db *DB) attempts(ctx context.Context, ds []store.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ph := make([]string, len(ds))
	args := make([]any, len(ds))
	for i, d := range ds {
		idx[d.ID], ph[i], args[i] = i, "?", d.ID
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT id, delivery_id, attempt, at, ok, status, error, duration_us, final
		FROM delivery_attempts WHERE delivery_id IN (`+strings.Join(ph, ", ")+`) ORDER BY id`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a store.DeliveryAttempt
		var at Time
		var us int64
		if err := rows.Scan(&a.ID, &a.Delivery, &a.Attempt, &at, &a.OK, &a.Status, &a.Error, &us, &a.Final); err != nil {
			return err
		}
		a.At, a.Duration = at.T, time.Duration(us)*time.Microsecond
		i := idx[a.Delivery]
		ds[i].Attempts = append(ds[i].Attempts, a)
	}
	return rows.Err()
}

// AddAttempt implements store.Notifications.
func (db *DB) AddAttempt(ctx context.Context, a store.DeliveryAttempt) (store.DeliveryAttempt, error) {
	d, err := scanDelivery(db.W.QueryRowContext(ctx, db.q(`SELECT `+deliveryCols+` FROM notification_deliveries d WHERE d.id = ?`), a.Delivery))
	if errors.Is(err, sql.ErrNoRows) {
		return a, store.Errorf(store.CodeNotFound, "delivery %d not found", a.Delivery)
	}
	if err != nil {
		return a, err
	}
	if d.Channel == store.ChannelInbox {
		return a, store.Errorf(store.CodeInvalid, "delivery %d is an inbox entry: it is delivered when stored and has no attempts", a.Delivery)
	}
	if a.Attempt < 1 || a.At.IsZero() {
		return a, store.Errorf(store.CodeInvalid, "attempt %d of delivery %d: expected a number from 1 and a time", a.Attempt, a.Delivery)
	}
	a.At = store.Truncate(a.At)
	a.Duration = a.Duration.Truncate(time.Microsecond)
	err = db.W.QueryRowContext(ctx, db.q(`INSERT INTO delivery_attempts (delivery_id, attempt, at, ok, status, error, duration_us, final)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		a.Delivery, a.Attempt, db.D.Time(a.At), a.OK, a.Status, a.Error, a.Duration.Microseconds(), a.Final).Scan(&a.ID)
	return a, err
}

// SetPreferences implements store.Notifications.
func (db *DB) SetPreferences(ctx context.Context, ps []store.Preference, a *store.AuditRecord) error {
	for _, p := range ps {
		if p.UserID == 0 || p.Kind == "" || p.RecordedAt.IsZero() || (p.Channel != store.ChannelInbox && p.Channel != store.ChannelEmail) {
			return store.Errorf(store.CodeInvalid, "preference of user %d for %q by %q: expected a user, a kind, a time and channel inbox or email", p.UserID, p.Kind, p.Channel)
		}
	}
	tx, err := db.begin(ctx, "set_preferences", nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	for _, p := range ps {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO notification_preferences (user_id, kind, channel, enabled, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`),
			p.UserID, p.Kind, p.Channel, p.Enabled, p.RecordedBy, db.D.Time(store.Truncate(p.RecordedAt)))
		if err != nil {
			if strings.Contains(strings.ToLower(err.Error()), "foreign key") {
				return store.Errorf(store.CodeNotFound, "user %d not found", p.UserID)
			}
			return fmt.Errorf("preference of user %d: %w", p.UserID, err)
		}
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Preferences implements store.Notifications.
func (db *DB) Preferences(ctx context.Context, userID int64) ([]store.Preference, error) {
	q := `SELECT p.user_id, p.kind, p.channel, p.enabled, p.recorded_by, p.recorded_at FROM notification_preferences p
		WHERE p.id = (SELECT max(x.id) FROM notification_preferences x WHERE x.user_id = p.user_id AND x.kind = p.kind AND x.channel = p.channel)`
	var args []any
	if userID != 0 {
		q += ` AND p.user_id = ?`
		args = append(args, userID)
	}
	rows, err := db.R.QueryContext(ctx, db.q(q+` ORDER BY p.user_id, p.kind, p.channel`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Preference
	for rows.Next() {
		var p store.Preference
		var at Time
		if err := rows.Scan(&p.UserID, &p.Kind, &p.Channel, &p.Enabled, &p.RecordedBy, &at); err != nil {
			return nil, err
		}
		p.RecordedAt = at.T
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddWebhook implements store.Notifications.
func (db *DB) AddWebhook(ctx context.Context, w store.Webhook, a *store.AuditRecord) (store.Webhook, error) {
	if w.URL == "" || w.Secret == "" || len(w.Kinds) == 0 || w.CreatedAt.IsZero() {
		return w, store.Errorf(store.CodeInvalid, "webhook %q: a URL, a secret, one kind of event or more and a time are required", w.URL)
	}
	tx, err := db.begin(ctx, "add_webhook", nil)
	if err != nil {
		return w, err
	}
	defer rollback(tx)
	w.CreatedAt = store.Truncate(w.CreatedAt)
	err = tx.QueryRowContext(ctx, db.q(`INSERT INTO webhooks (url, secret, kinds, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
		w.URL, w.Secret, strings.Join(w.Kinds, ","), w.CreatedBy, db.D.Time(w.CreatedAt)).Scan(&w.ID)
	if err != nil {
		return w, fmt.Errorf("add webhook %s: %w", w.URL, err)
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return w, err
		}
	}
	return w, tx.Commit()
}

// RemoveWebhook implements store.Notifications.
func (db *DB) RemoveWebhook(ctx context.Context, id int64, by string, at time.Time, a *store.AuditRecord) (store.Webhook, error) {
	tx, err := db.begin(ctx, "remove_webhook", nil)
	if err != nil {
		return store.Webhook{}, err
	}
	defer rollback(tx)
	ws, err := db.webhooks(ctx, tx, `WHERE w.id = ?`, id)
	if err != nil {
		return store.Webhook{}, err
	}
	if len(ws) == 0 {
		return store.Webhook{}, store.Errorf(store.CodeNotFound, "webhook %d not found", id)
	}
	w := ws[0]
	if !w.Removed.IsZero() {
		return w, store.Errorf(store.CodeConflict, "webhook %d was removed at %s by %s", id, w.Removed.Format(time.RFC3339), w.RemovedBy)
	}
	w.Removed, w.RemovedBy = store.Truncate(at), by
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO webhook_removals (webhook_id, removed_by, removed_at) VALUES (?, ?, ?)`), id, by, db.D.Time(w.Removed)); err != nil {
		return w, fmt.Errorf("remove webhook %d: %w", id, err)
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return w, err
		}
	}
	return w, tx.Commit()
}

func (db *DB) webhooks(ctx context.Context, q querier, where string, args ...any) ([]store.Webhook, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT w.id, w.url, w.secret, w.kinds, w.created_by, w.created_at, r.removed_by, r.removed_at
		FROM webhooks w LEFT JOIN webhook_removals r ON r.webhook_id = w.id `+where+` ORDER BY w.id`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Webhook
	for rows.Next() {
		var w store.Webhook
		var kinds string
		var by sql.NullString
		var at, rat Time
		if err := rows.Scan(&w.ID, &w.URL, &w.Secret, &kinds, &w.CreatedBy, &at, &by, &rat); err != nil {
			return nil, err
		}
		w.Kinds, w.CreatedAt, w.RemovedBy, w.Removed = strings.Split(kinds, ","), at.T, by.String, rat.T
		out = append(out, w)
	}
	return out, rows.Err()
}

// Webhook implements store.Notifications.
func (db *DB) Webhook(ctx context.Context, id int64) (store.Webhook, error) {
	ws, err := db.webhooks(ctx, db.R, `WHERE w.id = ?`, id)
	if err != nil {
		return store.Webhook{}, err
	}
	if len(ws) == 0 {
		return store.Webhook{}, store.Errorf(store.CodeNotFound, "webhook %d not found", id)
	}
	return ws[0], nil
}

// Webhooks implements store.Notifications.
func (db *DB) Webhooks(ctx context.Context) ([]store.Webhook, error) {
	return db.webhooks(ctx, db.R, ``)
}

// readCol is whether an inbox delivery's latest mark says read.
const readCol = `COALESCE((SELECT m.read FROM inbox_marks m WHERE m.delivery_id = d.id ORDER BY m.id DESC LIMIT 1), ` + "FALSE" + `)`

func (db *DB) readCol() string {
	if db.D.Name() == "sqlite" {
		return strings.Replace(readCol, "FALSE", "0", 1)
	}
	return readCol
}

// Inbox implements store.Notifications.
func (db *DB) Inbox(ctx context.Context, userID int64, n int) ([]store.InboxEntry, error) {
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT d.id, e.id, e.key, e.kind, e.facility, e.subject, e.at, e.text, e.link, `+db.readCol()+`
		FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
		WHERE d.user_id = ? AND d.channel = 'inbox' ORDER BY d.id DESC LIMIT ?`), userID, limit(n))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.InboxEntry
	for rows.Next() {
		var x store.InboxEntry
		var at Time
		e := &x.Event
		if err := rows.Scan(&x.Delivery, &e.ID, &e.Key, &e.Kind, &e.Facility, &e.Subject, &at, &e.Text, &e.Link, &x.Read); err != nil {
			return nil, err
		}
		e.At = at.T
		out = append(out, x)
	}
	return out, rows.Err()
}

// Unread implements store.Notifications.
func (db *DB) Unread(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, db.q(`SELECT count(*) FROM notification_deliveries d
		WHERE d.user_id = ? AND d.channel = 'inbox' AND NOT `+db.readCol()), userID).Scan(&n)
	return n, err
}

// MarkInbox implements store.Notifications.
func (db *DB) MarkInbox(ctx context.Context, userID, delivery int64, read bool, at time.Time) error {
	d, err := scanDelivery(db.W.QueryRowContext(ctx, db.q(`SELECT `+deliveryCols+` FROM notification_deliveries d WHERE d.id = ?`), delivery))
	if errors.Is(err, sql.ErrNoRows) || err == nil && (d.UserID != userID || d.Channel != store.ChannelInbox) {
		return store.Errorf(store.CodeNotFound, "inbox entry %d not found", delivery)
	}
	if err != nil {
		return err
	}
	_, err = db.W.ExecContext(ctx, db.q(`INSERT INTO inbox_marks (delivery_id, read, at) VALUES (?, ?, ?)`), delivery, read, db.D.Time(store.Truncate(at)))
	return err
}
