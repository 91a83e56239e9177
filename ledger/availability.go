package ledger

import (
	"encoding/json"
	"fmt"
	"strings"

	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// How letters of credit count (the terms' borrowing_base.letters_of_credit).
const (
	// LCFromBorrowingBase: the face outstanding plus drawn and unreimbursed
	// is deducted from the borrowing base (First Amendment §1(b)).
	LCFromBorrowingBase = "deduct_from_borrowing_base"
	// LCFromAvailability: the same exposure is deducted from availability.
	LCFromAvailability = "deduct_from_availability"
	// LCNotCounted: letters of credit do not count against this facility.
	LCNotCounted = "none"
)

// The limit that binds availability.
const (
	BindsCommitment    = "commitment"
	BindsAdvanceCap    = "advance_cap"
	BindsBorrowingBase = "borrowing_base"
)

// Codes of the reasons advances are blocked.
const (
	ReasonDefault      = "default_continuing"
	ReasonTerminated   = "facility_terminated"
	ReasonUndetermined = "undetermined"
)

// Reason says why advances are blocked on a date: an event of default
// continues (and the terms block advances while one does), the date is
// after the Termination Date, or a term availability needs is unknown.
type Reason struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Cite is the clause the reason rests on, when the terms give one.
	Cite explain.Cite `json:"cite,omitzero"`
}

// Unknown is a term a figure or an action needs that is not known, and
// why.
type Unknown struct {
	Term string `json:"term"` // e.g. "commitment", "borrowing_base"
	// Path is the term's path in the agreement's terms, e.g.
	// "pricing.options.prime.margin" ("" when it has none).
	Path string       `json:"path,omitempty"`
	Why  string       `json:"why"`
	Cite explain.Cite `json:"cite,omitzero"`
}

// Message says which term is not known, by its path, and why: "the
// advance cap is not known (advance_cap): not in the documents held".
func (u Unknown) Message() string {
	name := strings.ReplaceAll(u.Term, "_", " ")
	if u.Path != "" {
		return fmt.Sprintf("the %s is not known (%s): %s", name, u.Path, u.Why)
	}
	return fmt.Sprintf("the %s is not known: %s", name, u.Why)
}

// Certificate is the borrowing base certificate in force: its id, as-of
// date and borrowing base (as computed and frozen on submission).
type Certificate struct {
	ID            int64        `json:"id"`
	AsOf          date.Date    `json:"as_of"`
	BorrowingBase money.Amount `json:"borrowing_base"`
	// LastOutBase is the certificate's last-out borrowing base (nil: it
	// has none).
	LastOutBase *money.Amount `json:"last_out_base,omitempty"`
}

// Limits are everything availability on one date is computed from, as
// known at one time: the terms in force on the date, the certificate in
// force, the letters of credit and the loans. The caller gathers them;
// ComputeAvailability applies the formula. Nothing here reads a clock.
type Limits struct {
	AsOf       date.Date     `json:"as_of"`
	Commitment money.Amount  `json:"commitment"`
	AdvanceCap *money.Amount `json:"advance_cap,omitempty"` // nil: the terms set none
	// TerminationDate: no advance after it (0: none given).
	TerminationDate date.Date `json:"termination_date"`
	// Certificate is the certificate in force; nil: none approved (as
	// known), which leaves the borrowing base undetermined.
	Certificate *Certificate `json:"certificate,omitempty"`
	// Exclusions reduce the certificate's borrowing base (e.g. a casualty
	// exclusion under Security Agreement ¶13(h)).
	Exclusions money.Amount `json:"exclusions"`
	// Reserves are the reserves deducted besides the certificate's (in
	// force on AsOf, as known).
	Reserves []Reserve `json:"reserves,omitempty"`
	// LCTreatment is one of LCFromBorrowingBase (the default when empty),
	// LCFromAvailability or LCNotCounted.
	LCTreatment string `json:"lc_treatment"`
	// LCOutstanding is the face of the letters of credit outstanding;
	// LCDrawn what is drawn under them and not reimbursed.
	LCOutstanding money.Amount `json:"lc_outstanding"`
	LCDrawn       money.Amount `json:"lc_drawn"`
	// Loans outstanding at the end of the date (with a last-out tranche,
	// the first-out loans).
	Loans money.Amount `json:"loans"`
	// LastOut is set when the terms have a last-out tranche.
	LastOut *LastOutLimits `json:"last_out,omitempty"`
	// Defaults are the events of default continuing on the date (ids);
	// BlocksOnDefault: the terms refuse advances while one continues.
	Defaults        []string `json:"defaults,omitempty"`
	BlocksOnDefault bool     `json:"blocks_on_default"`
	// Unknown lists the terms availability needs that are not known.
	Unknown []Unknown `json:"unknown,omitempty"`
	// LCTreatmentUnknown: how letters of credit count is not known; the
	// figure is undetermined only while letters of credit are outstanding
	// or drawn and not reimbursed.
	LCTreatmentUnknown *Unknown `json:"lc_treatment_unknown,omitempty"`
	// Cites are the clauses of the terms, by term: "commitment",
	// "advance_cap", "termination_date", "letters_of_credit",
	// "blocks_advances_on_default".
	Cites map[string]explain.Cite `json:"cites,omitempty"`
}

