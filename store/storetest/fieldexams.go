package storetest

import (
	"testing"
	"time"

	"revolver/store"
)

// testFieldExams: field exam records are appended in id order with every
// field as given (the time truncated); a record missing what its action
// needs, naming another facility's exam, a finding of another exam, or
// a record that is not a schedule as its exam, is invalid; another
// facility's records are not listed.
func testFieldExams(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	add := func(r store.FieldExamRecord) (store.FieldExamRecord, error) {
		var got store.FieldExamRecord
		err := s.Update(ctx, r.Facility, func(tx store.Tx) error {
			var err error
			got, err = tx.AddFieldExamRecord(r)
			return err
		})
		return got, err
	}
	at := t0.Add(123 * time.Millisecond)
	sch := must(add(store.FieldExamRecord{Facility: "f", Action: store.ExamSchedule, On: d("2006-03-01"), Examiner: "Audit Co", Scope: "A/R and inventory", RecordedBy: "officer@bank", RecordedAt: at})).of(t)
	other := must(add(store.FieldExamRecord{Facility: "f", Action: store.ExamSchedule, On: d("2007-03-01"), Examiner: "Audit Co", RecordedBy: "officer@bank", RecordedAt: at})).of(t)
	gs := must(add(store.FieldExamRecord{Facility: "g", Action: store.ExamSchedule, On: d("2006-03-01"), Examiner: "x", RecordedBy: "x", RecordedAt: t0})).of(t)
	perf := must(add(store.FieldExamRecord{Facility: "f", Action: store.ExamPerform, Exam: sch.ID, On: d("2006-03-20"), Examiner: "Audit Co", Scope: "A/R", RecordedBy: "officer@bank", RecordedAt: at})).of(t)
	fnd := must(add(store.FieldExamRecord{Facility: "f", Action: store.ExamFinding, Exam: sch.ID, Severity: "high", Text: "rebilled invoices", RecordedBy: "officer@bank", RecordedAt: at})).of(t)
	dis := must(add(store.FieldExamRecord{Facility: "f", Action: store.ExamDispose, Exam: sch.ID, Finding: fnd.ID, Disposition: "reserve", Ref: "exam-1", Text: "why", RecordedBy: "officer2@bank", RecordedAt: at})).of(t)

	for name, bad := range map[string]store.FieldExamRecord{
		"unknown action":        {Facility: "f", Action: "edit", Exam: sch.ID, RecordedBy: "x", RecordedAt: t0},
		"schedule without date": {Facility: "f", Action: store.ExamSchedule, Examiner: "x", RecordedBy: "x", RecordedAt: t0},
		"schedule no examiner":  {Facility: "f", Action: store.ExamSchedule, On: d("2006-03-01"), Examiner: " ", RecordedBy: "x", RecordedAt: t0},
		"schedule of an exam":   {Facility: "f", Action: store.ExamSchedule, Exam: sch.ID, On: d("2006-03-01"), Examiner: "x", RecordedBy: "x", RecordedAt: t0},
		"perform without exam":  {Facility: "f", Action: store.ExamPerform, On: d("2006-03-01"), Examiner: "x", RecordedBy: "x", RecordedAt: t0},
		"perform of g's exam":   {Facility: "f", Action: store.ExamPerform, Exam: gs.ID, On: d("2006-03-01"), Examiner: "x", RecordedBy: "x", RecordedAt: t0},
		"perform of a finding":  {Facility: "f", Action: store.ExamPerform, Exam: fnd.ID, On: d("2006-03-01"), Examiner: "x", RecordedBy: "x", RecordedAt: t0},
		"finding without text":  {Facility: "f", Action: store.ExamFinding, Exam: sch.ID, Severity: "low", Text: " ", RecordedBy: "x", RecordedAt: t0},
		"finding no severity":   {Facility: "f", Action: store.ExamFinding, Exam: sch.ID, Text: "x", RecordedBy: "x", RecordedAt: t0},
		"dispose no finding":    {Facility: "f", Action: store.ExamDispose, Exam: sch.ID, Disposition: "note", RecordedBy: "x", RecordedAt: t0},
		"dispose other exam":    {Facility: "f", Action: store.ExamDispose, Exam: other.ID, Finding: fnd.ID, Disposition: "note", RecordedBy: "x", RecordedAt: t0},
		"dispose of a perform":  {Facility: "f", Action: store.ExamDispose, Exam: sch.ID, Finding: perf.ID, Disposition: "note", RecordedBy: "x", RecordedAt: t0},
		"finding naming one":    {Facility: "f", Action: store.ExamFinding, Exam: sch.ID, Finding: fnd.ID, Severity: "low", Text: "x", RecordedBy: "x", RecordedAt: t0},
		"no one recorded it":    {Facility: "f", Action: store.ExamFinding, Exam: sch.ID, Severity: "low", Text: "x", RecordedAt: t0},
		"no time":               {Facility: "f", Action: store.ExamFinding, Exam: sch.ID, Severity: "low", Text: "x", RecordedBy: "x"},
	} {
		_, err := add(bad)
		if store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	err := s.Update(ctx, "f", func(tx store.Tx) error {
		_, err := tx.AddFieldExamRecord(store.FieldExamRecord{Facility: "g", Action: store.ExamSchedule, On: d("2006-03-01"), Examiner: "x", RecordedBy: "x", RecordedAt: t0})
		return err
	})
	wantCode(t, err, store.CodeInvalid)

	rs := must(s.FieldExamRecords(ctx, "f")).of(t)
	want := []store.FieldExamRecord{sch, other, perf, fnd, dis}
	if len(rs) != len(want) {
		t.Fatalf("records %+v", rs)
	}
	for i, w := range want {
		w.RecordedAt = store.Truncate(w.RecordedAt)
		got := rs[i]
		if got.ID != w.ID || got.Facility != "f" || got.Action != w.Action || got.Exam != w.Exam || got.Finding != w.Finding || got.On != w.On ||
			got.Examiner != w.Examiner || got.Scope != w.Scope || got.Severity != w.Severity || got.Disposition != w.Disposition ||
			got.Ref != w.Ref || got.Text != w.Text || got.RecordedBy != w.RecordedBy || !got.RecordedAt.Equal(w.RecordedAt) {
			t.Errorf("record %d\n got %+v\nwant %+v", i, got, w)
		}
	}
	var inTx []store.FieldExamRecord
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		var err error
		inTx, err = tx.FieldExamRecords()
		return err
	}))
	if len(inTx) != len(want) {
		t.Errorf("in the transaction: %d records, want %d", len(inTx), len(want))
	}
	if g := must(s.FieldExamRecords(ctx, "g")).of(t); len(g) != 1 || g[0].ID != gs.ID {
		t.Errorf("g's records %+v", g)
	}
	_, err = s.FieldExamRecords(ctx, "nope")
	wantCode(t, err, store.CodeNotFound)
}
