package money

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// ctx is the one decimal context of revolver: 34 significant digits and the
// rounding rule of docs/rounding.md (half away from zero).
var ctx = apd.Context{
	Precision:   34,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       apd.DefaultTraps,
	Rounding:    apd.RoundHalfUp, // apd's HalfUp rounds ties away from zero
}

// Rate is an exact decimal: an advance rate, a share, a margin or a ratio.
// The zero Rate is 0.
type Rate struct{ d apd.Decimal }

// ErrRate is returned for text that is not a decimal or a percentage.
var ErrRate = errors.New("not a rate: expected a decimal such as 0.80 or a percentage such as 80%")

// ParseRate parses "0.80", "80%", "2.25%" or "2.0". A percentage is divided by
// 100 exactly.
func ParseRate(s string) (Rate, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	if pct {
		t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	}
	d, _, err := apd.NewFromString(t)
	if err != nil || d.Form != apd.Finite {
		return Rate{}, ErrRate
	}
	if pct {
		d.Exponent -= 2
	}
	var r Rate
	r.d.Set(d)
	return r, nil
}

// MustRate parses s or panics; for constants in tests and examples.
func MustRate(s string) Rate {
	r, err := ParseRate(s)
	if err != nil {
		panic(fmt.Sprintf("money.MustRate(%q): %v", s, err))
	}
	return r
}

// RateFromInt returns the rate n.
func RateFromInt(n int64) Rate {
	var r Rate
	r.d.SetInt64(n)
	return r
}

// String gives the rate in plain decimal notation, trailing zeros removed ("0.8", "2").
func (r Rate) String() string {
	var d apd.Decimal
	d.Reduce(&r.d)
	return d.Text('f')
}

// Percent gives the rate as a percentage: "80%", "2.25%".
func (r Rate) Percent() string {
	var d apd.Decimal
	d.Set(&r.d)
	d.Exponent += 2
	d.Reduce(&d)
	return d.Text('f') + "%"
}

// Fixed formats the rate with exactly n decimals, rounded half away from zero.
func (r Rate) Fixed(n int32) string {
	var d apd.Decimal
	c := ctx
	c.Quantize(&d, &r.d, -n)
	return d.Text('f')
}

// MarshalText writes the String form.
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses with ParseRate.
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := ParseRate(string(b))
	if err != nil {
		return fmt.Errorf("%q: %w", b, err)
	}
	*r = v
	return nil
}

// Cmp compares r and s: -1, 0 or +1.
func (r Rate) Cmp(s Rate) int { return r.d.Cmp(&s.d) }

// Sign is -1, 0 or +1.
func (r Rate) Sign() int { return r.d.Sign() }

// Decimal returns a copy of the exact value.
func (r Rate) Decimal() *apd.Decimal {
	var d apd.Decimal
	d.Set(&r.d)
	return &d
}

// RateOf wraps an exact decimal.
func RateOf(d *apd.Decimal) Rate {
	var r Rate
	r.d.Set(d)
	return r
}

// Mul returns a × r rounded half away from zero to the cent: the one rounding
// point of every "rate × amount" in revolver.
func (a Amount) Mul(r Rate) (Amount, error) {
	var p apd.Decimal
	if _, err := ctx.Mul(&p, a.Decimal(), &r.d); err != nil {
		return 0, err
	}
	return fromDollars(&p)
}

// MulRate is Amount.Mul for callers that know the product is in range; it
// panics otherwise (a bug, not an input error: inputs are range-checked).
func MulRate(a Amount, r Rate) Amount {
	v, err := a.Mul(r)
	if err != nil {
		panic(fmt.Sprintf("money: %s × %s: %v", a, r, err))
	}
	return v
}

// Div returns the exact quotient a ÷ b as a Rate (34 significant digits), or
// an error when b is zero.
func Div(a, b Amount) (Rate, error) {
	if b == 0 {
		return Rate{}, errors.New("division by zero")
	}
	var q apd.Decimal
	if _, err := ctx.Quo(&q, a.Decimal(), b.Decimal()); err != nil {
		return Rate{}, err
	}
	return RateOf(&q), nil
}

// FromDecimal rounds a decimal number of dollars half away from zero to the cent.
func FromDecimal(d *apd.Decimal) (Amount, error) { return fromDollars(d) }

func fromDollars(d *apd.Decimal) (Amount, error) {
	var q apd.Decimal
	c := ctx
	if _, err := c.Quantize(&q, d, -2); err != nil {
		return 0, err
	}
	var cents apd.Decimal
	cents.Set(&q)
	cents.Exponent += 2
	v, err := cents.Int64()
	if err != nil || v > int64(MaxAmount) || v < -int64(MaxAmount) {
		return 0, ErrOverflow
	}
	return Amount(v), nil
}

// Add returns r + s exactly.
func (r Rate) Add(s Rate) Rate {
	var d apd.Decimal
	if _, err := ctx.Add(&d, &r.d, &s.d); err != nil {
		panic(err)
	}
	return RateOf(&d)
}

// Sub returns r − s exactly.
func (r Rate) Sub(s Rate) Rate {
	var d apd.Decimal
	if _, err := ctx.Sub(&d, &r.d, &s.d); err != nil {
		panic(err)
	}
	return RateOf(&d)
}

// MulRate returns r × s (34 significant digits).
func (r Rate) MulRate(s Rate) Rate {
	var d apd.Decimal
	if _, err := ctx.Mul(&d, &r.d, &s.d); err != nil {
		panic(err)
	}
	return RateOf(&d)
}
