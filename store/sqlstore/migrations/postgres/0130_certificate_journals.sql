-- A certificate may carry, besides its three reports, the period's
-- journals (sales, collections, credits, inventory activity). Each input
-- says what it is (kind: receivables, debtors, inventory, sales,
-- collections, credits, inventory_activity; NULL for inputs stored before
-- kinds were kept, which are the three reports in that order). The
-- roll-forward against the previous approved certificate computed at
-- submission is stored by SHA-256 with the rest and frozen with it.
ALTER TABLE certificate_inputs ADD COLUMN kind TEXT;
ALTER TABLE certificates ADD COLUMN rollforward_sha256 TEXT REFERENCES blobs(sha256);

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
		OR NEW.rollforward_sha256 IS DISTINCT FROM OLD.rollforward_sha256) THEN
		RAISE EXCEPTION 'certificate is frozen once submitted';
	END IF;
	RETURN NEW;
END $$;
