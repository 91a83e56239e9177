package collateral

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"revolver/date"
	"revolver/money"
)

const debtorsCSV = `debtor_id,name,country,government,affiliate,credit_insured,assignment_of_claims,contra_payable
C1,"Acme, Inc.",US,false,false,false,false,0.00
C2,"The ""Best"" Co",ca,TRUE,no,Yes,0,1250.50
`

const recvHeader = "debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed\n"

func testDebtors(t testing.TB) []Debtor {
	t.Helper()
	ds, err := ReadDebtors("debtors.csv", []byte(debtorsCSV), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// firstErr returns the problems of err, failing if it is not an *Errors.
func problems(t *testing.T, err error) *Errors {
	t.Helper()
	var es *Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %v (%T) is not *Errors", err, err)
	}
	return es
}

func TestReadDebtors(t *testing.T) {
	ds := testDebtors(t)
	want := []Debtor{
		{ID: "C1", Name: "Acme, Inc.", Country: "US", Line: 2},
		{ID: "C2", Name: `The "Best" Co`, Country: "CA", Government: true, CreditInsured: true, ContraPayable: 125050, Line: 3},
	}
	if !slices.Equal(ds, want) {
		t.Fatalf("got %+v\nwant %+v", ds, want)
	}
}

func TestReadReceivables(t *testing.T) {
	ds := testDebtors(t)
	in := "\xEF\xBB\xBF" + strings.ReplaceAll(recvHeader+
		"C1,INV-1,2004-09-01,2004-10-01,1234.56,USD,false\n"+
		"\n"+
		"C2,\"INV,2\",2004-09-02,2004-10-02,-10.00,usd,TRUE\n"+
		" C1 , INV-3 ,2004-09-03,2004-10-03,\"1,000.00\",USD,0", "\n", "\r\n")
	r, err := ReadReceivables("receivables.csv", []byte(in), "debtors.csv", ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Line, Debtor int32
		Inv          string
		InvDate, Due date.Date
		Amount       money.Amount
		Disputed     bool
	}
	want := []got{
		{2, 0, "INV-1", date.MustParse("2004-09-01"), date.MustParse("2004-10-01"), 123456, false},
		{4, 1, "INV,2", date.MustParse("2004-09-02"), date.MustParse("2004-10-02"), -1000, true},
		{5, 0, "INV-3", date.MustParse("2004-09-03"), date.MustParse("2004-10-03"), 100000, false},
	}
	var have []got
	for i, x := range r.Rows {
		have = append(have, got{x.Line, x.Debtor, r.InvoiceNo(i), x.InvoiceDate, x.DueDate, x.Amount, x.Disputed})
	}
	if !slices.Equal(have, want) {
		t.Fatalf("got %+v\nwant %+v", have, want)
	}
	if r.File != "receivables.csv" || r.DebtorsFile != "debtors.csv" || len(r.Debtors) != 2 {
		t.Fatalf("file/debtors: %q %q %d", r.File, r.DebtorsFile, len(r.Debtors))
	}
	if r.extra != nil || len(r.ExtraColumns()) != 0 {
		t.Fatalf("extra allocated without extra columns: %v", r.extra)
	}
}

func TestHeaderOnly(t *testing.T) {
	for _, in := range []string{recvHeader, strings.TrimSuffix(recvHeader, "\n"), recvHeader + "\r\n\n"} {
		r, err := ReadReceivables("r.csv", []byte(in), "d.csv", testDebtors(t), Options{})
		if err != nil || r.Len() != 0 {
			t.Fatalf("%q: %v", in, err)
		}
	}
}

func TestBooleans(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{{"true", true}, {"TRUE", true}, {"True", true}, {"1", true}, {"yes", true}, {"YES", true},
		{"false", false}, {"False", false}, {"FALSE", false}, {"0", false}, {"no", false}, {"No", false}} {
		v, ok := parseBool([]byte(c.in))
		if !ok || v != c.want {
			t.Errorf("parseBool(%q) = %v, %v; want %v, true", c.in, v, ok, c.want)
		}
	}
	for _, in := range []string{"", "t", "f", "y", "n", "2", "truee", "nope", "maybe", "on", "off", " true"} {
		if _, ok := parseBool([]byte(in)); ok {
			t.Errorf("parseBool(%q) accepted", in)
		}
	}
}

type errCase struct {
	name   string
	kind   string // debtors, receivables, inventory
	in     string
	opt    Options
	file   string
	line   int
	column string
	msg    string // exact message of the first problem, or a fragment when frag
	frag   bool
	n      int // number of problems (0: not checked)
}

const invHeader = "item,description,location,category,quantity,unit_cost,extended_cost,last_movement_date\n"

func TestErrors(t *testing.T) {
	r := func(rows ...string) string { return recvHeader + strings.Join(rows, "\n") + "\n" }
	inv := func(rows ...string) string { return invHeader + strings.Join(rows, "\n") + "\n" }
	deb := func(rows ...string) string {
		return "debtor_id,name,country,government,affiliate,credit_insured,assignment_of_claims,contra_payable\n" + strings.Join(rows, "\n") + "\n"
	}
	ok := "C1,INV1,2004-09-01,2004-10-01,10.00,USD,false"
	cases := []errCase{
		{name: "missing column", kind: "receivables",
			in:   "debtor_id,invoice_no,invoice_date,due_date,currency,disputed\nC1,I,2004-01-01,2004-01-01,USD,false\n",
			file: "receivables.csv", line: 1, column: "amount",
			msg: `receivables.csv:1: missing column "amount"; header found: debtor_id, invoice_no, invoice_date, due_date, currency, disputed`},
		{name: "missing mapped column", kind: "receivables", opt: Options{Columns: map[string]string{"amount": "Open Balance"}},
			file: "receivables.csv", line: 1, column: "amount",
			in:  "debtor_id,invoice_no,invoice_date,due_date,currency,disputed\n",
			msg: `receivables.csv:1: missing column "amount" (looked for header "Open Balance" or "amount"); header found: debtor_id, invoice_no, invoice_date, due_date, currency, disputed`},
		{name: "bad date", kind: "receivables", in: r(ok, "C1,INV2,2004-02-30,2004-10-01,10.00,USD,false"),
			file: "receivables.csv", line: 3, column: "invoice_date",
			msg: `receivables.csv:3: column "invoice_date": found "2004-02-30", expected a date YYYY-MM-DD`},
		{name: "bad due date", kind: "receivables", in: r(ok, "C1,INV2,2004-02-03,10/01/2004,10.00,USD,false"),
			file: "receivables.csv", line: 3, column: "due_date",
			msg: `receivables.csv:3: column "due_date": found "10/01/2004", expected a date YYYY-MM-DD; month and day are ambiguous and never guessed: declare the layout's date_format MM/DD/YYYY (M/D/YYYY) or DD/MM/YYYY (D/M/YYYY)`},
		{name: "bad amount", kind: "receivables", in: r(ok, ok[:0]+"C1,INV2,2004-09-01,2004-10-01,12.345,USD,false"),
			file: "receivables.csv", line: 3, column: "amount",
			msg: `receivables.csv:3: column "amount": found "12.345", expected an amount with at most two decimals (e.g. 1234.56)`},
		{name: "empty amount", kind: "receivables", in: r("C1,INV2,2004-09-01,2004-10-01,,USD,false"),
			file: "receivables.csv", line: 2, column: "amount",
			msg: `receivables.csv:2: column "amount": found "", expected an amount with at most two decimals (e.g. 1234.56)`},
		{name: "unknown debtor", kind: "receivables", in: r(ok, "C9,INV2,2004-09-01,2004-10-01,1.00,USD,false"),
			file: "receivables.csv", line: 3, column: "debtor_id",
			msg: `receivables.csv:3: column "debtor_id": found "C9", expected a debtor_id of the customer master debtors.csv`},
		{name: "duplicate invoice", kind: "receivables", in: r(ok, "C2,INV2,2004-09-01,2004-10-01,1.00,USD,false", "C2,INV1,2004-09-01,2004-10-01,1.00,USD,false"),
			file: "receivables.csv", line: 4, column: "invoice_no",
			msg: `receivables.csv:4: column "invoice_no": found "INV1", expected a unique invoice number (it is also on line 2)`},
		{name: "triplicate invoice", kind: "receivables", in: r(ok, ok, ok), file: "receivables.csv", line: 3, column: "invoice_no",
			msg: `receivables.csv:3: column "invoice_no": found "INV1", expected a unique invoice number (it is also on line 2)`, n: 2},
		{name: "wrong currency", kind: "receivables", in: r(ok, "C1,INV2,2004-09-01,2004-10-01,1.00,EUR,false"),
			file: "receivables.csv", line: 3, column: "currency",
			msg: `receivables.csv:3: column "currency": found "EUR", expected "USD" (the currency of this report)`},
		{name: "other expected currency", kind: "receivables", opt: Options{Currency: "CAD"}, in: r(ok),
			file: "receivables.csv", line: 2, column: "currency",
			msg: `receivables.csv:2: column "currency": found "USD", expected "CAD" (the currency of this report)`},
		{name: "bad boolean", kind: "receivables", in: r(ok, "C1,INV2,2004-09-01,2004-10-01,1.00,USD,maybe"),
			file: "receivables.csv", line: 3, column: "disputed",
			msg: `receivables.csv:3: column "disputed": found "maybe", expected true or false (also yes/no, 1/0)`},
		{name: "empty file", kind: "receivables", in: "", file: "receivables.csv", line: 0,
			msg: `receivables.csv: found an empty file, expected a header line with the columns debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed`},
		{name: "blank file", kind: "debtors", in: "\r\n \n", file: "debtors.csv", line: 0, msg: "debtors.csv: found an empty file", frag: true},
		{name: "too few fields", kind: "receivables", in: r(ok, "C1,INV2,2004-09-01,2004-10-01,1.00,USD"),
			file: "receivables.csv", line: 3, msg: `receivables.csv:3: found 6 fields, expected 7 fields as in the header`},
		{name: "too many fields", kind: "receivables", in: r(ok, "C1,INV2,2004-09-01,2004-10-01,1,000.00,USD,false"),
			file: "receivables.csv", line: 3, msg: `receivables.csv:3: found 8 fields, expected 7 fields as in the header`},
		{name: "unterminated quote", kind: "receivables", in: r(ok, `C1,"INV2,2004-09-01,2004-10-01,1.00,USD,false`, ok),
			file: "receivables.csv", line: 3, column: "invoice_no",
			msg: `receivables.csv:3: column "invoice_no": found "\"INV2,2004-09-01,2004-10-01,1.00,USD,false\nC1,INV1,2004-09-01,2004-10-01,10.00,USD,false\n", expected a closing quote followed by a comma or the line's end`},
		{name: "text after quote", kind: "receivables", in: r(ok, `C1,"INV2"x,2004-09-01,2004-10-01,1.00,USD,false`),
			file: "receivables.csv", line: 3, column: "invoice_no",
			msg: `receivables.csv:3: column "invoice_no": found "\"INV2\"x", expected a closing quote followed by a comma or the line's end`},
		{name: "line after quoted newline", kind: "receivables",
			in:   "debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed,note\n" + ok + ",\"two\nlines\"\n" + "C1,INV2,2004-09-01,2004-10-01,1.00,USD,nope,x\n",
			file: "receivables.csv", line: 4, column: "disputed", msg: `receivables.csv:4: column "disputed": found "nope"`, frag: true},
		{name: "duplicate header", kind: "receivables", in: "debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed,Amount\n",
			file: "receivables.csv", line: 1, column: "amount",
			msg: `receivables.csv:1: column "amount": found "Amount", expected the column once (it is both field 5 and field 8)`},
		{name: "bad column map key", kind: "receivables", opt: Options{Columns: map[string]string{"amout": "Open Balance"}}, in: r(ok),
			file: "receivables.csv", line: 1, column: "amout", msg: `expected a column map key among the standard columns`, frag: true},
		{name: "many problems", kind: "receivables", in: r(slices.Repeat([]string{"C9,INV2,2004-09-01,2004-10-01,1.00,USD,false"}, 30)...),
			file: "receivables.csv", line: 2, column: "debtor_id", msg: `receivables.csv:2: column "debtor_id": found "C9"`, frag: true, n: 20},

		{name: "duplicate debtor", kind: "debtors", in: deb("C1,A,US,false,false,false,false,0", "C2,B,US,false,false,false,false,0", "C1,C,US,false,false,false,false,0"),
			file: "debtors.csv", line: 4, column: "debtor_id",
			msg: `debtors.csv:4: column "debtor_id": found "C1", expected a unique debtor_id (it is also on line 2)`},
		{name: "negative contra", kind: "debtors", in: deb("C1,A,US,false,false,false,false,-5.00"),
			file: "debtors.csv", line: 2, column: "contra_payable",
			msg: `debtors.csv:2: column "contra_payable": found "-5.00", expected an amount ≥ 0 with at most two decimals (e.g. 1234.56)`},
		{name: "debtor bad boolean", kind: "debtors", in: deb("C1,A,US,false,maybe,false,false,0"),
			file: "debtors.csv", line: 2, column: "affiliate", msg: `debtors.csv:2: column "affiliate": found "maybe", expected true or false (also yes/no, 1/0)`},
		{name: "debtor bad country", kind: "debtors", in: deb("C1,A,USA,false,false,false,false,0"),
			file: "debtors.csv", line: 2, column: "country", msg: `debtors.csv:2: column "country": found "USA", expected a two-letter ISO 3166 country code (e.g. US)`},
		{name: "debtor empty id", kind: "debtors", in: deb(",A,US,false,false,false,false,0"),
			file: "debtors.csv", line: 2, column: "debtor_id", msg: `debtors.csv:2: column "debtor_id": found "", expected a debtor_id`},
		{name: "debtor missing column", kind: "debtors", in: "debtor_id,name,country,government,affiliate,credit_insured,contra_payable\n",
			file: "debtors.csv", line: 1, column: "assignment_of_claims",
			msg: `debtors.csv:1: missing column "assignment_of_claims"; header found: debtor_id, name, country, government, affiliate, credit_insured, contra_payable`},

		{name: "negative extended cost", kind: "inventory", in: inv("P1,Part,BIL,raw_materials,3,1.00,3.00,2004-01-01", "P2,Part,BIL,raw_materials,3,1.00,-3.00,2004-01-01"),
			file: "inventory.csv", line: 3, column: "extended_cost",
			msg: `inventory.csv:3: column "extended_cost": found "-3.00", expected an amount ≥ 0 with at most two decimals (e.g. 1234.56)`},
		{name: "bad quantity", kind: "inventory", in: inv("P1,Part,BIL,raw_materials,three,1.00,3.00,2004-01-01"),
			file: "inventory.csv", line: 2, column: "quantity", msg: `inventory.csv:2: column "quantity": found "three", expected a quantity ≥ 0 (digits, optionally with a decimal point)`},
		{name: "inventory bad date", kind: "inventory", in: inv("P1,Part,BIL,raw_materials,3,1.00,3.00,2004-13-01"),
			file: "inventory.csv", line: 2, column: "last_movement_date", msg: `inventory.csv:2: column "last_movement_date": found "2004-13-01", expected a date YYYY-MM-DD`},
		{name: "inventory bad unit cost", kind: "inventory", in: inv("P1,Part,BIL,raw_materials,3,-1.00,3.00,2004-01-01"),
			file: "inventory.csv", line: 2, column: "unit_cost", msg: `inventory.csv:2: column "unit_cost": found "-1.00", expected a unit cost ≥ 0`, frag: true},
		{name: "inventory wrong field count", kind: "inventory", in: inv("P1,Part,BIL,raw_materials,3,1.00,3.00"),
			file: "inventory.csv", line: 2, msg: `inventory.csv:2: found 7 fields, expected 8 fields as in the header`},
		{name: "utf-16", kind: "inventory", in: "\xFF\xFEi\x00t\x00", file: "inventory.csv",
			msg: `inventory.csv: found a UTF-16 text file, expected CSV in UTF-8 (save as "CSV UTF-8")`},
		{name: "inventory empty", kind: "inventory", in: "\xEF\xBB\xBF", file: "inventory.csv", msg: `inventory.csv: found an empty file`, frag: true},
	}
	ds := testDebtors(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			switch c.kind {
			case "debtors":
				var v []Debtor
				v, err = ReadDebtors("debtors.csv", []byte(c.in), c.opt)
				if err != nil && v != nil {
					t.Fatal("rows returned with an error")
				}
			case "receivables":
				var v *Receivables
				v, err = ReadReceivables("receivables.csv", []byte(c.in), "debtors.csv", ds, c.opt)
				if err != nil && v != nil {
					t.Fatal("rows returned with an error")
				}
			case "inventory":
				var v *Inventory
				v, err = ReadInventory("inventory.csv", []byte(c.in), c.opt)
				if err != nil && v != nil {
					t.Fatal("rows returned with an error")
				}
			}
			if err == nil {
				t.Fatal("accepted")
			}
			es := problems(t, err)
			e := es.List[0]
			if e.File != c.file || e.Line != c.line || e.Column != c.column {
				t.Errorf("at %s:%d column %q, want %s:%d column %q (%v)", e.File, e.Line, e.Column, c.file, c.line, c.column, err)
			}
			if got := e.Error(); c.frag && !strings.Contains(got, c.msg) || !c.frag && got != c.msg {
				t.Errorf("message\n got %s\nwant %s", got, c.msg)
			}
			if c.n > 0 && len(es.List) != c.n {
				t.Errorf("%d problems listed, want %d: %v", len(es.List), c.n, err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe != e {
				t.Errorf("errors.As does not give the first FieldError")
			}
		})
	}
}

func TestManyErrorsTotal(t *testing.T) {
	in := recvHeader + strings.Repeat("C9,INV2,2004-09-01,2004-10-01,1.00,USD,false\n", 30)
	_, err := ReadReceivables("receivables.csv", []byte(in), "debtors.csv", testDebtors(t), Options{})
	es := problems(t, err)
	// 30 unknown debtors and 29 duplicates
	if len(es.List) != MaxErrors || es.Total != 59 {
		t.Fatalf("listed %d, total %d; want %d, 59", len(es.List), es.Total, MaxErrors)
	}
	// line 2: unknown debtor; line 3: unknown debtor, duplicate of line 2; ...
	for i, e := range es.List {
		line, col := 2+(i+1)/2, "debtor_id"
		if i%2 == 0 && i > 0 {
			col = "invoice_no"
		}
		if e.Line != line || e.Column != col {
			t.Fatalf("problem %d at %d %q, want %d %q:\n%v", i, e.Line, e.Column, line, col, err)
		}
	}
	if !strings.HasSuffix(err.Error(), "(39 more problems not shown)") {
		t.Fatalf("no mention of the rest: %s", err)
	}
}

func TestExtraColumnsAndColumnMap(t *testing.T) {
	in := "Customer No,Doc No,Doc Date,Due,Open Balance,Curr,In Dispute,Salesperson,Region\n" +
		"C1,A-1,2004-09-01,2004-10-01,5.00,USD,no,Ann,East\n" +
		"C2,A-2,2004-09-01,2004-10-01,6.00,USD,yes,,West\n"
	cols, err := ParseColumnMap("debtor_id=Customer No, invoice_no=Doc No,invoice_date=doc date,due_date=Due,amount=Open Balance,currency=Curr,disputed=In Dispute")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadReceivables("ar.csv", []byte(in), "debtors.csv", testDebtors(t), Options{Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 2 || r.InvoiceNo(1) != "A-2" || r.Rows[1].Amount != 600 || !r.Rows[1].Disputed || r.Rows[1].Debtor != 1 {
		t.Fatalf("rows %+v", r.Rows)
	}
	wantCols := []string{"debtor_id", "invoice_no", "invoice_date", "due_date", "amount", "currency", "disputed", "Salesperson", "Region"}
	if !slices.Equal(r.Columns, wantCols) {
		t.Fatalf("columns %q", r.Columns)
	}
	if got := []string{r.Extra("Salesperson", 0), r.Extra("Salesperson", 1), r.Extra("Region", 1), r.Extra("nope", 0)}; !slices.Equal(got, []string{"Ann", "", "West", ""}) {
		t.Fatalf("extra %q", got)
	}
	if !slices.Equal(r.ExtraColumns(), []string{"Salesperson", "Region"}) {
		t.Fatalf("extra columns %q", r.ExtraColumns())
	}
}

func TestParseColumnMap(t *testing.T) {
	m, err := ParseColumnMap("amount=Open Balance,invoice_no=Doc No")
	if err != nil || len(m) != 2 || m["amount"] != "Open Balance" || m["invoice_no"] != "Doc No" {
		t.Fatalf("%v %v", m, err)
	}
	if m, err := ParseColumnMap(""); m != nil || err != nil {
		t.Fatalf("empty: %v %v", m, err)
	}
	for _, bad := range []string{"amount", "amount=", "=X", "amout=X", "amount=A,amount=B"} {
		if _, err := ParseColumnMap(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestInventory(t *testing.T) {
	in := invHeader +
		"P1,\"Pipe, 12\"\" long\",BIL,raw_materials,2.5,10.00,99.99,2004-01-31\n" + // extended ≠ qty × cost is not checked
		"P2,12\" pipe,UPS-SJC,finished_goods,4,1.25,5.00,2004-02-01\n"
	v, err := ReadInventory("inventory.csv", []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Item{
		{Line: 2, Item: "P1", Description: `Pipe, 12" long`, Location: "BIL", Category: "raw_materials", Quantity: "2.5", UnitCost: "10.00", ExtendedCost: 9999, LastMovement: date.MustParse("2004-01-31")},
		{Line: 3, Item: "P2", Description: `12" pipe`, Location: "UPS-SJC", Category: "finished_goods", Quantity: "4", UnitCost: "1.25", ExtendedCost: 500, LastMovement: date.MustParse("2004-02-01")},
	}
	if !slices.Equal(v.Rows, want) {
		t.Fatalf("got %+v\nwant %+v", v.Rows, want)
	}
}

// bigReceivables writes n rows (lines 2..n+1), invoking edit for each line.
func bigReceivables(n int, edit func(line int, row string) string) []byte {
	var b bytes.Buffer
	b.WriteString(recvHeader)
	for i := range n {
		line := i + 2
		row := fmt.Sprintf("C%d,INV%08d,2004-%02d-%02d,2004-12-31,%d.%02d,USD,false", 1+i%2, i, 1+i%12, 1+i%28, i, i%100)
		if edit != nil {
			row = edit(line, row)
		}
		b.WriteString(row)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func TestChunkedLineNumbers(t *testing.T) {
	ds := testDebtors(t)
	const n = 60000 // several MB: parsed in parallel chunks
	data := bigReceivables(n, func(line int, row string) string {
		switch line {
		case 30001:
			return strings.Replace(row, "USD", "EUR", 1)
		case 55555:
			return "C1,INV00000010,2004-01-01,2004-01-01,1.00,USD,false"
		case 59999:
			return row + ",extra"
		}
		return row
	})
	if len(data) < 2*parallelMin {
		t.Fatalf("test data too small: %d", len(data))
	}
	_, err := ReadReceivables("r.csv", data, "d.csv", ds, Options{})
	es := problems(t, err)
	var got []string
	for _, e := range es.List {
		got = append(got, fmt.Sprintf("%d:%s", e.Line, e.Column))
	}
	if want := []string{"30001:currency", "55555:invoice_no", "59999:"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v\n%v", got, want, err)
	}
	if !strings.Contains(es.List[1].Error(), "also on line 12") {
		t.Fatalf("duplicate message: %s", es.List[1])
	}
	// A quoted field spanning lines in the middle: parsed again in one piece,
	// and every later line number still exact.
	data = bigReceivables(n, func(line int, row string) string {
		switch line {
		case 20000:
			return quoteNL(row)
		case 40000:
			return strings.Replace(row, "false", "nope", 1)
		case 50000:
			return "C1,INV00000010,2004-01-01,2004-01-01,1.00,USD,false"
		}
		return row
	})
	_, err = ReadReceivables("r.csv", data, "d.csv", ds, Options{})
	es = problems(t, err)
	if len(es.List) != 2 || es.List[0].Line != 40001 || es.List[0].Column != "disputed" ||
		es.List[1].Line != 50001 || !strings.Contains(es.List[1].Error(), "also on line 12") {
		t.Fatalf("got %v", err)
	}
	// and without the error the rows are all there with their lines.
	data = bigReceivables(n, func(line int, row string) string {
		if line == 20000 {
			return quoteNL(row)
		}
		return row
	})
	r, err := ReadReceivables("r.csv", data, "d.csv", ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != n || r.Rows[n-1].Line != n+2 || r.Rows[19997].Line != 19999 || r.Rows[19998].Line != 20000 || r.Rows[19999].Line != 20002 {
		t.Fatalf("rows %d, lines %d %d %d %d", r.Len(), r.Rows[n-1].Line, r.Rows[19997].Line, r.Rows[19998].Line, r.Rows[19999].Line)
	}
	if r.InvoiceNo(19998) != "INV\n00019998" {
		t.Fatalf("invoice %q", r.InvoiceNo(19998))
	}
}

func TestGeneratedData(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	out, err := exec.Command("python3", generator(t), "--out", dir, "--invoices", "2000").CombinedOutput()
	if err != nil {
		t.Fatalf("generator: %v\n%s", err, out)
	}
	r, err := LoadReceivables(filepath.Join(dir, "receivables.csv"), filepath.Join(dir, "debtors.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 2000 || len(r.Debtors) != 50 {
		t.Fatalf("%d receivables, %d debtors", r.Len(), len(r.Debtors))
	}
	var sum money.Amount
	for i, x := range r.Rows {
		if x.Line != int32(i+2) || r.InvoiceNo(i) == "" || x.DueDate < x.InvoiceDate {
			t.Fatalf("row %d: %+v", i, x)
		}
		sum += x.Amount
	}
	if sum <= 0 {
		t.Fatalf("sum %v", sum)
	}
	v, err := LoadInventory(filepath.Join(dir, "inventory.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Rows) != 200 {
		t.Fatalf("%d items", len(v.Rows))
	}
}

func generator(t testing.TB) string {
	// shared/ stands beside the module root.
	for _, c := range []string{"../../shared/data/gen_abl_data.py"} {
		if _, err := os.Stat(c); err == nil {
			abs, _ := filepath.Abs(c)
			return abs
		}
	}
	t.Skip("gen_abl_data.py not found")
	return ""
}

// quoteNL puts a newline into the row's invoice number, quoted.
func quoteNL(row string) string {
	f := strings.Split(row, ",")
	f[1] = "\"" + f[1][:3] + "\n" + f[1][3:] + "\""
	return strings.Join(f, ",")
}

// Invoice numbers with doubled quotes are not verbatim in the input; they
// are kept after it, and duplicates are still found across both kinds.
func TestEscapedInvoiceNumbers(t *testing.T) {
	ds := testDebtors(t)
	const n = 50000
	esc := func(line int, row string) string {
		f := strings.Split(row, ",")
		f[1] = `"` + f[1][:3] + `""` + f[1][3:] + `"`
		return strings.Join(f, ",")
	}
	data := bigReceivables(n, func(line int, row string) string {
		if line%1000 == 0 {
			return esc(line, row)
		}
		return row
	})
	r, err := ReadReceivables("r.csv", data, "d.csv", ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Rows {
		want := fmt.Sprintf("INV%08d", i)
		if int(r.Rows[i].Line)%1000 == 0 {
			want = fmt.Sprintf(`INV"%08d`, i)
		}
		if got := r.InvoiceNo(i); got != want {
			t.Fatalf("row %d (line %d): %q, want %q", i, r.Rows[i].Line, got, want)
		}
	}
	// a duplicate of an escaped one, written verbatim, and the other way round
	data = bigReceivables(n, func(line int, row string) string {
		switch line {
		case 3000:
			return esc(line, row)
		case 45000:
			return `C1,"INV""00002998",2004-01-01,2004-01-01,1.00,USD,false`
		case 46000:
			return `C1,INV00000007,2004-01-01,2004-01-01,1.00,USD,false`
		case 47000:
			return `C1,"INV00000008",2004-01-01,2004-01-01,1.00,USD,false`
		}
		return row
	})
	_, err = ReadReceivables("r.csv", data, "d.csv", ds, Options{})
	es := problems(t, err)
	var got []string
	for _, e := range es.List {
		got = append(got, fmt.Sprintf("%d:%s:%s", e.Line, e.Column, e.Value))
	}
	if want := []string{`45000:invoice_no:INV"00002998`, "46000:invoice_no:INV00000007", "47000:invoice_no:INV00000008"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !strings.Contains(es.List[0].Error(), "also on line 3000") || !strings.Contains(es.List[1].Error(), "also on line 9") {
		t.Fatalf("%v", err)
	}
}

func TestLoadMapped(t *testing.T) {
	ds := testDebtors(t)
	dir := t.TempDir()
	dPath, rPath := filepath.Join(dir, "debtors.csv"), filepath.Join(dir, "receivables.csv")
	if err := os.WriteFile(dPath, []byte(debtorsCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	data := bigReceivables(40000, nil) // over 1 MiB: mapped
	if err := os.WriteFile(rPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := LoadReceivables(rPath, dPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadReceivables("x", data, "y", ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recvValues(r), recvValues(want)) {
		t.Fatal("loaded and read differ")
	}
	// A copy of the aging keeps the mapped input alive.
	cp := *r
	r = nil
	for range 3 {
		runtime.GC()
	}
	if got := cp.InvoiceNo(cp.Len() - 1); got != "INV00039999" {
		t.Fatalf("after GC: %q", got)
	}
	if _, err := LoadReceivables(filepath.Join(dir, "nope.csv"), dPath, Options{}); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestIDTable(t *testing.T) {
	var ds []Debtor
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ds = append(ds, Debtor{ID: id})
		}
	}
	for i := range 3000 {
		add(fmt.Sprintf("C%06d", i))
		add(fmt.Sprintf("CUSTOMER-%08d-EAST", i))
		add(fmt.Sprint(i))
		add(fmt.Sprintf("%x", i%300))
		add(strings.Repeat("a", i%20))
	}
	add("A\x00")
	add("A")
	tab := newIDTable(ds)
	for i, d := range ds {
		if got := tab.lookup([]byte(d.ID)); got != int32(i) {
			t.Fatalf("lookup(%q) = %d, want %d", d.ID, got, i)
		}
	}
	for _, id := range []string{"C9999999", "CUSTOMER-00000001-WEST", "A\x00\x00", "zz", "aaaaaaaaaaaaaaaaaaaaa", "C00000"} {
		if got := tab.lookup([]byte(id)); got != -1 {
			t.Fatalf("lookup(%q) = %d, want -1", id, got)
		}
	}
}

func TestInventoryExtraAndDebtorColumnMap(t *testing.T) {
	in := "Part,Text,Loc,Cat,Qty,Cost,Value,Last Move,Bin\n" +
		"P1,Pipe,BIL,raw_materials,1,2.00,2.00,2004-01-01,A-7\n" +
		"P2,Valve,BIL,raw_materials,1,3.00,3.00,2004-01-02,\n"
	cols, err := ParseColumnMap("item=Part,description=Text,location=Loc,category=Cat,quantity=Qty,unit_cost=Cost,extended_cost=Value,last_movement_date=Last Move,debtor_id=Customer")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ReadInventory("inv.csv", []byte(in), Options{Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Rows) != 2 || v.Rows[1].Item != "P2" || v.Rows[1].ExtendedCost != 300 || v.Extra("Bin", 0) != "A-7" || v.Extra("Bin", 1) != "" {
		t.Fatalf("%+v %q", v.Rows, v.ExtraColumns())
	}
	// The same map serves a customer master that names its id "Customer".
	ds, err := ReadDebtors("d.csv", []byte("Customer,name,country,government,affiliate,credit_insured,assignment_of_claims,contra_payable\nX1,N,US,no,no,no,no,0\n"), Options{Columns: cols})
	if err != nil || len(ds) != 1 || ds[0].ID != "X1" {
		t.Fatalf("%+v %v", ds, err)
	}
}

// Regression: ERP exports give unit costs with four decimals; only the
// extended cost is money that revolver counts.
func TestUnitCostWithFourDecimals(t *testing.T) {
	v, err := ReadInventory("inventory.csv", []byte(invHeader+"P1,Part,BIL,raw_materials,3,1.0055,3.02,2004-01-01\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Rows[0]; got.UnitCost != "1.0055" || got.ExtendedCost != 302 {
		t.Errorf("got %+v", got)
	}
}

// Invoice numbers of every length, each once and then again: every second
// one is found, and only those (lengths around the hash's word sizes, and
// numbers equal in the words it reads but not in between).
func TestDuplicateInvoicesEveryLength(t *testing.T) {
	var b strings.Builder
	b.WriteString("debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed\n")
	var nos []string
	for n := 1; n <= 40; n++ {
		nos = append(nos, strings.Repeat("7", n), strings.Repeat("7", n-1)+"8")
	}
	nos = append(nos, "ABCDEFGH12ABCDEFGH", "ABCDEFGH21ABCDEFGH", "ABCDxABCD", "ABCDyABCD")
	for pass := range 2 {
		for i, no := range nos {
			if pass == 1 && i%2 == 1 {
				continue
			}
			fmt.Fprintf(&b, "C1,%s,2004-09-01,2004-10-01,1.00,USD,false\n", no)
		}
	}
	_, err := ReadReceivables("r.csv", []byte(b.String()), "d.csv", []Debtor{{ID: "C1"}}, Options{})
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v; expected the duplicates", err)
	}
	want := (len(nos) + 1) / 2
	if errs.Total != want {
		t.Fatalf("%d problems; expected %d duplicates: %v", errs.Total, want, err)
	}
	for k, e := range errs.List {
		if e.Value != nos[2*k] || e.Line != len(nos)+2+k {
			t.Fatalf("problem %d: %v; expected %q on line %d", k, e, nos[2*k], len(nos)+2+k)
		}
	}
}
