package bai2

import "revolver/money"

// Class is the class of a BAI2 type code.
type Class int

// The classes of type codes: status (001–099), credit (100–399), debit
// (400–699), loan (700–799), and the codes left to banks and other uses
// (800–999), whose direction the specification does not fix.
const (
	Other Class = iota
	Status
	Credit
	Debit
	Loan
)

// ClassOf returns the class of a three-digit type code; Other for anything else.
func ClassOf(code string) Class {
	if len(code) != 3 || !digits(code) {
		return Other
	}
	n := int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	switch {
	case n >= 1 && n <= 99:
		return Status
	case n >= 100 && n <= 399:
		return Credit
	case n >= 400 && n <= 699:
		return Debit
	case n >= 700 && n <= 799:
		return Loan
	}
	return Other
}

// IsCredit reports whether code is a credit summary or detail (100–399).
func IsCredit(code string) bool { return ClassOf(code) == Credit }

// IsDebit reports whether code is a debit summary or detail (400–699).
func IsDebit(code string) bool { return ClassOf(code) == Debit }

// Signed returns the transaction's amount with its direction: positive for
// a credit, negative for a debit; ok is false for a code that is neither
// (the amount is then returned as written). BAI2 writes detail amounts
// unsigned, and the control totals sum them as written (docs/bai2.md).
func (t Transaction) Signed() (a money.Amount, ok bool) {
	switch ClassOf(t.TypeCode) {
	case Credit:
		return t.Amount, true
	case Debit:
		return -t.Amount, true
	}
	return t.Amount, false
}
