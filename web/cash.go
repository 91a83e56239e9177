package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"revolver/app"
	"revolver/bai2"
	"revolver/store"
)

// The cash page (docs/cash.md): the bank's BAI2 files imported for the
// facility, an upload box for the next (lenders), and a file's deposits
// and items with their application, each explained.
type cashPage struct {
	Known   knownAtForm
	Files   []store.CashFile
	File    *app.CashFileView
	Key     string
	Imports bool
	// BoxErr is the refusal of an upload, shown next to the upload box
	// (the record and the field of a bad file).
	BoxErr string
	Name   string
}

func (s *Server) cashPage(rq *req) error {
	p := cashPage{Known: rq.knownAt(rq.today()), Key: newKey(), Imports: rq.may(app.ActImportCash)}
	return s.renderCash(rq, p)
}

func (s *Server) renderCash(rq *req, p cashPage) error {
	fs, err := s.svc.CashFiles(ctxOf(rq), rq.fac.Slug, p.Known.Read)
	if err != nil {
		return err
	}
	for i, j := 0, len(fs)-1; i < j; i, j = i+1, j-1 {
		fs[i], fs[j] = fs[j], fs[i]
	}
	p.Files = fs
	if v := rq.r.URL.Query().Get("file"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return userErr(http.StatusBadRequest, fmt.Sprintf("file %q: choose a file of the list.", v))
		}
		f, err := s.svc.CashFile(ctxOf(rq), rq.fac.Slug, id, p.Known.Read)
		if err != nil {
			return err
		}
		p.File = &f
	}
	return rq.render(http.StatusOK, "cash", rq.view("Cash", "cash", p))
}

// importCash imports the uploaded BAI2 file (app.Service.ImportCash); a
// refused file is shown again with what is wrong next to the upload box.
func (s *Server) importCash(rq *req) error {
	rq.asks(app.OpImportCash)
	if err := rq.allow(app.ActImportCash, "import the bank's files"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	name, b, ok, err := rq.uploaded("bai", 0)
	if err != nil {
		return err
	}
	p := cashPage{Known: rq.knownAt(rq.today()), Key: newKey(), Imports: true, Name: name}
	if !ok {
		rq.status, p.BoxErr = http.StatusBadRequest, "Choose the bank's BAI2 file."
		return s.renderCash(rq, p)
	}
	out, err := s.svc.ImportCash(rq.actx(), rq.fac.Slug, name, b)
	if err != nil {
		status, msg, ok := refusal(err)
		if !ok {
			return err
		}
		if aerr := s.svc.AuditRefusal(rq.actx(), app.Refusal{Op: rq.op, Code: store.ErrorCode(err), Message: msg, Status: status, Facility: rq.fac.Slug}); aerr != nil {
			return aerr
		}
		var be *bai2.Error
		if errors.As(err, &be) {
			p.BoxErr = fmt.Sprintf("Record %d (line %d), %s: found %s, expected %s.", be.Record, be.Line, be.Field, quoted(be.Found), be.Expected)
		} else {
			p.BoxErr = strings.TrimRight(msg, ". ") + "."
		}
		rq.status = status
		rq.errMsg = "The file was not imported, and nothing was posted: correct it and upload it again."
		return s.renderCash(rq, p)
	}
	page := fmt.Sprintf("/facilities/%s/cash?file=%d", url.PathEscape(rq.fac.Slug), out.File.ID)
	if out.Replayed {
		return rq.done(page, "cash_replayed", fmt.Sprint(out.File.ID))
	}
	return rq.done(page, "cash_imported", fmt.Sprint(out.File.ID), out.Applied.Grouped(), out.Remitted.Grouped())
}

func quoted(s string) string {
	if s == "" {
		return "nothing"
	}
	return strconv.Quote(s)
}
