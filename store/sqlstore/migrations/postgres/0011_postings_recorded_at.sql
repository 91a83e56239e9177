-- When each transaction was recorded, kept on its postings too, so that a
-- figure as known at a time counts only the postings recorded by then
-- (a back-valued correction is not known before it was made). Rows from
-- before this migration have none: they count as always known.
ALTER TABLE transactions ADD COLUMN recorded_at TIMESTAMPTZ;
ALTER TABLE postings ADD COLUMN recorded_at TIMESTAMPTZ;
DROP INDEX postings_balance;
CREATE INDEX postings_balance ON postings(facility_id, account, value_date, amount, recorded_at);
