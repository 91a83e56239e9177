package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"revolver/agreement"
	"revolver/app"
	"revolver/borrowingbase"
	"revolver/collateral"
	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// computed is a stored certificate computed again from its stored
// reports under the terms of its date as known now and the letters of
// credit posted now: only ever a check on what it shows (its record). It
// is kept while those terms and letters of credit stay the same.
type computed struct {
	c     store.Certificate
	cert  *borrowingbase.Certificate
	terms *agreement.Terms
	lc    [2]money.Amount
	tree  *explain.Node
}

func (s *Server) computedCertificate(ctx context.Context, c store.Certificate) (*computed, error) {
	t, err := s.terms.TermsAsOf(ctx, c.Facility, c.AsOf)
	if err != nil {
		return nil, err
	}
	bal, err := s.st.Balances(ctx, c.Facility, c.AsOf)
	if err != nil {
		return nil, err
	}
	lc := [2]money.Amount{bal[ledger.LCOutstanding], bal[ledger.LCDrawn]}
	s.certMu.Lock()
	cc := s.certCache[c.ID]
	s.certMu.Unlock()
	if cc != nil && cc.terms == t && cc.lc == lc {
		cc2 := *cc
		cc2.c = c
		return &cc2, nil
	}
	cert, err := s.svc.RecomputeCertificate(ctx, t, c)
	if err != nil {
		return nil, err
	}
	cc = &computed{c: c, cert: cert, terms: t, lc: lc, tree: cert.Explain(false)}
	s.certMu.Lock()
	if len(s.certCache) > 64 {
		clear(s.certCache)
	}
	s.certCache[c.ID] = cc
	s.certMu.Unlock()
	return cc, nil
}

// shown is a submitted certificate as its pages, PDF and XLSX show it: the
// record stored with it (never a recomputation), its stored reports, and
// the terms of its date for the text of the clauses it cites (documents
// never change).
type shown struct {
	rec    *app.CertificateRecord
	terms  *agreement.Terms
	inputs map[string][]byte // by file name
}

// shownCertificate reads a certificate's record. Records are immutable,
// so they are kept by the SHA-256 of the stored explanation; a
// certificate stored before explanations were kept is shown from its
// reports computed again, marked so.
func (s *Server) shownCertificate(ctx context.Context, c store.Certificate) (*shown, error) {
	if c.Status == store.Draft || len(c.Inputs) < 3 {
		return nil, fmt.Errorf("certificate %d has no stored reports", c.ID)
	}
	key := c.ExplanationSHA256
	if key != "" {
		s.certMu.Lock()
		sh := s.recCache[key]
		s.certMu.Unlock()
		if sh != nil && sh.rec.Certificate.ID == c.ID {
			rec := *sh.rec
			rec.Certificate = c // its status and decision may have moved on
			return &shown{rec: &rec, terms: sh.terms, inputs: sh.inputs}, nil
		}
	}
	var now *borrowingbase.Certificate
	if key == "" {
		cc, err := s.computedCertificate(ctx, c)
		if err != nil {
			return nil, err
		}
		now = cc.cert
	}
	rec, err := app.CertificateRecordOf(c, now)
	if err != nil {
		return nil, err
	}
	t, err := s.terms.TermsAsOf(ctx, c.Facility, c.AsOf)
	if err != nil {
		return nil, err
	}
	// The explanation's rows are in the three reports (the journals'
	// rows are named in the roll-forward's own explanation).
	inputs := map[string][]byte{}
	for _, in := range c.Inputs[:3] {
		b, err := s.st.Blob(ctx, in.SHA256)
		if err != nil {
			return nil, fmt.Errorf("certificate %d input %s: %w", c.ID, in.Name, err)
		}
		inputs[in.Name] = b
	}
	sh := &shown{rec: rec, terms: t, inputs: inputs}
	if key != "" {
		s.certMu.Lock()
		if s.recCache == nil || len(s.recCache) > 64 {
			s.recCache = map[string]*shown{}
		}
		s.recCache[key] = sh
		s.certMu.Unlock()
	}
	return sh, nil
}

