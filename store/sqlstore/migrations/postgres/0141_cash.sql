-- Cash (docs/cash.md): the BAI2 files imported for a facility, stored by
-- SHA-256 with their identity (sender, file id, creation date: one file
-- is imported once), the groups they brought (a group is imported once,
-- whatever file carries it again) and every transaction detail with its
-- application: its kind by the terms' type-code table, the day it is
-- credited, whether and why it was swept to the loans, what it applied to
-- the loans and what was remitted to the borrower, the ledger transaction
-- that posted it, and for a returned item the deposit it returns. All are
-- append-only: a file is never imported again and nothing is changed.
CREATE TABLE cash_files (
	id           BIGSERIAL PRIMARY KEY,
	facility_id  BIGINT NOT NULL REFERENCES facilities(id),
	name         TEXT NOT NULL,
	sha256       TEXT NOT NULL REFERENCES blobs(sha256),
	sender       TEXT NOT NULL,
	receiver     TEXT NOT NULL,
	file_ref     TEXT NOT NULL,
	created      DATE NOT NULL,
	created_time TEXT NOT NULL,
	groups_new   INTEGER NOT NULL,
	groups_seen  INTEGER NOT NULL,
	records      INTEGER NOT NULL,
	imported_by  TEXT NOT NULL CHECK (imported_by <> ''),
	imported_at  TIMESTAMPTZ NOT NULL,
	UNIQUE (facility_id, sha256),
	UNIQUE (facility_id, sender, file_ref, created)
);
CREATE TABLE cash_groups (
	id          BIGSERIAL PRIMARY KEY,
	facility_id BIGINT NOT NULL REFERENCES facilities(id),
	file_id     BIGINT NOT NULL REFERENCES cash_files(id),
	group_key   TEXT NOT NULL,
	sha256      TEXT NOT NULL,
	as_of       DATE NOT NULL,
	record      INTEGER NOT NULL,
	UNIQUE (facility_id, group_key)
);
CREATE TABLE cash_items (
	id             BIGSERIAL PRIMARY KEY,
	facility_id    BIGINT NOT NULL REFERENCES facilities(id),
	file_id        BIGINT NOT NULL REFERENCES cash_files(id),
	group_id       BIGINT NOT NULL REFERENCES cash_groups(id),
	account        TEXT NOT NULL,
	received       DATE NOT NULL,
	record         INTEGER NOT NULL,
	line           INTEGER NOT NULL,
	type_code      TEXT NOT NULL,
	kind           TEXT NOT NULL,
	amount         BIGINT NOT NULL,
	funds          TEXT NOT NULL,
	bank_ref       TEXT NOT NULL,
	customer_ref   TEXT NOT NULL,
	text           TEXT NOT NULL,
	value_date     DATE,
	swept          INTEGER NOT NULL,
	reason         TEXT NOT NULL,
	applied        BIGINT NOT NULL,
	remitted       BIGINT NOT NULL,
	remitted_to    TEXT NOT NULL,
	transaction_id BIGINT,
	returns        BIGINT
);
CREATE INDEX cash_items_file ON cash_items (file_id, id);
CREATE INDEX cash_items_account ON cash_items (facility_id, account, id);
CREATE FUNCTION cash_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% are append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER cash_files_append_only BEFORE UPDATE OR DELETE ON cash_files
FOR EACH ROW EXECUTE FUNCTION cash_append_only();
CREATE TRIGGER cash_groups_append_only BEFORE UPDATE OR DELETE ON cash_groups
FOR EACH ROW EXECUTE FUNCTION cash_append_only();
CREATE TRIGGER cash_items_append_only BEFORE UPDATE OR DELETE ON cash_items
FOR EACH ROW EXECUTE FUNCTION cash_append_only();
CREATE TRIGGER cash_files_version AFTER INSERT ON cash_files
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
