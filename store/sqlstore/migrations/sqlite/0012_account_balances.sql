-- Running balances: the balance of each account availability reads
-- (loans, letters of credit outstanding and drawn) at the end of every
-- value date it has postings on, kept by a trigger in the transaction that
-- inserts the postings (whichever code inserts them), so that availability
-- reads them in time independent of the ledger's length. (The daily
-- interest accruals of close of business post to other accounts and pay
-- nothing for this.) Derived from the postings,
-- which stay the record; the store's tests check the two agree.
CREATE TABLE account_balances (
	facility_id INTEGER NOT NULL,
	account     TEXT NOT NULL,
	value_date  INTEGER NOT NULL,
	balance     INTEGER NOT NULL,
	PRIMARY KEY (facility_id, account, value_date)
) WITHOUT ROWID;

INSERT INTO account_balances (facility_id, account, value_date, balance)
SELECT facility_id, account, value_date,
	sum(amount) OVER (PARTITION BY facility_id, account ORDER BY value_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
FROM (SELECT facility_id, account, value_date, sum(amount) AS amount FROM postings
	WHERE account IN ('loans', 'lc_outstanding', 'lc_drawn') GROUP BY facility_id, account, value_date);

CREATE TRIGGER postings_running_balance AFTER INSERT ON postings
WHEN NEW.account IN ('loans', 'lc_outstanding', 'lc_drawn')
BEGIN
	UPDATE account_balances SET balance = balance + NEW.amount
		WHERE facility_id = NEW.facility_id AND account = NEW.account AND value_date >= NEW.value_date;
	INSERT INTO account_balances (facility_id, account, value_date, balance)
	SELECT NEW.facility_id, NEW.account, NEW.value_date,
		coalesce((SELECT balance FROM account_balances WHERE facility_id = NEW.facility_id AND account = NEW.account
			AND value_date < NEW.value_date ORDER BY value_date DESC LIMIT 1), 0) + NEW.amount
	WHERE NOT EXISTS (SELECT 1 FROM account_balances WHERE facility_id = NEW.facility_id AND account = NEW.account AND value_date = NEW.value_date);
END;

CREATE TRIGGER account_balances_no_delete BEFORE DELETE ON account_balances
BEGIN SELECT RAISE(ABORT, 'running balances follow the postings, which are append-only'); END;

-- What a figure as known at a time takes off the running balance: the
-- postings recorded after it.
CREATE INDEX postings_recorded ON postings(facility_id, recorded_at) WHERE recorded_at IS NOT NULL;
