-- Certificates: a submitted certificate may be withdrawn before it is
-- decided (submitted → approved | rejected | withdrawn); its explanation
-- (the lines, formulas, clauses and input rows shown and printed ever
-- after) is stored with its body by SHA-256, and the warnings it was
-- submitted with are kept with it. Both are frozen with the rest.
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt.
-- The migration runs in a transaction, where foreign keys cannot be turned
-- off; they are checked at commit instead, after the rows are back under
-- the same ids.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE certificates_copy AS SELECT * FROM certificates;
DROP TABLE certificates;

CREATE TABLE certificates (
	id                 INTEGER PRIMARY KEY,
	facility_id        INTEGER NOT NULL REFERENCES facilities(id),
	as_of              INTEGER NOT NULL,
	status             TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'withdrawn')),
	supersedes         INTEGER REFERENCES certificates(id),
	prepared_by        TEXT NOT NULL,
	created_at         INTEGER NOT NULL,
	body_sha256        TEXT REFERENCES blobs(sha256),
	borrowing_base     INTEGER NOT NULL DEFAULT 0,
	lc_outstanding     INTEGER NOT NULL DEFAULT 0,
	lc_reserve         INTEGER NOT NULL DEFAULT 0,
	submitted_by       TEXT,
	submitted_at       INTEGER,
	reviewer           TEXT,
	comment            TEXT,
	decided_at         INTEGER,
	explanation_sha256 TEXT REFERENCES blobs(sha256),
	warnings           BLOB
);
INSERT INTO certificates (id, facility_id, as_of, status, supersedes, prepared_by, created_at, body_sha256,
	borrowing_base, lc_outstanding, lc_reserve, submitted_by, submitted_at, reviewer, comment, decided_at)
SELECT id, facility_id, as_of, status, supersedes, prepared_by, created_at, body_sha256,
	borrowing_base, lc_outstanding, lc_reserve, submitted_by, submitted_at, reviewer, comment, decided_at
FROM certificates_copy ORDER BY id;
DROP TABLE certificates_copy;

CREATE INDEX certificates_in_force ON certificates(facility_id, status, as_of);
CREATE INDEX certificates_supersedes ON certificates(supersedes) WHERE supersedes IS NOT NULL;

-- Once submitted a certificate is frozen: only submitted → approved,
-- rejected or withdrawn, with reviewer (who decided or withdrew), comment
-- and time, may change, and never again after.
CREATE TRIGGER certificates_frozen BEFORE UPDATE ON certificates
WHEN OLD.status <> 'draft' AND (
	OLD.status <> 'submitted' OR NEW.status NOT IN ('approved', 'rejected', 'withdrawn')
	OR NEW.facility_id IS NOT OLD.facility_id OR NEW.as_of IS NOT OLD.as_of
	OR NEW.body_sha256 IS NOT OLD.body_sha256 OR NEW.borrowing_base IS NOT OLD.borrowing_base
	OR NEW.lc_outstanding IS NOT OLD.lc_outstanding OR NEW.lc_reserve IS NOT OLD.lc_reserve
	OR NEW.supersedes IS NOT OLD.supersedes OR NEW.submitted_at IS NOT OLD.submitted_at
	OR NEW.submitted_by IS NOT OLD.submitted_by OR NEW.prepared_by IS NOT OLD.prepared_by
	OR NEW.explanation_sha256 IS NOT OLD.explanation_sha256 OR NEW.warnings IS NOT OLD.warnings)
BEGIN SELECT RAISE(ABORT, 'certificate is frozen once submitted'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END;
