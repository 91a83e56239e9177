// Package clock is revolver's one source of "now". Production runs on the
// wall clock; a configured clock (`--clock`) is fixed at an instant or runs
// from an instant; the demo's clock runs from the end of its history. Every
// recorded-at time, "today" and business date derives from one Clock.
package clock

import (
	"fmt"
	"strings"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Func adapts a function to Clock.
type Func func() time.Time

// Now calls f.
func (f Func) Now() time.Time { return f() }

// System is the wall clock.
type System struct{}

// Now is time.Now in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Fixed always answers the same instant.
type Fixed struct{ T time.Time }

// Now is the fixed instant.
func (f Fixed) Now() time.Time { return f.T }

// Offset runs like the wall clock, shifted: it answers From at the moment
// it was made and runs on from there.
type Offset struct{ d time.Duration }

// StartingAt is a clock that reads from now on, running.
func StartingAt(from time.Time) Offset { return Offset{d: time.Until(from)} }

// Now is the wall clock shifted.
func (o Offset) Now() time.Time { return time.Now().Add(o.d).UTC() }

// Parse reads a clock specification:
//
//	"" or "system"            the wall clock
//	"fixed:<RFC 3339 time>"   always that instant
//	"from:<RFC 3339 time>"    that instant now, running on from it
//
// A date alone (YYYY-MM-DD) stands for 17:00 UTC of that day.
func Parse(spec string) (Clock, error) {
	if spec == "" || spec == "system" {
		return System{}, nil
	}
	kind, v, ok := strings.Cut(spec, ":")
	if !ok || (kind != "fixed" && kind != "from") {
		return nil, fmt.Errorf("clock %q: expected system, fixed:<time> or from:<time> (time as 2006-12-29T17:00:00-05:00 or 2006-12-29)", spec)
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		d, derr := time.Parse("2006-01-02", v)
		if derr != nil {
			return nil, fmt.Errorf("clock %q: the time %q is neither RFC 3339 (2006-12-29T17:00:00-05:00) nor a date (2006-12-29)", spec, v)
		}
		t = d.Add(17 * time.Hour)
	}
	if kind == "fixed" {
		return Fixed{T: t.UTC()}, nil
	}
	return StartingAt(t), nil
}
