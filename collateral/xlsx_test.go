package collateral

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"revolver/date"
	"revolver/money"
)

// writeXLSX writes rows to a workbook; cells are text unless given as int or bool.
func writeXLSX(t *testing.T, path string, sheets map[string][][]any, order []string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellValue(name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	dir := t.TempDir()
	dPath := filepath.Join(dir, "debtors.xlsx")
	writeXLSX(t, dPath, map[string][][]any{"Sheet1": {
		{"debtor_id", "name", "country", "government", "affiliate", "credit_insured", "assignment_of_claims", "contra_payable"},
		{"C1", "Acme, Inc.", "US", false, false, true, false, "0"},
		{"C2", "Beta", "CA", true, "no", "FALSE", 1, "1250.5"},
	}}, []string{"Sheet1"})
	rPath := filepath.Join(dir, "aging.xlsx")
	header := []any{"Customer", "invoice_no", "invoice_date", "due_date", "amount", "currency", "disputed", "Region"}
	writeXLSX(t, rPath, map[string][][]any{
		"Notes": {{"this sheet is not the aging"}},
		"Receivables": {
			header,
			{"C1", "INV-1", "2004-09-01", 38291, "1234.56", "USD", false, "East"}, // 38291 = 2004-10-31
			{"C2", 1002, 38231, "2004-10-02", "10086.720000000001", "USD", true},
			{},
			{"C1", "INV-3", "2004-09-03", "2004-10-03", "-0.30000000000000004", "USD", "no", "West"},
		},
	}, []string{"Notes", "Receivables"})

	opt := Options{Columns: map[string]string{"debtor_id": "customer"}}
	// The customer master has "debtor_id" and the aging "Customer": two column maps.
	ds, err := LoadDebtors(dPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Debtor{
		{ID: "C1", Name: "Acme, Inc.", Country: "US", CreditInsured: true, Line: 2},
		{ID: "C2", Name: "Beta", Country: "CA", Government: true, AssignmentOfClaims: true, ContraPayable: 125050, Line: 3},
	}
	if !slices.Equal(ds, want) {
		t.Fatalf("debtors %+v", ds)
	}
	data, err := os.ReadFile(rPath)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadReceivablesXLSX(rPath, data, dPath, ds, opt)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Line      int32
		Inv       string
		Debtor    int32
		Date, Due date.Date
		Amount    money.Amount
		Disputed  bool
		Region    string
	}
	var got []row
	for i, x := range r.Rows {
		got = append(got, row{x.Line, r.InvoiceNo(i), x.Debtor, x.InvoiceDate, x.DueDate, x.Amount, x.Disputed, r.Extra("Region", i)})
	}
	wantRows := []row{
		{2, "INV-1", 0, date.MustParse("2004-09-01"), date.MustParse("2004-10-31"), 123456, false, "East"},
		{3, "1002", 1, date.MustParse("2004-09-01"), date.MustParse("2004-10-02"), 1008672, true, ""},
		{5, "INV-3", 0, date.MustParse("2004-09-03"), date.MustParse("2004-10-03"), -30, false, "West"},
	}
	if !slices.Equal(got, wantRows) {
		t.Fatalf("got  %+v\nwant %+v", got, wantRows)
	}
	if !slices.Equal(r.Columns, []string{"debtor_id", "invoice_no", "invoice_date", "due_date", "amount", "currency", "disputed", "Region"}) {
		t.Fatalf("columns %q", r.Columns)
	}

	// Problems name the sheet row.
	bad := filepath.Join(dir, "bad.xlsx")
	writeXLSX(t, bad, map[string][][]any{"Sheet1": {
		header[:7],
		{"C1", "INV-1", "2004-09-01", "2004-10-01", "1.00", "USD", "false"},
		{},
		{"C1", "INV-2", "2004-09-01", "2004-10-01", "1.005", "USD", "false"},
		{"C1", "INV-1", "2004-09-01", "2004-10-01", "1.00", "USD", "false"},
	}}, []string{"Sheet1"})
	_, err = LoadReceivables(bad, dPath, opt)
	es := problems(t, err)
	if len(es.List) != 2 || es.List[0].Line != 4 || es.List[0].Column != "amount" || es.List[1].Line != 5 || !strings.Contains(es.List[1].Error(), "also on line 2") {
		t.Fatalf("got %v", err)
	}

	// Inventory, and the same data as CSV reads the same.
	iPath := filepath.Join(dir, "inventory.xlsx")
	writeXLSX(t, iPath, map[string][][]any{"Inventory": {
		{"item", "description", "location", "category", "quantity", "unit_cost", "extended_cost", "last_movement_date"},
		{"P1", "Pipe, 12\" long", "BIL", "raw_materials", "2.5", "10", "25", "2004-01-31"},
		{"P2", "", "UPS-SJC", "finished_goods", 4, "1.25", "5", 38017}, // 2004-01-31
	}}, []string{"Inventory"})
	v, err := LoadInventory(iPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	csv := invHeader + "P1,\"Pipe, 12\"\" long\",BIL,raw_materials,2.5,10,25.00,2004-01-31\nP2,,UPS-SJC,finished_goods,4,1.25,5.00,2004-01-31\n"
	w, err := ReadInventory("inventory.csv", []byte(csv), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Rows, w.Rows) {
		t.Fatalf("xlsx %+v\ncsv  %+v", v.Rows, w.Rows)
	}

	if _, err := LoadInventory(rPath, Options{}); err == nil || !strings.Contains(err.Error(), `missing column "item"`) {
		t.Fatalf("wrong sheet kind: %v", err)
	}
	if _, err := ReadInventoryXLSX("junk.xlsx", []byte("not a zip"), Options{}); err == nil || !strings.Contains(err.Error(), "junk.xlsx: found a file that is not a readable spreadsheet") {
		t.Fatalf("junk: %v", err)
	}
}

func TestXLSXAmountResidue(t *testing.T) {
	w := &worker{xlsx: true}
	for _, c := range []struct {
		in   string
		want money.Amount
		ok   bool
	}{
		{"10086.720000000001", 1008672, true},
		{"0.30000000000000004", 30, true},
		{"4.9999999999", 500, true},
		{"-4.9999999999", -500, true},
		{"12.345", 0, false},
		{"12.3450000001", 0, false},
		{"1E+3", 0, false},
	} {
		got, ok := w.parseAmount([]byte(c.in))
		if ok != c.ok || got != c.want {
			t.Errorf("%s: got %v %v, want %v %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if _, ok := (&worker{}).parseAmount([]byte("10086.720000000001")); ok {
		t.Error("CSV accepted more than two decimals")
	}
}
