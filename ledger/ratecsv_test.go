package ledger

import (
	"errors"
	"strings"
	"testing"

	"revolver/date"
)

func TestReadRates(t *testing.T) {
	tests := []struct {
		name, column, data string
		want               []string // effective=value
	}{
		{"FRED DPRIME", "", "observation_date,DPRIME\n2004-06-30,4.00\n2004-07-01,4.25\n2004-07-05,.\n2004-07-06,\n2004-07-07,4.25\n",
			[]string{"2004-06-30=0.04", "2004-07-01=0.0425", "2004-07-07=0.0425"}},
		{"FRED, old header, CRLF, BOM", "", "\ufeffDATE,DPRIME\r\n2004-07-01,4.25\r\n", []string{"2004-07-01=0.0425"}},
		{"H.15 Data Download Program", "", `"Series Description","Bank prime loan rate"
"Unit:","Percent:_Per_Year"
"Multiplier:","1"
"Currency:","NA"
"Unique Identifier:","H15/H15/RIFSPBLP_N.B"
"Time Period","RIFSPBLP_N.B"
2004-07-02,4.25
2004-07-05,ND
`, []string{"2004-07-02=0.0425"}},
		{"New York Fed SOFR, newest first, named column", "Rate (%)", "Effective Date,Rate Type,Rate (%),1st Percentile (%)\n03/28/2024,SOFR,5.34,5.30\n03/27/2024,SOFR,5.33,5.29\n",
			[]string{"2024-03-27=0.0533", "2024-03-28=0.0534"}},
		{"LIBOR with five decimals", "", "DATE,USD3MTD156N\n2006-06-30,5.47938\n", []string{"2006-06-30=0.0547938"}},
		{"only days without a value", "", "observation_date,DPRIME\n2004-07-05,.\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadRates("f.csv", []byte(tt.data), tt.column)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Point.Effective.String()+"="+r.Point.Value.String())
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadRatesErrors(t *testing.T) {
	tests := []struct {
		name, column, data, want string
	}{
		{"empty", "", "", "f.csv:1: expected a header row naming a date column and a value column"},
		{"three columns", "", "a,b,c\n", `f.csv:1: found "a,b,c", expected two columns (a date and a value), or the value column named`},
		{"no such column", "Rate", "a,b,c\n", `f.csv:1: found "a,b,c", expected a value column named "Rate" after the date column`},
		{"bad date", "", "observation_date,DPRIME\n2004-13-01,4.00\n", `f.csv:2:1: column "observation_date": found "2004-13-01", expected a date YYYY-MM-DD or MM/DD/YYYY`},
		{"bad value", "", "observation_date,DPRIME\n2004-07-01,4.25\n2004-07-02,4,25\n", `f.csv:3: found "3 fields", expected 2 fields, as the header has (observation_date,DPRIME)`},
		{"bad value quoted", "", "observation_date,DPRIME\n2004-07-01,4.25\n2004-07-02,\"4,25\"\n", `f.csv:3:12: column "DPRIME": found "4,25", expected a rate in percent`},
		{"negative", "", "observation_date,DPRIME\n2004-07-01,-0.10\n", `f.csv:2:12: column "DPRIME": found "-0.10", expected a rate in percent, 0 or more`},
		{"percent sign", "", "observation_date,DPRIME\n2004-07-01,4.25%\n", `f.csv:2:12: column "DPRIME": found "4.25%"`},
		{"twice", "", "observation_date,DPRIME\n2004-07-01,4.25\n2004-07-01,4.25\n", `f.csv:3:1: column "observation_date": found "2004-07-01", expected each date once (2004-07-01 is already on line 2)`},
		{"short row", "Rate", "d,x,Rate\n2004-07-01,1\n", `f.csv:2: found "2 fields", expected 3 fields`},
		{"bad quote", "", "observation_date,DPRIME\n2004-07-01,\"4.25\n", `f.csv:2:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadRates("f.csv", []byte(tt.data), tt.column)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an *InputError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %q\nwant prefix %q", err, tt.want)
			}
		})
	}
}

// ReadRates never panics; what it returns is valid: dates in range and
// increasing, rates not negative, lines after the header.
func FuzzReadRates(f *testing.F) {
	for _, s := range []string{"observation_date,DPRIME\n2004-07-01,4.25\n2004-07-02,.\n", "a,b,c\n1,2,3\n", "\"x\n", "DATE,V\n01/02/2006,5\n"} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, data, column string) {
		rows, err := ReadRates("f.csv", []byte(data), column)
		if err != nil {
			if !errors.As(err, new(*InputError)) {
				t.Fatalf("error %v is not an *InputError", err)
			}
			return
		}
		for i, r := range rows {
			if r.Point.Effective < date.Min || r.Point.Effective > date.Max || r.Point.Value.Sign() < 0 || r.Line < 2 {
				t.Fatalf("row %+v", r)
			}
			if i > 0 && rows[i-1].Point.Effective >= r.Point.Effective {
				t.Fatalf("not increasing: %+v %+v", rows[i-1], r)
			}
		}
	})
}

// Interest on a day the series has no value is undetermined, naming the
// series and the day.
func TestAccrueDayUndetermined(t *testing.T) {
	_, err := AccrueDay(Pricing{Series: "term_sofr_3m"}, nil, date.MustParse("2024-03-28"), 100_000_00)
	var le *Error
	if !errors.As(err, &le) || le.Code != CodeUndetermined || !strings.Contains(err.Error(), `rate series "term_sofr_3m" has no value effective on or before 2024-03-28`) {
		t.Errorf("err = %v", err)
	}
}

func TestSeries(t *testing.T) {
	if n, err := SeriesFor("libor", "3m"); n != "libor_3m" || err != nil {
		t.Errorf("SeriesFor(libor, 3m) = %q, %v", n, err)
	}
	if n, err := SeriesFor("prime", ""); n != "prime" || err != nil {
		t.Errorf("SeriesFor(prime) = %q, %v", n, err)
	}
	if _, err := SeriesFor("term_sofr", "2m"); err == nil {
		t.Error("term_sofr 2m accepted")
	}
	if err := CheckSeries("libor"); err == nil || !strings.Contains(err.Error(), "libor_1m") {
		t.Errorf("CheckSeries(libor) = %v", err)
	}
	if len(SeriesNames()) != 10 {
		t.Errorf("series %v", SeriesNames())
	}
}

// BenchmarkReadRatesFRED reads a FRED-sized daily file: 17,000 rows (DPRIME
// since 1955 is about that), every fifth a day without a value.
func BenchmarkReadRatesFRED(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("observation_date,DPRIME\n")
	start := date.MustParse("1955-08-04")
	for i := 0; i < 17000; i++ {
		sb.WriteString((start + date.Date(i)).String())
		if i%5 == 4 {
			sb.WriteString(",.\n")
		} else {
			sb.WriteString(",4.25\n")
		}
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadRates("DPRIME.csv", data, ""); err != nil {
			b.Fatal(err)
		}
	}
}
