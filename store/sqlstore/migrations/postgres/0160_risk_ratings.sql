-- Risk ratings and the watch list: per facility, the bank's rating (1 to
-- 10) and whether it is watched, as append-only entries (why, who set
-- each, when). The rating in force is the last entry. None is ever changed.
CREATE TABLE risk_ratings (
	id          BIGSERIAL PRIMARY KEY,
	facility_id BIGINT NOT NULL REFERENCES facilities(id),
	rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 10),
	watch       BOOLEAN NOT NULL,
	reason      TEXT NOT NULL CHECK (reason <> ''),
	set_by      TEXT NOT NULL CHECK (set_by <> ''),
	set_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_ratings_facility ON risk_ratings (facility_id, id);
CREATE FUNCTION risk_ratings_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'risk ratings are append-only';
END $$;
CREATE TRIGGER risk_ratings_append_only BEFORE UPDATE OR DELETE ON risk_ratings
FOR EACH ROW EXECUTE FUNCTION risk_ratings_append_only();
