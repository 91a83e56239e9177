package covenant

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"revolver/calendar"
	"revolver/date"
	"revolver/money"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func evalJSON(t testing.TB, data []byte) []byte {
	t.Helper()
	sts, err := ReadStatements("btu-financials.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Evaluate(btuTerms, sts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.JSON(false)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./covenant -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(g) || i < len(w); i++ {
			var gl, wl string
			if i < len(g) {
				gl = g[i]
			}
			if i < len(w) {
				wl = w[i]
			}
			if gl != wl {
				t.Errorf("%s differs from the golden file at line %d (go test ./covenant -update rewrites it):\n got %s\nwant %s", name, i+1, gl, wl)
				break
			}
		}
	}
}

func indent(t *testing.T, js []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, js, "", "  "); err != nil {
		t.Fatal(err)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func btuExample(t *testing.T) *Result {
	t.Helper()
	sts, err := ReadStatements("btu-financials.csv", readTestdata(t, "btu-financials.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return mustEval(t, btuTerms, sts)
}

// The example's quarters follow BTU's fiscal calendar: Q1–Q3 end on the
// first Sunday on or after the calendar quarter's last day, Q4 on
// 31 December.
func TestExampleCalendar(t *testing.T) {
	sts, err := ReadStatements("btu-financials.csv", readTestdata(t, "btu-financials.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.AnchoredQuarters(time.December, time.Sunday, calendar.OnOrAfter)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for fy := 2004; fy <= 2006; fy++ {
		for _, p := range cal.Quarters(fy) {
			want = append(want, p.End.String())
		}
	}
	var got []string
	for _, s := range sts {
		got = append(got, s.PeriodEnd.String())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("period ends\n got %v\nwant %v", got, want)
	}
}

func TestExampleGolden(t *testing.T) {
	r := btuExample(t)
	js, err := r.JSON(false)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "btu-covenants.json", indent(t, js))
	golden(t, "btu-covenants.txt", []byte(r.Table()))
	ex, err := r.JSON(true)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "btu-covenants-explain.json", indent(t, ex))
}

// Hand-computed figures of the example (testdata/btu-financials.csv):
// FY2004 net income 3,038,130.00 → +1,519,065.00 from 2004-12-31; FY2005 a
// loss of 1,169,645.00 → no change; FY2006 2,659,218.00 → +1,329,609.00 from
// 2006-12-31.
func TestExampleHandComputed(t *testing.T) {
	r := btuExample(t)
	const tnw, ni, lev = "minimum_tangible_net_worth", "minimum_net_income", "maximum_leverage_ratio"
	check(t, find(t, r, tnw, "2004-04-04"), want{"30618848.00", "10000000.00", Pass, "20618848.00", ""})
	check(t, find(t, r, tnw, "2004-12-31"), want{"33255755.00", "11519065.00", Pass, "21736690.00", ""})
	check(t, find(t, r, tnw, "2005-12-31"), want{"32182725.00", "11519065.00", Pass, "20663660.00", ""})
	check(t, find(t, r, tnw, "2006-10-01"), want{"33284749.00", "11519065.00", Pass, "21765684.00", ""})
	check(t, find(t, r, tnw, "2006-12-31"), want{"34934153.00", "12848674.00", Pass, "22085479.00", ""})
	if find(t, r, ni, "2004-10-03") != nil {
		t.Error("net income tested before the quarter ending 2004-12-31")
	}
	check(t, find(t, r, ni, "2004-12-31"), want{"1164933.00", "1.00", Pass, "1164932.00", ""})
	check(t, find(t, r, ni, "2005-04-03"), want{"-1236480.00", "1.00", Fail, "-1236481.00", "below"})
	check(t, find(t, r, ni, "2005-07-03"), want{"-648912.00", "1.00", Fail, "-648913.00", "below"})
	check(t, find(t, r, ni, "2006-10-01"), want{"-243716.00", "1.00", Fail, "-243717.00", "below"})
	// 26,741,089 ÷ 30,618,848 = 0.873353857…; liabilities could grow by
	// (2 × 30,618,848 − 26,741,089) ÷ 3 = 11,498,869.00 exactly.
	l := find(t, r, lev, "2004-04-04")
	check(t, l, want{"0.8734", "2.0000", Pass, "1.1266", ""})
	if l.LineHeadroom == nil || *l.LineHeadroom != amt("11498869.00") {
		t.Errorf("leverage line headroom %v, want 11498869.00", l.LineHeadroom)
	}
	var fails, tests int
	for _, tt := range r.Tests {
		tests++
		if tt.Result == Fail {
			fails++
			if tt.Covenant != ni {
				t.Errorf("unexpected failure %s %s: %s", tt.Covenant, tt.PeriodEnd, tt.Reason)
			}
		}
		if tt.Result == Undetermined {
			t.Errorf("undetermined %s %s: %s", tt.Covenant, tt.PeriodEnd, tt.Reason)
		}
	}
	if tests != 12+9+12 || fails != 3 {
		t.Errorf("%d tests with %d failures, want 33 with 3", tests, fails)
	}
}

// A restatement of fiscal 2006 Q2 (net income 906,358.00 → −120,000.00,
// liabilities up by the difference) recorded 2007-03-01: as known on
// 2006-12-31 the quarter passed the net income test; as known now it fails,
// and the FY2006 ratchet is smaller.
func TestAsKnownOn(t *testing.T) {
	orig, err := ReadStatements("btu-financials.csv", readTestdata(t, "btu-financials.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rest, err := ReadStatements("btu-financials-restated-2006q2.csv", readTestdata(t, "btu-financials-restated-2006q2.csv"))
	if err != nil {
		t.Fatal(err)
	}
	subs := []Submission{
		{ID: "restated-2006q2", RecordedAt: time.Date(2007, 3, 1, 14, 0, 0, 0, time.UTC), Statements: rest},
		{ID: "original", RecordedAt: time.Date(2006, 8, 10, 9, 30, 0, 0, time.UTC), Statements: orig},
	}
	then := AsKnownOnDate(subs, date.MustParse("2006-12-31"))
	now := AsKnownOn(subs, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(then) != 12 || len(now) != 12 {
		t.Fatalf("got %d and %d statements, want 12 and 12", len(then), len(now))
	}
	if then[9].Submission != "original" || now[9].Submission != "restated-2006q2" || now[8].Submission != "original" {
		t.Errorf("Q2 2006 from %s then and %s now, Q1 from %s; want original, restated-2006q2, original",
			then[9].Submission, now[9].Submission, now[8].Submission)
	}
	if got := AsKnownOnDate(subs, date.MustParse("2007-03-01")); got[9].Submission != "restated-2006q2" {
		t.Errorf("as known on 2007-03-01: %s, want the restatement recorded that day", got[9].Submission)
	}
	if got := AsKnownOnDate(subs, date.MustParse("2006-08-09")); len(got) != 0 {
		t.Errorf("as known before any submission: %d statements, want 0", len(got))
	}

	rThen, rNow := mustEval(t, btuTerms, then), mustEval(t, btuTerms, now)
	changes := Diff(rThen, rNow)
	type row struct{ cov, end, old, new string }
	var got []row
	for _, c := range changes {
		got = append(got, row{c.Covenant, c.PeriodEnd.String(),
			c.Old.Result + " " + c.Old.Actual.String() + "/" + c.Old.Required.String(),
			c.New.Result + " " + c.New.Actual.String() + "/" + c.New.Required.String()})
	}
	wantRows := []row{
		{"maximum_leverage_ratio", "2006-07-02", "pass 0.8288/2.0000", "pass 0.8866/2.0000"},
		{"minimum_net_income", "2006-07-02", "pass 906358.00/1.00", "fail -120000.00/1.00"},
		{"minimum_tangible_net_worth", "2006-07-02", "pass 33497835.00/11519065.00", "pass 32471477.00/11519065.00"},
		// FY2006 net income 2,659,218.00 → 1,632,860.00: ratchet 1,329,609.00 → 816,430.00.
		{"minimum_tangible_net_worth", "2006-12-31", "pass 34934153.00/12848674.00", "pass 34934153.00/12335495.00"},
	}
	if len(got) != len(wantRows) {
		t.Fatalf("changes:\n%s", ChangesTable(changes))
	}
	for i := range got {
		if got[i] != wantRows[i] {
			t.Errorf("change %d: got %+v, want %+v", i, got[i], wantRows[i])
		}
	}
	flips := 0
	for _, c := range changes {
		if c.Flipped() {
			flips++
		}
	}
	if flips != 1 {
		t.Errorf("%d flipped results, want 1", flips)
	}
	js, err := changes[1].MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	wantJS := `{"covenant":"minimum_net_income","period_end":"2006-07-02","old":{"actual":"906358.00","required":"1.00","result":"pass","headroom":"906357.00","reason":""},"new":{"actual":"-120000.00","required":"1.00","result":"fail","headroom":"-120001.00","reason":"net_income -120,000.00 is below the required minimum 1.00 by 120,001.00"}}`
	if string(js) != wantJS {
		t.Errorf("change JSON\n got %s\nwant %s", js, wantJS)
	}
}

// Losses never lower the requirement: with any quarterly net income, the
// ratchet covenant's requirement never decreases from one period to the next.
func TestRatchetNeverDecreases(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sts := ratchetYears()
		for i := range sts {
			sts[i].Lines[NetIncome] = money.Amount(rapid.Int64Range(-300_000_000, 300_000_000).Draw(t, "ni"))
		}
		r, err := Evaluate(fixedTerms(amendedTNW()), sts)
		if err != nil {
			t.Fatal(err)
		}
		prev := amt("10000000.00")
		for _, tt := range r.Tests {
			if tt.Required.Amount < prev {
				t.Fatalf("%s: required %s below the earlier %s", tt.PeriodEnd, tt.Required, prev)
			}
			prev = tt.Required.Amount
		}
	})
}

func BenchmarkEvaluateExample(b *testing.B) {
	sts, err := ReadStatements("btu-financials.csv", readTestdata(b, "btu-financials.csv"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Evaluate(btuTerms, sts); err != nil {
			b.Fatal(err)
		}
	}
}

// Any statements the reader accepts evaluate without error, and every test
// is consistent: a pass has headroom ≥ 0, a fail or undetermined result says
// why, and an undetermined one has no headroom.
func FuzzEvaluate(f *testing.F) {
	f.Add(readTestdata(f, "btu-financials.csv"))
	f.Add([]byte(header + "\n2004-12-31,2004,4,100.00,0.00,100.00,0.00,-1.00\n2005-04-03,2005,1,,1.00,5.00,0.00,9000000000000000.00\n"))
	f.Add([]byte(header + "\n2003-12-28,2003,4,100.00,0.00,50.00,0.00,1.00\n2004-12-31,2004,4,-100.00,0.00,50.00,0.00,1.00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ReadStatements("fuzz.csv", data)
		if err != nil {
			return
		}
		r, err := Evaluate(btuTerms, sts)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range r.Tests {
			switch tt.Result {
			case Pass:
				if !tt.Headroom.Known || (tt.Headroom.Ratio && tt.Headroom.Rate.Sign() < 0) || (!tt.Headroom.Ratio && tt.Headroom.Amount < 0) {
					t.Fatalf("%s %s passes with headroom %q", tt.Covenant, tt.PeriodEnd, tt.Headroom)
				}
			case Fail:
				if tt.Reason == "" {
					t.Fatalf("%s %s fails without a reason", tt.Covenant, tt.PeriodEnd)
				}
			case Undetermined:
				if tt.Reason == "" || tt.Headroom.Known {
					t.Fatalf("%s %s undetermined: reason %q headroom %q", tt.Covenant, tt.PeriodEnd, tt.Reason, tt.Headroom)
				}
			default:
				t.Fatalf("result %q", tt.Result)
			}
		}
		if _, err := r.JSON(true); err != nil {
			t.Fatal(err)
		}
		_ = r.Table()
	})
}
