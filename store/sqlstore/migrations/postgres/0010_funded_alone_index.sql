-- The day's maker-checker sum (what one person funded alone on a business
-- date) reads only this index: the facility, business date and requester,
-- then the status, decider and amount of each request.
CREATE INDEX advance_requests_funded_alone ON advance_requests (facility_id, business_date, requested_by, status, decided_by, amount);
