-- People, tokens, sessions, idempotent responses, pending approvals and
-- the audit chain (the HTTP API).
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('lender_admin', 'lender_officer', 'lender_analyst', 'borrower', 'auditor')),
	password_hash TEXT NOT NULL,
	created       INTEGER NOT NULL
);

CREATE TABLE user_facilities (
	user_id     INTEGER NOT NULL REFERENCES users(id),
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	PRIMARY KEY (user_id, facility_id)
) WITHOUT ROWID;

CREATE TABLE api_tokens (
	sha256  TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	created INTEGER NOT NULL
);

CREATE TABLE sessions (
	sha256  TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	csrf    TEXT NOT NULL,
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL
);

CREATE TABLE idempotent_responses (
	user_id      INTEGER NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL,
	body         BLOB NOT NULL,
	created      INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
);

CREATE TABLE pending_actions (
	id           INTEGER PRIMARY KEY,
	facility_id  INTEGER NOT NULL REFERENCES facilities(id),
	kind         TEXT NOT NULL,
	payload      BLOB NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected')),
	requested_by TEXT NOT NULL,
	requested_at INTEGER NOT NULL,
	decided_by   TEXT,
	decided_at   INTEGER,
	comment      TEXT
);

CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	at         INTEGER NOT NULL,
	actor      TEXT NOT NULL,
	request_id TEXT NOT NULL,
	route      TEXT NOT NULL,
	facility   TEXT NOT NULL,
	before     BLOB,
	after      BLOB,
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
