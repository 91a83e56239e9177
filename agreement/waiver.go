package agreement

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"revolver/date"
	"revolver/money"
)

// Kinds of documents that change the terms (Amendment.Kind).
const (
	KindAmendment   = "amendment"
	KindRestatement = "restatement"
	KindWaiver      = "waiver"
)

// WaiverLetter is a waiver letter of the facility (format waiver/1): from
// its effective date it waives named covenant tests (a covenant and the end
// of a test period) or named events of default, on its conditions, for its
// fee, and it may change terms as an amendment does (Changes).
type WaiverLetter struct {
	ID        string
	Document  string // document id
	Effective date.Date
	Order     int
	File      string
	Waives    []Waiver
	// Conditions are the letter's conditions as written: recorded and
	// shown with every waiver of the letter, not evaluated.
	Conditions []string
	// Fee is the waiver fee, a fee of the terms from the effective date.
	Fee *Fee
	// Amendment holds the letter's changes to the terms, nil when none.
	Amendment *Amendment
	Pos       Pos
}

// Waiver waives one covenant test (Covenant and Period, the end of the
// tested period) or one event of default (EventOfDefault; Occurred when it
// names one occurrence, else every occurrence on or before Effective) from
// Effective. A waived test still fails with its figures; the event of
// default it gave rise to is waived, not continuing, from Effective (or
// from its occurrence, when that is later).
type Waiver struct {
	Letter         string    `json:"letter"`   // the waiver letter's id
	Document       string    `json:"document"` // the letter's document id
	Effective      date.Date `json:"effective"`
	Covenant       string    `json:"covenant,omitempty"`
	Period         date.Date `json:"period,omitempty"`
	EventOfDefault string    `json:"event_of_default,omitempty"`
	Occurred       date.Date `json:"occurred,omitempty"`
	Conditions     []string  `json:"conditions,omitempty"`
	Cite           Cite      `json:"cite"`
	Pos            Pos       `json:"-"`
}

// Text is the waiver as shown: "waived by Waiver Letter §1 (waiver-2005-06,
// effective 2005-06-15)".
func (w Waiver) Text() string {
	s := "waived by "
	if w.Cite.Title != "" {
		s += w.Cite.Title
	} else {
		s += w.Cite.Document
	}
	if w.Cite.Section != "" {
		s += " " + w.Cite.Section
	}
	s += " (" + w.Cite.Document + ", effective " + w.Effective.String() + ")"
	if len(w.Conditions) > 0 {
		s += "; conditions: " + strings.Join(w.Conditions, "; ")
	}
	return s
}

// Waives reports whether the waiver names the covenant test.
func (w Waiver) Waives(covenant string, period date.Date) bool {
	return w.Covenant != "" && w.Covenant == covenant && w.Period == period
}

// WaivesEvent reports whether the waiver names the event of default
// occurring on occurred.
func (w Waiver) WaivesEvent(event string, occurred date.Date) bool {
	if w.EventOfDefault == "" || w.EventOfDefault != event {
		return false
	}
	if w.Occurred != 0 {
		return w.Occurred == occurred
	}
	return occurred <= w.Effective
}

// AllWaivers lists every waiver of every letter, whatever its effective
// date, in effective order, each with its letter's title in its citation.
func (f *Facility) AllWaivers() []Waiver {
	var out []Waiver
	for _, l := range f.Waivers {
		for _, w := range l.Waives {
			w.Cite.Title = f.title(w.Cite.Document)
			out = append(out, w)
		}
	}
	return out
}

// waiversAsOf lists the waivers of the letters effective on or before d.
func (f *Facility) waiversAsOf(d date.Date) ([]Waiver, []Fee) {
	var ws []Waiver
	var fees []Fee
	for _, l := range f.Waivers {
		if l.Effective > d {
			continue
		}
		// Copies: the terms' citations are filled in place (fillTitles),
		// and the letters are shared by every decode.
		for _, w := range l.Waives {
			w.Conditions = slices.Clone(w.Conditions)
			ws = append(ws, w)
		}
		if l.Fee != nil {
			fees = append(fees, l.Fee.clone())
		}
	}
	return ws, fees
}

