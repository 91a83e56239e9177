// Package jsonw writes JSON objects with their keys in the order written,
// as the certificate's and the roll-forward's documents need (encoding/json
// orders a map's keys and cannot interleave computed members). Amounts are
// written as strings with two decimals.
package jsonw

import (
	"encoding/json"

	"revolver/money"
)

// Writer appends JSON to B: Open and Close an object, Key before each
// member's value.
type Writer struct {
	B     []byte
	first []bool
}

// Open starts an object.
func (w *Writer) Open() {
	w.B = append(w.B, '{')
	w.first = append(w.first, true)
}

// Close ends the object opened last.
func (w *Writer) Close() {
	w.B = append(w.B, '}')
	w.first = w.first[:len(w.first)-1]
}

// Key writes a member's name (and the comma before it when it is not the
// object's first).
func (w *Writer) Key(k string) {
	top := len(w.first) - 1
	if !w.first[top] {
		w.B = append(w.B, ',')
	}
	w.first[top] = false
	w.B = AppendString(w.B, k)
	w.B = append(w.B, ':')
}

// Str writes a string member.
func (w *Writer) Str(k, v string) {
	w.Key(k)
	w.B = AppendString(w.B, v)
}

// Amount writes an amount member as a string with two decimals.
func (w *Writer) Amount(k string, a money.Amount) {
	w.Key(k)
	w.B = append(w.B, '"')
	w.B = a.AppendTo(w.B)
	w.B = append(w.B, '"')
}

// Null writes a null member.
func (w *Writer) Null(k string) {
	w.Key(k)
	w.B = append(w.B, "null"...)
}

// AppendString appends s as a JSON string.
func AppendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}
