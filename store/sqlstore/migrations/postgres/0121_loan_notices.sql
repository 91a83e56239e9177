-- A borrower's notice continuing or converting a term-rate loan at the end
-- of its interest period (a continuation keeps the option, possibly with
-- another period; a conversion elects another option). The loan is the
-- advance request that funded it. Append-only: one notice per loan and
-- period end; a later notice never replaces an earlier one.
CREATE TABLE loan_notices (
	id              BIGSERIAL PRIMARY KEY,
	facility_id     BIGINT NOT NULL REFERENCES facilities(id),
	key             TEXT NOT NULL,
	loan            BIGINT NOT NULL,
	period_end      DATE NOT NULL,
	kind            TEXT NOT NULL CHECK (kind IN ('continue', 'convert')),
	rate_option     TEXT NOT NULL,
	interest_period TEXT,
	given_by        TEXT NOT NULL,
	given_at        TIMESTAMPTZ NOT NULL,
	business_date   DATE,
	UNIQUE (facility_id, key),
	UNIQUE (facility_id, loan, period_end)
);
CREATE FUNCTION loan_notices_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'loan notices are append-only';
END $$;
CREATE TRIGGER loan_notices_append_only BEFORE UPDATE OR DELETE ON loan_notices
FOR EACH ROW EXECUTE FUNCTION loan_notices_append_only();
CREATE TRIGGER loan_notices_version AFTER INSERT ON loan_notices
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
