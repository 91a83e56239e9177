package rollforward

import (
	"strconv"

	"revolver/jsonw"
)

// w writes the roll-forward's JSON (jsonw: keys in the order written).
type w struct{ jsonw.Writer }

func (o *w) figure(k string, f Figure) {
	if !f.Known {
		o.Key(k)
		o.B = append(o.B, "null"...)
		return
	}
	o.Amount(k, f.Amount)
}

func (o *w) rate(k string, f RateFigure) {
	o.Key(k)
	if !f.Known {
		o.B = append(o.B, "null"...)
		return
	}
	o.B = jsonw.AppendString(o.B, f.Value.Fixed(f.Places))
}

func (o *w) raw(k string, v []byte) {
	o.Key(k)
	if len(v) == 0 {
		o.B = append(o.B, "null"...)
		return
	}
	o.B = append(o.B, v...)
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
	o := &w{jsonw.Writer{B: b}}
	o.Open()
	o.Str("as_of", r.AsOf.String())
	o.Str("previous_as_of", r.Previous.String())
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
	o.Close()
	return o.B
}

// MarshalJSON writes the period's own figures: AppendPeriodJSON's keys
// without "dilution" and "borrowing_base", which need other periods and
// the terms.
func (r *Result) MarshalJSON() ([]byte, error) {
	return AppendPeriodJSON(nil, r, nil, nil, nil), nil
}

func (o *w) receivables(rv *Receivables) {
	o.Key("receivables")
	o.Open()
	o.figure("beginning", rv.Beginning)
	o.figure("sales", rv.Sales)
	o.figure("collections", rv.Collections)
	o.figure("returned_items", rv.ReturnedItems)
	o.Key("credits")
	if !rv.CreditsTotal.Known {
		o.B = append(o.B, "null"...)
	} else {
		o.Open()
		for _, c := range rv.Credits {
			o.figure(c.Kind, c.Figure)
		}
		o.Close()
	}
	o.figure("credits_total", rv.CreditsTotal)
	o.figure("expected_ending", rv.ExpectedEnding)
	o.figure("reported_ending", rv.ReportedEnding)
	o.figure("unexplained_variance", rv.UnexplainedVariance)
	o.Key("exceptions")
	if rv.Exceptions == nil {
		o.B = append(o.B, "null"...)
	} else {
		o.Open()
		for _, e := range rv.Exceptions {
			o.Key(e.Kind)
			o.Open()
			o.Key("count")
			o.B = strconv.AppendInt(o.B, int64(e.Count), 10)
			o.Amount("amount", e.Amount)
			o.Close()
		}
		o.Close()
	}
	o.Close()
}

func (o *w) dilution(d *Dilution) {
	o.Key("dilution")
	o.Open()
	o.Key("window_periods")
	o.B = strconv.AppendInt(o.B, int64(d.WindowPeriods), 10)
	if d.Known {
		o.Amount("sales", d.Sales)
		o.Amount("credits", d.Credits)
	} else {
		o.raw("sales", nil)
		o.raw("credits", nil)
	}
	o.rate("ratio", RateFigure{Value: d.Ratio, Places: 4, Known: d.RatioKnown})
	o.Close()
}

func (o *w) inventory(v *Inventory) {
	o.Key("inventory")
	o.Open()
	o.figure("beginning", v.Beginning)
	o.figure("receipts", v.Receipts)
	o.figure("issues", v.Issues)
	o.figure("adjustments", v.Adjustments)
	o.figure("expected_ending", v.ExpectedEnding)
	o.figure("reported_ending", v.ReportedEnding)
	o.figure("unexplained_variance", v.UnexplainedVariance)
	o.Close()
}
