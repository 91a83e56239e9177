package date

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// refParse is the plain statement of ParseBytes: ten bytes, digits and
// dashes in place, a real day of the years 1900–2199.
func refParse(b []byte) (Date, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	var v [8]int64
	k := 0
	for i, c := range b {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		v[k] = int64(c - '0')
		k++
	}
	y := v[0]*1000 + v[1]*100 + v[2]*10 + v[3]
	m := v[4]*10 + v[5]
	d := v[6]*10 + v[7]
	if y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > int64(daysIn(y, m)) {
		return 0, false
	}
	return Date(daysFromCivil(y, m, d)), true
}

func TestParseBytesEveryDay(t *testing.T) {
	n := 0
	for y := 1890; y <= 2210; y++ {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				b := []byte(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
				got, ok := ParseBytes(b)
				want, wok := refParse(b)
				if got != want || ok != wok {
					t.Fatalf("ParseBytes(%q) = %d, %v; want %d, %v", b, got, ok, want, wok)
				}
				if ok {
					n++
					if got.String() != string(b) {
						t.Fatalf("ParseBytes(%q) = %s", b, got)
					}
				}
			}
		}
	}
	if n != int(Max-Min)+1 {
		t.Fatalf("%d days accepted, want %d", n, Max-Min+1)
	}
}

func TestParseBytesMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2_000_000 {
		b := []byte(Date(r.IntN(int(Max-Min+1)) + int(Min)).String())
		for range 1 + r.IntN(2) {
			b[r.IntN(10)] = byte(r.IntN(256))
		}
		if r.IntN(50) == 0 {
			b = b[:r.IntN(10)]
		}
		got, ok := ParseBytes(b)
		want, wok := refParse(b)
		if got != want || ok != wok {
			t.Fatalf("ParseBytes(%q) = %d, %v; want %d, %v", b, got, ok, want, wok)
		}
	}
}

func FuzzParseBytes(f *testing.F) {
	f.Add([]byte("2004-02-29"))
	f.Add([]byte("2100-02-29"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := ParseBytes(b)
		want, wok := refParse(b)
		if got != want || ok != wok {
			t.Fatalf("ParseBytes(%q) = %d, %v; want %d, %v", b, got, ok, want, wok)
		}
	})
}
