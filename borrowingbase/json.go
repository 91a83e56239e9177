package borrowingbase

import (
	"encoding/json"

	"revolver/agreement"
	"revolver/money"
)

// ojson writes a JSON object with keys in the order written.
type ojson struct {
	b     []byte
	first []bool
}

func (w *ojson) open() {
	w.b = append(w.b, '{')
	w.first = append(w.first, true)
}

func (w *ojson) close() {
	w.b = append(w.b, '}')
	w.first = w.first[:len(w.first)-1]
}

func (w *ojson) key(k string) {
	top := len(w.first) - 1
	if !w.first[top] {
		w.b = append(w.b, ',')
	}
	w.first[top] = false
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':')
}

func (w *ojson) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

func (w *ojson) amount(k string, a money.Amount) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = a.AppendTo(w.b)
	w.b = append(w.b, '"')
}

func (w *ojson) figure(k string, f Figure) {
	if !f.Known {
		w.key(k)
		w.b = append(w.b, "null"...)
		return
	}
	w.amount(k, f.Amount)
}

func (w *ojson) raw(k string, v any) {
	w.key(k)
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data is written
	}
	w.b = append(w.b, b...)
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// MarshalJSON writes the certificate with keys in a fixed order and the
// ineligible categories in the agreement's order. Amounts are strings with
// two decimals; undetermined figures are null.
//
//	{"as_of", "currency",
//	 "receivables": {"gross", "ineligible": {...}, "eligible", "advance_rate",
//	                 "advance", "cap", "reserves", "availability"},
//	 "inventory": {...}, "fixed_assets": {"advance_rate", "availability"},
//	 "reserves": {...}, "letters_of_credit", "letters_of_credit_outstanding",
//	 "letters_of_credit_drawn", "letters_of_credit_treatment",
//	 "letters_of_credit_deducted", "borrowing_base", "undetermined": [...]}
//
// "cap" and "reserves" appear only when the agreement has them.
func (c *Certificate) MarshalJSON() ([]byte, error) {
	w := &ojson{}
	w.open()
	w.str("as_of", c.AsOf.String())
	w.str("currency", c.Currency)
	for _, s := range c.Sections {
		w.key(s.Collateral)
		w.open()
		if s.HasInput {
			w.str("file", s.File)
			w.amount("gross", s.Gross)
			w.key("ineligible")
			w.open()
			for _, l := range s.Ineligible {
				w.figure(l.ID, l.Figure)
			}
			w.close()
			w.figure("eligible", s.Eligible)
		}
		if k := s.Component; k != nil {
			w.advance(k, s.HasInput, s.figs())
		}
		if len(s.Parts) > 0 {
			w.key("components")
			w.open()
			for _, p := range s.Parts {
				w.key(p.Component.ID)
				w.open()
				if s.HasInput {
					w.figure("eligible", p.Eligible)
				}
				w.advance(p.Component, s.HasInput, p.advanceFigs)
				w.close()
			}
			w.close()
			if s.HasInput {
				w.figure("no_component", s.NoComponent)
			}
			w.figure("availability", s.Availability)
		}
		w.close()
	}
	if sl := c.InventorySublimit; sl != nil {
		w.key("inventory_sublimit")
		w.open()
		w.key("share")
		if sl.Share.Known() {
			w.b = appendString(w.b, sl.Share.Value.String())
		} else {
			w.b = append(w.b, "null"...)
		}
		w.figure("base", sl.Base)
		w.figure("limit", sl.Limit)
		w.figure("inventory", sl.Inventory)
		w.figure("excess", sl.Excess)
		w.close()
	}
	if len(c.Reserves) > 0 {
		w.key("reserves")
		w.open()
		for _, r := range c.Reserves {
			w.figure(r.ID, r.Figure)
		}
		w.close()
	}
	if len(c.LineReserves) > 0 {
		w.key("line_reserves")
		w.open()
		for _, r := range c.LineReserves {
			w.figure(r.ID, r.Figure)
		}
		w.close()
	}
	w.amount("letters_of_credit", c.LettersOfCredit)
	w.amount("letters_of_credit_outstanding", c.LCOutstanding)
	w.amount("letters_of_credit_drawn", c.LCDrawn)
	w.key("letters_of_credit_treatment")
	if c.LCTreatment == "" {
		w.b = append(w.b, "null"...)
	} else {
		w.b = appendString(w.b, c.LCTreatment)
	}
	w.figure("letters_of_credit_deducted", c.LCDeducted)
	w.figure("borrowing_base", c.BorrowingBase)
	if c.LastOut != nil {
		w.lastOutBase(c.LastOut)
	}
	if m := c.MaxAdvances; m != nil {
		w.figure("commitment", termFig(c.Commitment))
		w.figure("maximum_advances", termFig(*m))
	}
	u := c.Undetermined
	if u == nil {
		u = []Undetermined{}
	}
	w.raw("undetermined", u)
	w.close()
	return w.b, nil
}

// advance writes a component's rate, advance, cap, reserves and availability.
func (w *ojson) advance(k *agreement.Component, hasInput bool, s advanceFigs) {
	w.key("advance_rate")
	if k.AdvanceRate.Known() {
		w.b = appendString(w.b, k.AdvanceRate.Value.String())
	} else {
		w.b = append(w.b, "null"...)
	}
	if hasInput {
		if v := s.NOLV; v != nil {
			w.figure("advance_at_cost", v.AtCost)
			w.key("nolv")
			w.open()
			w.rate("rate", k.NOLV.Rate)
			w.figure("value", v.Value)
			w.rate("advance_rate", k.NOLV.AdvanceRate)
			w.figure("advance", v.Advance)
			w.close()
		}
		w.figure("advance", s.Advance)
	}
	if s.Cap != nil {
		w.figure("cap", *s.Cap)
	}
	if hasInput && s.eligibleReserves() {
		w.figure("eligible_less_reserves", s.NetEligible)
	}
	if len(s.Reserves) > 0 {
		w.key("reserves")
		w.open()
		for _, r := range s.Reserves {
			w.figure(r.ID, r.Figure)
		}
		w.close()
	}
	w.figure("availability", s.Availability)
	if s.LastOut != nil {
		w.lastOutFigs(s.LastOut, hasInput)
	}
}

// rate writes a rate term (null when unknown).
func (w *ojson) rate(k string, t agreement.Term[money.Rate]) {
	w.key(k)
	if t.Known() {
		w.b = appendString(w.b, t.Value.String())
	} else {
		w.b = append(w.b, "null"...)
	}
}

func termFig(t agreement.Term[money.Amount]) Figure {
	if !t.Known() {
		return Figure{}
	}
	return known(t.Value)
}
