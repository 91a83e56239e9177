-- The last-out loans (loans_last_out) are read by availability like the
-- loans: their running balance is kept with the postings too.
DROP TRIGGER postings_running_balance ON postings;
CREATE TRIGGER postings_running_balance AFTER INSERT ON postings
FOR EACH ROW WHEN (NEW.account IN ('loans', 'loans_last_out', 'lc_outstanding', 'lc_drawn'))
EXECUTE FUNCTION postings_running_balance();
INSERT INTO account_balances (facility_id, account, value_date, balance)
SELECT facility_id, account, value_date,
	sum(amount) OVER (PARTITION BY facility_id, account ORDER BY value_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
FROM (SELECT facility_id, account, value_date, sum(amount) AS amount FROM postings
	WHERE account = 'loans_last_out' GROUP BY facility_id, account, value_date) d;
