package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"revolver/app"
	"revolver/collateral"
)

// statementsPreview is the preview of a statements file on the covenants
// page: what app.Service.PreviewStatements read, and the file carried in
// the form that submits it (so it is not chosen again).
type statementsPreview struct {
	app.StatementsPreview
	Content string
}

// statementsFile is the statements file of the form: a quarter entered by
// hand (entry: its period and lines, written as the file's one row), the
// one uploaded, else the one a preview carried (statements_name,
// statements_csv).
func (rq *req) statementsFile() (name string, b []byte, ok bool, err error) {
	if rq.r.FormValue("entry") == "1" {
		return rq.enteredStatements()
	}
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
		if rq.formErr != nil {
			return rq.refused(err, s.covenantsPage) // beside the entered line
		}
		return err
	}
	if !ok {
		return rq.refusedAt("statements", "statements", userErr(http.StatusBadRequest, "Statements file: choose the CSV file of the quarterly statements (period_end, fiscal_year, fiscal_quarter and the statement lines)."), s.covenantsPage)
	}
	p, err := s.svc.PreviewStatements(rq.actx(), rq.fac.Slug, name, b)
	if err != nil {
		if rq.r.FormValue("entry") == "1" {
			return rq.refusedAt("entry", enteredField(err), err, s.covenantsPage)
		}
		return rq.refusedAt("statements", "statements", err, s.covenantsPage)
	}
	rq.preview = &statementsPreview{StatementsPreview: p, Content: string(b)}
	return s.covenantsPage(rq)
}

// enteredStatements is a quarter's statements entered in the covenants
// page's form, as the statements file's header and one row
// (period_end, fiscal_year, fiscal_quarter and each line entered, the
// amounts as typed: thousands separators, "$" and parentheses for a
// negative are read); a value that is not an amount is refused beside
// its field. The file is then read as an uploaded one would be.
func (rq *req) enteredStatements() (string, []byte, bool, error) {
	f := func(k string) string { return strings.TrimSpace(rq.r.FormValue(k)) }
	header := []string{"period_end", "fiscal_year", "fiscal_quarter"}
	row := []string{f("period_end"), f("fiscal_year"), f("fiscal_quarter")}
	var lines []string
	for k := range rq.r.Form {
		if n, ok := strings.CutPrefix(k, "line."); ok && f(k) != "" {
			lines = append(lines, n)
		}
	}
	sort.Strings(lines)
	for _, n := range lines {
		a, ok := collateral.AccountingAmount(f("line." + n))
		if !ok {
			rq.formErr = &formErr{"entry", "line." + n}
			return "", nil, false, userErr(http.StatusBadRequest, fmt.Sprintf("%s: %q is not an amount. Enter digits with up to two decimals, such as 1,250,000.00 or (15,000.00) for a negative.", humanize(n), f("line."+n)))
		}
		header, row = append(header, n), append(row, a.String())
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.Write(row)
	w.Flush()
	return "entered-" + f("period_end") + ".csv", b.Bytes(), true, w.Error()
}

// enteredField is the entry form's field a refusal of the entered quarter
// names (by its column), "" the form.
func enteredField(err error) string {
	msg := err.Error()
	for _, f := range []string{"period_end", "fiscal_year", "fiscal_quarter"} {
		if strings.Contains(msg, f) {
			return f
		}
	}
	if _, rest, ok := strings.Cut(msg, "column "); ok {
		col, _, _ := strings.Cut(rest, " ")
		return "line." + strings.Trim(col, `"':,`)
	}
	return ""
}
