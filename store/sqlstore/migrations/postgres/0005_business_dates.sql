-- The bank's business (processing) date: each row opens a business day;
-- close of business appends the next. Append-only: the business date only
-- moves forward, and every move says who moved it, when and why.
CREATE TABLE business_dates (
	id            BIGSERIAL PRIMARY KEY,
	business_date DATE NOT NULL UNIQUE,
	recorded_by   TEXT NOT NULL,
	recorded_at   TIMESTAMPTZ NOT NULL,
	reason        TEXT NOT NULL
);
CREATE FUNCTION business_dates_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'business dates are append-only';
END $$;
CREATE TRIGGER business_dates_append_only BEFORE UPDATE OR DELETE ON business_dates
FOR EACH ROW EXECUTE FUNCTION business_dates_append_only();
