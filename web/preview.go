package web

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"revolver/app"
	"revolver/date"
)

// previewPage is a draft's preview (app.Service.PreviewDraft): lint, the
// terms it changes and its figures beside today's, with the form that
// asks for exactly the draft previewed.
type previewPage struct {
	P       app.Preview
	Content string // the draft, sent back with the request to record it
	// Ask, when set, is the form asking for the draft previewed other
	// than the terms page's (a field exam finding's disposition).
	Ask *askForm
}

// askForm is the form of a preview that asks for the draft: where it
// posts, its hidden fields (name, value), its button, and the link back.
type askForm struct {
	Action, Button string
	Fields         [][2]string
	Back, BackText string
}

// previewDraft previews a draft uploaded from the terms page. Nothing is
// stored.
func (s *Server) previewDraft(rq *req) error {
	rq.asks(app.OpRequestAmendment)
	if err := rq.allow(app.ActRequestAmendment, "preview or ask for an amendment"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	name, b, ok, err := rq.uploaded("draft", 1<<20)
	switch {
	case errors.Is(err, errTooLarge):
		return rq.refused(userErr(http.StatusRequestEntityTooLarge, "Draft: the file is larger than 1 MiB; an agreement document is far smaller. Check that you chose the right file."), s.termsPage)
	case err != nil:
		return err
	case !ok:
		return rq.refused(userErr(http.StatusBadRequest, "Draft: choose the draft's YAML file (an amendment, a waiver letter or a restatement)."), s.termsPage)
	}
	var asOf date.Date
	if v := strings.TrimSpace(rq.r.FormValue("as_of")); v != "" {
		if asOf, err = date.Parse(v); err != nil {
			return rq.refused(userErr(http.StatusBadRequest, fmt.Sprintf("As of: %q is not a date; enter it as YYYY-MM-DD, or leave it empty for the business date.", v)), s.termsPage)
		}
	}
	draft := app.AmendmentFile{Name: filepath.Base(name), Content: string(b)}
	p, err := s.svc.PreviewDraft(rq.actx(), rq.fac.Slug, draft, asOf)
	if err != nil {
		return rq.refused(err, s.termsPage)
	}
	return rq.render(http.StatusOK, "preview", rq.view("Preview of "+draft.Name, "terms", previewPage{P: p, Content: draft.Content}))
}

// requestAmendment asks for the draft previewed (its content and the
// preview's SHA-256, which the use case checks) to be recorded once a
// second person approves.
func (s *Server) requestAmendment(rq *req) error {
	rq.asks(app.OpRequestAmendment)
	if err := rq.allow(app.ActRequestAmendment, "ask for an amendment"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	a := app.AmendmentFile{Name: rq.r.FormValue("name"), Content: rq.r.FormValue("content"), Previewed: rq.r.FormValue("previewed_sha256")}
	if a.Previewed == "" {
		return rq.refused(userErr(http.StatusBadRequest, "Preview the draft first: an amendment is asked for from its preview."), s.termsPage)
	}
	p, err := s.svc.RequestAmendment(rq.actx(), rq.fac.Slug, a, rq.user.Email)
	if err != nil {
		return rq.refused(err, s.termsPage)
	}
	return rq.done(rq.facPath("/terms"), "amendment_requested", fmt.Sprint(p.ID))
}
