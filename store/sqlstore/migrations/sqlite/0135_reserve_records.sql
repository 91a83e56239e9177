-- Lender reserves (docs/reserves.md): append-only records of a facility's
-- discretionary reserves. A 'set' record states a reserve (kind, amount or
-- rate, placement, effective dates, reason); an 'approve' record is a
-- second lender's approval of it (it is in force only once approved); a
-- 'release' record ends it from a date. None is ever changed.
CREATE TABLE reserve_records (
	id              INTEGER PRIMARY KEY,
	facility_id     INTEGER NOT NULL REFERENCES facilities(id),
	reserve_id      TEXT NOT NULL CHECK (reserve_id <> ''),
	action          TEXT NOT NULL CHECK (action IN ('set', 'approve', 'release')),
	kind            TEXT NOT NULL DEFAULT '',
	placement       TEXT NOT NULL DEFAULT '',
	component       TEXT NOT NULL DEFAULT '',
	amount          BIGINT NOT NULL DEFAULT 0,
	rate            TEXT NOT NULL DEFAULT '',
	effective_from  INTEGER,
	effective_until INTEGER,
	reason          TEXT NOT NULL DEFAULT '',
	recorded_by     TEXT NOT NULL CHECK (recorded_by <> ''),
	recorded_at     INTEGER NOT NULL
);
CREATE INDEX reserve_records_facility ON reserve_records (facility_id, reserve_id, id);
CREATE TRIGGER reserve_records_no_update BEFORE UPDATE ON reserve_records
BEGIN SELECT RAISE(ABORT, 'reserve records are append-only'); END;
CREATE TRIGGER reserve_records_no_delete BEFORE DELETE ON reserve_records
BEGIN SELECT RAISE(ABORT, 'reserve records are append-only'); END;
