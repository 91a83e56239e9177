-- Changes of a user after they were added, each appended (the latest one
-- holds; the row of users keeps what the user was added with): a new
-- password (changed by the user, or reset by an administrator, who may
-- require the user to change it at their next sign-in), and a new role
-- with the facilities granted (replacing the grants of user_facilities
-- and of earlier changes).
CREATE TABLE user_passwords (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER NOT NULL REFERENCES users(id),
	password_hash TEXT NOT NULL,
	must_change   INTEGER NOT NULL CHECK (must_change IN (0, 1)),
	at            INTEGER NOT NULL
);
CREATE INDEX user_passwords_user ON user_passwords (user_id, id);
CREATE TABLE user_roles (
	id      INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	role    TEXT NOT NULL CHECK (role IN ('lender_admin', 'lender_officer', 'lender_analyst', 'borrower', 'auditor')),
	at      INTEGER NOT NULL
);
CREATE INDEX user_roles_user ON user_roles (user_id, id);
CREATE TABLE user_role_facilities (
	role_id     INTEGER NOT NULL REFERENCES user_roles(id),
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	PRIMARY KEY (role_id, facility_id)
) WITHOUT ROWID;
CREATE TRIGGER user_passwords_no_update BEFORE UPDATE ON user_passwords
BEGIN SELECT RAISE(ABORT, 'user_passwords is append-only'); END;
CREATE TRIGGER user_passwords_no_delete BEFORE DELETE ON user_passwords
BEGIN SELECT RAISE(ABORT, 'user_passwords is append-only'); END;
CREATE TRIGGER user_roles_no_update BEFORE UPDATE ON user_roles
BEGIN SELECT RAISE(ABORT, 'user_roles is append-only'); END;
CREATE TRIGGER user_roles_no_delete BEFORE DELETE ON user_roles
BEGIN SELECT RAISE(ABORT, 'user_roles is append-only'); END;
CREATE TRIGGER user_role_facilities_no_update BEFORE UPDATE ON user_role_facilities
BEGIN SELECT RAISE(ABORT, 'user_role_facilities is append-only'); END;
CREATE TRIGGER user_role_facilities_no_delete BEFORE DELETE ON user_role_facilities
BEGIN SELECT RAISE(ABORT, 'user_role_facilities is append-only'); END;
