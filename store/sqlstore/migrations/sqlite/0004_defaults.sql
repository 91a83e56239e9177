-- Fact records of the defaults engine: notices, events of default and their
-- lifecycle, waiver requests, other indebtedness, insurance policies, UCC
-- filings, occurrences (deliveries, casualties, payments) and covenant
-- results. Append-only: a later record about the same subject supersedes.
CREATE TABLE fact_records (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	key         TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind <> ''),
	subject     TEXT NOT NULL DEFAULT '',
	dated       INTEGER NOT NULL,
	body        TEXT NOT NULL,
	body_sha256 TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at INTEGER NOT NULL,
	UNIQUE (facility_id, key)
);
CREATE INDEX fact_records_subject ON fact_records (facility_id, kind, subject);
CREATE TRIGGER fact_records_no_update BEFORE UPDATE ON fact_records
BEGIN SELECT RAISE(ABORT, 'fact records are append-only'); END;
CREATE TRIGGER fact_records_no_delete BEFORE DELETE ON fact_records
BEGIN SELECT RAISE(ABORT, 'fact records are append-only'); END;
