-- Notifications (docs/notifications.md). Every table is append-only: the
-- outbox of events (written in the transaction of the change each tells
-- of), the mark that an event was fanned out into deliveries, the
-- deliveries, each attempt at one (the delivery log: a retry is a new
-- attempt, never an update), the users' preferences (the latest of a
-- user, kind and channel is in force), the webhooks and their removals,
-- and the read marks of inbox entries (the latest is in force).
CREATE TABLE notification_events (
	id       INTEGER PRIMARY KEY,
	key      TEXT NOT NULL UNIQUE CHECK (key <> ''),
	kind     TEXT NOT NULL CHECK (kind <> ''),
	facility TEXT NOT NULL DEFAULT '',
	subject  TEXT NOT NULL DEFAULT '',
	at       INTEGER NOT NULL,
	text     TEXT NOT NULL,
	link     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE notification_dispatches (
	event_id INTEGER PRIMARY KEY REFERENCES notification_events(id),
	at       INTEGER NOT NULL
);
CREATE TABLE webhooks (
	id         INTEGER PRIMARY KEY,
	url        TEXT NOT NULL CHECK (url <> ''),
	secret     TEXT NOT NULL CHECK (secret <> ''),
	kinds      TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE webhook_removals (
	webhook_id INTEGER PRIMARY KEY REFERENCES webhooks(id),
	removed_by TEXT NOT NULL,
	removed_at INTEGER NOT NULL
);
CREATE TABLE notification_deliveries (
	id         INTEGER PRIMARY KEY,
	event_id   INTEGER NOT NULL REFERENCES notification_events(id),
	channel    TEXT NOT NULL CHECK (channel IN ('inbox', 'email', 'webhook')),
	user_id    INTEGER REFERENCES users(id),
	webhook_id INTEGER REFERENCES webhooks(id),
	address    TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	CHECK ((user_id IS NULL) <> (webhook_id IS NULL))
);
CREATE UNIQUE INDEX notification_deliveries_once ON notification_deliveries (event_id, channel, COALESCE(user_id, 0), COALESCE(webhook_id, 0));
CREATE INDEX notification_deliveries_user ON notification_deliveries (user_id, channel, id);
CREATE INDEX notification_deliveries_webhook ON notification_deliveries (webhook_id, id);
CREATE TABLE delivery_attempts (
	id          INTEGER PRIMARY KEY,
	delivery_id INTEGER NOT NULL REFERENCES notification_deliveries(id),
	attempt     INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
	status      INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	duration_us BIGINT NOT NULL DEFAULT 0,
	final       INTEGER NOT NULL DEFAULT 0 CHECK (final IN (0, 1))
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
CREATE TABLE notification_preferences (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users(id),
	kind        TEXT NOT NULL CHECK (kind <> ''),
	channel     TEXT NOT NULL CHECK (channel IN ('inbox', 'email')),
	enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
	recorded_by TEXT NOT NULL DEFAULT '',
	recorded_at INTEGER NOT NULL
);
CREATE INDEX notification_preferences_user ON notification_preferences (user_id, kind, channel, id);
CREATE TABLE inbox_marks (
	id          INTEGER PRIMARY KEY,
	delivery_id INTEGER NOT NULL REFERENCES notification_deliveries(id),
	read        INTEGER NOT NULL CHECK (read IN (0, 1)),
	at          INTEGER NOT NULL
);
CREATE INDEX inbox_marks_delivery ON inbox_marks (delivery_id, id);
CREATE TRIGGER notification_events_no_update BEFORE UPDATE ON notification_events
BEGIN SELECT RAISE(ABORT, 'notification_events is append-only'); END;
CREATE TRIGGER notification_events_no_delete BEFORE DELETE ON notification_events
BEGIN SELECT RAISE(ABORT, 'notification_events is append-only'); END;
CREATE TRIGGER notification_dispatches_no_update BEFORE UPDATE ON notification_dispatches
BEGIN SELECT RAISE(ABORT, 'notification_dispatches is append-only'); END;
CREATE TRIGGER notification_dispatches_no_delete BEFORE DELETE ON notification_dispatches
BEGIN SELECT RAISE(ABORT, 'notification_dispatches is append-only'); END;
CREATE TRIGGER webhooks_no_update BEFORE UPDATE ON webhooks
BEGIN SELECT RAISE(ABORT, 'webhooks is append-only'); END;
CREATE TRIGGER webhooks_no_delete BEFORE DELETE ON webhooks
BEGIN SELECT RAISE(ABORT, 'webhooks is append-only'); END;
CREATE TRIGGER webhook_removals_no_update BEFORE UPDATE ON webhook_removals
BEGIN SELECT RAISE(ABORT, 'webhook_removals is append-only'); END;
CREATE TRIGGER webhook_removals_no_delete BEFORE DELETE ON webhook_removals
BEGIN SELECT RAISE(ABORT, 'webhook_removals is append-only'); END;
CREATE TRIGGER notification_deliveries_no_update BEFORE UPDATE ON notification_deliveries
BEGIN SELECT RAISE(ABORT, 'notification_deliveries is append-only'); END;
CREATE TRIGGER notification_deliveries_no_delete BEFORE DELETE ON notification_deliveries
BEGIN SELECT RAISE(ABORT, 'notification_deliveries is append-only'); END;
CREATE TRIGGER delivery_attempts_no_update BEFORE UPDATE ON delivery_attempts
BEGIN SELECT RAISE(ABORT, 'delivery_attempts is append-only'); END;
CREATE TRIGGER delivery_attempts_no_delete BEFORE DELETE ON delivery_attempts
BEGIN SELECT RAISE(ABORT, 'delivery_attempts is append-only'); END;
CREATE TRIGGER notification_preferences_no_update BEFORE UPDATE ON notification_preferences
BEGIN SELECT RAISE(ABORT, 'notification_preferences is append-only'); END;
CREATE TRIGGER notification_preferences_no_delete BEFORE DELETE ON notification_preferences
BEGIN SELECT RAISE(ABORT, 'notification_preferences is append-only'); END;
CREATE TRIGGER inbox_marks_no_update BEFORE UPDATE ON inbox_marks
BEGIN SELECT RAISE(ABORT, 'inbox_marks is append-only'); END;
CREATE TRIGGER inbox_marks_no_delete BEFORE DELETE ON inbox_marks
BEGIN SELECT RAISE(ABORT, 'inbox_marks is append-only'); END;
