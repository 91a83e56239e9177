package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"revolver/date"
	"revolver/statement"
	"revolver/statement/statementpdf"
	"revolver/store"
)

// statementPage is the borrower's statement of a month (docs/statement.md).
type statementPage struct {
	Month      string // YYYY-MM
	Label      string // "November 2006"
	OpeningDay date.Date
	Prev, Next string // the months before and after ("" : none to link)
	Known      knownAtForm
	Statement  statement.Statement
	// Years are the months with a statement to link, by year.
	Years  []statementYear
	PDF    string // the PDF's URL (with the known-at query)
	Query  string // the known-at query of the links
	Labels map[string]string
}

type statementYear struct {
	Year   int
	Months []statementMonth
}

type statementMonth struct {
	Month, Label string
	Current      bool
}

// parseMonth reads YYYY-MM.
func parseMonth(v string) (int, time.Month, bool) {
	t, err := time.Parse("2006-01", v)
	if err != nil {
		return 0, 0, false
	}
	return t.Year(), t.Month(), true
}

// statementsIndex sends /statements (or its month picker, ?month=) to
// the statement of the month chosen, by default the last month ended.
func (s *Server) statementsIndex(rq *req) error {
	m := strings.TrimSpace(rq.r.URL.Query().Get("month"))
	if m == "" {
		y, mon, _ := rq.today().Civil()
		m = date.Of(y, mon, 1).AddDays(-1).String()[:7]
	}
	if _, _, ok := parseMonth(m); !ok {
		return userErr(http.StatusBadRequest, fmt.Sprintf("month %q: enter a month as YYYY-MM, e.g. 2006-11.", m))
	}
	http.Redirect(rq.w, rq.r, "/facilities/"+rq.fac.Slug+"/statements/"+m, http.StatusSeeOther)
	return nil
}

func (s *Server) readStatement(rq *req) (statement.Statement, knownAtForm, error) {
	v := rq.r.PathValue("month")
	y, m, ok := parseMonth(v)
	if !ok {
		return statement.Statement{}, knownAtForm{}, userErr(http.StatusBadRequest, fmt.Sprintf("month %q: expected a month as YYYY-MM, e.g. 2006-11.", v))
	}
	_, to, err := statement.MonthOf(y, m)
	if err != nil {
		return statement.Statement{}, knownAtForm{}, userErr(http.StatusBadRequest, err.Error()+".")
	}
	known := rq.knownAt(to)
	st, err := s.svc.Statement(rq.actx(), rq.fac.Slug, y, m, known.Read)
	return st, known, err
}

func (s *Server) statementPage(rq *req) error {
	st, known, err := s.readStatement(rq)
	if err != nil {
		return err
	}
	p := statementPage{Month: st.Month, Label: st.From.Time().Format("January 2006"), Known: known, Statement: st,
		OpeningDay: st.From - 1, Labels: map[string]string{}}
	// The links keep the known-at time asked for (none: the default).
	q := ""
	if rq.r.URL.Query().Get("known") != "" || known.Given != "" {
		v := url.Values{"known": {known.Rule}}
		if known.Given != "" {
			v.Set("known_at", known.Given)
		}
		q = "?" + v.Encode()
	}
	p.Query = q
	p.PDF = "/facilities/" + rq.fac.Slug + "/statements/" + st.Month + "/statement.pdf" + q
	last := rq.today()
	first := last
	if txs, err := s.st.TransactionsPage(ctxOf(rq), rq.fac.Slug, store.Page{Limit: 1}); err == nil && len(txs) == 1 && txs[0].ValueDate < first {
		first = txs[0].ValueDate
	}
	fy, fm, _ := first.Civil()
	ly, lm, _ := last.Civil()
	for d := date.Of(fy, fm, 1); d <= date.Of(ly, lm, 1); d = d.AddMonths(1) {
		y := d.Year()
		if len(p.Years) == 0 || p.Years[len(p.Years)-1].Year != y {
			p.Years = append(p.Years, statementYear{Year: y})
		}
		m := d.String()[:7]
		p.Years[len(p.Years)-1].Months = append(p.Years[len(p.Years)-1].Months, statementMonth{Month: m, Label: d.Time().Format("Jan"), Current: m == st.Month})
	}
	if prev := st.From.AddMonths(-1); prev >= date.Of(fy, fm, 1) {
		p.Prev = prev.String()[:7]
	}
	if next := st.From.AddMonths(1); next <= date.Of(ly, lm, 1) {
		p.Next = next.String()[:7]
	}
	for _, sec := range append(statement.Sections, statement.Other) {
		p.Labels[sec.Key] = sec.Label
	}
	return rq.render(http.StatusOK, "statement", rq.view("Statement "+p.Label, "statement", p))
}

func (s *Server) statementPDF(rq *req) error {
	st, _, err := s.readStatement(rq)
	if err != nil {
		return err
	}
	b, err := statementpdf.Bytes(st, rq.fac.Name)
	if err != nil {
		return err
	}
	return sendFile(rq, "application/pdf", statementpdf.Name(st), b)
}
