-- Revoking access. A user is disabled or enabled again by an appended
-- change (the latest one holds); a token is revoked by an appended
-- revocation; every token has an expiry, set when it is created (tokens
-- created before this migration expire 90 days after their creation).
CREATE TABLE user_status (
	id       BIGSERIAL PRIMARY KEY,
	user_id  BIGINT NOT NULL REFERENCES users(id),
	disabled BOOLEAN NOT NULL,
	at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX user_status_user ON user_status (user_id, id);
CREATE TABLE token_revocations (
	sha256 TEXT PRIMARY KEY REFERENCES api_tokens(sha256),
	at     TIMESTAMPTZ NOT NULL
);
CREATE FUNCTION access_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER user_status_append_only BEFORE UPDATE OR DELETE ON user_status
FOR EACH ROW EXECUTE FUNCTION access_append_only();
CREATE TRIGGER token_revocations_append_only BEFORE UPDATE OR DELETE ON token_revocations
FOR EACH ROW EXECUTE FUNCTION access_append_only();
ALTER TABLE api_tokens ADD COLUMN expires TIMESTAMPTZ;
UPDATE api_tokens SET expires = created + interval '90 days';
ALTER TABLE api_tokens ALTER COLUMN expires SET NOT NULL;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX sessions_user ON sessions (user_id);
