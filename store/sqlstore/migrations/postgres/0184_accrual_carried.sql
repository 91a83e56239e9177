-- What close of business carries from one run to the next, so that it
-- reads in time independent of the ledger's length: the Loans balance and
-- the interest receivable at the end of accrued_through, over the postings
-- with ids up to accrued_seen (sqlstore.AccrualState adds what was stored
-- since and what falls in the days between). NULL until a run writes
-- them: the run reads the sums over every posting instead.
ALTER TABLE facilities ADD COLUMN accrued_loans BIGINT;
ALTER TABLE facilities ADD COLUMN accrued_receivable BIGINT;

-- The postings of those accounts by value date: a run reads only the days
-- it covers.
CREATE INDEX postings_day ON postings(value_date, facility_id) INCLUDE (account, tx_id, amount)
	WHERE account IN ('loans', 'interest_receivable');
