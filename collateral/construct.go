package collateral

// NewReceivables builds a parsed aging from rows already in memory (for
// tests, generators and other importers): invoiceNos[i] is the invoice number
// of rows[i]. The rows' Debtor fields index debtors.
func NewReceivables(file, debtorsFile string, debtors []Debtor, rows []Receivable, invoiceNos []string) *Receivables {
	if len(invoiceNos) != len(rows) {
		panic("collateral.NewReceivables: len(invoiceNos) != len(rows)")
	}
	n := 0
	for _, s := range invoiceNos {
		n += len(s)
	}
	buf := make([]byte, 0, n)
	out := make([]Receivable, len(rows))
	copy(out, rows)
	for i, s := range invoiceNos {
		if len(s) > maxInvoiceLen {
			panic("collateral.NewReceivables: invoice number longer than 65535 bytes")
		}
		out[i].invOff = int32(len(buf))
		out[i].invLen = uint16(len(s))
		buf = append(buf, s...)
	}
	return &Receivables{File: file, DebtorsFile: debtorsFile, Debtors: debtors, Rows: out, buf: buf}
}
