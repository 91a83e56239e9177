-- A certificate may carry, besides its three reports, the period's
-- journals (sales, collections, credits, inventory activity). Each input
-- says what it is (kind: receivables, debtors, inventory, sales,
-- collections, credits, inventory_activity; NULL for inputs stored before
-- kinds were kept, which are the three reports in that order). The
-- roll-forward against the previous approved certificate computed at
-- submission is stored by SHA-256 with the rest and frozen with it.
ALTER TABLE certificate_inputs ADD COLUMN kind TEXT;
ALTER TABLE certificates ADD COLUMN rollforward_sha256 TEXT REFERENCES blobs(sha256);

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
	OR NEW.rollforward_sha256 IS NOT OLD.rollforward_sha256)
BEGIN SELECT RAISE(ABORT, 'certificate is frozen once submitted'); END;
