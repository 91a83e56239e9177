-- A borrowing request elects a pricing option (a Prime Rate Loan or a term
-- rate loan) and, for a term rate loan, its interest period; requests made
-- before have neither (the terms' first option). The election is fixed
-- with the request.
ALTER TABLE advance_requests ADD COLUMN rate_option TEXT;
ALTER TABLE advance_requests ADD COLUMN interest_period TEXT;
CREATE FUNCTION advance_requests_election_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.rate_option IS DISTINCT FROM OLD.rate_option OR NEW.interest_period IS DISTINCT FROM OLD.interest_period THEN
		RAISE EXCEPTION 'an advance request''s election is fixed with the request';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER advance_requests_election_fixed BEFORE UPDATE ON advance_requests
FOR EACH ROW EXECUTE FUNCTION advance_requests_election_fixed();
