-- The day's maker-checker sum (what one person funded alone on a business
-- date) is one index lookup: each request funded by its own requester keeps
-- the sum it brought its requester's day to.
ALTER TABLE advance_requests ADD COLUMN alone_total INTEGER;
UPDATE advance_requests SET alone_total = (
	SELECT sum(b.amount) FROM advance_requests b
	WHERE b.facility_id = advance_requests.facility_id AND b.business_date = advance_requests.business_date
		AND b.requested_by = advance_requests.requested_by AND b.status = 'funded' AND b.decided_by = b.requested_by
		AND b.id <= advance_requests.id)
WHERE status = 'funded' AND decided_by = requested_by AND business_date IS NOT NULL;
CREATE INDEX advance_requests_funded_alone ON advance_requests (facility_id, business_date, requested_by, alone_total);
