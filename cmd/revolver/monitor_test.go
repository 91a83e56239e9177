package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMonitorGenerated runs revolver monitor on a generated history with
// anomalies: every period after the first, exactly the keys, and
// the exceptions' amounts adding up to the unexplained variance.
func TestMonitorGenerated(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	gen, err := filepath.Abs("../../../shared/data/gen_abl_history.py")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gen); err != nil {
		t.Skipf("the history generator is not beside the module: %v", err)
	}
	dir := t.TempDir()
	if out, err := exec.Command("python3", gen, "--out", dir, "--periods", "5", "--anomalies", "2", "--items", "300", "--seed", "3").CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, out)
	}
	var out bytes.Buffer
	a := monitorArgs{agreement: []string{"../../examples/btu-sovereign"}, history: dir, window: 3, format: "json"}
	if err := runMonitor(&out, a); err != nil {
		t.Fatal(err)
	}
	var doc map[string][]map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	ps := doc["periods"]
	if len(doc) != 1 || len(ps) != 5 {
		t.Fatalf("%d keys, %d periods", len(doc), len(ps))
	}
	want := func(m map[string]json.RawMessage, keys ...string) {
		t.Helper()
		var got []string
		for k := range m {
			got = append(got, k)
		}
		slices.Sort(got)
		slices.Sort(keys)
		if !slices.Equal(got, keys) {
			t.Fatalf("keys %v, want %v", got, keys)
		}
	}
	sub := func(raw json.RawMessage) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	str := func(raw json.RawMessage) string {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return s
	}
	for i, p := range ps {
		want(p, "as_of", "previous_as_of", "receivables", "dilution", "dso", "inventory", "borrowing_base")
		rv := sub(p["receivables"])
		want(rv, "beginning", "sales", "collections", "returned_items", "credits", "credits_total", "expected_ending",
			"reported_ending", "unexplained_variance", "exceptions")
		want(sub(rv["credits"]), "return", "allowance", "discount", "writeoff")
		ex := sub(rv["exceptions"])
		want(ex, "not_in_sales_journal", "dropped", "balance_differs", "invoice_date_changed")
		var sum, n int64
		for _, k := range []string{"not_in_sales_journal", "dropped", "balance_differs", "invoice_date_changed"} {
			e := sub(ex[k])
			want(e, "count", "amount")
			c := cents(t, str(e["amount"]))
			sum += c
			var cnt int64
			json.Unmarshal(e["count"], &cnt)
			n += cnt
		}
		if v := cents(t, str(rv["unexplained_variance"])); v != sum || n == 0 {
			t.Errorf("period %d: variance %d cents, exceptions %d cents in %d invoices", i, v, sum, n)
		}
		d := sub(p["dilution"])
		want(d, "window_periods", "sales", "credits", "ratio")
		if r := str(d["ratio"]); len(r) != 6 || r[1] != '.' {
			t.Errorf("ratio %q: four places", r)
		}
		if s := str(p["dso"]); strings.Index(s, ".") != len(s)-2 {
			t.Errorf("dso %q: one place", s)
		}
		want(sub(p["inventory"]), "beginning", "receipts", "issues", "adjustments", "expected_ending", "reported_ending", "unexplained_variance")
		if str(sub(p["borrowing_base"])["as_of"]) != str(p["as_of"]) {
			t.Errorf("period %d: borrowing base of another date", i)
		}
	}
	var w json.Number
	json.Unmarshal(sub(ps[4]["dilution"])["window_periods"], &w)
	if w.String() != "3" {
		t.Errorf("last window %s periods", w)
	}
}

func cents(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 2 {
		t.Fatalf("amount %q: two decimals", s)
	}
	var v int64
	for _, c := range whole + frac {
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v
}
