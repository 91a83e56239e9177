-- Dates are days since 1970-01-01 (INTEGER); timestamps are microseconds
-- since the Unix epoch, UTC (INTEGER); amounts are cents (INTEGER); rates
-- are exact decimal text.
CREATE TABLE facilities (
	id              INTEGER PRIMARY KEY,
	slug            TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	created         INTEGER NOT NULL,
	settings        BLOB,
	accrued_through INTEGER
);

CREATE TABLE blobs (
	sha256  TEXT PRIMARY KEY,
	size    INTEGER NOT NULL,
	content BLOB NOT NULL
);

CREATE TABLE documents (
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	doc_id      TEXT NOT NULL,
	kind        TEXT NOT NULL,
	effective   INTEGER NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at INTEGER NOT NULL,
	sha256      TEXT NOT NULL REFERENCES blobs(sha256),
	PRIMARY KEY (facility_id, doc_id)
);

CREATE TABLE certificates (
	id             INTEGER PRIMARY KEY,
	facility_id    INTEGER NOT NULL REFERENCES facilities(id),
	as_of          INTEGER NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
	supersedes     INTEGER REFERENCES certificates(id),
	prepared_by    TEXT NOT NULL,
	created_at     INTEGER NOT NULL,
	body_sha256    TEXT REFERENCES blobs(sha256),
	borrowing_base INTEGER NOT NULL DEFAULT 0,
	lc_outstanding INTEGER NOT NULL DEFAULT 0,
	lc_reserve     INTEGER NOT NULL DEFAULT 0,
	submitted_by   TEXT,
	submitted_at   INTEGER,
	reviewer       TEXT,
	comment        TEXT,
	decided_at     INTEGER
);
CREATE INDEX certificates_in_force ON certificates(facility_id, status, as_of);

-- Once submitted a certificate is frozen: only submitted → approved|rejected
-- with reviewer, comment and time may change, and never again after.
CREATE TRIGGER certificates_frozen BEFORE UPDATE ON certificates
WHEN OLD.status <> 'draft' AND (
	OLD.status <> 'submitted' OR NEW.status NOT IN ('approved', 'rejected')
	OR NEW.facility_id IS NOT OLD.facility_id OR NEW.as_of IS NOT OLD.as_of
	OR NEW.body_sha256 IS NOT OLD.body_sha256 OR NEW.borrowing_base IS NOT OLD.borrowing_base
	OR NEW.lc_outstanding IS NOT OLD.lc_outstanding OR NEW.lc_reserve IS NOT OLD.lc_reserve
	OR NEW.supersedes IS NOT OLD.supersedes OR NEW.submitted_at IS NOT OLD.submitted_at
	OR NEW.submitted_by IS NOT OLD.submitted_by)
BEGIN SELECT RAISE(ABORT, 'certificate is frozen once submitted'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END;

CREATE TABLE certificate_inputs (
	certificate_id INTEGER NOT NULL REFERENCES certificates(id),
	seq            INTEGER NOT NULL,
	name           TEXT NOT NULL,
	sha256         TEXT NOT NULL REFERENCES blobs(sha256),
	PRIMARY KEY (certificate_id, seq)
);

CREATE TABLE certificate_receivables (
	certificate_id INTEGER NOT NULL,
	line           INTEGER NOT NULL,
	debtor_id      TEXT NOT NULL,
	invoice_no     TEXT NOT NULL,
	invoice_date   INTEGER NOT NULL,
	due_date       INTEGER NOT NULL,
	amount         INTEGER NOT NULL,
	disputed       INTEGER NOT NULL,
	PRIMARY KEY (certificate_id, line)
) WITHOUT ROWID;

CREATE TABLE financials (
	id           INTEGER PRIMARY KEY,
	facility_id  INTEGER NOT NULL REFERENCES facilities(id),
	period_end   INTEGER NOT NULL,
	recorded_at  INTEGER NOT NULL,
	submitted_by TEXT NOT NULL,
	payload      BLOB NOT NULL
);
CREATE INDEX financials_period ON financials(facility_id, period_end, recorded_at);
CREATE TRIGGER financials_no_update BEFORE UPDATE ON financials
BEGIN SELECT RAISE(ABORT, 'financial submissions are append-only'); END;
CREATE TRIGGER financials_no_delete BEFORE DELETE ON financials
BEGIN SELECT RAISE(ABORT, 'financial submissions are append-only'); END;

CREATE TABLE rates (
	series    TEXT NOT NULL,
	effective INTEGER NOT NULL,
	value     TEXT NOT NULL,
	PRIMARY KEY (series, effective)
);

CREATE TABLE transactions (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	value_date  INTEGER NOT NULL,
	key         TEXT NOT NULL,
	hash        BLOB NOT NULL,
	reverses    INTEGER,
	memo        TEXT NOT NULL,
	UNIQUE (facility_id, key)
);
CREATE UNIQUE INDEX transactions_reverses ON transactions(reverses) WHERE reverses IS NOT NULL;

CREATE TABLE postings (
	tx_id       INTEGER NOT NULL,
	seq         INTEGER NOT NULL,
	facility_id INTEGER NOT NULL,
	account     TEXT NOT NULL,
	value_date  INTEGER NOT NULL,
	amount      INTEGER NOT NULL,
	PRIMARY KEY (tx_id, seq)
) WITHOUT ROWID;
CREATE INDEX postings_balance ON postings(facility_id, account, value_date, amount);

CREATE TRIGGER transactions_no_update BEFORE UPDATE ON transactions
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END;
CREATE TRIGGER transactions_no_delete BEFORE DELETE ON transactions
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END;
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END;
