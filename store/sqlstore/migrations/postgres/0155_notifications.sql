-- Notifications (docs/notifications.md). Every table is append-only: the
-- outbox of events (written in the transaction of the change each tells
-- of), the mark that an event was fanned out into deliveries, the
-- deliveries, each attempt at one (the delivery log: a retry is a new
-- attempt, never an update), the users' preferences (the latest of a
-- user, kind and channel is in force), the webhooks and their removals,
-- and the read marks of inbox entries (the latest is in force).
CREATE TABLE notification_events (
	id       BIGSERIAL PRIMARY KEY,
	key      TEXT NOT NULL UNIQUE CHECK (key <> ''),
	kind     TEXT NOT NULL CHECK (kind <> ''),
	facility TEXT NOT NULL DEFAULT '',
	subject  TEXT NOT NULL DEFAULT '',
	at       TIMESTAMPTZ NOT NULL,
	text     TEXT NOT NULL,
	link     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE notification_dispatches (
	event_id BIGINT PRIMARY KEY REFERENCES notification_events(id),
	at       TIMESTAMPTZ NOT NULL
);
CREATE TABLE webhooks (
	id         BIGSERIAL PRIMARY KEY,
	url        TEXT NOT NULL CHECK (url <> ''),
	secret     TEXT NOT NULL CHECK (secret <> ''),
	kinds      TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE webhook_removals (
	webhook_id BIGINT PRIMARY KEY REFERENCES webhooks(id),
	removed_by TEXT NOT NULL,
	removed_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE notification_deliveries (
	id         BIGSERIAL PRIMARY KEY,
	event_id   BIGINT NOT NULL REFERENCES notification_events(id),
	channel    TEXT NOT NULL CHECK (channel IN ('inbox', 'email', 'webhook')),
	user_id    BIGINT REFERENCES users(id),
	webhook_id BIGINT REFERENCES webhooks(id),
	address    TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	CHECK ((user_id IS NULL) <> (webhook_id IS NULL))
);
CREATE UNIQUE INDEX notification_deliveries_once ON notification_deliveries (event_id, channel, COALESCE(user_id, 0), COALESCE(webhook_id, 0));
CREATE INDEX notification_deliveries_user ON notification_deliveries (user_id, channel, id);
CREATE INDEX notification_deliveries_webhook ON notification_deliveries (webhook_id, id);
CREATE TABLE delivery_attempts (
	id          BIGSERIAL PRIMARY KEY,
	delivery_id BIGINT NOT NULL REFERENCES notification_deliveries(id),
	attempt     INTEGER NOT NULL,
	at          TIMESTAMPTZ NOT NULL,
	ok          BOOLEAN NOT NULL,
	status      INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	duration_us BIGINT NOT NULL DEFAULT 0,
	final       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
CREATE TABLE notification_preferences (
	id          BIGSERIAL PRIMARY KEY,
	user_id     BIGINT NOT NULL REFERENCES users(id),
	kind        TEXT NOT NULL CHECK (kind <> ''),
	channel     TEXT NOT NULL CHECK (channel IN ('inbox', 'email')),
	enabled     BOOLEAN NOT NULL,
	recorded_by TEXT NOT NULL DEFAULT '',
	recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX notification_preferences_user ON notification_preferences (user_id, kind, channel, id);
CREATE TABLE inbox_marks (
	id          BIGSERIAL PRIMARY KEY,
	delivery_id BIGINT NOT NULL REFERENCES notification_deliveries(id),
	read        BOOLEAN NOT NULL,
	at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX inbox_marks_delivery ON inbox_marks (delivery_id, id);
CREATE FUNCTION notifications_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER notification_events_append_only BEFORE UPDATE OR DELETE ON notification_events FOR EACH ROW EXECUTE FUNCTION notifications_append_only();
CREATE TRIGGER notification_dispatches_append_only BEFORE UPDATE OR DELETE ON notification_dispatches FOR EACH ROW EXECUTE FUNCTION notifications_append_only();
CREATE TRIGGER webhooks_append_only BEFORE UPDATE OR DELETE ON webhooks FOR EACH ROW EXECUTE FUNCTION notifications_append_only();
CREATE TRIGGER webhook_removals_append_only BEFORE UPDATE OR DELETE ON webhook_removals FOR EACH ROW EXECUTE FUNCTION notifications_append_only();
CREATE TRIGGER notification_deliveries_append_only BEFORE UPDATE OR DELETE ON notification_deliveries FOR EACH ROW EXECUTE FUNCTION notifications_append_only();
CREATE TRIGGER delivery_attempts_append_only BEFORE UPDATE OR DELETE ON delivery_attempts FOR EACH ROW EXECUTE FUNCTION notifications_append_only();
CREATE TRIGGER notification_preferences_append_only BEFORE UPDATE OR DELETE ON notification_preferences FOR EACH ROW EXECUTE FUNCTION notifications_append_only();
CREATE TRIGGER inbox_marks_append_only BEFORE UPDATE OR DELETE ON inbox_marks FOR EACH ROW EXECUTE FUNCTION notifications_append_only();
