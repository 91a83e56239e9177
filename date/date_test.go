package date

import (
	"fmt"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	for d := Min; d <= Max; d += 17 {
		got, err := Parse(d.String())
		if err != nil || got != d {
			t.Fatalf("Parse(%s) = %v, %v", d, got, err)
		}
		if want := d.Time().Weekday(); d.Weekday() != want {
			t.Fatalf("%s weekday %v, want %v", d, d.Weekday(), want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"", "2004-02-30", "2003-02-29", "2004-13-01", "04-01-01", "2004/01/01", "1899-12-31", "2004-1-01"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	if d := MustParse("2004-02-29"); d.String() != "2004-02-29" {
		t.Errorf("leap day: %s", d)
	}
}

func TestAddMonths(t *testing.T) {
	if got := MustParse("2004-01-31").AddMonths(1); got != MustParse("2004-02-29") {
		t.Errorf("got %s", got)
	}
	if got := MustParse("2004-01-15").AddMonths(-13); got != MustParse("2002-12-15") {
		t.Errorf("got %s", got)
	}
	if got := MustParse("2004-10-03").Weekday(); got != time.Sunday {
		t.Errorf("2004-10-03 is a Sunday, got %v", got)
	}
}

// TestStringFast: String writes what fmt writes for YYYY-MM-DD, inside and
// outside the years 0 to 9999.
func TestStringFast(t *testing.T) {
	for d := Date(-800000); d < 3000000; d += 997 {
		y, m, dd := d.Civil()
		want := fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
		if got := d.String(); got != want {
			t.Fatalf("%d: %q, want %q", int32(d), got, want)
		}
		if b, _ := d.MarshalText(); string(b) != want {
			t.Fatalf("%d: text %q, want %q", int32(d), b, want)
		}
	}
}
