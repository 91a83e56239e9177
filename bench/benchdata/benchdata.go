// Package benchdata gives benchmarks the data sets of ../shared/data's
// generators, generated once per generator and arguments and kept under the
// temporary directory: the receivables (1M), debtors and inventory reports
// of gen_abl_data.py as of 3 October 2004 (Dir), or any other (Generated).
package benchdata

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Dir returns the directory holding receivables.csv, debtors.csv and
// inventory.csv, generating them first if needed (about a minute); the
// benchmark is skipped when the generator is not beside the module.
func Dir(tb testing.TB) string {
	tb.Helper()
	return Generated(tb, "gen_abl_data.py", "--invoices", "1000000", "--as-of", "2004-10-03")
}

// Generated returns the directory the generator script of ../shared/data
// writes with args, running it first if no earlier run left it (a
// directory is kept under a name from the script's text and the arguments,
// and only once the script has finished); the benchmark is skipped when
// python3 or the script is missing.
func Generated(tb testing.TB, script string, args ...string) string {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Skip("python3 not installed")
	}
	gen, err := moduleFile(filepath.Join("../shared/data", script))
	if err != nil {
		tb.Skipf("the data generator is not beside the module: %v", err)
	}
	src, err := os.ReadFile(gen)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(append(src, strings.Join(args, " ")...))
	dir := filepath.Join(os.TempDir(), "revolver-bench-data", strings.TrimSuffix(script, ".py")+"-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		tb.Fatal(err)
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
