// Package date owns calendar dates without a time of day or a zone.
//
// A Date is a day number (days since 1970-01-01, proleptic Gregorian), so
// "as-of − invoice date" is a subtraction. Dates are written and read as
// ISO 8601 (YYYY-MM-DD) only.
package date

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Date is a calendar day: days since 1970-01-01.
type Date int32

// ErrSyntax is returned for text that is not an ISO date YYYY-MM-DD.
var ErrSyntax = errors.New("not a date: expected YYYY-MM-DD")

// Min and Max bound the dates revolver accepts: years 1900 through 2199.
var (
	Min = Of(1900, 1, 1)
	Max = Of(2199, 12, 31)
)

// Of returns the date y-m-d (normalised like time.Date).
func Of(y int, m time.Month, d int) Date {
	return Date(daysFromCivil(int64(y), int64(m), int64(d)))
}

// FromTime returns the calendar date of t in t's location.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return Of(y, m, d)
}

// Parse reads YYYY-MM-DD.
func Parse(s string) (Date, error) {
	d, ok := ParseBytes([]byte(s))
	if !ok {
		return 0, ErrSyntax
	}
	return d, nil
}

// MustParse parses or panics; for constants in tests.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("date.MustParse(%q): %v", s, err))
	}
	return d
}

// ParseBytes reads YYYY-MM-DD without allocating; false when invalid
// (including 2004-02-30 and years outside 1900–2199).
func ParseBytes(b []byte) (Date, bool) {
	if len(b) != 10 {
		return 0, false
	}
	// "YYYY-MM-" as one word, "DD" as another: digits where digits belong
	// (high nibble 3, and still 3 once 6 is added), dashes where dashes do.
	const (
		dig  = 0x00FFFF00FFFFFFFF // the digit bytes of the first word
		dash = 0xFF0000FF00000000 // the dash bytes
		f0   = 0xF0F0F0F0F0F0F0F0
		z0   = 0x3030303030303030
		six  = 0x0606060606060606
	)
	x := binary.LittleEndian.Uint64(b)
	z := uint64(binary.LittleEndian.Uint16(b[8:]))
	if x&dash != '-'<<32|'-'<<56 ||
		x&f0&dig != z0&dig || (x+six&dig)&f0&dig != z0&dig ||
		z&0xF0F0 != 0x3030 || (z+0x0606)&0xF0F0 != 0x3030 {
		return 0, false
	}
	v := x - z0&dig
	z -= 0x3030
	y := int(v&0xFF)*1000 + int(v>>8&0xFF)*100 + int(v>>16&0xFF)*10 + int(v>>24&0xFF) - 1900
	m := int(v>>40&0xFF)*10 + int(v>>48&0xFF)
	d := int(z&0xFF)*10 + int(z>>8)
	if uint(y) >= uint(len(years)) || uint(m-1) >= 12 {
		return 0, false
	}
	yi := years[y]
	n := int(monthDays[m])
	if m == 2 {
		n += int(yi & 1)
	}
	if uint(d-1) >= uint(n) {
		return 0, false
	}
	days := int(yi>>1) + int(monthStart[m]) + d - 1
	if m > 2 {
		days += int(yi & 1)
	}
	return Date(days), true
}

// years[y-1900] is the day number of 1 January of year y, shifted left
// once, with 1 for a leap year; monthStart[m] is the days of a common year
// before month m, monthDays[m] the days of month m.
var (
	years      = yearTable()
	monthStart = [13]int16{0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}
	monthDays  = [13]uint8{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
)

func yearTable() (t [300]int32) {
	for i := range t {
		y := int64(1900 + i)
		t[i] = int32(daysFromCivil(y, 1, 1)) << 1
		if daysIn(y, 2) == 29 {
			t[i] |= 1
		}
	}
	return t
}

func daysIn(y, m int64) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// Civil returns year, month and day.
func (d Date) Civil() (int, time.Month, int) {
	z := int64(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(dd)
}

// Year returns the year.
func (d Date) Year() int { y, _, _ := d.Civil(); return y }

// String is YYYY-MM-DD.
func (d Date) String() string {
	var b [10]byte
	return string(d.AppendTo(b[:0]))
}

// AppendTo appends the String form to b (without fmt for the years 0 to
// 9999: dates are written in every answer).
func (d Date) AppendTo(b []byte) []byte {
	y, m, dd := d.Civil()
	if y < 0 || y > 9999 {
		return fmt.Appendf(b, "%04d-%02d-%02d", y, int(m), dd)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int64(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays returns d + n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// AddMonths adds n calendar months, clamping the day to the month's end
// (2004-01-31 + 1 month = 2004-02-29).
func (d Date) AddMonths(n int) Date {
	y, m, dd := d.Civil()
	mi := int(m) - 1 + n
	y += mi / 12
	mi %= 12
	if mi < 0 {
		mi += 12
		y--
	}
	if last := daysIn(int64(y), int64(mi+1)); dd > last {
		dd = last
	}
	return Of(y, time.Month(mi+1), dd)
}

// Sub returns d − e in days.
func (d Date) Sub(e Date) int { return int(d - e) }

// Time returns midnight UTC of the date (for libraries that want a time.Time).
func (d Date) Time() time.Time {
	y, m, dd := d.Civil()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return d.AppendTo(make([]byte, 0, 10)), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, ok := ParseBytes(b)
	if !ok {
		return fmt.Errorf("%q: %w", b, ErrSyntax)
	}
	*d = v
	return nil
}
