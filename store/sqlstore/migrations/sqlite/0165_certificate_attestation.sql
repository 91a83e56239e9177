-- The attestation signed with a certificate's submission: the officer's
-- name and title and the words stated (JSON; NULL when none was given),
-- frozen with the rest once submitted.
ALTER TABLE certificates ADD COLUMN attestation TEXT;

DROP TRIGGER certificates_frozen;
CREATE TRIGGER certificates_frozen BEFORE UPDATE ON certificates
WHEN OLD.status <> 'draft' AND (
	OLD.status <> 'submitted' OR NEW.status NOT IN ('approved', 'rejected', 'withdrawn')
	OR NEW.facility_id IS NOT OLD.facility_id OR NEW.as_of IS NOT OLD.as_of
	OR NEW.body_sha256 IS NOT OLD.body_sha256 OR NEW.borrowing_base IS NOT OLD.borrowing_base
	OR NEW.lc_outstanding IS NOT OLD.lc_outstanding OR NEW.lc_reserve IS NOT OLD.lc_reserve
	OR NEW.supersedes IS NOT OLD.supersedes OR NEW.submitted_at IS NOT OLD.submitted_at
	OR NEW.submitted_by IS NOT OLD.submitted_by OR NEW.prepared_by IS NOT OLD.prepared_by
	OR NEW.explanation_sha256 IS NOT OLD.explanation_sha256 OR NEW.warnings IS NOT OLD.warnings
	OR NEW.rollforward_sha256 IS NOT OLD.rollforward_sha256 OR NEW.attestation IS NOT OLD.attestation)
BEGIN SELECT RAISE(ABORT, 'certificate is frozen once submitted'); END;
