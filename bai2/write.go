package bai2

import (
	"strconv"

	"revolver/date"
	"revolver/money"
)

// Write writes f as BAI2, one physical record per line (no 88
// continuations), each record ended by '/', with the control totals and
// record counts computed from the records (f.Records and the Line fields
// are ignored). A File that Read returned reads back equal to itself, but
// for its Records and Line fields. Write does not check its input: a field
// holding a comma or a '/' (other than a 16's text) writes a file that
// does not read back.
func Write(f *File) []byte {
	var b []byte
	rec := func(fields ...string) {
		for i, s := range fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, s...)
		}
		b = append(b, '/', '\n')
	}
	n := 0 // records written
	rec("01", f.Sender, f.Receiver, yymmdd(f.Created), f.CreatedTime, f.FileID, f.RecordLength, f.BlockSize, "2")
	n++
	var fileTotal money.Amount
	for _, g := range f.Groups {
		rec("02", g.Ultimate, g.Originator, strconv.Itoa(g.Status), yymmdd(g.AsOf), g.AsOfTime, g.Currency, g.AsOfModifier)
		groupStart := n
		n++
		var groupTotal money.Amount
		for _, a := range g.Accounts {
			accountStart := n
			var total money.Amount
			fs := []string{"03", a.Number, a.Currency}
			for _, s := range a.Summaries {
				items := ""
				if s.Items != nil {
					items = strconv.Itoa(*s.Items)
				}
				fs = append(fs, s.TypeCode, cents(s.Amount), items)
				fs = s.Funds.append(fs)
				total += s.Amount
			}
			rec(fs...)
			n++
			for _, t := range a.Transactions {
				fs := []string{"16", t.TypeCode, cents(t.Amount)}
				fs = t.Funds.append(fs)
				rec(append(fs, t.BankRef, t.CustomerRef, t.Text)...)
				n++
				total += t.Amount
			}
			n++
			rec("49", cents(total), strconv.Itoa(n-accountStart))
			groupTotal += total
		}
		n++
		rec("98", cents(groupTotal), strconv.Itoa(len(g.Accounts)), strconv.Itoa(n-groupStart))
		fileTotal += groupTotal
	}
	n++
	rec("99", cents(fileTotal), strconv.Itoa(len(f.Groups)), strconv.Itoa(n))
	return b
}

// cents writes an amount in cents, with a '-' when negative.
func cents(a money.Amount) string { return strconv.FormatInt(int64(a), 10) }

func yymmdd(d date.Date) string {
	y, m, dd := d.Civil()
	return string([]byte{byte('0' + y/10%10), byte('0' + y%10), byte('0' + int(m)/10), byte('0' + int(m)%10), byte('0' + dd/10), byte('0' + dd%10)})
}

// append adds the funds type and its fields to fs.
func (fu Funds) append(fs []string) []string {
	fs = append(fs, fu.Type)
	switch fu.Type {
	case "S":
		fs = append(fs, cents(fu.Immediate), cents(fu.OneDay), cents(fu.TwoPlus))
	case "V":
		fs = append(fs, yymmdd(fu.ValueDate), fu.ValueTime)
	case "D":
		fs = append(fs, strconv.Itoa(len(fu.Distributions)))
		for _, d := range fu.Distributions {
			fs = append(fs, strconv.Itoa(d.Days), cents(d.Amount))
		}
	}
	return fs
}