// Reserve is a reserve availability deducts besides the certificate's own:
// a lender's reserve in force on the date as known (Source "lender"), or a
// reserve of the terms placed at the line (Source "terms"). Placement
// "line" comes off min(commitment, advance cap, borrowing base);
// "borrowing_base" and "component" come off the certificate's borrowing
// base (docs/reserves.md).
type Reserve struct {
	ID        string       `json:"id"`
	Source    string       `json:"source"` // terms or lender
	Kind      string       `json:"kind"`
	Placement string       `json:"placement"`
	Component string       `json:"component,omitempty"`
	Amount    money.Amount `json:"amount"`
	// Why: the citation's text (terms) or the lender's reason.
	Why  string       `json:"why,omitempty"`
	Cite explain.Cite `json:"cite,omitzero"`
}

// OffBase reports whether the reserve comes off the borrowing base (not
// off availability under the line).
func (r Reserve) OffBase() bool { return r.Placement != "line" }

// LettersOfCredit are the letters of credit as availability counts them.
type LettersOfCredit struct {
	Treatment   string       `json:"treatment"`
	Outstanding money.Amount `json:"outstanding"`
	Drawn       money.Amount `json:"drawn"`
	// Exposure is outstanding plus drawn and unreimbursed: what the loans
	// and the letters of credit together may not take above the commitment
	// or the advance cap (0 when they are not counted).
	Exposure money.Amount `json:"exposure"`
	// FromBorrowingBase and FromAvailability: where the exposure is
	// deducted (one of them is the exposure, the other 0).
	FromBorrowingBase money.Amount `json:"from_borrowing_base"`
	FromAvailability  money.Amount `json:"from_availability"`
}

// Availability is the lesser of the Commitment, any advance cap and the
// Borrowing Base (the certificate in force less exclusions), less the
// letters of credit and the Loans outstanding (Loan Agreement §2.1, First
// Amendment §1(b)). Every term of the formula is kept. Available is
// negative when the loans exceed the limit (an overadvance). When a term is
// unknown the figure is undetermined (Determined false, Available 0 and
// null in JSON). Blocked lists why no advance may be made on the date,
// whatever the figure.
type Availability struct {
	AsOf            date.Date     `json:"as_of"`
	Commitment      money.Amount  `json:"commitment"`
	AdvanceCap      *money.Amount `json:"advance_cap,omitempty"`
	TerminationDate date.Date     `json:"termination_date,omitzero"`
	Certificate     *Certificate  `json:"certificate,omitempty"`
	Exclusions      money.Amount  `json:"exclusions"`
	// Reserves deducted besides the certificate's; BaseReserves is Σ of
	// those off the borrowing base, LineReserves Σ of those off
	// availability under the line.
	Reserves     []Reserve    `json:"reserves,omitempty"`
	BaseReserves money.Amount `json:"base_reserves"`
	LineReserves money.Amount `json:"line_reserves"`
	// CertificateBase is the certificate's borrowing base less the
	// exclusions and the reserves off the borrowing base: the borrowing
	// base the limit compares.
	CertificateBase money.Amount    `json:"certificate_base"`
	LettersOfCredit LettersOfCredit `json:"letters_of_credit"`
	// BorrowingBase is the borrowing base in force as the terms state it:
	// CertificateBase, less the letters of credit when they are deducted
	// from it.
	BorrowingBase money.Amount `json:"borrowing_base"`
	// Limit is min(commitment, advance cap, CertificateBase); Binding says
	// which of them it is.
	Limit            money.Amount `json:"limit"`
	Binding          string       `json:"binding"`
	LoansOutstanding money.Amount `json:"loans_outstanding"`
	// Available = Limit − letters of credit exposure − loans outstanding.
	Available  money.Amount `json:"available"`
	Determined bool         `json:"determined"`
	// Defaults continuing on the date (ids), blocking or not.
	Defaults []string                `json:"defaults_continuing,omitempty"`
	Blocked  []Reason                `json:"blocked,omitempty"`
	Cites    map[string]explain.Cite `json:"cites,omitempty"`
	// Tranches, with a last-out tranche: availability per tranche. The
	// figures above are then the facility's total: the limit is
	// min(commitment, advance cap, first-out + last-out borrowing base),
	// the loans those of both tranches.
	Tranches *Tranches `json:"tranches,omitempty"`
}

