-- Springing triggers (docs/cash.md, "Springing dominion and covenants"):
-- each facility's trigger ("cash_dominion" or "covenant:ID") has one state
-- per Business Day evaluated (the engine's state as JSON: the day's
-- measure and where the runs stand), and an event when a trigger period
-- starts or ends, with why. Neither is ever changed. trigger_keys lists
-- the facilities' triggers, so that the latest state of each is found by
-- its index.
CREATE TABLE trigger_keys (
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	trigger_name TEXT NOT NULL CHECK (trigger_name <> ''),
	PRIMARY KEY (facility_id, trigger_name)
);
CREATE TABLE trigger_states (
	facility_id INTEGER NOT NULL,
	trigger_name TEXT NOT NULL,
	day         INTEGER NOT NULL,
	state       TEXT NOT NULL,
	recorded_at INTEGER NOT NULL,
	PRIMARY KEY (facility_id, trigger_name, day),
	FOREIGN KEY (facility_id, trigger_name) REFERENCES trigger_keys (facility_id, trigger_name)
);
CREATE TABLE trigger_events (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL,
	trigger_name TEXT NOT NULL,
	event       TEXT NOT NULL CHECK (event IN ('start', 'end')),
	day         INTEGER NOT NULL,
	reason      TEXT NOT NULL CHECK (reason <> ''),
	explain     TEXT NOT NULL DEFAULT '',
	recorded_at INTEGER NOT NULL,
	FOREIGN KEY (facility_id, trigger_name) REFERENCES trigger_keys (facility_id, trigger_name)
);
CREATE INDEX trigger_events_facility ON trigger_events (facility_id, day, id);
CREATE TRIGGER trigger_keys_no_update BEFORE UPDATE ON trigger_keys
BEGIN SELECT RAISE(ABORT, 'trigger keys are append-only'); END;
CREATE TRIGGER trigger_keys_no_delete BEFORE DELETE ON trigger_keys
BEGIN SELECT RAISE(ABORT, 'trigger keys are append-only'); END;
CREATE TRIGGER trigger_states_no_update BEFORE UPDATE ON trigger_states
BEGIN SELECT RAISE(ABORT, 'trigger states are append-only'); END;
CREATE TRIGGER trigger_states_no_delete BEFORE DELETE ON trigger_states
BEGIN SELECT RAISE(ABORT, 'trigger states are append-only'); END;
CREATE TRIGGER trigger_events_no_update BEFORE UPDATE ON trigger_events
BEGIN SELECT RAISE(ABORT, 'trigger events are append-only'); END;
CREATE TRIGGER trigger_events_no_delete BEFORE DELETE ON trigger_events
BEGIN SELECT RAISE(ABORT, 'trigger events are append-only'); END;
-- A period starting or ending changes the facility's figures (its
-- springing covenants' tests): its version rises.
CREATE TRIGGER trigger_events_version AFTER INSERT ON trigger_events
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
