package borrowingbase

import (
	"slices"
	"strings"

	"revolver/agreement"
	"revolver/explain"
	"revolver/money"
)

const undeterminedText = "undetermined"

func (f Figure) text() string {
	if !f.Known {
		return undeterminedText
	}
	return f.Amount.String()
}

// Rows returns the line numbers (in file order) of the input rows a figure
// covers, by explanation key:
//
//	receivables.gross, receivables.eligible, receivables.ineligible.<id>,
//	inventory.gross, inventory.eligible, inventory.ineligible.<id>
//
// A row criterion covers the rows it took. An amount criterion (contra,
// concentration) covers the rows of the debtors it took dollars from that
// were still eligible at its place in the order. Eligible covers the rows no
// row criterion took (and inventory rows a casualty amount only partly
// excluded). Unknown keys and undetermined figures give nil.
func (c *Certificate) Rows(key string) []int {
	for _, s := range c.Sections {
		if !s.HasInput || !strings.HasPrefix(key, s.Collateral+".") {
			continue
		}
		rest := key[len(s.Collateral)+1:]
		switch {
		case rest == "gross":
			return s.lines(func(int) bool { return true })
		case rest == "eligible":
			if !s.Eligible.Known {
				return nil
			}
			return s.eligibleLines()
		case rest == "no_component":
			if s.part == nil {
				return nil
			}
			return s.partLines(len(s.Parts))
		case strings.HasPrefix(rest, "components.") && strings.HasSuffix(rest, ".eligible"):
			p := s.Part(strings.TrimSuffix(rest[len("components."):], ".eligible"))
			if p == nil || s.part == nil {
				return nil
			}
			return s.partLines(int(p.idx))
		case strings.HasPrefix(rest, "ineligible."):
			l := s.Line(rest[len("ineligible."):])
			if l == nil || !l.Known {
				return nil
			}
			return s.lineRows(l)
		}
	}
	return nil
}

func (s *Section) rowLine(i int) int {
	if s.recv != nil {
		return int(s.recv.Rows[i].Line)
	}
	return int(s.inv.Rows[i].Line)
}