// MarshalJSON writes available as null when the figure is undetermined.
func (a Availability) MarshalJSON() ([]byte, error) {
	type plain Availability
	v := struct {
		plain
		Available *money.Amount `json:"available"`
	}{plain: plain(a)}
	if a.Determined {
		v.Available = &a.Available
	}
	return json.Marshal(v)
}

// Overadvance is the amount by which the loans exceed the limit, 0 if none
// (or if the figure is undetermined).
func (a Availability) Overadvance() money.Amount {
	if a.Determined && a.Available < 0 {
		return -a.Available
	}
	return 0
}

// ToAdvance is what an advance may take on the date: 0 when advances are
// blocked or the figure is undetermined or negative, else Available.
//
// With a last-out tranche it is the first-out tranche's (ToAdvanceIn).
func (a Availability) ToAdvance() money.Amount {
	if a.Tranches != nil {
		return a.ToAdvanceIn(TrancheFirstOut)
	}
	if !a.Determined || len(a.Blocked) > 0 || a.Available < 0 {
		return 0
	}
	return a.Available
}

// ComputeAvailability applies the formula to the limits of one date. It is
// the one computation of availability: funding, the API and every page use
// it.
func ComputeAvailability(l Limits) Availability {
	a := Availability{AsOf: l.AsOf, Commitment: l.Commitment, AdvanceCap: l.AdvanceCap, TerminationDate: l.TerminationDate,
		Certificate: l.Certificate, Exclusions: l.Exclusions, LoansOutstanding: l.Loans, Determined: true,
		Defaults: l.Defaults, Cites: l.Cites}
	treatment := l.LCTreatment
	if treatment == "" {
		treatment = LCFromBorrowingBase
	}
	lc := LettersOfCredit{Treatment: treatment, Outstanding: l.LCOutstanding, Drawn: l.LCDrawn}
	if treatment != LCNotCounted {
		// A back-dated reversal can leave a balance below zero on a day;
		// letters of credit never add to availability.
		lc.Exposure = max(0, l.LCOutstanding+l.LCDrawn)
	}
	switch treatment {
	case LCFromAvailability:
		lc.FromAvailability = lc.Exposure
	case LCNotCounted:
	default:
		lc.FromBorrowingBase = lc.Exposure
	}
	a.LettersOfCredit = lc
	a.Reserves = l.Reserves
	for _, r := range l.Reserves {
		if r.OffBase() {
			a.BaseReserves += r.Amount
		} else {
			a.LineReserves += r.Amount
		}
	}
	if l.Certificate != nil {
		a.CertificateBase = l.Certificate.BorrowingBase - l.Exclusions - a.BaseReserves
	}
	a.BorrowingBase = a.CertificateBase - lc.FromBorrowingBase
	a.Limit, a.Binding = a.CertificateBase, BindsBorrowingBase
	if l.LastOut != nil {
		// The total: both tranches' bases and loans.
		if l.Certificate != nil && l.Certificate.LastOutBase != nil {
			a.Limit += *l.Certificate.LastOutBase
		}
		a.LoansOutstanding += l.LastOut.Loans
	}
	if l.Commitment < a.Limit {
		a.Limit, a.Binding = l.Commitment, BindsCommitment
	}
	if l.AdvanceCap != nil && *l.AdvanceCap < a.Limit {
		a.Limit, a.Binding = *l.AdvanceCap, BindsAdvanceCap
	}
	// The letters of credit come off the limit whichever way the terms
	// deduct them: off the borrowing base, or off availability, loans and
	// letters of credit together never exceed the commitment or the cap.
	a.Available = a.Limit - a.LineReserves - lc.Exposure - a.LoansOutstanding
	if l.TerminationDate != 0 && l.AsOf > l.TerminationDate {
		a.Blocked = append(a.Blocked, Reason{Code: ReasonTerminated, Cite: l.Cites["termination_date"],
			Message: fmt.Sprintf("the facility terminated on %s", l.TerminationDate)})
	}
	if len(l.Defaults) > 0 && l.BlocksOnDefault {
		a.Blocked = append(a.Blocked, Reason{Code: ReasonDefault, Cite: l.Cites["blocks_advances_on_default"],
			Message: fmt.Sprintf("an event of default continues (%s) and the terms refuse advances while one does", strings.Join(l.Defaults, ", "))})
	}
	for _, u := range l.Unknown {
		a.Determined = false
		a.Blocked = append(a.Blocked, Reason{Code: ReasonUndetermined, Cite: u.Cite,
			Message: u.Message()})
	}
	// How letters of credit count matters only when there are some.
	if u := l.LCTreatmentUnknown; u != nil && l.LCOutstanding+l.LCDrawn != 0 {
		a.Determined = false
		a.Blocked = append(a.Blocked, Reason{Code: ReasonUndetermined, Cite: u.Cite, Message: u.Message()})
	}
	if l.Certificate == nil {
		a.Determined = false
		a.Blocked = append(a.Blocked, Reason{Code: ReasonUndetermined,
			Message: fmt.Sprintf("no borrowing base certificate as of %s or before is approved", l.AsOf)})
	}
	if !a.Determined {
		a.Available = 0
	}
	if l.LastOut != nil {
		tranches(&a, l)
	}
	return a
}

