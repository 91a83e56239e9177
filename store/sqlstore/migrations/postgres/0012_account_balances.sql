-- Running balances: the balance of each account availability reads
-- (loans, letters of credit outstanding and drawn) at the end of every
-- value date it has postings on, kept by a trigger in the transaction that
-- inserts the postings (whichever code inserts them), so that availability
-- reads them in time independent of the ledger's length. (The daily
-- interest accruals of close of business post to other accounts and pay
-- nothing for this.) Derived from the postings,
-- which stay the record; the store's tests check the two agree.
CREATE TABLE account_balances (
	facility_id BIGINT NOT NULL,
	account     TEXT NOT NULL,
	value_date  DATE NOT NULL,
	balance     BIGINT NOT NULL,
	PRIMARY KEY (facility_id, account, value_date)
);

INSERT INTO account_balances (facility_id, account, value_date, balance)
SELECT facility_id, account, value_date,
	sum(amount) OVER (PARTITION BY facility_id, account ORDER BY value_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
FROM (SELECT facility_id, account, value_date, sum(amount) AS amount FROM postings
	WHERE account IN ('loans', 'lc_outstanding', 'lc_drawn') GROUP BY facility_id, account, value_date) d;

-- The facility's row lock (the lock every change of a facility holds)
-- serialises the balances of one facility whichever transaction inserts
-- its postings.
CREATE FUNCTION postings_running_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM facilities WHERE id = NEW.facility_id FOR UPDATE;
	UPDATE account_balances SET balance = balance + NEW.amount
		WHERE facility_id = NEW.facility_id AND account = NEW.account AND value_date >= NEW.value_date;
	IF NOT EXISTS (SELECT 1 FROM account_balances WHERE facility_id = NEW.facility_id AND account = NEW.account AND value_date = NEW.value_date) THEN
		INSERT INTO account_balances (facility_id, account, value_date, balance)
		VALUES (NEW.facility_id, NEW.account, NEW.value_date,
			coalesce((SELECT balance FROM account_balances WHERE facility_id = NEW.facility_id AND account = NEW.account
				AND value_date < NEW.value_date ORDER BY value_date DESC LIMIT 1), 0) + NEW.amount);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER postings_running_balance AFTER INSERT ON postings
FOR EACH ROW WHEN (NEW.account IN ('loans', 'lc_outstanding', 'lc_drawn'))
EXECUTE FUNCTION postings_running_balance();

CREATE FUNCTION account_balances_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'running balances follow the postings, which are append-only';
END $$;
CREATE TRIGGER account_balances_no_delete BEFORE DELETE ON account_balances
FOR EACH ROW EXECUTE FUNCTION account_balances_no_delete();

-- What a figure as known at a time takes off the running balance: the
-- postings recorded after it.
CREATE INDEX postings_recorded ON postings(facility_id, recorded_at) WHERE recorded_at IS NOT NULL;
