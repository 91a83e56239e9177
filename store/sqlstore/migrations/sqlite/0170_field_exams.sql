-- Field exams (docs/field-exams.md): append-only records of a facility's
-- field exams. A 'schedule' record is an exam (its id the exam's): its
-- fieldwork date, examiner and scope; 'perform' records its report (date,
-- examiner, scope); 'finding' a finding (severity, text); 'dispose' a
-- finding's disposition (a reserve, an advance-rate change asked for as an
-- amendment, or a note; ref the reserve's id or the pending amendment's).
-- None is ever changed.
CREATE TABLE field_exam_records (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	action      TEXT NOT NULL CHECK (action IN ('schedule', 'perform', 'finding', 'dispose')),
	exam        INTEGER REFERENCES field_exam_records(id),
	finding     INTEGER REFERENCES field_exam_records(id),
	exam_on     INTEGER,
	examiner    TEXT NOT NULL DEFAULT '',
	scope       TEXT NOT NULL DEFAULT '',
	severity    TEXT NOT NULL DEFAULT '' CHECK (severity IN ('', 'low', 'medium', 'high')),
	disposition TEXT NOT NULL DEFAULT '' CHECK (disposition IN ('', 'reserve', 'advance_rate', 'note')),
	ref         TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL DEFAULT '',
	client_key  TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL CHECK (recorded_by <> ''),
	recorded_at INTEGER NOT NULL
);
CREATE INDEX field_exam_records_facility ON field_exam_records (facility_id, id);
-- An exam is performed once (the use cases' rule; this refuses a second
-- report whatever writes it). A finding may be disposed of again once its
-- reserve or amendment is turned down: the use cases check that.
CREATE UNIQUE INDEX field_exam_records_key ON field_exam_records (facility_id, client_key) WHERE client_key <> '';
CREATE UNIQUE INDEX field_exam_records_performed_once ON field_exam_records (exam) WHERE action = 'perform';
CREATE TRIGGER field_exam_records_no_update BEFORE UPDATE ON field_exam_records
BEGIN SELECT RAISE(ABORT, 'field exam records are append-only'); END;
CREATE TRIGGER field_exam_records_no_delete BEFORE DELETE ON field_exam_records
BEGIN SELECT RAISE(ABORT, 'field exam records are append-only'); END;
