package httpapi

import (
	"mime"
	"net/http"
	"strconv"

	"revolver/app"
	"revolver/store"
)

// The cash routes (docs/cash.md): the bank's BAI2 files imported and
// their cash applied (lenders), listed and shown with the application of
// each item explained, and the bank's deposits reconciled against a
// certificate's collections journal (every role that sees the facility).
func (s *Server) cashRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return []*Route{
		{Method: "GET", Path: f + "/cash-files", Summary: "The facility's imported BAI2 files as known at known_at, each with its identity (sender, file id, creation), its groups new and seen before, who imported it and when", Query: []string{"known_at"}, Response: "CashFileList", h: s.cashFiles},
		{Method: "POST", Path: f + "/cash-files", Summary: "Import a BAI2 file (multipart: bai): verified whole (a control total or record count wrong refuses it, naming the record, the field, what was found and expected), mapped by the terms' type codes, imported once (a file or group imported before posts nothing again: replayed); the deposits of a swept account credited to the loans after the clearance days, the rest remitted; returned items reversed or charged back", Roles: roles(app.ActImportCash), Mutating: true, Op: app.OpImportCash, Upload: true, Request: "CashUpload", Response: "CashImport", Status: http.StatusCreated, h: s.importCash},
		{Method: "POST", Path: "/api/v1/cash-files", Summary: "Import the bank's BAI2 file for all its customers' accounts (multipart: bai): verified whole, each account routed to the facility whose terms name it among their cash accounts (an account two facilities name refuses the file; one no facility names is reported unrouted, not stored), each facility's part imported and applied as a facility's file, all in one transaction: a refusal stores nothing", Roles: roles(app.ActImportCash), Mutating: true, Op: app.OpImportBankCash, Upload: true, Request: "CashUpload", Response: "BankCashImport", Status: http.StatusCreated, h: s.importBankCash},
		{Method: "GET", Path: f + "/cash-files/{id}", Summary: "An imported BAI2 file with its items and the application of each explained: received, clearance days, value date, swept and why, applied to the loans, remitted, the ledger transaction", Query: []string{"known_at"}, Response: "CashFileView", h: s.cashFile},
		{Method: "GET", Path: f + "/cash-reconciliation", Summary: "The bank's deposits (as known at known_at) against the collections journal of a certificate, per day and per batch, with the differences listed", Query: []string{"certificate", "known_at"}, Response: "CashReconciliation", h: s.cashReconciliation},
	}
}

type cashFileList struct {
	Files []store.CashFile `json:"files"`
}

func (s *Server) cashFiles(c *call) (any, error) {
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	fs, err := s.svc.CashFiles(c.r.Context(), c.fac.Slug, knownAt)
	if err != nil {
		return nil, err
	}
	return cashFileList{Files: nonNil(fs)}, nil
}

// baiUpload is the BAI2 file of a multipart upload (its part bai).
func (c *call) baiUpload() (store.InputContent, error) {
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return store.InputContent{}, errf(http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type %q: expected multipart/form-data with the file bai", c.r.Header.Get("Content-Type"))
	}
	_, files, err := c.uploadParts(map[string]bool{"csrf_token": true}, []string{"bai"}, "expected bai (the BAI2 file)")
	if err != nil {
		return store.InputContent{}, err
	}
	file, ok := files["bai"]
	if !ok {
		return store.InputContent{}, fieldErr("bai", "required: the BAI2 file")
	}
	return file, nil
}

func (s *Server) importCash(c *call) (any, error) {
	file, err := c.baiUpload()
	if err != nil {
		return nil, err
	}
	out, err := c.svc().ImportCash(c.r.Context(), c.fac.Slug, file.Name, file.Content)
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out.File)
}

func (s *Server) importBankCash(c *call) (any, error) {
	file, err := c.baiUpload()
	if err != nil {
		return nil, err
	}
	return c.svc().ImportBankCash(c.r.Context(), file.Name, file.Content)
}

func (s *Server) cashFile(c *call) (any, error) {
	id, err := c.pathID()
	if err != nil {
		return nil, err
	}
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	return s.svc.CashFile(c.r.Context(), c.fac.Slug, id, knownAt)
}

func (s *Server) cashReconciliation(c *call) (any, error) {
	v := c.r.URL.Query().Get("certificate")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, fieldErr("certificate", "required: a certificate id (found %q)", v)
	}
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	return s.svc.ReconcileCash(c.r.Context(), c.fac.Slug, id, knownAt)
}
