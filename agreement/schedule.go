package agreement

import (
	"strings"

	"revolver/date"
)

// Schedule holds the terms that make things happen over time: the
// banking-day calendar, insurance, UCC filings, notice periods and other
// obligations with deadlines, remedies and the closing checklist (see
// docs/schedule-format.md). A facility whose files say nothing of them has an
// empty Schedule; the engines then fall back to the Federal Reserve calendar.
type Schedule struct {
	Calendar    *BusinessCalendar `json:"calendar,omitempty"`
	Insurance   *Insurance        `json:"insurance,omitempty"`
	Obligations []Obligation      `json:"obligations,omitempty"`
	Filings     []Filing          `json:"ucc_filings,omitempty"`
	Closing     []ClosingItem     `json:"closing_checklist,omitempty"`
	Remedies    []Remedy          `json:"remedies,omitempty"`
}

// BusinessCalendar is the facility's Business Day: which days count and how
// a date on another day moves.
type BusinessCalendar struct {
	// Holidays: "federal_reserve" (US Federal Reserve holidays) or "weekends_only".
	Holidays Term[string] `json:"holidays"`
	// Closures are further days the facility is closed.
	Closures Term[[]date.Date] `json:"closures"`
	// Convention moves a due date that falls on a non-business day:
	// following, modified_following, preceding, modified_preceding, unadjusted.
	Convention Term[string] `json:"convention"`
	// Zone is the IANA time zone of the facility's notices, e.g. America/New_York.
	Zone Term[string] `json:"zone"`
	Cite Cite         `json:"cite"`
}

// Insurance is the insurance the borrower must keep on the collateral
// (Security Agreement ¶13(b)).
type Insurance struct {
	Covers Term[[]string] `json:"covers"` // e.g. [inventory, other_tangible_collateral]
	Risks  Term[[]string] `json:"risks,omitempty"`
	// LossPayee names the party the policies must be payable to (a party id, e.g. "lender").
	LossPayee Term[string] `json:"loss_payee"`
	// LossPayable: when losses are payable to LossPayee: "always", or
	// "after_event_of_default" (for a loss after the occurrence and during
	// the continuation of an Event of Default, Security Agreement ¶13(b));
	// absent: always.
	LossPayable *Term[string] `json:"loss_payable,omitempty"`
	// CancellationNoticeDays: the policies may not be cancelled without at
	// least this many days' written notice to the bank.
	CancellationNoticeDays Term[int] `json:"cancellation_notice_days"`
	// BankMayBuyCover: without evidence of cover the bank may buy it and
	// charge the cost to ChargeTo ("loan_account").
	BankMayBuyCover Term[bool]   `json:"bank_may_buy_cover"`
	ChargeTo        Term[string] `json:"charge_to"`
	// RenewalNoticeDays: how many days before a policy expires revolver
	// lists its renewal as coming (a working choice, not a term of the documents).
	RenewalNoticeDays *Term[int] `json:"renewal_notice_days,omitempty"`
	Cite              Cite       `json:"cite"`
}

// When insurance losses are payable to the loss payee (Insurance.LossPayable).
const (
	LossPayableAlways       = "always"
	LossPayableAfterDefault = "after_event_of_default"
)

// Obligation timings.
const (
	// Before: the obligation must be done at least Days before the trigger
	// (prior written notice before an act).
	Before = "before"
	// After: the obligation must be done within Days after the trigger (or
	// after From).
	After = "after"
)

// Obligation is something a party must do by a deadline the terms set.
type Obligation struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Party string `json:"party"` // the party that must act: borrower or lender
	// Timing: "before" or "after".
	Timing string    `json:"timing"`
	Days   Term[int] `json:"days"`
	// Trigger is what the days count from (or back from): "event:KIND" (a
	// recorded event such as event:records_move) or "notice:SUBJECT" (the
	// effective time of a notice with that subject). Empty when From is set.
	Trigger string `json:"trigger,omitempty"`
	// From is a fixed date the days count from (e.g. a document's date).
	From *Term[date.Date] `json:"from,omitempty"`
	// DoneBy is what discharges the obligation: "notice:SUBJECT" or "event:KIND".
	DoneBy string `json:"done_by"`
	// Consequence says what follows if it is not done in time.
	Consequence string `json:"consequence,omitempty"`
	Cite        Cite   `json:"cite"`
}

