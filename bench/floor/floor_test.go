package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSum(t *testing.T) {
	csv := "debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed\n" +
		"C1,I1,2004-08-17,2004-09-16,3912.28,USD,false\n" +
		"C2,I2,2004-08-18,2004-09-17,-12.5,USD,false\n" +
		"C3,I3,2004-08-19,2004-09-18,100,USD,true\r\n" +
		"C4,I4,2004-08-19,2004-09-18,0.07,USD,true"
	name := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(name, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	total, rows, err := sum(name)
	if err != nil || rows != 4 || total != 391228-1250+10000+7 {
		t.Fatalf("sum = %d over %d rows (%v), want %d over 4", total, rows, err, 391228-1250+10000+7)
	}
	if err := os.WriteFile(name, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sum(name); err == nil {
		t.Fatal("a file without an amount column summed")
	}
}
