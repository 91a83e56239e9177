-- A facility's version: a counter raised in the transaction of every change
-- to what its figures are computed from (documents, fact records,
-- statements, certificates and their decisions, ledger transactions,
-- overadvances, advance requests, its settings). The row lock taken to
-- raise it orders the changes of one facility, so a version read names
-- every change committed before it; a summary computed at a version is
-- current while the facility's version is unchanged (the portfolio's cache).
ALTER TABLE facilities ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION facility_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
	RETURN NULL;
END $$;

CREATE TRIGGER documents_version AFTER INSERT OR UPDATE ON documents
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
CREATE TRIGGER fact_records_version AFTER INSERT ON fact_records
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
CREATE TRIGGER financials_version AFTER INSERT ON financials
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
CREATE TRIGGER certificates_version AFTER INSERT OR UPDATE ON certificates
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
CREATE TRIGGER transactions_version AFTER INSERT ON transactions
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
CREATE TRIGGER overadvances_version AFTER INSERT ON overadvances
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
CREATE TRIGGER advance_requests_version AFTER INSERT OR UPDATE ON advance_requests
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();

CREATE FUNCTION facility_settings_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.settings IS DISTINCT FROM OLD.settings OR NEW.name IS DISTINCT FROM OLD.name THEN
		NEW.version := OLD.version + 1;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER facilities_version BEFORE UPDATE ON facilities
FOR EACH ROW EXECUTE FUNCTION facility_settings_version();
