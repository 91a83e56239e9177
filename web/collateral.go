package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// The collateral page: the insurance policies, UCC filings, other
// indebtedness and occurrences (deliveries, casualties, moves of the
// records or the collateral, sales) recorded as known today, each the
// latest record of its subject with how many came before, and the forms
// recording them, each calling the use case the API calls
// (app.Service.RecordPolicy, RecordFiling, RecordOtherDebt,
// RecordOccurrence).

// factRow is the latest record of a subject.
type factRow struct {
	Subject string
	Rec     store.FactRecord
	Earlier int
	Fields  []factField
}

type factField struct{ Name, Value string }

type collateralPage struct {
	Can                                   bool
	Policies, Filings, Debts, Occurrences []factRow
	Forms                                 []*fieldForm
}

// collateralForms are the page's forms, of the terms' filings and
// parties.
func collateralForms(slug string, filings, parties []string) []*fieldForm {
	base := "/facilities/" + slug + "/collateral/"
	return []*fieldForm{
		{ID: "policy", Title: "Record an insurance policy", Hint: "A later record under the same id is the policy's later state (renewed, cancelled).", Action: base + "policies", Button: "Record the policy", Fields: []formField{
			{Name: "id", Label: "Policy id", Required: true, Match: []string{"an id or number is required"}},
			{Name: "insurer", Label: "Insurer", Required: true, Match: []string{"the insurer is required"}},
			{Name: "number", Label: "Policy number"},
			{Name: "covers", Label: "Covers", Hint: "Comma-separated, e.g. inventory, equipment."},
			{Name: "effective", Label: "Effective", Kind: "date", Required: true, Match: []string{"effective and renewal"}},
			{Name: "expires", Label: "Expires", Kind: "date", Required: true, Match: []string{"not after it takes effect"}},
			{Name: "loss_payee", Label: "Loss payee", Kind: "select", Options: append([]string{""}, parties...), Match: []string{"loss payee"}},
			{Name: "cancellation_notice_days", Label: "Days of notice before cancellation", Match: []string{"cancellation notice days"}},
			{Name: "evidenced", Label: "Evidence received", Kind: "date"},
			{Name: "cancelled", Label: "Cancelled", Kind: "date"},
		}},
		{ID: "filing", Title: "Record a UCC filing", Hint: "Its number and filing date, or a continuation statement filed.", Action: base + "filings", Button: "Record the filing", Fields: []formField{
			{Name: "filing", Label: "Filing of the terms", Kind: "select", Required: true, Options: filings, Match: []string{"not a filing of the terms"}},
			{Name: "jurisdiction", Label: "Jurisdiction", Match: []string{"jurisdiction"}},
			{Name: "number", Label: "File number", Match: []string{"give the number"}},
			{Name: "filed", Label: "Filed", Kind: "date"},
			{Name: "continuations", Label: "Continuations filed", Hint: "Comma-separated dates YYYY-MM-DD.", Match: []string{"continuation"}},
		}},
		{ID: "debt", Title: "Record other indebtedness", Hint: "Debt of the borrower to others (cross-default); a later record under the same id supersedes.", Action: base + "other-debts", Button: "Record the debt", Fields: []formField{
			{Name: "id", Label: "Debt id", Required: true, Match: []string{"an id is required"}},
			{Name: "creditor", Label: "Creditor", Required: true, Match: []string{"the creditor is required"}},
			{Name: "amount", Label: "Amount (USD)", Kind: "amount", Required: true, Match: []string{"the amount must be"}},
			{Name: "due", Label: "Due", Kind: "date", Required: true, Match: []string{"the due date"}},
			{Name: "paid", Label: "Paid", Kind: "date"},
			{Name: "accelerated", Label: "Accelerated", Kind: "date"},
			{Name: "default_under", Label: "Event of default under its documents", Kind: "date"},
			{Name: "disputed", Label: "Disputed in good faith", Kind: "check"},
			{Name: "reserves_adequate", Label: "With reserves the Bank deems adequate", Kind: "check", Match: []string{"reserves are adequate"}},
		}},
		{ID: "occurrence", Title: "Record an occurrence", Hint: "A closing item delivered, a report delivered, a casualty, costs paid, a move of the records or the collateral (a location), a sale.", Action: base + "occurrences", Button: "Record the occurrence", Fields: []formField{
			{Name: "kind", Label: "Kind", Kind: "select", Required: true, Options: app.OccurrenceKinds, Match: []string{"occurrence kind"}},
			{Name: "date", Label: "Date", Kind: "date", Required: true, Match: []string{"the date is required"}},
			{Name: "ref", Label: "What it concerns (a closing item, a report, a location)", Match: []string{"ref "}},
			{Name: "for", Label: "Period end (of a report)", Kind: "date", Match: []string{"period end"}},
			{Name: "id", Label: "Occurrence id"},
			{Name: "note", Label: "Note"},
		}},
	}
}