func (s *Section) lines(keep func(i int) bool) []int {
	out := []int{}
	for i := 0; i < s.rows; i++ {
		if keep(i) {
			out = append(out, s.rowLine(i))
		}
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return out
}

// bucketOf returns the bucket of row i: the index of the criterion that
// took it (see Section.bucket).
func (s *Section) bucketOf(i int) int8 {
	b := s.bucket[i]
	if s.debtorFirst != nil {
		b = min(b, s.debtorFirst[s.recv.Rows[i].Debtor])
	}
	return b
}

func (s *Section) eligibleLines() []int {
	e := int8(s.eligPos)
	p := 0
	return s.lines(func(i int) bool {
		if s.bucketOf(i) == e {
			return true
		}
		for p < len(s.partial) && s.partial[p] < i {
			p++
		}
		return p < len(s.partial) && s.partial[p] == i
	})
}

func (s *Section) lineRows(l *Line) []int {
	if amt := s.amountCrit(l); amt != nil {
		p := int8(l.pos)
		return s.lines(func(i int) bool {
			return s.bucketOf(i) > p && amt[s.recv.Rows[i].Debtor] != 0
		})
	}
	p := int8(l.pos)
	return s.lines(func(i int) bool { return s.bucketOf(i) == p })
}

// amountCrit returns the per-debtor amounts of an amount criterion, or nil.
func (s *Section) amountCrit(l *Line) []int64 {
	if s.recv == nil || l.pos >= len(s.perDebt) {
		return nil
	}
	return s.perDebt[l.pos]
}

func (s *Section) lineCount(l *Line) int {
	if amt := s.amountCrit(l); amt != nil {
		p := int8(l.pos)
		n := 0
		for i := 0; i < s.rows; i++ {
			if s.bucketOf(i) > p && amt[s.recv.Rows[i].Debtor] != 0 {
				n++
			}
		}
		return n
	}
	return s.counts[l.pos]
}

func addCite(cs []explain.Cite, c explain.Cite) []explain.Cite {
	if c.IsZero() || slices.Contains(cs, c) {
		return cs
	}
	return append(cs, c)
}

func joinAssumption(a, b string) string {
	switch {
	case b == "" || strings.Contains(a, b):
		return a
	case a == "":
		return b
	}
	return a + "; " + b
}

// Explain returns the certificate's explanation: every line with its
// formula, clauses (with the amendment that set them), assumptions and the
// input rows it covers (a count always; line numbers when withRows).
func (c *Certificate) Explain(withRows bool) *explain.Node {
	bb := c.terms.BorrowingBase
	root := &explain.Node{
		Key:     "borrowing_base",
		Label:   "Borrowing base",
		Value:   c.BorrowingBase.text(),
		Formula: c.bbFormula(),
		Cites:   c.definitionCites(),
	}
	if c.LastOut != nil {
		root.Label = "Borrowing base (first-out)"
	}
	for _, s := range c.Sections {
		root.Add(c.explainSection(s, withRows))
	}
	if sl := c.InventorySublimit; sl != nil {
		share := "unknown share"
		if sl.Share.Known() {
			share = sl.Share.Value.Percent()
		}
		root.Add(&explain.Node{
			Key:   "inventory_sublimit",
			Label: "Inventory above the sublimit (" + share + " of the borrowing base)",
			Value: sl.Excess.text(),
			Formula: "max(inventory availability " + sl.Inventory.text() + " − " + share + " × max(Σ components' availability " + sl.Base.text() +
				", 0) = " + sl.Limit.text() + ", 0); the limit rounded half away from zero to the cent",
			Cites:      addCite(nil, sl.Share.Cite),
			Assumption: sl.Share.Assumption,
		})
	}
	for _, r := range c.Reserves {
		root.Add(reserveNode("reserves."+r.ID, r))
	}
	for _, r := range c.LineReserves {
		n := reserveNode("line_reserves."+r.ID, r)
		n.Label = "Memo: " + n.Label + " (off availability, not the borrowing base)"
		root.Add(n)
	}
	lc := bb.LettersOfCredit
	lcNode := &explain.Node{
		Key:        "letters_of_credit",
		Label:      "Letters of credit",
		Value:      c.LCDeducted.text(),
		Cites:      addCite(nil, lc.Cite),
		Assumption: lc.Assumption,
	}
	base := "face outstanding " + c.LCOutstanding.String() + " + drawn unreimbursed " + c.LCDrawn.String() + " = " + c.LettersOfCredit.String()
	switch c.LCTreatment {
	case lcDeductBB:
		lcNode.Formula = base + ", deducted from the borrowing base"
	case lcDeductAvail:
		lcNode.Formula = base + "; deducted from availability, not from the borrowing base"
	case lcNone:
		lcNode.Formula = base + "; letters of credit do not count against the borrowing base"
	default:
		lcNode.Formula = base + "; how letters of credit count is unknown"
	}
	root.Add(lcNode)
	if c.LastOut != nil {
		root.Add(c.explainLastOut()...)
	}
	if m := c.MaxAdvances; m != nil {
		root.Add(&explain.Node{
			Key:        "maximum_advances",
			Label:      "Memo: maximum advances",
			Value:      termFig(*m).text(),
			Formula:    "the advance cap, distinct from the commitment " + termFig(c.Commitment).text() + "; not deducted here: availability is the least of commitment, maximum advances and borrowing base, less loans and letters of credit",
			Cites:      addCite(nil, m.Cite),
			Assumption: m.Assumption,
		})
	}
	return root
}

// ClauseText is the text of a clause the certificate cites, where the
// documents of its terms record it (agreement.Terms.ClauseText).
func (c *Certificate) ClauseText(ct explain.Cite) string { return c.terms.ClauseText(ct) }

// definitionCites are the clauses defining the borrowing base on the
// certificate's date: the amendment clauses that replaced the definition
// (an advance rate, a cap or the letters-of-credit treatment an amendment
// set: First Amendment §1(b)), then the agreement's own (Loan Agreement
// §2.1, which they amend).
func (c *Certificate) definitionCites() []explain.Cite {
	bb := c.terms.BorrowingBase
	var cs []explain.Cite
	amended := func(ct explain.Cite) {
		if ct.Amendment != "" && ct.Document != bb.Cite.Document {
			cs = addCite(cs, ct)
		}
	}
	for _, comp := range bb.Components {
		amended(comp.AdvanceRate.Cite)
		if comp.Cap != nil {
			amended(comp.Cap.Cite)
		}
	}
	amended(bb.LettersOfCredit.Cite)
	return addCite(cs, bb.Cite)
}

func (c *Certificate) bbFormula() string {
	var parts []string
	for _, s := range c.Sections {
		if s.advanced() {
			parts = append(parts, sectionLabel(s.Collateral)+" availability")
		}
	}
	f := strings.Join(parts, " + ")
	if f == "" {
		f = "0"
	}
	if c.InventorySublimit != nil {
		f += " − inventory above the sublimit"
	}
	for _, r := range c.Reserves {
		f += " − " + r.Label
	}
	if c.LCTreatment == lcDeductBB || c.LCTreatment == "" {
		f += " − letters of credit"
	}
	return f + " (not clamped at zero)"
}

func sectionLabel(class string) string {
	switch class {
	case agreement.Receivables:
		return "Receivables"
	case agreement.Inventory:
		return "Inventory"
	case agreement.FixedAssets:
		return "Fixed assets"
	}
	return class
}

func (c *Certificate) explainSection(s *Section, withRows bool) *explain.Node {
	key := s.Collateral
	n := &explain.Node{Key: key, Label: sectionLabel(key)}
	if s.Component != nil {
		n.Value = s.Availability.text()
		n.Cites = addCite(nil, s.Component.Cite)
	} else {
		n.Value = s.Eligible.text()
	}
	rows := func(count int, lines func() []int) *explain.Rows {
		r := &explain.Rows{File: s.File, Count: count}
		if withRows {
			r.Lines = lines()
		}
		return r
	}
	what := "amount"
	if key == agreement.Inventory {
		what = "extended_cost"
	}
	if s.HasInput {
		n.Add(&explain.Node{
			Key:     key + ".gross",
			Label:   "Gross " + strings.ToLower(sectionLabel(key)),
			Value:   s.Gross.String(),
			Formula: "Σ " + what + " of every row of " + s.File,
			Rows:    rows(s.rows, func() []int { return c.Rows(key + ".gross") }),
		})
		firstAmount := -1
		for i := range s.Ineligible {
			l := &s.Ineligible[i]
			ln := &explain.Node{
				Key:     key + ".ineligible." + l.ID,
				Label:   l.Label,
				Value:   l.text(),
				Formula: c.lineFormula(s, l),
			}
			cr := l.crit
			ln.Cites = addCite(ln.Cites, cr.Cite)
			ln.Assumption = cr.Assumption
			if cr.Days != nil {
				ln.Cites = addCite(ln.Cites, cr.Days.Cite)
				ln.Assumption = joinAssumption(ln.Assumption, cr.Days.Assumption)
			}
			if cr.Share != nil {
				ln.Cites = addCite(ln.Cites, cr.Share.Cite)
				ln.Assumption = joinAssumption(ln.Assumption, cr.Share.Assumption)
			}
			if cr.Values != nil {
				ln.Cites = addCite(ln.Cites, cr.Values.Cite)
				ln.Assumption = joinAssumption(ln.Assumption, cr.Values.Assumption)
			}
			if cr.Kind == agreement.Contra || cr.Kind == agreement.Concentration {
				if firstAmount < 0 {
					firstAmount = i
				}
			} else if firstAmount >= 0 && firstAmount < i {
				ln.Formula += "; dollars the amount criteria above already took from a debtor are not counted again"
			}
			if cr.Kind == agreement.Casualty && s.Collateral == agreement.Inventory {
				for k, e := range c.casualty {
					ln.Cites = addCite(ln.Cites, e.Cite)
					ln.Add(c.casualtyNode(s, l, k, withRows))
				}
			}
			if cr.Kind == agreement.Casualty && s.Collateral == agreement.Receivables {
				var named []string
				for _, e := range c.recvCasualty {
					ln.Cites = addCite(ln.Cites, e.Cite)
					named = append(named, "debtor "+e.Debtor+" invoice "+e.Invoice)
				}
				if len(named) > 0 {
					ln.Formula += ": " + strings.Join(named, ", ")
				}
			}
			if l.Known {
				ll := l
				ln.Rows = rows(s.lineCount(l), func() []int { return s.lineRows(ll) })
			}
			n.Add(ln)
		}
		en := &explain.Node{
			Key:     key + ".eligible",
			Label:   "Eligible " + strings.ToLower(sectionLabel(key)),
			Value:   s.Eligible.text(),
			Formula: "gross − Σ ineligibles",
		}
		if s.Eligible.Known {
			en.Rows = rows(s.counts[s.eligPos]+len(s.partial), s.eligibleLines)
		}
		n.Add(en)
	}
	if len(s.Parts) > 0 {
		n.Value = s.Availability.text()
		var fs []string
		for _, p := range s.Parts {
			fs = append(fs, p.Component.ID)
			n.Cites = addCite(n.Cites, p.Component.Cite)
			n.Add(c.explainPart(s, p, withRows))
		}
		if s.HasInput && s.Eligible.Known && (s.noRows > 0 || s.NoComponent.Amount != 0) {
			n.Add(&explain.Node{
				Key:     key + ".no_component",
				Label:   "Eligible, in no component",
				Value:   s.NoComponent.text(),
				Formula: "eligible rows that no component's filter takes; advanced against by none",
				Rows:    rows(s.noRows, func() []int { return s.partLines(len(s.Parts)) }),
			})
		}
		n.Add(&explain.Node{
			Key:     key + ".availability",
			Label:   sectionLabel(key) + " availability",
			Value:   s.Availability.text(),
			Formula: "Σ availability of the components " + strings.Join(fs, ", "),
		})
		return n
	}
	k := s.Component
	if k == nil {
		return n
	}
	advanceNodes(n, key, sectionLabel(key)+" availability", k, s.figs(), s.Eligible)
	return n
}

// explainPart explains one component of a class with several: which
// eligible rows it takes and why, then its advance.
func (c *Certificate) explainPart(s *Section, p *Part, withRows bool) *explain.Node {
	k := p.Component
	key := p.key(s.Collateral)
	label := k.Label
	if label == "" {
		label = k.ID
	}
	n := &explain.Node{Key: key, Label: label, Value: p.Availability.text(), Cites: addCite(nil, k.Cite)}
	why := "every eligible row of " + s.Collateral
	if k.Filter != "" {
		why = "the eligible rows whose filter `" + k.Filter + "` is true"
	}
	if p.idx > 0 {
		var before []string
		for _, q := range s.Parts[:p.idx] {
			before = append(before, q.Component.ID)
		}
		why += ", not taken by an earlier component (" + strings.Join(before, ", ") + ")"
	}
	if s.recv != nil && len(s.perDebt) > 0 {
		for _, a := range s.perDebt {
			if a != nil {
				why += "; less what the amount criteria took from their debtors, from the components in order"
				break
			}
		}
	}
	en := &explain.Node{Key: key + ".eligible", Label: "Eligible, " + label, Value: p.Eligible.text(), Formula: why, Cites: addCite(nil, k.Cite)}
	if s.HasInput && p.Eligible.Known {
		j := int(p.idx)
		en.Rows = &explain.Rows{File: s.File, Count: p.Rows}
		if withRows {
			en.Rows.Lines = s.partLines(j)
		}
	}
	n.Add(en)
	advanceNodes(n, key, label+" availability", k, p.advanceFigs, p.Eligible)
	return n
}

// advanceNodes adds the advance, cap, reserves and availability of the
// component k over eligible to n.
func advanceNodes(n *explain.Node, key, availLabel string, k *agreement.Component, s advanceFigs, eligible Figure) {
	eligWord := "eligible "
	if s.eligibleReserves() {
		eligible, eligWord = s.NetEligible, "eligible less the reserves placed at eligible "
	}
	rate := "unknown rate"
	if k.AdvanceRate.Known() {
		rate = k.AdvanceRate.Value.Percent()
	}
	adv := &explain.Node{
		Key:        key + ".advance",
		Label:      "Advance rate " + rate + " × eligible",
		Value:      s.Advance.text(),
		Formula:    rate + " × max(" + eligWord + eligible.text() + ", 0), rounded half away from zero to the cent",
		Cites:      addCite(addCite(nil, k.AdvanceRate.Cite), k.Cite),
		Assumption: k.AdvanceRate.Assumption,
	}
	if k.AdvanceRate.Unknown != "" {
		adv.Formula += " (advance rate unknown: " + k.AdvanceRate.Unknown + ")"
	}
	if v := s.NOLV; v != nil {
		adv.Key, adv.Label, adv.Value = key+".advance_at_cost", "Advance rate "+rate+" × eligible at cost", v.AtCost.text()
		nv, na := "unknown rate", "unknown rate"
		if k.NOLV.Rate.Known() {
			nv = k.NOLV.Rate.Value.Percent()
		}
		if k.NOLV.AdvanceRate.Known() {
			na = k.NOLV.AdvanceRate.Value.Percent()
		}
		value := &explain.Node{
			Key:        key + ".nolv",
			Label:      "Net orderly liquidation value (" + nv + " of cost)",
			Value:      v.Value.text(),
			Formula:    nv + " (appraised NOLV as a share of cost) × max(eligible " + eligible.text() + ", 0), rounded half away from zero to the cent",
			Cites:      addCite(addCite(nil, k.NOLV.Rate.Cite), k.NOLV.Cite),
			Assumption: k.NOLV.Rate.Assumption,
		}
		nadv := &explain.Node{
			Key:        key + ".advance_against_nolv",
			Label:      "Advance rate " + na + " × net orderly liquidation value",
			Value:      v.Advance.text(),
			Formula:    na + " × NOLV " + v.Value.text() + ", rounded half away from zero to the cent",
			Cites:      addCite(addCite(nil, k.NOLV.AdvanceRate.Cite), k.NOLV.Cite),
			Assumption: k.NOLV.AdvanceRate.Assumption,
		}
		nadv.Add(value)
		top := &explain.Node{
			Key:     key + ".advance",
			Label:   "Advance: the lesser of the advance at cost and against NOLV",
			Value:   s.Advance.text(),
			Formula: "lesser of " + rate + " × eligible at cost " + v.AtCost.text() + " and " + na + " × NOLV " + v.Advance.text() + " = " + s.Advance.text(),
			Cites:   addCite(nil, k.Cite),
		}
		top.Add(adv)
		top.Add(nadv)
		adv = top
	}
	n.Add(adv)
	if s.Cap != nil {
		n.Add(&explain.Node{
			Key:        key + ".cap",
			Label:      "Cap",
			Value:      s.Cap.text(),
			Formula:    "availability before reserves = lesser of advance " + s.Advance.text() + " and cap " + s.Cap.text() + " = " + s.Capped.text(),
			Cites:      addCite(nil, k.Cap.Cite),
			Assumption: k.Cap.Assumption,
		})
	}
	for _, r := range s.Reserves {
		n.Add(reserveNode(key+".reserves."+r.ID, r))
	}
	f := "advance"
	if s.Cap != nil {
		f = "lesser of advance and cap"
	}
	if len(s.Reserves) > 0 {
		f += " − reserves"
	}
	n.Add(&explain.Node{
		Key:     key + ".availability",
		Label:   availLabel,
		Value:   s.Availability.text(),
		Formula: f,
		Cites:   addCite(nil, k.Cite),
	})
	if s.LastOut != nil {
		n.Add(lastOutNode(key, k, s, eligible))
	}
}

func reserveNode(key string, r ReserveLine) *explain.Node {
	n := &explain.Node{
		Key:        key,
		Label:      r.Label,
		Value:      r.text(),
		Formula:    r.Formula(),
		Cites:      addCite(nil, r.res.Cite),
		Assumption: r.res.Amount.Assumption,
	}
	for _, t := range []*agreement.Term[money.Rate]{r.res.Dilution, r.res.Threshold, r.res.Rate, r.res.Months} {
		if t != nil {
			n.Cites = addCite(n.Cites, t.Cite)
			if n.Assumption == "" {
				n.Assumption = t.Assumption
			}
		}
	}
	n.Cites = addCite(n.Cites, r.res.Amount.Cite)
	for _, l := range r.Rent {
		f := "eligible inventory " + l.Eligible.String() + " on a third party's premises; "
		if l.Amount.Known && l.Amount.Amount == 0 && l.Waiver != agreement.WaiverNone && !strings.HasPrefix(l.Waiver, agreement.WaiverNone) {
			f += l.Waiver + " waiver"
			if l.WaiverDate != 0 {
				f += " dated " + l.WaiverDate.String()
			}
			f += ": no reserve"
		} else {
			f += "waiver: " + l.Waiver + "; " + r.months() + " months × monthly rent " + l.MonthlyRent.text() + " = " + l.Amount.text() + ", rounded half away from zero to the cent"
		}
		n.Add(&explain.Node{Key: key + ".locations." + l.Location, Label: l.Location + " " + l.Name, Value: l.Amount.text(), Formula: f})
	}
	return n
}

// PlacementText says where a reserve at placement p is deducted.
func PlacementText(p string) string {
	switch p {
	case agreement.PlaceEligible:
		return "deducted from the component's eligible collateral before the advance rate"
	case agreement.PlaceComponent:
		return "deducted from the component's availability"
	case agreement.PlaceBorrowingBase:
		return "deducted from the borrowing base"
	case agreement.PlaceLine:
		return "deducted from availability under the line: min(commitment, maximum advances, borrowing base) − reserve"
	}
	return p
}

func (r ReserveLine) months() string {
	if r.res.Months != nil && r.res.Months.Known() {
		return r.res.Months.Value.String()
	}
	return "unknown"
}

// Formula says how the reserve's amount is found and where it is
// deducted.
func (r ReserveLine) Formula() string {
	var f string
	switch r.Kind {
	case agreement.FixedReserve:
		f = "fixed amount " + r.text()
	case agreement.AvailabilityBlock:
		f = "availability block, fixed amount " + r.text()
	case agreement.ShareReserve:
		rate := "unknown rate"
		if r.res.Rate != nil && r.res.Rate.Known() {
			rate = r.res.Rate.Value.Percent()
		}
		of := "availability before reserves"
		if r.res.Of == agreement.PlaceEligible {
			of = "eligible"
		}
		comp := "the component's"
		if r.res.Component != "" {
			comp = "component " + r.res.Component + "'s"
		}
		f = rate + " × max(" + comp + " " + of + " " + r.Base.text() + ", 0) = " + r.text() + ", rounded half away from zero to the cent"
	case agreement.DilutionReserve:
		d, t := "unknown", "unknown"
		if r.res.Dilution != nil && r.res.Dilution.Known() {
			d = r.res.Dilution.Value.Percent()
		}
		if m := r.Measured; m != nil {
			d = m.Ratio.Percent() + " (measured from the journals: credits " + m.Credits.String() + " ÷ sales " + m.Sales.String() +
				" over " + itoa(m.Periods) + " periods from " + m.From.String() + " to " + m.To.String() + ")"
		}
		if r.res.Threshold != nil && r.res.Threshold.Known() {
			t = r.res.Threshold.Value.Percent()
		}
		f = "dilution reserve = (dilution " + d + " − threshold " + t + ") × max(eligible " + r.Base.text() + ", 0) = " + r.text() +
			", rounded half away from zero to the cent; nothing when the dilution is not above the threshold"
	case agreement.RentReserve:
		f = r.months() + " months' rent of each third-party location holding eligible inventory without a landlord or bailee waiver, summed = " + r.text()
	default:
		f = "reserve " + r.text()
	}
	f += "; " + PlacementText(r.Placement)
	if r.res.From != 0 || r.res.Until != 0 {
		f += "; in force"
		if r.res.From != 0 {
			f += " from " + r.res.From.String()
		}
		if r.res.Until != 0 {
			f += " until " + r.res.Until.String()
		}
	}
	return f
}

func (c *Certificate) casualtyNode(s *Section, l *Line, k int, withRows bool) *explain.Node {
	e := c.casualty[k]
	var sum money.Amount
	var lines []int
	count := 0
	p := int8(l.pos)
	for i := range s.inv.Rows {
		r := &s.inv.Rows[i]
		if r.Item != e.Item || r.Location != e.Location || s.bucketOf(i) != p {
			continue
		}
		a := r.ExtendedCost
		if e.Amount != nil && *e.Amount < a {
			a = *e.Amount
		}
		sum += a
		count++
		lines = append(lines, int(r.Line))
	}
	f := "item " + e.Item + " at " + e.Location
	if e.Amount != nil {
		f += ": " + e.Amount.String() + " capped at the row's extended_cost"
	} else {
		f += ": the whole row"
	}
	if count == 0 {
		f += " (already ineligible under a criterion above)"
	}
	if e.Reason != "" {
		f += "; " + e.Reason
	}
	if e.Noticed != nil {
		f += "; noticed " + e.Noticed.String()
	}
	rows := &explain.Rows{File: s.File, Count: count}
	if withRows {
		slices.Sort(lines)
		rows.Lines = lines
	}
	return &explain.Node{
		Key:     l.pos2key(s, k),
		Label:   "Casualty: " + e.Item + " at " + e.Location,
		Value:   sum.String(),
		Formula: f,
		Cites:   addCite(nil, e.Cite),
		Rows:    rows,
	}
}

func (l *Line) pos2key(s *Section, k int) string {
	return s.Collateral + ".ineligible." + l.ID + "." + itoa(k+1)
}

func (c *Certificate) lineFormula(s *Section, l *Line) string {
	cr := &l.crit
	days, share, vals := "?", "?", "?"
	if cr.Days != nil && cr.Days.Known() {
		days = itoa(cr.Days.Value)
	}
	if cr.Share != nil && cr.Share.Known() {
		share = cr.Share.Value.Percent()
	}
	if cr.Values != nil && cr.Values.Known() {
		vals = strings.Join(cr.Values.Value, ", ")
	}
	rem := "Σ amount of the rows not taken above"
	if s.Collateral == agreement.Inventory {
		rem = "Σ extended_cost of the rows not taken above"
	}
	var f string
	switch cr.Kind {
	case agreement.PastDue:
		f = rem + " whose age (as-of − invoice_date) > " + days + " days (credit memos with their sign)"
	case agreement.CrossAged:
		f = rem + " of debtors whose positive rows over " + days + " days are at least " + share + " of their positive rows"
	case agreement.Affiliate:
		f = rem + " of debtors marked affiliate"
	case agreement.Government:
		f = rem + " of debtors marked government without assignment_of_claims"
	case agreement.Foreign:
		if cr.Values == nil {
			vals = "US"
		}
		f = rem + " of debtors whose country is not " + vals + " and not credit_insured"
	case agreement.Disputed:
		f = rem + " marked disputed"
	case agreement.Contra:
		f = "Σ over debtors of min(max(debtor's remaining eligible, 0), contra_payable)"
	case agreement.Concentration:
		f = "Σ over debtors of max(debtor's remaining eligible − limit, 0); limit = " + share + " × E"
		if l.Known {
			f += " = " + share + " × " + l.base.String() + " = " + l.limit.String() + " (rounded half away from zero to the cent), E = eligible after the criteria above"
		}
	case agreement.LocationCriterion:
		f = rem + " at a location other than " + vals
	case agreement.CategoryCriterion:
		f = rem + " whose category is one of " + vals
	case agreement.SlowMoving:
		f = rem + " whose last movement is more than " + days + " days before the as-of date"
	case agreement.Casualty:
		if s.Collateral == agreement.Receivables {
			f = rem + " of an invoice named in a casualty exclusion (whole)"
			break
		}
		f = rem + " named in a casualty exclusion (an exclusion with an amount: that amount, capped at the row)"
	case agreement.Custom:
		f = rem + " for which " + cr.Expr + " is true"
	}
	if !l.Known {
		f += " (undetermined: a term it or a criterion above needs is unknown)"
	}
	return f
}
