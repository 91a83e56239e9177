package borrowingbase

import (
	"strings"
	"unicode/utf8"

	"revolver/agreement"
)

type tableRow struct {
	indent int
	label  string
	value  string
}

func (f Figure) grouped() string {
	if !f.Known {
		return undeterminedText
	}
	return f.Amount.Grouped()
}

// Table renders the certificate as plain text: one line per figure, amounts
// right-aligned with thousands separators.
func (c *Certificate) Table() string {
	var rows []tableRow
	add := func(indent int, label, value string) {
		rows = append(rows, tableRow{indent, label, value})
	}
	for _, s := range c.Sections {
		add(0, sectionLabel(s.Collateral), "")
		if s.HasInput {
			add(1, "Gross ("+s.File+", "+groupInt(s.rows)+" rows)", s.Gross.Grouped())
			if len(s.Ineligible) > 0 {
				add(1, "Less ineligible:", "")
				for _, l := range s.Ineligible {
					add(2, l.Label, l.grouped())
				}
			}
			add(1, "Eligible", s.Eligible.grouped())
		}
		advance := func(ind int, k *agreement.Component, f advanceFigs) {
			rate := "unknown"
			if k.AdvanceRate.Known() {
				rate = k.AdvanceRate.Value.Percent()
			}
			if s.HasInput && f.NOLV != nil {
				nv, na := "unknown", "unknown"
				if k.NOLV.Rate.Known() {
					nv = k.NOLV.Rate.Value.Percent()
				}
				if k.NOLV.AdvanceRate.Known() {
					na = k.NOLV.AdvanceRate.Value.Percent()
				}
				add(ind, "Advance rate "+rate+" × eligible at cost", f.NOLV.AtCost.grouped())
				add(ind, "Net orderly liquidation value ("+nv+" of cost)", f.NOLV.Value.grouped())
				add(ind, "Advance rate "+na+" × NOLV", f.NOLV.Advance.grouped())
				add(ind, "Advance (the lesser)", f.Advance.grouped())
			} else if s.HasInput {
				add(ind, "Advance rate "+rate+" × eligible", f.Advance.grouped())
			} else {
				add(ind, "Advance rate "+rate, "")
			}
			if f.Cap != nil {
				add(ind, "Cap", f.Cap.grouped())
			}
			for _, r := range f.Reserves {
				if r.Placement == agreement.PlaceEligible {
					add(ind, "Less reserve off eligible (before the advance rate): "+r.Label, r.grouped())
				} else {
					add(ind, "Less reserve: "+r.Label, r.grouped())
				}
			}
			add(ind, "Availability", f.Availability.grouped())
			if lo := f.LastOut; lo != nil {
				inc := "unknown"
				if lo.Increment.Known() {
					inc = lo.Increment.Value.Percent()
				}
				label := "Last-out: advance rate " + rate + " + " + inc + " × eligible, less reserves"
				if k.NOLV != nil {
					label = "Last-out: the lesser of (" + rate + " + " + inc + ") × eligible at cost and (NOLV advance rate + " + inc + ") × NOLV, less reserves"
				}
				add(ind, label, lo.Availability.grouped())
				add(ind, "Last-out: above the first-out availability", lo.Tranche.grouped())
			}
		}
		if k := s.Component; k != nil {
			advance(1, k, s.figs())
		}
		if len(s.Parts) > 0 {
			for _, p := range s.Parts {
				label := p.Component.Label
				if label == "" {
					label = p.Component.ID
				}
				if s.HasInput {
					add(1, "Component: "+label+" ("+groupInt(p.Rows)+" rows)", p.Eligible.grouped())
				} else {
					add(1, "Component: "+label, "")
				}
				advance(2, p.Component, p.advanceFigs)
			}
			if s.HasInput && (s.noRows > 0 || s.NoComponent.Amount != 0) {
				add(1, "Eligible, in no component ("+groupInt(s.noRows)+" rows)", s.NoComponent.grouped())
			}
			add(1, "Availability", s.Availability.grouped())
		}
		add(0, "", "")
	}
	if sl := c.InventorySublimit; sl != nil {
		share := "unknown share"
		if sl.Share.Known() {
			share = sl.Share.Value.Percent()
		}
		add(0, "Inventory sublimit: "+share+" of components' availability "+sl.Base.grouped(), sl.Limit.grouped())
		add(0, "Less inventory availability above the sublimit", sl.Excess.grouped())
	}
	for _, r := range c.Reserves {
		add(0, "Less reserve: "+r.Label, r.grouped())
	}
	for _, r := range c.LineReserves {
		add(0, "Memo: reserve off availability under the line: "+r.Label, r.grouped())
	}
	lc := "letters of credit (outstanding " + c.LCOutstanding.Grouped() + " + drawn " + c.LCDrawn.Grouped() + ")"
	switch c.LCTreatment {
	case lcDeductBB:
		add(0, "Less "+lc, c.LCDeducted.grouped())
	case lcDeductAvail:
		add(0, "Memo: "+lc+", deducted from availability", c.LettersOfCredit.Grouped())
	case lcNone:
		add(0, "Memo: "+lc+", not counted", c.LettersOfCredit.Grouped())
	default:
		add(0, "Less "+lc+", treatment unknown", undeterminedText)
	}
	if b := c.LastOut; b != nil {
		add(0, "Borrowing base (first-out)", c.BorrowingBase.grouped())
		add(0, "", "")
		add(0, b.label()+": last-out borrowing base", "")
		for _, l := range b.Lines {
			add(1, l.Key, l.Tranche.grouped())
		}
		add(1, "Sum", b.Sum.grouped())
		if b.Cap != nil {
			add(1, "Cap", b.Cap.grouped())
		}
		add(1, "Last-out borrowing base", b.Base.grouped())
		add(0, "Total borrowing base (first-out + last-out)", b.Total.grouped())
	} else {
		add(0, "Borrowing base", c.BorrowingBase.grouped())
	}
	if m := c.MaxAdvances; m != nil {
		add(0, "Memo: commitment", termFig(c.Commitment).grouped())
		add(0, "Memo: maximum advances (availability is the least of the three)", termFig(*m).grouped())
	}

	lw, vw := 0, 0
	for _, r := range rows {
		lw = max(lw, 2*r.indent+utf8.RuneCountInString(r.label))
		vw = max(vw, len(r.value))
	}
	var b strings.Builder
	b.WriteString("Borrowing base certificate as of " + c.AsOf.String() + " (" + c.Currency + ")\n\n")
	for _, r := range rows {
		if r.label == "" && r.value == "" {
			b.WriteByte('\n')
			continue
		}
		l := strings.Repeat("  ", r.indent) + r.label
		b.WriteString(l)
		if r.value != "" {
			b.WriteString(strings.Repeat(" ", lw-utf8.RuneCountInString(l)+2+vw-len(r.value)))
			b.WriteString(r.value)
		}
		b.WriteByte('\n')
	}
	if len(c.Undetermined) > 0 {
		b.WriteString("\nUndetermined (unknown terms):\n")
		for _, u := range c.Undetermined {
			b.WriteString("  " + u.Term + ": " + u.Reason + "\n")
		}
	}
	return b.String()
}

func groupInt(n int) string {
	s := itoa(n)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
