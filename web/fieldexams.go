package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"revolver/app"
	"revolver/fieldexam"
	"revolver/money"
)

// The field exams page (docs/field-exams.md): the schedule on the
// business date (frequency and its source, last performed, next due,
// status), every exam with its findings and their dispositions, and the
// forms scheduling, performing and recording findings and disposing of
// them, each calling the use case the API calls (app.Service
// .ScheduleFieldExam, PerformFieldExam, AddFinding, DisposeFinding,
// PreviewFindingAmendment).

type fieldExamsPage struct {
	FE       app.FieldExams
	Can      bool
	Schedule *fieldForm
	Exams    []examView
}

type examView struct {
	app.FieldExam
	Perform, Finding *fieldForm
	Findings         []findingView
}

type findingView struct {
	app.Finding
	Dispose, Rate *fieldForm
}

func examBase(slug string) string { return "/facilities/" + slug + "/field-exams" }

func findingBase(slug string, id int64) string {
	return fmt.Sprintf("/facilities/%s/field-exam-findings/%d", slug, id)
}

func scheduleExamForm(slug string) *fieldForm {
	return &fieldForm{ID: "exam-schedule", Title: "Schedule a field exam", Hint: "The next exam's fieldwork: when it starts, who examines, what it covers.", Action: examBase(slug), Button: "Schedule the exam", Fields: []formField{
		{Name: "start", Label: "Fieldwork starts", Kind: "date", Required: true, Match: []string{"start is required"}},
		{Name: "examiner", Label: "Examiner", Hint: "A firm or a person.", Required: true, Match: []string{"examiner is required"}},
		{Name: "scope", Label: "Scope", Hint: "E.g. receivables, inventory, cash."},
	}}
}

func performExamForm(slug string, id int64) *fieldForm {
	return &fieldForm{Level: 4, ID: fmt.Sprintf("exam-%d-perform", id), Title: fmt.Sprintf("Record exam %d performed", id), Hint: "The report's date moves the next exam's due date.", Action: fmt.Sprintf("%s/%d/perform", examBase(slug), id), Button: "Record the report", Fields: []formField{
		{Name: "on", Label: "Report dated", Kind: "date", Required: true, Match: []string{"report date", "on is required"}},
		{Name: "examiner", Label: "Examiner the report names", Hint: "Empty: the schedule's."},
		{Name: "scope", Label: "Scope the report gives", Hint: "Empty: the schedule's."},
	}}
}

func findingExamForm(slug string, id int64) *fieldForm {
	return &fieldForm{Level: 4, ID: fmt.Sprintf("exam-%d-finding", id), Title: fmt.Sprintf("Record a finding of exam %d", id), Action: fmt.Sprintf("%s/%d/findings", examBase(slug), id), Button: "Record the finding", Fields: []formField{
		{Name: "severity", Label: "Severity", Kind: "select", Required: true, Options: fieldexam.Severities, Match: []string{"severity"}},
		{Name: "text", Label: "What was found", Required: true, Match: []string{"text is required"}},
	}}
}

func disposeFindingForm(slug string, id int64) *fieldForm {
	return &fieldForm{Level: 4, ID: fmt.Sprintf("finding-%d-dispose", id), Title: fmt.Sprintf("Dispose of finding %d: a note or a reserve", id), Hint: "A reserve is set pending a second lender's approval, as on the loan account's page.", Action: findingBase(slug, id) + "/dispose", Button: "Dispose of the finding", Fields: []formField{
		{Name: "disposition", Label: "Disposition", Kind: "select", Required: true, Options: []string{fieldexam.DisposeNote, fieldexam.DisposeReserve}, Match: []string{"disposition"}},
		{Name: "text", Label: "Note, or why", Hint: "Required for a note.", Match: []string{"text is required", "text:"}},
		{Name: "reserve_id", Label: "Reserve id", Hint: "Required for a reserve: lower-case letters, digits, - and _.", Match: []string{"reserve id", "already exists"}},
		{Name: "amount", Label: "Reserve amount (USD)", Kind: "amount", Hint: "Required for a reserve.", Match: []string{": amount"}},
		{Name: "placement", Label: "Reserve placed at", Kind: "select", Options: []string{"borrowing_base", "line"}, Match: []string{"placement"}},
		{Name: "from", Label: "Reserve in force from", Kind: "date", Hint: "Required for a reserve.", Match: []string{"in force from"}},
	}}
}

func rateFindingForm(slug string, id int64, components []string) *fieldForm {
	return &fieldForm{Level: 4, ID: fmt.Sprintf("finding-%d-rate", id), Title: fmt.Sprintf("Ask for an advance-rate change after finding %d", id), Hint: "Previewed first: the amendment's draft and what it changes; asked for from the preview, a second lender approves it.", Action: findingBase(slug, id) + "/preview", Button: "Preview the amendment", Fields: []formField{
		{Name: "component", Label: "Component", Kind: "select", Required: true, Options: components, Match: []string{"component"}},
		{Name: "rate", Label: "New advance rate", Hint: "E.g. 75%.", Required: true, Match: []string{"rate "}},
		{Name: "effective", Label: "Effective", Kind: "date", Required: true, Match: []string{"effective"}},
	}}
}

