-- Sign-in attempts, appended and never changed: the sign-in limits count
-- the failures of an account and of a client address over a window, in
-- the database that every server process shares.
CREATE TABLE signin_attempts (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	email   TEXT NOT NULL,
	address TEXT NOT NULL,
	ok      INTEGER NOT NULL CHECK (ok IN (0, 1))
);
CREATE INDEX signin_attempts_email ON signin_attempts (email, id);
CREATE INDEX signin_attempts_address ON signin_attempts (address, at);
CREATE TRIGGER signin_attempts_no_update BEFORE UPDATE ON signin_attempts
BEGIN SELECT RAISE(ABORT, 'sign-in attempts are append-only'); END;
CREATE TRIGGER signin_attempts_no_delete BEFORE DELETE ON signin_attempts
BEGIN SELECT RAISE(ABORT, 'sign-in attempts are append-only'); END;

-- Audit records of version 2 say who (role), what (kind, action,
-- resource, amount in cents, status before and after, the date the change
-- is about), when (the business date it was recorded on) and with which
-- result, in a summary too. Records already written
-- are version 1 and keep their hash.
ALTER TABLE audit ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN resource TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN amount INTEGER;
ALTER TABLE audit ADD COLUMN status_before TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN status_after TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN business_date INTEGER;
ALTER TABLE audit ADD COLUMN dated INTEGER;
ALTER TABLE audit ADD COLUMN result TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN error TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN summary TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_facility ON audit (facility, id);
CREATE INDEX audit_actor ON audit (actor, id);
CREATE INDEX audit_kind ON audit (kind, id);
CREATE INDEX audit_business_date ON audit (business_date, id);
