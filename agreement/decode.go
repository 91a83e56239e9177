package agreement

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"revolver/date"
	"revolver/fieldexam"
	"revolver/money"
)

// decoder turns the generic tree into typed Terms, collecting diagnostics.
type decoder struct {
	f    *Facility
	errs *Errors
	asOf date.Date
}

// ctx is what a node inherits from its ancestors.
type ctx struct {
	path       string
	cite       Cite
	assumption string
}

func (c ctx) in(n *node, seg string) ctx {
	out := c
	out.path = join(c.path, seg)
	if n != nil {
		if n.cite != nil {
			out.cite = *n.cite
		}
		if n.assumption != "" {
			out.assumption = n.assumption
		}
	}
	return out
}

func (d *decoder) errf(n *node, value, expected, format string, a ...any) {
	d.errs.add(n.pos, value, expected, fmt.Sprintf(format, a...))
}

// group checks that n is a group and that it has only the allowed keys.
func (d *decoder) group(n *node, c ctx, allowed ...string) bool {
	if n == nil {
		return false
	}
	if n.kind != groupNode {
		d.errf(n, n.scalar, "a group of terms", "%s must be a group", c.path)
		return false
	}
	ok := map[string]bool{"id": true}
	for _, a := range allowed {
		ok[a] = true
	}
	for _, k := range n.keys {
		if !ok[k] {
			kn := &node{pos: n.kpos[k]}
			if kn.pos.File == "" {
				kn = n.kids[k]
			}
			d.errf(kn, k, "one of "+strings.Join(allowed, ", "), "unknown term %s", join(c.path, k))
		}
	}
	return true
}

// leaf returns the leaf at key with its context, or nil when absent.
func (d *decoder) leaf(g *node, key string, c ctx, required bool) (*node, ctx) {
	var n *node
	if g != nil && g.kind == groupNode {
		n = g.kids[key]
	}
	cc := c.in(n, key)
	if n == nil {
		if required && g != nil {
			d.errf(g, "", "`"+key+":`", "missing term %s", cc.path)
		}
		return nil, cc
	}
	if n.kind != leafNode {
		d.errf(n, "", "a value", "%s must be a value, not a group or list", cc.path)
		return nil, cc
	}
	return n, cc
}

func meta[T any](n *node, c ctx) Term[T] {
	t := Term[T]{Cite: c.cite, Path: c.path, Assumption: c.assumption, Pos: n.pos, Unknown: n.unknown}
	return t
}

func (d *decoder) amount(g *node, key string, c ctx, required bool) *Term[money.Amount] {
	n, cc := d.leaf(g, key, c, required)
	if n == nil {
		return nil
	}
	t := meta[money.Amount](n, cc)
	if t.Known() {
		v, err := money.ParseAmount(n.scalar)
		if err != nil || v < 0 {
			d.errf(n, n.scalar, "a non-negative amount with at most two decimals, e.g. 14000000.00", "bad amount for %s", cc.path)
		}
		t.Value = v
	}
	return &t
}

func (d *decoder) rate(g *node, key string, c ctx, required bool) *Term[money.Rate] {
	n, cc := d.leaf(g, key, c, required)
	if n == nil {
		return nil
	}
	t := meta[money.Rate](n, cc)
	if t.Known() {
		v, err := money.ParseRate(n.scalar)
		if err != nil || v.Sign() < 0 {
			d.errf(n, n.scalar, "a non-negative rate such as 80% or 0.80", "bad rate for %s", cc.path)
		}
		t.Value = v
	}
	return &t
}

func (d *decoder) date(g *node, key string, c ctx, required bool) *Term[date.Date] {
	n, cc := d.leaf(g, key, c, required)
	if n == nil {
		return nil
	}
	t := meta[date.Date](n, cc)
	if t.Known() {
		v, err := date.Parse(n.scalar)
		if err != nil {
			d.errf(n, n.scalar, "a date YYYY-MM-DD", "bad date for %s", cc.path)
		}
		t.Value = v
	}
	return &t
}

func (d *decoder) int(g *node, key string, c ctx, required bool, min int) *Term[int] {
	n, cc := d.leaf(g, key, c, required)
	if n == nil {
		return nil
	}
	t := meta[int](n, cc)
	if t.Known() {
		v, err := strconv.Atoi(n.scalar)
		if err != nil || v < min {
			d.errf(n, n.scalar, fmt.Sprintf("a whole number ≥ %d", min), "bad number for %s", cc.path)
		}
		t.Value = v
	}
	return &t
}

func (d *decoder) bool(g *node, key string, c ctx, required bool) *Term[bool] {
	n, cc := d.leaf(g, key, c, required)
	if n == nil {
		return nil
	}
	t := meta[bool](n, cc)
	if t.Known() {
		switch n.scalar {
		case "true":
			t.Value = true
		case "false":
		default:
			d.errf(n, n.scalar, "true or false", "bad flag for %s", cc.path)
		}
	}
	return &t
}

func (d *decoder) str(g *node, key string, c ctx, required bool, oneOf ...string) *Term[string] {
	n, cc := d.leaf(g, key, c, required)
	if n == nil {
		return nil
	}
	t := meta[string](n, cc)
	if t.Known() {
		if n.isList {
			d.errf(n, "", "a single value", "%s must be one value", cc.path)
		}
		t.Value = n.scalar
		if len(oneOf) > 0 && !contains(oneOf, n.scalar) {
			d.errf(n, n.scalar, "one of "+strings.Join(oneOf, ", "), "bad value for %s", cc.path)
		}
	}
	return &t
}

func (d *decoder) strs(g *node, key string, c ctx, required bool) *Term[[]string] {
	n, cc := d.leaf(g, key, c, required)
	if n == nil {
		return nil
	}
	t := meta[[]string](n, cc)
	if t.Known() {
		if !n.isList {
			d.errf(n, n.scalar, "a list such as [BIL, UPS-SJC]", "%s must be a list", cc.path)
		}
		t.Value = append([]string(nil), n.scalars...)
	}
	return &t
}

// text reads a plain string that is not a term (a label, an id, a kind).
func (d *decoder) text(g *node, key string) string {
	if g == nil || g.kind != groupNode {
		return ""
	}
	n := g.kids[key]
	if n == nil {
		return ""
	}
	if n.kind != leafNode || n.isList {
		d.errf(n, "", "a plain value", "%s must be a plain value", key)
		return ""
	}
	return n.scalar
}

func (d *decoder) textList(g *node, key string) []string {
	if g == nil || g.kind != groupNode {
		return nil
	}
	n := g.kids[key]
	if n == nil {
		return nil
	}
	if n.kind != leafNode {
		d.errf(n, "", "a list of lines", "%s must be a list of plain values", key)
		return nil
	}
	if n.unknown != "" {
		return nil
	}
	if n.isList {
		return append([]string(nil), n.scalars...)
	}
	return []string{n.scalar}
}

