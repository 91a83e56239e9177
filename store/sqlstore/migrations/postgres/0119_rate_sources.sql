-- A base-rate value keeps where it was taken from (a source citation) and
-- when it was recorded; values entered before this migration have neither.
-- Rate values are appended, never changed or removed.
ALTER TABLE rates ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE rates ADD COLUMN recorded_at TIMESTAMPTZ;
CREATE TRIGGER rates_append_only BEFORE UPDATE OR DELETE ON rates
FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER rates_no_truncate BEFORE TRUNCATE ON rates FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
REVOKE TRUNCATE ON rates FROM PUBLIC;
