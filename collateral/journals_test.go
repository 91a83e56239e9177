package collateral

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"revolver/date"
)

const (
	salesHeader = "debtor_id,invoice_no,invoice_date,due_date,amount,currency\n"
	collHeader  = "date,debtor_id,invoice_no,kind,check_no,batch,amount\n"
	credHeader  = "date,debtor_id,invoice_no,memo_no,kind,amount\n"
	moveHeader  = "date,item,location,kind,quantity,unit_cost,amount\n"
)

func TestReadJournals(t *testing.T) {
	s, err := ReadSales("sales.csv", []byte(salesHeader+"C1,INV1,2004-02-02,2004-03-03,1234.56,usd\n\nC2,\"INV,2\",2004-02-03,2004-03-04,-10.00,USD\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []SaleRow{
		{Line: 2, DebtorID: "C1", InvoiceNo: "INV1", InvoiceDate: date.MustParse("2004-02-02"), DueDate: date.MustParse("2004-03-03"), Amount: 123456, Currency: "USD"},
		{Line: 4, DebtorID: "C2", InvoiceNo: "INV,2", InvoiceDate: date.MustParse("2004-02-03"), DueDate: date.MustParse("2004-03-04"), Amount: -1000, Currency: "USD"},
	}
	if fmt.Sprint(s.Rows) != fmt.Sprint(want) || s.File != "sales.csv" {
		t.Fatalf("sales %+v", s)
	}
	c, err := ReadCollections("collections.csv", []byte(collHeader+"2004-02-09,C1,INV1,receipt,CHK1,LBX1,100.00\r\n2004-02-12,C1,INV1,RETURNED,CHK1,RET1,-100.00\r\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != 2 || c.Rows[1].Kind != CollectionReturned || c.Rows[1].Amount != -10000 || c.Rows[1].Line != 3 || c.Rows[0].CheckNo != "CHK1" || c.Rows[0].Batch != "LBX1" {
		t.Fatalf("collections %+v", c.Rows)
	}
	cr, err := ReadCredits("credits.csv", []byte(credHeader+"2004-02-15,C1,INV1,CM1,allowance,50.00\n2004-02-16,C1,INV1,CM2,writeoff,1\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cr.Rows) != 2 || cr.Rows[0].Kind != CreditAllowance || cr.Rows[1].Amount != 100 || cr.Rows[1].MemoNo != "CM2" {
		t.Fatalf("credits %+v", cr.Rows)
	}
	m, err := ReadInventoryActivity("inventory_activity.csv", []byte(moveHeader+"2004-02-05,P1,BIL,receipt,6,5.00,30.00\n2004-02-06,P1,BIL,issue,1.5,5.00,7.50\n2004-02-07,P1,BIL,adjustment,-1,5.00,-5.00\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Rows) != 3 || m.Rows[2].Quantity != "-1" || m.Rows[2].Amount != -500 || m.Rows[1].Kind != MoveIssue || m.Rows[0].Location != "BIL" {
		t.Fatalf("activity %+v", m.Rows)
	}
}

// TestJournalErrors: every bad row is named by file, line and column, with
// what was found and what was expected.
func TestJournalErrors(t *testing.T) {
	type read func(string, []byte, Options) (any, error)
	sales := func(n string, d []byte, o Options) (any, error) { return ReadSales(n, d, o) }
	coll := func(n string, d []byte, o Options) (any, error) { return ReadCollections(n, d, o) }
	cred := func(n string, d []byte, o Options) (any, error) { return ReadCredits(n, d, o) }
	move := func(n string, d []byte, o Options) (any, error) { return ReadInventoryActivity(n, d, o) }
	for _, c := range []struct {
		name string
		read read
		file string
		in   string
		opt  Options
		want []string
	}{
		{"sales amount", sales, "sales.csv", salesHeader + "C1,I1,2004-02-02,2004-03-03,12.345,USD\n",
			Options{}, []string{`sales.csv:2: column "amount": found "12.345", expected an amount with at most two decimals (e.g. 1234.56)`}},
		{"sales currency and date", sales, "sales.csv", salesHeader + "C1,I1,2004-02-02,2004-03-03,1.00,USD\nC1,I2,2004-02-30,2004-03-03,1.00,EUR\n",
			Options{}, []string{`sales.csv:3: column "invoice_date": found "2004-02-30", expected a date YYYY-MM-DD`,
				`sales.csv:3: column "currency": found "EUR", expected "USD" (the currency of this report)`}},
		{"sales no invoice", sales, "sales.csv", salesHeader + "C1,,2004-02-02,2004-03-03,1.00,USD\n",
			Options{}, []string{`sales.csv:2: column "invoice_no": found "", expected an invoice number`}},
		{"sales missing column", sales, "sales.csv", "debtor_id,invoice_no,invoice_date,due_date,currency\n",
			Options{}, []string{`sales.csv:1: missing column "amount"; header found: debtor_id, invoice_no, invoice_date, due_date, currency`}},
		{"receipt not positive", coll, "collections.csv", collHeader + "2004-02-09,C1,I1,receipt,CHK1,LBX1,-1.00\n",
			Options{}, []string{`collections.csv:2: column "amount": found "-1.00", expected an amount > 0 with at most two decimals (e.g. 1234.56)`}},
		{"returned not negative", coll, "collections.csv", collHeader + "2004-02-09,C1,I1,returned,CHK1,RET1,1.00\n",
			Options{}, []string{`collections.csv:2: column "amount": found "1.00", expected an amount < 0 with at most two decimals (e.g. -1234.56): a returned check is negative`}},
		{"collection kind", coll, "collections.csv", collHeader + "2004-02-09,C1,I1,refund,CHK1,RET1,1.00\n",
			Options{}, []string{`collections.csv:2: column "kind": found "refund", expected receipt or returned`}},
		{"collection fields", coll, "collections.csv", collHeader + "2004-02-09,C1,I1,receipt,CHK1,1.00\n",
			Options{}, []string{`collections.csv:2: found 6 fields, expected 7 fields as in the header`}},
		{"credit zero", cred, "credits.csv", credHeader + "2004-02-15,C1,I1,CM1,discount,0.00\n",
			Options{}, []string{`credits.csv:2: column "amount": found "0.00", expected an amount > 0 with at most two decimals (e.g. 1234.56)`}},
		{"credit kind", cred, "credits.csv", credHeader + "2004-02-15,C1,I1,CM1,rebate,1.00\n",
			Options{}, []string{`credits.csv:2: column "kind": found "rebate", expected return, allowance, discount or writeoff`}},
		{"credit date", cred, "credits.csv", credHeader + "2004-02-15,C1,I1,CM1,return,1.00\n15/02/2004,C1,I1,CM2,return,1.00\n",
			Options{}, []string{`credits.csv:3: column "date": found "15/02/2004", expected a date YYYY-MM-DD; it reads only day first: declare the layout's date_format DD/MM/YYYY (or D/M/YYYY)`}},
		{"issue negative", move, "inventory_activity.csv", moveHeader + "2004-02-06,P1,BIL,issue,-1,5.00,-5.00\n",
			Options{}, []string{`inventory_activity.csv:2: column "quantity": found "-1", expected a quantity > 0 (digits, optionally with a decimal point)`,
				`inventory_activity.csv:2: column "amount": found "-5.00", expected an amount > 0 with at most two decimals (e.g. 1234.56)`}},
		{"move kind and location", move, "inventory_activity.csv", moveHeader + "2004-02-06,P1,,transfer,1,5.00,5.00\n",
			Options{}, []string{`inventory_activity.csv:2: column "location": found "", expected a location code`,
				`inventory_activity.csv:2: column "kind": found "transfer", expected receipt, issue or adjustment`}},
		{"mapped column missing", move, "inventory_activity.csv", moveHeader,
			Options{Columns: map[string]string{"amount": "Value"}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.read(c.file, []byte(c.in), c.opt)
			if c.want == nil { // the mapped name absent, the standard one present
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var es *Errors
			if !errors.As(err, &es) {
				t.Fatalf("got %v, %v; want an *Errors", got, err)
			}
			if !reflect.ValueOf(got).IsNil() {
				t.Errorf("rows with an error: %v", got)
			}
			var msgs []string
			for _, e := range es.List {
				msgs = append(msgs, e.Error())
				if e.File != c.file {
					t.Errorf("file %q", e.File)
				}
			}
			if strings.Join(msgs, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestJournalColumnMap(t *testing.T) {
	opt := Options{Columns: map[string]string{"invoice_no": "Doc No", "amount": "Applied", "date": "Posted"}}
	c, err := ReadCollections("c.csv", []byte("Posted,debtor_id,Doc No,kind,check_no,batch,Applied,Note\n2004-02-09,C1,I1,receipt,CHK1,LBX1,100.00,x\n"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if c.Rows[0].InvoiceNo != "I1" || c.Rows[0].Amount != 10000 || c.Rows[0].Date != date.MustParse("2004-02-09") {
		t.Fatalf("%+v", c.Rows)
	}
	if _, err := ParseColumnMap("memo_no=Memo,check_no=Check"); err != nil {
		t.Fatalf("journal columns are standard columns: %v", err)
	}
}

func TestJournalsXLSX(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "credits.xlsx")
	writeXLSX(t, p, map[string][][]any{"Credits": {
		{"date", "debtor_id", "invoice_no", "memo_no", "kind", "amount"},
		{38032, "C1", "I1", "CM1", "Return", "10086.720000000001"}, // 38032 = 2004-02-15
		{},
		{"2004-02-16", "C1", 1002, "CM2", "discount", "2.5"},
	}}, []string{"Credits"})
	cr, err := LoadCredits(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cr.Rows) != 2 || cr.Rows[0].Date != date.MustParse("2004-02-15") || cr.Rows[0].Amount != 1008672 ||
		cr.Rows[0].Kind != CreditReturn || cr.Rows[1].Line != 4 || cr.Rows[1].InvoiceNo != "1002" || cr.Rows[1].Amount != 250 {
		t.Fatalf("%+v", cr.Rows)
	}
	bad := filepath.Join(dir, "sales.xlsx")
	writeXLSX(t, bad, map[string][][]any{"Sheet1": {
		{"debtor_id", "invoice_no", "invoice_date", "due_date", "amount", "currency"},
		{"C1", "I1", "someday", "2004-03-01", "1.00", "USD"},
	}}, []string{"Sheet1"})
	_, err = LoadSales(bad, Options{})
	if err == nil || !strings.Contains(err.Error(), `sales.xlsx:2: column "invoice_date": found "someday", expected a date YYYY-MM-DD or a spreadsheet date`) {
		t.Fatalf("got %v", err)
	}
}

// TestCheckPeriod: rows dated outside (P, A] are refused, each named, the
// sales journal by invoice_date; the bounds themselves: P refused, A taken.
func TestCheckPeriod(t *testing.T) {
	P, A := date.MustParse("2004-01-31"), date.MustParse("2004-02-29")
	j := Journals{
		Sales: &SalesJournal{File: "sales.csv", Rows: []SaleRow{
			{Line: 2, InvoiceDate: A}, {Line: 3, InvoiceDate: P}, {Line: 4, InvoiceDate: P + 1, DueDate: A + 40}}},
		Collections: &CollectionsJournal{File: "collections.csv", Rows: []CollectionRow{{Line: 7, Date: A + 1}}},
		Credits:     &CreditsJournal{File: "credits.csv", Rows: []CreditRow{{Line: 2, Date: A}}},
		InventoryActivity: &InventoryActivity{File: "inventory_activity.csv", Rows: []InventoryMove{
			{Line: 5, Date: date.MustParse("2003-12-31")}}},
	}
	err := j.CheckPeriod(P, A)
	want := strings.Join([]string{
		`sales.csv:3: column "invoice_date": found "2004-01-31", expected a date after 2004-01-31 and on or before 2004-02-29`,
		`collections.csv:7: column "date": found "2004-03-01", expected a date after 2004-01-31 and on or before 2004-02-29`,
		`inventory_activity.csv:5: column "date": found "2003-12-31", expected a date after 2004-01-31 and on or before 2004-02-29`,
	}, "\n")
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
	if err := (Journals{}).CheckPeriod(P, A); err != nil {
		t.Fatalf("no journals: %v", err)
	}
	var many []SaleRow
	for i := range 30 {
		many = append(many, SaleRow{Line: i + 2, InvoiceDate: P})
	}
	var es *Errors
	if !errors.As(Journals{Sales: &SalesJournal{File: "s.csv", Rows: many}}.CheckPeriod(P, A), &es) || es.Total != 30 || len(es.List) != MaxErrors {
		t.Fatalf("%+v", es)
	}
}

func TestReadPeriods(t *testing.T) {
	ps, err := ReadPeriods("periods.csv", []byte("period,as_of,previous_as_of\n0,2004-01-31,\n1,2004-02-29,2004-01-31\n"))
	if err != nil || len(ps) != 2 || ps[1].Previous != date.MustParse("2004-01-31") || ps[0].HasPrev || !ps[1].HasPrev {
		t.Fatalf("%+v %v", ps, err)
	}
	_, err = ReadPeriods("periods.csv", []byte("period,as_of,previous_as_of\n0,2004-01-31,\n1,2004-02-29,2004-01-30\n"))
	if err == nil || err.Error() != `periods.csv:3: column "previous_as_of": found "2004-01-30", expected the as_of of the line before, 2004-01-31` {
		t.Fatalf("got %v", err)
	}
}