// list returns the items of an id-keyed list at key.
func (d *decoder) list(g *node, key string, c ctx) ([]*node, ctx) {
	if g == nil || g.kind != groupNode {
		return nil, c
	}
	n := g.kids[key]
	cc := c.in(n, key)
	if n == nil {
		return nil, cc
	}
	if n.kind == leafNode && n.isList && len(n.scalars) == 0 {
		return nil, cc
	}
	if n.kind != listNode {
		d.errf(n, "", "a list of groups, each with an id", "%s must be a list", cc.path)
		return nil, cc
	}
	return n.items, cc
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func (f *Facility) decode(t *node, asOf date.Date, errs *Errors) *Terms {
	d := &decoder{f: f, errs: errs, asOf: asOf}
	root := ctx{cite: Cite{Document: f.Agreement.ID}, assumption: t.assumption}
	if t.cite != nil {
		root.cite = *t.cite
	}
	d.group(t, root, append([]string{"currency", "parties", "commitment", "advance_cap", "termination_date", "borrowing_base",
		"eligibility", "covenants", "events_of_default", "notices", "locations", "pricing", "fees", "costs", "reporting",
		"collections", "overadvance", "advances", "settings", "lc_sublimit", "revolving_credit_note", "security", "cash_dominion", "minimum_excess_availability", "field_exams"}, scheduleKeys...)...)
	terms := &Terms{Facility: f.Slug, Name: f.Name, AsOf: asOf, Since: f.Agreement.Date, Documents: f.Documents}
	var appliedUnder *node // where collections.applied_under is written, checked once the remedies are read
	if c := d.str(t, "currency", root, false); c != nil {
		terms.Currency = c.Value
	} else {
		terms.Currency = "USD"
	}
	if v := d.amount(t, "commitment", root, true); v != nil {
		terms.Commitment = *v
	}
	terms.AdvanceCap = d.amount(t, "advance_cap", root, false)
	if v := d.date(t, "termination_date", root, true); v != nil {
		terms.TerminationDate = *v
	}
	terms.LCSublimit = d.amount(t, "lc_sublimit", root, false)
	d.cashDominion(t, root, terms)
	d.minimumExcessAvailability(t, root, terms)
	d.fieldExams(t, root, terms)
	if g := t.kids["revolving_credit_note"]; g != nil {
		c := root.in(g, "revolving_credit_note")
		if d.group(g, c, "principal", "maturity") {
			if v := d.amount(g, "principal", c, true); v != nil {
				terms.Note.Principal = *v
			}
			if v := d.date(g, "maturity", c, true); v != nil {
				terms.Note.Maturity = *v
			}
		}
	}
	if g := t.kids["security"]; g != nil {
		c := root.in(g, "security")
		if d.group(g, c, "lien", "collateral", "excluded") {
			terms.Security.Cite = c.cite
			if v := d.str(g, "lien", c, true, "first", "second", "none"); v != nil {
				terms.Security.Lien = *v
			}
			if v := d.strs(g, "collateral", c, true); v != nil {
				terms.Security.Collateral = *v
			}
			if v := d.strs(g, "excluded", c, false); v != nil {
				terms.Security.Excluded = *v
			}
		}
	}
	d.parties(t, root, terms)
	d.borrowingBase(t, root, terms)
	if e := t.kids["eligibility"]; e != nil {
		ec := root.in(e, "eligibility")
		if d.group(e, ec, "receivables", "inventory") {
			terms.Receivables = d.criteria(e, "receivables", ec, Receivables)
			terms.Inventory = d.criteria(e, "inventory", ec, Inventory)
		}
	}
	d.covenants(t, root, terms)
	d.eventsOfDefault(t, root, terms)
	d.notices(t, root, terms)
	d.locations(t, root, terms)
	d.pricing(t, root, terms)
	d.fees(t, root, terms)
	d.costs(t, root, terms)
	d.reporting(t, root, terms)
	if g := t.kids["collections"]; g != nil {
		c := root.in(g, "collections")
		if d.group(g, c, "clearance_days", "accounts", "type_codes", "applied_under") {
			if v := d.int(g, "clearance_days", c, true, 0); v != nil {
				terms.Collections.ClearanceDays = *v
			}
			if v := d.str(g, "applied_under", c, false); v != nil {
				terms.Collections.AppliedUnder = *v
				appliedUnder = g.kids["applied_under"]
			}
			d.cashAccounts(g, c, terms)
			d.typeCodes(g, c, terms)
		}
	}
	if g := t.kids["overadvance"]; g != nil {
		c := root.in(g, "overadvance")
		if d.group(g, c, "cure_days", "blocks_advances_on_default") {
			if v := d.int(g, "cure_days", c, true, 0); v != nil {
				terms.Overadvance.CureDays = *v
			}
			if v := d.bool(g, "blocks_advances_on_default", c, false); v != nil {
				terms.Overadvance.BlocksAdvancesOnDefault = *v
			}
		}
	}
	if g := t.kids["advances"]; g != nil {
		c := root.in(g, "advances")
		if d.group(g, c, "cutoff") {
			if v := d.str(g, "cutoff", c, false); v != nil {
				if v.Known() && !cutoffRe.MatchString(v.Value) {
					n, _ := d.leaf(g, "cutoff", c, false)
					d.errf(n, v.Value, "a time of day HH:MM (24-hour, in the facility's zone)", "bad time for %s", v.Path)
				}
				terms.Advances.Cutoff = v
			}
		}
	}
	if g := t.kids["settings"]; g != nil {
		c := root.in(g, "settings")
		if g.kind != groupNode {
			d.errf(g, "", "a group of name: value", "settings must be a group")
		} else {
			terms.Settings = map[string]Term[string]{}
			for _, k := range g.keys {
				if v := d.str(g, k, c, false); v != nil {
					terms.Settings[k] = *v
				}
			}
		}
	}
	d.schedule(t, root, terms)
	if a := terms.Collections.AppliedUnder; appliedUnder != nil && a.Known() && !slices.ContainsFunc(terms.Schedule.Remedies, func(r Remedy) bool { return r.ID == a.Value }) {
		ids := make([]string, len(terms.Schedule.Remedies))
		for i, r := range terms.Schedule.Remedies {
			ids[i] = r.ID
		}
		want := "the id of one of the terms' remedies (" + strings.Join(ids, ", ") + ")"
		if len(ids) == 0 {
			want = "the id of one of the terms' remedies (the terms list none)"
		}
		d.errf(appliedUnder, a.Value, want, "collections.applied_under names no remedy of the terms in force on %s", asOf)
	}
	ws, fees := f.waiversAsOf(asOf)
	terms.Waivers = ws
	terms.Fees = append(terms.Fees, fees...)
	d.checkCites(t, root.cite)
	fillTitles(terms)
	return terms
}

func (d *decoder) parties(t *node, root ctx, terms *Terms) {
	items, c := d.list(t, "parties", root)
	for _, it := range items {
		ic := c.in(it, it.id)
		if !d.group(it, ic, "role", "name", "attention", "address", "phone", "fax", "copy_of", "documents") {
			continue
		}
		p := Party{ID: it.id, Role: d.text(it, "role"), Name: d.text(it, "name"), Attn: d.text(it, "attention"),
			Address: d.textList(it, "address"), Phone: d.text(it, "phone"), Fax: d.text(it, "fax"),
			CopyOf: d.text(it, "copy_of"), Documents: d.textList(it, "documents"), Assumption: ic.assumption, Cite: ic.cite}
		for _, doc := range p.Documents {
			if terms.Document(doc) == nil {
				var ids []string
				for _, x := range terms.Documents {
					ids = append(ids, x.ID)
				}
				d.errf(it.kids["documents"], doc, "a document of the facility ("+strings.Join(ids, ", ")+")", "party %s: unknown document", it.id)
			}
		}
		if !contains([]string{"lender", "borrower", "copy_to"}, p.Role) {
			d.errf(it, p.Role, "lender, borrower or copy_to", "bad role for party %s", it.id)
		}
		terms.Parties = append(terms.Parties, p)
	}
}

// cutoffRe is a time of day, 24-hour: 00:00 to 23:59.
var cutoffRe = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

var collateralClasses = []string{Receivables, Inventory, FixedAssets}

// reserveKinds are the kinds a reserve may be written with (`amount` is
// the fixed amount, FixedReserve).
var reserveKinds = []string{"amount", ShareReserve, RentReserve, DilutionReserve, AvailabilityBlock}

// reserves decodes a list of reserves; class is the collateral class of the
// component they belong to ("" for the borrowing base's own); comps are the
// borrowing base's components (for a share reserve of the borrowing base).
func (d *decoder) reserves(g *node, c ctx, class string, comps []Component) []Reserve {
	items, lc := d.list(g, "reserves", c)
	var out []Reserve
	onComp := class != ""
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "label", "kind", "placement", "amount", "dilution", "threshold", "rate", "of", "component", "months", "from", "until") {
			continue
		}
		r := Reserve{ID: it.id, Label: d.text(it, "label"), Cite: ic.cite}
		if v := d.str(it, "kind", ic, false, reserveKinds...); v != nil && v.Value != "amount" {
			r.Kind = v.Value
		}
		places := []string{PlaceBorrowingBase, PlaceLine}
		if onComp {
			places = []string{PlaceEligible, PlaceComponent}
		}
		if v := d.str(it, "placement", ic, false, places...); v != nil {
			r.Placement = v.Value
		}
		if v := d.date(it, "from", ic, false); v != nil {
			r.From = v.Value
		}
		if v := d.date(it, "until", ic, false); v != nil {
			r.Until = v.Value
			if r.From != 0 && r.Until < r.From {
				d.errf(it.kids["until"], r.Until.String(), "a date on or after from ("+r.From.String()+")", "reserve %s ends before it starts", it.id)
			}
		}
		// Keys that belong to other kinds.
		allowed := map[string][]string{
			FixedReserve:      {"amount"},
			AvailabilityBlock: {"amount"},
			ShareReserve:      {"rate", "of", "component"},
			RentReserve:       {"months"},
			DilutionReserve:   {"dilution", "threshold"},
		}[r.Kind]
		for _, k := range []string{"amount", "dilution", "threshold", "rate", "of", "component", "months"} {
			if n := it.kids[k]; n != nil && !contains(allowed, k) {
				kind := r.Kind
				if kind == "" {
					kind = "amount"
				}
				switch {
				case r.Kind == DilutionReserve && k == "amount":
					d.errf(n, "amount", "`dilution:` and `threshold:` (the amount is computed)", "dilution reserve %s has an amount", it.id)
				case k == "dilution" || k == "threshold":
					d.errf(n, k, "`kind: dilution` for a reserve with "+k, "reserve %s has %s but is not a dilution reserve", it.id, k)
				default:
					d.errf(n, k, "only "+strings.Join(allowed, ", ")+" for a reserve of kind "+kind, "reserve %s (kind %s) has %s", it.id, kind, k)
				}
			}
		}
		shareOf := func(v *Term[money.Rate]) {
			if v != nil && v.Known() && v.Value.Cmp(money.RateFromInt(1)) > 0 {
				d.errf(it.kids[lastSeg(v.Path)], v.Value.Percent(), "a share of at most 100%", "%s above 100%%", v.Path)
			}
		}
		switch r.Kind {
		case FixedReserve, AvailabilityBlock:
			if v := d.amount(it, "amount", ic, true); v != nil {
				r.Amount = *v
			}
			if r.Kind == AvailabilityBlock {
				if onComp {
					d.errf(it, it.id, "an availability block among the borrowing base's reserves (it is taken off availability under the line)", "availability block %s is on a component", it.id)
				}
				if r.Placement == "" {
					r.Placement = PlaceLine
				}
				if r.Placement != PlaceLine {
					d.errf(it.kids["placement"], r.Placement, "placement line (an availability block is taken off availability)", "availability block %s placed at %s", it.id, r.Placement)
				}
			}
		case ShareReserve:
			r.Rate = d.rate(it, "rate", ic, true)
			shareOf(r.Rate)
			if v := d.str(it, "of", ic, true, PlaceEligible, "availability"); v != nil {
				r.Of = v.Value
			}
			r.Component = d.text(it, "component")
			switch {
			case onComp && r.Component != "":
				d.errf(it.kids["component"], r.Component, "no component (a component's share reserve is a share of its own figures)", "share reserve %s on a component names component %s", it.id, r.Component)
			case !onComp && r.Component == "":
				d.errf(it, it.id, "`component:` naming the component whose figure it is a share of", "share reserve %s of the borrowing base names no component", it.id)
			case !onComp:
				found := false
				for _, k := range comps {
					found = found || k.ID == r.Component
				}
				if !found {
					d.errf(it.kids["component"], r.Component, "a component of the borrowing base", "share reserve %s: unknown component", it.id)
				}
			}
		case RentReserve:
			r.Months = d.rate(it, "months", ic, true)
			if onComp && class != Inventory {
				d.errf(it, it.id, "a rent reserve on an inventory component or on the borrowing base", "rent reserve %s is on a %s component", it.id, class)
			}
		case DilutionReserve:
			if class != Receivables {
				d.errf(it, it.id, "a dilution reserve on a receivables component", "dilution reserve %s is not on a receivables component", it.id)
			}
			// Without dilution: the dilution measured from the journals.
			r.Dilution = d.rate(it, "dilution", ic, false)
			r.Threshold = d.rate(it, "threshold", ic, true)
			shareOf(r.Dilution)
			shareOf(r.Threshold)
		}
		if r.Kind == ShareReserve && r.Of == "availability" && r.Placement == PlaceEligible {
			d.errf(it.kids["placement"], r.Placement, "placement component for a share of the availability (the eligible comes before it)", "share reserve %s of the availability placed at eligible", it.id)
		}
		if r.Placement == PlaceLine && r.Kind != FixedReserve && r.Kind != AvailabilityBlock {
			d.errf(it.kids["placement"], r.Placement, "placement line only for a fixed amount or an availability block", "reserve %s of kind %s placed at line", it.id, r.Kind)
		}
		out = append(out, r)
	}
	return out
}