// waiverFlats lists the waivers and waiver fees of the letters effective
// on or before d as terms: waivers.<letter>.<n> (what it waives),
// waivers.<letter>.conditions, fees.<letter>-fee.amount and .due.
func (f *Facility) waiverFlats(d date.Date) []Flat {
	var out []Flat
	for _, l := range f.Waivers {
		if l.Effective > d {
			continue
		}
		for i, w := range l.Waives {
			v := w.Covenant + " " + w.Period.String()
			if w.EventOfDefault != "" {
				v = "event_of_default " + w.EventOfDefault
				if w.Occurred != 0 {
					v += " occurred " + w.Occurred.String()
				}
			}
			c := w.Cite
			c.Amendment = l.ID
			out = append(out, Flat{Path: "waivers." + l.ID + "." + strconv.Itoa(i+1), Value: v, Cite: c, Amendment: l.ID})
		}
		if len(l.Conditions) > 0 {
			out = append(out, Flat{Path: "waivers." + l.ID + ".conditions", Value: strings.Join(l.Conditions, "; "), Cite: Cite{Document: l.Document, Amendment: l.ID}, Amendment: l.ID})
		}
		if fee := l.Fee; fee != nil {
			out = append(out, Flat{Path: "fees." + fee.ID + ".amount", Value: fee.Amount.Value.String(), Cite: fee.Cite, Amendment: l.ID})
			if fee.Due != nil {
				out = append(out, Flat{Path: "fees." + fee.ID + ".due", Value: fee.Due.Value.String(), Cite: fee.Cite, Amendment: l.ID})
			}
		}
	}
	return out
}

var waiverKeys = []string{"revolver", "facility", "id", "document", "effective", "order", "waives", "conditions", "fee", "changes"}

func (f *Facility) parseWaiver(file string, top *yaml.Node, errs *Errors) *WaiverLetter {
	checkKeys(file, top, waiverKeys, "waiver file", errs)
	m := mapOf(top)
	l := &WaiverLetter{File: file, ID: f.reqString(file, top, m, "id", errs), Pos: Pos{file, top.Line, top.Column}}
	l.Document, l.Effective, l.Order = f.parseHeader(file, top, m, KindWaiver, errs)
	l.Conditions = textList(file, m["conditions"], "conditions", errs)
	ws := m["waives"]
	if ws == nil || ws.Kind != yaml.SequenceNode || len(ws.Content) == 0 {
		at := Pos{file, top.Line, top.Column}
		if ws != nil {
			at = Pos{file, ws.Line, ws.Column}
		}
		errs.add(at, "", "`waives:` a list of {covenant, period, cite} or {event_of_default, cite}", "the waiver waives nothing")
	} else {
		for _, y := range ws.Content {
			if w, ok := parseWaived(file, y, errs); ok {
				w.Letter, w.Document, w.Effective = l.ID, l.Document, l.Effective
				w.Conditions = append(append([]string(nil), l.Conditions...), w.Conditions...)
				l.Waives = append(l.Waives, w)
			}
		}
	}
	if n := m["fee"]; n != nil {
		l.Fee = parseWaiverFee(file, l.ID, n, errs)
	}
	if ch := m["changes"]; ch != nil {
		a := &Amendment{File: file, ID: l.ID, Document: l.Document, Effective: l.Effective, Order: l.Order, Kind: KindWaiver}
		a.Changes = f.parseChanges(file, a.ID, ch, errs)
		l.Amendment = a
	}
	return l
}

// parseHeader reads the document, effective date and order of an
// amendment, restatement or waiver file.
func (f *Facility) parseHeader(file string, top *yaml.Node, m map[string]*yaml.Node, kind string, errs *Errors) (doc string, eff date.Date, order int) {
	if n := m["document"]; n != nil {
		if n.Kind == yaml.ScalarNode {
			doc = n.Value
		} else if d, ok := f.parseDocument(file, n, errs); ok {
			if d.Kind == "" {
				d.Kind = kind
			}
			f.Documents = append(f.Documents, d)
			doc = d.ID
		}
	} else {
		errs.add(Pos{file, top.Line, top.Column}, "", "`document:` (an id or a document)", "the "+kind+" names no document")
	}
	if n := m["effective"]; n != nil {
		v, err := date.Parse(n.Value)
		if err != nil {
			errs.add(Pos{file, n.Line, n.Column}, n.Value, "a date YYYY-MM-DD", "bad effective date")
		}
		eff = v
	} else {
		errs.add(Pos{file, top.Line, top.Column}, "", "`effective: YYYY-MM-DD`", "the "+kind+" has no effective date")
	}
	if n := m["order"]; n != nil {
		v, err := strconv.Atoi(n.Value)
		if err != nil {
			errs.add(Pos{file, n.Line, n.Column}, n.Value, "a whole number", "bad order")
		}
		order = v
	}
	return doc, eff, order
}

