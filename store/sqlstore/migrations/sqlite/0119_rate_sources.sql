-- A base-rate value keeps where it was taken from (a source citation) and
-- when it was recorded; values entered before this migration have neither.
-- Rate values are appended, never changed or removed.
ALTER TABLE rates ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE rates ADD COLUMN recorded_at INTEGER;
CREATE TRIGGER rates_no_update BEFORE UPDATE ON rates
BEGIN SELECT RAISE(ABORT, 'rates are append-only'); END;
CREATE TRIGGER rates_no_delete BEFORE DELETE ON rates
BEGIN SELECT RAISE(ABORT, 'rates are append-only'); END;
