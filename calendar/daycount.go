package calendar

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"revolver/date"
	"revolver/money"
)

// DayCount is a day count convention for interest (see the package comment).
// The zero DayCount is invalid: an agreement must say which one it uses.
type DayCount uint8

// The day counts revolver knows.
const (
	Actual360        DayCount = iota + 1 // actual days / 360
	Actual365Fixed                       // actual days / 365
	Thirty360                            // 30/360 US bond basis, ISDA 2006 §4.16(f)
	ThirtyE360                           // 30E/360 Eurobond basis, ISDA 2006 §4.16(g)
	Thirty360US                          // 30/360 US with the end-of-February rules (SIA)
	ActualActualISDA                     // Actual/Actual (ISDA), ISDA 2006 §4.16(b)
)

var dayCountNames = [...]string{
	Actual360:        "actual_360",
	Actual365Fixed:   "actual_365",
	Thirty360:        "30_360",
	ThirtyE360:       "30e_360",
	Thirty360US:      "30_360_us",
	ActualActualISDA: "actual_actual_isda",
}

// ErrDayCount is returned for text that names no day count.
var ErrDayCount = errors.New("not a day count: expected actual_360, actual_365, 30_360, 30e_360, 30_360_us or actual_actual_isda")

// ParseDayCount reads a day count name, case-insensitive, spaces and hyphens
// read as underscores: "actual_360" ("act/360", "actual/360"), "actual_365"
// ("actual_365_fixed", "act/365f", "act/365"), "30_360" ("30/360",
// "bond_basis", "30u/360"), "30e_360" ("30e/360", "eurobond_basis"),
// "30_360_us" ("30/360_us", "30/360_sia", "30_360_eom") or
// "actual_actual_isda" ("act/act_isda", "actual/actual_(isda)", "act/act_(isda)").
// A bare "act/act" is refused: it names ISDA's and ICMA's conventions alike.
func ParseDayCount(s string) (DayCount, error) {
	switch normalize(s) {
	case "actual_360", "actual/360", "act/360", "act_360":
		return Actual360, nil
	case "actual_365", "actual/365", "act/365", "act_365", "actual_365_fixed",
		"actual/365_fixed", "act/365f", "act_365f", "actual/365f":
		return Actual365Fixed, nil
	case "30_360", "30/360", "bond_basis", "30u/360", "30u_360", "360/360":
		return Thirty360, nil
	case "30e_360", "30e/360", "eurobond_basis":
		return ThirtyE360, nil
	case "30_360_us", "30/360_us", "30_360_sia", "30/360_sia", "30_360_eom", "30/360_eom":
		return Thirty360US, nil
	case "actual_actual_isda", "act/act_isda", "act_act_isda", "actual/actual_isda",
		"actual/actual_(isda)", "act/act_(isda)":
		return ActualActualISDA, nil
	}
	return 0, fmt.Errorf("%q: %w", s, ErrDayCount)
}

// Valid reports whether dc is one of the named day counts.
func (dc DayCount) Valid() bool { return dc >= Actual360 && dc <= ActualActualISDA }

// String is the canonical name: "actual_360", "actual_365", "30_360",
// "30e_360", "30_360_us" or "actual_actual_isda".
func (dc DayCount) String() string {
	if dc.Valid() {
		return dayCountNames[dc]
	}
	return fmt.Sprintf("DayCount(%d)", uint8(dc))
}

// MarshalText writes the canonical name.
func (dc DayCount) MarshalText() ([]byte, error) {
	if !dc.Valid() {
		return nil, fmt.Errorf("day count %d: %w", uint8(dc), ErrDayCount)
	}
	return []byte(dc.String()), nil
}

// UnmarshalText reads a name with ParseDayCount.
func (dc *DayCount) UnmarshalText(b []byte) error {
	v, err := ParseDayCount(string(b))
	if err != nil {
		return err
	}
	*dc = v
	return nil
}

// Basis is the denominator of the year fraction: 360 or 365. Actual/Actual
// (ISDA) has no single basis (a day counts 1/365 or 1/366 by its year): its
// Basis is 0 and YearFraction gives its denominator.
func (dc DayCount) Basis() int64 {
	switch dc {
	case Actual360, Thirty360, ThirtyE360, Thirty360US:
		return 360
	case Actual365Fixed:
		return 365
	case ActualActualISDA:
		return 0
	}
	panic(fmt.Sprintf("calendar: Basis of invalid %v", dc))
}

// Days is the numerator of the year fraction: the days from start (counted)
// to end (not counted) under the convention. Days(end, start) is
// −Days(start, end).
func (dc DayCount) Days(start, end date.Date) int64 {
	if end < start {
		return -dc.Days(end, start)
	}
	switch dc {
	case Actual360, Actual365Fixed, ActualActualISDA:
		return int64(end - start)
	case Thirty360US:
		return thirty360US(start, end)
	case Thirty360, ThirtyE360:
		y1, m1, d1 := start.Civil()
		y2, m2, d2 := end.Civil()
		if dc == ThirtyE360 {
			d1, d2 = min(d1, 30), min(d2, 30)
		} else {
			d1 = min(d1, 30)
			if d2 == 31 && d1 == 30 {
				d2 = 30
			}
		}
		return 360*int64(y2-y1) + 30*int64(int(m2)-int(m1)) + int64(d2-d1)
	}
	panic(fmt.Sprintf("calendar: Days of invalid %v", dc))
}

