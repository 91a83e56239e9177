package collateral

import (
	"bytes"
	"strconv"
	"strings"
)

// Test serialisers: write parsed data back as CSV.

func csvField(b *bytes.Buffer, s string) {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && strings.Trim(s, " \t") == s {
		b.WriteString(s)
		return
	}
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(s, `"`, `""`))
	b.WriteByte('"')
}

func csvLine(b *bytes.Buffer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		csvField(b, f)
	}
	b.WriteByte('\n')
}

func writeDebtors(ds []Debtor) []byte {
	var b bytes.Buffer
	csvLine(&b, DebtorColumns...)
	for _, d := range ds {
		csvLine(&b, d.ID, d.Name, d.Country, strconv.FormatBool(d.Government), strconv.FormatBool(d.Affiliate),
			strconv.FormatBool(d.CreditInsured), strconv.FormatBool(d.AssignmentOfClaims), d.ContraPayable.String())
	}
	return b.Bytes()
}

func writeReceivables(r *Receivables, currency string) []byte {
	var b bytes.Buffer
	csvLine(&b, r.Columns...)
	for i, x := range r.Rows {
		var f []string
		for _, c := range r.Columns {
			switch c {
			case "debtor_id":
				f = append(f, r.Debtors[x.Debtor].ID)
			case "invoice_no":
				f = append(f, r.InvoiceNo(i))
			case "invoice_date":
				f = append(f, x.InvoiceDate.String())
			case "due_date":
				f = append(f, x.DueDate.String())
			case "amount":
				f = append(f, x.Amount.String())
			case "currency":
				f = append(f, currency)
			case "disputed":
				f = append(f, strconv.FormatBool(x.Disputed))
			default:
				f = append(f, r.Extra(c, i))
			}
		}
		csvLine(&b, f...)
	}
	return b.Bytes()
}

func writeInventory(v *Inventory) []byte {
	var b bytes.Buffer
	csvLine(&b, v.Columns...)
	for i, x := range v.Rows {
		var f []string
		for _, c := range v.Columns {
			switch c {
			case "item":
				f = append(f, x.Item)
			case "description":
				f = append(f, x.Description)
			case "location":
				f = append(f, x.Location)
			case "category":
				f = append(f, x.Category)
			case "quantity":
				f = append(f, x.Quantity)
			case "unit_cost":
				f = append(f, x.UnitCost)
			case "extended_cost":
				f = append(f, x.ExtendedCost.String())
			case "last_movement_date":
				f = append(f, x.LastMovement.String())
			default:
				f = append(f, v.Extra(c, i))
			}
		}
		csvLine(&b, f...)
	}
	return b.Bytes()
}
