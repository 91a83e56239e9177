package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"revolver/agreement"
	"revolver/date"
	"revolver/fieldexam"
	"revolver/money"
	"revolver/store"
)

// FieldExamSetting is the facility setting that gives the bank's field
// exam frequency in months when the terms are silent
// (Settings.FieldExamMonths; docs/field-exams.md).
const FieldExamSetting = "field_exam_frequency_months"

// FieldExamInput schedules an exam (Start: its fieldwork's first day) or
// records it performed (On: its report's date). By is who records it
// when the context names no person (the command line).
type FieldExamInput struct {
	Start    date.Date `json:"start,omitzero"`
	On       date.Date `json:"on,omitzero"`
	Examiner string    `json:"examiner"`
	Scope    string    `json:"scope,omitempty"`
	By       string    `json:"-"`
	// Key is the client's key of the request: the same key again answers
	// the record it made and stores nothing new.
	Key string `json:"-"`
}

// FindingInput is a finding of an exam: its severity (low, medium, high)
// and what was found.
type FindingInput struct {
	Severity string `json:"severity"`
	Text     string `json:"text"`
	By       string `json:"-"`
	Key      string `json:"-"` // as FieldExamInput's
}

// AdvanceRateChange is the amendment a finding asks for: the advance rate
// of a borrowing base component from a date. The draft it makes is
// previewed (PreviewFindingAmendment) before it is asked for; Previewed,
// when given, is the SHA-256 of the draft previewed (refused if the draft
// made now differs).
type AdvanceRateChange struct {
	Component string     `json:"component"`
	Rate      money.Rate `json:"rate"`
	Effective date.Date  `json:"effective"`
	Previewed string     `json:"previewed_sha256,omitempty"`
}

// DispositionInput disposes of a finding: a lender reserve (Reserve, set
// pending a second lender's approval as SetReserve), an advance-rate
// change (AdvanceRate, asked for as an amendment that a second lender
// approves), or a note (Text alone). Text is the note, or why.
type DispositionInput struct {
	Disposition string             `json:"disposition"`
	Text        string             `json:"text,omitempty"`
	Reserve     *ReserveInput      `json:"reserve,omitempty"`
	AdvanceRate *AdvanceRateChange `json:"advance_rate,omitempty"`
	By          string             `json:"-"`
	Key         string             `json:"-"` // as FieldExamInput's
}

// FieldExam is one exam as known at a time: when its fieldwork started,
// by whom, of what; its report (Performed, 0 until issued); its state on
// the business date; its findings.
type FieldExam struct {
	ID          int64     `json:"id"`
	Start       date.Date `json:"start"`
	Examiner    string    `json:"examiner"`
	Scope       string    `json:"scope,omitempty"`
	State       string    `json:"state"` // scheduled, in_progress, performed
	ScheduledBy string    `json:"scheduled_by"`
	ScheduledAt time.Time `json:"scheduled_at"`
	// Performed is the report's date; ReportExaminer and ReportScope what
	// the report says (they may differ from the schedule's).
	Performed      date.Date  `json:"performed,omitzero"`
	ReportExaminer string     `json:"report_examiner,omitempty"`
	ReportScope    string     `json:"report_scope,omitempty"`
	PerformedBy    string     `json:"performed_by,omitempty"`
	PerformedAt    *time.Time `json:"performed_at,omitempty"`
	Findings       []Finding  `json:"findings"`
}

// Finding is a finding of an exam and its disposition (nil: open).
// Earlier are its dispositions turned down: a reserve released before a
// second lender approved it, an amendment rejected; each reopened the
// finding.
type Finding struct {
	ID          int64         `json:"id"`
	Exam        int64         `json:"exam"`
	Severity    string        `json:"severity"`
	Text        string        `json:"text"`
	RecordedBy  string        `json:"recorded_by"`
	RecordedAt  time.Time     `json:"recorded_at"`
	Disposition *Disposition  `json:"disposition"`
	Earlier     []Disposition `json:"earlier,omitempty"`
}