func textList(file string, n *yaml.Node, what string, errs *Errors) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if s := strings.TrimSpace(n.Value); s != "" {
			return []string{s}
		}
		errs.add(Pos{file, n.Line, n.Column}, "", "a text or a list of texts", "empty "+what)
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		errs.add(Pos{file, n.Line, n.Column}, "", "a text or a list of texts", "bad "+what)
		return nil
	}
	var out []string
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || strings.TrimSpace(c.Value) == "" {
			errs.add(Pos{file, c.Line, c.Column}, c.Value, "a text", "bad item of "+what)
			continue
		}
		out = append(out, strings.TrimSpace(c.Value))
	}
	return out
}

func parseWaived(file string, y *yaml.Node, errs *Errors) (Waiver, bool) {
	pos := Pos{file, y.Line, y.Column}
	if y.Kind != yaml.MappingNode {
		errs.add(pos, y.Value, "{covenant, period, cite} or {event_of_default, cite}", "bad waiver item")
		return Waiver{}, false
	}
	checkKeys(file, y, []string{"covenant", "period", "event_of_default", "occurred", "cite", "conditions"}, "waiver item", errs)
	m := mapOf(y)
	w := Waiver{Pos: pos}
	ok := true
	scalar := func(key string) (*yaml.Node, string) {
		n := m[key]
		if n == nil {
			return nil, ""
		}
		if n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
			errs.add(Pos{file, n.Line, n.Column}, n.Value, "a plain value", "bad "+key)
			ok = false
			return n, ""
		}
		return n, strings.TrimSpace(n.Value)
	}
	dateOf := func(key string) date.Date {
		n, s := scalar(key)
		if n == nil || s == "" {
			return 0
		}
		d, err := date.Parse(s)
		if err != nil {
			errs.add(Pos{file, n.Line, n.Column}, s, "a date YYYY-MM-DD", "bad "+key)
			ok = false
		}
		return d
	}
	_, w.Covenant = scalar("covenant")
	_, w.EventOfDefault = scalar("event_of_default")
	w.Period = dateOf("period")
	w.Occurred = dateOf("occurred")
	switch {
	case w.Covenant != "" && w.EventOfDefault != "":
		errs.add(pos, "", "either `covenant:` with `period:` or `event_of_default:`", "a waiver item names both a covenant and an event of default")
		ok = false
	case w.Covenant != "":
		if m["period"] == nil {
			errs.add(pos, "", "`period:` the end of the test period waived (YYYY-MM-DD)", "a covenant waiver names no period")
			ok = false
		}
		if n := m["occurred"]; n != nil {
			errs.add(Pos{file, n.Line, n.Column}, n.Value, "`occurred:` only with `event_of_default:`", "a covenant waiver has a period, not an occurrence")
			ok = false
		}
	case w.EventOfDefault != "":
		if n := m["period"]; n != nil {
			errs.add(Pos{file, n.Line, n.Column}, n.Value, "`period:` only with `covenant:`", "an event-of-default waiver has no period (use `occurred:`)")
			ok = false
		}
	default:
		if m["covenant"] == nil && m["event_of_default"] == nil {
			errs.add(pos, "", "`covenant:` with `period:`, or `event_of_default:`", "a waiver item names nothing waived")
		}
		ok = false
	}
	if n := m["cite"]; n != nil {
		c, err := parseCite(n)
		if err != nil {
			errs.add(Pos{file, n.Line, n.Column}, n.Value, `"document-id §section"`, err.Error())
			ok = false
		}
		w.Cite = c
	} else {
		errs.add(pos, "", "`cite:` the clause of the letter that waives it", "waiver item without a citation")
		ok = false
	}
	w.Conditions = textList(file, m["conditions"], "conditions", errs)
	return w, ok
}

