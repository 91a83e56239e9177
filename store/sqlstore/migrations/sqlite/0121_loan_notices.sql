-- A borrower's notice continuing or converting a term-rate loan at the end
-- of its interest period (a continuation keeps the option, possibly with
-- another period; a conversion elects another option). The loan is the
-- advance request that funded it. Append-only: one notice per loan and
-- period end; a later notice never replaces an earlier one.
CREATE TABLE loan_notices (
	id              INTEGER PRIMARY KEY,
	facility_id     INTEGER NOT NULL REFERENCES facilities(id),
	key             TEXT NOT NULL,
	loan            INTEGER NOT NULL,
	period_end      INTEGER NOT NULL,
	kind            TEXT NOT NULL CHECK (kind IN ('continue', 'convert')),
	rate_option     TEXT NOT NULL,
	interest_period TEXT,
	given_by        TEXT NOT NULL,
	given_at        INTEGER NOT NULL,
	business_date   INTEGER,
	UNIQUE (facility_id, key),
	UNIQUE (facility_id, loan, period_end)
);
CREATE TRIGGER loan_notices_no_update BEFORE UPDATE ON loan_notices
BEGIN SELECT RAISE(ABORT, 'loan notices are append-only'); END;
CREATE TRIGGER loan_notices_no_delete BEFORE DELETE ON loan_notices
BEGIN SELECT RAISE(ABORT, 'loan notices are append-only'); END;
CREATE TRIGGER loan_notices_version_insert AFTER INSERT ON loan_notices
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