// nolv decodes an inventory component's `nolv:` group.
func (d *decoder) nolv(it *node, ic ctx, comp *Component) {
	n := it.kids["nolv"]
	if n == nil {
		return
	}
	nc := ic.in(n, "nolv")
	if !d.group(n, nc, "rate", "advance_rate") {
		return
	}
	if comp.Collateral != Inventory {
		d.errf(n, comp.Collateral, "nolv on an inventory component", "component %s of %s has nolv (a net orderly liquidation value is appraised inventory's)", it.id, comp.Collateral)
	}
	v := &NOLV{Cite: nc.cite}
	if r := d.rate(n, "rate", nc, true); r != nil {
		v.Rate = *r
	}
	if r := d.rate(n, "advance_rate", nc, true); r != nil {
		v.AdvanceRate = *r
	}
	for _, r := range []Term[money.Rate]{v.Rate, v.AdvanceRate} {
		if r.Known() && r.Value.Cmp(money.RateFromInt(1)) > 0 {
			d.errf(n.kids[lastSeg(r.Path)], r.Value.Percent(), "a share of at most 100%", "%s above 100%%", r.Path)
		}
	}
	comp.NOLV = v
}

// lastSeg is the last segment of a dotted term path.
func lastSeg(p string) string { return p[strings.LastIndexByte(p, '.')+1:] }

func (d *decoder) borrowingBase(t *node, root ctx, terms *Terms) {
	g := t.kids["borrowing_base"]
	if g == nil {
		d.errf(t, "", "`borrowing_base:`", "missing term borrowing_base")
		return
	}
	c := root.in(g, "borrowing_base")
	if !d.group(g, c, "components", "letters_of_credit", "reserves", "inventory_sublimit", "last_out") {
		return
	}
	bb := &terms.BorrowingBase
	bb.Cite = c.cite
	items, lc := d.list(g, "components", c)
	type seenComp struct {
		id, filter string
		pos        Pos
	}
	seen := map[string]seenComp{}
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "label", "collateral", "filter", "advance_rate", "cap", "reserves", "nolv") {
			continue
		}
		comp := Component{ID: it.id, Label: d.text(it, "label"), Collateral: d.text(it, "collateral"), Cite: ic.cite}
		if !contains(collateralClasses, comp.Collateral) {
			d.errf(it, comp.Collateral, strings.Join(collateralClasses, ", "), "bad collateral class for component %s", it.id)
		}
		if n, _ := d.leaf(it, "filter", ic, false); n != nil {
			comp.Filter, comp.FilterPos = n.scalar, n.pos
			switch {
			case comp.Collateral != Receivables && comp.Collateral != Inventory:
				d.errf(n, comp.Filter, "a filter only on a receivables or inventory component (their rows)", "component %s of %s has a filter but its class has no rows", it.id, comp.Collateral)
			default:
				if _, err := CompileFilterExpr(comp.Collateral, comp.Filter); err != nil {
					d.errf(n, comp.Filter, "a CEL expression of type bool over the row's fields (true: the component takes the row)", "filter of component %s does not compile: %v", it.id, oneLine(err.Error()))
				}
			}
		}
		// Components of one class are tried in order: one without a filter
		// takes every eligible row left, so a later one of the class would
		// get no row (they would overlap without an order).
		if prev, ok := seen[comp.Collateral]; ok {
			switch {
			case comp.Collateral == FixedAssets:
				d.errf(it, comp.Collateral, "one fixed_assets component (its rows are not reported)", "second component for %s: also %s at %s", comp.Collateral, prev.id, prev.pos)
			case prev.filter == "":
				d.errf(it, it.id, "components of "+comp.Collateral+" before it to have a filter, or this component first",
					"component %s can take no row: component %s before it (%s) has no filter and takes every eligible row of %s", it.id, prev.id, prev.pos, comp.Collateral)
			}
		}
		if prev, ok := seen[comp.Collateral]; !ok || prev.filter != "" {
			seen[comp.Collateral] = seenComp{id: it.id, pos: it.pos, filter: comp.Filter}
		}
		if v := d.rate(it, "advance_rate", ic, true); v != nil {
			comp.AdvanceRate = *v
			if v.Known() && v.Value.Cmp(money.RateFromInt(1)) > 0 {
				d.errf(it.kids["advance_rate"], v.Value.Percent(), "a rate of at most 100%", "advance rate above 100%% for %s", it.id)
			}
		}
		comp.Cap = d.amount(it, "cap", ic, false)
		comp.Reserves = d.reserves(it, ic, comp.Collateral, nil)
		d.nolv(it, ic, &comp)
		bb.Components = append(bb.Components, comp)
	}
	if len(bb.Components) == 0 {
		d.errf(g, "", "at least one component", "the borrowing base has no components")
	}
	if v := d.str(g, "letters_of_credit", c, true, "deduct_from_borrowing_base", "deduct_from_availability", "none"); v != nil {
		bb.LettersOfCredit = *v
	}
	bb.Reserves = d.reserves(g, c, "", bb.Components)
	if v := d.rate(g, "inventory_sublimit", c, false); v != nil {
		bb.InventorySublimit = v
		if v.Known() && v.Value.Cmp(money.RateFromInt(1)) > 0 {
			d.errf(g.kids["inventory_sublimit"], v.Value.Percent(), "a share of at most 100%", "inventory sublimit above 100%% of the borrowing base")
		}
		if _, ok := seen[Inventory]; !ok {
			d.errf(g.kids["inventory_sublimit"], v.Value.Percent(), "an inventory component", "an inventory sublimit but no inventory component")
		}
	}
	d.lastOut(g, c, bb)
}