// YearFraction is the exact fraction of a year from start to end,
// num/den = Days/Basis (not reduced, so that den is the basis). For
// Actual/Actual (ISDA) it is (days in common years)/365 + (days in leap
// years)/366 over the denominator 365 × 366 = 133,590, not reduced either. It
// panics on an invalid DayCount; ParseDayCount only returns valid ones.
func (dc DayCount) YearFraction(start, end date.Date) (num, den int64) {
	if dc == ActualActualISDA {
		return actualActualISDA(start, end)
	}
	return dc.Days(start, end), dc.Basis()
}

// thirty360US is the day count of 30/360 US (the SIA's Standard Securities
// Calculation Methods, the "30/360 US" of the market conventions guides) for
// start <= end: with dates Y1-M1-D1 and Y2-M2-D2,
//  1. if both dates are the last day of February, D2 becomes 30;
//  2. if start is the last day of February, D1 becomes 30;
//  3. if D2 is 31 and D1 is 30 or 31, D2 becomes 30;
//  4. if D1 is 31, D1 becomes 30;
//
// then 360(Y2−Y1) + 30(M2−M1) + (D2−D1).
func thirty360US(start, end date.Date) int64 {
	y1, m1, d1 := start.Civil()
	y2, m2, d2 := end.Civil()
	febStart, febEnd := lastOfFebruary(start), lastOfFebruary(end)
	if febStart && febEnd {
		d2 = 30
	}
	if febStart {
		d1 = 30
	}
	if d2 == 31 && d1 >= 30 {
		d2 = 30
	}
	if d1 == 31 {
		d1 = 30
	}
	return 360*int64(y2-y1) + 30*int64(int(m2)-int(m1)) + int64(d2-d1)
}

// lastOfFebruary reports whether d is 28 February of a common year or
// 29 February.
func lastOfFebruary(d date.Date) bool {
	_, m, _ := d.Civil()
	_, m2, _ := d.AddDays(1).Civil()
	return m == time.February && m2 == time.March
}

// actualActualISDA splits [start, end) at the years' ends: each day of a leap
// year counts 1/366, each day of another year 1/365.
func actualActualISDA(start, end date.Date) (num, den int64) {
	const den365x366 = 365 * 366
	if end < start {
		n, d := actualActualISDA(end, start)
		return -n, d
	}
	for start < end {
		y := start.Year()
		next := date.Of(y+1, time.January, 1)
		stop := min(next, end)
		days := int64(stop - start)
		if isLeap(y) {
			num += days * 365
		} else {
			num += days * 366
		}
		start = stop
	}
	return num, den365x366
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// ErrInterest is returned when interest cannot be computed: an invalid day
// count or a result beyond money.MaxAmount.
var ErrInterest = errors.New("interest cannot be computed")

// Interest is principal × annual rate × YearFraction(start, end), computed
// exactly and rounded once, half away from zero, to the cent. For example
// $1,000,000.00 at 5% for 31 days Actual/360 is 1,000,000 × 0.05 × 31/360 =
// 4,305.555… → $4,305.56.
func (dc DayCount) Interest(principal money.Amount, annual money.Rate, start, end date.Date) (money.Amount, error) {
	if !dc.Valid() {
		return 0, fmt.Errorf("%w: day count %v", ErrInterest, dc)
	}
	r := annual.Decimal()
	coeff, ok := new(big.Int).SetString(r.Coeff.String(), 10)
	if !ok {
		return 0, fmt.Errorf("%w: rate %v", ErrInterest, annual)
	}
	if r.Exponent > 40 || r.Exponent < -40 {
		return 0, fmt.Errorf("%w: rate %v out of range", ErrInterest, annual)
	}
	if r.Negative {
		coeff.Neg(coeff)
	}
	// cents × coeff × 10^exp × num / den of the year fraction
	fnum, fden := dc.YearFraction(start, end)
	num := new(big.Int).Mul(big.NewInt(int64(principal)), coeff)
	num.Mul(num, big.NewInt(fnum))
	den := big.NewInt(fden)
	ten := big.NewInt(10)
	if r.Exponent >= 0 {
		num.Mul(num, new(big.Int).Exp(ten, big.NewInt(int64(r.Exponent)), nil))
	} else {
		den.Mul(den, new(big.Int).Exp(ten, big.NewInt(int64(-r.Exponent)), nil))
	}
	q := roundHalfAway(num, den)
	if !q.IsInt64() || q.Int64() > int64(money.MaxAmount) || q.Int64() < -int64(money.MaxAmount) {
		return 0, fmt.Errorf("%w: %v × %v × %d/%d is beyond the range of an amount",
			ErrInterest, principal, annual, fnum, fden)
	}
	return money.Amount(q.Int64()), nil
}

// roundHalfAway returns num/den (den > 0) rounded half away from zero.
func roundHalfAway(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int)) // truncates toward zero
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	if twice.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}
