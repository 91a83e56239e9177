CREATE TABLE advance_requests (
	id             BIGSERIAL PRIMARY KEY,
	facility_id    BIGINT NOT NULL REFERENCES facilities(id),
	key            TEXT NOT NULL,
	amount         BIGINT NOT NULL CHECK (amount > 0),
	value_date     DATE NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('requested', 'funded', 'rejected')),
	requested_by   TEXT NOT NULL,
	requested_at   TIMESTAMPTZ NOT NULL,
	decided_by     TEXT,
	decided_at     TIMESTAMPTZ,
	comment        TEXT,
	transaction_id BIGINT REFERENCES transactions(id),
	UNIQUE (facility_id, key)
);
CREATE FUNCTION advance_requests_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'advance requests are never deleted';
	END IF;
	IF OLD.status <> 'requested' OR NEW.status = 'requested'
		OR NEW.facility_id IS DISTINCT FROM OLD.facility_id OR NEW.key IS DISTINCT FROM OLD.key
		OR NEW.amount IS DISTINCT FROM OLD.amount OR NEW.value_date IS DISTINCT FROM OLD.value_date
		OR NEW.requested_by IS DISTINCT FROM OLD.requested_by THEN
		RAISE EXCEPTION 'an advance request is decided once, forward only';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER advance_requests_forward BEFORE UPDATE OR DELETE ON advance_requests
FOR EACH ROW EXECUTE FUNCTION advance_requests_forward();