// lastOut decodes borrowing_base.last_out: the advance-rate increments by
// component id (each a component of the borrowing base; first-out rate +
// increment at most 100%), an optional cap and the margin of the last-out
// loans.
func (d *decoder) lastOut(g *node, c ctx, bb *BorrowingBase) {
	n := g.kids["last_out"]
	if n == nil {
		return
	}
	lc := c.in(n, "last_out")
	if !d.group(n, lc, "label", "advance_rates", "cap", "margin") {
		return
	}
	lo := &LastOut{Label: d.text(n, "label"), Cite: lc.cite}
	rates := n.kids["advance_rates"]
	rc := lc.in(rates, "advance_rates")
	switch {
	case rates == nil:
		d.errf(n, "", "`advance_rates:` with an increment per component id, e.g. receivables: 5%", "missing term %s", rc.path)
	case rates.kind != groupNode:
		d.errf(rates, rates.scalar, "a group of component id: increment, e.g. receivables: 5%", "%s must be a group", rc.path)
	case len(rates.keys) == 0:
		d.errf(rates, "", "at least one component id: increment", "%s is empty", rc.path)
	default:
		ids := make([]string, len(bb.Components))
		for i, k := range bb.Components {
			ids[i] = k.ID
		}
		for _, k := range rates.keys {
			v := d.rate(rates, k, rc, true)
			if v == nil {
				continue
			}
			var comp *Component
			for i := range bb.Components {
				if bb.Components[i].ID == k {
					comp = &bb.Components[i]
				}
			}
			kn := rates.kids[k]
			at := kn
			if pos, ok := rates.kpos[k]; ok && pos.File != "" {
				at = &node{pos: pos}
			}
			switch {
			case comp == nil:
				d.errf(at, k, "a component of the borrowing base ("+strings.Join(ids, ", ")+")", "last-out advance rate for a component that does not exist")
			case comp.Collateral == FixedAssets:
				d.errf(at, k, "a receivables or inventory component", "last-out advance rate for fixed assets, whose eligible amount is not reported")
			case v.Known() && comp.AdvanceRate.Known() && v.Value.Add(comp.AdvanceRate.Value).Cmp(money.RateFromInt(1)) > 0:
				d.errf(kn, v.Value.Percent(), "an increment of at most "+money.RateFromInt(1).Sub(comp.AdvanceRate.Value).Percent()+" (first-out "+comp.AdvanceRate.Value.Percent()+" + last-out at most 100%)",
					"last-out advance rate of %s above 100%% in all", k)
			case v.Known() && comp.NOLV != nil && comp.NOLV.AdvanceRate.Known() && v.Value.Add(comp.NOLV.AdvanceRate.Value).Cmp(money.RateFromInt(1)) > 0:
				d.errf(kn, v.Value.Percent(), "an increment of at most "+money.RateFromInt(1).Sub(comp.NOLV.AdvanceRate.Value).Percent()+" (NOLV advance rate "+comp.NOLV.AdvanceRate.Value.Percent()+" + last-out at most 100%)",
					"last-out advance rate of %s above 100%% of its NOLV in all", k)
			}
			lo.AdvanceRates = append(lo.AdvanceRates, LastOutRate{Component: k, Increment: *v})
		}
	}
	lo.Cap = d.amount(n, "cap", lc, false)
	if v := d.rate(n, "margin", lc, true); v != nil {
		lo.Margin = *v
	}
	bb.LastOut = lo
}

// criterionParams says which parameters each built-in criterion takes and
// for which collateral class.
var criterionParams = map[string]struct {
	class    string
	required []string
	optional []string
}{
	PastDue:           {Receivables, []string{"days"}, nil},
	CrossAged:         {Receivables, []string{"days", "share"}, nil},
	Affiliate:         {Receivables, nil, nil},
	Government:        {Receivables, nil, nil},
	Foreign:           {Receivables, nil, []string{"values"}},
	Disputed:          {Receivables, nil, nil},
	Contra:            {Receivables, nil, nil},
	Concentration:     {Receivables, []string{"share"}, nil},
	LocationCriterion: {Inventory, []string{"values"}, nil},
	CategoryCriterion: {Inventory, []string{"values"}, nil},
	SlowMoving:        {Inventory, []string{"days"}, nil},
	Casualty:          {"", nil, nil},
	Custom:            {"", []string{"expr"}, nil},
}

