package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// A draft's preview: a document not yet recorded (an amendment, a waiver
// letter or a restatement) read with the facility's stored documents as if
// it were recorded, and the figures it would change, beside the figures
// without it. Nothing is stored. The figures on both sides are the same use
// cases every surface calls (Availability, Covenants, DefaultsReportAt),
// with every record known now: the draft's side reads the facility's terms
// through a context that carries the draft (StoredTerms adds it to the
// stored documents, outside its cache).

type draftKey struct{}

type draftDoc struct {
	facility string
	file     agreement.File
}

// withDraft returns ctx carrying the draft f of facility.
func withDraft(ctx context.Context, facility string, f AmendmentFile) context.Context {
	return context.WithValue(ctx, draftKey{}, draftDoc{facility: facility, file: agreement.NewFile(f.Name, []byte(f.Content))})
}

// draftOf is the draft ctx carries for slug.
func draftOf(ctx context.Context, slug string) (agreement.File, bool) {
	d, ok := ctx.Value(draftKey{}).(draftDoc)
	if !ok || d.facility != slug {
		return agreement.File{}, false
	}
	return d.file, true
}

// DraftSHA256 is the SHA-256 (hex) of a draft's content: the preview
// answers it, and a request to record the draft may name it, so that what
// is recorded is exactly what was previewed.
func DraftSHA256(content string) string {
	h := sha256.Sum256([]byte(content))
	return hex.EncodeToString(h[:])
}

// Preview is a draft's effect on a facility as of a date.
type Preview struct {
	Facility string    `json:"facility"`
	AsOf     date.Date `json:"as_of"`
	Draft    string    `json:"draft"`  // the draft's file name
	SHA256   string    `json:"sha256"` // of its content
	// Problems: what lint found (file:line:column: …); when any, nothing
	// else is computed.
	Problems  []string  `json:"problems"`
	Kind      string    `json:"kind,omitempty"` // amendment, waiver or restatement
	Effective date.Date `json:"effective,omitempty"`
	// Terms: the terms in force on AsOf that the draft changes.
	Terms        []agreement.Difference `json:"terms"`
	Availability PreviewAvailability    `json:"availability"`
	Covenants    []CovenantPreview      `json:"covenants"`
	Deadlines    []DeadlinePreview      `json:"deadlines"`
	// Defaults: the events of default continuing on AsOf, without and
	// with the draft (ids).
	Defaults PreviewDefaults `json:"events_of_default"`
	// Certificate: the certificate in force on AsOf, its reports computed
	// again under the terms in force on AsOf without and with the draft —
	// what a certificate of the same reports would show (the certificate
	// itself shows what was approved, as ever). Nil without one.
	Certificate *CertificatePreview `json:"certificate,omitempty"`
	// NotComputed says which side's covenant tests or deadlines could
	// not be computed, and why (their lists then lack that side).
	NotComputed []string `json:"not_computed,omitempty"`
}

// CertificatePreview is the certificate in force recomputed on both sides
// ("" where it could not be, with why).
type CertificatePreview struct {
	ID       int64     `json:"id"`
	AsOf     date.Date `json:"as_of"`
	Approved string    `json:"approved_borrowing_base"`
	Before   string    `json:"before"`
	After    string    `json:"after"`
	Failed   string    `json:"failed,omitempty"`
}

// PreviewAvailability is availability on the date without and with the
// draft (an error: why it could not be computed on that side).
type PreviewAvailability struct {
	Before      *Availability `json:"before"`
	After       *Availability `json:"after"`
	BeforeError string        `json:"before_error,omitempty"`
	AfterError  string        `json:"after_error,omitempty"`
}

// CovenantPreview is one covenant test without and with the draft.
type CovenantPreview struct {
	Covenant  string       `json:"covenant"`
	Label     string       `json:"label"`
	PeriodEnd date.Date    `json:"period_end"`
	Changed   bool         `json:"changed"`
	Before    *TestPreview `json:"before"` // nil: not tested on that side
	After     *TestPreview `json:"after"`
}

// TestPreview is what a covenant test says on one side.
type TestPreview struct {
	Result   string `json:"result"`
	Actual   string `json:"actual"`
	Required string `json:"required"`
	Headroom string `json:"headroom"`
	Waived   string `json:"waived,omitempty"` // the waiver's document and clause
	Reason   string `json:"reason,omitempty"`
}

// DeadlinePreview is one deadline without and with the draft.
type DeadlinePreview struct {
	ID      string             `json:"id"`
	Label   string             `json:"label"`
	Changed bool               `json:"changed"`
	Before  *defaults.Deadline `json:"before"`
	After   *defaults.Deadline `json:"after"`
}