// Lowest is the availability of a path of dates (the value date first,
// then every later date already known) that is lowest: an advance on the
// first date reduces them all. It returns the first of the lowest.
func Lowest(path []Availability) Availability {
	var low Availability
	for i, a := range path {
		if i == 0 || a.Determined && (!low.Determined || a.Available < low.Available) {
			low = a
		}
	}
	return low
}

// CheckAdvance decides whether an advance of requested may be made on the
// first date of path (its value date); the later dates are those already
// known (later certificates, later postings, later terms), each of which
// the advance reduces too. It returns nil, or an *Error with code
// facility_terminated, default_continuing, undetermined (a term is not
// known) or availability_exceeded (carrying the numbers of the lowest date).
func CheckAdvance(path []Availability, requested money.Amount) error {
	return check("advance", path, requested)
}

// CheckLCIssue decides whether a letter of credit of face may be issued on
// the first date of path: its face reduces availability on that date and
// every later one as an advance would, so the same tests apply (with the
// same error codes).
func CheckLCIssue(path []Availability, face money.Amount) error {
	return check("letter of credit", path, face)
}

// Sublimit is the letter-of-credit sublimit in force on a date (nil: none
// stated) with its clause.
type Sublimit struct {
	AsOf  date.Date
	Limit *money.Amount
	Cite  explain.Cite
}

// CheckLCSublimit checks that letters of credit outstanding plus a new
// face stay within the sublimit on each date of path (availability on the
// value date and every later date known), under the sublimit in force on
// each (limits, by date, ascending; a date before the first has none).
func CheckLCSublimit(path []Availability, limits []Sublimit, face money.Amount) error {
	for _, a := range path {
		var l *Sublimit
		for i := range limits {
			if limits[i].AsOf <= a.AsOf {
				l = &limits[i]
			}
		}
		if l == nil || l.Limit == nil {
			continue
		}
		if out := a.LettersOfCredit.Outstanding + face; out > *l.Limit {
			return &Error{Code: CodeLCSublimitExceeded, Requested: face, ValueDate: path[0].AsOf,
				Message: fmt.Sprintf("letter of credit of %s on %s refused: letters of credit outstanding on %s would be %s, above the sublimit of %s (%s)",
					face.Grouped(), path[0].AsOf, a.AsOf, out.Grouped(), l.Limit.Grouped(), l.Cite)}
		}
	}
	return nil
}

func check(what string, path []Availability, requested money.Amount) error {
	return checkIn(what, path, requested, "")
}

