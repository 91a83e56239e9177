package collateral

import (
	"os"
	"path/filepath"
	"testing"

	"revolver/bench/benchdata"
)

// benchData is the data set gen_abl_data.py writes with args, generated
// once (benchdata.Generated).
func benchData(b *testing.B, args ...string) string {
	b.Helper()
	return benchdata.Generated(b, "gen_abl_data.py", args...)
}

func readFile(b *testing.B, dir, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkReadReceivables1M parses the 1,000,000-invoice aging (≈60 MB)
// against its 5,000-debtor customer master.
func BenchmarkReadReceivables1M(b *testing.B) {
	dir := benchData(b, "--invoices", "1000000")
	ds, err := ReadDebtors("debtors.csv", readFile(b, dir, "debtors.csv"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	data := readFile(b, dir, "receivables.csv")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := ReadReceivables("receivables.csv", data, "debtors.csv", ds, Options{})
		if err != nil || r.Len() != 1_000_000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadInventory100k parses the 100,000-row inventory of the same set.
func BenchmarkReadInventory100k(b *testing.B) {
	dir := benchData(b, "--invoices", "1000000")
	data := readFile(b, dir, "inventory.csv")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := ReadInventory("inventory.csv", data, Options{})
		if err != nil || len(v.Rows) != 100_000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAll1M reads the three files from disk, as a run does.
func BenchmarkLoadAll1M(b *testing.B) {
	dir := benchData(b, "--invoices", "1000000")
	b.ReportAllocs()
	for b.Loop() {
		r, err := LoadReceivables(filepath.Join(dir, "receivables.csv"), filepath.Join(dir, "debtors.csv"), Options{})
		if err != nil || r.Len() != 1_000_000 {
			b.Fatal(err)
		}
		v, err := LoadInventory(filepath.Join(dir, "inventory.csv"), Options{})
		if err != nil || len(v.Rows) != 100_000 {
			b.Fatal(err)
		}
	}
}
