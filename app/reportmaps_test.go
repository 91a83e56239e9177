package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"revolver/collateral"
	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// accountingAging writes a plain aging as an accounting package exports
// it: two title rows and a blank one, the header on line 4 with its own
// names, US dates, "$1,234.56" and "(12.00)" amounts, and a grand total.
func accountingAging(t *testing.T, plain []byte) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString("BTU International\nA/R Aging Detail\n\nCustomer,Invoice #,Inv Date,Due,Open Balance,On Hold\n")
	us := func(iso string) string {
		d := date.MustParse(iso)
		y, m, dd := d.Civil()
		return fmt.Sprintf("%02d/%02d/%04d", int(m), dd, y)
	}
	var sum money.Amount
	for _, l := range strings.Split(strings.TrimSpace(string(plain)), "\n")[1:] {
		f := strings.Split(l, ",")
		a, err := money.ParseAmount(f[4])
		if err != nil {
			t.Fatal(err)
		}
		sum += a
		amt := "$" + groupedAmount(a)
		if a < 0 {
			amt = "(" + groupedAmount(-a) + ")"
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,\"%s\",%s\n", f[0], f[1], us(f[2]), us(f[3]), amt, f[6])
	}
	fmt.Fprintf(&b, "Grand Total,,,,\"$%s\",\n", groupedAmount(sum))
	return []byte(b.String())
}

func groupedAmount(a money.Amount) string {
	s := a.String()
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac
}

var btuAgingMap = collateral.ReportMap{
	Columns: map[string]string{"debtor_id": "Customer", "invoice_no": "Invoice #", "invoice_date": "Inv Date", "due_date": "Due", "amount": "Open Balance", "disputed": "On Hold"},
	Layout:  &collateral.Layout{DateFormat: collateral.DateMDY, Defaults: map[string]string{"currency": "USD"}},
}

// The controller saves the aging's map once; a submission of the
// accounting-shaped export without a map of its own is read with it, gives
// the borrowing base of the plain report, keeps the map with its input,
// and is computed again alike. Versions are appended; the map in force is
// the last.
func TestReportMapsSubmission(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		shaped := accountingAging(t, e.recv)
		// Without the map the export is refused, naming its row and column.
		if _, err := e.submit("2004-10-03", shaped); err == nil || store.ErrorCode(err) != store.CodeInvalid ||
			!strings.Contains(err.Error(), `receivables.csv:1: missing column "debtor_id"`) {
			t.Fatalf("without a map: %v", err)
		}
		bad := btuAgingMap
		bad.Columns = map[string]string{"colour": "x"}
		if _, err := e.svc.SetReportMap(ctx, "btu", SetReportMapInput{Kind: "receivables", Map: bad, By: "controller@btu.example"}); store.ErrorCode(err) != store.CodeInvalid {
			t.Fatalf("bad map: %v", err)
		}
		if _, err := e.svc.SetReportMap(ctx, "btu", SetReportMapInput{Kind: "receivables", Map: collateral.ReportMap{Columns: map[string]string{"amount": "Balance"}}, By: "controller@btu.example"}); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Minute)
		v2, err := e.svc.SetReportMap(ctx, "btu", SetReportMapInput{Kind: "receivables", Map: btuAgingMap, By: "controller@btu.example"})
		if err != nil {
			t.Fatal(err)
		}
		maps, err := e.svc.ReportMaps(ctx, "btu", time.Time{})
		if err != nil || len(maps) != 1 || maps[0].ID != v2.ID || maps[0].Map.Layout.DateFormat != collateral.DateMDY {
			t.Fatalf("maps in force: %+v %v", maps, err)
		}
		if h, err := e.svc.ReportMapHistory(ctx, "btu", "receivables"); err != nil || len(h) != 2 {
			t.Fatalf("history: %+v %v", h, err)
		}
		// The preview of the export with the saved map.
		pv, err := e.svc.PreviewReport(ctx, "btu", PreviewInput{Kind: "receivables", File: store.InputContent{Name: "aging.csv", Content: shaped},
			Debtors: store.InputContent{Name: "debtors.csv", Content: e.debt}, AsOf: date.MustParse("2004-10-03"), Rows: 3})
		if err != nil || pv.ErrorsTotal != 0 || len(pv.Rows) != 3 || pv.Rows[0].Line != 5 || pv.Shape == nil || pv.Shape.HeaderLine != 4 {
			t.Fatalf("preview: %+v %v", pv, err)
		}
		mapped := e.mustSubmit("2004-10-03", shaped)
		plain := e.mustSubmit("2004-10-03", e.recv)
		if mapped.BorrowingBase != plain.BorrowingBase || mapped.BorrowingBase == 0 {
			t.Errorf("borrowing base %s with the map, %s plain", mapped.BorrowingBase, plain.BorrowingBase)
		}
		got, err := s.Certificate(ctx, mapped.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Inputs[0].Map) == 0 || len(got.Inputs[1].Map) != 0 {
			t.Fatalf("stored maps: %q, %q", got.Inputs[0].Map, got.Inputs[1].Map)
		}
		terms, err := e.terms.TermsAsOf(ctx, "btu", date.MustParse("2004-10-03"))
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.svc.RecomputeCertificate(ctx, terms, got)
		if err != nil || again.BorrowingBase.Amount != mapped.BorrowingBase {
			t.Errorf("computed again: %v %v, want %s", again, err, mapped.BorrowingBase)
		}
	})
}

// An explicit map given with a submission is used instead of the saved
// one (none here) and kept with its input; a map for a report not given,
// or of an unknown kind, is refused.
func TestReportMapsExplicit(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		in := e.input("2004-10-03", accountingAging(t, e.recv))
		if err := in.SetMaps(map[string]collateral.ReportMap{"sales": btuAgingMap}); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("a map for a journal not given: %v", err)
		}
		if err := in.SetMaps(map[string]collateral.ReportMap{"payroll": {}}); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("a map of an unknown kind: %v", err)
		}
		if err := in.SetMaps(map[string]collateral.ReportMap{"receivables": btuAgingMap}); err != nil {
			t.Fatal(err)
		}
		terms, err := e.terms.TermsAsOf(ctx, "btu", date.MustParse("2004-10-03"))
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := e.svc.SubmitCertificate(ctx, terms, in)
		if err != nil {
			t.Fatal(err)
		}
		plain := e.mustSubmit("2004-10-03", e.recv)
		if c.BorrowingBase != plain.BorrowingBase {
			t.Errorf("borrowing base %s with the explicit map, %s plain", c.BorrowingBase, plain.BorrowingBase)
		}
		got, err := s.Certificate(ctx, c.ID)
		if err != nil || !strings.Contains(string(got.Inputs[0].Map), `"date_format":"MM/DD/YYYY"`) {
			t.Errorf("stored map %q (%v)", got.Inputs[0].Map, err)
		}
	})
}
