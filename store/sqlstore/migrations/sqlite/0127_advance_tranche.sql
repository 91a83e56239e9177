-- A borrowing request elects the tranche of its loan: first_out (the
-- default; requests made before have none) or last_out (a last-out, FILO,
-- tranche of the terms). The tranche is fixed with the request.
ALTER TABLE advance_requests ADD COLUMN tranche TEXT CHECK (tranche IN ('first_out', 'last_out'));
CREATE TRIGGER advance_requests_tranche_fixed BEFORE UPDATE ON advance_requests
WHEN NEW.tranche IS NOT OLD.tranche
BEGIN SELECT RAISE(ABORT, 'an advance request''s tranche is fixed with the request'); END;
