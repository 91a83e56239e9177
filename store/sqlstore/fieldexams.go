package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"revolver/store"
)

const fieldExamCols = `id, action, exam, finding, exam_on, examiner, scope, severity, disposition, ref, text, client_key, recorded_by, recorded_at`

// AddFieldExamRecord implements store.FieldExamTx.
func (t *facilityTx) AddFieldExamRecord(r store.FieldExamRecord) (store.FieldExamRecord, error) {
	bad := func(format string, a ...any) (store.FieldExamRecord, error) {
		return r, store.Errorf(store.CodeInvalid, "field exam record (%s) of facility %q: "+format, append([]any{r.Action, r.Facility}, a...)...)
	}
	if r.Facility != t.f.Slug {
		return bad("not of facility %q", t.f.Slug)
	}
	switch {
	case !slices.Contains([]string{store.ExamSchedule, store.ExamPerform, store.ExamFinding, store.ExamDispose}, r.Action):
		return bad("action expected schedule, perform, finding or dispose")
	case r.RecordedBy == "" || r.RecordedAt.IsZero():
		return bad("recorded by and at are required")
	case r.Action == store.ExamSchedule && r.Exam != 0:
		return bad("a schedule record names no exam")
	case r.Action != store.ExamSchedule && r.Exam == 0:
		return bad("the exam is required")
	case (r.Action == store.ExamSchedule || r.Action == store.ExamPerform) && (r.On == 0 || strings.TrimSpace(r.Examiner) == ""):
		return bad("the date and the examiner are required")
	case r.Action == store.ExamFinding && (r.Severity == "" || strings.TrimSpace(r.Text) == ""):
		return bad("the severity and the text are required")
	case r.Action == store.ExamDispose && (r.Finding == 0 || r.Disposition == ""):
		return bad("the finding and the disposition are required")
	case r.Action != store.ExamDispose && r.Finding != 0:
		return bad("only a disposition names a finding")
	}
	if r.Exam != 0 {
		if err := t.fieldExamRef(r.Exam, store.ExamSchedule, 0); err != nil {
			return bad("exam %d: %v", r.Exam, err)
		}
	}
	if r.Finding != 0 {
		if err := t.fieldExamRef(r.Finding, store.ExamFinding, r.Exam); err != nil {
			return bad("finding %d: %v", r.Finding, err)
		}
	}
	r.RecordedAt = store.Truncate(r.RecordedAt)
	err := t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO field_exam_records (facility_id, action, exam, finding, exam_on, examiner, scope, severity, disposition, ref, text, client_key, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, r.Action, nullInt(r.Exam), nullInt(r.Finding), t.db.nullDate(r.On), r.Examiner, r.Scope, r.Severity, r.Disposition, r.Ref, r.Text,
		r.Key, r.RecordedBy, t.db.D.Time(r.RecordedAt)).Scan(&r.ID)
	return r, err
}

// fieldExamRef checks that id is this facility's record of action (of
// exam, when not 0).
func (t *facilityTx) fieldExamRef(id int64, action string, exam int64) error {
	var got string
	var of sql.NullInt64
	err := t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT action, exam FROM field_exam_records WHERE id = ? AND facility_id = ?`), id, t.fid).Scan(&got, &of)
	if err != nil || got != action || exam != 0 && of.Int64 != exam {
		return store.Errorf(store.CodeInvalid, "not a %s record of this facility", action)
	}
	return nil
}

// FieldExamRecords implements store.FieldExamTx.
func (t *facilityTx) FieldExamRecords() ([]store.FieldExamRecord, error) {
	return t.db.fieldExamRecords(t.ctx, t.tx, t.fid, t.f.Slug)
}

// FieldExamRecords implements store.FieldExamStore.
func (db *DB) FieldExamRecords(ctx context.Context, facility string) ([]store.FieldExamRecord, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	return db.fieldExamRecords(ctx, db.R, fid, facility)
}

func (db *DB) fieldExamRecords(ctx context.Context, q querier, fid int64, facility string) ([]store.FieldExamRecord, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT `+fieldExamCols+` FROM field_exam_records WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.FieldExamRecord
	for rows.Next() {
		r := store.FieldExamRecord{Facility: facility}
		var exam, finding sql.NullInt64
		var on Date
		var at Time
		if err := rows.Scan(&r.ID, &r.Action, &exam, &finding, &on, &r.Examiner, &r.Scope, &r.Severity, &r.Disposition, &r.Ref, &r.Text, &r.Key, &r.RecordedBy, &at); err != nil {
			return nil, err
		}
		r.Exam, r.Finding, r.On, r.RecordedAt = exam.Int64, finding.Int64, on.D, at.T
		out = append(out, r)
	}
	return out, rows.Err()
}
