// Package money owns revolver's exact amounts and rates.
//
// An Amount is a whole number of cents (int64). A Rate is an exact decimal
// (apd). There is one rounding rule, applied only where a rate multiplies an
// amount or an amount is divided: half away from zero, to the cent
// (see docs/rounding.md). Nothing in revolver uses floating point for money.
package money

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/cockroachdb/apd/v3"
)

// Amount is an exact amount of money in cents.
type Amount int64

// MaxAmount is the largest magnitude an Amount may hold: ±90 trillion,
// far above any facility, and safe from overflow when a million are summed.
const MaxAmount Amount = 9_000_000_000_000_000

// ErrSyntax is returned for text that is not an amount with at most two decimals.
var ErrSyntax = errors.New("not an amount with at most two decimals (e.g. 1234.56 or -12.00)")

// ErrRange is returned for an amount beyond MaxAmount.
var ErrRange = errors.New("amount out of range")

// ErrOverflow is returned when arithmetic would leave the range of Amount.
var ErrOverflow = errors.New("amount arithmetic overflow")

// ParseAmount parses "1234.56", "-0.5", "1,234.56" (thousands commas accepted
// only in groups of three) or "1234". More than two decimals is an error:
// revolver never rounds an input silently.
func ParseAmount(s string) (Amount, error) {
	a, ok := ParseAmountBytes([]byte(s))
	if !ok {
		return 0, ErrSyntax
	}
	return a, nil
}

// ParseAmountBytes is ParseAmount for a byte slice, without allocating.
// It reports false for anything ParseAmount would reject.
func ParseAmountBytes(b []byte) (Amount, bool) {
	// The usual form first: an optional '-', one to thirteen digits (so
	// that no check for MaxAmount is needed), a point and two digits.
	if n := len(b); n >= 4 && b[n-3] == '.' {
		i := 0
		if b[0] == '-' {
			i = 1
		}
		if k := n - 3 - i; k >= 1 && k <= 13 {
			var v int64
			ok := true
			switch {
			case k <= 8 && i+8 <= cap(b):
				// The k digits and what follows them in b's array, as
				// one word: the bytes past the digits read as '0's in
				// front of them.
				x := binary.LittleEndian.Uint64(b[i : i+8])
				sh := uint(64 - 8*k)
				x = x<<sh | zeros>>(64-sh)
				v, ok = eightDigits(x)
			case k > 8:
				for _, c := range b[i : n-11] {
					c -= '0'
					ok = ok && c <= 9
					v = v*10 + int64(c)
				}
				w, wok := eightDigits(binary.LittleEndian.Uint64(b[n-11 : n-3]))
				v, ok = v*100_000_000+w, ok && wok
			default:
				for _, c := range b[i : n-3] {
					c -= '0'
					ok = ok && c <= 9
					v = v*10 + int64(c)
				}
			}
			d1, d2 := b[n-2]-'0', b[n-1]-'0'
			if ok && d1 <= 9 && d2 <= 9 {
				v = v*100 + int64(d1)*10 + int64(d2)
				if i == 1 {
					v = -v
				}
				return Amount(v), true
			}
		}
	}
	return parseAmountAny(b)
}

const zeros = 0x3030303030303030 // eight '0's

// eightDigits reads eight ASCII digits, the first in x's low byte, as a
// number, eight bytes at a time; it reports false if any byte is not a
// digit. A byte is a digit when its high nibble is 3 and stays 3 once 6 is
// added; the digits are then combined in pairs, fours and the eight by
// three multiplies.
func eightDigits(x uint64) (int64, bool) {
	const f0, six = 0xF0F0F0F0F0F0F0F0, 0x0606060606060606
	if x&f0 != zeros || (x+six)&f0 != zeros {
		return 0, false
	}
	x = (x & 0x0F0F0F0F0F0F0F0F) * (10<<8 + 1) >> 8
	x = (x & 0x00FF00FF00FF00FF) * (100<<16 + 1) >> 16
	x = (x & 0x0000FFFF0000FFFF) * (10000<<32 + 1) >> 32
	return int64(x), true
}

// parseAmountAny is ParseAmountBytes for every form it accepts.
func parseAmountAny(b []byte) (Amount, bool) {
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	i := 0
	switch b[0] {
	case '-':
		neg = true
		i++
	case '+':
		i++
	}
	if i == len(b) {
		return 0, false
	}
	var whole int64
	digits := 0
	groupLen := -1 // -1: no comma seen yet
	for ; i < len(b); i++ {
		c := b[i]
		if c >= '0' && c <= '9' {
			if whole > (int64(MaxAmount)/100)/10 {
				return 0, false
			}
			whole = whole*10 + int64(c-'0')
			digits++
			if groupLen >= 0 {
				groupLen++
			}
			continue
		}
		if c == ',' {
			if digits == 0 || (groupLen >= 0 && groupLen != 3) || (groupLen < 0 && digits > 3) {
				return 0, false
			}
			groupLen = 0
			continue
		}
		break
	}
	if groupLen >= 0 && groupLen != 3 {
		return 0, false
	}
	var frac int64
	if i < len(b) {
		if b[i] != '.' {
			return 0, false
		}
		i++
		n := 0
		for ; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' || n == 2 {
				return 0, false
			}
			frac = frac*10 + int64(c-'0')
			n++
		}
		if n == 0 && digits == 0 {
			return 0, false
		}
		if n == 1 {
			frac *= 10
		}
	} else if digits == 0 {
		return 0, false
	}
	v := whole*100 + frac
	if v > int64(MaxAmount) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return Amount(v), true
}

// String formats the amount with exactly two decimals and no separators: "-1234.50".
func (a Amount) String() string {
	var buf [24]byte
	return string(a.AppendTo(buf[:0]))
}

// AppendTo appends the String form to b.
func (a Amount) AppendTo(b []byte) []byte {
	v := int64(a)
	if v < 0 {
		b = append(b, '-')
		if v == math.MinInt64 {
			return append(b, "overflow"...)
		}
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	c := v % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// Grouped formats with thousands separators: "-1,234,567.89".
func (a Amount) Grouped() string {
	s := a.String()
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	dot := len(s) - 3
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := 0; i < dot; i++ {
		if i > 0 && (dot-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	out = append(out, s[dot:]...)
	return string(out)
}

// MarshalText writes the amount as its String form (JSON amounts are strings).
func (a Amount) MarshalText() ([]byte, error) { return a.AppendTo(nil), nil }

// UnmarshalText parses the String form.
func (a *Amount) UnmarshalText(b []byte) error {
	v, ok := ParseAmountBytes(b)
	if !ok {
		return fmt.Errorf("%q: %w", b, ErrSyntax)
	}
	*a = v
	return nil
}

// Add returns a+b, or ErrOverflow.
func (a Amount) Add(b Amount) (Amount, error) {
	s := a + b
	if s > MaxAmount || s < -MaxAmount {
		return 0, ErrOverflow
	}
	return s, nil
}

// Min returns the lesser of a and b.
func Min(a, b Amount) Amount {
	if a < b {
		return a
	}
	return b
}

// Max returns the greater of a and b.
func Max(a, b Amount) Amount {
	if a > b {
		return a
	}
	return b
}

// Decimal returns the amount as an exact decimal number of dollars.
func (a Amount) Decimal() *apd.Decimal {
	return apd.New(int64(a), -2)
}
