package covenant

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

const header = "period_end,fiscal_year,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income"

func TestReadStatements(t *testing.T) {
	data := "\xef\xbb\xbfPeriod_End, Fiscal_Year ,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income,Cash\n" +
		"2004-07-04,2004,2,\"59,186,420.00\",1038150,26705878.00,0.00,\"(1,250.50)\",\n" +
		"2004-04-04,2004,1,58412337.00,1052400.00,26741089.00,,452318.00,1200.10\n"
	got, err := ReadStatements("fin.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d statements, want 2", len(got))
	}
	q1, q2 := got[0], got[1]
	if q1.PeriodEnd.String() != "2004-04-04" || q1.FiscalQuarter != 1 || q1.Line != 3 || q1.File != "fin.csv" {
		t.Errorf("first = %s Q%d line %d %s, want 2004-04-04 Q1 line 3 fin.csv", q1.PeriodEnd, q1.FiscalQuarter, q1.Line, q1.File)
	}
	if _, ok := q1.Lines[SubordinatedDebt]; ok {
		t.Errorf("blank subordinated_debt should be unreported, got %s", q1.Lines[SubordinatedDebt])
	}
	if q1.Lines["cash"].String() != "1200.10" {
		t.Errorf("extra line cash = %s, want 1200.10", q1.Lines["cash"])
	}
	if _, ok := q2.Lines["cash"]; ok {
		t.Error("blank cash should be unreported")
	}
	for k, want := range map[string]string{TotalAssets: "59186420.00", IntangibleAssets: "1038150.00", NetIncome: "-1250.50", SubordinatedDebt: "0.00"} {
		if g := q2.Lines[k].String(); g != want {
			t.Errorf("Q2 %s = %s, want %s", k, g, want)
		}
	}
}

func TestReadStatementsErrors(t *testing.T) {
	row1 := "2004-04-04,2004,1,100.00,0.00,50.00,0.00,1.00"
	cases := []struct {
		name string
		data string
		want string // the whole error message
	}{
		{"empty", "", "f.csv:1: expected a header row with the columns period_end, fiscal_year, fiscal_quarter, total_assets, intangible_assets, total_liabilities, subordinated_debt, net_income"},
		{"missing column", strings.Replace(header, ",net_income", "", 1) + "\n", "f.csv:1: column net_income: expected a column named net_income in the header (required: period_end, fiscal_year, fiscal_quarter, total_assets, intangible_assets, total_liabilities, subordinated_debt, net_income)"},
		{"duplicate column", header + ",Net_Income\n", `f.csv:1: column net_income (9): "Net_Income": expected each column once (net_income is also column 8)`},
		{"bad column name", header + ",cash flow\n", `f.csv:1: column cash flow (9): "cash flow": expected a column name of lower-case letters, digits and underscores, starting with a letter`},
		{"bad date", header + "\n2004-04-31,2004,1,100.00,0.00,50.00,0.00,1.00\n", `f.csv:2: column period_end (1): "2004-04-31": expected a date YYYY-MM-DD (years 1900–2199)`},
		{"bad amount", header + "\n" + row1 + "\n2004-07-04,2004,2,100.001,0.00,50.00,0.00,1.00\n", `f.csv:3: column total_assets (4): "100.001": expected an amount with at most two decimals (e.g. 1234567.89, -12.00 or (12.00)), or blank if not reported`},
		{"bad parenthesised amount", header + "\n2004-04-04,2004,1,100.00,0.00,50.00,0.00,(-1.00)\n", `f.csv:2: column net_income (8): "(-1.00)": expected an amount`},
		{"quarter 5", header + "\n2004-04-04,2004,5,100.00,0.00,50.00,0.00,1.00\n", `f.csv:2: column fiscal_quarter (3): "5": expected a fiscal quarter 1, 2, 3 or 4`},
		{"quarter 0", header + "\n2004-04-04,2004,0,100.00,0.00,50.00,0.00,1.00\n", `f.csv:2: column fiscal_quarter (3): "0": expected a fiscal quarter 1, 2, 3 or 4`},
		{"bad year", header + "\n2004-04-04,FY04,1,100.00,0.00,50.00,0.00,1.00\n", `f.csv:2: column fiscal_year (2): "FY04": expected a fiscal year 1900–2199`},
		{"duplicate period", header + "\n" + row1 + "\n2004-04-05,2004,1,100.00,0.00,50.00,0.00,1.00\n", `f.csv:3: column fiscal_quarter (3): "1": expected each fiscal quarter once (fiscal 2004 Q1 is already on line 2)`},
		{"duplicate period end", header + "\n" + row1 + "\n2004-04-04,2004,2,100.00,0.00,50.00,0.00,1.00\n", `f.csv:3: column period_end (1): "2004-04-04": expected each period end once (2004-04-04 is already on line 2)`},
		{"period ends not increasing", header + "\n2004-07-04,2004,1,100.00,0.00,50.00,0.00,1.00\n2004-04-04,2004,2,100.00,0.00,50.00,0.00,1.00\n",
			`f.csv:3: column period_end (1): "2004-04-04": expected a period end after 2004-07-04, the end of fiscal 2004 Q1 (line 2), since fiscal 2004 Q2 follows it`},
		{"period ends not increasing across years", header + "\n2005-01-02,2004,4,100.00,0.00,50.00,0.00,1.00\n2004-12-31,2005,1,100.00,0.00,50.00,0.00,1.00\n",
			`f.csv:3: column period_end (1): "2004-12-31": expected a period end after 2005-01-02`},
		{"too few fields", header + "\n2004-04-04,2004,1,100.00\n", `f.csv:2: "4 fields": expected 8 fields, as many as the header has`},
		{"bad quote", header + "\n2004-04-04,2004,1,\"100.00,0.00,50.00,0.00,1.00\n", "f.csv:2:48: expected well-formed CSV quoting"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadStatements("f.csv", []byte(c.data))
			if err == nil {
				t.Fatalf("no error, got %d statements", len(got))
			}
			if got != nil {
				t.Errorf("statements returned with the error: %d", len(got))
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not *InputError: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error\n got %s\nwant %s", err, c.want)
			}
		})
	}
}

