-- Report maps (docs/reports.md): per facility and kind of report, the
-- column map and layout its reports are read with, as append-only
-- versions (who set each, when). The map in force is the kind's last
-- version; an empty one ('{}') clears it. None is ever changed.
CREATE TABLE report_maps (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	kind        TEXT NOT NULL CHECK (kind IN ('receivables', 'debtors', 'inventory', 'sales', 'collections', 'credits', 'inventory_activity')),
	map         TEXT NOT NULL,
	set_by      TEXT NOT NULL CHECK (set_by <> ''),
	set_at      INTEGER NOT NULL
);
CREATE INDEX report_maps_facility ON report_maps (facility_id, kind, id);
CREATE TRIGGER report_maps_no_update BEFORE UPDATE ON report_maps
BEGIN SELECT RAISE(ABORT, 'report maps are append-only'); END;
CREATE TRIGGER report_maps_no_delete BEFORE DELETE ON report_maps
BEGIN SELECT RAISE(ABORT, 'report maps are append-only'); END;
