package defaults_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"revolver/defaults"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func scenario(t *testing.T) defaults.Facts {
	f := covenantFacts(t)
	f.Notices = append(f.Notices, courier(t, "cas1", "casualty_overadvance", "2005-06-01 11:00"))
	f.Filings = []defaults.FilingRecord{{Filing: "ucc1", Number: "4021234 5", Filed: d("2004-02-02")}}
	f.Policies = []defaults.Policy{{ID: "p1", Insurer: "Factory Mutual; Boston, MA", Effective: d("2005-01-28"), Expires: d("2006-01-28"),
		LossPayee: "lender", CancellationNoticeDays: 10, Evidenced: dp("2005-01-20")}}
	f.Events = []defaults.Event{
		{ID: "pay1", Kind: "costs_paid", Date: d("2004-02-05")},
		{ID: "fee", Kind: "fee_paid", Ref: "transaction_fee", Date: d("2004-01-28")},
		{ID: "move-bos", Kind: "records_move", Date: d("2005-09-01")},
	}
	return f
}

func TestICSGolden(t *testing.T) {
	r := evaluate(t, "2005-07-06", scenario(t))
	got := defaults.ICS("btu-sovereign", r.AsOf, r.Deadlines)
	golden := filepath.Join("testdata", "btu-2005-07-06.ics")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./defaults -run ICSGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("ICS differs from %s; got:\n%s", golden, got)
	}
	// RFC 5545: CRLF line ends, lines of at most 75 octets, valid UTF-8, no bare LF.
	text := string(got)
	if !strings.HasSuffix(text, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Errorf("lines must end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if len(line) > 75 || !utf8.ValidString(line) {
			t.Errorf("line %d: %d octets or invalid UTF-8: %q", i+1, len(line), line)
		}
	}
	// Every deadline with a due date is an event with a unique UID.
	uids := map[string]bool{}
	unfolded := strings.ReplaceAll(text, "\r\n ", "")
	for _, line := range strings.Split(unfolded, "\r\n") {
		if strings.HasPrefix(line, "UID:") {
			if uids[line] {
				t.Errorf("duplicate %s", line)
			}
			uids[line] = true
		}
	}
	n := 0
	for _, x := range r.Deadlines {
		if x.Due != 0 {
			n++
		}
	}
	if len(uids) != n || n == 0 {
		t.Errorf("%d UIDs for %d dated deadlines", len(uids), n)
	}
	if !strings.Contains(unfolded, `SUMMARY:[coming] Continuation of UCC financing statement ucc1 (Delaware)`) ||
		!strings.Contains(unfolded, `Factory Mutual\; Boston\, MA`) {
		t.Errorf("summary or escaping missing:\n%s", unfolded)
	}
}

// A deadline keeps its UID from one as-of date to the next, so a calendar
// re-import updates events.
func TestICSUIDStable(t *testing.T) {
	uid := func(asOf string) string {
		r := evaluate(t, asOf, scenario(t))
		for _, line := range strings.Split(strings.ReplaceAll(string(defaults.ICS("btu-sovereign", r.AsOf, r.Deadlines)), "\r\n ", ""), "\r\n") {
			if strings.HasPrefix(line, "UID:ucc:ucc1:continuation@") {
				return line
			}
		}
		return ""
	}
	a, b := uid("2005-07-06"), uid("2008-09-01")
	if a == "" || a != b {
		t.Errorf("UID %q on one date, %q on another", a, b)
	}
}
