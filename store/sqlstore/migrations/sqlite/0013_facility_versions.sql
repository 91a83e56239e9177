-- A facility's version: a counter raised in the transaction of every change
-- to what its figures are computed from (documents, fact records,
-- statements, certificates and their decisions, ledger transactions,
-- overadvances, advance requests, its settings). The row lock taken to
-- raise it orders the changes of one facility, so a version read names
-- every change committed before it; a summary computed at a version is
-- current while the facility's version is unchanged (the portfolio's cache).
ALTER TABLE facilities ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER documents_version_insert AFTER INSERT ON documents
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER documents_version_update AFTER UPDATE ON documents
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER fact_records_version_insert AFTER INSERT ON fact_records
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER financials_version_insert AFTER INSERT ON financials
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER certificates_version_insert AFTER INSERT ON certificates
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER certificates_version_update AFTER UPDATE ON certificates
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER transactions_version_insert AFTER INSERT ON transactions
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER overadvances_version_insert AFTER INSERT ON overadvances
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER advance_requests_version_insert AFTER INSERT ON advance_requests
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER advance_requests_version_update AFTER UPDATE ON advance_requests
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER facilities_version AFTER UPDATE OF settings, name ON facilities
WHEN NEW.settings IS NOT OLD.settings OR NEW.name IS NOT OLD.name
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.id;
END;
