package main

import (
	"encoding/json"
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"revolver/bench/benchdata"
)

func benchData(b *testing.B) string { return benchdata.Dir(b) }

// BenchmarkBorrowingBase1M is the borrowing base for 1M receivables and 100k
// inventory rows, from CSV files to the JSON result, end to end.
func BenchmarkBorrowingBase1M(b *testing.B) {
	dir := benchData(b)
	a := bbcArgs{
		agreement:   []string{"../../examples/btu-sovereign"},
		asOf:        "2004-10-03",
		receivables: filepath.Join(dir, "receivables.csv"),
		debtors:     filepath.Join(dir, "debtors.csv"),
		inventory:   filepath.Join(dir, "inventory.csv"),
		format:      "json",
	}
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cert, err := certificateFromFiles(a)
		if err != nil {
			b.Fatal(err)
		}
		if err := writeCertificate(io.Discard, cert, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONOnly1M isolates the JSON encoding for comparison.
func BenchmarkCertificateJSON(b *testing.B) {
	dir := benchData(b)
	a := bbcArgs{agreement: []string{"../../examples/btu-sovereign"}, asOf: "2004-10-03",
		receivables: filepath.Join(dir, "receivables.csv"), debtors: filepath.Join(dir, "debtors.csv"),
		inventory: filepath.Join(dir, "inventory.csv"), format: "json"}
	cert, err := certificateFromFiles(a)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := json.Marshal(cert); err != nil {
			b.Fatal(err)
		}
	}
}
