-- A facility's version (0013) rises with every ledger transaction
-- inserted; the row trigger updated the facility's row once per
-- transaction, 100,000 updates (and as many new row versions) when close
-- of business posts a day's interest for 100,000 facilities: 2.8 s of its
-- 100,000-row COPY. One update per facility and statement, by the
-- statement's count from its transition table, gives every version the
-- same value as before, with the same row lock taken in the inserting
-- transaction (the changes of one facility stay ordered by it).
DROP TRIGGER transactions_version ON transactions;
CREATE FUNCTION transactions_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE facilities f SET version = f.version + n.c
	FROM (SELECT facility_id, count(*) AS c FROM new_transactions GROUP BY facility_id) n
	WHERE f.id = n.facility_id;
	RETURN NULL;
END $$;
CREATE TRIGGER transactions_version AFTER INSERT ON transactions
REFERENCING NEW TABLE AS new_transactions
FOR EACH STATEMENT EXECUTE FUNCTION transactions_version_raise();
