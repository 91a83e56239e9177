-- Requests waiting for a second person raise their facility's version too
-- (0013_facility_versions).
CREATE TRIGGER pending_actions_version_insert AFTER INSERT ON pending_actions
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
CREATE TRIGGER pending_actions_version_update AFTER UPDATE ON pending_actions
BEGIN
	UPDATE facilities SET version = version + 1 WHERE id = NEW.facility_id;
END;
