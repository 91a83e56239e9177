-- Advance requests: a request not yet decided can be cancelled by its
-- requester; a request records the business date it was made on (the
-- maker-checker threshold counts what one person funded that day) and, for
-- a correction (a back-valued advance a lender asks for), its reason.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt
-- with its rows, and its triggers written again.
DROP TRIGGER advance_requests_forward;
DROP TRIGGER advance_requests_no_delete;
CREATE TABLE advance_requests_0006 (
	id             INTEGER PRIMARY KEY,
	facility_id    INTEGER NOT NULL REFERENCES facilities(id),
	key            TEXT NOT NULL,
	amount         INTEGER NOT NULL CHECK (amount > 0),
	value_date     INTEGER NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('requested', 'funded', 'rejected', 'cancelled')),
	requested_by   TEXT NOT NULL,
	requested_at   INTEGER NOT NULL,
	decided_by     TEXT,
	decided_at     INTEGER,
	comment        TEXT,
	transaction_id INTEGER REFERENCES transactions(id),
	business_date  INTEGER,
	reason         TEXT,
	UNIQUE (facility_id, key)
);
INSERT INTO advance_requests_0006 (id, facility_id, key, amount, value_date, status, requested_by, requested_at, decided_by, decided_at, comment, transaction_id)
SELECT id, facility_id, key, amount, value_date, status, requested_by, requested_at, decided_by, decided_at, comment, transaction_id FROM advance_requests;
DROP TABLE advance_requests;
ALTER TABLE advance_requests_0006 RENAME TO advance_requests;
CREATE INDEX advance_requests_business_date ON advance_requests (facility_id, business_date);
-- Status moves only forward: requested → funded | rejected | cancelled.
CREATE TRIGGER advance_requests_forward BEFORE UPDATE ON advance_requests
WHEN OLD.status <> 'requested' OR NEW.status = 'requested'
	OR NEW.facility_id IS NOT OLD.facility_id OR NEW.key IS NOT OLD.key OR NEW.amount IS NOT OLD.amount
	OR NEW.value_date IS NOT OLD.value_date OR NEW.requested_by IS NOT OLD.requested_by
	OR NEW.requested_at IS NOT OLD.requested_at OR NEW.business_date IS NOT OLD.business_date OR NEW.reason IS NOT OLD.reason
BEGIN SELECT RAISE(ABORT, 'an advance request is decided once, forward only'); END;
CREATE TRIGGER advance_requests_no_delete BEFORE DELETE ON advance_requests
BEGIN SELECT RAISE(ABORT, 'advance requests are never deleted'); END;