// PreviewDefaults are the events of default continuing on each side.
type PreviewDefaults struct {
	Before []string `json:"before"`
	After  []string `json:"after"`
}

// NewPreview is the preview of draft for facility with nothing found yet
// (every list empty, not null).
func NewPreview(facility string, draft AmendmentFile) Preview {
	return Preview{Facility: facility, Draft: draft.Name, SHA256: DraftSHA256(draft.Content), Problems: []string{},
		Terms: []agreement.Difference{}, Covenants: []CovenantPreview{}, Deadlines: []DeadlinePreview{},
		Defaults: PreviewDefaults{Before: []string{}, After: []string{}}}
}

// PreviewDraft lints a draft against the facility's stored documents and,
// when it passes, computes its effect on asOf (0: the business date): the
// terms it changes, availability, every covenant test and the deadlines,
// each beside the figure without it. The actor must be one who may ask for
// an amendment (ActRequestAmendment): the preview is the first step of
// that request. Nothing is stored.
func (s *Service) PreviewDraft(ctx context.Context, facility string, draft AmendmentFile, asOf date.Date) (Preview, error) {
	if err := authorize(ctx, ActRequestAmendment, facility); err != nil {
		return Preview{}, err
	}
	p := NewPreview(facility, draft)
	if asOf == 0 {
		bd, err := s.BusinessDate(ctx)
		if err != nil {
			return p, err
		}
		asOf = bd
	}
	p.AsOf = asOf
	badName := !fileNameRe.MatchString(draft.Name) || filepath.Base(draft.Name) != draft.Name
	eff, err := s.checkAmendment(ctx, facility, draft)
	if store.ErrorCode(err) == store.CodeInvalid && !badName {
		// Lint's findings, one a line (file:line:column: …).
		for _, l := range strings.Split(err.Error(), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				p.Problems = append(p.Problems, l)
			}
		}
		return p, nil
	}
	if err != nil {
		return p, err
	}
	p.Effective = eff
	st, ok := s.Terms.(*StoredTerms)
	if !ok {
		return p, store.Errorf(store.CodeInvalid, "facility %q: a draft is previewed against stored documents", facility)
	}
	dctx := withDraft(ctx, facility, draft)
	before, err := st.Agreement(ctx, facility)
	if err != nil {
		return p, err
	}
	after, err := st.Agreement(dctx, facility)
	if err != nil {
		return p, err
	}
	p.Kind = draftKind(after, draft.Name)
	id := draft.Name
	if k := draftID(after, draft.Name); k != "" {
		id = k
	}
	if d := agreement.Compare(before, after, asOf, id); d != nil {
		p.Terms = d
	}
	// Every record known now, on both sides.
	side := func(c context.Context, avail **Availability, msg *string, name string) (*covenant.Result, *defaults.Report) {
		if a, err := s.Availability(c, facility, asOf, store.Everything); err != nil {
			*msg = err.Error()
		} else {
			*avail = &a
		}
		cov, err := s.Covenants(c, facility, store.Everything, func(d date.Date) (*agreement.Terms, error) { return st.TermsAsOf(c, facility, d) })
		if err != nil {
			cov = nil
			p.NotComputed = append(p.NotComputed, name+": the covenant tests: "+err.Error())
		}
		rep, err := s.DefaultsReportAt(c, facility, asOf, store.Everything)
		if err != nil {
			rep = nil
			p.NotComputed = append(p.NotComputed, name+": the deadlines and events of default: "+err.Error())
		}
		return cov, rep
	}
	covB, repB := side(partOf(ctx), &p.Availability.Before, &p.Availability.BeforeError, "today")
	covA, repA := side(partOf(dctx), &p.Availability.After, &p.Availability.AfterError, "with the draft")
	p.Covenants = compareTests(covB, covA)
	p.Deadlines = compareDeadlines(repB, repA)
	p.Defaults = PreviewDefaults{Before: continuing(repB), After: continuing(repA)}
	if b := p.Availability.Before; b != nil && b.Certificate != nil {
		p.Certificate = s.previewCertificate(ctx, dctx, st, facility, b.Certificate.ID, asOf)
	}
	return p, nil
}

