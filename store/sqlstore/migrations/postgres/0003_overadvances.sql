-- Overadvances recorded with their cure deadline (Security Agreement ¶13(h)).
-- Append-only: a cure is derived from the loan account, never written here.
CREATE TABLE overadvances (
	id             BIGSERIAL PRIMARY KEY,
	facility_id    BIGINT NOT NULL REFERENCES facilities(id),
	key            TEXT NOT NULL,
	detected_on    DATE NOT NULL,
	amount         BIGINT NOT NULL CHECK (amount > 0),
	borrowing_base BIGINT NOT NULL,
	loans          BIGINT NOT NULL,
	notice_on      DATE,
	cure_by        DATE,
	recorded_by    TEXT NOT NULL,
	recorded_at    TIMESTAMPTZ NOT NULL,
	UNIQUE (facility_id, key)
);
CREATE FUNCTION overadvances_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'overadvance records are append-only';
END $$;
CREATE TRIGGER overadvances_append_only BEFORE UPDATE OR DELETE ON overadvances
FOR EACH ROW EXECUTE FUNCTION overadvances_append_only();
