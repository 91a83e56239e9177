-- Certificates: a submitted certificate may be withdrawn before it is
-- decided (submitted → approved | rejected | withdrawn); its explanation
-- (the lines, formulas, clauses and input rows shown and printed ever
-- after) is stored with its body by SHA-256, and the warnings it was
-- submitted with are kept with it. Both are frozen with the rest.
ALTER TABLE certificates DROP CONSTRAINT certificates_status_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_status_check
	CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'withdrawn'));
ALTER TABLE certificates ADD COLUMN explanation_sha256 TEXT REFERENCES blobs(sha256);
ALTER TABLE certificates ADD COLUMN warnings BYTEA;
CREATE INDEX certificates_supersedes ON certificates(supersedes) WHERE supersedes IS NOT NULL;

-- Once submitted a certificate is frozen: only submitted → approved,
-- rejected or withdrawn, with reviewer (who decided or withdrew), comment
-- and time, may change, and never again after.
CREATE OR REPLACE FUNCTION certificates_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'certificates are never deleted';
	END IF;
	IF OLD.status <> 'draft' AND (
		OLD.status <> 'submitted' OR NEW.status NOT IN ('approved', 'rejected', 'withdrawn')
		OR NEW.facility_id IS DISTINCT FROM OLD.facility_id OR NEW.as_of IS DISTINCT FROM OLD.as_of
		OR NEW.body_sha256 IS DISTINCT FROM OLD.body_sha256 OR NEW.borrowing_base IS DISTINCT FROM OLD.borrowing_base
		OR NEW.lc_outstanding IS DISTINCT FROM OLD.lc_outstanding OR NEW.lc_reserve IS DISTINCT FROM OLD.lc_reserve
		OR NEW.supersedes IS DISTINCT FROM OLD.supersedes OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at
		OR NEW.submitted_by IS DISTINCT FROM OLD.submitted_by OR NEW.prepared_by IS DISTINCT FROM OLD.prepared_by
		OR NEW.explanation_sha256 IS DISTINCT FROM OLD.explanation_sha256
		OR NEW.warnings IS DISTINCT FROM OLD.warnings) THEN
		RAISE EXCEPTION 'certificate is frozen once submitted';
	END IF;
	RETURN NEW;
END $$;
