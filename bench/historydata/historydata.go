// Package historydata gives benchmarks a borrower's history written by
// ../shared/data/gen_abl_history.py, generated once per set of arguments and
// kept under the temporary directory.
package historydata

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Monthly24 are the arguments of the monitor's benchmark history: 24
// monthly periods of 10,000 sales a month.
var Monthly24 = []string{"--periods", "24", "--sales-per-period", "10000"}

// Aging1M are the arguments of the reconciliation benchmark: one monthly
// period whose agings hold about a million open invoices each (500,000
// sales a month), with 5,000 debtors and 1,000 items. It takes minutes to
// generate.
var Aging1M = []string{"--periods", "1", "--sales-per-period", "500000", "--debtors", "5000", "--items", "1000", "--seed", "2004"}

// Dir returns the history directory for args, generating it first if
// needed; the benchmark is skipped when python3 or the generator is
// missing.
func Dir(tb testing.TB, args ...string) string {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Skip("python3 not installed")
	}
	gen, err := moduleFile("../shared/data/gen_abl_history.py")
	if err != nil {
		tb.Skipf("the history generator is not beside the module: %v", err)
	}
	src, err := os.ReadFile(gen)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(append(src, strings.Join(args, " ")...))
	dir := filepath.Join(os.TempDir(), "revolver-bench-history", hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "periods.csv")); err == nil {
		return dir
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	out, err := exec.Command("python3", append([]string{gen, "--out", tmp}, args...)...).CombinedOutput()
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
