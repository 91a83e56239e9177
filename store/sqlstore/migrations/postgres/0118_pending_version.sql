-- Requests waiting for a second person raise their facility's version too
-- (0013_facility_versions).
CREATE TRIGGER pending_actions_version AFTER INSERT OR UPDATE ON pending_actions
FOR EACH ROW EXECUTE FUNCTION facility_version_raise();
