package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// benchData generates (once, cached under the temporary directory) the
// benchmark data set of ../shared/data: 1M receivables, 100k inventory rows.
func benchData(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "revolver-bench-1m-seed2004-asof2004-10-03")
	if _, err := os.Stat(filepath.Join(dir, "inventory.csv")); err == nil {
		return dir
	}
	gen, err := filepath.Abs("../../../shared/data/gen_abl_data.py")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(gen); err != nil {
		b.Skipf("the data generator is not at %s", gen)
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	out, err := exec.Command("python3", gen, "--out", tmp, "--invoices", "1000000").CombinedOutput()
	if err != nil {
		b.Fatalf("generate: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

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
