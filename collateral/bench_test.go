package collateral

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// benchData generates the data set for args once, under
// os.TempDir()/revolver-bench-1m/<args>, and returns its directory.
func benchData(b *testing.B, args ...string) string {
	b.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 not installed")
	}
	gen := generator(b)
	src, err := os.ReadFile(gen)
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(append(src, strings.Join(args, " ")...))
	dir := filepath.Join(os.TempDir(), "revolver-bench-1m", hex.EncodeToString(sum[:8]))
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		b.Fatal(err)
	}
	out, err := exec.Command("python3", append([]string{gen, "--out", tmp}, args...)...).CombinedOutput()
	if err != nil {
		b.Fatalf("generator: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(tmp, "complete"), []byte(strings.Join(args, " ")), 0o644); err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir
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
