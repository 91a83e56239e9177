-- Pages of a facility's lists by id (store.Page): the ledger's
-- transactions (with their value date, to filter a date range in the
-- index), the advance requests and the certificates.
CREATE INDEX transactions_page ON transactions(facility_id, id, value_date);
CREATE INDEX advance_requests_page ON advance_requests(facility_id, id);
CREATE INDEX certificates_page ON certificates(facility_id, id);
