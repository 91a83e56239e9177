-- TRUNCATE fires no row trigger: the tables kept append-only (or moved
-- only forward) by their UPDATE and DELETE triggers refuse it too, with a
-- statement trigger; and no role but the owner may truncate them (run
-- revolver as a role that does not own its tables: docs/operations.md).
CREATE FUNCTION no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: it cannot be truncated', TG_TABLE_NAME;
END $$;
CREATE TRIGGER advance_requests_no_truncate BEFORE TRUNCATE ON advance_requests FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER business_dates_no_truncate BEFORE TRUNCATE ON business_dates FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER fact_records_no_truncate BEFORE TRUNCATE ON fact_records FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER financials_no_truncate BEFORE TRUNCATE ON financials FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER overadvances_no_truncate BEFORE TRUNCATE ON overadvances FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER signin_attempts_no_truncate BEFORE TRUNCATE ON signin_attempts FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER token_revocations_no_truncate BEFORE TRUNCATE ON token_revocations FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER transactions_no_truncate BEFORE TRUNCATE ON transactions FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER user_status_no_truncate BEFORE TRUNCATE ON user_status FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
REVOKE TRUNCATE ON advance_requests, audit, business_dates, certificates, fact_records, financials, overadvances, postings, signin_attempts, token_revocations, transactions, user_status FROM PUBLIC;