// Filing is a UCC financing statement perfecting the security interest.
type Filing struct {
	ID           string          `json:"id"`
	Debtor       string          `json:"debtor"`
	SecuredParty string          `json:"secured_party"`
	Jurisdiction Term[string]    `json:"jurisdiction"`
	Number       Term[string]    `json:"number"`
	Filed        Term[date.Date] `json:"filed"`
	// LapseYears: the statement lapses this many years after filing (UCC §9-515(a): 5).
	LapseYears Term[int] `json:"lapse_years"`
	// ContinuationMonths: a continuation may be filed only within this many
	// months before lapse (UCC §9-515(d): 6).
	ContinuationMonths Term[int] `json:"continuation_months"`
	Cite               Cite      `json:"cite"`
}

// ClosingItem is one document of a closing checklist with when it was delivered.
type ClosingItem struct {
	ID       string          `json:"id"`
	Label    string          `json:"label"`
	Document string          `json:"document,omitempty"` // a document id of the facility, when it is one
	Party    string          `json:"party"`              // who delivers it
	Due      Term[date.Date] `json:"due"`
	// Delivered is when it was delivered; unknown says why that is not known.
	Delivered *Term[date.Date] `json:"delivered,omitempty"`
	Cite      Cite             `json:"cite"`
}

// Remedy conditions.
const (
	// CondEventOfDefault: an Event of Default has occurred and is continuing.
	CondEventOfDefault = "eod_continuing"
	// CondNotice: the bank has given the borrower notice of the Event of Default.
	CondNotice = "notice"
	// CondNotice72: the bank has given the notice provided by §7.2 of the Loan Agreement.
	CondNotice72 = "notice_7_2"
	// CondWrittenNotice: a written notice with the remedy's NoticeSubject has
	// been effective for at least NoticeDays.
	CondWrittenNotice = "written_notice"
	// CondInsuranceDeficient: the borrower has not evidenced the insurance the terms require.
	CondInsuranceDeficient = "insurance_deficient"
	// CondOverduePrefix + obligation id: that obligation is overdue.
	CondOverduePrefix = "overdue:"
)

// RemedyConditions lists the fixed condition names (besides overdue:ID).
var RemedyConditions = []string{CondEventOfDefault, CondNotice, CondNotice72, CondWrittenNotice, CondInsuranceDeficient}

// Remedy is a right of the bank and the conditions under which it may be exercised.
type Remedy struct {
	ID         string   `json:"id"`
	Label      string   `json:"label"`
	Conditions []string `json:"conditions"`
	// NoticeDays and NoticeSubject: for written_notice.
	NoticeDays    *Term[int] `json:"notice_days,omitempty"`
	NoticeSubject string     `json:"notice_subject,omitempty"`
	Cite          Cite       `json:"cite"`
}

// scheduleKeys are the top-level keys of the terms that schedule decodes.
var scheduleKeys = []string{"calendar", "insurance", "obligations", "ucc_filings", "closing_checklist", "remedies"}

var calendarHolidays = []string{"federal_reserve", "weekends_only"}

var conventions = []string{"following", "modified_following", "preceding", "modified_preceding", "unadjusted"}

