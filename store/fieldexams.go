package store

import (
	"context"
	"time"

	"revolver/date"
)

// Actions of field exam records (docs/field-exams.md).
const (
	ExamSchedule = "schedule" // an exam scheduled: fieldwork from On, by Examiner, of Scope
	ExamPerform  = "perform"  // the exam performed: its report issued On, by Examiner, of Scope
	ExamFinding  = "finding"  // a finding of the exam: Severity and Text
	ExamDispose  = "dispose"  // a finding's disposition: Disposition, Ref and Text
)

// FieldExamRecord is one append-only record of a facility's field exams.
// A schedule record is the exam (its id is the exam's); perform and
// finding records name it (Exam); a dispose record names the exam and the
// finding (Finding). Records are never changed: a later record says what
// happened next.
type FieldExamRecord struct {
	ID       int64     `json:"id"`
	Facility string    `json:"facility"`
	Action   string    `json:"action"`
	Exam     int64     `json:"exam,omitempty"`    // the schedule record's id (not on a schedule record)
	Finding  int64     `json:"finding,omitempty"` // the finding record's id (dispose only)
	On       date.Date `json:"on,omitzero"`       // fieldwork start (schedule), report date (perform)
	Examiner string    `json:"examiner,omitempty"`
	Scope    string    `json:"scope,omitempty"`
	Severity string    `json:"severity,omitempty"` // finding: low, medium or high
	// Disposition (dispose): reserve, advance_rate or note; Ref the
	// reserve's id or the amendment's pending id.
	Disposition string `json:"disposition,omitempty"`
	Ref         string `json:"ref,omitempty"`
	Text        string `json:"text,omitempty"` // finding: what was found; dispose: the note or why
	// Key is the client's key of the request that made the record ("":
	// none): unique per facility, so that a request sent again finds the
	// record it made (the use cases answer it again).
	Key        string    `json:"-"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// FieldExamStore reads a facility's field exam records.
type FieldExamStore interface {
	// FieldExamRecords lists every field exam record of a facility, by id
	// (not_found for an unknown facility).
	FieldExamRecords(ctx context.Context, facility string) ([]FieldExamRecord, error)
}

// FieldExamTx writes field exam records inside Update.
type FieldExamTx interface {
	// AddFieldExamRecord appends a record (its id set by the store, its
	// time truncated). Invalid: an unknown action; a schedule record
	// without On or Examiner, or naming an exam; a perform record without
	// On or Examiner; a finding without Severity or Text; a dispose record
	// without Finding or Disposition; any but a schedule record without
	// Exam; a record whose Exam (or Finding) is not this facility's
	// schedule (or finding) record of that exam; no RecordedBy or
	// RecordedAt. Which record may follow which is the use cases' rule.
	AddFieldExamRecord(r FieldExamRecord) (FieldExamRecord, error)
	// FieldExamRecords lists the facility's records as the Store's.
	FieldExamRecords() ([]FieldExamRecord, error)
}