// LowestIn is Lowest by a tranche's availability (AvailableIn).
func LowestIn(path []Availability, tranche string) Availability {
	var low Availability
	for i, a := range path {
		if i == 0 || a.Determined && (!low.Determined || a.AvailableIn(tranche) < low.AvailableIn(tranche)) {
			low = a
		}
	}
	return low
}

func checkIn(what string, path []Availability, requested money.Amount, tranche string) error {
	if requested <= 0 {
		return invalidf("%s of %s: amount must be positive", what, requested)
	}
	if len(path) == 0 {
		return invalidf("%s of %s: no date to check it on", what, requested)
	}
	first := path[0]
	for _, r := range first.Blocked {
		e := &Error{Code: r.Code, Reasons: first.Blocked, ValueDate: first.AsOf,
			Message: fmt.Sprintf("%s on %s refused: %s", what, first.AsOf, r.Message)}
		if r.Code == ReasonTerminated {
			e.TerminationDate = first.TerminationDate
		}
		return e
	}
	low := LowestIn(path, tranche)
	if !low.Determined {
		return &Error{Code: CodeUndetermined, Reasons: low.Blocked, ValueDate: first.AsOf,
			Message: fmt.Sprintf("%s on %s refused: availability on %s is undetermined: %s", what, first.AsOf, low.AsOf, reasonText(low.Blocked))}
	}
	if requested > low.AvailableIn(tranche) {
		on := ""
		if low.AsOf != first.AsOf {
			on = fmt.Sprintf(" on %s, a later date already known,", low.AsOf)
		}
		f := low.Formula()
		if low.Tranches != nil {
			f = low.TrancheFormula(tranche)
		}
		return &Error{Code: CodeAvailabilityExceeded, Availability: &low, Requested: requested, ValueDate: first.AsOf,
			Message: fmt.Sprintf("%s of %s on %s refused: availability%s is %s", what, requested.Grouped(), first.AsOf, on, f)}
	}
	return nil
}

func reasonText(rs []Reason) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.Message)
	}
	return strings.Join(s, "; ")
}

// Formula writes the figure with its terms, e.g. "500,000.00 =
// min(commitment 10,000,000.00, advance cap none, borrowing base
// 6,000,000.00) − letters of credit 0.00 − loans outstanding 5,500,000.00".
func (a Availability) Formula() string {
	capText := "none"
	if a.AdvanceCap != nil {
		capText = a.AdvanceCap.Grouped()
	}
	bb := a.CertificateBase.Grouped()
	if a.Exclusions != 0 {
		bb += " after exclusions of " + a.Exclusions.Grouped()
	}
	if a.Tranches != nil {
		bb = "first-out " + bb + " + last-out " + a.Tranches.LastOut.Base.Grouped()
	}
	if a.BaseReserves != 0 {
		bb += " after reserves of " + a.BaseReserves.Grouped()
	}
	line := ""
	if a.LineReserves != 0 {
		line = " − reserves under the line " + a.LineReserves.Grouped()
	}
	return fmt.Sprintf("%s = min(commitment %s, advance cap %s, borrowing base %s)%s − letters of credit %s − loans outstanding %s",
		a.Available.Grouped(), a.Commitment.Grouped(), capText, bb, line, a.LettersOfCredit.Exposure.Grouped(), a.LoansOutstanding.Grouped())
}

