-- Overadvances recorded with their cure deadline (Security Agreement ¶13(h)).
-- Append-only: a cure is derived from the loan account, never written here.
CREATE TABLE overadvances (
	id             INTEGER PRIMARY KEY,
	facility_id    INTEGER NOT NULL REFERENCES facilities(id),
	key            TEXT NOT NULL,
	detected_on    INTEGER NOT NULL,
	amount         INTEGER NOT NULL CHECK (amount > 0),
	borrowing_base INTEGER NOT NULL,
	loans          INTEGER NOT NULL,
	notice_on      INTEGER,
	cure_by        INTEGER,
	recorded_by    TEXT NOT NULL,
	recorded_at    INTEGER NOT NULL,
	UNIQUE (facility_id, key)
);
CREATE TRIGGER overadvances_no_update BEFORE UPDATE ON overadvances
BEGIN SELECT RAISE(ABORT, 'overadvance records are append-only'); END;
CREATE TRIGGER overadvances_no_delete BEFORE DELETE ON overadvances
BEGIN SELECT RAISE(ABORT, 'overadvance records are append-only'); END;
