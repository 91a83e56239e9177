package borrowingbase

import (
	"encoding/json"

	"revolver/agreement"
	"revolver/jsonw"
	"revolver/money"
)

// ojson writes the certificate's JSON (jsonw: keys in the order written).
type ojson struct{ jsonw.Writer }

func (w *ojson) figure(k string, f Figure) {
	if !f.Known {
		w.Key(k)
		w.B = append(w.B, "null"...)
		return
	}
	w.Amount(k, f.Amount)
}

func (w *ojson) raw(k string, v any) {
	w.Key(k)
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data is written
	}
	w.B = append(w.B, b...)
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
	w.Open()
	w.Str("as_of", c.AsOf.String())
	w.Str("currency", c.Currency)
	for _, s := range c.Sections {
		w.Key(s.Collateral)
		w.Open()
		if s.HasInput {
			w.Str("file", s.File)
			w.Amount("gross", s.Gross)
			w.Key("ineligible")
			w.Open()
			for _, l := range s.Ineligible {
				w.figure(l.ID, l.Figure)
			}
			w.Close()
			w.figure("eligible", s.Eligible)
		}
		if k := s.Component; k != nil {
			w.advance(k, s.HasInput, s.figs())
		}
		if len(s.Parts) > 0 {
			w.Key("components")
			w.Open()
			for _, p := range s.Parts {
				w.Key(p.Component.ID)
				w.Open()
				if s.HasInput {
					w.figure("eligible", p.Eligible)
				}
				w.advance(p.Component, s.HasInput, p.advanceFigs)
				w.Close()
			}
			w.Close()
			if s.HasInput {
				w.figure("no_component", s.NoComponent)
			}
			w.figure("availability", s.Availability)
		}
		w.Close()
	}
	if sl := c.InventorySublimit; sl != nil {
		w.Key("inventory_sublimit")
		w.Open()
		w.Key("share")
		if sl.Share.Known() {
			w.B = jsonw.AppendString(w.B, sl.Share.Value.String())
		} else {
			w.B = append(w.B, "null"...)
		}
		w.figure("base", sl.Base)
		w.figure("limit", sl.Limit)
		w.figure("inventory", sl.Inventory)
		w.figure("excess", sl.Excess)
		w.Close()
	}
	if len(c.Reserves) > 0 {
		w.Key("reserves")
		w.Open()
		for _, r := range c.Reserves {
			w.figure(r.ID, r.Figure)
		}
		w.Close()
	}
	if len(c.LineReserves) > 0 {
		w.Key("line_reserves")
		w.Open()
		for _, r := range c.LineReserves {
			w.figure(r.ID, r.Figure)
		}
		w.Close()
	}
	w.Amount("letters_of_credit", c.LettersOfCredit)
	w.Amount("letters_of_credit_outstanding", c.LCOutstanding)
	w.Amount("letters_of_credit_drawn", c.LCDrawn)
	w.Key("letters_of_credit_treatment")
	if c.LCTreatment == "" {
		w.B = append(w.B, "null"...)
	} else {
		w.B = jsonw.AppendString(w.B, c.LCTreatment)
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
	w.Close()
	return w.B, nil
}

// advance writes a component's rate, advance, cap, reserves and availability.
func (w *ojson) advance(k *agreement.Component, hasInput bool, s advanceFigs) {
	w.Key("advance_rate")
	if k.AdvanceRate.Known() {
		w.B = jsonw.AppendString(w.B, k.AdvanceRate.Value.String())
	} else {
		w.B = append(w.B, "null"...)
	}
	if hasInput {
		if v := s.NOLV; v != nil {
			w.figure("advance_at_cost", v.AtCost)
			w.Key("nolv")
			w.Open()
			w.rate("rate", k.NOLV.Rate)
			w.figure("value", v.Value)
			w.rate("advance_rate", k.NOLV.AdvanceRate)
			w.figure("advance", v.Advance)
			w.Close()
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
		w.Key("reserves")
		w.Open()
		for _, r := range s.Reserves {
			w.figure(r.ID, r.Figure)
		}
		w.Close()
	}
	w.figure("availability", s.Availability)
	if s.LastOut != nil {
		w.lastOutFigs(s.LastOut, hasInput)
	}
}

// rate writes a rate term (null when unknown).
func (w *ojson) rate(k string, t agreement.Term[money.Rate]) {
	w.Key(k)
	if t.Known() {
		w.B = jsonw.AppendString(w.B, t.Value.String())
	} else {
		w.B = append(w.B, "null"...)
	}
}

func termFig(t agreement.Term[money.Amount]) Figure {
	if !t.Known() {
		return Figure{}
	}
	return known(t.Value)
}
