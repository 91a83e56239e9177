-- The settings' version trigger (0013) was called for every update of a
-- facility's row, close of business's included (two per facility and
-- run: the version its transactions raise, the accrual's mark), to find
-- that neither the settings nor the name changed. The same test as the
-- trigger's condition calls it only when one did.
DROP TRIGGER facilities_version ON facilities;
CREATE TRIGGER facilities_version BEFORE UPDATE ON facilities
FOR EACH ROW WHEN (NEW.settings IS DISTINCT FROM OLD.settings OR NEW.name IS DISTINCT FROM OLD.name)
EXECUTE FUNCTION facility_settings_version();

-- Room on each page for the next version of its rows: those updates then
-- stay on the page and add no index entries (heap-only tuples).
ALTER TABLE facilities SET (fillfactor = 70);
