-- Fact records of the defaults engine: notices, events of default and their
-- lifecycle, waiver requests, other indebtedness, insurance policies, UCC
-- filings, occurrences (deliveries, casualties, payments) and covenant
-- results. Append-only: a later record about the same subject supersedes.
CREATE TABLE fact_records (
	id          BIGSERIAL PRIMARY KEY,
	facility_id BIGINT NOT NULL REFERENCES facilities(id),
	key         TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind <> ''),
	subject     TEXT NOT NULL DEFAULT '',
	dated       DATE NOT NULL,
	body        TEXT NOT NULL,
	body_sha256 TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL,
	UNIQUE (facility_id, key)
);
CREATE INDEX fact_records_subject ON fact_records (facility_id, kind, subject);
CREATE FUNCTION fact_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'fact records are append-only';
END $$;
CREATE TRIGGER fact_records_append_only BEFORE UPDATE OR DELETE ON fact_records
FOR EACH ROW EXECUTE FUNCTION fact_records_append_only();
