-- The accounts' version: a number raised by every change to what makes a
-- token's caller (the user, their role, password, status and grants, the
-- token and its revocation), in the change's own transaction. A statement
-- that reads it with a request's figures tells whether a caller looked up
-- earlier is still the caller in that statement's snapshot: then the
-- request needs no lookup of its own (httpapi, store.AccessCheck).
CREATE TABLE access_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
);
INSERT INTO access_version (id, n) VALUES (1, 1);
CREATE TRIGGER users_access_i AFTER INSERT ON users BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER users_access_u AFTER UPDATE ON users BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER users_access_d AFTER DELETE ON users BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_facilities_access_i AFTER INSERT ON user_facilities BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_facilities_access_u AFTER UPDATE ON user_facilities BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_facilities_access_d AFTER DELETE ON user_facilities BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER api_tokens_access_i AFTER INSERT ON api_tokens BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER api_tokens_access_u AFTER UPDATE ON api_tokens BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER api_tokens_access_d AFTER DELETE ON api_tokens BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER token_revocations_access_i AFTER INSERT ON token_revocations BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER token_revocations_access_u AFTER UPDATE ON token_revocations BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER token_revocations_access_d AFTER DELETE ON token_revocations BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_status_access_i AFTER INSERT ON user_status BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_status_access_u AFTER UPDATE ON user_status BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_status_access_d AFTER DELETE ON user_status BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_passwords_access_i AFTER INSERT ON user_passwords BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_passwords_access_u AFTER UPDATE ON user_passwords BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_passwords_access_d AFTER DELETE ON user_passwords BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_roles_access_i AFTER INSERT ON user_roles BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_roles_access_u AFTER UPDATE ON user_roles BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_roles_access_d AFTER DELETE ON user_roles BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_role_facilities_access_i AFTER INSERT ON user_role_facilities BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_role_facilities_access_u AFTER UPDATE ON user_role_facilities BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER user_role_facilities_access_d AFTER DELETE ON user_role_facilities BEGIN UPDATE access_version SET n = n + 1; END;
