-- People, tokens, sessions, idempotent responses, pending approvals and
-- the audit chain (the HTTP API).
CREATE TABLE users (
	id            BIGSERIAL PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('lender_admin', 'lender_officer', 'lender_analyst', 'borrower', 'auditor')),
	password_hash TEXT NOT NULL,
	created       TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_facilities (
	user_id     BIGINT NOT NULL REFERENCES users(id),
	facility_id BIGINT NOT NULL REFERENCES facilities(id),
	PRIMARY KEY (user_id, facility_id)
);

CREATE TABLE api_tokens (
	sha256  TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id),
	created TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
	sha256  TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id),
	csrf    TEXT NOT NULL,
	created TIMESTAMPTZ NOT NULL,
	expires TIMESTAMPTZ NOT NULL
);

CREATE TABLE idempotent_responses (
	user_id      BIGINT NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL,
	body         BYTEA NOT NULL,
	created      TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (user_id, key)
);

CREATE TABLE pending_actions (
	id           BIGSERIAL PRIMARY KEY,
	facility_id  BIGINT NOT NULL REFERENCES facilities(id),
	kind         TEXT NOT NULL,
	payload      BYTEA NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected')),
	requested_by TEXT NOT NULL,
	requested_at TIMESTAMPTZ NOT NULL,
	decided_by   TEXT,
	decided_at   TIMESTAMPTZ,
	comment      TEXT
);

CREATE TABLE audit (
	id         BIGINT PRIMARY KEY,
	at         TIMESTAMPTZ NOT NULL,
	actor      TEXT NOT NULL,
	request_id TEXT NOT NULL,
	route      TEXT NOT NULL,
	facility   TEXT NOT NULL,
	before     BYTEA,
	after      BYTEA,
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL
);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit trail is append-only';
END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
FOR EACH ROW EXECUTE FUNCTION audit_append_only();
