-- Advance requests: a request not yet decided can be cancelled by its
-- requester; a request records the business date it was made on (the
-- maker-checker threshold counts what one person funded that day) and, for
-- a correction (a back-valued advance a lender asks for), its reason.
ALTER TABLE advance_requests DROP CONSTRAINT advance_requests_status_check;
ALTER TABLE advance_requests ADD CONSTRAINT advance_requests_status_check
	CHECK (status IN ('requested', 'funded', 'rejected', 'cancelled'));
ALTER TABLE advance_requests ADD COLUMN business_date DATE;
ALTER TABLE advance_requests ADD COLUMN reason TEXT;
CREATE INDEX advance_requests_business_date ON advance_requests (facility_id, business_date);
CREATE OR REPLACE FUNCTION advance_requests_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'advance requests are never deleted';
	END IF;
	IF OLD.status <> 'requested' OR NEW.status = 'requested'
		OR NEW.facility_id IS DISTINCT FROM OLD.facility_id OR NEW.key IS DISTINCT FROM OLD.key
		OR NEW.amount IS DISTINCT FROM OLD.amount OR NEW.value_date IS DISTINCT FROM OLD.value_date
		OR NEW.requested_by IS DISTINCT FROM OLD.requested_by OR NEW.requested_at IS DISTINCT FROM OLD.requested_at
		OR NEW.business_date IS DISTINCT FROM OLD.business_date OR NEW.reason IS DISTINCT FROM OLD.reason THEN
		RAISE EXCEPTION 'an advance request is decided once, forward only';
	END IF;
	RETURN NEW;
END $$;