// schedule decodes the Schedule terms.
func (d *decoder) schedule(t *node, root ctx, terms *Terms) {
	s := &terms.Schedule
	if g := t.kids["calendar"]; g != nil {
		c := root.in(g, "calendar")
		if d.group(g, c, "holidays", "closures", "convention", "zone") {
			bc := &BusinessCalendar{Cite: c.cite}
			if v := d.str(g, "holidays", c, true, calendarHolidays...); v != nil {
				bc.Holidays = *v
			}
			if v := d.dates(g, "closures", c); v != nil {
				bc.Closures = *v
			}
			if v := d.str(g, "convention", c, true, conventions...); v != nil {
				bc.Convention = *v
			}
			if v := d.str(g, "zone", c, true); v != nil {
				bc.Zone = *v
				if v.Known() && !validZoneName(v.Value) {
					d.errf(g.kids["zone"], v.Value, "an IANA time zone such as America/New_York", "bad zone for %s", v.Path)
				}
			}
			s.Calendar = bc
		}
	}
	if g := t.kids["insurance"]; g != nil {
		c := root.in(g, "insurance")
		if d.group(g, c, "covers", "risks", "loss_payee", "loss_payable", "cancellation_notice_days", "bank_may_buy_cover", "charge_to", "renewal_notice_days") {
			in := &Insurance{Cite: c.cite}
			if v := d.strs(g, "covers", c, true); v != nil {
				in.Covers = *v
			}
			if v := d.strs(g, "risks", c, false); v != nil {
				in.Risks = *v
			}
			if v := d.str(g, "loss_payee", c, true); v != nil {
				in.LossPayee = *v
			}
			in.LossPayable = d.str(g, "loss_payable", c, false, LossPayableAlways, LossPayableAfterDefault)
			if v := d.int(g, "cancellation_notice_days", c, true, 0); v != nil {
				in.CancellationNoticeDays = *v
			}
			if v := d.bool(g, "bank_may_buy_cover", c, false); v != nil {
				in.BankMayBuyCover = *v
			}
			if v := d.str(g, "charge_to", c, false, "loan_account", "deposit_accounts"); v != nil {
				in.ChargeTo = *v
			}
			in.RenewalNoticeDays = d.int(g, "renewal_notice_days", c, false, 0)
			s.Insurance = in
		}
	}
	items, lc := d.list(t, "obligations", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "label", "party", "timing", "days", "trigger", "from", "done_by", "consequence") {
			continue
		}
		o := Obligation{ID: it.id, Label: d.text(it, "label"), Party: d.text(it, "party"), Trigger: d.text(it, "trigger"),
			DoneBy: d.text(it, "done_by"), Consequence: d.text(it, "consequence"), Cite: ic.cite}
		if v := d.str(it, "timing", ic, true, Before, After); v != nil {
			o.Timing = v.Value
		}
		if v := d.int(it, "days", ic, true, 0); v != nil {
			o.Days = *v
		}
		o.From = d.date(it, "from", ic, false)
		if !contains([]string{"borrower", "lender"}, o.Party) {
			d.errf(it, o.Party, "borrower or lender", "bad party for obligation %s", it.id)
		}
		if o.Trigger != "" && !validRef(o.Trigger) {
			d.errf(it.kids["trigger"], o.Trigger, "event:KIND or notice:SUBJECT", "bad trigger for obligation %s", it.id)
		}
		if !validRef(o.DoneBy) {
			d.errf(it, o.DoneBy, "`done_by:` event:KIND or notice:SUBJECT", "bad done_by for obligation %s", it.id)
		}
		switch {
		case o.Trigger == "" && o.From == nil:
			d.errf(it, "", "`trigger:` or `from:`", "obligation %s counts from nothing", it.id)
		case o.Trigger != "" && o.From != nil:
			d.errf(it, o.Trigger, "either `trigger:` or `from:`", "obligation %s has both a trigger and a from date", it.id)
		case o.Timing == Before && o.From != nil:
			d.errf(it, "from", "`trigger:` (the act the notice must precede)", "obligation %s: timing before needs a trigger", it.id)
		}
		s.Obligations = append(s.Obligations, o)
	}
	items, lc = d.list(t, "ucc_filings", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "debtor", "secured_party", "jurisdiction", "number", "filed", "lapse_years", "continuation_months") {
			continue
		}
		f := Filing{ID: it.id, Debtor: d.text(it, "debtor"), SecuredParty: d.text(it, "secured_party"), Cite: ic.cite}
		if v := d.str(it, "jurisdiction", ic, true); v != nil {
			f.Jurisdiction = *v
		}
		if v := d.str(it, "number", ic, true); v != nil {
			f.Number = *v
		}
		if v := d.date(it, "filed", ic, true); v != nil {
			f.Filed = *v
		}
		if v := d.int(it, "lapse_years", ic, true, 1); v != nil {
			f.LapseYears = *v
		}
		if v := d.int(it, "continuation_months", ic, true, 1); v != nil {
			f.ContinuationMonths = *v
		}
		s.Filings = append(s.Filings, f)
	}
	items, lc = d.list(t, "closing_checklist", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "label", "document", "party", "due", "delivered") {
			continue
		}
		ci := ClosingItem{ID: it.id, Label: d.text(it, "label"), Document: d.text(it, "document"), Party: d.text(it, "party"), Cite: ic.cite}
		if ci.Document != "" && !d.f.hasDoc(ci.Document) {
			d.errf(it.kids["document"], ci.Document, "a declared document id ("+strings.Join(d.f.docIDs(), ", ")+")", "closing item %s names an unknown document", it.id)
		}
		if v := d.date(it, "due", ic, true); v != nil {
			ci.Due = *v
		}
		ci.Delivered = d.date(it, "delivered", ic, false)
		s.Closing = append(s.Closing, ci)
	}
	items, lc = d.list(t, "remedies", root)
	for _, it := range items {
		ic := lc.in(it, it.id)
		if !d.group(it, ic, "label", "conditions", "notice_days", "notice_subject") {
			continue
		}
		r := Remedy{ID: it.id, Label: d.text(it, "label"), Conditions: d.textList(it, "conditions"), NoticeSubject: d.text(it, "notice_subject"), Cite: ic.cite}
		r.NoticeDays = d.int(it, "notice_days", ic, false, 0)
		if len(r.Conditions) == 0 {
			d.errf(it, "", "`conditions:` a list such as [eod_continuing, notice_7_2]", "remedy %s has no conditions", it.id)
		}
		for _, cond := range r.Conditions {
			if !contains(RemedyConditions, cond) && !(strings.HasPrefix(cond, CondOverduePrefix) && len(cond) > len(CondOverduePrefix)) {
				d.errf(it.kids["conditions"], cond, "one of "+strings.Join(RemedyConditions, ", ")+" or overdue:OBLIGATION", "unknown condition of remedy %s", it.id)
			}
			if id, ok := strings.CutPrefix(cond, CondOverduePrefix); ok && id != "" && s.obligation(id) == nil {
				d.errf(it.kids["conditions"], cond, "overdue:ID of an obligation ("+obligationIDs(s)+")", "remedy %s names an unknown obligation", it.id)
			}
			if cond == CondWrittenNotice && (r.NoticeDays == nil || r.NoticeSubject == "") {
				d.errf(it, cond, "`notice_days:` and `notice_subject:`", "remedy %s: written_notice needs notice_days and notice_subject", it.id)
			}
		}
		s.Remedies = append(s.Remedies, r)
	}
}

