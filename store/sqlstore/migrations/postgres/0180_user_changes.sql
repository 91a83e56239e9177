-- Changes of a user after they were added, each appended (the latest one
-- holds; the row of users keeps what the user was added with): a new
-- password (changed by the user, or reset by an administrator, who may
-- require the user to change it at their next sign-in), and a new role
-- with the facilities granted (replacing the grants of user_facilities
-- and of earlier changes).
CREATE TABLE user_passwords (
	id            BIGSERIAL PRIMARY KEY,
	user_id       BIGINT NOT NULL REFERENCES users(id),
	password_hash TEXT NOT NULL,
	must_change   BOOLEAN NOT NULL,
	at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX user_passwords_user ON user_passwords (user_id, id);
CREATE TABLE user_roles (
	id      BIGSERIAL PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id),
	role    TEXT NOT NULL CHECK (role IN ('lender_admin', 'lender_officer', 'lender_analyst', 'borrower', 'auditor')),
	at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX user_roles_user ON user_roles (user_id, id);
CREATE TABLE user_role_facilities (
	role_id     BIGINT NOT NULL REFERENCES user_roles(id),
	facility_id BIGINT NOT NULL REFERENCES facilities(id),
	PRIMARY KEY (role_id, facility_id)
);
CREATE TRIGGER user_passwords_append_only BEFORE UPDATE OR DELETE ON user_passwords
FOR EACH ROW EXECUTE FUNCTION access_append_only();
CREATE TRIGGER user_roles_append_only BEFORE UPDATE OR DELETE ON user_roles
FOR EACH ROW EXECUTE FUNCTION access_append_only();
CREATE TRIGGER user_role_facilities_append_only BEFORE UPDATE OR DELETE ON user_role_facilities
FOR EACH ROW EXECUTE FUNCTION access_append_only();
