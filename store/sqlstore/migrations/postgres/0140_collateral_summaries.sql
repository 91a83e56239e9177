-- The collateral summary of a submitted certificate (its aging buckets,
-- debtor balances, ineligibles by category, gross, eligible and
-- availability), computed once from its frozen inputs and body so that
-- the trends read it instead of parsing every aging again. A certificate
-- is frozen once submitted, so its summary is too: append-only, one per
-- certificate. It is derived, not a fact: storing it changes no figure
-- and does not raise the facility's version.
CREATE TABLE certificate_summaries (
	certificate_id BIGINT PRIMARY KEY REFERENCES certificates(id),
	version        INTEGER NOT NULL,
	body           BYTEA NOT NULL,
	created_at     TIMESTAMPTZ NOT NULL
);
CREATE FUNCTION certificate_summaries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'certificate summaries are append-only';
END $$;
CREATE TRIGGER certificate_summaries_append_only BEFORE UPDATE OR DELETE ON certificate_summaries
FOR EACH ROW EXECUTE FUNCTION certificate_summaries_append_only();
CREATE TRIGGER certificate_summaries_no_truncate BEFORE TRUNCATE ON certificate_summaries FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
REVOKE TRUNCATE ON certificate_summaries FROM PUBLIC;
