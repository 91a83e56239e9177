-- The accounts' version: a number raised by every change to what makes a
-- token's caller (the user, their role, password, status and grants, the
-- token and its revocation), in the change's own transaction. A statement
-- that reads it with a request's figures tells whether a caller looked up
-- earlier is still the caller in that statement's snapshot: then the
-- request needs no lookup of its own (httpapi, store.AccessCheck).
CREATE TABLE access_version (
	id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
	n  BIGINT NOT NULL
);
INSERT INTO access_version (id, n) VALUES (true, 1);

CREATE FUNCTION access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE access_version SET n = n + 1;
	RETURN NULL;
END $$;
CREATE TRIGGER users_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER user_facilities_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_facilities FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER api_tokens_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER token_revocations_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON token_revocations FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER user_status_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_status FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER user_passwords_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_passwords FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER user_roles_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_roles FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER user_role_facilities_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_role_facilities FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
