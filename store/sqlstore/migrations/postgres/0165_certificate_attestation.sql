-- The attestation signed with a certificate's submission: the officer's
-- name and title and the words stated (JSON; NULL when none was given),
-- frozen with the rest once submitted.
ALTER TABLE certificates ADD COLUMN attestation TEXT;

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
		OR NEW.warnings IS DISTINCT FROM OLD.warnings
		OR NEW.rollforward_sha256 IS DISTINCT FROM OLD.rollforward_sha256
		OR NEW.attestation IS DISTINCT FROM OLD.attestation) THEN
		RAISE EXCEPTION 'certificate is frozen once submitted';
	END IF;
	RETURN NEW;
END $$;
