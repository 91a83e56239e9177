package demo

import (
	"bytes"
	"fmt"
	"strconv"

	"revolver/date"
	"revolver/money"
)

// The modern example's monthly reports are derived from its reports as of
// one date (committed under examples/modern-abl/data) rather than stored for
// every month: each month's aging and inventory are the base files with
// every date shifted by the days between the month end and the base date (so
// ages, and with them eligibility, are preserved) and every receivable
// amount and inventory quantity scaled by a factor that depends only on the
// month. All arithmetic is on integers (cents, units); the result is the
// same on every machine. The BTU example's history is generated whole
// (examples/btu-sovereign/history), journals included.

// BaseAsOf is the date of the BTU example's single reports
// (examples/btu-sovereign/data), which `revolver bbc` examples use.
var BaseAsOf = date.MustParse("2004-10-03")

// mulDiv returns a·num/den rounded half away from zero.
func mulDiv(a, num, den int64) int64 {
	p := a * num
	if p < 0 {
		return -((-p + den/2) / den)
	}
	return (p + den/2) / den
}

func splitLines(b []byte) [][]byte {
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	return lines
}

func shiftDate(field []byte, days int) ([]byte, error) {
	if len(field) == 0 {
		return field, nil
	}
	d, ok := date.ParseBytes(field)
	if !ok {
		return nil, fmt.Errorf("date %q: expected YYYY-MM-DD", field)
	}
	return []byte(d.AddDays(days).String()), nil
}

// Receivables derives an aging (debtor_id, invoice_no, invoice_date,
// due_date, amount, currency, disputed) for asOf with amounts × num/100.
func Receivables(base []byte, asOf date.Date, num int64) ([]byte, error) {
	return ShiftReceivables(base, BaseAsOf, asOf, num)
}

// ShiftReceivables is Receivables for base reports as of from.
func ShiftReceivables(base []byte, from, asOf date.Date, num int64) ([]byte, error) {
	lines := splitLines(base)
	shift := asOf.Sub(from)
	var out bytes.Buffer
	out.Write(lines[0])
	out.WriteByte('\n')
	for i, l := range lines[1:] {
		f := bytes.Split(l, []byte(","))
		if len(f) != 7 {
			return nil, fmt.Errorf("receivables line %d: %d fields, expected 7", i+2, len(f))
		}
		var err error
		for _, c := range []int{2, 3} {
			if f[c], err = shiftDate(f[c], shift); err != nil {
				return nil, fmt.Errorf("receivables line %d: %w", i+2, err)
			}
		}
		a, ok := money.ParseAmountBytes(f[4])
		if !ok {
			return nil, fmt.Errorf("receivables line %d: amount %q", i+2, f[4])
		}
		f[4] = []byte(money.Amount(mulDiv(int64(a), num, 100)).String())
		out.Write(bytes.Join(f, []byte(",")))
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// Inventory derives an inventory valuation (item, description, location,
// category, quantity, unit_cost, extended_cost, last_movement_date) for
// asOf with quantities × num/100 and extended cost = quantity × unit cost.
func Inventory(base []byte, asOf date.Date, num int64) ([]byte, error) {
	return ShiftInventory(base, BaseAsOf, asOf, num)
}

// ShiftInventory is Inventory for base reports as of from.
func ShiftInventory(base []byte, from, asOf date.Date, num int64) ([]byte, error) {
	lines := splitLines(base)
	shift := asOf.Sub(from)
	var out bytes.Buffer
	out.Write(lines[0])
	out.WriteByte('\n')
	for i, l := range lines[1:] {
		f := bytes.Split(l, []byte(","))
		if len(f) != 8 {
			return nil, fmt.Errorf("inventory line %d: %d fields, expected 8", i+2, len(f))
		}
		q, err := strconv.ParseInt(string(f[4]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("inventory line %d: quantity %q", i+2, f[4])
		}
		cost, ok := money.ParseAmountBytes(f[5])
		if !ok {
			return nil, fmt.Errorf("inventory line %d: unit cost %q", i+2, f[5])
		}
		q = mulDiv(q, num, 100)
		f[4] = []byte(strconv.FormatInt(q, 10))
		f[6] = []byte(money.Amount(q * int64(cost)).String())
		if f[7], err = shiftDate(f[7], shift); err != nil {
			return nil, fmt.Errorf("inventory line %d: %w", i+2, err)
		}
		out.Write(bytes.Join(f, []byte(",")))
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}
