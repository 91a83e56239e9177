-- Lender reserves (docs/reserves.md): append-only records of a facility's
-- discretionary reserves. A 'set' record states a reserve (kind, amount or
-- rate, placement, effective dates, reason); an 'approve' record is a
-- second lender's approval of it (it is in force only once approved); a
-- 'release' record ends it from a date. None is ever changed.
CREATE TABLE reserve_records (
	id              BIGSERIAL PRIMARY KEY,
	facility_id     BIGINT NOT NULL REFERENCES facilities(id),
	reserve_id      TEXT NOT NULL CHECK (reserve_id <> ''),
	action          TEXT NOT NULL CHECK (action IN ('set', 'approve', 'release')),
	kind            TEXT NOT NULL DEFAULT '',
	placement       TEXT NOT NULL DEFAULT '',
	component       TEXT NOT NULL DEFAULT '',
	amount          BIGINT NOT NULL DEFAULT 0,
	rate            TEXT NOT NULL DEFAULT '',
	effective_from  DATE,
	effective_until DATE,
	reason          TEXT NOT NULL DEFAULT '',
	recorded_by     TEXT NOT NULL CHECK (recorded_by <> ''),
	recorded_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX reserve_records_facility ON reserve_records (facility_id, reserve_id, id);
CREATE FUNCTION reserve_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'reserve records are append-only';
END $$;
CREATE TRIGGER reserve_records_append_only BEFORE UPDATE OR DELETE ON reserve_records
FOR EACH ROW EXECUTE FUNCTION reserve_records_append_only();
