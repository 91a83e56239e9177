package calendar

import (
	"errors"
	"fmt"
	"strings"

	"revolver/date"
)

// Convention is a business-day convention: how a date that falls on a
// non-business day is moved. The zero Convention is Unadjusted.
type Convention uint8

// The conventions of ISDA 2006 §4.12.
const (
	Unadjusted Convention = iota
	Following
	ModifiedFollowing
	Preceding
	ModifiedPreceding
)

var conventionNames = [...]string{
	Unadjusted:        "unadjusted",
	Following:         "following",
	ModifiedFollowing: "modified_following",
	Preceding:         "preceding",
	ModifiedPreceding: "modified_preceding",
}

// ErrConvention is returned for text that names no business-day convention.
var ErrConvention = errors.New("not a business-day convention: expected following, modified_following, preceding, modified_preceding or unadjusted")

// String is the canonical name: "following", "modified_following", ...
func (c Convention) String() string {
	if int(c) < len(conventionNames) {
		return conventionNames[c]
	}
	return fmt.Sprintf("Convention(%d)", uint8(c))
}

// normalize lowercases s, trims it and turns spaces and hyphens into
// underscores: "Modified Following" → "modified_following".
func normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// ParseConvention reads a convention name, case-insensitive, with spaces,
// hyphens or underscores between words: "following", "Modified Following",
// "modified-following", "preceding", "modified_preceding", "unadjusted" or
// "none". The abbreviations "f", "mf", "p" and "mp" are accepted too.
func ParseConvention(s string) (Convention, error) {
	switch normalize(s) {
	case "unadjusted", "none":
		return Unadjusted, nil
	case "following", "f":
		return Following, nil
	case "modified_following", "mf", "modifiedfollowing":
		return ModifiedFollowing, nil
	case "preceding", "p":
		return Preceding, nil
	case "modified_preceding", "mp", "modifiedpreceding":
		return ModifiedPreceding, nil
	}
	return 0, fmt.Errorf("%q: %w", s, ErrConvention)
}

// MarshalText writes the canonical name.
func (c Convention) MarshalText() ([]byte, error) {
	if int(c) >= len(conventionNames) {
		return nil, fmt.Errorf("convention %d: %w", uint8(c), ErrConvention)
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads a name with ParseConvention.
func (c *Convention) UnmarshalText(b []byte) error {
	v, err := ParseConvention(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Adjust moves d by the convention when d is not a business day; a business
// day is returned unchanged whatever the convention.
func (c Calendar) Adjust(d date.Date, conv Convention) date.Date {
	switch conv {
	case Following:
		return c.OnOrAfter(d)
	case Preceding:
		return c.OnOrBefore(d)
	case ModifiedFollowing:
		if a := c.OnOrAfter(d); sameMonth(a, d) {
			return a
		}
		return c.OnOrBefore(d)
	case ModifiedPreceding:
		if a := c.OnOrBefore(d); sameMonth(a, d) {
			return a
		}
		return c.OnOrAfter(d)
	}
	return d
}

func sameMonth(a, b date.Date) bool {
	ya, ma, _ := a.Civil()
	yb, mb, _ := b.Civil()
	return ya == yb && ma == mb
}
