// Package benchdata gives benchmarks the data set of ../shared/data: the
// receivables (1M), debtors and inventory reports of gen_abl_data.py as of
// 3 October 2004, generated once and kept under the temporary directory.
package benchdata

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Dir returns the directory holding receivables.csv, debtors.csv and
// inventory.csv, generating them first if needed (about a minute); the
// benchmark is skipped when the generator is not beside the module.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), "revolver-bench-1m-seed2004-asof2004-10-03")
	if _, err := os.Stat(filepath.Join(dir, "inventory.csv")); err == nil {
		return dir
	}
	gen, err := moduleFile("../shared/data/gen_abl_data.py")
	if err != nil {
		tb.Skipf("the data generator is not beside the module: %v", err)
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	out, err := exec.Command("python3", gen, "--out", tmp, "--invoices", "1000000", "--as-of", "2004-10-03").CombinedOutput()
	if err != nil {
		tb.Fatalf("generate: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// moduleFile finds rel from the module's root (the directory of go.mod
// above the working directory).
func moduleFile(rel string) (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, rel)
			_, err := os.Stat(p)
			return p, err
		}
		up := filepath.Dir(d)
		if up == d {
			return "", os.ErrNotExist
		}
		d = up
	}
}