func (s *Schedule) obligation(id string) *Obligation {
	for i := range s.Obligations {
		if s.Obligations[i].ID == id {
			return &s.Obligations[i]
		}
	}
	return nil
}

// Obligation returns the obligation with the id, or nil.
func (s *Schedule) Obligation(id string) *Obligation { return s.obligation(id) }

func obligationIDs(s *Schedule) string {
	ids := make([]string, len(s.Obligations))
	for i, o := range s.Obligations {
		ids[i] = o.ID
	}
	return strings.Join(ids, ", ")
}

// validRef checks "event:KIND" or "notice:SUBJECT".
func validRef(s string) bool {
	kind, name, ok := strings.Cut(s, ":")
	return ok && (kind == "event" || kind == "notice") && name != ""
}

// validZoneName checks the shape of an IANA zone name without loading it
// (loading is I/O; the command line loads the zone).
func validZoneName(s string) bool {
	if s == "UTC" {
		return true
	}
	if !strings.Contains(s, "/") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '_' || r == '-' || r == '+') {
			return false
		}
	}
	return true
}

// dates reads a list of dates.
func (d *decoder) dates(g *node, key string, c ctx) *Term[[]date.Date] {
	n, cc := d.leaf(g, key, c, false)
	if n == nil {
		return nil
	}
	t := meta[[]date.Date](n, cc)
	if t.Known() {
		if !n.isList {
			d.errf(n, n.scalar, "a list of dates such as [2004-06-11]", "%s must be a list", cc.path)
			return &t
		}
		for _, s := range n.scalars {
			v, err := date.Parse(s)
			if err != nil {
				d.errf(n, s, "a date YYYY-MM-DD", "bad date in %s", cc.path)
				continue
			}
			t.Value = append(t.Value, v)
		}
	}
	return &t
}
