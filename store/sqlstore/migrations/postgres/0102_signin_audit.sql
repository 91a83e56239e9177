-- Sign-in attempts, appended and never changed: the sign-in limits count
-- the failures of an account and of a client address over a window, in
-- the database that every server process shares.
CREATE TABLE signin_attempts (
	id      BIGSERIAL PRIMARY KEY,
	at      TIMESTAMPTZ NOT NULL,
	email   TEXT NOT NULL,
	address TEXT NOT NULL,
	ok      BOOLEAN NOT NULL
);
CREATE INDEX signin_attempts_email ON signin_attempts (email, id);
CREATE INDEX signin_attempts_address ON signin_attempts (address, at);
CREATE FUNCTION signin_attempts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'sign-in attempts are append-only';
END $$;
CREATE TRIGGER signin_attempts_append_only BEFORE UPDATE OR DELETE ON signin_attempts
FOR EACH ROW EXECUTE FUNCTION signin_attempts_append_only();

-- Audit records of version 2 say who (role), what (kind, action,
-- resource, amount in cents, status before and after, the date the change
-- is about), when (the business date it was recorded on) and with which
-- result, in a summary too. Records already written
-- are version 1 and keep their hash.
ALTER TABLE audit
	ADD COLUMN version INTEGER NOT NULL DEFAULT 1,
	ADD COLUMN role TEXT NOT NULL DEFAULT '',
	ADD COLUMN kind TEXT NOT NULL DEFAULT '',
	ADD COLUMN action TEXT NOT NULL DEFAULT '',
	ADD COLUMN resource TEXT NOT NULL DEFAULT '',
	ADD COLUMN amount BIGINT,
	ADD COLUMN status_before TEXT NOT NULL DEFAULT '',
	ADD COLUMN status_after TEXT NOT NULL DEFAULT '',
	ADD COLUMN business_date DATE,
	ADD COLUMN dated DATE,
	ADD COLUMN result TEXT NOT NULL DEFAULT '',
	ADD COLUMN error TEXT NOT NULL DEFAULT '',
	ADD COLUMN summary TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_facility ON audit (facility, id);
CREATE INDEX audit_actor ON audit (actor, id);
CREATE INDEX audit_kind ON audit (kind, id);
CREATE INDEX audit_business_date ON audit (business_date, id);