// Disposition is what a finding led to: a reserve (Ref its id), an
// advance-rate amendment asked for (Ref the pending action's id), or a
// note; Link where it is seen in the web pages; TurnedDown, for an
// earlier disposition, why it no longer stands.
type Disposition struct {
	Kind       string    `json:"kind"`
	Ref        string    `json:"ref,omitempty"`
	Text       string    `json:"text,omitempty"`
	Link       string    `json:"link"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	TurnedDown string    `json:"turned_down,omitempty"`
}

// turnedDown says why a disposition's reserve or amendment no longer
// stands ("" it stands): kind and ref of the disposition.
type turnedDown func(kind, ref string) string

// FieldExams is a facility's field exam schedule on the business date as
// known at a time: the frequency in force and where it comes from, the
// last exam performed, the next due date and the facility's status
// against it, the exams (newest first) and how many findings are open.
type FieldExams struct {
	Facility      string              `json:"facility"`
	BusinessDate  date.Date           `json:"business_date"`
	KnownAt       time.Time           `json:"known_at"`
	Frequency     fieldexam.Frequency `json:"frequency"`
	Since         date.Date           `json:"since"` // the agreement's date: the first exam is due a frequency after it
	LastPerformed date.Date           `json:"last_performed,omitzero"`
	NextDue       date.Date           `json:"next_due"`
	Status        string              `json:"status"` // current, due_soon, overdue
	Exams         []FieldExam         `json:"exams"`
	OpenFindings  int                 `json:"open_findings"`
}

// fieldExamsFrom builds the exams from a facility's records known at
// knownAt, with their state on bd, newest first; down (nil: none) says
// which dispositions were turned down, which reopen their finding.
func fieldExamsFrom(facility string, recs []store.FieldExamRecord, knownAt time.Time, bd date.Date, down turnedDown) []FieldExam {
	var exams []FieldExam
	at := map[int64]int{}
	finding := map[int64][2]int{}
	for _, r := range recs {
		if r.RecordedAt.After(knownAt) {
			continue
		}
		switch r.Action {
		case store.ExamSchedule:
			at[r.ID] = len(exams)
			exams = append(exams, FieldExam{ID: r.ID, Start: r.On, Examiner: r.Examiner, Scope: r.Scope, ScheduledBy: r.RecordedBy, ScheduledAt: r.RecordedAt, Findings: []Finding{}})
		case store.ExamPerform:
			if i, ok := at[r.Exam]; ok && exams[i].Performed == 0 {
				t := r.RecordedAt
				e := &exams[i]
				e.Performed, e.ReportExaminer, e.ReportScope, e.PerformedBy, e.PerformedAt = r.On, r.Examiner, r.Scope, r.RecordedBy, &t
			}
		case store.ExamFinding:
			if i, ok := at[r.Exam]; ok {
				finding[r.ID] = [2]int{i, len(exams[i].Findings)}
				exams[i].Findings = append(exams[i].Findings, Finding{ID: r.ID, Exam: r.Exam, Severity: r.Severity, Text: r.Text, RecordedBy: r.RecordedBy, RecordedAt: r.RecordedAt})
			}
		case store.ExamDispose:
			if ix, ok := finding[r.Finding]; ok && exams[ix[0]].Findings[ix[1]].Disposition == nil {
				x := &exams[ix[0]].Findings[ix[1]]
				d := Disposition{Kind: r.Disposition, Ref: r.Ref, Text: r.Text,
					Link: dispositionLink(facility, r.Disposition, refOr(r.Ref, r.Finding)), RecordedBy: r.RecordedBy, RecordedAt: r.RecordedAt}
				if why := ""; down != nil {
					if why = down(r.Disposition, r.Ref); why != "" {
						d.TurnedDown = why
						x.Earlier = append(x.Earlier, d)
						continue
					}
				}
				x.Disposition = &d
			}
		}
	}
	for i := range exams {
		exams[i].State = fieldexam.ExamState(exams[i].Start, exams[i].Performed, bd)
	}
	slices.Reverse(exams)
	return exams
}

// dispositionLink is where a disposition is seen: the reserve on the
// facility's page, the amendment asked for among the terms page's
// pending amendments, the note on the field exams page.
func dispositionLink(facility, kind, ref string) string {
	page := "/facilities/" + facility
	switch kind {
	case fieldexam.DisposeReserve:
		return page + "#reserves"
	case fieldexam.DisposeAdvanceRate:
		return page + "/terms#pending"
	}
	return page + "/field-exams#finding-" + ref
}

// refOr is ref, or the finding's id when it names nothing else (a note).
func refOr(ref string, finding int64) string {
	if ref != "" {
		return ref
	}
	return fmt.Sprint(finding)
}

// fieldExamFrequency is the frequency in force under terms t (nil: none
// read) and the facility's settings.
func fieldExamFrequency(t *agreement.Terms, f store.Facility) (fieldexam.Frequency, error) {
	terms, cite := 0, ""
	if t != nil && t.FieldExams != nil {
		fm := t.FieldExams.FrequencyMonths
		if !fm.Known() {
			return fieldexam.Frequency{}, invalid("terms: field_exams.frequency_months is not known (%s): the field exam schedule is undetermined", fm.Unknown)
		}
		terms, cite = fm.Value, fm.Cite.String()
		if cite == "" {
			cite = t.FieldExams.Cite.String()
		}
	}
	st, err := ParseSettings(f)
	if err != nil {
		return fieldexam.Frequency{}, err
	}
	setting := 0
	if st.FieldExamMonths != nil {
		if err := fieldexam.CheckMonths("facility "+f.Slug+" setting "+FieldExamSetting, *st.FieldExamMonths); err != nil {
			return fieldexam.Frequency{}, invalid("%v", err)
		}
		setting = *st.FieldExamMonths
	}
	return fieldexam.FrequencyOf(terms, cite, setting), nil
}

// fieldExamSchedule is the schedule of facility f on bd from its records
// known at knownAt under terms t (nil: none read; since 0 then), the
// dispositions down turned down reopening their findings.
func fieldExamSchedule(f store.Facility, t *agreement.Terms, recs []store.FieldExamRecord, knownAt time.Time, bd date.Date, down turnedDown) (FieldExams, error) {
	freq, err := fieldExamFrequency(t, f)
	if err != nil {
		return FieldExams{}, err
	}
	out := FieldExams{Facility: f.Slug, BusinessDate: bd, KnownAt: knownAt, Frequency: freq, Exams: fieldExamsFrom(f.Slug, recs, knownAt, bd, down)}
	if t != nil {
		out.Since = t.Since
	}
	for _, e := range out.Exams {
		if e.Performed != 0 && e.Performed <= bd && e.Performed > out.LastPerformed {
			out.LastPerformed = e.Performed
		}
		for _, x := range e.Findings {
			if x.Disposition == nil {
				out.OpenFindings++
			}
		}
	}
	since := out.Since
	if since == 0 {
		since = date.FromTime(f.Created.UTC())
	}
	out.NextDue = fieldexam.NextDue(freq, out.LastPerformed, since)
	out.Status = fieldexam.Status(out.NextDue, bd)
	return out, nil
}

// agreementTerms is the facility's terms on d as known at knownAt (nil
// when the terms are not the stored ones).
func (s *Service) agreementTerms(ctx context.Context, facility string, d date.Date, knownAt time.Time) (*agreement.Terms, error) {
	st, ok := s.Terms.(*StoredTerms)
	if !ok {
		return nil, nil
	}
	return st.TermsAsKnown(ctx, facility, d, s.every(knownAt))
}

// FieldExamsOf is the facility's field exam schedule on the business
// date as known at knownAt (zero: now).
func (s *Service) FieldExamsOf(ctx context.Context, facility string, knownAt time.Time) (FieldExams, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return FieldExams{}, err
	}
	shown := knownAt
	if knownAt.IsZero() || knownAt.Equal(store.Everything) {
		knownAt, shown = store.Everything, s.now() // every record so far, shown as of now
	}
	f, err := s.Store.Facility(ctx, facility)
	if err != nil {
		return FieldExams{}, err
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return FieldExams{}, err
	}
	t, err := s.agreementTerms(ctx, facility, bd, knownAt)
	if err != nil {
		return FieldExams{}, err
	}
	recs, err := s.Store.FieldExamRecords(ctx, facility)
	if err != nil {
		return FieldExams{}, err
	}
	down, err := s.turnedDownAt(ctx, facility, knownAt)
	if err != nil {
		return FieldExams{}, err
	}
	out, err := fieldExamSchedule(f, t, recs, knownAt, bd, down)
	out.KnownAt = shown
	return out, err
}

// turnedDownAt says, as known at knownAt, which dispositions were turned
// down: a reserve released before a second lender approved it, an
// amendment rejected.
func (s *Service) turnedDownAt(ctx context.Context, facility string, knownAt time.Time) (turnedDown, error) {
	rs, err := s.reserveRecords(ctx, facility)
	if err != nil {
		return nil, err
	}
	reserves := map[string]LenderReserve{}
	for _, r := range lenderReserves(rs, knownAt) {
		reserves[r.ID] = r
	}
	rejected := map[string]store.Pending{}
	if acc, ok := s.Store.(store.Accounts); ok {
		ps, err := acc.PendingList(ctx, facility)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.Status == store.PendingRejected && !p.DecidedAt.After(knownAt) {
				rejected[fmt.Sprint(p.ID)] = p
			}
		}
	}
	return func(kind, ref string) string {
		switch kind {
		case fieldexam.DisposeReserve:
			if r, ok := reserves[ref]; ok && r.Status == ReserveReleased {
				return fmt.Sprintf("reserve %s released before it was approved (%s, by %s)", ref, r.ReleaseReason, r.ReleasedBy)
			}
		case fieldexam.DisposeAdvanceRate:
			if p, ok := rejected[ref]; ok {
				why := fmt.Sprintf("amendment %s rejected by %s", ref, p.DecidedBy)
				if p.Comment != "" {
					why += ": " + p.Comment
				}
				return why
			}
		}
		return ""
	}, nil
}

// checkExamInput refuses an exam input without its date or examiner,
// or with a text that is not one line of printable text, naming the
// field.
func checkExamInput(what string, d date.Date, field, examiner, scope string) error {
	switch {
	case d == 0:
		return invalid("field exam: %s is required (%s, YYYY-MM-DD)", field, what)
	case strings.TrimSpace(examiner) == "":
		return invalid("field exam: examiner is required (who performs the exam)")
	}
	if err := checkText("field exam: examiner", examiner); err != nil {
		return err
	}
	return checkText("field exam: scope", scope)
}

// checkText refuses a text that is not valid UTF-8 or holds a control
// character (a line break included): a field exam's texts are one line,
// and go into an amendment's draft as they are.
func checkText(what, v string) error {
	if !utf8.ValidString(v) {
		return invalid("%s: not valid UTF-8 text", what)
	}
	for i, r := range v {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return invalid("%s: a control character (%U) at byte %d; expected one line of text", what, r, i)
		}
	}
	return nil
}

// ScheduleFieldExam schedules a field exam: its fieldwork's first day, the
// examiner (a firm or a person) and its scope.
func (s *Service) ScheduleFieldExam(ctx context.Context, facility string, in FieldExamInput) (FieldExam, error) {
	ctx = named(ctx, OpScheduleFieldExam)
	if err := authorize(ctx, ActFieldExam, facility); err != nil {
		return FieldExam{}, err
	}
	by := requester(ctx, in.By)
	if err := checkExamInput("its fieldwork's first day", in.Start, "start", in.Examiner, in.Scope); err != nil {
		return FieldExam{}, err
	}
	if by == "" {
		return FieldExam{}, invalid("field exam: by is required (who schedules it)")
	}
	return s.addExamRecord(ctx, facility, store.FieldExamRecord{Action: store.ExamSchedule, On: in.Start,
		Examiner: strings.TrimSpace(in.Examiner), Scope: strings.TrimSpace(in.Scope), Key: in.Key, RecordedBy: by}, nil)
}

// PerformFieldExam records an exam performed: its report's date (not
// after the business date, not before its fieldwork started), the
// examiner and scope the report gives (the schedule's when not given).
// An exam is performed once.
func (s *Service) PerformFieldExam(ctx context.Context, facility string, exam int64, in FieldExamInput) (FieldExam, error) {
	ctx = named(ctx, OpPerformFieldExam)
	if err := authorize(ctx, ActFieldExam, facility); err != nil {
		return FieldExam{}, err
	}
	by := requester(ctx, in.By)
	if in.On == 0 {
		return FieldExam{}, invalid("field exam %d: on is required (the report's date, YYYY-MM-DD)", exam)
	}
	if err := checkText("field exam: examiner", in.Examiner); err != nil {
		return FieldExam{}, err
	}
	if err := checkText("field exam: scope", in.Scope); err != nil {
		return FieldExam{}, err
	}
	if by == "" {
		return FieldExam{}, invalid("field exam %d: who records it performed is required", exam)
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return FieldExam{}, err
	}
	if in.On > bd {
		return FieldExam{}, invalid("field exam %d: report date %s is after the business date %s; record a report once it is issued", exam, in.On, bd)
	}
	return s.addExamRecord(ctx, facility, store.FieldExamRecord{Action: store.ExamPerform, Exam: exam, On: in.On,
		Examiner: strings.TrimSpace(in.Examiner), Scope: strings.TrimSpace(in.Scope), Key: in.Key, RecordedBy: by}, func(e FieldExam, r *store.FieldExamRecord) error {
		if r.Examiner == "" {
			r.Examiner = e.Examiner
		}
		if r.Scope == "" {
			r.Scope = e.Scope
		}
		switch {
		case e.Performed != 0:
			return store.Errorf(store.CodeConflict, "field exam %d was recorded performed already (report of %s, by %s)", exam, e.Performed, e.PerformedBy)
		case in.On < e.Start:
			return invalid("field exam %d: report date %s is before its fieldwork started (%s)", exam, in.On, e.Start)
		}
		return nil
	})
}

// AddFinding records a finding of an exam whose fieldwork has started.
func (s *Service) AddFinding(ctx context.Context, facility string, exam int64, in FindingInput) (FieldExam, error) {
	ctx = named(ctx, OpFieldExamFinding)
	if err := authorize(ctx, ActFieldExam, facility); err != nil {
		return FieldExam{}, err
	}
	by := requester(ctx, in.By)
	switch {
	case !slices.Contains(fieldexam.Severities, in.Severity):
		return FieldExam{}, invalid("finding: severity %q; expected %s", in.Severity, strings.Join(fieldexam.Severities, ", "))
	case strings.TrimSpace(in.Text) == "":
		return FieldExam{}, invalid("finding: text is required (what the exam found)")
	case by == "":
		return FieldExam{}, invalid("finding: who records it is required")
	}
	if err := checkText("finding: text", in.Text); err != nil {
		return FieldExam{}, err
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return FieldExam{}, err
	}
	return s.addExamRecord(ctx, facility, store.FieldExamRecord{Action: store.ExamFinding, Exam: exam, Severity: in.Severity,
		Text: strings.TrimSpace(in.Text), Key: in.Key, RecordedBy: by}, func(e FieldExam, _ *store.FieldExamRecord) error {
		if e.Start > bd {
			return invalid("field exam %d: its fieldwork starts %s, after the business date %s: nothing can have been found yet", exam, e.Start, bd)
		}
		return nil
	})
}

// addExamRecord appends r in one transaction, after check (when given)
// accepts the exam r names as it stands in the transaction; the answer is
// the exam after the record.
func (s *Service) addExamRecord(ctx context.Context, facility string, r store.FieldExamRecord, check func(FieldExam, *store.FieldExamRecord) error) (FieldExam, error) {
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return FieldExam{}, err
	}
	down, err := s.turnedDownAt(ctx, facility, store.Everything)
	if err != nil {
		return FieldExam{}, err
	}
	var out FieldExam
	err = s.update(ctx, facility, func(tx store.Tx) error {
		recs, err := tx.FieldExamRecords()
		if err != nil {
			return err
		}
		if x, ok, err := replayOf(recs, r.Key, r.Action); ok || err != nil {
			if err == nil {
				out, err = examOfDown(facility, recs, x.examID(), bd, down)
			}
			return err
		}
		if r.Exam != 0 {
			e, err := examOf(facility, recs, r.Exam, bd)
			if err != nil {
				return err
			}
			if check != nil {
				if err := check(e, &r); err != nil {
					return err
				}
			}
		}
		r.Facility, r.RecordedAt = facility, s.now()
		added, err := tx.AddFieldExamRecord(r)
		if err != nil {
			return err
		}
		id := r.Exam
		if id == 0 {
			id = added.ID
		}
		out, err = examOfDown(facility, append(recs, added), id, bd, down)
		return err
	})
	return out, err
}

// replayedRecord is a record a request with the same key made before.
type replayedRecord store.FieldExamRecord

// examID is the exam the record is of (its own id for a schedule).
func (r replayedRecord) examID() int64 {
	if r.Exam != 0 {
		return r.Exam
	}
	return r.ID
}

// replayOf finds the record the client key made before (ok false: none;
// a conflict when the key made a record of another action).
func replayOf(recs []store.FieldExamRecord, key, action string) (replayedRecord, bool, error) {
	if key == "" {
		return replayedRecord{}, false, nil
	}
	for _, x := range recs {
		if x.Key == key {
			if x.Action != action {
				return replayedRecord{}, false, store.Errorf(store.CodeConflict, "key %q was used for another request (a %s record, %d)", key, x.Action, x.ID)
			}
			return replayedRecord(x), true, nil
		}
	}
	return replayedRecord{}, false, nil
}

// examOf is the exam id of the records (not_found when none).
func examOf(facility string, recs []store.FieldExamRecord, id int64, bd date.Date) (FieldExam, error) {
	return examOfDown(facility, recs, id, bd, nil)
}

// examOfDown is examOf with the dispositions down turned down.
func examOfDown(facility string, recs []store.FieldExamRecord, id int64, bd date.Date, down turnedDown) (FieldExam, error) {
	for _, e := range fieldExamsFrom(facility, recs, store.Everything, bd, down) {
		if e.ID == id {
			return e, nil
		}
	}
	return FieldExam{}, store.Errorf(store.CodeNotFound, "facility %q has no field exam %d", facility, id)
}

// findingOf is the finding id of the records and its exam, the
// dispositions down turned down (nil: none) reopening it.
func findingOf(facility string, recs []store.FieldExamRecord, id int64, bd date.Date, down turnedDown) (FieldExam, Finding, error) {
	for _, e := range fieldExamsFrom(facility, recs, store.Everything, bd, down) {
		for _, x := range e.Findings {
			if x.ID == id {
				return e, x, nil
			}
		}
	}
	return FieldExam{}, Finding{}, store.Errorf(store.CodeNotFound, "facility %q has no field exam finding %d", facility, id)
}

// FindingAmendment is the amendment draft an advance-rate change makes for
// a finding, and its preview against the terms in force on its effective
// date (PreviewDraft).
type FindingAmendment struct {
	Draft   AmendmentFile `json:"draft"`
	Preview Preview       `json:"preview"`
}

// findingDraft is the amendment an advance-rate change of finding x of
// exam e makes, under the terms t in force on its effective date: one
// change of the component's advance rate, cited to the finding.
func findingDraft(t *agreement.Terms, e FieldExam, x Finding, c AdvanceRateChange) (AmendmentFile, error) {
	switch {
	case c.Effective == 0:
		return AmendmentFile{}, invalid("advance-rate change: effective is required (the date the new rate applies from, YYYY-MM-DD)")
	case c.Rate.Sign() <= 0 || c.Rate.Cmp(money.RateFromInt(1)) > 0:
		return AmendmentFile{}, invalid("advance-rate change: rate %s; expected a rate above 0%% and at most 100%%", c.Rate.Percent())
	case t == nil:
		return AmendmentFile{}, invalid("advance-rate change: the facility's terms are not stored agreement files; change the advance rate by an amendment file")
	}
	i := slices.IndexFunc(t.BorrowingBase.Components, func(k agreement.Component) bool { return k.ID == c.Component })
	if i < 0 {
		ids := make([]string, 0, len(t.BorrowingBase.Components))
		for _, k := range t.BorrowingBase.Components {
			ids = append(ids, k.ID)
		}
		return AmendmentFile{}, invalid("advance-rate change: component %q is not one of the borrowing base's on %s (%s)", c.Component, c.Effective, strings.Join(ids, ", "))
	}
	from := t.BorrowingBase.Components[i].AdvanceRate
	id := fmt.Sprintf("field-exam-%d-finding-%d", e.ID, x.ID)
	if n := len(x.Earlier); n > 0 {
		id += fmt.Sprintf("-%d", n+1) // after a disposition turned down: another document
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Advance-rate change asked for by finding %d of the field exam of %s (%s): %s\n", x.ID, examDate(e), oneLine(e.Examiner), oneLine(x.Text))
	fmt.Fprintf(&b, "# %s: from %s (%s) to %s from %s\n", c.Component, from.Value.Percent(), from.Cite, c.Rate.Percent(), c.Effective)
	fmt.Fprintf(&b, "revolver: amendment/1\nfacility: %s\nid: %s\n", t.Facility, id)
	fmt.Fprintf(&b, "document:\n  id: %s\n  title: %q\n  date: %s\n", id, "Advance-rate change after field exam finding "+fmt.Sprint(x.ID), c.Effective)
	fmt.Fprintf(&b, "effective: %s\nchanges:\n", c.Effective)
	fmt.Fprintf(&b, "  - op: replace\n    path: borrowing_base.components.%s.advance_rate\n    value: %s\n    cite: %s\n", c.Component, c.Rate.Percent(), id)
	fmt.Fprintf(&b, "    note: %q\n", fmt.Sprintf("field exam %d finding %d (%s): %s; was %s", e.ID, x.ID, x.Severity, oneLine(x.Text), from.Value.Percent()))
	return AmendmentFile{Name: id + ".yaml", Content: b.String()}, nil
}

// examDate is the exam's report date, or its fieldwork's start before it
// is performed.
func examDate(e FieldExam) date.Date {
	if e.Performed != 0 {
		return e.Performed
	}
	return e.Start
}

// oneLine is text on one line of printable characters (a draft's comment
// or note; the use cases refuse any other text, this is a second guard).
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	return strings.Join(strings.Fields(s), " ")
}

// PreviewFindingAmendment makes the amendment draft of an advance-rate
// change for a finding and previews it (PreviewDraft) on its effective
// date: what the change would do to the terms, availability, covenants
// and the certificate in force, before anyone asks for it.
func (s *Service) PreviewFindingAmendment(ctx context.Context, facility string, finding int64, c AdvanceRateChange) (FindingAmendment, error) {
	if err := authorize(ctx, ActFieldExam, facility); err != nil {
		return FindingAmendment{}, err
	}
	draft, err := s.findingDraftOf(ctx, facility, finding, c)
	if err != nil {
		return FindingAmendment{}, err
	}
	p, err := s.PreviewDraft(ctx, facility, draft, c.Effective)
	return FindingAmendment{Draft: draft, Preview: p}, err
}

// findingDraftOf reads the finding and the terms on the change's date and
// makes its draft.
func (s *Service) findingDraftOf(ctx context.Context, facility string, finding int64, c AdvanceRateChange) (AmendmentFile, error) {
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return AmendmentFile{}, err
	}
	recs, err := s.Store.FieldExamRecords(ctx, facility)
	if err != nil {
		return AmendmentFile{}, err
	}
	down, err := s.turnedDownAt(ctx, facility, store.Everything)
	if err != nil {
		return AmendmentFile{}, err
	}
	e, x, err := findingOf(facility, recs, finding, bd, down)
	if err != nil {
		return AmendmentFile{}, err
	}
	var t *agreement.Terms
	if c.Effective != 0 {
		if t, err = s.agreementTerms(ctx, facility, c.Effective, time.Time{}); err != nil {
			return AmendmentFile{}, err
		}
	}
	return findingDraft(t, e, x, c)
}

// DisposeFinding records what a finding leads to, once: a lender reserve
// (set pending a second lender's approval, as SetReserve: its reason
// names the finding when none is given), an advance-rate change (its
// amendment draft checked against the agreement and asked for, pending a
// second lender's approval, as RequestAmendment), or a note. The reserve
// or the amendment request and the disposition are stored in one
// transaction: neither is kept without the other.
func (s *Service) DisposeFinding(ctx context.Context, facility string, finding int64, in DispositionInput) (FieldExam, error) {
	ctx = named(ctx, OpDisposeFinding)
	if err := authorize(ctx, ActFieldExam, facility); err != nil {
		return FieldExam{}, err
	}
	by := requester(ctx, in.By)
	if by == "" {
		return FieldExam{}, invalid("finding %d: who disposes of it is required", finding)
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return FieldExam{}, err
	}
	recs, err := s.Store.FieldExamRecords(ctx, facility)
	if err != nil {
		return FieldExam{}, err
	}
	down, err := s.turnedDownAt(ctx, facility, store.Everything)
	if err != nil {
		return FieldExam{}, err
	}
	e, x, err := findingOf(facility, recs, finding, bd, down)
	if err != nil {
		return FieldExam{}, err
	}
	text := strings.TrimSpace(in.Text)
	if err := checkText(fmt.Sprintf("finding %d: text", finding), text); err != nil {
		return FieldExam{}, err
	}
	var reserve ReserveInput
	var pending *store.Pending
	switch in.Disposition {
	case fieldexam.DisposeNote:
		if text == "" {
			return FieldExam{}, invalid("finding %d: text is required for a note (what is to be done, or why nothing is)", finding)
		}
		if in.Reserve != nil || in.AdvanceRate != nil {
			return FieldExam{}, invalid("finding %d: a note carries no reserve or advance_rate; choose the disposition reserve or advance_rate for those", finding)
		}
	case fieldexam.DisposeReserve:
		if in.Reserve == nil {
			return FieldExam{}, invalid("finding %d: reserve is required for a reserve disposition (id, amount, placement, from)", finding)
		}
		reserve = *in.Reserve
		if strings.TrimSpace(reserve.Reason) == "" {
			reserve.Reason = fmt.Sprintf("field exam %d of %s, finding %d (%s): %s", e.ID, examDate(e), x.ID, x.Severity, oneLine(x.Text))
		}
		if err := authorize(ctx, ActSetReserve, facility); err != nil {
			return FieldExam{}, err
		}
		if reserve, err = s.checkReserve(ctx, facility, reserve, by); err != nil {
			return FieldExam{}, err
		}
	case fieldexam.DisposeAdvanceRate:
		if in.AdvanceRate == nil {
			return FieldExam{}, invalid("finding %d: advance_rate is required for an advance-rate disposition (component, rate, effective)", finding)
		}
		if err := authorize(ctx, ActRequestAmendment, facility); err != nil {
			return FieldExam{}, err
		}
		draft, err := s.findingDraftOf(ctx, facility, finding, *in.AdvanceRate)
		if err != nil {
			return FieldExam{}, err
		}
		switch p := in.AdvanceRate.Previewed; {
		case p == "":
			return FieldExam{}, invalid("finding %d: previewed_sha256 is required: preview the amendment first (PreviewFindingAmendment) and ask for the draft previewed", finding)
		case !strings.EqualFold(p, DraftSHA256(draft.Content)):
			return FieldExam{}, invalid("finding %d: previewed_sha256: the amendment draft is not the one previewed (SHA-256 %s, now %s: the terms or the finding changed since): preview it again", finding, p, DraftSHA256(draft.Content))
		}
		if _, err := s.checkAmendment(ctx, facility, draft); err != nil {
			return FieldExam{}, err
		}
		payload, err := json.Marshal(draft)
		if err != nil {
			return FieldExam{}, err
		}
		pending = &store.Pending{Facility: facility, Kind: PendingAmendment, Payload: payload, RequestedBy: by, RequestedAt: s.now()}
	default:
		return FieldExam{}, invalid("finding %d: disposition %q; expected %s", finding, in.Disposition, strings.Join(fieldexam.Dispositions, ", "))
	}
	var out FieldExam
	err = s.update(ctx, facility, func(tx store.Tx) error {
		recs, err := tx.FieldExamRecords()
		if err != nil {
			return err
		}
		if r, ok, err := replayOf(recs, in.Key, store.ExamDispose); ok || err != nil {
			if err == nil {
				out, err = examOfDown(facility, recs, r.examID(), bd, down)
			}
			return err
		}
		_, x, err := findingOf(facility, recs, finding, bd, down)
		if err != nil {
			return err
		}
		if d := x.Disposition; d != nil {
			return store.Errorf(store.CodeConflict, "finding %d was disposed of already (%s, by %s at %s)", finding, d.Kind, d.RecordedBy, d.RecordedAt.UTC().Format(time.RFC3339))
		}
		ref := ""
		switch in.Disposition {
		case fieldexam.DisposeReserve:
			r, err := s.addReserve(tx, facility, reserve, by)
			if err != nil {
				return err
			}
			ref = r.ID
		case fieldexam.DisposeAdvanceRate:
			p, err := tx.CreatePending(*pending)
			if err != nil {
				return err
			}
			ref = fmt.Sprint(p.ID)
		}
		added, err := tx.AddFieldExamRecord(store.FieldExamRecord{Facility: facility, Action: store.ExamDispose, Exam: x.Exam, Finding: finding,
			Disposition: in.Disposition, Ref: ref, Text: text, Key: in.Key, RecordedBy: by, RecordedAt: s.now()})
		if err != nil {
			return err
		}
		out, err = examOfDown(facility, append(recs, added), x.Exam, bd, down)
		return err
	})
	return out, err
}
