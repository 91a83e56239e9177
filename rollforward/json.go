package rollforward

import (
	"encoding/json"
	"strconv"

	"revolver/money"
)

// w writes a JSON object with keys in the order written.
type w struct {
	b     []byte
	first []bool
}

func (o *w) open() {
	o.b = append(o.b, '{')
	o.first = append(o.first, true)
}

func (o *w) close() {
	o.b = append(o.b, '}')
	o.first = o.first[:len(o.first)-1]
}

func (o *w) key(k string) {
	top := len(o.first) - 1
	if !o.first[top] {
		o.b = append(o.b, ',')
	}
	o.first[top] = false
	o.b = strconv.AppendQuote(o.b, k)
	o.b = append(o.b, ':')
}

func (o *w) str(k, v string) {
	o.key(k)
	q, _ := json.Marshal(v)
	o.b = append(o.b, q...)
}

func (o *w) amount(k string, a money.Amount) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = a.AppendTo(o.b)
	o.b = append(o.b, '"')
}

func (o *w) figure(k string, f Figure) {
	if !f.Known {
		o.key(k)
		o.b = append(o.b, "null"...)
		return
	}
	o.amount(k, f.Amount)
}

func (o *w) rate(k string, f RateFigure) {
	o.key(k)
	if !f.Known {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = strconv.AppendQuote(o.b, f.Value.Fixed(f.Places))
}

func (o *w) raw(k string, v []byte) {
	o.key(k)
	if len(v) == 0 {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, v...)
}

// AppendPeriodJSON appends one period of the monitor's output, with exactly
// these keys in this order (amounts are strings with two decimals, the
// ratio with four, DSO with one; an undetermined figure is null):
//
//	{"as_of","previous_as_of",
//	 "receivables":{"beginning","sales","collections","returned_items",
//	                "credits":{KIND:AMOUNT},"credits_total","expected_ending",
//	                "reported_ending","unexplained_variance",
//	                "exceptions":{KIND:{"count","amount"}}},
//	 "dilution":{"window_periods","sales","credits","ratio"},
//	 "dso",
//	 "inventory":{"beginning","receipts","issues","adjustments",
//	              "expected_ending","reported_ending","unexplained_variance"},
//	 "borrowing_base":{...}}
//
// d nil leaves out "dilution"; borrowingBase is the certificate's JSON as
// its writer gives it (nil: null); explanation, when not nil, is appended as the
// last key, "explanation".
func AppendPeriodJSON(b []byte, r *Result, d *Dilution, borrowingBase []byte, explanation []byte) []byte {
	o := &w{b: b}
	o.open()
	o.str("as_of", r.AsOf.String())
	o.str("previous_as_of", r.Previous.String())
	o.receivables(&r.Receivables)
	if d != nil {
		o.dilution(d)
	}
	o.rate("dso", r.DSO)
	o.inventory(&r.Inventory)
	if borrowingBase != nil || d != nil {
		o.raw("borrowing_base", borrowingBase)
	}
	if explanation != nil {
		o.raw("explanation", explanation)
	}
	o.close()
	return o.b
}

// MarshalJSON writes the period's own figures: AppendPeriodJSON's keys
// without "dilution" and "borrowing_base", which need other periods and
// the terms.
func (r *Result) MarshalJSON() ([]byte, error) {
	return AppendPeriodJSON(nil, r, nil, nil, nil), nil
}

func (o *w) receivables(rv *Receivables) {
	o.key("receivables")
	o.open()
	o.figure("beginning", rv.Beginning)
	o.figure("sales", rv.Sales)
	o.figure("collections", rv.Collections)
	o.figure("returned_items", rv.ReturnedItems)
	o.key("credits")
	if !rv.CreditsTotal.Known {
		o.b = append(o.b, "null"...)
	} else {
		o.open()
		for _, c := range rv.Credits {
			o.figure(c.Kind, c.Figure)
		}
		o.close()
	}
	o.figure("credits_total", rv.CreditsTotal)
	o.figure("expected_ending", rv.ExpectedEnding)
	o.figure("reported_ending", rv.ReportedEnding)
	o.figure("unexplained_variance", rv.UnexplainedVariance)
	o.key("exceptions")
	if rv.Exceptions == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.open()
		for _, e := range rv.Exceptions {
			o.key(e.Kind)
			o.open()
			o.key("count")
			o.b = strconv.AppendInt(o.b, int64(e.Count), 10)
			o.amount("amount", e.Amount)
			o.close()
		}
		o.close()
	}
	o.close()
}

func (o *w) dilution(d *Dilution) {
	o.key("dilution")
	o.open()
	o.key("window_periods")
	o.b = strconv.AppendInt(o.b, int64(d.WindowPeriods), 10)
	if d.Known {
		o.amount("sales", d.Sales)
		o.amount("credits", d.Credits)
	} else {
		o.raw("sales", nil)
		o.raw("credits", nil)
	}
	o.rate("ratio", RateFigure{Value: d.Ratio, Places: 4, Known: d.RatioKnown})
	o.close()
}

func (o *w) inventory(v *Inventory) {
	o.key("inventory")
	o.open()
	o.figure("beginning", v.Beginning)
	o.figure("receipts", v.Receipts)
	o.figure("issues", v.Issues)
	o.figure("adjustments", v.Adjustments)
	o.figure("expected_ending", v.ExpectedEnding)
	o.figure("reported_ending", v.ReportedEnding)
	o.figure("unexplained_variance", v.UnexplainedVariance)
	o.close()
}