func (s *Server) fieldExamsPage(rq *req) error {
	ctx := ctxOf(rq)
	fe, err := s.svc.FieldExamsOf(ctx, rq.fac.Slug, time.Time{})
	if err != nil {
		return err
	}
	p := fieldExamsPage{FE: fe, Can: rq.may(app.ActFieldExam), Schedule: scheduleExamForm(rq.fac.Slug)}
	var components []string
	if t, err := s.terms.TermsAsOf(ctx, rq.fac.Slug, rq.today()); err == nil {
		for _, k := range t.BorrowingBase.Components {
			components = append(components, k.ID)
		}
	}
	forms := []*fieldForm{p.Schedule}
	for _, e := range fe.Exams {
		v := examView{FieldExam: e}
		if e.Performed == 0 {
			v.Perform = performExamForm(rq.fac.Slug, e.ID)
			forms = append(forms, v.Perform)
		}
		if e.State != fieldexam.Scheduled {
			v.Finding = findingExamForm(rq.fac.Slug, e.ID)
			forms = append(forms, v.Finding)
		}
		for _, x := range e.Findings {
			fv := findingView{Finding: x}
			if x.Disposition == nil {
				fv.Dispose, fv.Rate = disposeFindingForm(rq.fac.Slug, x.ID), rateFindingForm(rq.fac.Slug, x.ID, components)
				forms = append(forms, fv.Dispose, fv.Rate)
			}
			v.Findings = append(v.Findings, fv)
		}
		p.Exams = append(p.Exams, v)
	}
	rq.fill(forms...)
	return rq.render(http.StatusOK, "fieldexams", rq.view("Field exams", "field-exams", p))
}

// examID is the {id} of the path (a 404 when not an id).
func (rq *req) examID() (int64, error) {
	v := rq.r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, userErr(http.StatusNotFound, fmt.Sprintf("%q is not a field exam or finding id.", v))
	}
	return id, nil
}

// examRefused shows a use case's refusal beside the field of form it
// names.
func (s *Server) examRefused(rq *req, form *fieldForm, err error) error {
	return rq.refusedAt(form.ID, form.fieldOf(err), err, s.fieldExamsPage)
}

func (s *Server) scheduleExamForm(rq *req) error {
	rq.asks(app.OpScheduleFieldExam)
	if err := rq.allow(app.ActFieldExam, "schedule field exams"); err != nil {
		return err
	}
	form := scheduleExamForm(rq.fac.Slug)
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	key, err := rq.clientKey()
	if err != nil {
		return err
	}
	in := app.FieldExamInput{Examiner: f("examiner"), Scope: f("scope"), By: rq.user.Email, Key: key}
	if v := f("start"); v != "" {
		if in.Start, err = dateField("Fieldwork starts", v); err != nil {
			return rq.refusedAt(form.ID, "start", err, s.fieldExamsPage)
		}
	}
	out, err := s.svc.ScheduleFieldExam(rq.actx(), rq.fac.Slug, in)
	if err != nil {
		return s.examRefused(rq, form, err)
	}
	return rq.done(rq.facPath(fmt.Sprintf("/field-exams#exam-%d", out.ID)), "exam_scheduled", fmt.Sprint(out.ID))
}

func (s *Server) performExamForm(rq *req) error {
	rq.asks(app.OpPerformFieldExam)
	if err := rq.allow(app.ActFieldExam, "record field exams"); err != nil {
		return err
	}
	id, err := rq.examID()
	if err != nil {
		return err
	}
	form := performExamForm(rq.fac.Slug, id)
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	key, err := rq.clientKey()
	if err != nil {
		return err
	}
	in := app.FieldExamInput{Examiner: f("examiner"), Scope: f("scope"), By: rq.user.Email, Key: key}
	if v := f("on"); v != "" {
		if in.On, err = dateField("Report dated", v); err != nil {
			return rq.refusedAt(form.ID, "on", err, s.fieldExamsPage)
		}
	}
	out, err := s.svc.PerformFieldExam(rq.actx(), rq.fac.Slug, id, in)
	if err != nil {
		return s.examRefused(rq, form, err)
	}
	return rq.done(rq.facPath(fmt.Sprintf("/field-exams#exam-%d", out.ID)), "exam_performed", fmt.Sprint(out.ID))
}

func (s *Server) findingExamForm(rq *req) error {
	rq.asks(app.OpFieldExamFinding)
	if err := rq.allow(app.ActFieldExam, "record findings"); err != nil {
		return err
	}
	id, err := rq.examID()
	if err != nil {
		return err
	}
	form := findingExamForm(rq.fac.Slug, id)
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	key, err := rq.clientKey()
	if err != nil {
		return err
	}
	out, err := s.svc.AddFinding(rq.actx(), rq.fac.Slug, id, app.FindingInput{Severity: f("severity"), Text: f("text"), By: rq.user.Email, Key: key})
	if err != nil {
		return s.examRefused(rq, form, err)
	}
	x := out.Findings[len(out.Findings)-1]
	return rq.done(rq.facPath(fmt.Sprintf("/field-exams#finding-%d", x.ID)), "finding_recorded", fmt.Sprint(x.ID), fmt.Sprint(out.ID))
}