// CriterionKinds lists the built-in criteria for a collateral class.
func CriterionKinds(class string) []string {
	var out []string
	for k, p := range criterionParams {
		if p.class == class || p.class == "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (d *decoder) criteria(e *node, class string, c ctx, collateral string) []Criterion {
	items, lc := d.list(e, class, c)
	var out []Criterion
	for _, it := range items {
		ic := lc.in(it, it.id)
		kind := d.text(it, "kind")
		if kind == "" {
			kind = it.id
		}
		spec, ok := criterionParams[kind]
		if !ok || (spec.class != "" && spec.class != collateral) {
			d.errf(it, kind, "one of "+strings.Join(CriterionKinds(collateral), ", "), "unknown %s criterion", collateral)
			continue
		}
		allowed := append(append([]string{"kind", "label"}, spec.required...), spec.optional...)
		if !d.group(it, ic, allowed...) {
			continue
		}
		cr := Criterion{ID: it.id, Kind: kind, Label: d.text(it, "label"), Assumption: ic.assumption, Cite: ic.cite, Pos: it.pos}
		has := func(p string) bool { return contains(spec.required, p) || contains(spec.optional, p) }
		req := func(p string) bool { return contains(spec.required, p) }
		if has("days") {
			cr.Days = d.int(it, "days", ic, req("days"), 0)
		}
		if has("share") {
			cr.Share = d.rate(it, "share", ic, req("share"))
			if cr.Share != nil && cr.Share.Known() && cr.Share.Value.Cmp(money.RateFromInt(1)) > 0 {
				d.errf(it.kids["share"], cr.Share.Value.Percent(), "a share between 0% and 100%", "bad share for criterion %s", it.id)
			}
		}
		if has("values") {
			cr.Values = d.strs(it, "values", ic, req("values"))
		}
		if kind == Custom {
			if n, _ := d.leaf(it, "expr", ic, true); n != nil {
				cr.Expr = n.scalar
				if _, err := CompileCriterionExpr(collateral, cr.Expr); err != nil {
					d.errf(n, cr.Expr, "a CEL expression of type bool over the row's fields", "criterion %s does not compile: %v", it.id, oneLine(err.Error()))
				}
			}
		}
		if cr.Label == "" {
			cr.Label = strings.ReplaceAll(kind, "_", " ")
		}
		out = append(out, cr)
	}
	return out
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func (d *decoder) covenants(t *node, root ctx, terms *Terms) {
	items, lc := d.list(t, "covenants", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "label", "metric", "formula", "comparison", "threshold", "first_test", "frequency", "ratchet", "paragraphs", "springing") {
			continue
		}
		cv := Covenant{ID: it.id, Label: d.text(it, "label"), Cite: ic.cite}
		cv.Metric.Name = d.text(it, "metric")
		formula, fc := d.leaf(it, "formula", ic, true)
		if formula != nil {
			num, den, err := ParseMetric(formula.scalar)
			if err != nil {
				d.errf(formula, formula.scalar, "lines joined by + and −, optionally ÷ another such sum, e.g. total_liabilities / (total_assets - intangible_assets - total_liabilities)", "bad formula for %s: %v", fc.path, err)
			}
			cv.Metric.Formula, cv.Metric.Numerator, cv.Metric.Denominator = formula.scalar, num, den
		}
		if v := d.str(it, "comparison", ic, true, "min", "max"); v != nil {
			cv.Comparison = v.Value
		}
		if v := d.rate(it, "threshold", ic, true); v != nil {
			cv.Threshold = *v
		}
		cv.FirstTest = d.date(it, "first_test", ic, false)
		cv.Springing = d.trigger(it, "springing", ic)
		if v := d.str(it, "frequency", ic, true, "quarterly", "annually"); v != nil {
			cv.Frequency = *v
		}
		if r := it.kids["ratchet"]; r != nil {
			rc := ic.in(r, "ratchet")
			if r.kind == leafNode && r.unknown != "" {
				cv.Ratchet = &Ratchet{Unknown: r.unknown, Cite: rc.cite}
			} else if d.group(r, rc, "share", "line", "from_fiscal_year") {
				rt := &Ratchet{Line: d.text(r, "line"), Cite: rc.cite}
				if rt.Line == "" {
					rt.Line = "net_income"
				}
				if v := d.rate(r, "share", rc, true); v != nil {
					rt.Share = *v
				}
				if v := d.int(r, "from_fiscal_year", rc, true, 1900); v != nil {
					rt.FromFiscalYear = *v
				}
				cv.Ratchet = rt
			}
		}
		if p := it.kids["paragraphs"]; p != nil {
			pc := ic.in(p, "paragraphs")
			if p.kind != groupNode {
				d.errf(p, "", "a group of name: text", "%s must be a group", pc.path)
			} else {
				cv.Paragraphs = map[string]Term[string]{}
				for _, k := range p.keys {
					if v := d.str(p, k, pc, false); v != nil {
						cv.Paragraphs[k] = *v
					}
				}
			}
		}
		terms.Covenants = append(terms.Covenants, cv)
	}
}

// ParseMetric reads "a + b - c" or "x / (a - b)" into signed lines.
func ParseMetric(s string) (num, den []Line, err error) {
	numS, denS, isRatio := strings.Cut(s, "/")
	if num, err = parseSum(numS); err != nil {
		return nil, nil, err
	}
	if isRatio {
		if strings.Contains(denS, "/") {
			return nil, nil, fmt.Errorf("only one division is allowed")
		}
		if den, err = parseSum(denS); err != nil {
			return nil, nil, err
		}
	}
	return num, den, nil
}

func parseSum(s string) ([]Line, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "" {
		return nil, fmt.Errorf("empty sum")
	}
	var out []Line
	sign := 1
	expectName := true
	leading := false
	for _, tok := range strings.Fields(strings.NewReplacer("+", " + ", "-", " - ", "−", " - ").Replace(s)) {
		switch tok {
		case "+", "-":
			if !expectName && len(out) > 0 || expectName && len(out) == 0 && tok == "-" && !leading {
				leading = len(out) == 0
				if tok == "-" {
					sign = -sign
				}
				expectName = true
				continue
			}
			return nil, fmt.Errorf("unexpected %q", tok)
		}
		if !expectName {
			return nil, fmt.Errorf("missing + or - before %q", tok)
		}
		for _, r := range tok {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				return nil, fmt.Errorf("%q is not a line name (lower-case letters, digits, _)", tok)
			}
		}
		out = append(out, Line{Name: tok, Sign: sign})
		sign = 1
		expectName = false
	}
	if expectName {
		return nil, fmt.Errorf("the sum ends with an operator")
	}
	return out, nil
}

var eodDetection = []string{"rule", "record"}

// EventRules are the built-in detectors an event of default may name.
var EventRules = []string{"covenant_failed", "overadvance_uncured", "unpaid_at_termination", "cross_default", "obligation_overdue"}

func (d *decoder) eventsOfDefault(t *node, root ctx, terms *Terms) {
	items, lc := d.list(t, "events_of_default", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "clause", "label", "detection", "rule", "threshold", "document", "text") {
			continue
		}
		e := EventOfDefault{ID: it.id, Clause: d.text(it, "clause"), Label: d.text(it, "label"), Rule: d.text(it, "rule"), Text: d.text(it, "text"),
			Document: d.text(it, "document"), Assumption: ic.assumption, Cite: ic.cite}
		if v := d.str(it, "detection", ic, true, eodDetection...); v != nil {
			e.Detection = v.Value
		}
		if e.Detection == "rule" && !contains(EventRules, e.Rule) {
			d.errf(it, e.Rule, "one of "+strings.Join(EventRules, ", "), "event of default %s: detection rule needs a known rule", it.id)
		}
		if e.Rule == "obligation_overdue" && e.Detection == "rule" {
			if e.Document == "" {
				d.errf(it, "", "document: the id of the document whose obligations are meant", "event of default %s: the rule obligation_overdue needs a document", it.id)
			} else if terms.Document(e.Document) == nil {
				d.errf(it.kids["document"], e.Document, "a document of the facility", "event of default %s: unknown document", it.id)
			}
		} else if e.Document != "" {
			d.errf(it.kids["document"], e.Document, "no document (only the rule obligation_overdue takes one)", "event of default %s: document given", it.id)
		}
		e.Threshold = d.amount(it, "threshold", ic, false)
		terms.EventsOfDefault = append(terms.EventsOfDefault, e)
	}
}

func (d *decoder) notices(t *node, root ctx, terms *Terms) {
	g := t.kids["notices"]
	if g == nil {
		return
	}
	c := root.in(g, "notices")
	if !d.group(g, c, "methods") {
		return
	}
	items, lc := d.list(g, "methods", c)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "effective", "copy_by") {
			continue
		}
		m := NoticeMethod{Method: it.id, CopyBy: d.text(it, "copy_by"), Cite: ic.cite}
		if v := d.str(it, "effective", ic, true, "on_confirmation", "next_business_day", "on_receipt"); v != nil {
			m.Effective = v.Value
		}
		terms.Notices = append(terms.Notices, m)
	}
}

var locationKinds = []string{"owned", "third_party_warehouse", "foreign_affiliate", "in_transit", "consigned", "customer_trial", "trade_show", "leased"}

// LocationCategories are the location kinds that are categories of
// inventory (where goods are by their state, e.g. in transit), not places:
// such an entry has no country or address.
var LocationCategories = []string{"in_transit", "consigned", "customer_trial", "trade_show"}

func (d *decoder) locations(t *node, root ctx, terms *Terms) {
	items, lc := d.list(t, "locations", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "name", "kind", "country", "address", "monthly_rent", "waiver", "waiver_date") {
			continue
		}
		l := Location{Code: it.id, Name: d.text(it, "name"), Kind: d.text(it, "kind"), Country: d.text(it, "country"), Address: d.textList(it, "address"), Assumption: ic.assumption, Cite: ic.cite}
		l.MonthlyRent = d.amount(it, "monthly_rent", ic, false)
		if v := d.str(it, "waiver", ic, false, WaiverLandlord, WaiverBailee, WaiverNone); v != nil {
			l.Waiver = v.Value
		}
		if v := d.date(it, "waiver_date", ic, false); v != nil {
			l.WaiverDate = v.Value
			if l.Waiver != WaiverLandlord && l.Waiver != WaiverBailee {
				d.errf(it.kids["waiver_date"], l.WaiverDate.String(), "a waiver date only with `waiver: landlord` or `waiver: bailee`", "location %s has a waiver date but no waiver", it.id)
			}
		}
		if !contains(locationKinds, l.Kind) {
			d.errf(it, l.Kind, "one of "+strings.Join(locationKinds, ", "), "bad kind for location %s", it.id)
		}
		if contains(LocationCategories, l.Kind) && (l.Country != "" || len(l.Address) > 0) {
			d.errf(it, l.Country, "no country or address (a "+l.Kind+" entry is a category of inventory, not a place)", "location %s has a country or address", it.id)
		}
		terms.Locations = append(terms.Locations, l)
	}
}

