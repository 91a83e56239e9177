// Package agreement owns the terms of a facility as data: the agreement and
// amendment documents (YAML, see docs/agreement-format.md), their validation
// and lint, and the terms in force on any date, each cited to its clause.
package agreement

import (
	"fmt"
	"strings"

	"revolver/date"
	"revolver/explain"
	"revolver/money"
	"slices"
)

// Cite is where a term comes from.
type Cite = explain.Cite

// Pos is a place in an agreement file.
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

func (p Pos) String() string {
	if p.File == "" {
		return "?"
	}
	return p.File + ":" + itoa(p.Line) + ":" + itoa(p.Column)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Term is one term of the agreement as of a date: its value (or why it is
// unknown), its citation, and where it was written.
type Term[T any] struct {
	Value      T      `json:"value"`
	Unknown    string `json:"unknown,omitempty"`    // non-empty: the value is not known, and why
	Assumption string `json:"assumption,omitempty"` // non-empty: an assumption, not the documents' text
	Cite       Cite   `json:"cite"`
	Path       string `json:"path"` // e.g. "borrowing_base.components.inventory.cap"
	Pos        Pos    `json:"-"`
}

// Known reports whether the term has a value.
func (t Term[T]) Known() bool { return t.Unknown == "" }

// Document is a document of the facility (agreement, amendment, note,
// security agreement, …).
type Document struct {
	ID    string    `json:"id"`    // e.g. "first-amendment"
	Title string    `json:"title"` // e.g. "First Amendment to Loan Agreement"
	Date  date.Date `json:"date"`
	Kind  string    `json:"kind"` // agreement, amendment, waiver, restatement, note, allonge, security_agreement, financing_statement, modification, other
	// InSeed is false for a document known only from what others say of it.
	Summary string `json:"summary,omitempty"`
	// Sections holds clause texts by section ("§1(b)" → text) where recorded,
	// so an explanation can show the clause itself.
	Sections map[string]string `json:"sections,omitempty"`
}

// Party is a party to the agreement with its notice address.
type Party struct {
	ID      string   `json:"id"`   // e.g. "lender", "borrower", "borrower_counsel"
	Role    string   `json:"role"` // lender, borrower, copy_to
	Name    string   `json:"name"`
	Attn    string   `json:"attention,omitempty"`
	Address []string `json:"address"`
	Phone   string   `json:"phone,omitempty"`
	Fax     string   `json:"fax,omitempty"`
	CopyOf  string   `json:"copy_of,omitempty"` // for a copy-to party: whose notices it copies
	// Documents are the ids of the documents whose notices the party
	// receives at this address (e.g. the Security Agreement ¶21 gives its own
	// addresses); empty: the notices under every document.
	Documents []string `json:"documents,omitempty"`
	// Assumption: the address is assumed for some of those documents, and why.
	Assumption string `json:"assumption,omitempty"`
	Cite       Cite   `json:"cite"`
}

// Receives reports whether the party receives notices under the document.
func (p Party) Receives(document string) bool {
	return len(p.Documents) == 0 || slices.Contains(p.Documents, document)
}

// Terms are the terms of a facility in force on AsOf.
type Terms struct {
	Facility string    `json:"facility"`
	Name     string    `json:"name"`
	AsOf     date.Date `json:"as_of"`
	// Since is the agreement's date: the terms are in force from it (a
	// date before it has the agreement's terms, for figures that ask, but
	// no fee accrues then).
	Since     date.Date  `json:"since"`
	Documents []Document `json:"documents"`
	// Amendments in effect on AsOf, oldest first.
	Amendments []AmendmentRef `json:"amendments"`

	Parties         []Party                 `json:"parties"`
	Currency        string                  `json:"currency"`
	Commitment      Term[money.Amount]      `json:"commitment"`
	AdvanceCap      *Term[money.Amount]     `json:"advance_cap,omitempty"` // nil: none
	TerminationDate Term[date.Date]         `json:"termination_date"`
	BorrowingBase   BorrowingBase           `json:"borrowing_base"`
	Receivables     []Criterion             `json:"receivables_eligibility"` // in order
	Inventory       []Criterion             `json:"inventory_eligibility"`   // in order
	Covenants       []Covenant              `json:"covenants"`
	EventsOfDefault []EventOfDefault        `json:"events_of_default"`
	Notices         []NoticeMethod          `json:"notice_methods"`
	Locations       []Location              `json:"locations"`
	Pricing         Pricing                 `json:"pricing"`
	Fees            []Fee                   `json:"fees"`
	Costs           []Cost                  `json:"costs,omitempty"`
	Reporting       []Reporting             `json:"reporting"`
	Collections     Collections             `json:"collections"`
	Overadvance     Overadvance             `json:"overadvance"`
	Advances        Advances                `json:"advances"`
	Settings        map[string]Term[string] `json:"settings,omitempty"`
	// CashDominion, when set, is when the lender applies collections
	// (nil: the terms say nothing of dominion).
	CashDominion *CashDominion `json:"cash_dominion,omitempty"`
	// MinimumExcessAvailability, when set, is a covenant tested every
	// Business Day: excess availability at least the greater of Share ×
	// the line cap and AtLeast.
	MinimumExcessAvailability *AvailabilityCovenant `json:"minimum_excess_availability,omitempty"`
	// LCSublimit caps letters of credit outstanding (nil: none stated).
	LCSublimit *Term[money.Amount] `json:"lc_sublimit,omitempty"`
	// FieldExams, when set, is how often the lender examines the
	// collateral and the books (nil: the terms are silent, the bank's
	// policy applies; docs/field-exams.md).
	FieldExams *FieldExams `json:"field_exams,omitempty"`
	Note       Note        `json:"revolving_credit_note"`
	Security   Security    `json:"security"`
	Schedule   Schedule    `json:"schedule"`
	// Waivers are the waivers of the waiver letters effective on or
	// before AsOf (a letter's fee is among Fees from then).
	Waivers []Waiver `json:"waivers,omitempty"`
}

// FieldExams is the agreement's term on field exams (collateral audits):
// one every FrequencyMonths months.
type FieldExams struct {
	FrequencyMonths Term[int] `json:"frequency_months"`
	Cite            Cite      `json:"cite"`
}

// Note is the promissory note evidencing the loans.
type Note struct {
	Principal Term[money.Amount] `json:"principal"`
	Maturity  Term[date.Date]    `json:"maturity"`
}

// Security is the grant of the security interest (Loan Agreement §3 as
// amended; Security Agreement ¶1, ¶2(a)).
type Security struct {
	Lien       Term[string]   `json:"lien"`       // e.g. "first"
	Collateral Term[[]string] `json:"collateral"` // classes granted
	Excluded   Term[[]string] `json:"excluded"`   // classes excluded
	Cite       Cite           `json:"cite"`
}

// AmendmentRef names an amendment applied to reach the terms.
type AmendmentRef struct {
	ID        string    `json:"id"`
	Document  string    `json:"document"`
	Effective date.Date `json:"effective"`
	Kind      string    `json:"kind,omitempty"` // amendment, restatement or waiver
}

// BorrowingBase is the definition of the Borrowing Base (Loan Agreement §2.1).
type BorrowingBase struct {
	Components []Component `json:"components"`
	// LettersOfCredit says how letters of credit count: "deduct_from_borrowing_base"
	// (face outstanding plus drawn unreimbursed, as in First Amendment §1(b)),
	// "deduct_from_availability", or "none".
	LettersOfCredit Term[string] `json:"letters_of_credit"`
	Reserves        []Reserve    `json:"reserves,omitempty"`
	// InventorySublimit, when set, is the share of the borrowing base that
	// inventory may support: the inventory availability counted is at most
	// the share × Σ the components' availability (nil: no sublimit).
	InventorySublimit *Term[money.Rate] `json:"inventory_sublimit,omitempty"`
	// LastOut, when set, is a last-out (FILO) tranche: loans advanced
	// against the advance-rate increments above the first-out rates,
	// repaid after the first-out loans (nil: none).
	LastOut *LastOut `json:"last_out,omitempty"`
	Cite    Cite     `json:"cite"`
}

// LastOut is a last-out (FILO) tranche of the borrowing base. Each
// component named in AdvanceRates is computed a second time at its
// first-out advance rate plus the increment; the last-out borrowing base
// is Σ of the differences (each component's availability at the combined
// rate less its availability at the first-out rate), at most Cap.
type LastOut struct {
	Label string `json:"label,omitempty"`
	// AdvanceRates are the increments over the first-out advance rates,
	// by component id, in the order written.
	AdvanceRates []LastOutRate `json:"advance_rates"`
	// Cap is the most the last-out tranche may lend (its commitment;
	// nil: none beyond the facility's).
	Cap *Term[money.Amount] `json:"cap,omitempty"`
	// Margin is added to the rate of the first-out loans (the first
	// pricing option, its floor and margin) for the last-out loans.
	Margin Term[money.Rate] `json:"margin"`
	Cite   Cite             `json:"cite"`
}

// LastOutRate is the last-out advance-rate increment of one component.
type LastOutRate struct {
	Component string           `json:"component"`
	Increment Term[money.Rate] `json:"increment"`
}

// Increment returns the last-out increment of a component, or nil.
func (l *LastOut) Increment(component string) *Term[money.Rate] {
	if l == nil {
		return nil
	}
	for i := range l.AdvanceRates {
		if l.AdvanceRates[i].Component == component {
			return &l.AdvanceRates[i].Increment
		}
	}
	return nil
}

// Collateral classes a component may advance against.
const (
	Receivables = "receivables"
	Inventory   = "inventory"
	FixedAssets = "fixed_assets"
)

// Component is one advance-rate component of the Borrowing Base.
type Component struct {
	ID          string              `json:"id"`
	Label       string              `json:"label"`
	Collateral  string              `json:"collateral"` // receivables, inventory, fixed_assets
	AdvanceRate Term[money.Rate]    `json:"advance_rate"`
	Cap         *Term[money.Amount] `json:"cap,omitempty"` // nil: no dollar cap
	Reserves    []Reserve           `json:"reserves,omitempty"`
	// Filter, when set, is a CEL expression over a row of the class (the
	// variables of a custom criterion, docs/agreement-format.md); true means
	// the component takes the eligible row. A row counts in the first
	// component of its class, in order, whose filter takes it; a component
	// without a filter takes every eligible row of its class still left.
	Filter    string `json:"filter,omitempty"`
	FilterPos Pos    `json:"-"`
	// NOLV, on an inventory component, limits its advance to a share of
	// the inventory's appraised net orderly liquidation value: the advance
	// is the lesser of AdvanceRate × eligible (at cost) and
	// NOLV.AdvanceRate × (NOLV.Rate × eligible).
	NOLV *NOLV `json:"nolv,omitempty"`
	Cite Cite  `json:"cite"`
}

// NOLV is an inventory appraisal's net orderly liquidation value, as a
// share of cost (Rate, from the most recent appraisal), and the share of it
// the lender advances (AdvanceRate).
type NOLV struct {
	Rate        Term[money.Rate] `json:"rate"`
	AdvanceRate Term[money.Rate] `json:"advance_rate"`
	Cite        Cite             `json:"cite"`
}

// Reserve is an amount deducted at one place of the waterfall
// (docs/reserves.md). Its Kind says how the amount is found:
//
//   - "" (written `amount`): a fixed Amount;
//   - "share": Rate × the component's eligible (Of "eligible") or its
//     availability before reserves (Of "availability"), rounded half away
//     from zero to the cent;
//   - "rent": Months × the monthly rent of every third-party location
//     (third_party_warehouse, leased) holding eligible inventory without a
//     landlord or bailee waiver dated on or before the as-of date;
//   - "dilution": (Dilution − Threshold) × the component's eligible when
//     the dilution is above the threshold, else nothing; without a Dilution
//     term the dilution measured from the journals is used
//     (borrowingbase.MeasuredDilution);
//   - "availability_block": a fixed Amount off availability under the line.
//
// Placement is where it is deducted: PlaceEligible (from a component's
// eligible before its advance rate), PlaceComponent (from a component's
// availability), PlaceBorrowingBase (from the whole borrowing base) or
// PlaceLine (from min(commitment, maximum advances, borrowing base)). ""
// keeps the meaning reserves had before placements: a component's reserve
// is PlaceComponent, the borrowing base's PlaceBorrowingBase.
type Reserve struct {
	ID        string             `json:"id"`
	Label     string             `json:"label"`
	Kind      string             `json:"kind,omitempty"`
	Placement string             `json:"placement,omitempty"`
	Amount    Term[money.Amount] `json:"amount"`
	// Dilution is the receivables' dilution as last measured (credits,
	// discounts and write-offs ÷ gross sales over the terms' period), and
	// Threshold the dilution the advance rate already allows for.
	Dilution  *Term[money.Rate] `json:"dilution,omitempty"`
	Threshold *Term[money.Rate] `json:"threshold,omitempty"`
	// Rate and Of: a share reserve's rate and its base ("eligible" or
	// "availability"); Component, for a share reserve of the borrowing
	// base, the component whose figure it is a share of.
	Rate      *Term[money.Rate] `json:"rate,omitempty"`
	Of        string            `json:"of,omitempty"`
	Component string            `json:"component,omitempty"`
	// Months: a rent reserve's months of rent.
	Months *Term[money.Rate] `json:"months,omitempty"`
	// From and Until bound the dates the reserve is in force (both
	// inclusive; 0: open).
	From  date.Date `json:"from,omitzero"`
	Until date.Date `json:"until,omitzero"`
	Cite  Cite      `json:"cite"`
}

// InForce reports whether the reserve is in force on d.
func (r *Reserve) InForce(d date.Date) bool {
	return (r.From == 0 || r.From <= d) && (r.Until == 0 || d <= r.Until)
}

// Where returns the reserve's placement, with "" read as the place it is
// written: PlaceComponent on a component, else PlaceBorrowingBase.
func (r *Reserve) Where(onComponent bool) string {
	switch {
	case r.Placement != "":
		return r.Placement
	case onComponent:
		return PlaceComponent
	}
	return PlaceBorrowingBase
}

// Kinds of reserves (Reserve.Kind; "" is a fixed amount).
const (
	FixedReserve      = ""
	ShareReserve      = "share"
	RentReserve       = "rent"
	DilutionReserve   = "dilution"
	AvailabilityBlock = "availability_block"
)

// Placements of reserves (Reserve.Placement).
const (
	PlaceEligible      = "eligible"
	PlaceComponent     = "component"
	PlaceBorrowingBase = "borrowing_base"
	PlaceLine          = "line"
)

// Waivers of a location (Location.Waiver).
const (
	WaiverLandlord = "landlord"
	WaiverBailee   = "bailee"
	WaiverNone     = "none"
)

// RentLocation reports whether inventory at a location of this kind is on
// a third party's premises (a landlord's or a bailee's), for which a rent
// reserve is taken without a waiver.
func RentLocation(kind string) bool { return kind == "third_party_warehouse" || kind == "leased" }

// Built-in eligibility criteria (see docs/agreement-format.md for their
// parameters and semantics).
const (
	PastDue           = "past_due"
	CrossAged         = "cross_aged"
	Affiliate         = "affiliate"
	Government        = "government"
	Foreign           = "foreign"
	Disputed          = "disputed"
	Contra            = "contra"
	Concentration     = "concentration"
	LocationCriterion = "location"
	CategoryCriterion = "category"
	SlowMoving        = "slow_moving"
	Casualty          = "casualty"
	Custom            = "custom"
)

// Criterion is one eligibility criterion. A row is counted under the first
// criterion in the list that applies.
type Criterion struct {
	ID    string `json:"id"`   // unique in its list; the kind for a built-in unless renamed
	Kind  string `json:"kind"` // one of the built-in kinds or "custom"
	Label string `json:"label"`
	// Days: past_due and cross_aged (age in days from invoice date beyond
	// which a row is aged), slow_moving (days since last movement).
	Days *Term[int] `json:"days,omitempty"`
	// Share: cross_aged (aged share at or above which the debtor is
	// ineligible), concentration (limit as a share of total eligible).
	Share *Term[money.Rate] `json:"share,omitempty"`
	// Values: location (the eligible location codes), category (the
	// ineligible categories), foreign (the home countries, default ["US"]).
	Values *Term[[]string] `json:"values,omitempty"`
	// Expr: custom: a CEL expression over the row's fields; true = ineligible.
	Expr       string `json:"expr,omitempty"`
	Assumption string `json:"assumption,omitempty"`
	Cite       Cite   `json:"cite"`
	Pos        Pos    `json:"-"`
}

// Covenant is a financial covenant (Loan Agreement Schedule A).
type Covenant struct {
	ID    string `json:"id"` // e.g. "minimum_tangible_net_worth"
	Label string `json:"label"`
	// Metric is what is measured: Numerator (÷ Denominator when set), each a
	// signed sum of financial-statement lines.
	Metric Metric `json:"metric"`
	// Comparison: "min" (actual ≥ required passes) or "max" (actual ≤ required).
	Comparison string `json:"comparison"`
	// Threshold is the base requirement: an amount for amount metrics, a
	// ratio for ratio metrics.
	Threshold Term[money.Rate] `json:"threshold"`
	// FirstTest: the first period end tested (periods ending before it are not).
	FirstTest *Term[date.Date] `json:"first_test,omitempty"`
	// Frequency: "quarterly" or "annually" (at fiscal year ends).
	Frequency Term[string] `json:"frequency"`
	Ratchet   *Ratchet     `json:"ratchet,omitempty"`
	// Paragraphs are further provisions of the covenant kept as text (or as
	// unknown), so amendments that delete or add them are recorded.
	Paragraphs map[string]Term[string] `json:"paragraphs,omitempty"`
	// Springing, when set, makes the covenant one tested only at period
	// ends within a trigger period (a springing covenant).
	Springing *Trigger `json:"springing,omitempty"`
	Cite      Cite     `json:"cite"`
}

// Trigger is when a springing term applies (a springing covenant, springing
// cash dominion): a trigger period starts when Measure is below the
// threshold — the greater of Share × the line cap (the lesser of the
// commitment, the maximum advances and the borrowing base) and AtLeast — on
// ForDays consecutive Business Days, and ends when it has been at or above
// the threshold for EndsAfterDays consecutive days (EndsAfterUnit:
// calendar days, the default, or Business Days). With EventOfDefault, a
// trigger period also starts on any day an event of default continues,
// and does not end while one does. MaxCuresPerYear, when set, is how many
// times a trigger period may end in a calendar year: once reached, a
// period does not end before the next year.
type Trigger struct {
	Measure       Term[string]        `json:"measure"` // excess_availability
	Share         *Term[money.Rate]   `json:"share,omitempty"`
	AtLeast       *Term[money.Amount] `json:"at_least,omitempty"`
	ForDays       Term[int]           `json:"for_days"`
	EndsAfterDays Term[int]           `json:"ends_after_days"`
	// EndsAfterUnit: TriggerCalendarDays (default) or TriggerBusinessDays.
	EndsAfterUnit   Term[string] `json:"ends_after_unit"`
	EventOfDefault  bool         `json:"event_of_default,omitempty"`
	MaxCuresPerYear *Term[int]   `json:"max_cures_per_year,omitempty"`
	Cite            Cite         `json:"cite"`
}

// Units of Trigger.EndsAfterUnit.
const (
	TriggerCalendarDays = "calendar_days"
	TriggerBusinessDays = "business_days"
)

// AvailabilityCovenant is a minimum excess availability covenant: tested
// at the close of every Business Day, it fails on a day whose excess
// availability is below the greater of Share × the line cap and AtLeast.
type AvailabilityCovenant struct {
	Label   string              `json:"label,omitempty"`
	Share   *Term[money.Rate]   `json:"share,omitempty"`
	AtLeast *Term[money.Amount] `json:"at_least,omitempty"`
	Cite    Cite                `json:"cite"`
}

// Trigger is the covenant's test as a trigger: a "period" starts on the
// first day below the minimum and ends on the first day at or above it.
func (a *AvailabilityCovenant) Trigger() *Trigger {
	return &Trigger{Measure: Term[string]{Value: ExcessAvailability}, Share: a.Share, AtLeast: a.AtLeast,
		ForDays: Term[int]{Value: 1}, EndsAfterDays: Term[int]{Value: 1}, EndsAfterUnit: Term[string]{Value: TriggerBusinessDays}, Cite: a.Cite}
}

// CashDominion is the lender's dominion over the borrower's collections:
// Springing (a trigger period) or always (Springing nil, Always true).
type CashDominion struct {
	Always    bool     `json:"always,omitempty"`
	Springing *Trigger `json:"springing,omitempty"`
	Cite      Cite     `json:"cite"`
}

// Metric is a signed sum of lines, optionally divided by another.
type Metric struct {
	Name        string `json:"name"` // e.g. "tangible_net_worth"
	Numerator   []Line `json:"numerator"`
	Denominator []Line `json:"denominator,omitempty"` // empty: an amount metric
	// Formula is the metric as written, e.g. "total_liabilities / (total_assets - intangible_assets - total_liabilities)".
	Formula string `json:"formula"`
}

// IsRatio reports a ratio metric.
func (m Metric) IsRatio() bool { return len(m.Denominator) > 0 }

// Line is a financial-statement line with a sign (+1 or −1).
type Line struct {
	Name string `json:"name"`
	Sign int    `json:"sign"`
}

// Ratchet raises a minimum by Share of each fiscal year's positive sum of Line
// (e.g. 50% of net income) from that fiscal year's last day on, for fiscal
// years from FromFiscalYear; losses never lower it.
type Ratchet struct {
	Share          Term[money.Rate] `json:"share"`
	Line           string           `json:"line"`
	FromFiscalYear Term[int]        `json:"from_fiscal_year"`
	Unknown        string           `json:"unknown,omitempty"` // the whole rule is unknown, and why
	Cite           Cite             `json:"cite"`
}

// EventOfDefault is an event of default of the terms.
type EventOfDefault struct {
	ID     string `json:"id"`     // e.g. "covenant_failed", "cross_default"
	Clause string `json:"clause"` // e.g. "§7(j)"
	Label  string `json:"label"`
	// Detection: "rule" (revolver detects it from data) or "record" (a person records it).
	Detection string `json:"detection"`
	// Rule names the built-in detector for detection "rule".
	Rule string `json:"rule,omitempty"`
	// Threshold, where the clause has one (cross-default: $50,000.00).
	Threshold *Term[money.Amount] `json:"threshold,omitempty"`
	// Document, for the rule obligation_overdue: the document whose
	// obligations of the borrower, not performed fully and timely, are the
	// event (a document id, e.g. "loan-modification-agreement").
	Document string `json:"document,omitempty"`
	Text     string `json:"text,omitempty"`
	// Assumption: the event is read into the terms without the documents
	// saying so (e.g. a clause of an agreement not held), and why.
	Assumption string `json:"assumption,omitempty"`
	Cite       Cite   `json:"cite"`
}

// NoticeMethod is a way of giving notice and when it takes effect (Security Agreement ¶21).
type NoticeMethod struct {
	Method string `json:"method"` // fax, courier
	// Effective: "on_confirmation" (on receipt of confirmation of good
	// transmission) or "next_business_day" (the Business Day after deposit).
	Effective string `json:"effective"`
	// CopyBy: a method by which a copy must also be sent ("courier" for fax).
	CopyBy string `json:"copy_by,omitempty"`
	Cite   Cite   `json:"cite"`
}

// Location is a place where collateral is kept (Security Agreement, Exhibit A).
type Location struct {
	Code string `json:"code"` // e.g. "BIL"
	Name string `json:"name"`
	// Kind: a place (owned, third_party_warehouse, foreign_affiliate,
	// leased) or a category of inventory (in_transit, consigned,
	// customer_trial, trade_show: LocationCategories), which has no country.
	Kind       string   `json:"kind"`
	Country    string   `json:"country,omitempty"`
	Assumption string   `json:"assumption,omitempty"`
	Address    []string `json:"address,omitempty"`
	// MonthlyRent is the rent of a third-party location (nil: not given);
	// Waiver is the landlord's or bailee's waiver held for it (landlord,
	// bailee or none; "" as none), dated WaiverDate.
	MonthlyRent *Term[money.Amount] `json:"monthly_rent,omitempty"`
	Waiver      string              `json:"waiver,omitempty"`
	WaiverDate  date.Date           `json:"waiver_date,omitzero"`
	Cite        Cite                `json:"cite"`
}

// Waived reports whether a landlord's or bailee's waiver for the location
// is in hand on d.
func (l *Location) Waived(d date.Date) bool {
	return (l.Waiver == WaiverLandlord || l.Waiver == WaiverBailee) && (l.WaiverDate == 0 || l.WaiverDate <= d)
}

// Pricing is how interest is charged.
type Pricing struct {
	// Options are the rates a loan may bear (e.g. prime + 0, LIBOR + 2.25%).
	Options  []RateOption `json:"options"`
	DayCount Term[string] `json:"day_count"` // actual_360, actual_365, 30_360, 30_360_us, actual_actual_isda
	Billing  Term[string] `json:"billing"`   // monthly_billed, monthly_capitalised
	// DefaultInterest, when the terms have it, raises the rate of every
	// day on which an event of default continues (nil: none).
	DefaultInterest *DefaultInterest `json:"default_interest,omitempty"`
	Cite            Cite             `json:"cite"`
}

// How default interest applies (DefaultInterest.Applies).
const (
	// DefaultAutomatic: from the day an event of default occurs while it
	// continues.
	DefaultAutomatic = "automatic"
	// DefaultOnNotice: from the day the lender's notice electing default
	// interest takes effect, while the event of default it names continues.
	DefaultOnNotice = "on_notice"
)

// DefaultInterest is the increase of the rate while an event of default
// continues ("the Obligations shall bear interest at a rate 2% per annum
// above the rate otherwise applicable").
type DefaultInterest struct {
	Rate    Term[money.Rate] `json:"rate"`
	Applies Term[string]     `json:"applies"` // DefaultAutomatic or DefaultOnNotice
	Cite    Cite             `json:"cite"`
}

// Measures a margin grid may be keyed to.
const (
	// MeasureAverageExcessAvailability: the average daily excess
	// availability of the measured period as a share of the average daily
	// line cap (the lesser of the commitment, the maximum advances and the
	// borrowing base), each day's figures as availability computes them.
	MeasureAverageExcessAvailability = "average_excess_availability"
)

// When a margin grid's adjustment takes effect after the measured period
// (MarginGrid.Adjusts).
const (
	// AdjustNextMonth: the first day of the month after the month the
	// period ends in.
	AdjustNextMonth = "first_day_of_next_month"
	// AdjustNextDay: the day after the period ends.
	AdjustNextDay = "day_after_period"
)

// MarginGrid is a pricing option's margin by level of a measure: the level
// of a measured period applies from its adjustment date to the next.
type MarginGrid struct {
	Measure string `json:"measure"` // MeasureAverageExcessAvailability
	// Period is the measured period: calendar_quarter or fiscal_quarter
	// (quarters of the fiscal year ending on the last day of FiscalYearEnd).
	Period        Term[string]  `json:"period"`
	FiscalYearEnd *Term[string] `json:"fiscal_year_end,omitempty"` // a month, e.g. "december"
	// MeasuredFrom: the first measured period is the first that starts on
	// or after it (the closing date); Initial applies until its adjustment.
	MeasuredFrom Term[date.Date] `json:"measured_from"`
	Adjusts      Term[string]    `json:"adjusts"` // AdjustNextMonth or AdjustNextDay
	Initial      string          `json:"initial"`
	// Levels in order, the highest threshold first: the first whose
	// AtLeast the measure reaches applies; the last has none (otherwise).
	Levels []MarginLevel `json:"levels"`
	Cite   Cite          `json:"cite"`
	Pos    Pos           `json:"-"`
}

// MarginLevel is one level of a margin grid.
type MarginLevel struct {
	ID      string            `json:"id"`
	AtLeast *Term[money.Rate] `json:"at_least,omitempty"`
	Margin  Term[money.Rate]  `json:"margin"`
	Cite    Cite              `json:"cite"`
}

// RateOption is a base rate plus a margin: a Prime Rate Loan, or a term-rate
// loan (a LIBOR or Term SOFR Rate Loan) whose rate is fixed for an interest
// period (Original Loan Agreement §1.5: a Borrowing Request is for "either a
// Prime Rate Loan or a LIBOR Rate Loan").
type RateOption struct {
	ID     string           `json:"id"`   // e.g. "prime"
	Base   string           `json:"base"` // prime, libor, term_sofr, sofr, fed_funds or fixed
	Margin Term[money.Rate] `json:"margin"`
	// MarginGrid, instead of Margin: the margin by level of a measure
	// (Margin is then zero and not used).
	MarginGrid *MarginGrid `json:"margin_grid,omitempty"`
	// InterestPeriods are the periods a term-rate loan may elect ("1m",
	// "3m"), for bases libor and term_sofr only; nil when the terms give
	// none.
	InterestPeriods *Term[[]string] `json:"interest_periods,omitempty"`
	// RateFixingDays: the rate is the base's value this many business days
	// before the interest period starts.
	RateFixingDays *Term[int] `json:"rate_fixing_days,omitempty"`
	// Minimum and Multiple: a loan of the option is at least Minimum and a
	// whole multiple of Multiple.
	Minimum  *Term[money.Amount] `json:"minimum,omitempty"`
	Multiple *Term[money.Amount] `json:"multiple,omitempty"`
	// Floor: the base is read as at least this (e.g. 0% or 1.00%).
	Floor *Term[money.Rate] `json:"floor,omitempty"`
	// LookbackDays (base sofr: Daily Simple SOFR): each day bears the SOFR
	// of the US Government Securities Business Day this many such days
	// before it.
	LookbackDays *Term[int] `json:"lookback_days,omitempty"`
	Cite         Cite       `json:"cite"`
}

// Kinds of fees.
const (
	// FeeFixed is an amount due on a date (the Loan Modification
	// Agreement's transaction fee).
	FeeFixed = "fixed"
	// FeeUnusedLine is rate × the average daily unused amount of the
	// commitment, billed each period in arrears.
	FeeUnusedLine = "unused_line"
	// FeeLetterOfCredit is rate × the average daily face of the letters
	// of credit outstanding, billed each period in arrears.
	FeeLetterOfCredit = "letter_of_credit"
	// FeeMonitoring is a fixed amount each period (monitoring, collateral
	// management), billed in arrears.
	FeeMonitoring = "monitoring"
	// FeeMinimumInterest is what the interest of a period falls short of
	// a minimum amount, billed at the period's end.
	FeeMinimumInterest = "minimum_interest"
)

// FeeKinds are the kinds of fees, as the terms write them.
var FeeKinds = []string{FeeFixed, FeeUnusedLine, FeeLetterOfCredit, FeeMonitoring, FeeMinimumInterest}

// How an unused line fee counts the unused amount (Fee.Unused).
const (
	// UnusedLessLoansAndLCs: commitment − loans − letters of credit
	// (outstanding face and drawn unreimbursed), the default.
	UnusedLessLoansAndLCs = "commitment_less_loans_and_letters_of_credit"
	// UnusedLessLoans: commitment − loans.
	UnusedLessLoans = "commitment_less_loans"
)

// TermBases are the bases whose loans have interest periods, with the
// periods each publishes.
var TermBases = map[string][]string{
	"libor":     {"1m", "2m", "3m", "6m"},
	"term_sofr": {"1m", "3m", "6m"},
}

// RateBases are the bases a pricing option may name.
var RateBases = []string{"prime", "libor", "term_sofr", "sofr", "fed_funds", "fixed"}

// Fee is a fee of the facility.
type Fee struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	// Kind is one of FeeKinds (fixed when the terms write none; empty, and
	// fixed, for a waiver letter's fee).
	Kind string `json:"kind,omitempty"`
	// Amount: a fixed fee's amount, a monitoring fee's per period, the
	// minimum interest of a period.
	Amount Term[money.Amount] `json:"amount"`
	// Due: when a fixed fee is due.
	Due *Term[date.Date] `json:"due,omitempty"`
	// Rate: the annual rate of an unused line or letter-of-credit fee;
	// Steps instead: a rate grid by average usage (unused line fee).
	Rate  *Term[money.Rate] `json:"rate,omitempty"`
	Steps []FeeStep         `json:"steps,omitempty"`
	// Basis is the day count a rate fee accrues on (actual_360,
	// actual_365, 30_360).
	Basis *Term[string] `json:"basis,omitempty"`
	// Billing is the period a periodic fee is billed for, in arrears:
	// monthly or quarterly (calendar months and quarters).
	Billing *Term[string] `json:"billing,omitempty"`
	// Unused is how an unused line fee counts the unused amount
	// (UnusedLessLoansAndLCs when nil).
	Unused *Term[string] `json:"unused,omitempty"`
	Cite   Cite          `json:"cite"`
	Pos    Pos           `json:"-"`
}

// Cost is a kind of cost the lender may pay on the borrower's behalf and
// charge to the loan account (a field examination, under Security
// Agreement ¶7), with the clause that lets it.
type Cost struct {
	ID    string `json:"id"` // e.g. "field_exam"
	Label string `json:"label"`
	Cite  Cite   `json:"cite"`
}

// FeeStep is one step of a fee's rate grid: Rate applies when the
// period's average usage (the average daily amount used ÷ the average
// daily commitment) is below UsageBelow; the last step has no UsageBelow
// and applies otherwise.
type FeeStep struct {
	ID         string            `json:"id"`
	UsageBelow *Term[money.Rate] `json:"usage_below,omitempty"`
	Rate       Term[money.Rate]  `json:"rate"`
	Cite       Cite              `json:"cite"`
}

// Periodic reports whether the fee is billed each period (every kind but
// fixed; a fee of no kind, such as a waiver letter's, is fixed).
func (f Fee) Periodic() bool { return f.Kind != FeeFixed && f.Kind != "" }

// Reporting is a report the borrower must deliver (borrowing base
// certificates, financial statements).
type Reporting struct {
	ID        string       `json:"id"`        // e.g. "borrowing_base_report"
	Frequency Term[string] `json:"frequency"` // monthly, quarterly, annually
	// DaysAfter: due this many days after the period end.
	DaysAfter Term[int] `json:"days_after"`
	// Contents lists what the report includes.
	Contents *Term[[]string] `json:"contents,omitempty"`
	// DeliveredBy, when set, is the record that delivers the report: a
	// borrowing base certificate as of the period's end submitted
	// (DeliveredByCertificate), or financial statements for a period
	// ending on it received (DeliveredByStatements); "" when only a
	// recorded occurrence (report_delivered) does.
	DeliveredBy string `json:"delivered_by,omitempty"`
	Cite        Cite   `json:"cite"`
}

// What delivers a report (Reporting.DeliveredBy).
const (
	DeliveredByCertificate = "certificate"
	DeliveredByStatements  = "statements"
)

// Collections is how proceeds are credited (Security Agreement ¶8).
type Collections struct {
	// ClearanceDays: Business Days (of Schedule.Calendar) after receipt
	// before cash proceeds are credited to the loans.
	ClearanceDays Term[int] `json:"clearance_days"`
	// Accounts are the facility's cash accounts at the bank, in the terms'
	// order (none: the terms name none, and every account a bank file
	// reports is unknown to them).
	Accounts []CashAccount `json:"accounts,omitempty"`
	// TypeCodes map the bank's BAI2 type codes to kinds of cash, in the
	// terms' order; empty: DefaultTypeCodes.
	TypeCodes []TypeCode `json:"type_codes,omitempty"`
	// AppliedUnder names the remedy (one of the terms' remedies) under
	// which the collections of every account but the operating one are
	// the lender's and applied to the loans on a day it is exercisable,
	// e.g. Security Agreement ¶3's proceeds held in trust once an Event
	// of Default continues and the Bank has given notice. Empty: no
	// remedy of the terms does (collections are then applied only from
	// swept accounts and under cash dominion).
	AppliedUnder Term[string] `json:"applied_under,omitempty"`
}

// Kinds of cash accounts (CashAccount.Kind).
const (
	AccountLockbox    = "lockbox"    // the borrower's customers pay into it
	AccountCollateral = "collateral" // a deposit account the lender holds as collateral
	AccountOperating  = "operating"  // the borrower's own account: remittances go to it
)

// CashAccount is one cash account of the facility at the bank: its number
// (the BAI2 03 record's customer account number), its kind and whether
// its collections are swept to the loans every day (outside dominion and
// before an event of default and notice, collections reduce the loans
// only from a swept account: docs/cash.md).
type CashAccount struct {
	Number string       `json:"number"`
	Kind   Term[string] `json:"kind"`
	Swept  Term[bool]   `json:"swept"`
	Cite   Cite         `json:"cite"`
	// Assumption: the account is not in the documents held (e.g. a
	// borrower's standing instruction).
	Assumption string `json:"assumption,omitempty"`
}

// Kinds of cash (TypeCode.Kind): three kinds of deposit, a returned
// deposited item (charged back, Security Agreement ¶8) and a bank fee.
const (
	CashLockboxDeposit = "lockbox_deposit"
	CashOtherDeposit   = "other_deposit"
	CashIncomingWire   = "incoming_wire"
	CashReturnedItem   = "returned_item"
	CashFee            = "fee"
)

// CashKinds are every kind of cash, credits first.
var CashKinds = []string{CashLockboxDeposit, CashOtherDeposit, CashIncomingWire, CashReturnedItem, CashFee}

// CashCredit reports whether a kind of cash is a deposit (a credit to the
// account); the others are debits.
func CashCredit(kind string) bool {
	return kind == CashLockboxDeposit || kind == CashOtherDeposit || kind == CashIncomingWire
}

// TypeCode maps one BAI2 type code to a kind of cash.
type TypeCode struct {
	Code string `json:"code"`
	Kind string `json:"kind"`
	Cite Cite   `json:"cite"`
	// Assumption: the mapping is not the documents' (the default table's
	// are all assumptions).
	Assumption string `json:"assumption,omitempty"`
}

// DefaultTypeCodes is the type-code table used when the terms give none:
// the BAI2 codes of the kinds a lender follows (docs/cash.md). Every other
// code is unclassified.
var DefaultTypeCodes = []TypeCode{
	{Code: "115", Kind: CashLockboxDeposit},
	{Code: "195", Kind: CashIncomingWire},
	{Code: "301", Kind: CashOtherDeposit},
	{Code: "555", Kind: CashReturnedItem},
	{Code: "698", Kind: CashFee},
}

// defaultTypeCodesAssumption is what each default mapping says it is.
const defaultTypeCodesAssumption = "the terms give no type-code table: the default table (docs/cash.md) is used"

// CashTypeCodes is the type-code table in force: the terms', or the
// default table with each mapping marked an assumption.
func (c Collections) CashTypeCodes() []TypeCode {
	if len(c.TypeCodes) > 0 {
		return c.TypeCodes
	}
	out := make([]TypeCode, len(DefaultTypeCodes))
	for i, t := range DefaultTypeCodes {
		t.Assumption = defaultTypeCodesAssumption
		out[i] = t
	}
	return out
}

// Account returns the cash account with the number, false when the terms
// name none.
func (c Collections) Account(number string) (CashAccount, bool) {
	for _, a := range c.Accounts {
		if a.Number == number {
			return a, true
		}
	}
	return CashAccount{}, false
}

// Overadvance is how loans above availability must be cured.
type Overadvance struct {
	// CureDays: calendar days after the bank's notice (Security Agreement ¶13(h): "within thirty (30) days of notice").
	CureDays Term[int] `json:"cure_days"`
	// BlocksAdvancesOnDefault: no advance while an event of default continues.
	BlocksAdvancesOnDefault Term[bool] `json:"blocks_advances_on_default"`
}

// Advances are the terms of requests for advances.
type Advances struct {
	// Cutoff is the time of day ("HH:MM", 24-hour, in the facility's zone)
	// by which a request for an advance value the same day must reach the
	// bank; nil: the terms state none.
	Cutoff *Term[string] `json:"cutoff,omitempty"`
}

// ComponentsOf returns the components of a collateral class, in order.
func (b BorrowingBase) ComponentsOf(collateral string) []*Component {
	var out []*Component
	for i := range b.Components {
		if b.Components[i].Collateral == collateral {
			out = append(out, &b.Components[i])
		}
	}
	return out
}

// Component returns the first component of a collateral class, or nil.
func (b BorrowingBase) Component(collateral string) *Component {
	for i := range b.Components {
		if b.Components[i].Collateral == collateral {
			return &b.Components[i]
		}
	}
	return nil
}

// ClauseText is the text of the cited clause where the documents record it
// (the document's Sections), else "".
func (t *Terms) ClauseText(c Cite) string {
	if d := t.Document(c.Document); d != nil && c.Section != "" {
		return d.Sections[c.Section]
	}
	return ""
}

// Document returns the facility's document with the id, or nil.
func (t *Terms) Document(id string) *Document {
	for i := range t.Documents {
		if t.Documents[i].ID == id {
			return &t.Documents[i]
		}
	}
	return nil
}

// Describe is the trigger in words: "excess availability below the greater
// of 10% of the line cap and 7,500,000.00 on 1 consecutive Business Day;
// ends after 30 consecutive days at or above it".
func (t *Trigger) Describe() string {
	var th []string
	if t.Share != nil {
		if t.Share.Known() {
			th = append(th, t.Share.Value.Percent()+" of the line cap")
		} else {
			th = append(th, "an unknown share of the line cap")
		}
	}
	if t.AtLeast != nil {
		if t.AtLeast.Known() {
			th = append(th, t.AtLeast.Value.Grouped())
		} else {
			th = append(th, "an unknown amount")
		}
	}
	what := strings.ReplaceAll(t.Measure.Value, "_", " ")
	s := what + " below "
	if len(th) == 2 {
		s += "the greater of " + th[0] + " and " + th[1]
	} else if len(th) == 1 {
		s += th[0]
	}
	days := func(v Term[int], unit string) string {
		if !v.Known() {
			return "an unknown number of " + unit + "s"
		}
		if v.Value == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", v.Value, unit)
	}
	if t.EventOfDefault {
		s += " on " + days(t.ForDays, "consecutive Business Day") + ", or an event of default continuing"
	} else {
		s += " on " + days(t.ForDays, "consecutive Business Day")
	}
	unit := "consecutive day"
	if t.EndsAfterUnit.Value == TriggerBusinessDays {
		unit = "consecutive Business Day"
	}
	s += "; ends after " + days(t.EndsAfterDays, unit) + " at or above it"
	if t.EventOfDefault {
		s += " with no event of default continuing"
	}
	if m := t.MaxCuresPerYear; m != nil {
		if m.Known() {
			s += fmt.Sprintf(", at most %d times a calendar year", m.Value)
		} else {
			s += ", an unknown number of times a calendar year"
		}
	}
	return s
}