func TestFormatStatementsRoundTrip(t *testing.T) {
	data := header + ",cash\n2004-04-04,2004,1,58412337.00,1052400.00,26741089.00,,452318.00,5.00\n2004-07-04,2004,2,1.00,2.00,3.00,4.00,-5.00,\n"
	a, err := ReadStatements("a.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	out := FormatStatements(a)
	if string(out) != data {
		t.Errorf("FormatStatements:\n got %q\nwant %q", out, data)
	}
}

// Row order never changes the statements read or the covenant results.
func TestRowOrderDoesNotMatter(t *testing.T) {
	data := readTestdata(t, "btu-financials.csv")
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	want := evalJSON(t, data)
	rapid.Check(t, func(t *rapid.T) {
		rows := rapid.Permutation(lines[1:]).Draw(t, "rows")
		shuffled := []byte(lines[0] + "\n" + strings.Join(rows, "\n") + "\n")
		sts, err := ReadStatements("btu-financials.csv", shuffled)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Evaluate(btuTerms, sts)
		if err != nil {
			t.Fatal(err)
		}
		// Line numbers move with the rows; compare the figures only.
		got, _ := r.JSON(false)
		if !bytes.Equal(got, want) {
			t.Fatalf("shuffled rows give a different result:\n%s\nwant\n%s", got, want)
		}
	})
}

func FuzzReadStatements(f *testing.F) {
	f.Add([]byte(header + "\n2004-04-04,2004,1,100.00,0.00,50.00,0.00,1.00\n"))
	f.Add([]byte(header + ",cash\n2004-04-04,2004,1,\"1,000.00\",(2.00),50,,1.5,\n2004-07-04,2004,2,1,1,1,1,1,1\n"))
	f.Add([]byte(header + "\n2004-04-04,2004,5,100.00,0.00,50.00,0.00,1.00\n"))
	f.Add([]byte("period_end\n\"x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ReadStatements("fuzz.csv", data)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.File != "fuzz.csv" || ie.Expected == "" {
				t.Fatalf("error without place or expectation: %#v", err)
			}
			if sts != nil {
				t.Fatal("statements returned with an error")
			}
			return
		}
		for i := range sts {
			s := &sts[i]
			if s.FiscalQuarter < 1 || s.FiscalQuarter > 4 || s.Line < 2 {
				t.Fatalf("invalid statement %+v", s)
			}
			if i > 0 && s.PeriodEnd <= sts[i-1].PeriodEnd {
				t.Fatalf("period ends not increasing")
			}
		}
		// What was read writes back to statements with the same figures.
		again, err := ReadStatements("again.csv", FormatStatements(sts))
		if err != nil {
			t.Fatalf("re-reading formatted statements: %v", err)
		}
		if len(again) != len(sts) {
			t.Fatalf("round trip: %d statements, want %d", len(again), len(sts))
		}
		for i := range sts {
			a, b := &sts[i], &again[i]
			if a.PeriodEnd != b.PeriodEnd || a.FiscalYear != b.FiscalYear || a.FiscalQuarter != b.FiscalQuarter || len(a.Lines) != len(b.Lines) {
				t.Fatalf("round trip changed statement %d: %+v → %+v", i, a, b)
			}
			for k, v := range a.Lines {
				if b.Lines[k] != v {
					t.Fatalf("round trip changed %s: %s → %s", k, v, b.Lines[k])
				}
			}
		}
	})
}
