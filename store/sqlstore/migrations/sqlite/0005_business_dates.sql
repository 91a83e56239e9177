-- The bank's business (processing) date: each row opens a business day;
-- close of business appends the next. Append-only: the business date only
-- moves forward, and every move says who moved it, when and why.
CREATE TABLE business_dates (
	id            INTEGER PRIMARY KEY,
	business_date INTEGER NOT NULL UNIQUE,
	recorded_by   TEXT NOT NULL,
	recorded_at   INTEGER NOT NULL,
	reason        TEXT NOT NULL
);
CREATE TRIGGER business_dates_no_update BEFORE UPDATE ON business_dates
BEGIN SELECT RAISE(ABORT, 'business dates are append-only'); END;
CREATE TRIGGER business_dates_no_delete BEFORE DELETE ON business_dates
BEGIN SELECT RAISE(ABORT, 'business dates are append-only'); END;