func (d *decoder) pricing(t *node, root ctx, terms *Terms) {
	g := t.kids["pricing"]
	if g == nil {
		return
	}
	c := root.in(g, "pricing")
	if !d.group(g, c, "options", "day_count", "billing", "default_interest") {
		return
	}
	terms.Pricing.Cite = c.cite
	items, lc := d.list(g, "options", c)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "base", "margin", "margin_grid", "interest_periods", "rate_fixing_days", "minimum", "multiple", "floor", "lookback_days") {
			continue
		}
		o := RateOption{ID: it.id, Base: d.text(it, "base"), Cite: ic.cite}
		if !contains(RateBases, o.Base) {
			d.errf(it, o.Base, strings.Join(RateBases, ", "), "bad base rate for %s", it.id)
		}
		if gn, ok := it.kids["margin_grid"]; ok {
			if mn, ok := it.kids["margin"]; ok {
				kn := mn
				if p, ok := it.kpos["margin"]; ok && p.File != "" {
					kn = &node{pos: p}
				}
				d.errf(kn, "margin", "either margin or margin_grid", "pricing option %s: a margin and a margin_grid; write one of them", it.id)
			}
			o.MarginGrid = d.marginGrid(gn, ic.in(gn, "margin_grid"), it.id)
		} else if v := d.rate(it, "margin", ic, true); v != nil {
			o.Margin = *v
		}
		o.InterestPeriods = d.strs(it, "interest_periods", ic, false)
		if o.InterestPeriods != nil && o.InterestPeriods.Known() {
			allowed, term := TermBases[o.Base]
			n := it.kids["interest_periods"]
			switch {
			case !term:
				d.errf(n, o.Base, "interest periods only for a term-rate base (libor, term_sofr)", "interest periods for %s", it.id)
			case len(o.InterestPeriods.Value) == 0:
				d.errf(n, "[]", "at least one interest period, e.g. [1m, 3m]", "no interest periods for %s", it.id)
			default:
				for _, p := range o.InterestPeriods.Value {
					if !contains(allowed, p) {
						d.errf(n, p, "one of "+strings.Join(allowed, ", ")+" (the "+o.Base+" tenors)", "bad interest period for %s", it.id)
					}
				}
			}
		}
		o.RateFixingDays = d.int(it, "rate_fixing_days", ic, false, 0)
		o.Floor = d.rate(it, "floor", ic, false)
		o.LookbackDays = d.int(it, "lookback_days", ic, false, 0)
		if o.LookbackDays != nil && o.Base != "sofr" {
			d.errf(it.kids["lookback_days"], o.Base, "a lookback only for base sofr (Daily Simple SOFR)", "lookback for %s", it.id)
		}
		o.Minimum = d.amount(it, "minimum", ic, false)
		o.Multiple = d.amount(it, "multiple", ic, false)
		if o.Multiple != nil && o.Multiple.Known() && o.Multiple.Value == 0 {
			d.errf(it.kids["multiple"], "0.00", "an amount above 0", "bad multiple for %s", it.id)
		}
		terms.Pricing.Options = append(terms.Pricing.Options, o)
	}
	if v := d.str(g, "day_count", c, true, "actual_360", "actual_365", "30_360", "30_360_us", "actual_actual_isda"); v != nil {
		terms.Pricing.DayCount = *v
	}
	if v := d.str(g, "billing", c, true, "monthly_billed", "monthly_capitalised"); v != nil {
		terms.Pricing.Billing = *v
	}
	if n := g.kids["default_interest"]; n != nil {
		dc := c.in(n, "default_interest")
		if d.group(n, dc, "rate", "applies") {
			di := &DefaultInterest{Cite: dc.cite}
			if v := d.rate(n, "rate", dc, true); v != nil {
				di.Rate = *v
			}
			if v := d.str(n, "applies", dc, true, DefaultAutomatic, DefaultOnNotice); v != nil {
				di.Applies = *v
			}
			terms.Pricing.DefaultInterest = di
		}
	}
}

// Months are the month names a fiscal year may end in.
var Months = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// marginGrid reads a pricing option's margin grid: its measure, period,
// adjustment, initial level and levels, the thresholds falling from level
// to level and the last level without one.
func (d *decoder) marginGrid(n *node, c ctx, option string) *MarginGrid {
	if !d.group(n, c, "measure", "period", "fiscal_year_end", "measured_from", "adjusts", "initial", "levels") {
		return nil
	}
	g := &MarginGrid{Measure: d.text(n, "measure"), Initial: d.text(n, "initial"), Cite: c.cite, Pos: n.pos}
	if mn := n.kids["measure"]; mn == nil {
		d.errf(n, "", "`measure: "+MeasureAverageExcessAvailability+"`", "missing term %s", join(c.path, "measure"))
	} else if g.Measure != MeasureAverageExcessAvailability {
		d.errf(mn, g.Measure, MeasureAverageExcessAvailability, "pricing option %s: bad measure of the margin grid", option)
	}
	if v := d.str(n, "period", c, true, "calendar_quarter", "fiscal_quarter"); v != nil {
		g.Period = *v
	}
	g.FiscalYearEnd = d.str(n, "fiscal_year_end", c, g.Period.Known() && g.Period.Value == "fiscal_quarter", Months...)
	if g.FiscalYearEnd != nil && g.Period.Known() && g.Period.Value != "fiscal_quarter" {
		d.errf(n.kids["fiscal_year_end"], g.FiscalYearEnd.Value, "no fiscal_year_end for period "+g.Period.Value, "pricing option %s: fiscal_year_end of a %s grid", option, g.Period.Value)
	}
	if v := d.date(n, "measured_from", c, true); v != nil {
		g.MeasuredFrom = *v
	}
	if v := d.str(n, "adjusts", c, true, AdjustNextMonth, AdjustNextDay); v != nil {
		g.Adjusts = *v
	}
	items, lc := d.list(n, "levels", c)
	if len(items) == 0 {
		d.errf(n, "", "`levels:` a list of levels, each with an id and a margin", "pricing option %s: a margin grid without levels", option)
		return g
	}
	var prev *Term[money.Rate]
	for i, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "at_least", "margin") {
			continue
		}
		l := MarginLevel{ID: it.id, Cite: ic.cite}
		if v := d.rate(it, "margin", ic, true); v != nil {
			l.Margin = *v
		}
		last := i == len(items)-1
		l.AtLeast = d.rate(it, "at_least", ic, !last)
		if last && l.AtLeast != nil {
			d.errf(it.kids["at_least"], l.AtLeast.Value.String(), "no at_least on the last level (it applies otherwise)", "pricing option %s: the last level %s has an at_least", option, it.id)
		}
		if a := l.AtLeast; a != nil && a.Known() && !last {
			if a.Value.Cmp(money.MustRate("1")) > 0 {
				d.errf(it.kids["at_least"], a.Value.Percent(), "a share of the line cap, at most 100%", "pricing option %s: bad at_least of level %s", option, it.id)
			} else if prev != nil && prev.Known() && a.Value.Cmp(prev.Value) >= 0 {
				d.errf(it.kids["at_least"], a.Value.Percent(), "below the level before ("+prev.Value.Percent()+"): levels go from the highest threshold down", "pricing option %s: the levels' at_least must fall", option)
			}
			prev = a
		}
		g.Levels = append(g.Levels, l)
	}
	var ids []string
	for _, l := range g.Levels {
		ids = append(ids, l.ID)
	}
	if in := n.kids["initial"]; in == nil {
		d.errf(n, "", "`initial:` the level until the first adjustment ("+strings.Join(ids, ", ")+")", "missing term %s", join(c.path, "initial"))
	} else if !contains(ids, g.Initial) {
		d.errf(in, g.Initial, "a level of the grid ("+strings.Join(ids, ", ")+")", "pricing option %s: the initial level is not a level of the grid", option)
	}
	return g
}

