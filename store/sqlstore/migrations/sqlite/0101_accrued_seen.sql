-- accrued_seen is the largest transaction id among the facility's Loans
-- postings when close of business last committed: a Loans posting with a
-- larger id dated on or before accrued_through was stored after that day's
-- interest was accrued (back-valued) and needs an interest adjustment.
-- Facilities already accrued start from their current postings.
ALTER TABLE facilities ADD COLUMN accrued_seen INTEGER NOT NULL DEFAULT 0;
UPDATE facilities SET accrued_seen = coalesce((SELECT max(tx_id) FROM postings
	WHERE postings.facility_id = facilities.id AND postings.account = 'loans'), 0)
	WHERE accrued_through IS NOT NULL;
