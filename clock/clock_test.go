package clock

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	c, err := Parse("fixed:2006-12-29T17:00:00-05:00")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Now(), time.Date(2006, 12, 29, 22, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("fixed: %v, want %v", got, want)
	}
	c, err = Parse("from:2006-12-29")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Now(), time.Date(2006, 12, 29, 17, 0, 0, 0, time.UTC); got.Sub(want) < 0 || got.Sub(want) > time.Minute {
		t.Errorf("from: %v, want about %v", got, want)
	}
	if c, err := Parse(""); err != nil || time.Since(c.Now()) > time.Minute {
		t.Errorf("system: %v %v", c, err)
	}
	for _, bad := range []string{"fixed", "later:2006-01-01", "fixed:29/12/2006"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
}