func (d *decoder) fees(t *node, root ctx, terms *Terms) {
	items, lc := d.list(t, "fees", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "label", "kind", "amount", "due", "rate", "steps", "basis", "billing", "unused") {
			continue
		}
		f := Fee{ID: it.id, Label: d.text(it, "label"), Kind: FeeFixed, Cite: ic.cite, Pos: it.pos}
		if k, ok := it.kids["kind"]; ok {
			f.Kind = d.text(it, "kind")
			if !contains(FeeKinds, f.Kind) {
				d.errf(k, f.Kind, "one of "+strings.Join(FeeKinds, ", "), "bad kind for fee %s", it.id)
				continue
			}
		}
		// Which terms each kind has: required, allowed, or neither.
		need := map[string][]string{
			FeeFixed:           {"amount"},
			FeeUnusedLine:      {"basis", "billing"},
			FeeLetterOfCredit:  {"rate", "basis", "billing"},
			FeeMonitoring:      {"amount", "billing"},
			FeeMinimumInterest: {"amount", "billing"},
		}[f.Kind]
		allow := map[string][]string{
			FeeFixed:          {"due"},
			FeeUnusedLine:     {"rate", "steps", "unused"},
			FeeLetterOfCredit: {},
		}[f.Kind]
		for _, k := range []string{"amount", "due", "rate", "steps", "basis", "billing", "unused"} {
			if n, ok := it.kids[k]; ok && !contains(need, k) && !contains(allow, k) {
				if p, ok := it.kpos[k]; ok && p.File != "" {
					n = &node{pos: p}
				}
				d.errf(n, k, "for a "+f.Kind+" fee: "+strings.Join(append(append([]string{"label", "kind"}, need...), allow...), ", "), "fee %s: %s is not a term of a %s fee", it.id, k, f.Kind)
			}
		}
		if contains(need, "amount") {
			if v := d.amount(it, "amount", ic, true); v != nil {
				f.Amount = *v
			}
		}
		if f.Kind == FeeFixed {
			f.Due = d.date(it, "due", ic, false)
		}
		if f.Kind == FeeUnusedLine || f.Kind == FeeLetterOfCredit {
			_, hasSteps := it.kids["steps"]
			f.Rate = d.rate(it, "rate", ic, f.Kind == FeeLetterOfCredit || !hasSteps)
			if f.Kind == FeeUnusedLine && hasSteps {
				if f.Rate != nil {
					d.errf(it.kids["rate"], "rate", "either rate or steps", "fee %s: a rate and steps; write one of them", it.id)
				}
				f.Steps = d.feeSteps(it, ic)
			}
			f.Basis = d.str(it, "basis", ic, true, "actual_360", "actual_365", "30_360")
			if f.Kind == FeeUnusedLine {
				f.Unused = d.str(it, "unused", ic, false, UnusedLessLoansAndLCs, UnusedLessLoans)
			}
		}
		if f.Periodic() {
			f.Billing = d.str(it, "billing", ic, true, "monthly", "quarterly")
		}
		terms.Fees = append(terms.Fees, f)
	}
}

func (d *decoder) costs(t *node, root ctx, terms *Terms) {
	items, lc := d.list(t, "costs", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "label") {
			continue
		}
		terms.Costs = append(terms.Costs, Cost{ID: it.id, Label: d.text(it, "label"), Cite: ic.cite})
	}
}

// feeSteps reads a fee's rate grid: every step but the last has
// usage_below, rising from step to step; the last has none.
func (d *decoder) feeSteps(it *node, ic ctx) []FeeStep {
	items, sc := d.list(it, "steps", ic)
	if len(items) == 0 {
		if n := it.kids["steps"]; n != nil {
			d.errf(n, "", "a list of steps, each with an id and a rate", "fee %s: no steps", it.id)
		}
		return nil
	}
	var out []FeeStep
	var prev *Term[money.Rate]
	for i, st := range items {
		stc := sc.in(st, st.id)
		if !d.group(st, stc, "usage_below", "rate") {
			continue
		}
		s := FeeStep{ID: st.id, Cite: stc.cite}
		if v := d.rate(st, "rate", stc, true); v != nil {
			s.Rate = *v
		}
		last := i == len(items)-1
		s.UsageBelow = d.rate(st, "usage_below", stc, !last)
		if last && s.UsageBelow != nil {
			d.errf(st.kids["usage_below"], s.UsageBelow.Value.String(), "no usage_below on the last step (it applies otherwise)", "fee %s: the last step %s has a usage_below", it.id, st.id)
		}
		if u := s.UsageBelow; u != nil && u.Known() {
			if u.Value.Sign() <= 0 || u.Value.Cmp(money.MustRate("1")) > 0 {
				d.errf(st.kids["usage_below"], u.Value.String(), "a share above 0% and at most 100%", "fee %s: bad usage_below of step %s", it.id, st.id)
			} else if prev != nil && prev.Known() && u.Value.Cmp(prev.Value) <= 0 {
				d.errf(st.kids["usage_below"], u.Value.String(), "above the step before ("+prev.Value.String()+")", "fee %s: the steps' usage_below must rise", it.id)
			}
			prev = u
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) reporting(t *node, root ctx, terms *Terms) {
	items, lc := d.list(t, "reporting", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "frequency", "days_after", "contents", "delivered_by") {
			continue
		}
		r := Reporting{ID: it.id, Cite: ic.cite, Contents: d.strs(it, "contents", ic, false)}
		if v := d.str(it, "delivered_by", ic, false, DeliveredByCertificate, DeliveredByStatements); v != nil {
			r.DeliveredBy = v.Value
		}
		if v := d.str(it, "frequency", ic, true, "daily", "weekly", "monthly", "quarterly", "annually"); v != nil {
			r.Frequency = *v
		}
		if v := d.int(it, "days_after", ic, true, 0); v != nil {
			r.DaysAfter = *v
		}
		terms.Reporting = append(terms.Reporting, r)
	}
}

// checkCites reports citations to documents the facility does not declare.
func (d *decoder) checkCites(n *node, inherited Cite) {
	if n.cite != nil {
		if d.f.title(n.cite.Document) == "" && !d.f.hasDoc(n.cite.Document) {
			d.errf(n, n.cite.Document, "a declared document id ("+strings.Join(d.f.docIDs(), ", ")+")", "citation to an unknown document")
		}
	}
	for _, k := range n.kids {
		d.checkCites(k, inherited)
	}
	for _, it := range n.items {
		d.checkCites(it, inherited)
	}
}

func (f *Facility) hasDoc(id string) bool {
	for _, d := range f.Documents {
		if d.ID == id {
			return true
		}
	}
	return false
}

func (f *Facility) docIDs() []string {
	ids := make([]string, len(f.Documents))
	for i, d := range f.Documents {
		ids[i] = d.ID
	}
	return ids
}

// fillTitles puts each cited document's title into every citation of the
// terms, so that explanations read "First Amendment to Loan Agreement §1(b)".
func fillTitles(t *Terms) {
	titles := map[string]string{}
	for _, d := range t.Documents {
		titles[d.ID] = d.Title
	}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if !holdsCite(v.Type()) {
			// Nothing to fill, and what is not walked is not written: the
			// facility's own documents (their Sections maps) are shared by
			// every decode, so writing them back would race.
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == citeType {
				c := v.Addr().Interface().(*Cite)
				c.Title = titles[c.Document]
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				e := reflect.New(v.Type().Elem()).Elem()
				e.Set(v.MapIndex(k))
				walk(e)
				v.SetMapIndex(k, e)
			}
		}
	}
	walk(reflect.ValueOf(t).Elem())
}

var (
	citeType  = reflect.TypeOf(Cite{})
	citeTypes sync.Map // reflect.Type → bool
)

// holdsCite tells whether a value of type t can hold a Cite.
func holdsCite(t reflect.Type) bool {
	if v, ok := citeTypes.Load(t); ok {
		return v.(bool)
	}
	return holdsCiteSeen(t, map[reflect.Type]bool{})
}

