-- A trigger state no longer references trigger_keys by a foreign key:
-- close of business appends one state per facility, trigger and Business
-- Day (200,000 a day for 100,000 facilities with two triggers each), and
-- the key's check took a share lock on a trigger_keys row for each, about
-- 2 s of the day's transaction (measured: 2.8–3.0 s with it, 0.7–1.0 s
-- without, for 200,000 rows). The store writes a facility's key in the
-- transaction of its first state (appendTriggers), and a state is read
-- only through its key (TriggerStates), so a state without one is never
-- read as the latest. Events (a few a day) keep theirs.
ALTER TABLE trigger_states DROP CONSTRAINT trigger_states_facility_id_trigger_name_fkey;
-- TRUNCATE fires no row trigger (0105): every table whose rows are
-- append-only refuses it too. These came after 0105.
CREATE TRIGGER account_balances_no_truncate BEFORE TRUNCATE ON account_balances FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER cash_files_no_truncate BEFORE TRUNCATE ON cash_files FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER cash_groups_no_truncate BEFORE TRUNCATE ON cash_groups FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER cash_items_no_truncate BEFORE TRUNCATE ON cash_items FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER delivery_attempts_no_truncate BEFORE TRUNCATE ON delivery_attempts FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER inbox_marks_no_truncate BEFORE TRUNCATE ON inbox_marks FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER loan_notices_no_truncate BEFORE TRUNCATE ON loan_notices FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER notification_deliveries_no_truncate BEFORE TRUNCATE ON notification_deliveries FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER notification_dispatches_no_truncate BEFORE TRUNCATE ON notification_dispatches FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER notification_events_no_truncate BEFORE TRUNCATE ON notification_events FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER notification_preferences_no_truncate BEFORE TRUNCATE ON notification_preferences FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER report_maps_no_truncate BEFORE TRUNCATE ON report_maps FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER reserve_records_no_truncate BEFORE TRUNCATE ON reserve_records FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER risk_ratings_no_truncate BEFORE TRUNCATE ON risk_ratings FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER trigger_events_no_truncate BEFORE TRUNCATE ON trigger_events FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER trigger_keys_no_truncate BEFORE TRUNCATE ON trigger_keys FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER trigger_states_no_truncate BEFORE TRUNCATE ON trigger_states FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER user_passwords_no_truncate BEFORE TRUNCATE ON user_passwords FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER user_role_facilities_no_truncate BEFORE TRUNCATE ON user_role_facilities FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER user_roles_no_truncate BEFORE TRUNCATE ON user_roles FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER webhook_removals_no_truncate BEFORE TRUNCATE ON webhook_removals FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
CREATE TRIGGER webhooks_no_truncate BEFORE TRUNCATE ON webhooks FOR EACH STATEMENT EXECUTE FUNCTION no_truncate();
REVOKE TRUNCATE ON account_balances, cash_files, cash_groups, cash_items, delivery_attempts, inbox_marks, loan_notices, notification_deliveries, notification_dispatches, notification_events, notification_preferences, report_maps, reserve_records, risk_ratings, trigger_events, trigger_keys, trigger_states, user_passwords, user_role_facilities, user_roles, webhook_removals, webhooks FROM PUBLIC;
