-- The collateral summary of a submitted certificate (its aging buckets,
-- debtor balances, ineligibles by category, gross, eligible and
-- availability), computed once from its frozen inputs and body so that
-- the trends read it instead of parsing every aging again. A certificate
-- is frozen once submitted, so its summary is too: append-only, one per
-- certificate. It is derived, not a fact: storing it changes no figure
-- and does not raise the facility's version.
CREATE TABLE certificate_summaries (
	certificate_id INTEGER PRIMARY KEY REFERENCES certificates(id),
	version        INTEGER NOT NULL,
	body           BLOB NOT NULL,
	created_at     INTEGER NOT NULL
);
CREATE TRIGGER certificate_summaries_no_update BEFORE UPDATE ON certificate_summaries
BEGIN SELECT RAISE(ABORT, 'certificate summaries are append-only'); END;
CREATE TRIGGER certificate_summaries_no_delete BEFORE DELETE ON certificate_summaries
BEGIN SELECT RAISE(ABORT, 'certificate summaries are append-only'); END;
