-- Running balances: each account's balance at the end of every value date
-- it has postings on, kept by a trigger in the transaction that inserts
-- the postings (whichever code inserts them), so that a balance is read in
-- time independent of the ledger's length. Derived from the postings,
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
FROM (SELECT facility_id, account, value_date, sum(amount) AS amount FROM postings GROUP BY facility_id, account, value_date) d;

-- Kept per statement (a batch of close of business inserts thousands of
-- postings at once): the facilities' row locks first (the lock every
-- change of a facility holds, in id order), then each date a posting lands
-- on gets a row holding the balance before the statement, then every row
-- on or after a posting's date adds the postings up to it.
CREATE FUNCTION postings_running_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM facilities WHERE id IN (SELECT DISTINCT facility_id FROM new_postings) ORDER BY id FOR UPDATE;
	INSERT INTO account_balances (facility_id, account, value_date, balance)
	SELECT k.facility_id, k.account, k.value_date,
		coalesce((SELECT p.balance FROM account_balances p WHERE p.facility_id = k.facility_id AND p.account = k.account
			AND p.value_date < k.value_date ORDER BY p.value_date DESC LIMIT 1), 0)
	FROM (SELECT DISTINCT facility_id, account, value_date FROM new_postings) k
	ON CONFLICT (facility_id, account, value_date) DO NOTHING;
	UPDATE account_balances ab SET balance = ab.balance + d.amount
	FROM (SELECT ab2.facility_id, ab2.account, ab2.value_date, sum(n.amount) AS amount
		FROM account_balances ab2 JOIN new_postings n
			ON n.facility_id = ab2.facility_id AND n.account = ab2.account AND n.value_date <= ab2.value_date
		WHERE ab2.value_date >= (SELECT min(value_date) FROM new_postings)
		GROUP BY ab2.facility_id, ab2.account, ab2.value_date) d
	WHERE ab.facility_id = d.facility_id AND ab.account = d.account AND ab.value_date = d.value_date;
	RETURN NULL;
END $$;
CREATE TRIGGER postings_running_balance AFTER INSERT ON postings
REFERENCING NEW TABLE AS new_postings
FOR EACH STATEMENT EXECUTE FUNCTION postings_running_balance();

CREATE FUNCTION account_balances_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'running balances follow the postings, which are append-only';
END $$;
CREATE TRIGGER account_balances_no_delete BEFORE DELETE ON account_balances
FOR EACH ROW EXECUTE FUNCTION account_balances_no_delete();

-- What a figure as known at a time takes off the running balance: the
-- postings recorded after it.
CREATE INDEX postings_recorded ON postings(facility_id, recorded_at) WHERE recorded_at IS NOT NULL;
