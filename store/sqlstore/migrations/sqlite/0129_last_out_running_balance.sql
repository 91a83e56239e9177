-- The last-out loans (loans_last_out) are read by availability like the
-- loans: their running balance is kept with the postings too.
DROP TRIGGER postings_running_balance;
CREATE TRIGGER postings_running_balance AFTER INSERT ON postings
WHEN NEW.account IN ('loans', 'loans_last_out', 'lc_outstanding', 'lc_drawn')
BEGIN
	UPDATE account_balances SET balance = balance + NEW.amount
		WHERE facility_id = NEW.facility_id AND account = NEW.account AND value_date >= NEW.value_date;
	INSERT INTO account_balances (facility_id, account, value_date, balance)
	SELECT NEW.facility_id, NEW.account, NEW.value_date,
		coalesce((SELECT balance FROM account_balances WHERE facility_id = NEW.facility_id AND account = NEW.account
			AND value_date < NEW.value_date ORDER BY value_date DESC LIMIT 1), 0) + NEW.amount
	WHERE NOT EXISTS (SELECT 1 FROM account_balances WHERE facility_id = NEW.facility_id AND account = NEW.account AND value_date = NEW.value_date);
END;
INSERT INTO account_balances (facility_id, account, value_date, balance)
SELECT facility_id, account, value_date,
	sum(amount) OVER (PARTITION BY facility_id, account ORDER BY value_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
FROM (SELECT facility_id, account, value_date, sum(amount) AS amount FROM postings
	WHERE account = 'loans_last_out' GROUP BY facility_id, account, value_date);
