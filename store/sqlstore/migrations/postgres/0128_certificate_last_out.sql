-- The last-out (FILO) borrowing base of a certificate whose terms have a
-- last-out tranche, set on submission with the borrowing base (NULL: none).
ALTER TABLE certificates ADD COLUMN last_out_base BIGINT;
