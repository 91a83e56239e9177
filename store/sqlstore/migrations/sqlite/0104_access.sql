-- Revoking access. A user is disabled or enabled again by an appended
-- change (the latest one holds); a token is revoked by an appended
-- revocation; every token has an expiry, set when it is created (tokens
-- created before this migration expire 90 days after their creation).
CREATE TABLE user_status (
	id       INTEGER PRIMARY KEY,
	user_id  INTEGER NOT NULL REFERENCES users(id),
	disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
	at       INTEGER NOT NULL
);
CREATE INDEX user_status_user ON user_status (user_id, id);
CREATE TABLE token_revocations (
	sha256 TEXT PRIMARY KEY REFERENCES api_tokens(sha256),
	at     INTEGER NOT NULL
);
CREATE TRIGGER user_status_no_update BEFORE UPDATE ON user_status
BEGIN SELECT RAISE(ABORT, 'user_status is append-only'); END;
CREATE TRIGGER user_status_no_delete BEFORE DELETE ON user_status
BEGIN SELECT RAISE(ABORT, 'user_status is append-only'); END;
CREATE TRIGGER token_revocations_no_update BEFORE UPDATE ON token_revocations
BEGIN SELECT RAISE(ABORT, 'token_revocations is append-only'); END;
CREATE TRIGGER token_revocations_no_delete BEFORE DELETE ON token_revocations
BEGIN SELECT RAISE(ABORT, 'token_revocations is append-only'); END;
-- Times are microseconds since 1970 (UTC).
ALTER TABLE api_tokens ADD COLUMN expires INTEGER NOT NULL DEFAULT 0;
UPDATE api_tokens SET expires = created + 90 * 86400 * 1000000;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX sessions_user ON sessions (user_id);
