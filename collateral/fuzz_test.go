package collateral

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"revolver/money"
)

// Accepted input, written back as CSV, must read to the same values.

func FuzzReadDebtors(f *testing.F) {
	f.Add([]byte(debtorsCSV))
	f.Add([]byte("debtor_id,name,country,government,affiliate,credit_insured,assignment_of_claims,contra_payable\r\nX,\"a\r\nb\",us,yes,NO,1,0,\"1,234.50\"\r\n"))
	f.Add([]byte("\xEF\xBB\xBFdebtor_id,name,country,government,affiliate,credit_insured,assignment_of_claims,contra_payable,extra\n C1 , n ,US,true,false,false,false,0,\"\"\"\"\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ReadDebtors("debtors.csv", data, Options{})
		if err != nil {
			if ds != nil {
				t.Fatal("rows with an error")
			}
			_ = err.Error()
			return
		}
		again, err := ReadDebtors("debtors.csv", writeDebtors(ds), Options{})
		if err != nil {
			t.Fatalf("written back: %v", err)
		}
		if len(again) != len(ds) {
			t.Fatalf("%d rows, then %d", len(ds), len(again))
		}
		for i := range ds {
			a, b := ds[i], again[i]
			a.Line, b.Line = 0, 0
			if a != b {
				t.Fatalf("row %d: %+v, then %+v", i, a, b)
			}
		}
	})
}

func FuzzReadReceivables(f *testing.F) {
	f.Add([]byte(recvHeader + "C1,INV-1,2004-09-01,2004-10-01,1234.56,USD,false\n\nC2,\"INV,2\",2004-09-02,2004-10-02,-10.00,usd,TRUE\n"))
	f.Add([]byte(recvHeader + "C1,I1,2004-09-01,2004-10-01,1,USD,1\r\nC1,I2,2004-09-01,2004-10-01,\"1,000.5\",USD,no"))
	f.Add([]byte("debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed,note\nC1,\"a\"\"b\",2004-02-29,2004-03-01,0.1,USD,yes,\"x\ny\"\n"))
	f.Add([]byte(recvHeader + "C1,\"unterminated,2004-09-01\n"))
	f.Add(bigReceivables(5, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds := testDebtors(t)
		r, err := ReadReceivables("receivables.csv", data, "debtors.csv", ds, Options{})
		if err != nil {
			if r != nil {
				t.Fatal("rows with an error")
			}
			_ = err.Error()
			return
		}
		again, err := ReadReceivables("receivables.csv", writeReceivables(r, "USD"), "debtors.csv", ds, Options{})
		if err != nil {
			t.Fatalf("written back: %v", err)
		}
		if again.Len() != r.Len() || !slices.Equal(again.Columns, r.Columns) {
			t.Fatalf("%d rows %q, then %d rows %q", r.Len(), r.Columns, again.Len(), again.Columns)
		}
		for i := range r.Rows {
			a, b := r.Rows[i], again.Rows[i]
			if r.InvoiceNo(i) != again.InvoiceNo(i) {
				t.Fatalf("row %d: invoice %q, then %q", i, r.InvoiceNo(i), again.InvoiceNo(i))
			}
			a.Line, b.Line, a.invOff, b.invOff = 0, 0, 0, 0
			if a != b {
				t.Fatalf("row %d: %+v, then %+v", i, a, b)
			}
			for _, c := range r.ExtraColumns() {
				if r.Extra(c, i) != again.Extra(c, i) {
					t.Fatalf("row %d column %q: %q, then %q", i, c, r.Extra(c, i), again.Extra(c, i))
				}
			}
		}
	})
}

func FuzzReadInventory(f *testing.F) {
	f.Add([]byte(invHeader + "P1,\"Pipe, 12\"\" long\",BIL,raw_materials,2.5,10.00,99.99,2004-01-31\nP2,12\" pipe,UPS-SJC,finished_goods,4,1.25,5.00,2004-02-01\n"))
	f.Add([]byte(invHeader + "P1,,BIL,x,0,0,0,1900-01-01\r\n\r\nP1,,BIL,x,.5,0.1,1,2199-12-31"))
	f.Add([]byte("item,description,location,category,quantity,unit_cost,extended_cost,last_movement_date,bin\nP1,d,BIL,c,1,1,1,2004-01-01,\"A\n7\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ReadInventory("inventory.csv", data, Options{})
		if err != nil {
			if v != nil {
				t.Fatal("rows with an error")
			}
			_ = err.Error()
			return
		}
		again, err := ReadInventory("inventory.csv", writeInventory(v), Options{})
		if err != nil {
			t.Fatalf("written back: %v", err)
		}
		if len(again.Rows) != len(v.Rows) || !slices.Equal(again.Columns, v.Columns) {
			t.Fatalf("%d rows %q, then %d rows %q", len(v.Rows), v.Columns, len(again.Rows), again.Columns)
		}
		for i := range v.Rows {
			a, b := v.Rows[i], again.Rows[i]
			a.Line, b.Line = 0, 0
			if a != b {
				t.Fatalf("row %d: %+v, then %+v", i, a, b)
			}
			for _, c := range v.ExtraColumns() {
				if v.Extra(c, i) != again.Extra(c, i) {
					t.Fatalf("row %d column %q: %q, then %q", i, c, v.Extra(c, i), again.Extra(c, i))
				}
			}
		}
	})
}

