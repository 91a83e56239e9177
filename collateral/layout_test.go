package collateral

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"revolver/money"
)

var updateTestdata = flag.Bool("update-testdata", false, "write the workbooks of testdata/layout again")

// qbMap is the column map and layout of the QuickBooks-shaped aging.
var qbMap = ReportMap{
	Columns: map[string]string{"debtor_id": "Name", "invoice_no": "Num", "invoice_date": "Date", "due_date": "Due Date", "amount": "Open Balance"},
	Layout:  &Layout{DateFormat: DateMDY, Defaults: map[string]string{"currency": "USD", "disputed": "false"}},
}

func layoutFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "layout", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func layoutDebtors(t *testing.T) []Debtor {
	t.Helper()
	ds, err := ReadDebtors("debtors.csv", layoutFile(t, "debtors.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

type gotRow struct {
	line         int32
	inv, debtor  string
	invDate, due string
	amount       string
}

func recvRows(r *Receivables) []gotRow {
	var out []gotRow
	for i, x := range r.Rows {
		out = append(out, gotRow{x.Line, r.InvoiceNo(i), r.DebtorID(i), x.InvoiceDate.String(), x.DueDate.String(), x.Amount.String()})
	}
	return out
}

// The QuickBooks-shaped aging: title rows, the header on line 5, customer
// group headers, per-customer subtotals and a grand total, US dates,
// "$1,234.56", "(12.00)" and "25.00-".
func TestLayoutQuickBooksAging(t *testing.T) {
	r, err := ReadReceivables("qb-aging.csv", layoutFile(t, "qb-aging.csv"), "debtors.csv", layoutDebtors(t), qbMap.Options(""))
	if err != nil {
		t.Fatal(err)
	}
	want := []gotRow{
		{7, "1001", "Beta Corp", "2026-03-02", "2026-04-01", "1234.56"},
		{8, "CM-7", "Beta Corp", "2026-03-05", "2026-03-05", "-12.00"},
		{11, "1002", "Gamma LLC", "2026-01-15", "2026-02-14", "10000.00"},
		{12, "1003", "Gamma LLC", "2026-03-20", "2026-04-19", "500.00"},
		{13, "PMT-1", "Gamma LLC", "2026-03-25", "2026-03-25", "-25.00"},
		{16, "1004", "Delta GmbH", "2025-12-01", "2025-12-31", "2000.00"},
	}
	if got := recvRows(r); !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	sh, err := shapeReport("qb-aging.csv", "receivables", layoutFile(t, "qb-aging.csv"), false, qbMap.Options(""))
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, s := range sh.shape.Skipped {
		roles = append(roles, s.Role+"@"+itoa(s.Line))
	}
	wantRoles := []string{"title@1", "title@2", "title@3", "group@6", "subtotal@9", "group@10", "subtotal@14", "group@15", "subtotal@17", "total@19"}
	if !slices.Equal(roles, wantRoles) || sh.shape.HeaderLine != 5 || sh.shape.Detail != 6 {
		t.Errorf("got roles %v header %d detail %d, want %v header 5 detail 6", roles, sh.shape.HeaderLine, sh.shape.Detail, wantRoles)
	}
}

func itoa(n int) string { return money.Amount(n * 100).String()[:len(money.Amount(n*100).String())-3] }

// Refused exports, each with every message it must give.
func TestLayoutRefused(t *testing.T) {
	noFormat := qbMap
	noFormat.Layout = &Layout{Defaults: qbMap.Layout.Defaults}
	header5 := qbMap
	header5.Layout = &Layout{DateFormat: DateMDY, HeaderRow: 4, Defaults: qbMap.Layout.Defaults}
	marker := qbMap
	marker.Layout = &Layout{DateFormat: DateMDY, MarkerColumn: "Kind", Defaults: qbMap.Layout.Defaults}
	tests := []struct {
		name, file string
		m          ReportMap
		want       []string
	}{
		{"subtotal differs", "qb-aging-bad-subtotal.csv", qbMap, []string{
			`qb-aging-bad-subtotal.csv:14: column "amount": found "$10,500.00", expected 10475.00, the sum of the detail it covers (lines 11–13, under the group header on line 10): the total differs by 25.00`,
		}},
		{"bad values named as written", "qb-aging-bad-values.csv", qbMap, []string{
			`qb-aging-bad-values.csv:11: column "invoice_date": found "13/15/2026", expected a date MM/DD/YYYY (the layout's date_format)`,
			`qb-aging-bad-values.csv:12: column "amount": found "$5,00.00", expected an amount with at most two decimals (e.g. 1234.56); also $1,234.56, (1,234.56) or 1,234.56- for a negative`,
		}},
		{"US dates without a declared format", "qb-aging-iso-header1.csv", noFormat, []string{
			`qb-aging-iso-header1.csv:2: column "invoice_date": found "03/04/2026", expected a date YYYY-MM-DD; month and day are ambiguous and never guessed: declare the layout's date_format MM/DD/YYYY (M/D/YYYY) or DD/MM/YYYY (D/M/YYYY)`,
			`qb-aging-iso-header1.csv:2: column "due_date": found "04/03/2026", expected a date YYYY-MM-DD; month and day are ambiguous and never guessed: declare the layout's date_format MM/DD/YYYY (M/D/YYYY) or DD/MM/YYYY (D/M/YYYY)`,
		}},
		{"declared header row is not the header", "qb-aging.csv", header5, []string{
			`qb-aging.csv:4: found an empty row, expected the column header (the layout's header_row)`,
		}},
		{"marker column absent", "qb-aging.csv", marker, []string{
			`qb-aging.csv:5: missing column "Kind" (the layout's marker_column); header found: , Type, Date, Num, Name, Due Date, Aging, Open Balance`,
		}},
		{"no header", "qb-aging.csv", ReportMap{Layout: &Layout{DateFormat: DateMDY}}, []string{
			`qb-aging.csv: found no row with the columns among the first 100, expected a header row with the columns debtor_id, invoice_no, invoice_date, due_date, amount, currency, disputed (or declare the layout's header_row)`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ReadReceivables(tc.file, layoutFile(t, tc.file), "debtors.csv", layoutDebtors(t), tc.m.Options(""))
			if r != nil || err == nil {
				t.Fatalf("read %v, want refused", r)
			}
			var es *Errors
			if !errors.As(err, &es) {
				t.Fatalf("error %T %v", err, err)
			}
			var got []string
			for _, e := range es.List {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// An inventory valuation with day-first dates, "1,200" quantities and
// "Total …" rows in the item column: the same path as the aging.
func TestLayoutInventoryValuation(t *testing.T) {
	m := ReportMap{Columns: map[string]string{"location": "Site", "category": "Class", "quantity": "On Hand", "unit_cost": "Avg Cost", "extended_cost": "Asset Value", "last_movement_date": "Last Moved"},
		Layout: &Layout{DateFormat: DateDMY}}
	v, err := ReadInventory("inventory-valuation.csv", layoutFile(t, "inventory-valuation.csv"), m.Options(""))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range v.Rows {
		got = append(got, strings.Join([]string{it.Item, it.Quantity, it.UnitCost, it.ExtendedCost.String(), it.LastMovement.String()}, " "))
	}
	want := []string{"FG-100 1200 4.50 5400.00 2026-03-28", "FG-200 10 12.00 120.00 2026-02-01", "RM-1 500 2.00 1000.00 2026-03-15"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// The two-sheet workbook (testdata/layout/aging-two-sheets.xlsx): each sheet
// with a title row, its header on row 3, a total; read one sheet by name or
// both concatenated.
func TestLayoutTwoSheets(t *testing.T) {
	writeLayoutWorkbooks(t)
	data := layoutFile(t, "aging-two-sheets.xlsx")
	ds := layoutDebtors(t)
	m := ReportMap{Columns: qbMap.Columns, Layout: &Layout{DateFormat: DateMDYLoose, Sheet: SheetsAll, Defaults: qbMap.Layout.Defaults}}
	r, err := ReadReceivablesXLSX("aging-two-sheets.xlsx", data, "debtors.csv", ds, m.Options(""))
	if err != nil {
		t.Fatal(err)
	}
	want := []gotRow{
		{4, "E-1", "Beta Corp", "2026-03-02", "2026-04-01", "1234.56"},
		{5, "E-2", "Gamma LLC", "2026-03-09", "2026-04-08", "-12.00"},
		{6 + 4, "W-1", "Delta GmbH", "2026-02-01", "2026-03-03", "700.00"}, // row 4 of the second sheet, numbered on
	}
	if got := recvRows(r); !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	m.Layout.Sheet = "West"
	r, err = ReadReceivablesXLSX("aging-two-sheets.xlsx", data, "debtors.csv", ds, m.Options(""))
	if err != nil {
		t.Fatal(err)
	}
	if got := recvRows(r); !slices.Equal(got, []gotRow{{4, "W-1", "Delta GmbH", "2026-02-01", "2026-03-03", "700.00"}}) {
		t.Errorf("sheet West: got %v", got)
	}
	m.Layout.Sheet = "North"
	if _, err := ReadReceivablesXLSX("aging-two-sheets.xlsx", data, "debtors.csv", ds, m.Options("")); err == nil ||
		err.Error() != `aging-two-sheets.xlsx: found no sheet "North" (the sheets are "East", "West"), expected the sheet the layout names` {
		t.Errorf("sheet North: %v", err)
	}
	// The bad workbook: the second sheet's total differs, named by its sheet and row.
	m.Layout.Sheet = SheetsAll
	_, err = ReadReceivablesXLSX("aging-two-sheets-bad.xlsx", layoutFile(t, "aging-two-sheets-bad.xlsx"), "debtors.csv", ds, m.Options(""))
	want1 := `aging-two-sheets-bad.xlsx[West]:5: column "amount": found "$750.00", expected 700.00, the sum of the detail it covers (line 4): the total differs by 50.00`
	want2 := `aging-two-sheets-bad.xlsx[West]:6: column "invoice_date": found "2/30/2026", expected a date M/D/YYYY (the layout's date_format) or a spreadsheet date`
	if err == nil || err.Error() != want1+"\n"+want2 {
		t.Errorf("got %v\nwant %s\n%s", err, want1, want2)
	}
}

// writeLayoutWorkbooks writes the test workbooks with -update-testdata.
func writeLayoutWorkbooks(t *testing.T) {
	if !*updateTestdata {
		return
	}
	header := []any{"Type", "Date", "Num", "Name", "Due Date", "Open Balance"}
	east := [][]any{{"East region: A/R aging as of 3/31/2026"}, {}, header,
		{"Invoice", "3/2/2026", "E-1", "Beta Corp", "4/1/2026", "$1,234.56"},
		{"Credit Memo", "3/9/2026", "E-2", "Gamma LLC", "4/8/2026", "(12.00)"},
		{"Total", "", "", "", "", "$1,222.56"}}
	west := func(total string, extra ...[]any) [][]any {
		rows := [][]any{{"West region: A/R aging as of 3/31/2026"}, {}, header,
			{"Invoice", "2/1/2026", "W-1", "Delta GmbH", "3/3/2026", 700},
			{"Total", "", "", "", "", total}}
		return append(rows, extra...)
	}
	writeXLSX(t, filepath.Join("testdata", "layout", "aging-two-sheets.xlsx"),
		map[string][][]any{"East": east, "West": west("$700.00")}, []string{"East", "West"})
	writeXLSX(t, filepath.Join("testdata", "layout", "aging-two-sheets-bad.xlsx"),
		map[string][][]any{"East": east, "West": west("$750.00", []any{"Invoice", "2/30/2026", "W-2", "Delta GmbH", "3/3/2026", 5})}, []string{"East", "West"})
}

func TestNormalize(t *testing.T) {
	amounts := []struct{ in, want string }{
		{"$1,234.56", "1,234.56"}, {"(12.00)", "-12.00"}, {"12.00-", "-12.00"}, {"-$5.00", "-5.00"},
		{"$-5.00", "-5.00"}, {"($1,000.00)", "-1,000.00"}, {" 7 ", "7"}, {"(-1.00)", ""}, {"--1", ""}, {"$", ""}, {"abc", ""},
	}
	for _, tc := range amounts {
		got, ok := normalizeAmount(tc.in)
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("normalizeAmount(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	dates := []struct{ in, format, want string }{
		{"03/04/2026", DateMDY, "2026-03-04"}, {"03/04/2026", DateDMY, "2026-04-03"}, {"3/4/2026", DateMDYLoose, "2026-03-04"},
		{"3/4/2026", DateMDY, ""}, {"2026-03-04", DateMDY, "2026-03-04"}, {"02/30/2026", DateMDY, ""}, {"4/3/2026", DateDMYLoose, "2026-03-04"},
	}
	for _, tc := range dates {
		got, ok := normalizeDate(tc.in, tc.format)
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("normalizeDate(%q, %s) = %q, want %q", tc.in, tc.format, got, tc.want)
		}
	}
	for _, in := range []string{"1,200", "$4.50", "(5)"} {
		if _, ok := normalizeNumber(in); !ok {
			t.Errorf("normalizeNumber(%q) refused", in)
		}
	}
	if _, ok := normalizeNumber("1,20"); ok {
		t.Error("normalizeNumber(1,20) accepted")
	}
}

func TestParseLayoutRoundTrip(t *testing.T) {
	spec := "date_format=MM/DD/YYYY,header_row=5,sheet=*,total_markers=Total|Subtotal,marker_column=Type,default.currency=USD,default.disputed=false"
	l, err := ParseLayout(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.String(); got != spec {
		t.Errorf("got %q, want %q", got, spec)
	}
	for _, bad := range []string{"date_format=MM-DD-YYYY", "header_row=x", "colour=red", "novalue"} {
		if _, err := ParseLayout(bad); err == nil {
			t.Errorf("ParseLayout(%q) accepted", bad)
		}
	}
	if err := (ReportMap{Columns: map[string]string{"amount": "X"}}).Validate("debtors"); err == nil {
		t.Error("amount accepted in a customer master's map")
	}
	if err := (ReportMap{Layout: &Layout{Defaults: map[string]string{"currency": "USD"}}}).Validate("receivables"); err != nil {
		t.Error(err)
	}
}

// A collections journal exported with day-first dates, a title row, a
// batch header and a total, read by the same path as the reports; its
// total is checked too.
func TestLayoutCollectionsJournal(t *testing.T) {
	csv := "Cash receipts, March 2026\n\nPosted,Customer,Invoice,Type,Cheque,Batch,Received\nBatch 7\n" +
		"02/03/2026,Beta Corp,1001,receipt,CHK-1,B7,\"$1,000.00\"\n25/03/2026,Gamma LLC,1002,returned,CHK-2,B7,(250.00)\nTotal,,,,,,$750.00\n"
	m := ReportMap{Columns: map[string]string{"date": "Posted", "debtor_id": "Customer", "invoice_no": "Invoice", "kind": "Type", "check_no": "Cheque", "batch": "Batch", "amount": "Received"},
		Layout: &Layout{DateFormat: DateDMY}}
	j, err := ReadCollections("collections.csv", []byte(csv), m.Options(""))
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Rows) != 2 || j.Rows[0].Date.String() != "2026-03-02" || j.Rows[1].Amount.String() != "-250.00" || j.Rows[1].Line != 6 {
		t.Errorf("got %+v", j.Rows)
	}
	_, err = ReadCollections("collections.csv", []byte(strings.Replace(csv, "$750.00", "$700.00", 1)), m.Options(""))
	want := `collections.csv:7: column "amount": found "$700.00", expected 750.00, the sum of the detail it covers (lines 5–6, under the group header on line 4): the total differs by -50.00`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
