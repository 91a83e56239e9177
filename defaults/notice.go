package defaults

import (
	"fmt"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/calendar"
	"revolver/date"
)

// Notice is a notice given or to be given under the agreement.
type Notice struct {
	ID      string `json:"id"`
	From    string `json:"from"`    // party id, e.g. "lender"
	To      string `json:"to"`      // party id, e.g. "borrower"
	Subject string `json:"subject"` // e.g. event_of_default, casualty_overadvance, sale, records_move, casualty
	// Under is the clause the notice is given under, e.g. "§7.2".
	Under string `json:"under,omitempty"`
	// Default is the id of the event of default the notice concerns.
	Default string `json:"default,omitempty"`
	// Ref ties the notice to a recorded event (e.g. the sale or move it announces).
	Ref string `json:"ref,omitempty"`
	// Document is the id of the document the notice is given under, which
	// decides its addressees (Addressees); empty: NoticeDocument's choice.
	Document  string     `json:"document,omitempty"`
	Method    string     `json:"method"` // fax or courier (a method of the terms)
	Sent      time.Time  `json:"sent"`
	Confirmed *time.Time `json:"confirmed,omitempty"` // fax: confirmation of good transmission
	// CourierCopy: for a fax, when the copy was deposited with the courier.
	CourierCopy *time.Time `json:"courier_copy,omitempty"`
	// RecordedBy and RecordedAt: who recorded the notice and when (a notice
	// recorded after the known-at time is not known then).
	RecordedBy string    `json:"recorded_by,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// Effect is when a notice takes effect and by which rule.
type Effect struct {
	Notice    string    `json:"notice,omitempty"`
	Method    string    `json:"method"`
	Sent      time.Time `json:"sent"`
	Effective bool      `json:"effective"` // false: not (yet) effective
	// At is the instant the notice takes effect under the clause.
	At *time.Time `json:"at,omitempty"`
	// Date is the Business Day deadlines count from.
	Date date.Date `json:"date,omitempty"`
	// Rule says which rule was applied and how.
	Rule       string `json:"rule"`
	Assumption string `json:"assumption,omitempty"`
	// Pending says what is missing for a notice not yet effective.
	Pending string `json:"pending,omitempty"`
	// CopyBy: a method by which a copy must also be sent (courier for a fax).
	CopyBy string         `json:"copy_by,omitempty"`
	Cite   agreement.Cite `json:"cite"`
	// Document is the document the notice is given under and To the
	// parties it is addressed to under it (Addressees).
	Document string      `json:"document,omitempty"`
	To       []Addressee `json:"to,omitempty"`
}

// Addressee is a party a notice goes to, at its address for the notice's
// document.
type Addressee struct {
	Party   string   `json:"party"`
	Name    string   `json:"name"`
	Attn    string   `json:"attention,omitempty"`
	Address []string `json:"address,omitempty"`
	Fax     string   `json:"fax,omitempty"`
	// Copy: a copy-to party of the notice's addressee.
	Copy       bool           `json:"copy,omitempty"`
	Assumption string         `json:"assumption,omitempty"`
	Cite       agreement.Cite `json:"cite"`
}

// NoticeDocument is the document a notice is given under: the notice's own
// Document; else the document of the terms' obligation the notice performs
// or starts (done_by or trigger "notice:<subject>", e.g. a casualty
// overadvance notice under the Security Agreement ¶13(h)); else the
// agreement (a notice of an Event of Default under §7.2 of the Loan
// Agreement).
func NoticeDocument(t *agreement.Terms, n Notice) string {
	if n.Document != "" {
		return n.Document
	}
	ref := "notice:" + n.Subject
	for _, o := range t.Schedule.Obligations {
		if (o.DoneBy == ref || o.Trigger == ref) && o.Cite.Document != "" {
			return o.Cite.Document
		}
	}
	for _, d := range t.Documents {
		if d.Kind == "agreement" {
			return d.ID
		}
	}
	return ""
}

// Addressees is the one rule of whom a notice is addressed to: the party it
// is to and that party's copy-to parties, each only if it receives the
// notices of the notice's document (agreement.Party.Documents), at the
// address the terms give it. The document and the list, or an error when
// the document is not the facility's or the party receives no notices
// under it.
func Addressees(t *agreement.Terms, n Notice) (string, []Addressee, error) {
	doc := NoticeDocument(t, n)
	if t.Document(doc) == nil {
		var ids []string
		for _, d := range t.Documents {
			ids = append(ids, d.ID)
		}
		return doc, nil, fmt.Errorf("notice %s: document %q: expected a document of the facility (%s)", n.ID, doc, strings.Join(ids, ", "))
	}
	var out []Addressee
	add := func(p agreement.Party, isCopy bool) {
		out = append(out, Addressee{Party: p.ID, Name: p.Name, Attn: p.Attn, Address: p.Address, Fax: p.Fax, Copy: isCopy, Assumption: p.Assumption, Cite: p.Cite})
	}
	for _, p := range t.Parties {
		if p.ID == n.To && p.Receives(doc) {
			add(p, false)
		}
	}
	if len(out) == 0 {
		return doc, nil, fmt.Errorf("notice %s: party %q receives no notices under %s (a party's documents: say which)", n.ID, n.To, doc)
	}
	for _, p := range t.Parties {
		if p.CopyOf == n.To && p.Receives(doc) {
			add(p, true)
		}
	}
	return doc, out, nil
}

// Effective says when a notice sent by method at sent (with the fax
// confirmation, if any) takes effect under the notice methods of the terms.
// Times are read in loc (the facility's zone); dates are loc's calendar dates.
func Effective(methods []agreement.NoticeMethod, cal calendar.Calendar, loc *time.Location, n Notice) (Effect, error) {
	if loc == nil {
		loc = time.UTC
	}
	var m *agreement.NoticeMethod
	var names []string
	for i := range methods {
		names = append(names, methods[i].Method)
		if methods[i].Method == n.Method {
			m = &methods[i]
		}
	}
	if m == nil {
		if len(names) == 0 {
			return Effect{}, fmt.Errorf("notice %s: method %q: the terms define no notice methods", n.ID, n.Method)
		}
		return Effect{}, fmt.Errorf("notice %s: method %q: expected one of %s", n.ID, n.Method, strings.Join(names, ", "))
	}
	if n.Sent.IsZero() {
		return Effect{}, fmt.Errorf("notice %s: no sent time", n.ID)
	}
	sent := n.Sent.In(loc)
	e := Effect{Notice: n.ID, Method: n.Method, Sent: sent, CopyBy: m.CopyBy, Cite: m.Cite}
	clause := citeText(m.Cite)
	switch m.Effective {
	case "next_business_day":
		dep := date.FromTime(sent)
		eff := cal.BusinessDayAfter(dep)
		at := time.Date(eff.Year(), month(eff), day(eff), 0, 0, 0, 0, loc)
		e.Effective, e.At, e.Date = true, &at, eff
		e.Rule = fmt.Sprintf("%s: effective on the Business Day after deposit with the courier (%s); deposited %s", n.Method, clause, dayName(dep))
		if skipped := closedBetween(cal, dep, eff); skipped != "" {
			e.Rule += "; not Business Days: " + skipped
		}
		e.Rule += "; effective " + dayName(eff)
	case "on_confirmation", "on_receipt":
		what := "confirmation of good transmission"
		if m.Effective == "on_receipt" {
			what = "receipt"
		}
		if n.Confirmed == nil {
			e.Pending = "awaiting " + what
			e.Rule = fmt.Sprintf("%s: effective on %s (%s); none recorded, so not yet effective", n.Method, what, clause)
			return e, nil
		}
		conf := n.Confirmed.In(loc)
		if conf.Before(sent) {
			return Effect{}, fmt.Errorf("notice %s: confirmed %s before it was sent %s", n.ID, conf.Format(timeLayout), sent.Format(timeLayout))
		}
		cd := date.FromTime(conf)
		e.Effective, e.At = true, &conf
		e.Rule = fmt.Sprintf("%s: effective on %s (%s); confirmed %s %s", n.Method, what, clause, dayName(cd), conf.Format("15:04 MST"))
		if cal.IsBusinessDay(cd) {
			e.Date = cd
		} else {
			e.Date = cal.Next(cd)
			why, _ := cal.Closed(cd)
			e.Assumption = fmt.Sprintf("confirmed on %s (%s), not a Business Day; %s does not say when such a notice takes effect, so deadlines count from the next Business Day, %s",
				cd, why, clause, dayName(e.Date))
		}
	default:
		return Effect{}, fmt.Errorf("notice %s: method %q has an unknown effective rule %q", n.ID, n.Method, m.Effective)
	}
	return e, nil
}

const timeLayout = "2006-01-02 15:04 MST"

func month(d date.Date) time.Month { _, m, _ := d.Civil(); return m }
func day(d date.Date) int          { _, _, dd := d.Civil(); return dd }

// dayName is "Fri 2004-07-02".
func dayName(d date.Date) string { return d.Weekday().String()[:3] + " " + d.String() }

// closedBetween lists the non-business days strictly between a and b.
func closedBetween(cal calendar.Calendar, a, b date.Date) string {
	var out []string
	for d := a + 1; d < b; d++ {
		if why, closed := cal.Closed(d); closed {
			if why == d.Weekday().String() {
				out = append(out, dayName(d))
			} else {
				out = append(out, dayName(d)+" "+why)
			}
		}
	}
	return strings.Join(out, ", ")
}

func citeText(c agreement.Cite) string {
	s := c.Title
	if s == "" {
		s = c.Document
	}
	if c.Section != "" {
		s += " " + c.Section
	}
	return s
}

// ParseTime reads a time as RFC 3339 ("2004-07-02T16:30:00-04:00") or as
// "YYYY-MM-DD HH:MM" (or "YYYY-MM-DDTHH:MM") in loc, the facility's zone.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: expected RFC 3339 (2004-07-02T16:30:00-04:00) or YYYY-MM-DD HH:MM in %s", s, loc)
}