func (s *Server) collateralPage(rq *req) error {
	ctx := ctxOf(rq)
	p := collateralPage{Can: rq.may(app.ActRecordDefault)}
	var filings, parties []string
	if t, err := s.terms.TermsAsOf(ctx, rq.fac.Slug, rq.today()); err == nil {
		for _, f := range t.Schedule.Filings {
			filings = append(filings, f.ID)
		}
		for _, x := range t.Parties {
			parties = append(parties, x.ID)
		}
	}
	p.Forms = collateralForms(rq.fac.Slug, filings, parties)
	rq.fill(p.Forms...)
	recs, err := s.st.FactRecords(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	for kind, dst := range map[string]*[]factRow{store.FactPolicy: &p.Policies, store.FactFiling: &p.Filings, store.FactOtherDebt: &p.Debts, store.FactOccurrence: &p.Occurrences} {
		*dst = latestFacts(recs, kind)
	}
	return rq.render(http.StatusOK, "collateral", rq.view("Collateral", "collateral", p))
}

// latestFacts are the latest records of kind by subject (a record without
// a subject is its own), in the order of their subjects' first record.
func latestFacts(recs []store.FactRecord, kind string) []factRow {
	var out []factRow
	at := map[string]int{}
	for _, r := range recs {
		if r.Kind != kind {
			continue
		}
		subj := r.Subject
		if subj == "" {
			subj = fmt.Sprint("#", r.ID)
		}
		row := factRow{Subject: subj, Rec: r, Fields: bodyFields(r.Body)}
		if i, ok := at[subj]; ok {
			row.Earlier = out[i].Earlier + 1
			out[i] = row
			continue
		}
		at[subj] = len(out)
		out = append(out, row)
	}
	return out
}

// bodyFields are a record's fields, by name.
func bodyFields(b json.RawMessage) []factField {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	var out []factField
	for k, v := range m {
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case []any:
			var parts []string
			for _, e := range x {
				parts = append(parts, fmt.Sprint(e))
			}
			s = strings.Join(parts, ", ")
		case bool:
			s = map[bool]string{true: "yes", false: "no"}[x]
		case nil:
			continue
		default:
			b, _ := json.Marshal(x)
			s = string(b)
		}
		if s != "" {
			out = append(out, factField{k, s})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// collateralForm is the form of the page posted to, by id.
func (s *Server) collateralForm(rq *req, id string) *fieldForm {
	for _, f := range collateralForms(rq.fac.Slug, nil, nil) {
		if f.ID == id {
			return f
		}
	}
	panic("web: no collateral form " + id)
}

// optDateField reads an optional date field (nil when empty).
func optDateField(label, v string) (*date.Date, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	d, err := dateField(label, v)
	return &d, err
}

// recordFact finishes a collateral form: the use case's refusal beside
// its field, or the page again with the record's message.
func (s *Server) recordFact(rq *req, form string, out app.Recorded, err error) error {
	if err != nil {
		return rq.refusedAt(form, s.collateralForm(rq, form).fieldOf(err), err, s.collateralPage)
	}
	return rq.done(rq.facPath("/collateral#"+form+"-h"), "fact_recorded", fmt.Sprint(out.Record.ID))
}

func (s *Server) recordPolicyForm(rq *req) error {
	rq.asks(app.OpRecordPolicy)
	if err := rq.allow(app.ActRecordDefault, "record insurance policies"); err != nil {
		return err
	}
	const form = "policy"
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	p := defaults.Policy{ID: f("id"), Insurer: f("insurer"), Number: f("number"), LossPayee: f("loss_payee")}
	for _, c := range strings.Split(f("covers"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			p.Covers = append(p.Covers, c)
		}
	}
	var err error
	if p.Effective, err = dateField("Effective", f("effective")); err != nil {
		return rq.refusedAt(form, "effective", err, s.collateralPage)
	}
	if p.Expires, err = dateField("Expires", f("expires")); err != nil {
		return rq.refusedAt(form, "expires", err, s.collateralPage)
	}
	if v := f("cancellation_notice_days"); v != "" {
		if p.CancellationNoticeDays, err = strconv.Atoi(v); err != nil {
			return rq.refusedAt(form, "cancellation_notice_days", userErr(http.StatusBadRequest, fmt.Sprintf("Days of notice: %q is not a whole number of days.", v)), s.collateralPage)
		}
	}
	if p.Evidenced, err = optDateField("Evidence received", f("evidenced")); err != nil {
		return rq.refusedAt(form, "evidenced", err, s.collateralPage)
	}
	if p.Cancelled, err = optDateField("Cancelled", f("cancelled")); err != nil {
		return rq.refusedAt(form, "cancelled", err, s.collateralPage)
	}
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.RecordPolicy(rq.actx(), in, p)
	return s.recordFact(rq, form, out, err)
}

func (s *Server) recordFilingForm(rq *req) error {
	rq.asks(app.OpRecordFiling)
	if err := rq.allow(app.ActRecordDefault, "record UCC filings"); err != nil {
		return err
	}
	const form = "filing"
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	r := defaults.FilingRecord{Filing: f("filing"), Number: f("number")}
	if r.Filing == "" {
		return rq.refusedAt(form, "filing", userErr(http.StatusBadRequest, "Filing of the terms: choose the filing."), s.collateralPage)
	}
	if v := f("filed"); v != "" {
		d, err := dateField("Filed", v)
		if err != nil {
			return rq.refusedAt(form, "filed", err, s.collateralPage)
		}
		r.Filed = d
	}
	for _, v := range strings.Split(f("continuations"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		d, err := dateField("Continuations filed", v)
		if err != nil {
			return rq.refusedAt(form, "continuations", err, s.collateralPage)
		}
		r.Continuations = append(r.Continuations, d)
	}
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.RecordFiling(rq.actx(), in, r, f("jurisdiction"))
	return s.recordFact(rq, form, out, err)
}

func (s *Server) recordOtherDebtForm(rq *req) error {
	rq.asks(app.OpRecordOtherDebt)
	if err := rq.allow(app.ActRecordDefault, "record other indebtedness"); err != nil {
		return err
	}
	const form = "debt"
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	o := defaults.OtherDebt{ID: f("id"), Creditor: f("creditor"), Disputed: f("disputed") == "on", ReservesAdequate: f("reserves_adequate") == "on"}
	var err error
	if o.Amount, err = amountField("Amount", f("amount")); err != nil {
		return rq.refusedAt(form, "amount", err, s.collateralPage)
	}
	rq.amount = o.Amount
	if o.Due, err = dateField("Due", f("due")); err != nil {
		return rq.refusedAt(form, "due", err, s.collateralPage)
	}
	for _, x := range []struct {
		name, label string
		dst         **date.Date
	}{{"paid", "Paid", &o.Paid}, {"accelerated", "Accelerated", &o.Accelerated}, {"default_under", "Event of default under its documents", &o.DefaultUnder}} {
		if *x.dst, err = optDateField(x.label, f(x.name)); err != nil {
			return rq.refusedAt(form, x.name, err, s.collateralPage)
		}
	}
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.RecordOtherDebt(rq.actx(), in, o)
	return s.recordFact(rq, form, out, err)
}

func (s *Server) recordOccurrenceForm(rq *req) error {
	rq.asks(app.OpRecordOccurrence)
	if err := rq.allow(app.ActRecordDefault, "record occurrences"); err != nil {
		return err
	}
	const form = "occurrence"
	f := func(k string) string { return strings.TrimSpace(rq.r.PostFormValue(k)) }
	e := defaults.Event{ID: f("id"), Kind: f("kind"), Ref: f("ref"), Note: f("note")}
	if e.Kind == "" {
		return rq.refusedAt(form, "kind", userErr(http.StatusBadRequest, "Kind: choose what happened."), s.collateralPage)
	}
	var err error
	if e.Date, err = dateField("Date", f("date")); err != nil {
		return rq.refusedAt(form, "date", err, s.collateralPage)
	}
	rq.day = e.Date
	if v := f("for"); v != "" {
		if e.For, err = dateField("Period end", v); err != nil {
			return rq.refusedAt(form, "for", err, s.collateralPage)
		}
	}
	in, err := rq.factInput()
	if err != nil {
		return err
	}
	out, err := s.svc.RecordOccurrence(rq.actx(), in, e)
	return s.recordFact(rq, form, out, err)
}
