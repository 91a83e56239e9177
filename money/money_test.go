package money

import (
	"math/rand/v2"
	"testing"
)

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in   string
		want Amount
		ok   bool
	}{
		{"0", 0, true}, {"1234.56", 123456, true}, {"-12.5", -1250, true}, {".5", 50, true},
		{"1,234,567.89", 123456789, true}, {"14000000.00", 1400000000, true},
		{"1.234", 0, false}, {"12,34.00", 0, false}, {"", 0, false}, {"-", 0, false},
		{"1e3", 0, false}, {"abc", 0, false}, {"1.", 100, true}, {"1,2345", 0, false},
	}
	for _, c := range cases {
		got, err := ParseAmount(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestMulRoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		a    Amount
		r    string
		want Amount
	}{
		{1, "50%", 1},   // 0.005 → 0.01
		{-1, "50%", -1}, // −0.005 → −0.01
		{3, "35%", 1},   // 0.0105 → 0.01
		{1000000, "80%", 800000},
		{1234567, "35%", 432098}, // 4320.9845 → 4320.98
		{1234570, "35%", 432100}, // 4320.995 → 4321.00
	}
	for _, c := range cases {
		if got := MulRate(c.a, MustRate(c.r)); got != c.want {
			t.Errorf("%s × %s = %s, want %s", c.a, c.r, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	if got := Amount(-123456789).Grouped(); got != "-1,234,567.89" {
		t.Errorf("Grouped = %s", got)
	}
	if got := Amount(5).String(); got != "0.05" {
		t.Errorf("String = %s", got)
	}
	if got := MustRate("0.35").Percent(); got != "35%" {
		t.Errorf("Percent = %s", got)
	}
	if got := MustRate("80%").String(); got != "0.8" {
		t.Errorf("String = %s", got)
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1.00", "-5", "1,000.25", ".1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			return
		}
		b, err := ParseAmount(a.String())
		if err != nil || b != a {
			t.Fatalf("round trip %q → %s → %v, %v", s, a, b, err)
		}
	})
}

// The usual form's fast path must read exactly what the general parser reads.
func TestParseAmountBytesFastPath(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := "0123456789-.,+ x"
	check := func(b []byte) {
		got, ok := ParseAmountBytes(b)
		want, wok := parseAmountAny(b)
		if got != want || ok != wok {
			t.Fatalf("ParseAmountBytes(%q) = %d, %v; the general parser gives %d, %v", b, got, ok, want, wok)
		}
		// The same bytes followed, in their array, by others (a field of
		// a line): what follows must not count.
		spare := append(b[:len(b):len(b)], alphabet[r.IntN(len(alphabet))], '1', '2', '.', ',', '\n', '9', '-')
		if got, ok := ParseAmountBytes(spare[:len(b)]); got != want || ok != wok {
			t.Fatalf("ParseAmountBytes(%q followed by %q) = %d, %v; the general parser gives %d, %v", b, spare[len(b):], got, ok, want, wok)
		}
	}
	for _, s := range []string{"0.00", "-0.00", "1.00", "-1.05", "9999999999999.99", "-9999999999999.99",
		"99999999999999.99", "89999999999999.99", "90000000000000.00", "90000000000000.01", ".00", "-.00", "1.0x", "1x.00", "--1.00", "+1.00", "1,000.00"} {
		check([]byte(s))
	}
	for range 2_000_000 {
		n := 1 + r.IntN(20)
		b := make([]byte, n)
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[i] = '0' + byte(r.IntN(10))
			}
		}
		if n >= 4 && r.IntN(2) == 0 {
			b[n-3] = '.'
		}
		check(b)
	}
}

func FuzzParseAmountBytes(f *testing.F) {
	f.Add([]byte("1234.56"), uint8(7))
	f.Add([]byte("-0.07"), uint8(5))
	f.Add([]byte("123456789012.34,USD"), uint8(15))
	f.Add([]byte("-12.34,99999999"), uint8(6))
	f.Fuzz(func(t *testing.T, b []byte, cut uint8) {
		// b[:cut] is the field, the rest of b what follows it in its array.
		k := min(int(cut), len(b))
		got, ok := ParseAmountBytes(b[:k])
		want, wok := parseAmountAny(b[:k])
		if got != want || ok != wok {
			t.Fatalf("ParseAmountBytes(%q followed by %q) = %d, %v; the general parser gives %d, %v", b[:k], b[k:], got, ok, want, wok)
		}
	})
}
