-- Risk ratings and the watch list: per facility, the bank's rating (1 to
-- 10) and whether it is watched, as append-only entries (why, who set
-- each, when). The rating in force is the last entry. None is ever changed.
CREATE TABLE risk_ratings (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 10),
	watch       BOOLEAN NOT NULL,
	reason      TEXT NOT NULL CHECK (reason <> ''),
	set_by      TEXT NOT NULL CHECK (set_by <> ''),
	set_at      INTEGER NOT NULL
);
CREATE INDEX risk_ratings_facility ON risk_ratings (facility_id, id);
CREATE TRIGGER risk_ratings_no_update BEFORE UPDATE ON risk_ratings
BEGIN SELECT RAISE(ABORT, 'risk ratings are append-only'); END;
CREATE TRIGGER risk_ratings_no_delete BEFORE DELETE ON risk_ratings
BEGIN SELECT RAISE(ABORT, 'risk ratings are append-only'); END;
