CREATE TABLE advance_requests (
	id             INTEGER PRIMARY KEY,
	facility_id    INTEGER NOT NULL REFERENCES facilities(id),
	key            TEXT NOT NULL,
	amount         INTEGER NOT NULL CHECK (amount > 0),
	value_date     INTEGER NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('requested', 'funded', 'rejected')),
	requested_by   TEXT NOT NULL,
	requested_at   INTEGER NOT NULL,
	decided_by     TEXT,
	decided_at     INTEGER,
	comment        TEXT,
	transaction_id INTEGER REFERENCES transactions(id),
	UNIQUE (facility_id, key)
);
-- Status moves only forward: requested → funded | rejected.
CREATE TRIGGER advance_requests_forward BEFORE UPDATE ON advance_requests
WHEN OLD.status <> 'requested' OR NEW.status = 'requested'
	OR NEW.facility_id IS NOT OLD.facility_id OR NEW.key IS NOT OLD.key OR NEW.amount IS NOT OLD.amount
	OR NEW.value_date IS NOT OLD.value_date OR NEW.requested_by IS NOT OLD.requested_by
BEGIN SELECT RAISE(ABORT, 'an advance request is decided once, forward only'); END;
CREATE TRIGGER advance_requests_no_delete BEFORE DELETE ON advance_requests
BEGIN SELECT RAISE(ABORT, 'advance requests are never deleted'); END;
