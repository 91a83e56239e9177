package collateral

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"revolver/date"
	"revolver/money"
)

type recvValue struct {
	Debtor   string
	Inv      string
	Date     date.Date
	Due      date.Date
	Amount   money.Amount
	Disputed bool
	Note     string
}

func recvValues(r *Receivables) []recvValue {
	out := make([]recvValue, r.Len())
	for i, x := range r.Rows {
		out[i] = recvValue{r.Debtors[x.Debtor].ID, r.InvoiceNo(i), x.InvoiceDate, x.DueDate, x.Amount, x.Disputed, r.Extra("note", i)}
	}
	return out
}

func sortValues(v []recvValue) {
	slices.SortFunc(v, func(a, b recvValue) int { return cmp.Compare(a.Inv, b.Inv) })
}

// Shuffling the rows of a file gives the same multiset of receivables; and
// what is read is what was written, however it is quoted and ended.
func TestShuffleSameMultiset(t *testing.T) {
	ds := testDebtors(t)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "n")
		want := make([]recvValue, n)
		for i := range want {
			d := date.Of(2004, 1, 1).AddDays(rapid.IntRange(0, 400).Draw(t, "date"))
			want[i] = recvValue{
				Debtor:   rapid.SampledFrom([]string{"C1", "C2"}).Draw(t, "debtor"),
				Inv:      fmt.Sprintf("%d-%s", i, rapid.StringMatching(`[A-Za-z0-9 ,"\n/-]{0,6}`).Draw(t, "inv")),
				Date:     d,
				Due:      d.AddDays(rapid.IntRange(0, 90).Draw(t, "terms")),
				Amount:   money.Amount(rapid.Int64Range(-1_000_000_00, 1_000_000_00).Draw(t, "amount")),
				Disputed: rapid.Bool().Draw(t, "disputed"),
				Note:     rapid.StringMatching(`[a-z ,"\r\n]{0,5}`).Draw(t, "note"),
			}
			want[i].Note = strings.TrimSpace(want[i].Note)
		}
		crlf := rapid.Bool().Draw(t, "crlf")
		write := func(rows []recvValue) []byte {
			var b bytes.Buffer
			csvLine(&b, "debtor_id", "invoice_no", "invoice_date", "due_date", "amount", "currency", "disputed", "note")
			for _, v := range rows {
				csvLine(&b, v.Debtor, v.Inv, v.Date.String(), v.Due.String(), v.Amount.String(), "USD", fmt.Sprint(v.Disputed), v.Note)
			}
			if crlf {
				return bytes.ReplaceAll(b.Bytes(), []byte("\n"), []byte("\r\n"))
			}
			return b.Bytes()
		}
		fix := func(v []recvValue) {
			if crlf { // a CR LF inside a quoted field stays as written
				for i := range v {
					v[i].Inv = strings.ReplaceAll(v[i].Inv, "\r\n", "\n")
					v[i].Note = strings.ReplaceAll(v[i].Note, "\r\n", "\n")
				}
			}
		}
		r1, err := ReadReceivables("r.csv", write(want), "d.csv", ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		perm := rapid.Permutation(want).Draw(t, "perm")
		r2, err := ReadReceivables("r.csv", write(perm), "d.csv", ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got1, got2 := recvValues(r1), recvValues(r2)
		fix(got1)
		fix(got2)
		if !slices.Equal(got1, want) && !crlf {
			t.Fatalf("read %+v\nwrote %+v", got1, want)
		}
		sortValues(got1)
		sortValues(got2)
		if !slices.Equal(got1, got2) {
			t.Fatalf("shuffled file reads differently:\n%+v\n%+v", got1, got2)
		}
	})
}