// disposeFindingForm disposes of a finding: a note or a reserve from the
// dispose form; an advance-rate change from its preview's form (with the
// preview's SHA-256).
func (s *Server) disposeFindingForm(rq *req) error {
	rq.asks(app.OpDisposeFinding)
	if err := rq.allow(app.ActFieldExam, "dispose of findings"); err != nil {
		return err
	}
	id, err := rq.examID()
	if err != nil {
		return err
	}
	form := disposeFindingForm(rq.fac.Slug, id)
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	key, err := rq.clientKey()
	if err != nil {
		return err
	}
	in := app.DispositionInput{Disposition: f("disposition"), Text: f("text"), By: rq.user.Email, Key: key}
	switch in.Disposition {
	case fieldexam.DisposeReserve:
		r := app.ReserveInput{ID: f("reserve_id"), Placement: f("placement"), By: rq.user.Email}
		if v := f("amount"); v != "" {
			if r.Amount, err = amountField("Reserve amount", v); err != nil {
				return rq.refusedAt(form.ID, "amount", err, s.fieldExamsPage)
			}
		}
		if v := f("from"); v != "" {
			if r.From, err = dateField("Reserve in force from", v); err != nil {
				return rq.refusedAt(form.ID, "from", err, s.fieldExamsPage)
			}
		}
		in.Reserve = &r
	case fieldexam.DisposeAdvanceRate:
		c, err := rateChange(rq)
		if err != nil {
			return rq.refused(err, s.fieldExamsPage)
		}
		if c.Previewed = f("previewed_sha256"); c.Previewed == "" {
			return rq.refused(userErr(http.StatusBadRequest, "Preview the amendment first: an advance-rate change is asked for from its preview."), s.fieldExamsPage)
		}
		in.AdvanceRate = &c
		form = rateFindingForm(rq.fac.Slug, id, nil)
	}
	out, err := s.svc.DisposeFinding(rq.actx(), rq.fac.Slug, id, in)
	if err != nil {
		return s.examRefused(rq, form, err)
	}
	return rq.done(rq.facPath(fmt.Sprintf("/field-exams#finding-%d", id)), "finding_disposed", fmt.Sprint(id), fmt.Sprint(out.ID), in.Disposition)
}

// rateChange reads an advance-rate change's fields.
func rateChange(rq *req) (app.AdvanceRateChange, error) {
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	c := app.AdvanceRateChange{Component: f("component")}
	v := f("rate")
	r, err := money.ParseRate(v)
	if err != nil {
		return c, userErr(http.StatusBadRequest, fmt.Sprintf("New advance rate: %q is not a rate. Enter it as a percentage, for example 75%%.", v))
	}
	c.Rate = r
	if c.Effective, err = dateField("Effective", f("effective")); err != nil {
		return c, err
	}
	return c, nil
}

// previewFindingForm previews a finding's advance-rate amendment: the
// preview page, whose form asks for exactly the draft previewed as the
// finding's disposition. Nothing is stored.
func (s *Server) previewFindingForm(rq *req) error {
	rq.asks(app.OpDisposeFinding)
	if err := rq.allow(app.ActFieldExam, "preview an advance-rate change"); err != nil {
		return err
	}
	id, err := rq.examID()
	if err != nil {
		return err
	}
	form := rateFindingForm(rq.fac.Slug, id, nil)
	c, err := rateChange(rq)
	if err != nil {
		field := "rate"
		if strings.HasPrefix(err.Error(), "Effective") {
			field = "effective"
		}
		return rq.refusedAt(form.ID, field, err, s.fieldExamsPage)
	}
	fa, err := s.svc.PreviewFindingAmendment(rq.actx(), rq.fac.Slug, id, c)
	if err != nil {
		return s.examRefused(rq, form, err)
	}
	ask := &askForm{Action: findingBase(rq.fac.Slug, id) + "/dispose", Button: fmt.Sprintf("Ask for this amendment as finding %d's disposition", id),
		Fields: [][2]string{{"disposition", fieldexam.DisposeAdvanceRate}, {"component", c.Component}, {"rate", c.Rate.Percent()}, {"effective", c.Effective.String()}, {"previewed_sha256", fa.Preview.SHA256}},
		Back:   rq.facPath("/field-exams#finding-" + fmt.Sprint(id)), BackText: "Back to the field exams"}
	return rq.render(http.StatusOK, "preview", rq.view("Preview of "+fa.Draft.Name, "field-exams", previewPage{P: fa.Preview, Content: fa.Draft.Content, Ask: ask}))
}