func FuzzFieldEnd(f *testing.F) {
	f.Add([]byte("abc,def\n"), 0)
	f.Add([]byte("-,-\n-\x01,\x2d\x2c\x0b\x0a"), 1)
	f.Fuzz(func(t *testing.T, data []byte, i int) {
		if i < 0 || i > len(data) {
			return
		}
		want := i
		for want < len(data) && data[want] != ',' && data[want] != '\n' {
			want++
		}
		if got := fieldEnd(data, i); got != want {
			t.Fatalf("fieldEnd(%q, %d) = %d, want %d", data, i, got, want)
		}
	})
}

// The journal readers: accepted input, written back as CSV, reads to the
// same rows; rejected input gives an error and no rows.
func FuzzReadJournals(f *testing.F) {
	f.Add(uint8(0), []byte(salesHeader+"C1,INV1,2004-02-02,2004-03-03,1234.56,usd\n\nC2,\"INV,2\",2004-02-03,2004-03-04,-10.00,USD\n"))
	f.Add(uint8(1), []byte(collHeader+"2004-02-09,C1,INV1,receipt,CHK1,LBX1,100.00\r\n2004-02-12,C1,\"I\"\"1\",returned,CHK1,RET1,-100.00\r\n"))
	f.Add(uint8(2), []byte(credHeader+"2004-02-15,C1,INV1,CM1,allowance,50.00\n2004-02-16,C1,INV1,CM2,writeoff,1\n"))
	f.Add(uint8(3), []byte(moveHeader+"2004-02-05,P1,BIL,receipt,6,5.00,30.00\n2004-02-07,P1,BIL,adjustment,-1.5,5.00,-7.50\n"))
	f.Add(uint8(1), []byte(collHeader+"2004-02-09,C1,INV1,receipt,CHK1,LBX1,-1\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		read := func(b []byte) (any, string, error) {
			switch which % 4 {
			case 0:
				j, err := ReadSales("sales.csv", b, Options{})
				if j == nil {
					return nil, "", err
				}
				return j.Rows, writeRows(salesHeader, j.Rows, func(r SaleRow) []string {
					return []string{r.DebtorID, r.InvoiceNo, r.InvoiceDate.String(), r.DueDate.String(), r.Amount.String(), r.Currency}
				}), err
			case 1:
				j, err := ReadCollections("collections.csv", b, Options{})
				if j == nil {
					return nil, "", err
				}
				return j.Rows, writeRows(collHeader, j.Rows, func(r CollectionRow) []string {
					return []string{r.Date.String(), r.DebtorID, r.InvoiceNo, r.Kind, r.CheckNo, r.Batch, r.Amount.String()}
				}), err
			case 2:
				j, err := ReadCredits("credits.csv", b, Options{})
				if j == nil {
					return nil, "", err
				}
				return j.Rows, writeRows(credHeader, j.Rows, func(r CreditRow) []string {
					return []string{r.Date.String(), r.DebtorID, r.InvoiceNo, r.MemoNo, r.Kind, r.Amount.String()}
				}), err
			}
			j, err := ReadInventoryActivity("inventory_activity.csv", b, Options{})
			if j == nil {
				return nil, "", err
			}
			return j.Rows, writeRows(moveHeader, j.Rows, func(r InventoryMove) []string {
				return []string{r.Date.String(), r.Item, r.Location, r.Kind, r.Quantity, r.UnitCost, r.Amount.String()}
			}), err
		}
		rows, back, err := read(data)
		if err != nil {
			if rows != nil {
				t.Fatal("rows with an error")
			}
			_ = err.Error()
			return
		}
		again, _, err := read([]byte(back))
		if err != nil {
			t.Fatalf("written back: %v\n%s", err, back)
		}
		if a, b := lineless(rows), lineless(again); a != b {
			t.Fatalf("rows\n%s\nthen\n%s", a, b)
		}
	})
}

