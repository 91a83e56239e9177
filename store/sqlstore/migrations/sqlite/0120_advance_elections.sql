-- A borrowing request elects a pricing option (a Prime Rate Loan or a term
-- rate loan) and, for a term rate loan, its interest period; requests made
-- before have neither (the terms' first option). The election is fixed
-- with the request.
ALTER TABLE advance_requests ADD COLUMN rate_option TEXT;
ALTER TABLE advance_requests ADD COLUMN interest_period TEXT;
CREATE TRIGGER advance_requests_election_fixed BEFORE UPDATE ON advance_requests
WHEN NEW.rate_option IS NOT OLD.rate_option OR NEW.interest_period IS NOT OLD.interest_period
BEGIN SELECT RAISE(ABORT, 'an advance request''s election is fixed with the request'); END;