// previewCertificate recomputes the certificate id under the terms on
// asOf read through ctx (without the draft) and dctx (with it).
func (s *Service) previewCertificate(ctx, dctx context.Context, st *StoredTerms, facility string, id int64, asOf date.Date) *CertificatePreview {
	c, err := s.Store.Certificate(ctx, id)
	if err != nil {
		return &CertificatePreview{ID: id, Failed: err.Error()}
	}
	out := &CertificatePreview{ID: id, AsOf: c.AsOf, Approved: c.BorrowingBase.String()}
	for _, side := range []struct {
		ctx context.Context
		dst *string
	}{{ctx, &out.Before}, {dctx, &out.After}} {
		t, err := st.TermsAsOf(side.ctx, facility, asOf)
		if err != nil {
			out.Failed = err.Error()
			continue
		}
		cert, err := s.RecomputeCertificate(side.ctx, t, c)
		if err != nil {
			out.Failed = err.Error()
			continue
		}
		if cert.BorrowingBase.Known {
			*side.dst = cert.BorrowingBase.Amount.String()
		} else {
			*side.dst = "undetermined"
		}
	}
	return out
}

// draftKind is what the draft file is among the facility's documents.
func draftKind(f *agreement.Facility, name string) string {
	if i := slices.IndexFunc(f.Waivers, func(x *agreement.WaiverLetter) bool { return x.File == name }); i >= 0 {
		return "waiver"
	}
	if i := slices.IndexFunc(f.Amendments, func(x *agreement.Amendment) bool { return x.File == name }); i >= 0 {
		return f.Amendments[i].Kind
	}
	return ""
}

// draftID is the draft's id among the facility's documents.
func draftID(f *agreement.Facility, name string) string {
	if i := slices.IndexFunc(f.Waivers, func(x *agreement.WaiverLetter) bool { return x.File == name }); i >= 0 {
		return f.Waivers[i].ID
	}
	if i := slices.IndexFunc(f.Amendments, func(x *agreement.Amendment) bool { return x.File == name }); i >= 0 {
		return f.Amendments[i].ID
	}
	return ""
}

func testPreview(t covenant.Test) *TestPreview {
	tp := &TestPreview{Result: t.Result, Actual: t.Actual.String(), Required: t.Required.String(), Headroom: t.Headroom.String(), Reason: t.Reason}
	if t.Waiver != nil {
		tp.Waived = strings.TrimPrefix(t.ResultText(), t.Result+" — waived by ")
	}
	return tp
}

// compareTests pairs the covenant tests of both sides by covenant and
// period, in period order.
func compareTests(before, after *covenant.Result) []CovenantPreview {
	type key struct {
		c string
		p date.Date
	}
	var order []key
	rows := map[key]*CovenantPreview{}
	add := func(r *covenant.Result, after bool) {
		if r == nil {
			return
		}
		for _, t := range r.Tests {
			k := key{t.Covenant, t.PeriodEnd}
			row := rows[k]
			if row == nil {
				row = &CovenantPreview{Covenant: t.Covenant, Label: t.Label, PeriodEnd: t.PeriodEnd}
				rows[k] = row
				order = append(order, k)
			}
			if after {
				row.After = testPreview(t)
			} else {
				row.Before = testPreview(t)
			}
		}
	}
	add(before, false)
	add(after, true)
	slices.SortStableFunc(order, func(a, b key) int {
		if a.p != b.p {
			return int(a.p - b.p)
		}
		return 0
	})
	out := make([]CovenantPreview, 0, len(order))
	for _, k := range order {
		r := rows[k]
		r.Changed = r.Before == nil || r.After == nil || *r.Before != *r.After
		out = append(out, *r)
	}
	return out
}

// compareDeadlines pairs the deadlines of both sides by id.
func compareDeadlines(before, after *defaults.Report) []DeadlinePreview {
	var order []string
	rows := map[string]*DeadlinePreview{}
	add := func(r *defaults.Report, after bool) {
		if r == nil {
			return
		}
		for i := range r.Deadlines {
			d := r.Deadlines[i]
			row := rows[d.ID]
			if row == nil {
				row = &DeadlinePreview{ID: d.ID, Label: d.Label}
				rows[d.ID] = row
				order = append(order, d.ID)
			}
			if after {
				row.After = &d
			} else {
				row.Before = &d
			}
		}
	}
	add(before, false)
	add(after, true)
	out := make([]DeadlinePreview, 0, len(order))
	for _, id := range order {
		r := rows[id]
		r.Changed = r.Before == nil || r.After == nil || r.Before.Due != r.After.Due || r.Before.Status != r.After.Status || r.Before.Date != r.After.Date
		out = append(out, *r)
	}
	return out
}

// continuing lists the events of default continuing in r.
func continuing(r *defaults.Report) []string {
	out := []string{}
	if r == nil {
		return out
	}
	for _, d := range r.Defaults {
		if d.Continuing {
			out = append(out, d.ID)
		}
	}
	return out
}
