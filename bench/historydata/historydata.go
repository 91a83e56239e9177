// Package historydata gives benchmarks a borrower's history written by
// ../shared/data/gen_abl_history.py, generated once per set of arguments and
// kept under the temporary directory.
package historydata

import (
	"testing"

	"revolver/bench/benchdata"
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
	return benchdata.Generated(tb, "gen_abl_history.py", args...)
}
