package httpapi

import (
	"net/http"

	"revolver/app"
	"revolver/date"
	"revolver/money"
)

// The field exam routes (docs/field-exams.md): the schedule and its
// frequency, an exam scheduled and performed, its findings and what each
// led to (a reserve, an advance-rate amendment asked for, a note).
func (s *Server) fieldExamRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}/field-exams"
	const x = "/api/v1/facilities/{slug}/field-exam-findings/{id}"
	return []*Route{
		{Method: "GET", Path: f, Summary: "The facility's field exam schedule on the business date as known at known_at: the frequency in force and its source (the terms, the bank's setting, or the 12-month default), the last exam performed, the next due date and status (current, due_soon, overdue), and every exam, newest first, with its findings and their dispositions", Query: []string{"known_at"}, Response: "FieldExams", h: s.fieldExams},
		{Method: "POST", Path: f, Summary: "Schedule a field exam: its fieldwork's first day, the examiner and the scope", Roles: roles(app.ActFieldExam), Mutating: true, Op: app.OpScheduleFieldExam,
			Request: "FieldExamSchedule", Response: "FieldExam", Status: http.StatusCreated, h: s.scheduleFieldExam},
		{Method: "POST", Path: f + "/{id}/perform", Summary: "Record a field exam performed: its report's date (on or before the business date, not before the fieldwork), the examiner and the scope the report gives; once per exam", Roles: roles(app.ActFieldExam), Mutating: true, Op: app.OpPerformFieldExam,
			Request: "FieldExamReport", Response: "FieldExam", Status: http.StatusCreated, h: s.performFieldExam},
		{Method: "POST", Path: f + "/{id}/findings", Summary: "Record a finding of a field exam whose fieldwork has started: its severity (low, medium, high) and what was found", Roles: roles(app.ActFieldExam), Mutating: true, Op: app.OpFieldExamFinding,
			Request: "FindingInput", Response: "FieldExam", Status: http.StatusCreated, h: s.addFinding},
		{Method: "POST", Path: x + "/preview", Summary: "Preview the advance-rate amendment a finding would ask for: the draft made from the component, rate and effective date, and what it changes in the terms, availability, covenants and the certificate in force (nothing is stored)", Roles: roles(app.ActFieldExam),
			Request: "AdvanceRateChange", Response: "FindingAmendment", h: s.previewFinding},
		{Method: "POST", Path: x + "/dispose", Summary: "Dispose of a finding, once: a lender reserve (set pending a second lender's approval), an advance-rate change (its amendment asked for, pending a second lender's approval; previewed_sha256 refuses a draft other than the one previewed), or a note; the reserve or the request and the disposition are stored together", Roles: roles(app.ActFieldExam), Mutating: true, Op: app.OpDisposeFinding,
			Request: "DispositionInput", Response: "FieldExam", Status: http.StatusCreated, h: s.disposeFinding},
	}
}

// fieldExamSchedule is the body of an exam scheduled.
type fieldExamSchedule struct {
	Start    date.Date `json:"start"`
	Examiner string    `json:"examiner"`
	Scope    string    `json:"scope,omitempty"`
}

// fieldExamReport is the body of an exam performed.
type fieldExamReport struct {
	On       date.Date `json:"on"`
	Examiner string    `json:"examiner,omitempty"`
	Scope    string    `json:"scope,omitempty"`
}

// advanceRateChange is the advance-rate change a finding asks for.
type advanceRateChange struct {
	Component string     `json:"component"`
	Rate      money.Rate `json:"rate"`
	Effective date.Date  `json:"effective"`
	Previewed string     `json:"previewed_sha256,omitempty"`
}

func (a *advanceRateChange) in() *app.AdvanceRateChange {
	if a == nil {
		return nil
	}
	return &app.AdvanceRateChange{Component: a.Component, Rate: a.Rate, Effective: a.Effective, Previewed: a.Previewed}
}

// dispositionInput is the body of a finding disposed of: reserve with a
// reserve disposition, advance_rate with an advance-rate one.
type dispositionInput struct {
	Disposition string             `json:"disposition"`
	Text        string             `json:"text,omitempty"`
	Reserve     *reserveInput      `json:"reserve,omitempty"`
	AdvanceRate *advanceRateChange `json:"advance_rate,omitempty"`
}

// findingAmendment is a finding's amendment draft and its preview.
type findingAmendment struct {
	Draft   app.AmendmentFile `json:"draft"`
	Preview Preview           `json:"preview"`
}

func (s *Server) fieldExams(c *call) (any, error) {
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	return s.svc.FieldExamsOf(c.r.Context(), c.fac.Slug, knownAt)
}

func (s *Server) scheduleFieldExam(c *call) (any, error) {
	var b fieldExamSchedule
	if err := c.decodeJSON(&b); err != nil {
		return nil, err
	}
	out, err := c.svc().ScheduleFieldExam(c.r.Context(), c.fac.Slug, app.FieldExamInput{Start: b.Start, Examiner: b.Examiner, Scope: b.Scope, By: c.user.Email, Key: c.ledgerKey()})
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}

func (s *Server) performFieldExam(c *call) (any, error) {
	id, err := c.pathID()
	if err != nil {
		return nil, err
	}
	var b fieldExamReport
	if err := c.decodeJSON(&b); err != nil {
		return nil, err
	}
	out, err := c.svc().PerformFieldExam(c.r.Context(), c.fac.Slug, id, app.FieldExamInput{On: b.On, Examiner: b.Examiner, Scope: b.Scope, By: c.user.Email, Key: c.ledgerKey()})
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}

func (s *Server) addFinding(c *call) (any, error) {
	id, err := c.pathID()
	if err != nil {
		return nil, err
	}
	var in app.FindingInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	in.By, in.Key = c.user.Email, c.ledgerKey()
	out, err := c.svc().AddFinding(c.r.Context(), c.fac.Slug, id, in)
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}

func (s *Server) previewFinding(c *call) (any, error) {
	id, err := c.pathID()
	if err != nil {
		return nil, err
	}
	var b advanceRateChange
	if err := c.decodeJSON(&b); err != nil {
		return nil, err
	}
	fa, err := s.svc.PreviewFindingAmendment(c.r.Context(), c.fac.Slug, id, *b.in())
	if err != nil {
		return nil, err
	}
	return findingAmendment{Draft: fa.Draft, Preview: PreviewOf(fa.Preview)}, nil
}

func (s *Server) disposeFinding(c *call) (any, error) {
	id, err := c.pathID()
	if err != nil {
		return nil, err
	}
	var b dispositionInput
	if err := c.decodeJSON(&b); err != nil {
		return nil, err
	}
	in := app.DispositionInput{Disposition: b.Disposition, Text: b.Text, AdvanceRate: b.AdvanceRate.in(), By: c.user.Email, Key: c.ledgerKey()}
	if r := b.Reserve; r != nil {
		in.Reserve = &app.ReserveInput{ID: r.ID, Kind: r.Kind, Placement: r.Placement, Component: r.Component, Amount: r.Amount, From: r.From, Until: r.Until, Reason: r.Reason, By: c.user.Email}
	}
	out, err := c.svc().DisposeFinding(c.r.Context(), c.fac.Slug, id, in)
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}