func parseWaiverFee(file, letter string, n *yaml.Node, errs *Errors) *Fee {
	pos := Pos{file, n.Line, n.Column}
	if n.Kind != yaml.MappingNode {
		errs.add(pos, n.Value, "{amount, due, label, cite}", "bad waiver fee")
		return nil
	}
	checkKeys(file, n, []string{"amount", "due", "label", "cite"}, "waiver fee", errs)
	m := mapOf(n)
	fee := &Fee{ID: letter + "-fee", Label: "Waiver fee (" + letter + ")"}
	if a := m["amount"]; a == nil {
		errs.add(pos, "", "`amount:` e.g. 25000.00", "a waiver fee without an amount")
	} else if v, err := money.ParseAmount(a.Value); err != nil || v < 0 || a.Kind != yaml.ScalarNode {
		errs.add(Pos{file, a.Line, a.Column}, a.Value, "a non-negative amount with at most two decimals, e.g. 25000.00", "bad amount for the waiver fee")
	} else {
		fee.Amount = Term[money.Amount]{Value: v, Path: "fees." + fee.ID + ".amount", Pos: Pos{file, a.Line, a.Column}}
	}
	if dn := m["due"]; dn != nil {
		v, err := date.Parse(dn.Value)
		if err != nil {
			errs.add(Pos{file, dn.Line, dn.Column}, dn.Value, "a date YYYY-MM-DD", "bad due date for the waiver fee")
		}
		fee.Due = &Term[date.Date]{Value: v, Path: "fees." + fee.ID + ".due", Pos: Pos{file, dn.Line, dn.Column}}
	}
	if l := m["label"]; l != nil && strings.TrimSpace(l.Value) != "" {
		fee.Label = strings.TrimSpace(l.Value)
	}
	if c := m["cite"]; c != nil {
		cite, err := parseCite(c)
		if err != nil {
			errs.add(Pos{file, c.Line, c.Column}, c.Value, `"document-id §section"`, err.Error())
		}
		cite.Amendment = letter
		fee.Cite = cite
	} else {
		errs.add(pos, "", "`cite:` the clause of the letter that sets the fee", "waiver fee without a citation")
	}
	fee.Amount.Cite = fee.Cite
	if fee.Due != nil {
		fee.Due.Cite = fee.Cite
	}
	return fee
}

var restatementKeys = []string{"revolver", "facility", "id", "document", "effective", "order", "terms"}

// parseRestatement reads a restatement (format restatement/1): its terms
// replace the whole terms from its effective date.
func (f *Facility) parseRestatement(file string, top *yaml.Node, errs *Errors) *Amendment {
	checkKeys(file, top, restatementKeys, "restatement file", errs)
	m := mapOf(top)
	a := &Amendment{File: file, ID: f.reqString(file, top, m, "id", errs), Kind: KindRestatement, Pos: Pos{file, top.Line, top.Column}}
	a.Document, a.Effective, a.Order = f.parseHeader(file, top, m, KindRestatement, errs)
	t := m["terms"]
	if t == nil || t.Kind != yaml.MappingNode {
		errs.add(Pos{file, top.Line, top.Column}, "", "`terms:` the whole terms as restated", "the restatement has no terms")
		return a
	}
	a.restate = fromYAML(file, t, errs)
	if a.restate.cite == nil && a.Document != "" {
		a.restate.cite = &Cite{Document: a.Document}
	}
	return a
}

