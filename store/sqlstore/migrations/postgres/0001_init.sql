-- Dates are DATE; timestamps TIMESTAMPTZ (microseconds); amounts are cents
-- (BIGINT); rates are exact decimal text.
CREATE TABLE facilities (
	id              BIGSERIAL PRIMARY KEY,
	slug            TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	created         TIMESTAMPTZ NOT NULL,
	settings        BYTEA,
	accrued_through DATE
);

CREATE TABLE blobs (
	sha256  TEXT PRIMARY KEY,
	size    BIGINT NOT NULL,
	content BYTEA NOT NULL
);

CREATE TABLE documents (
	facility_id BIGINT NOT NULL REFERENCES facilities(id),
	doc_id      TEXT NOT NULL,
	kind        TEXT NOT NULL,
	effective   DATE NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL,
	sha256      TEXT NOT NULL REFERENCES blobs(sha256),
	PRIMARY KEY (facility_id, doc_id)
);

CREATE TABLE certificates (
	id             BIGSERIAL PRIMARY KEY,
	facility_id    BIGINT NOT NULL REFERENCES facilities(id),
	as_of          DATE NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
	supersedes     BIGINT REFERENCES certificates(id),
	prepared_by    TEXT NOT NULL,
	created_at     TIMESTAMPTZ NOT NULL,
	body_sha256    TEXT REFERENCES blobs(sha256),
	borrowing_base BIGINT NOT NULL DEFAULT 0,
	lc_outstanding BIGINT NOT NULL DEFAULT 0,
	lc_reserve     BIGINT NOT NULL DEFAULT 0,
	submitted_by   TEXT,
	submitted_at   TIMESTAMPTZ,
	reviewer       TEXT,
	comment        TEXT,
	decided_at     TIMESTAMPTZ
);
CREATE INDEX certificates_in_force ON certificates(facility_id, status, as_of);

CREATE FUNCTION certificates_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'certificates are never deleted';
	END IF;
	IF OLD.status <> 'draft' AND (
		OLD.status <> 'submitted' OR NEW.status NOT IN ('approved', 'rejected')
		OR NEW.facility_id IS DISTINCT FROM OLD.facility_id OR NEW.as_of IS DISTINCT FROM OLD.as_of
		OR NEW.body_sha256 IS DISTINCT FROM OLD.body_sha256 OR NEW.borrowing_base IS DISTINCT FROM OLD.borrowing_base
		OR NEW.lc_outstanding IS DISTINCT FROM OLD.lc_outstanding OR NEW.lc_reserve IS DISTINCT FROM OLD.lc_reserve
		OR NEW.supersedes IS DISTINCT FROM OLD.supersedes OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at
		OR NEW.submitted_by IS DISTINCT FROM OLD.submitted_by) THEN
		RAISE EXCEPTION 'certificate is frozen once submitted';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER certificates_frozen BEFORE UPDATE OR DELETE ON certificates
FOR EACH ROW EXECUTE FUNCTION certificates_frozen();

CREATE TABLE certificate_inputs (
	certificate_id BIGINT NOT NULL REFERENCES certificates(id),
	seq            INT NOT NULL,
	name           TEXT NOT NULL,
	sha256         TEXT NOT NULL REFERENCES blobs(sha256),
	PRIMARY KEY (certificate_id, seq)
);

CREATE TABLE certificate_receivables (
	certificate_id BIGINT NOT NULL,
	line           INT NOT NULL,
	debtor_id      TEXT NOT NULL,
	invoice_no     TEXT NOT NULL,
	invoice_date   DATE NOT NULL,
	due_date       DATE NOT NULL,
	amount         BIGINT NOT NULL,
	disputed       BOOLEAN NOT NULL,
	PRIMARY KEY (certificate_id, line)
);

CREATE TABLE financials (
	id           BIGSERIAL PRIMARY KEY,
	facility_id  BIGINT NOT NULL REFERENCES facilities(id),
	period_end   DATE NOT NULL,
	recorded_at  TIMESTAMPTZ NOT NULL,
	submitted_by TEXT NOT NULL,
	payload      BYTEA NOT NULL
);
CREATE INDEX financials_period ON financials(facility_id, period_end, recorded_at);

CREATE TABLE rates (
	series    TEXT NOT NULL,
	effective DATE NOT NULL,
	value     TEXT NOT NULL,
	PRIMARY KEY (series, effective)
);

CREATE SEQUENCE transactions_id_seq;
CREATE TABLE transactions (
	id          BIGINT PRIMARY KEY DEFAULT nextval('transactions_id_seq'),
	facility_id BIGINT NOT NULL,
	kind        TEXT NOT NULL,
	value_date  DATE NOT NULL,
	key         TEXT NOT NULL,
	hash        BYTEA NOT NULL,
	reverses    BIGINT,
	memo        TEXT NOT NULL,
	UNIQUE (facility_id, key)
);
CREATE UNIQUE INDEX transactions_reverses ON transactions(reverses) WHERE reverses IS NOT NULL;

CREATE TABLE postings (
	tx_id       BIGINT NOT NULL,
	seq         INT NOT NULL,
	facility_id BIGINT NOT NULL,
	account     TEXT NOT NULL,
	value_date  DATE NOT NULL,
	amount      BIGINT NOT NULL,
	PRIMARY KEY (tx_id, seq)
);
CREATE INDEX postings_balance ON postings(facility_id, account, value_date) INCLUDE (amount);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: correct by reversal', TG_TABLE_NAME;
END $$;
CREATE TRIGGER transactions_append_only BEFORE UPDATE OR DELETE ON transactions
FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings
FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER financials_append_only BEFORE UPDATE OR DELETE ON financials
FOR EACH ROW EXECUTE FUNCTION append_only();