// certificateCheck computes the certificate again today and compares it
// with what it shows.
func (s *Server) certificateCheck(ctx context.Context, sh *shown) (app.CertificateCheck, error) {
	cc, err := s.computedCertificate(ctx, sh.rec.Certificate)
	var now *borrowingbase.Certificate
	if err == nil {
		now = cc.cert
	}
	return s.svc.CheckCertificate(ctx, sh.rec, now, err)
}

// loadCertificate reads a certificate of the request's facility.
func (rq *req) loadCertificate() (store.Certificate, error) {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return store.Certificate{}, userErr(http.StatusNotFound, "There is no such certificate: go back to the list of certificates.")
	}
	c, err := rq.s.st.Certificate(ctxOf(rq), id)
	if store.ErrorCode(err) == store.CodeNotFound || err == nil && c.Facility != rq.fac.Slug {
		return c, userErr(http.StatusNotFound, fmt.Sprintf("Certificate %d is not a certificate of this facility: go back to the list of certificates.", id))
	}
	return c, err
}

// --- list and upload ---

type certificatesPage struct {
	Certificates []store.Certificate
	AsOf         string
	Key          string
	// Boxes are the upload form's files: the three reports, then the
	// period's journals.
	Boxes []uploadBox
	// Attestation: the officer's name and title sent, the words stated
	// (the agreement's, cited, or the market standard), and the refusal
	// shown beside the name or title field (AttErrField).
	AttName, AttTitle, AttText, AttCite string
	AttErr, AttErrField                 string
	// AttRequired: the terms require the attestation with every
	// certificate (app.AttestationRequired).
	AttRequired bool
}

// attest fills the attestation of the upload form: what was sent and the
// words of the terms in force on the business date.
func (s *Server) attest(rq *req, p *certificatesPage) {
	t, err := s.terms.TermsAsOf(ctxOf(rq), rq.fac.Slug, rq.today())
	if err == nil {
		p.AttText, p.AttCite = app.AttestationText(t)
		p.AttRequired, _, _ = app.AttestationRequired(t)
	} else {
		p.AttText, _ = app.AttestationText(nil)
	}
	if rq.r.Method == http.MethodPost {
		p.AttName, p.AttTitle = rq.r.FormValue("attestation_name"), rq.r.FormValue("attestation_title")
	}
}

// uploadBox is one file of the upload form, with the rows of it a refused
// submission named (shown next to it).
type uploadBox struct {
	Field, Label string
	Required     bool
	Errors       []string
}

// uploadBoxes are the upload form's files, in order.
func uploadBoxes() []uploadBox {
	return []uploadBox{
		{Field: "receivables", Label: "Receivables aging", Required: true},
		{Field: "debtors", Label: "Debtors (customer list)", Required: true},
		{Field: "inventory", Label: "Inventory", Required: true},
		{Field: "sales", Label: "Sales journal"},
		{Field: "collections", Label: "Collections journal"},
		{Field: "credits", Label: "Credits journal"},
		{Field: "inventory_activity", Label: "Inventory activity"},
	}
}

// boxErrors puts each row a refusal names next to the file it is in (the
// file of that name uploaded in that box).
func boxErrors(boxes []uploadBox, err error, names map[string]string) {
	var rows []*collateral.FieldError
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case nil:
		case *collateral.FieldError:
			rows = append(rows, x)
		case *collateral.Errors:
			rows = append(rows, x.List...)
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		case interface{ Unwrap() []error }:
			for _, y := range x.Unwrap() {
				walk(y)
			}
		}
	}
	walk(err)
	for _, r := range rows {
		for i := range boxes {
			if n := names[boxes[i].Field]; n != "" && n == r.File {
				boxes[i].Errors = append(boxes[i].Errors, r.Error())
			}
		}
	}
}