func holdsCiteSeen(t reflect.Type, seen map[reflect.Type]bool) bool {
	if v, ok := citeTypes.Load(t); ok {
		return v.(bool)
	}
	if seen[t] {
		return false // a cycle: whatever holds a Cite is found on another path
	}
	seen[t] = true
	var has bool
	switch t.Kind() {
	case reflect.Struct:
		if t == citeType {
			has = true
			break
		}
		for i := 0; i < t.NumField() && !has; i++ {
			if t.Field(i).IsExported() {
				has = holdsCiteSeen(t.Field(i).Type, seen)
			}
		}
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		has = holdsCiteSeen(t.Elem(), seen)
	}
	citeTypes.Store(t, has)
	return has
}

// Trigger measures.
const ExcessAvailability = "excess_availability"

// trigger decodes a trigger group (springing covenant, springing cash
// dominion) at key of g; nil when absent.
func (d *decoder) trigger(g *node, key string, c ctx) *Trigger {
	n := g.kids[key]
	if n == nil {
		return nil
	}
	tc := c.in(n, key)
	if !d.group(n, tc, "measure", "share", "at_least", "for_days", "ends_after_days", "ends_after_unit", "event_of_default", "max_cures_per_year") {
		return nil
	}
	tr := &Trigger{Cite: tc.cite}
	if v := d.str(n, "measure", tc, true, ExcessAvailability); v != nil {
		tr.Measure = *v
	}
	tr.Share = d.rate(n, "share", tc, false)
	tr.AtLeast = d.amount(n, "at_least", tc, false)
	if tr.Share == nil && tr.AtLeast == nil {
		d.errf(n, "", "`share:` (of the line cap), `at_least:` or both", "trigger %s has no threshold", tc.path)
	}
	if tr.Share != nil && tr.Share.Known() && tr.Share.Value.Cmp(money.RateFromInt(1)) > 0 {
		d.errf(n.kids["share"], tr.Share.Value.Percent(), "a share of at most 100%", "%s above 100%%", tr.Share.Path)
	}
	if v := d.int(n, "for_days", tc, false, 1); v != nil {
		tr.ForDays = *v
	} else {
		tr.ForDays = Term[int]{Value: 1, Cite: tc.cite, Path: join(tc.path, "for_days")}
	}
	if v := d.int(n, "ends_after_days", tc, true, 1); v != nil {
		tr.EndsAfterDays = *v
	}
	if v := d.str(n, "ends_after_unit", tc, false, TriggerCalendarDays, TriggerBusinessDays); v != nil {
		tr.EndsAfterUnit = *v
	} else {
		tr.EndsAfterUnit = Term[string]{Value: TriggerCalendarDays, Cite: tc.cite, Path: join(tc.path, "ends_after_unit")}
	}
	if v := d.bool(n, "event_of_default", tc, false); v != nil && v.Known() {
		tr.EventOfDefault = v.Value
	}
	tr.MaxCuresPerYear = d.int(n, "max_cures_per_year", tc, false, 1)
	return tr
}

// cashDominion decodes `cash_dominion:`: `always: true` or `springing:`.
func (d *decoder) cashDominion(t *node, root ctx, terms *Terms) {
	n := t.kids["cash_dominion"]
	if n == nil {
		return
	}
	c := root.in(n, "cash_dominion")
	if !d.group(n, c, "always", "springing") {
		return
	}
	cd := &CashDominion{Cite: c.cite, Springing: d.trigger(n, "springing", c)}
	if v := d.bool(n, "always", c, false); v != nil && v.Known() {
		cd.Always = v.Value
	}
	if cd.Always == (cd.Springing != nil) {
		d.errf(n, "", "`always: true` or `springing:` (one of the two)", "cash_dominion must be always or springing")
	}
	terms.CashDominion = cd
}

// cashAccounts decodes `collections.accounts`: each account keyed by its
// number, with its kind and whether it is swept daily.
func (d *decoder) cashAccounts(g *node, c ctx, terms *Terms) {
	items, lc := d.list(g, "accounts", c)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "kind", "swept") {
			continue
		}
		if it.id == "" || !digitsOrLetters(it.id) {
			d.errf(it, it.id, "an account number: letters and digits (the BAI2 03 record's account number), quoted", "bad account number in %s", lc.path)
			continue
		}
		a := CashAccount{Number: it.id, Cite: ic.cite, Assumption: ic.assumption}
		if v := d.str(it, "kind", ic, true, AccountLockbox, AccountCollateral, AccountOperating); v != nil {
			a.Kind = *v
		}
		if v := d.bool(it, "swept", ic, false); v != nil {
			a.Swept = *v
		} else {
			a.Swept = Term[bool]{Cite: ic.cite, Path: join(ic.path, "swept"), Assumption: ic.assumption}
		}
		terms.Collections.Accounts = append(terms.Collections.Accounts, a)
	}
}

// typeCodes decodes `collections.type_codes`: each BAI2 type code (its
// id) with its kind; a deposit kind needs a credit code (100–399), a
// returned item or a fee a debit code (400–699).
func (d *decoder) typeCodes(g *node, c ctx, terms *Terms) {
	items, lc := d.list(g, "type_codes", c)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "kind") {
			continue
		}
		n := 0
		if len(it.id) == 3 {
			n, _ = strconv.Atoi(it.id)
		}
		if n < 100 || n > 699 {
			d.errf(it, it.id, "a three-digit BAI2 credit (100–399) or debit (400–699) type code, quoted", "bad type code in %s", lc.path)
			continue
		}
		kind := d.text(it, "kind")
		if !contains(CashKinds, kind) {
			d.errf(it, kind, "one of "+strings.Join(CashKinds, ", "), "bad kind for %s", ic.path)
			continue
		}
		if credit := n < 400; credit != CashCredit(kind) {
			want := "a debit kind (returned_item, fee) for a debit code (400–699)"
			if credit {
				want = "a deposit kind (lockbox_deposit, other_deposit, incoming_wire) for a credit code (100–399)"
			}
			d.errf(it, kind, want, "type code %s: kind %s does not match the code's direction", it.id, kind)
			continue
		}
		terms.Collections.TypeCodes = append(terms.Collections.TypeCodes, TypeCode{Code: it.id, Kind: kind, Cite: ic.cite, Assumption: ic.assumption})
	}
}

func digitsOrLetters(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

// minimumExcessAvailability decodes `minimum_excess_availability:` (label,
// share of the line cap, at_least: at least one of the two).
func (d *decoder) minimumExcessAvailability(t *node, root ctx, terms *Terms) {
	n := t.kids["minimum_excess_availability"]
	if n == nil {
		return
	}
	c := root.in(n, "minimum_excess_availability")
	if !d.group(n, c, "label", "share", "at_least") {
		return
	}
	a := &AvailabilityCovenant{Label: d.text(n, "label"), Cite: c.cite, Share: d.rate(n, "share", c, false), AtLeast: d.amount(n, "at_least", c, false)}
	if a.Share == nil && a.AtLeast == nil {
		d.errf(n, "", "`share:` (of the line cap), `at_least:` or both", "minimum_excess_availability has no threshold")
	}
	if a.Share != nil && a.Share.Known() && a.Share.Value.Cmp(money.RateFromInt(1)) > 0 {
		d.errf(n.kids["share"], a.Share.Value.Percent(), "a share of at most 100%", "%s above 100%%", a.Share.Path)
	}
	terms.MinimumExcessAvailability = a
}

// fieldExams decodes `field_exams:` (frequency_months: 1 to 120).
func (d *decoder) fieldExams(t *node, root ctx, terms *Terms) {
	n := t.kids["field_exams"]
	if n == nil {
		return
	}
	c := root.in(n, "field_exams")
	if !d.group(n, c, "frequency_months") {
		return
	}
	m := d.int(n, "frequency_months", c, true, 1)
	if m == nil {
		return
	}
	if m.Known() && m.Value > fieldexam.MaxMonths {
		d.errf(n.kids["frequency_months"], strconv.Itoa(m.Value), fmt.Sprintf("a whole number of months from 1 to %d", fieldexam.MaxMonths), "field exam frequency above %d months", fieldexam.MaxMonths)
	}
	terms.FieldExams = &FieldExams{FrequencyMonths: *m, Cite: c.cite}
}