// lintWaivers checks each waiver against the terms: the covenant it names
// is a covenant of the terms on the period end and tested then, the event
// of default one of the terms on the effective date; the letter's
// document and citations are declared; its fee is not a fee of the terms.
func (f *Facility) lintWaivers() Errors {
	var errs Errors
	terms := map[date.Date]*Terms{}
	at := func(d date.Date) *Terms {
		if t, ok := terms[d]; ok {
			return t
		}
		var scratch Errors
		tree, _ := f.treeAsOf(d, &scratch)
		t := f.decode(tree, d, &scratch)
		terms[d] = t
		return t
	}
	for _, l := range f.Waivers {
		if l.Document != "" && !f.hasDoc(l.Document) {
			errs.add(l.Pos, l.Document, "a document declared in the agreement or the waiver", "waiver "+l.ID+" names an unknown document")
		}
		if l.Effective != 0 && l.Effective < f.Agreement.Date {
			errs.add(l.Pos, l.Effective.String(), "on or after the agreement's date "+f.Agreement.Date.String(), "waiver "+l.ID+" takes effect before the agreement")
		}
		if l.Fee != nil {
			if !l.Fee.Cite.IsZero() && !f.hasDoc(l.Fee.Cite.Document) {
				errs.add(l.Fee.Amount.Pos, l.Fee.Cite.Document, "a declared document id ("+strings.Join(f.docIDs(), ", ")+")", "citation to an unknown document")
			}
			if l.Effective != 0 {
				n := 0 // the letter's own fee is among the terms' fees from its date
				for _, fee := range at(l.Effective).Fees {
					if fee.ID == l.Fee.ID {
						n++
					}
				}
				if n > 1 {
					errs.add(l.Fee.Amount.Pos, l.Fee.ID, "a fee id not used by the terms", "the waiver fee's id is a fee of the terms")
				}
			}
		}
		for _, w := range l.Waives {
			if w.Cite.Document != "" && !f.hasDoc(w.Cite.Document) {
				errs.add(w.Pos, w.Cite.Document, "a declared document id ("+strings.Join(f.docIDs(), ", ")+")", "citation to an unknown document")
			}
			switch {
			case w.Covenant != "":
				if w.Period < f.Agreement.Date {
					errs.add(w.Pos, w.Period.String(), "a test period ending on or after the agreement's date "+f.Agreement.Date.String(), "waiver of a test period that does not exist")
					continue
				}
				t := at(w.Period)
				var cov *Covenant
				ids := make([]string, len(t.Covenants))
				for i := range t.Covenants {
					ids[i] = t.Covenants[i].ID
					if t.Covenants[i].ID == w.Covenant {
						cov = &t.Covenants[i]
					}
				}
				if cov == nil {
					errs.add(w.Pos, w.Covenant, "a covenant of the terms on "+w.Period.String()+" ("+strings.Join(ids, ", ")+")", "waiver of a covenant test that does not exist")
					continue
				}
				if ft := cov.FirstTest; ft != nil && ft.Known() && w.Period < ft.Value {
					errs.add(w.Pos, w.Period.String(), "a period ending on or after "+w.Covenant+"'s first test "+ft.Value.String(), "waiver of a test period that does not exist")
				}
			case w.EventOfDefault != "":
				if w.Occurred != 0 && w.Occurred > l.Effective {
					errs.add(w.Pos, w.Occurred.String(), "an occurrence on or before the waiver's effective date "+l.Effective.String(), "waiver of an event of default that has not occurred by its effective date")
				}
				t := at(l.Effective)
				found := false
				ids := make([]string, len(t.EventsOfDefault))
				for i, ev := range t.EventsOfDefault {
					ids[i] = ev.ID
					found = found || ev.ID == w.EventOfDefault
				}
				if !found {
					errs.add(w.Pos, w.EventOfDefault, "an event of default of the terms on "+l.Effective.String()+" ("+strings.Join(ids, ", ")+")", "waiver of an event of default that does not exist")
				}
			}
		}
	}
	return errs
}

// lintRestatements reports changes that a restatement of the same date
// replaces (made before it in order), and two restatements on one date.
func (f *Facility) lintRestatements() Errors {
	var errs Errors
	byDate := map[date.Date][]*Amendment{}
	for _, a := range f.Amendments {
		byDate[a.Effective] = append(byDate[a.Effective], a)
	}
	ds := make([]date.Date, 0, len(byDate))
	for d := range byDate {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	for _, d := range ds {
		as := byDate[d]
		last := -1
		for i, a := range as {
			if a.Kind != KindRestatement {
				continue
			}
			if last >= 0 {
				errs.add(a.Pos, a.ID, "one restatement per date", "two restatements on "+d.String()+": also "+as[last].ID+" at "+as[last].Pos.String())
			}
			last = i
		}
		for i := 0; i < last; i++ {
			for _, c := range as[i].Changes {
				errs.add(c.Pos, c.Path, "a change ordered after the restatement (a higher `order:`) or on a later date",
					"change replaced by restatement "+as[last].ID+" of the same date")
			}
		}
	}
	return errs
}

// clone copies the fee with its own terms, so that filling one copy's
// citations touches no other.
func (f Fee) clone() Fee {
	f.Due = clonePtr(f.Due)
	f.Rate = clonePtr(f.Rate)
	f.Basis = clonePtr(f.Basis)
	f.Billing = clonePtr(f.Billing)
	f.Unused = clonePtr(f.Unused)
	f.Steps = slices.Clone(f.Steps)
	for i := range f.Steps {
		f.Steps[i].UsageBelow = clonePtr(f.Steps[i].UsageBelow)
	}
	return f
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
