package web

import (
	"net/http"

	"revolver/app"
)

// statementsPreview is the preview of a statements file on the covenants
// page: what app.Service.PreviewStatements read, and the file carried in
// the form that submits it (so it is not chosen again).
type statementsPreview struct {
	app.StatementsPreview
	Content string
}

// statementsFile is the statements file of the form: the one uploaded,
// else the one a preview carried (statements_name, statements_csv).
func (rq *req) statementsFile() (name string, b []byte, ok bool, err error) {
	name, b, ok, err = rq.uploaded("statements", 0)
	if err != nil || ok {
		return name, b, ok, err
	}
	if c := rq.r.FormValue("statements_csv"); c != "" {
		name = rq.r.FormValue("statements_name")
		if name == "" {
			name = "financial-statements.csv"
		}
		return name, []byte(c), true, nil
	}
	return "", nil, false, nil
}

// previewStatements shows what an uploaded statements file holds
// (app.Service.PreviewStatements) on the covenants page, with the form
// that submits it; a file that cannot be read is refused beside its box.
func (s *Server) previewStatements(rq *req) error {
	rq.asks(app.OpAddStatements)
	if err := rq.allow(app.ActRecordStatements, "submit financial statements"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	name, b, ok, err := rq.statementsFile()
	if err != nil {
		return err
	}
	if !ok {
		return rq.refusedAt("statements", "statements", userErr(http.StatusBadRequest, "Statements file: choose the CSV file of the quarterly statements (period_end, fiscal_year, fiscal_quarter and the statement lines)."), s.covenantsPage)
	}
	p, err := s.svc.PreviewStatements(rq.actx(), rq.fac.Slug, name, b)
	if err != nil {
		return rq.refusedAt("statements", "statements", err, s.covenantsPage)
	}
	rq.preview = &statementsPreview{StatementsPreview: p, Content: string(b)}
	return s.covenantsPage(rq)
}
