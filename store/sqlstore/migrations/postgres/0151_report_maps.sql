-- Report maps (docs/reports.md): per facility and kind of report, the
-- column map and layout its reports are read with, as append-only
-- versions (who set each, when). The map in force is the kind's last
-- version; an empty one ('{}') clears it. None is ever changed.
CREATE TABLE report_maps (
	id          BIGSERIAL PRIMARY KEY,
	facility_id BIGINT NOT NULL REFERENCES facilities(id),
	kind        TEXT NOT NULL CHECK (kind IN ('receivables', 'debtors', 'inventory', 'sales', 'collections', 'credits', 'inventory_activity')),
	map         TEXT NOT NULL,
	set_by      TEXT NOT NULL CHECK (set_by <> ''),
	set_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_maps_facility ON report_maps (facility_id, kind, id);
CREATE FUNCTION report_maps_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'report maps are append-only';
END $$;
CREATE TRIGGER report_maps_append_only BEFORE UPDATE OR DELETE ON report_maps
FOR EACH ROW EXECUTE FUNCTION report_maps_append_only();