// Explain is the explanation of the availability figure: the limit as the
// least of its parts, less the letters of credit and the loans outstanding.
func (a Availability) Explain() *explain.Node {
	value := a.Available.String()
	if !a.Determined {
		value = "undetermined"
	}
	limit := &explain.Node{Key: "availability.limit", Label: "Limit", Value: a.Limit.String(),
		Formula: "min(commitment, advance cap, borrowing base); binding: " + a.Binding}
	limit.Add(&explain.Node{Key: "availability.commitment", Label: "Commitment", Value: a.Commitment.String(), Cites: cites(a.Cites["commitment"])})
	if a.AdvanceCap != nil {
		limit.Add(&explain.Node{Key: "availability.advance_cap", Label: "Advance cap", Value: a.AdvanceCap.String(), Cites: cites(a.Cites["advance_cap"])})
	}
	bb := &explain.Node{Key: "availability.borrowing_base", Label: "Borrowing base of the certificate in force", Value: a.CertificateBase.String(),
		Formula: "certificate's borrowing base − exclusions"}
	if a.Certificate != nil {
		bb.Add(&explain.Node{Key: "availability.certificate", Label: fmt.Sprintf("Certificate %d as of %s", a.Certificate.ID, a.Certificate.AsOf), Value: a.Certificate.BorrowingBase.String()})
	}
	if a.Exclusions != 0 {
		bb.Add(&explain.Node{Key: "availability.exclusions", Label: "Exclusions", Value: a.Exclusions.String()})
	}
	var lineNodes []*explain.Node
	for _, r := range a.Reserves {
		rn := &explain.Node{Key: "availability.reserves." + r.Source + "." + r.ID, Label: "Reserve " + r.ID + " (" + r.Source + ", " + r.Kind + ")",
			Value: r.Amount.String(), Formula: reserveFormula(r), Cites: cites(r.Cite)}
		if r.OffBase() {
			bb.Formula = "certificate's borrowing base − exclusions − reserves off the borrowing base"
			bb.Add(rn)
		} else {
			lineNodes = append(lineNodes, rn)
		}
	}
	limit.Add(bb)
	n := &explain.Node{Key: "availability", Label: "Availability", Value: value, Formula: "limit − letters of credit − loans outstanding"}
	if len(lineNodes) > 0 {
		n.Formula = "limit − reserves under the line − letters of credit − loans outstanding"
		ln := &explain.Node{Key: "availability.line_reserves", Label: "Reserves under the line", Value: a.LineReserves.String(), Formula: "Σ reserves placed at the line"}
		ln.Add(lineNodes...)
		defer n.Add(ln)
	}
	n.Add(limit, &explain.Node{Key: "availability.letters_of_credit", Label: "Letters of credit (" + a.LettersOfCredit.Treatment + ")",
		Value: a.LettersOfCredit.Exposure.String(), Formula: "outstanding + drawn and not reimbursed", Cites: cites(a.Cites["letters_of_credit"])})
	n.Add(&explain.Node{Key: "availability.loans", Label: "Loans outstanding", Value: a.LoansOutstanding.String()})
	if t := a.Tranches; t != nil {
		limit.Formula = "min(commitment, advance cap, first-out + last-out borrowing base); binding: " + a.Binding
		bb.Add(&explain.Node{Key: "availability.last_out_base", Label: "Last-out borrowing base of the certificate", Value: t.LastOut.Base.String(), Cites: cites(a.Cites["last_out"])})
		n.Formula += " (both tranches' loans)"
		for _, tr := range []Tranche{t.FirstOut, t.LastOut} {
			v := tr.Available.String()
			if !a.Determined {
				v = "undetermined"
			}
			label, f := "First-out tranche available", "min(min(commitment, advance cap, first-out borrowing base "+tr.Base.String()+") − letters of credit "+tr.LettersOfCredit.String()+" − first-out loans "+tr.Loans.String()+", total available)"
			if tr.Tranche == TrancheLastOut {
				label, f = "Last-out tranche available", "min(last-out borrowing base "+tr.Base.String()+" − last-out loans "+tr.Loans.String()+", total available); last-out loans are repaid after the first-out loans"
			}
			n.Add(&explain.Node{Key: "availability." + tr.Tranche, Label: label, Value: v, Formula: f, Cites: cites(a.Cites["last_out"])})
		}
	}
	for i, r := range a.Blocked {
		n.Add(&explain.Node{Key: fmt.Sprintf("availability.blocked.%d", i), Label: "Advances blocked: " + r.Code, Value: r.Message, Cites: cites(r.Cite)})
	}
	return n
}

func cites(c explain.Cite) []explain.Cite {
	if c.IsZero() {
		return nil
	}
	return []explain.Cite{c}
}

// Utilisation is the share of the commitment drawn: loans outstanding ÷
// commitment (false when the commitment is not positive).
func Utilisation(loans, commitment money.Amount) (money.Rate, bool) {
	if commitment <= 0 {
		return money.Rate{}, false
	}
	r, err := money.Div(loans, commitment)
	return r, err == nil
}

func reserveFormula(r Reserve) string {
	f := r.Kind + " " + r.Amount.String()
	switch r.Placement {
	case "line":
		f += ", off availability under the line"
	case "component":
		f += ", off component " + r.Component + "'s availability (and so off the borrowing base)"
	default:
		f += ", off the borrowing base"
	}
	if r.Why != "" {
		f += "; " + r.Why
	}
	return f
}