// writeRows writes rows as CSV, every field quoted.
func writeRows[R any](header string, rows []R, fields func(R) []string) string {
	var b strings.Builder
	b.WriteString(header)
	for _, r := range rows {
		for i, f := range fields(r) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// lineless prints rows without their line numbers (written back, rows
// that spanned lines or followed blank ones move).
func lineless(rows any) string {
	v := reflect.ValueOf(rows)
	var b strings.Builder
	for i := range v.Len() {
		r := reflect.New(v.Index(i).Type()).Elem()
		r.Set(v.Index(i))
		r.FieldByName("Line").SetInt(0)
		fmt.Fprintf(&b, "%+v\n", r.Interface())
	}
	return b.String()
}

// A report read under a layout, written back as a plain report, reads to
// the same values by the fast path; the detail rows the shaping kept are
// the rows read.
func FuzzReadReceivablesLayout(f *testing.F) {
	for _, name := range []string{"qb-aging.csv", "qb-aging-bad-subtotal.csv", "qb-aging-bad-values.csv", "qb-aging-iso-header1.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "layout", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
	}
	f.Add([]byte("T\n\nNum,Name,Date,Due Date,Open Balance\nG\n1,Beta Corp,1/2/2026,1/3/2026,\"($1,000.00)\"\nTotal G,,,,(1000.00)\nGrand Total,,,,-1000.00\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, variant uint8) {
		ds, err := ReadDebtors("debtors.csv", []byte("debtor_id,name,country,government,affiliate,credit_insured,assignment_of_claims,contra_payable\nBeta Corp,B,US,false,false,false,false,0\nGamma LLC,G,US,false,false,false,false,0\nDelta GmbH,D,DE,false,false,false,false,0\n"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := qbMap
		l := *qbMap.Layout
		l.DateFormat = DateFormats[int(variant)%len(DateFormats)]
		if variant&8 != 0 {
			l.HeaderRow = 5
		}
		m.Layout = &l
		r, err := ReadReceivables("aging.csv", data, "debtors.csv", ds, m.Options(""))
		if err != nil {
			if r != nil {
				t.Fatal("rows with an error")
			}
			_ = err.Error()
			return
		}
		sh, err := shapeReport("aging.csv", "receivables", data, false, m.Options(""))
		if err != nil || sh.shape.Detail != r.Len() {
			t.Fatalf("shaped again: %v, %d detail rows for %d read", err, sh.shape.Detail, r.Len())
		}
		again, err := ReadReceivables("receivables.csv", writeReceivables(r, "USD"), "debtors.csv", ds, Options{})
		if err != nil {
			t.Fatalf("written back: %v", err)
		}
		for i := range r.Rows {
			a, b := r.Rows[i], again.Rows[i]
			a.Line, b.Line, a.invOff, b.invOff = 0, 0, 0, 0
			if a != b || r.InvoiceNo(i) != again.InvoiceNo(i) {
				t.Fatalf("row %d: %+v, then %+v", i, a, b)
			}
		}
	})
}

// Amounts and dates: a normalised amount reads as the amount the
// accounting form means, whatever the form.
func FuzzNormalizeAmount(f *testing.F) {
	f.Add(int64(123456), uint8(0))
	f.Add(int64(-1200), uint8(3))
	f.Fuzz(func(t *testing.T, cents int64, form uint8) {
		a := money.Amount(cents % (1 << 50))
		abs := a
		if abs < 0 {
			abs = -abs
		}
		plain := abs.String()
		grouped := groupThousands(plain)
		var s string
		neg := a < 0
		switch form % 5 {
		case 0:
			s = "$" + grouped
			if neg {
				s = "-" + s
			}
		case 1:
			s = grouped
			if neg {
				s = "(" + s + ")"
			}
		case 2:
			s = "$" + grouped
			if neg {
				s += "-"
			}
		case 3:
			s = plain
			if neg {
				s = "$-" + s
			}
		default:
			s = " " + grouped + " "
			if neg {
				s = "(" + "$" + grouped + ")"
			}
		}
		n, ok := normalizeAmount(s)
		if !ok {
			t.Fatalf("%q refused", s)
		}
		got, ok := money.ParseAmountBytes([]byte(n))
		if !ok || got != a {
			t.Fatalf("%q → %q → %v, want %v", s, n, got, a)
		}
	})
}

func groupThousands(plain string) string {
	whole, frac, _ := strings.Cut(plain, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac
}