func (s *Server) certificatesPage(rq *req) error {
	cs, err := s.st.Certificates(ctxOf(rq), rq.fac.Slug)
	if err != nil {
		return err
	}
	// Newest first.
	for i, j := 0, len(cs)-1; i < j; i, j = i+1, j-1 {
		cs[i], cs[j] = cs[j], cs[i]
	}
	p := certificatesPage{Certificates: cs, AsOf: rq.r.URL.Query().Get("as_of"), Key: newKey(), Boxes: uploadBoxes()}
	s.attest(rq, &p)
	return rq.render(http.StatusOK, "certificates", rq.view("Borrowing base certificates", "certificates", p))
}

func (s *Server) uploadCertificate(rq *req) error {
	rq.asks(app.OpSubmitCertificate)
	if err := rq.allow(app.ActSubmitCertificate, "submit certificates"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	if rq.r.MultipartForm == nil {
		return userErr(http.StatusBadRequest, "The upload could not be read: choose the three files again and send them.")
	}
	// The same form sent twice (the same reports for the same date by the
	// same person, while the first waits for review) is the first
	// certificate: the use case finds it.
	out, err := s.submitCertificate(rq)
	if err != nil {
		cs, _ := s.st.Certificates(ctxOf(rq), rq.fac.Slug)
		for i, j := 0, len(cs)-1; i < j; i, j = i+1, j-1 {
			cs[i], cs[j] = cs[j], cs[i]
		}
		boxes := uploadBoxes()
		names := map[string]string{}
		for _, b := range boxes {
			if fh := rq.r.MultipartForm.File[b.Field]; len(fh) > 0 {
				names[b.Field] = fh[0].Filename
			}
		}
		boxErrors(boxes, err, names)
		p := certificatesPage{Certificates: cs, AsOf: rq.r.FormValue("as_of"), Key: newKey(), Boxes: boxes}
		s.attest(rq, &p)
		status, msg, ok := refusal(err)
		if !ok {
			return err
		}
		for _, f := range []string{"name", "title"} {
			if strings.Contains(msg, "attestation "+f+":") {
				p.AttErr, p.AttErrField = msg, f
			}
		}
		v := rq.view("Borrowing base certificates", "certificates", p)
		fix := "Correct the file"
		if _, isForm := err.(*userError); isForm {
			fix = "Correct it"
		}
		v.Error = "The certificate was not submitted: " + strings.TrimRight(msg, ". ") + ". " + fix + " and upload the files again."
		return rq.render(status, "certificates", v)
	}
	id, asOf, n := fmt.Sprint(out.ID), out.AsOf.String(), len(out.Warnings)
	page := fmt.Sprintf("/facilities/%s/certificates/%d", url.PathEscape(rq.fac.Slug), out.ID)
	switch {
	case out.Supersedes != 0 && n == 1:
		return rq.done(page, "certificate_supersedes_warning", id, asOf, fmt.Sprint(out.Supersedes))
	case out.Supersedes != 0 && n > 1:
		return rq.done(page, "certificate_supersedes_warnings", id, asOf, fmt.Sprint(out.Supersedes), fmt.Sprint(n))
	case out.Supersedes != 0:
		return rq.done(page, "certificate_submitted_supersedes", id, asOf, fmt.Sprint(out.Supersedes))
	case n == 1:
		return rq.done(page, "certificate_submitted_warning", id, asOf)
	case n > 1:
		return rq.done(page, "certificate_submitted_warnings", id, asOf, fmt.Sprint(n))
	}
	return rq.done(page, "certificate_submitted", id, asOf)
}

// --- one certificate ---

type certLine struct {
	Depth  int
	Key    string
	Label  string
	Value  string
	Total  bool
	Rows   int
	Detail bool // has a detail page
}

type certificatePage struct {
	C        store.Certificate
	Lines    []certLine
	Err      string
	Key      string
	Currency string
	// Recomputed: stored before explanations were kept, the lines are its
	// reports computed again.
	Recomputed bool
	// Check compares the lines with the reports computed again today.
	Check *app.CertificateCheck
	// SupersededBy is the approved certificate that replaced this one.
	SupersededBy int64
	// CanWithdraw: the user may withdraw (the borrower) and it awaits review.
	CanWithdraw bool
	// Summary: each component and, with a last-out tranche, the tranches,
	// as submitted.
	Summary app.CertificateSummary
	// Roll is the roll-forward against the previous approved certificate
	// stored on submission (nil: none), RollLines its explanation (every
	// exception with its rows); NeedsComment: approving needs a comment.
	Roll         *app.RollForwardOf
	RollLines    []certLine
	NeedsComment bool
}

func (s *Server) certificatePage(rq *req) error {
	c, err := rq.loadCertificate()
	if err != nil {
		return err
	}
	ctx := ctxOf(rq)
	p := certificatePage{C: c, Key: newKey(), CanWithdraw: rq.may(app.ActWithdrawCertificate) && c.Status == store.Submitted}
	cs, err := s.st.Certificates(ctx, rq.fac.Slug)
	if err != nil {
		return err
	}
	for _, o := range cs {
		if o.Supersedes == c.ID && o.Status == store.Approved {
			p.SupersededBy = o.ID
		}
	}
	if p.Summary, err = app.SummarizeCertificate(c.Body); err != nil {
		p.Err = err.Error()
	}
	p.NeedsComment = app.ApprovalNeedsComment(c)
	if p.Roll, err = app.DecodeRollForward(c); err != nil {
		p.Err = err.Error()
	} else if p.Roll != nil && len(p.Roll.Explanation) > 0 && string(p.Roll.Explanation) != "null" {
		var n explain.Node
		if err := json.Unmarshal(p.Roll.Explanation, &n); err != nil {
			p.Err = err.Error()
		} else {
			p.RollLines = flatten(&n)
		}
	}
	sh, err := s.shownCertificate(ctx, c)
	if err != nil {
		p.Err = err.Error()
	} else {
		p.Lines = flatten(sh.rec.Explanation)
		p.Currency = sh.rec.Currency
		p.Recomputed = sh.rec.Recomputed
		ck, err := s.certificateCheck(ctx, sh)
		if err != nil {
			return err
		}
		p.Check = &ck
	}
	return rq.render(http.StatusOK, "certificate", rq.view(fmt.Sprintf("Certificate %d as of %s", c.ID, c.AsOf), "certificates", p))
}

// flatten lists the explanation tree's nodes in order with their depth.
func flatten(n *explain.Node) []certLine {
	var out []certLine
	var walk func(n *explain.Node, depth int)
	walk = func(n *explain.Node, depth int) {
		l := certLine{Depth: depth, Key: n.Key, Label: n.Label, Value: n.Value, Total: len(n.Children) > 0 || depth == 0, Detail: n.Key != ""}
		if n.Rows != nil {
			l.Rows = n.Rows.Count
		}
		out = append(out, l)
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return out
}

// --- one line ---

type clause struct {
	Cite  explain.Cite
	Title string
	Text  string
	Date  string
}

type linePage struct {
	C       store.Certificate
	Node    *explain.Node
	Clauses []clause
	File    string
	Header  []lineColumn
	Rows    []inputRow
	// Source is the address of the source report's download; Typed: the
	// rows are the aging's invoices as read (debtor's name and country,
	// age, formatted amounts), not the file's own text.
	Source   string
	Typed    bool
	Count    int // rows covered
	Matching int // rows matching the filter
	Filter   string
	Page     int
	Pages    int
	PrevHref string
	NextHref string
	CSVHref  string
}

type inputRow struct {
	Line   int
	Fields []string
}

// lineCell is a cell of a line's row as shown.
type lineCell struct {
	Text string
	Num  bool
}

// Cells are the row's fields with their columns' alignment (h: the
// columns, the line first).
func (r inputRow) Cells(h []lineColumn) []lineCell {
	out := make([]lineCell, len(r.Fields))
	for i, f := range r.Fields {
		out[i] = lineCell{Text: f, Num: i+1 < len(h) && h[i+1].Num}
	}
	return out
}

// lineColumn is a column of a line's rows: its label, whether it holds
// numbers (right-aligned), and the sorting link and state.
type lineColumn struct {
	Label string
	Num   bool
	Href  string
	Sort  string // "ascending", "descending" or "" (aria-sort)
}

const rowsPerPage = 50

func (s *Server) linePage(rq *req) error {
	c, err := rq.loadCertificate()
	if err != nil {
		return err
	}
	sh, err := s.shownCertificate(ctxOf(rq), c)
	if err != nil {
		return err
	}
	key := rq.r.PathValue("key")
	n := sh.rec.Explanation.Find(key)
	if n == nil {
		return userErr(http.StatusNotFound, fmt.Sprintf("Certificate %d has no line %q: go back to the certificate and choose a line.", c.ID, key))
	}
	p := linePage{C: c, Node: n}
	for _, ct := range n.Cites {
		cl := clause{Cite: ct, Title: ct.Title}
		for _, d := range sh.terms.Documents {
			if d.ID == ct.Document {
				if cl.Title == "" {
					cl.Title = d.Title
				}
				cl.Text = d.Sections[ct.Section]
				cl.Date = d.Date.String()
			}
		}
		p.Clauses = append(p.Clauses, cl)
	}
	lines := sh.rec.Rows(key)
	if n.Rows != nil && len(lines) > 0 {
		p.File = n.Rows.File
		p.Count = len(lines)
		for i, in := range c.Inputs {
			if in.Name == p.File {
				p.Source = rq.facPath(fmt.Sprintf("/certificates/%d/inputs/%d", c.ID, i))
			}
		}
		header, rows, num, err := s.lineRows(rq, c, sh, p.File, lines)
		if err != nil {
			return err
		}
		p.Typed = num != nil
		q := rq.r.URL.Query()
		p.Filter = strings.TrimSpace(q.Get("q"))
		if p.Filter != "" {
			f := strings.ToLower(p.Filter)
			kept := rows[:0]
			for _, r := range rows {
				if strings.Contains(strings.ToLower(strings.Join(r.Fields, " ")), f) {
					kept = append(kept, r)
				}
			}
			rows = kept
		}
		p.Matching = len(rows)
		sortBy, desc := sortRows(rows, num, q.Get("sort"), q.Get("dir") == "desc")
		if q.Get("format") == "csv" {
			return writeRowsCSV(rq, fmt.Sprintf("certificate-%d-%s.csv", c.ID, key), header, rows)
		}
		for i, h := range append([]string{"Line"}, header...) {
			col := lineColumn{Label: h, Num: i == 0 || num != nil && num[i-1]}
			v := url.Values{}
			if p.Filter != "" {
				v.Set("q", p.Filter)
			}
			v.Set("sort", strconv.Itoa(i))
			if i == sortBy {
				col.Sort = map[bool]string{false: "ascending", true: "descending"}[desc]
				if !desc {
					v.Set("dir", "desc")
				}
			}
			col.Href = rq.r.URL.Path + "?" + v.Encode()
			p.Header = append(p.Header, col)
		}
		p.Pages = (len(rows) + rowsPerPage - 1) / rowsPerPage
		p.Page, _ = strconv.Atoi(q.Get("page"))
		if p.Page < 1 {
			p.Page = 1
		}
		if p.Page > p.Pages && p.Pages > 0 {
			p.Page = p.Pages
		}
		lo := (p.Page - 1) * rowsPerPage
		hi := min(lo+rowsPerPage, len(rows))
		if lo < hi {
			p.Rows = rows[lo:hi]
		}
		base := rq.r.URL.Path + "?"
		v := url.Values{}
		if p.Filter != "" {
			v.Set("q", p.Filter)
		}
		if sortBy != 0 || desc {
			v.Set("sort", strconv.Itoa(sortBy))
			if desc {
				v.Set("dir", "desc")
			}
		}
		if p.Page > 1 {
			v.Set("page", strconv.Itoa(p.Page-1))
			p.PrevHref = base + v.Encode()
		}
		if p.Page < p.Pages {
			v.Set("page", strconv.Itoa(p.Page+1))
			p.NextHref = base + v.Encode()
		}
		v.Del("page")
		v.Set("format", "csv")
		p.CSVHref = base + v.Encode()
	}
	return rq.render(http.StatusOK, "line", rq.view(n.Label+" — certificate "+strconv.FormatInt(c.ID, 10), "certificates", p))
}

// lineRows are the rows of a line's input file at the given lines: for the
// aging, its invoices as read (app.ReceivableRows: the debtor's name and
// country from the customer master, age and days past due on the
// certificate's date, amounts formatted), with which columns hold
// numbers; for another report, the file's own header and text (num nil).
func (s *Server) lineRows(rq *req, c store.Certificate, sh *shown, file string, lines []int) ([]string, []inputRow, []bool, error) {
	if len(c.Inputs) == 0 || c.Inputs[0].Name != file {
		h, rows, err := readLines(file, sh.inputs[file], lines)
		return h, rows, nil, err
	}
	in, err := app.CertificateReports(c, func(sha string) ([]byte, error) { return s.st.Blob(ctxOf(rq), sha) })
	if err != nil {
		return nil, nil, nil, err
	}
	want := make(map[int]bool, len(lines))
	for _, l := range lines {
		want[l] = true
	}
	rs, err := app.ReceivableRows(in, sh.rec.Currency, c.AsOf, want)
	if err != nil {
		return nil, nil, nil, err
	}
	header := []string{"Debtor", "Name", "Country", "Invoice", "Invoice date", "Due date", "Age (days)", "Days past due", "Amount (" + sh.rec.Currency + ")", "Disputed"}
	num := []bool{false, false, false, false, false, false, true, true, true, false}
	rows := make([]inputRow, len(rs))
	for i, r := range rs {
		rows[i] = inputRow{Line: r.Line, Fields: []string{r.DebtorID, r.DebtorName, r.Country, r.InvoiceNo, r.InvoiceDate.String(), r.DueDate.String(),
			strconv.Itoa(r.AgeDays), strconv.Itoa(r.DaysPastDue), r.Amount.Grouped(), map[bool]string{true: "yes", false: "no"}[r.Disputed]}}
	}
	return header, rows, num, nil
}

// sortRows sorts rows in place by column by (0 the line, i the field
// i-1; a column out of range: the line), descending when desc: numbers
// (with thousands separators) as numbers, other text as text, ties by
// line. It returns the column and direction sorted by.
func sortRows(rows []inputRow, num []bool, by string, desc bool) (int, bool) {
	col, err := strconv.Atoi(by)
	if err != nil || col < 0 || len(rows) > 0 && col > len(rows[0].Fields) {
		col = 0
	}
	key := func(r inputRow) string {
		if col == 0 {
			return ""
		}
		return r.Fields[col-1]
	}
	numeric := col == 0 || num != nil && num[col-1]
	if num == nil && col > 0 {
		numeric = true
		for _, r := range rows {
			if _, ok := sortNumber(key(r)); !ok && key(r) != "" {
				numeric = false
				break
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		c := 0
		switch {
		case col == 0:
		case numeric:
			x, _ := sortNumber(key(a))
			y, _ := sortNumber(key(b))
			c = cmp.Compare(x, y)
		default:
			c = strings.Compare(strings.ToLower(key(a)), strings.ToLower(key(b)))
		}
		if c == 0 {
			c = cmp.Compare(a.Line, b.Line)
		}
		if desc {
			return c > 0
		}
		return c < 0
	})
	return col, desc
}

// sortNumber reads a cell as a number for sorting: an amount (cents) with
// or without thousands separators, or a whole number.
func sortNumber(v string) (int64, bool) {
	a, err := money.ParseAmount(strings.ReplaceAll(strings.TrimSpace(v), ",", ""))
	return int64(a), err == nil
}

// readLines returns the header and the rows at the given line numbers
// (header = line 1) of a CSV or XLSX input.
func readLines(name string, data []byte, lines []int) ([]string, []inputRow, error) {
	want := map[int]bool{}
	for _, l := range lines {
		want[l] = true
	}
	var header []string
	var out []inputRow
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		for i, r := range rows {
			if i == 0 {
				header = r
			} else if want[i+1] {
				out = append(out, inputRow{Line: i + 1, Fields: r})
			}
		}
		return header, out, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if header == nil {
			header = rec
			continue
		}
		if want[line] {
			out = append(out, inputRow{Line: line, Fields: rec})
		}
	}
	return header, out, nil
}

func writeRowsCSV(rq *req, name string, header []string, rows []inputRow) error {
	rq.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rq.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w := csv.NewWriter(rq.w)
	w.Write(append([]string{"line"}, header...))
	for _, r := range rows {
		cells := []string{strconv.Itoa(r.Line)}
		for _, f := range r.Fields {
			cells = append(cells, app.CSVCell(f)) // the borrower's values: no formulas
		}
		w.Write(cells)
	}
	w.Flush()
	return w.Error()
}

// --- decisions ---

func (s *Server) decideCertificate(rq *req) error {
	c, err := rq.loadCertificate()
	if err != nil {
		return err
	}
	d := rq.r.PathValue("decision")
	if d != "approve" && d != "reject" && d != "withdraw" {
		return userErr(http.StatusNotFound, "There is no such action.")
	}
	rq.asks(map[string]app.Op{"approve": app.OpApproveCertificate, "reject": app.OpRejectCertificate, "withdraw": app.OpWithdrawCertificate}[d])
	if d == "withdraw" {
		if err := rq.allow(app.ActWithdrawCertificate, "withdraw certificates"); err != nil {
			return err
		}
	} else if err := rq.allow(app.ActDecideCertificate, "approve or reject certificates"); err != nil {
		return err
	}
	if err := rq.r.ParseForm(); err != nil {
		return userErr(http.StatusBadRequest, "The form could not be read: try again.")
	}
	comment := strings.TrimSpace(rq.r.PostFormValue("comment"))
	var out store.Certificate
	switch d {
	case "withdraw":
		_, out, err = s.svc.WithdrawCertificate(rq.actx(), rq.fac.Slug, c.ID, rq.user.Email, comment)
	default:
		dec := app.CertificateDecision{Status: store.Approved, By: rq.user.Email, Comment: comment}
		if d == "reject" {
			dec.Status = store.Rejected
		}
		if v := rq.r.PostFormValue("supersedes"); v != "" && d == "approve" {
			if dec.Supersedes, err = strconv.ParseInt(v, 10, 64); err != nil {
				return userErr(http.StatusBadRequest, "The form could not be read: try again.")
			}
		}
		_, out, err = s.svc.DecideCertificate(rq.actx(), rq.fac.Slug, c.ID, dec)
	}
	if err != nil {
		return rq.refused(err, s.certificatePage)
	}
	return rq.done(fmt.Sprintf("/facilities/%s/certificates/%d", url.PathEscape(rq.fac.Slug), c.ID), "certificate_decided", fmt.Sprint(c.ID), string(out.Status))
}

// refused shows the page again (page renders it) with the reason the use
// case or the form refused the change, and its status.
func (rq *req) refused(err error, page func(*req) error) error {
	status, msg, ok := refusal(err)
	if !ok {
		return err
	}
	// The refusal is in the audit trail too.
	code := store.ErrorCode(err)
	if code == store.CodeInternal {
		code = store.CodeInvalid // the page's own check of the form
	}
	if aerr := rq.s.svc.AuditRefusal(rq.actx(), app.Refusal{Op: rq.op, Code: code, Message: msg, Status: status,
		Facility: rq.fac.Slug, Resource: rq.r.PathValue("id"), Amount: rq.amount, Dated: rq.day}); aerr != nil {
		return aerr
	}
	rq.status = status
	rq.errMsg = "Refused, and nothing was changed: " + msg
	return page(rq)
}

// submitCertificate reads the upload form (as_of and the three reports)
// and submits the certificate under the terms in force on its date.
func (s *Server) submitCertificate(rq *req) (store.Certificate, error) {
	v := strings.TrimSpace(rq.r.FormValue("as_of"))
	asOf, err := date.Parse(v)
	if err != nil {
		return store.Certificate{}, userErr(http.StatusBadRequest, fmt.Sprintf("the certificate date %q is not a date: enter it as YYYY-MM-DD, for example 2004-10-03", v))
	}
	in := app.CertificateInput{Facility: rq.fac.Slug, AsOf: asOf, By: rq.user.Email}
	// The officer's attestation, when a name or title is given (the use
	// case requires both).
	if n, t := rq.r.FormValue("attestation_name"), rq.r.FormValue("attestation_title"); strings.TrimSpace(n+t) != "" {
		in.Attestation = &app.Attester{Name: n, Title: t}
	}
	for _, r := range []struct {
		field, label string
		dst          *store.InputContent
	}{{"receivables", "receivables aging", &in.Receivables}, {"debtors", "debtors (customer list)", &in.Debtors}, {"inventory", "inventory", &in.Inventory}} {
		name, b, ok, err := rq.uploaded(r.field, 0)
		if err != nil {
			return store.Certificate{}, err
		}
		if !ok {
			return store.Certificate{}, userErr(http.StatusBadRequest, fmt.Sprintf("the %s report is missing: choose its CSV or XLSX file", r.label))
		}
		*r.dst = store.InputContent{Name: name, Content: b}
	}
	for _, r := range []struct {
		field string
		dst   *store.InputContent
	}{{"sales", &in.Sales}, {"collections", &in.Collections}, {"credits", &in.Credits}, {"inventory_activity", &in.InventoryActivity}} {
		name, b, ok, err := rq.uploaded(r.field, 0)
		if err != nil {
			return store.Certificate{}, err
		}
		if ok {
			*r.dst = store.InputContent{Name: name, Content: b}
		}
	}
	t, err := s.terms.TermsAsOf(rq.r.Context(), rq.fac.Slug, asOf)
	if err != nil {
		return store.Certificate{}, err
	}
	c, _, err := s.svc.SubmitCertificate(rq.actx(), t, in)
	return c, err
}

// certificateInput downloads a report of a certificate as submitted (its
// stored bytes, by its position among the certificate's inputs).
func (s *Server) certificateInput(rq *req) error {
	c, err := rq.loadCertificate()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(rq.r.PathValue("n"))
	if err != nil || n < 0 || n >= len(c.Inputs) {
		return userErr(http.StatusNotFound, fmt.Sprintf("Certificate %d has no report %q: go back to the certificate.", c.ID, rq.r.PathValue("n")))
	}
	in := c.Inputs[n]
	b, err := s.st.Blob(ctxOf(rq), in.SHA256)
	if err != nil {
		return err
	}
	ctype := "text/csv; charset=utf-8"
	if strings.HasSuffix(strings.ToLower(in.Name), ".xlsx") {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	rq.w.Header().Set("Content-Type", ctype)
	rq.w.Header().Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", `\`, "", "\r", "", "\n", "").Replace(in.Name)+`"`)
	rq.w.Header().Set("X-Content-SHA256", in.SHA256)
	_, err = rq.w.Write(b)
	return err
}
