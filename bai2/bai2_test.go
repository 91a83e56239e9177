package bai2

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"revolver/date"
	"revolver/money"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.err files from the reader")

// TestCorpus reads every file of testdata: a bad_*.bai must be refused with
// exactly the error of its .err sidecar, any other must read.
func TestCorpus(t *testing.T) {
	names, err := filepath.Glob("testdata/*.bai")
	if err != nil || len(names) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, path := range names {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Read(name, data)
			bad := strings.HasPrefix(name, "bad_")
			if !bad {
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Read accepted a malformed file")
			}
			if f != nil {
				t.Errorf("Read returned a file with its error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			side := strings.TrimSuffix(path, ".bai") + ".err"
			if *update {
				if err := os.WriteFile(side, []byte(err.Error()+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, rerr := os.ReadFile(side)
			if rerr != nil {
				t.Fatalf("no expected error: %v", rerr)
			}
			if got := err.Error(); got != strings.TrimSuffix(string(want), "\n") {
				t.Errorf("error\n got %s\nwant %s", got, want)
			}
		})
	}
}

func read(t *testing.T, name string) *File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func items(n int) *int { return &n }

func TestSpecStyle(t *testing.T) {
	f := read(t, "spec_style.bai")
	want := &File{
		Sender: "122099999", Receiver: "123456789", Created: date.MustParse("2026-03-02"), CreatedTime: "0830",
		FileID: "0302A", RecordLength: "80", BlockSize: "10", Records: 8,
		Groups: []Group{{
			Ultimate: "123456789", Originator: "122099999", Status: 1, AsOf: date.MustParse("2026-02-27"),
			AsOfTime: "2400", Currency: "USD", AsOfModifier: "2", Line: 2,
			Accounts: []Account{{
				Number: "0975312468", Currency: "USD", Line: 3,
				Summaries: []Summary{
					{TypeCode: "010", Amount: 500000},
					{TypeCode: "015", Amount: -1000},
					{TypeCode: "040", Amount: 450000},
				},
				Transactions: []Transaction{
					{TypeCode: "115", Amount: 100000, Funds: Funds{Type: "0"}, BankRef: "LBX0227A", Text: "LOCKBOX DEPOSIT", Record: 4, Line: 4},
					{TypeCode: "475", Amount: 25000, BankRef: "CHK1001", CustomerRef: "1001", Text: "CHECK PAID", Record: 5, Line: 5},
				},
			}},
		}},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got  %+v\nwant %+v", f, want)
	}
}

func TestContinuation(t *testing.T) {
	f := read(t, "continuation.bai")
	if f.Records != 14 {
		t.Errorf("Records = %d, want 14 (88 continuations counted)", f.Records)
	}
	a := f.Groups[0].Accounts[0]
	wantS := []Summary{
		{TypeCode: "010", Amount: 150000},
		{TypeCode: "015", Amount: 250000},
		{TypeCode: "100", Amount: 120000, Items: items(3), Funds: Funds{Type: "0"}},
		{TypeCode: "400", Amount: 20000, Items: items(1), Funds: Funds{Type: "0"}},
	}
	if !reflect.DeepEqual(a.Summaries, wantS) {
		t.Errorf("summaries\n got %+v\nwant %+v", a.Summaries, wantS)
	}
	wantT := []Transaction{
		{TypeCode: "195", Amount: 100000, Funds: Funds{Type: "0"}, BankRef: "WIRE123", CustomerRef: "INV 2026-02",
			Text: "INCOMING WIRE FROM ACME, INC. ORIGINATOR ACME CORP/ REF 55", Record: 5, Line: 5},
		{TypeCode: "115", Amount: 20000, Funds: Funds{Type: "1"}, BankRef: "LBX1", Text: "LOCKBOX DEPOSIT", Record: 7, Line: 7},
		{TypeCode: "555", Amount: 20000, Funds: Funds{Type: "0"}, BankRef: "RET1", CustomerRef: "CUST9", Text: "DEPOSITED ITEM RETURNED", Record: 9, Line: 9},
	}
	if !reflect.DeepEqual(a.Transactions, wantT) {
		t.Errorf("transactions\n got %+v\nwant %+v", a.Transactions, wantT)
	}
}

func TestFundsTypes(t *testing.T) {
	f := read(t, "funds_types.bai")
	g := f.Groups[0]
	if g.Currency != "EUR" || g.AsOfTime != "" || g.AsOfModifier != "1" {
		t.Errorf("group %q %q %q, want EUR, no time, modifier 1", g.Currency, g.AsOfTime, g.AsOfModifier)
	}
	a := g.Accounts[0]
	if a.Currency != "EUR" {
		t.Errorf("account currency %q, want the group's EUR", a.Currency)
	}
	wantS := []Summary{
		{TypeCode: "010", Amount: -5000, Funds: Funds{Type: "Z"}},
		{TypeCode: "100", Amount: 300000, Items: items(2), Funds: Funds{Type: "S", Immediate: 100000, OneDay: 150000, TwoPlus: 50000}},
	}
	if !reflect.DeepEqual(a.Summaries, wantS) {
		t.Errorf("summaries\n got %+v\nwant %+v", a.Summaries, wantS)
	}
	v := date.MustParse("2026-03-06")
	wantF := []Funds{
		{Type: "S", Immediate: 50000, OneDay: 100000, TwoPlus: 50000},
		{Type: "V", ValueDate: v, ValueTime: "1200"},
		{Type: "D", Distributions: []Distribution{{0, 10000}, {1, 20000}, {2, 10000}}},
		{Type: "V", ValueDate: v},
		{Type: "2"},
	}
	wantRefs := [][3]string{{"LBX1", "", "LOCKBOX WITH SPLIT AVAILABILITY"}, {"ACH1", "C1", "VALUE DATED"},
		{"DST1", "", "DISTRIBUTED"}, {"CHK7", "", ""}, {"FEE1", "", ""}}
	if len(a.Transactions) != len(wantF) {
		t.Fatalf("%d transactions, want %d", len(a.Transactions), len(wantF))
	}
	for i, tr := range a.Transactions {
		if !reflect.DeepEqual(tr.Funds, wantF[i]) {
			t.Errorf("transaction %d funds %+v, want %+v", i, tr.Funds, wantF[i])
		}
		if got := [3]string{tr.BankRef, tr.CustomerRef, tr.Text}; got != wantRefs[i] {
			t.Errorf("transaction %d refs %q, want %q", i, got, wantRefs[i])
		}
	}
}

func TestMultiGroup(t *testing.T) {
	f := read(t, "multi.bai")
	var got []string
	for _, g := range f.Groups {
		for _, a := range g.Accounts {
			got = append(got, g.AsOf.String()+" "+g.Originator+" "+a.Number+" "+a.Currency+" "+strings.Repeat("t", len(a.Transactions)))
		}
	}
	want := []string{"2026-03-09 BANKID 111 USD t", "2026-03-09 BANKID 222 USD t", "2026-03-10 BANKID 111 USD tt", "2026-03-10 OTHERBANK 333 CAD "}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if f.Groups[2].Status != 4 || f.Groups[1].AsOfModifier != "3" {
		t.Errorf("status %d modifier %q, want 4 and 3", f.Groups[2].Status, f.Groups[1].AsOfModifier)
	}
}

// TestSigned checks the direction of detail amounts by type code class.
func TestSigned(t *testing.T) {
	for _, c := range []struct {
		code string
		want money.Amount
		ok   bool
	}{{"115", 100, true}, {"399", 100, true}, {"400", -100, true}, {"555", -100, true}, {"699", -100, true}, {"700", 100, false}, {"890", 100, false}, {"010", 100, false}} {
		got, ok := Transaction{TypeCode: c.code, Amount: 100}.Signed()
		if got != c.want || ok != c.ok {
			t.Errorf("Signed(%s) = %v %v, want %v %v", c.code, got, ok, c.want, c.ok)
		}
	}
	if ClassOf("015") != Status || ClassOf("15") != Other || ClassOf("750") != Loan || !IsCredit("100") || !IsDebit("400") || IsDebit("399") {
		t.Error("ClassOf misclassifies")
	}
}

// generate runs ../shared/data/gen_abl_history.py (beside the module root)
// into a temporary directory, or skips the test.
func generate(tb testing.TB, args ...string) string {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Skip("python3 not installed")
	}
	gen, err := filepath.Abs("../../shared/data/gen_abl_history.py")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(gen); err != nil {
		tb.Skipf("the history generator is not beside the module: %v", err)
	}
	dir := tb.TempDir()
	out, err := exec.Command("python3", append([]string{gen, "--out", dir}, args...)...).CombinedOutput()
	if err != nil {
		tb.Fatalf("generator: %v\n%s", err, out)
	}
	return dir
}

// TestGenerated reads the generator's lockbox files: each must read, and
// each day's closing ledger (015) must be its credits less its debits, the
// details signed by their type codes.
func TestGenerated(t *testing.T) {
	dir := generate(t, "--periods", "3")
	names, _ := filepath.Glob(filepath.Join(dir, "*", "lockbox.bai"))
	if len(names) == 0 {
		t.Fatal("the generator wrote no lockbox.bai")
	}
	for _, path := range names {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Read(filepath.Base(filepath.Dir(path))+"/lockbox.bai", data)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Groups) == 0 {
			t.Errorf("%s: no groups", path)
		}
		for _, g := range f.Groups {
			for _, a := range g.Accounts {
				var net money.Amount
				for _, tr := range a.Transactions {
					s, ok := tr.Signed()
					if !ok {
						t.Errorf("%s line %d: type code %s is neither credit nor debit", path, tr.Line, tr.TypeCode)
					}
					net += s
				}
				var closing money.Amount
				for _, s := range a.Summaries {
					if s.TypeCode == "015" {
						closing = s.Amount
					}
				}
				if closing != net {
					t.Errorf("%s line %d: 015 %v, details net %v", path, a.Line, closing, net)
				}
			}
		}
	}
}

// strip zeroes what Write does not keep: record numbers and lines.
func strip(f *File) *File {
	c := *f
	c.Records = 0
	c.Groups = append([]Group(nil), f.Groups...)
	for i := range c.Groups {
		g := &c.Groups[i]
		g.Line = 0
		g.Accounts = append([]Account(nil), g.Accounts...)
		for j := range g.Accounts {
			a := &g.Accounts[j]
			a.Line = 0
			a.Transactions = append([]Transaction(nil), a.Transactions...)
			for k := range a.Transactions {
				a.Transactions[k].Record, a.Transactions[k].Line = 0, 0
			}
		}
	}
	return &c
}

func roundTrip(t *testing.T, name string, f *File) {
	t.Helper()
	out := Write(f)
	g, err := Read(name, out)
	if err != nil {
		t.Fatalf("the written file does not read: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(strip(f), strip(g)) {
		t.Fatalf("round trip differs\n got %+v\nwant %+v\n%s", strip(g), strip(f), out)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.bai")
	for _, path := range names {
		if strings.HasPrefix(filepath.Base(path), "bad_") {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Read(path, data)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, path, f)
	}
	// The generator's file is already in Write's form.
	data, _ := os.ReadFile("testdata/generated.bai")
	f, _ := Read("generated.bai", data)
	if got := string(Write(f)); got != string(data) {
		t.Errorf("Write(generated.bai) differs from the file:\n%s", got)
	}
}

// FuzzRead: Read never panics, returns a file or an *Error (never both),
// and a file it reads writes back to the same file.
func FuzzRead(f *testing.F) {
	names, _ := filepath.Glob("testdata/*.bai")
	for _, path := range names {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read("fuzz.bai", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if file != nil {
				t.Fatal("a file returned with an error")
			}
			if e.Record < 1 || e.Line < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		roundTrip(t, "fuzz.bai", file)
	})
}

// yearOfDays writes a year of daily files for one account, ~50 records a
// day: 01, 02, 03, 44 details, 49, 98, 99.
func yearOfDays() [][]byte {
	var files [][]byte
	start := date.MustParse("2025-01-01")
	for d := 0; d < 365; d++ {
		day := start.AddDays(d)
		a := Account{Number: "0012345678", Currency: "USD", Summaries: []Summary{{TypeCode: "010"}, {TypeCode: "015"}}}
		var net money.Amount
		for i := 0; i < 44; i++ {
			tr := Transaction{TypeCode: "115", Amount: money.Amount(100000 + 37*i + d), Funds: Funds{Type: "1"},
				BankRef: "LBX" + day.String() + "-" + string(rune('A'+i%26)), Text: "LOCKBOX DEPOSIT"}
			if i%9 == 8 {
				tr.TypeCode, tr.Text = "555", "DEPOSITED ITEM RETURNED"
			}
			s, _ := tr.Signed()
			net += s
			a.Transactions = append(a.Transactions, tr)
		}
		a.Summaries[1].Amount = net
		files = append(files, Write(&File{Sender: "SOVRBANK", Receiver: "BTUINTL", Created: day.AddDays(1), CreatedTime: "0600",
			FileID: day.String(), Groups: []Group{{Ultimate: "BTUINTL", Originator: "SOVRBANK", Status: 1, AsOf: day,
				AsOfTime: "2400", Currency: "USD", AsOfModifier: "2", Accounts: []Account{a}}}}))
	}
	return files
}

// BenchmarkReadYear reads a year of daily files for one account.
func BenchmarkReadYear(b *testing.B) {
	files := yearOfDays()
	n := 0
	for _, f := range files {
		n += len(f)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for i, data := range files {
			f, err := Read("day.bai", data)
			if err != nil || f.Records != 50 {
				b.Fatalf("file %d: %v", i, err)
			}
		}
	}
}
