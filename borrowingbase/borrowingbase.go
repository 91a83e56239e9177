// Package borrowingbase owns the borrowing base certificate: the eligibility
// waterfall of receivables and inventory under the agreement's ordered
// criteria, the advance rates, caps, reserves and letters of credit, and the
// explanation of every figure (formula, clause, amendment, input rows).
//
// The engine is pure: Compute takes the terms in force, the as-of date, the
// parsed collateral reports and the letters of credit, and returns a
// Certificate. It does no I/O and reads no clock.
//
// Rules (Loan Agreement §2.1 as amended by First Amendment §1(b), §1(c)):
//
//   - Each row is counted under the FIRST criterion in the configured order
//     that applies; what no criterion takes remains eligible. Age is as-of
//     date − invoice date in days.
//   - cross_aged: a debtor's aged share is the sum of ALL its positive rows
//     older than the criterion's days (whatever criterion took them) over the
//     sum of all its positive rows; at or above the share, every row of the
//     debtor still remaining (credit memos included, with their sign) is
//     ineligible. Debtor-level criteria never depend on the order of rows or
//     debtors: sums are exact integers and debtors are visited by index.
//   - Row criteria (past_due, cross_aged, affiliate, government, foreign,
//     disputed, location, category, slow_moving, casualty, custom) take whole
//     rows. Amount criteria (contra, concentration) take dollars from a
//     debtor's remaining eligible balance, not rows; a row criterion placed
//     after an amount criterion takes, per debtor, only the dollars of its
//     rows that the amount criteria above have not already taken, so every
//     dollar is counted once and gross = eligible + Σ ineligibles always.
//   - Component availability = advance rate × eligible, rounded half away
//     from zero to the cent (money.Amount.Mul), then capped, less the
//     component's reserves. A negative eligible balance (credit memos above
//     invoices) advances nothing: the advance is rate × max(eligible, 0), so
//     a higher advance rate never lowers the borrowing base.
//   - Borrowing base = Σ component availability − borrowing-base reserves −
//     letters of credit (face outstanding + drawn unreimbursed) when the
//     agreement deducts them from the borrowing base. The figure is NOT
//     clamped at zero: the agreement defines a difference, and a negative
//     borrowing base is reported as such (it means loans must be repaid).
//   - A figure that needs a term whose value is unknown is undetermined: it is
//     null in JSON and the certificate lists the term and the reason. It is
//     never computed as zero.
package borrowingbase

import (
	"errors"
	"fmt"
	"slices"

	"revolver/agreement"
	"revolver/collateral"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// CasualtyExclusion names an asset of the borrowing base lost, damaged or
// materially diminished (Security Agreement ¶13(h): any asset included in
// the Borrowing Base, not only inventory). Inventory (Collateral "" or
// "inventory"): the row of Item at Location is excluded, or only Amount of
// it when Amount is set (capped at the row's value). Receivables
// (Collateral "receivables"): every row of Invoice of the debtor Debtor
// (its debtor_id), whole.
type CasualtyExclusion struct {
	Collateral string
	Item       string
	Location   string
	Debtor     string
	Invoice    string
	Amount     *money.Amount // nil: the whole row
	Reason     string
	Cite       explain.Cite
	Noticed    *date.Date // when the bank was told, if known
}

// Input is everything a certificate is computed from.
type Input struct {
	Terms         *agreement.Terms
	AsOf          date.Date
	Receivables   *collateral.Receivables
	Inventory     *collateral.Inventory
	LCOutstanding money.Amount // face amount of letters of credit outstanding
	LCDrawn       money.Amount // drawn and not reimbursed
	Casualty      []CasualtyExclusion
	// Dilution is the receivables' dilution measured from the journals
	// (nil: not measured); a dilution reserve whose terms give no
	// dilution uses it.
	Dilution *MeasuredDilution
}

// MeasuredDilution is the dilution measured over Periods periods from From
// to To: Credits ÷ Sales, rounded half away from zero (Ratio).
type MeasuredDilution struct {
	Ratio          money.Rate
	Periods        int
	From, To       date.Date
	Sales, Credits money.Amount
}

// Figure is an amount that may be undetermined (Known false: a term it needs
// is unknown).
type Figure struct {
	Amount money.Amount
	Known  bool
}

func known(a money.Amount) Figure { return Figure{Amount: a, Known: true} }

// Line is one ineligible category of a collateral class.
type Line struct {
	ID    string
	Kind  string
	Label string
	Figure
	crit agreement.Criterion
	pos  int
	// concentration: E (eligible after the criteria above) and the limit.
	base, limit money.Amount
}

// ReserveLine is a reserve deducted at its placement: a component's
// eligible or availability, the borrowing base, or availability under the
// line (docs/reserves.md).
type ReserveLine struct {
	ID        string
	Label     string
	Kind      string // agreement.FixedReserve ("") , ShareReserve, RentReserve, DilutionReserve, AvailabilityBlock
	Placement string // agreement.PlaceEligible, PlaceComponent, PlaceBorrowingBase, PlaceLine
	Figure
	// Base is the figure a share or dilution reserve is a rate of (the
	// component's eligible, or its availability before reserves), Rate
	// that rate (for dilution: the points above the threshold).
	Base Figure
	Rate money.Rate
	// Measured is the dilution measured from the journals that a dilution
	// reserve without a dilution term used (nil: the terms' dilution).
	Measured *MeasuredDilution
	// Rent: a rent reserve's third-party locations holding eligible
	// inventory.
	Rent []RentLine
	res  agreement.Reserve
}

// RentLine is one third-party location of a rent reserve: the eligible
// inventory it holds and, without a waiver, Months × MonthlyRent.
type RentLine struct {
	Location    string
	Name        string
	Eligible    money.Amount
	Waiver      string    // landlord, bailee (then Amount is 0) or none
	WaiverDate  date.Date // 0: undated
	MonthlyRent Figure
	Amount      Figure
}

// Section is one collateral class of the certificate: receivables,
// inventory or fixed assets.
type Section struct {
	Collateral string // agreement.Receivables, agreement.Inventory, agreement.FixedAssets
	File       string // the input's name
	HasInput   bool   // false for a component without input rows (fixed assets)
	Gross      money.Amount
	Ineligible []Line
	Eligible   Figure

	Component    *agreement.Component // nil: reported, not advanced against
	NetEligible  Figure               // Eligible less the reserves placed at eligible
	Advance      Figure               // advance rate × eligible, rounded to the cent
	Cap          *Figure              // nil: no dollar cap
	Capped       Figure               // lesser of Advance and Cap
	Reserves     []ReserveLine
	Availability Figure
	NOLV         *NOLVFigs // the component's NOLV figures, when it has nolv
	// LastOut: the component's figures at its first-out rate plus its
	// last-out increment (nil: the terms give it none).
	LastOut *LastOutFigs

	// Parts, when the class has several components (or one with a
	// filter), are its components in order, each with the eligible rows
	// it takes; Component is then nil and Availability is Σ of the parts'.
	Parts []*Part
	// NoComponent is the eligible amount of the rows no part takes (only
	// with Parts); it is advanced against by none.
	NoComponent Figure

	rows       int
	part       []int8  // with Parts: per input row, the part that took it (-1: none or not eligible)
	noRows     int     // with Parts: eligible rows no part takes
	pool       []int64 // receivables: per debtor, the eligible balance after every criterion
	eligRows   []int64 // receivables: per debtor, Σ of the rows no row criterion took
	partialAmt []int64 // inventory: the eligible remainder of each row of partial
	bucket     []int8  // per input row: index of the criterion that took it; len(criteria) = eligible; -1 = unclassified (undetermined); see bucketOf
	// debtorFirst, when set, is per debtor the first criterion that takes
	// all its rows: a row's bucket is then the lesser of it and bucket's.
	debtorFirst []int8
	counts      []int // rows per bucket index (last = eligible)
	perDebt     [][]int64
	partial     []int // inventory rows only partly excluded (casualty with an amount), by index
	recv        *collateral.Receivables
	inv         *collateral.Inventory
	eligPos     int // bucket index meaning "eligible"
	cutBelow    int // criteria from this index on are undetermined (== len(criteria) when all known)
}

// Undetermined names a term whose value is unknown and the figures it leaves
// undetermined.
type Undetermined struct {
	Term    string   `json:"term"`
	Reason  string   `json:"reason"`
	Affects []string `json:"affects"`
}

// Certificate is a borrowing base certificate as of a date.
type Certificate struct {
	AsOf     date.Date
	Currency string
	Sections []*Section // receivables, inventory, fixed assets, where present, in that order
	Reserves []ReserveLine
	// LineReserves are the terms' reserves placed at the line (an
	// availability block): not deducted here; availability deducts them
	// from min(commitment, maximum advances, borrowing base).
	LineReserves []ReserveLine

	LCTreatment   string // deduct_from_borrowing_base, deduct_from_availability, none ("" when unknown)
	LCOutstanding money.Amount
	LCDrawn       money.Amount
	// LettersOfCredit is LCOutstanding + LCDrawn; LCDeducted is what is
	// subtracted in the borrowing base (zero unless deduct_from_borrowing_base).
	LettersOfCredit money.Amount
	LCDeducted      Figure

	// InventorySublimit is set when the terms cap inventory at a share of
	// the borrowing base; its Excess is deducted in the borrowing base.
	InventorySublimit *InventorySublimit
	// MaxAdvances is the maximum advances (the advance cap) when the terms
	// set one below the commitment: a memo, not deducted here (availability
	// is min(commitment, maximum advances, borrowing base) less the loans).
	MaxAdvances *agreement.Term[money.Amount]
	Commitment  agreement.Term[money.Amount]

	BorrowingBase Figure
	// LastOut is the last-out (FILO) borrowing base when the terms have a
	// last-out tranche (nil: none); BorrowingBase is then the first-out
	// borrowing base.
	LastOut      *LastOutBase
	Undetermined []Undetermined

	terms    *agreement.Terms
	casualty []CasualtyExclusion // inventory
	// recvCasualty: the receivables casualty exclusions.
	recvCasualty []CasualtyExclusion
}

// InventorySublimit is the inventory sublimit as a share of the borrowing
// base: Limit = Share × max(Base, 0) rounded half away from zero to the
// cent, Base = Σ the components' availability (before the borrowing base's
// reserves and letters of credit); Excess = max(Inventory − Limit, 0), the
// inventory availability above it, is deducted.
type InventorySublimit struct {
	Share     agreement.Term[money.Rate]
	Base      Figure
	Limit     Figure
	Inventory Figure
	Excess    Figure
}

// Section returns the certificate's section of a collateral class, or nil.
func (c *Certificate) Section(collateral string) *Section {
	for _, s := range c.Sections {
		if s.Collateral == collateral {
			return s
		}
	}
	return nil
}

// Line returns the ineligible line with the id, or nil.
func (s *Section) Line(id string) *Line {
	for i := range s.Ineligible {
		if s.Ineligible[i].ID == id {
			return &s.Ineligible[i]
		}
	}
	return nil
}

// ErrInput marks invalid input (terms or data the engine cannot use).
var ErrInput = errors.New("invalid borrowing base input")

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, args...))
}

const (
	lcDeductBB    = "deduct_from_borrowing_base"
	lcDeductAvail = "deduct_from_availability"
	lcNone        = "none"
)

// maxCriteria bounds a criteria list so a row's bucket fits in an int8.
const maxCriteria = 120

// Compute computes the borrowing base certificate. It returns an error only
// for invalid input (a criterion without its parameter, a row naming a debtor
// that does not exist, a casualty exclusion naming no row, amounts out of
// range, …); unknown terms make figures undetermined instead.
func Compute(in Input) (*Certificate, error) {
	t := in.Terms
	if t == nil {
		return nil, inputErr("no terms")
	}
	if in.LCOutstanding < 0 || in.LCDrawn < 0 {
		return nil, inputErr("letters of credit: outstanding %s and drawn %s must not be negative", in.LCOutstanding, in.LCDrawn)
	}
	if in.LCOutstanding > money.MaxAmount || in.LCDrawn > money.MaxAmount {
		return nil, inputErr("letters of credit out of range")
	}
	var invCas, recvCas []CasualtyExclusion
	for _, e := range in.Casualty {
		switch e.Collateral {
		case "", agreement.Inventory:
			invCas = append(invCas, e)
		case agreement.Receivables:
			recvCas = append(recvCas, e)
		default:
			return nil, inputErr("casualty exclusion: collateral %q; expected inventory or receivables", e.Collateral)
		}
	}
	in.Casualty = invCas
	c := &Certificate{AsOf: in.AsOf, Currency: t.Currency, terms: t, casualty: invCas, recvCasualty: recvCas}
	if c.Currency == "" {
		c.Currency = "USD"
	}
	u := &undet{lastOut: t.BorrowingBase.LastOut, asOf: in.AsOf, dilution: in.Dilution, terms: t}

	comps := map[string]*agreement.Component{}
	multi := map[string][]*agreement.Component{} // classes with several components or a filter
	for i := range t.BorrowingBase.Components {
		k := &t.BorrowingBase.Components[i]
		switch k.Collateral {
		case agreement.Receivables, agreement.Inventory:
		case agreement.FixedAssets:
			if comps[k.Collateral] != nil {
				return nil, inputErr("borrowing base components %q and %q both advance against %s; expected one fixed_assets component", comps[k.Collateral].ID, k.ID, k.Collateral)
			}
			if k.Filter != "" {
				return nil, inputErr("borrowing base component %q: a filter on fixed assets, which have no rows", k.ID)
			}
		default:
			return nil, inputErr("borrowing base component %q: collateral %q; expected receivables, inventory or fixed_assets", k.ID, k.Collateral)
		}
		if prev := comps[k.Collateral]; prev != nil {
			for _, p := range t.BorrowingBase.ComponentsOf(k.Collateral) {
				if p == k {
					break
				}
				if p.Filter == "" {
					return nil, inputErr("borrowing base component %q can take no row: component %q before it has no filter and takes every eligible row of %s", k.ID, p.ID, k.Collateral)
				}
			}
			multi[k.Collateral] = t.BorrowingBase.ComponentsOf(k.Collateral)
			continue
		}
		comps[k.Collateral] = k
		if k.Filter != "" {
			multi[k.Collateral] = []*agreement.Component{k}
		}
	}

	if len(recvCas) > 0 && in.Receivables == nil {
		return nil, inputErr("receivables casualty exclusions given but no receivables")
	}
	if in.Receivables != nil || comps[agreement.Receivables] != nil {
		if in.Receivables == nil {
			return nil, inputErr("the borrowing base has a receivables component (%q) but no receivables were given", comps[agreement.Receivables].ID)
		}
		s, err := computeReceivables(in, recvCas, c.Currency, u)
		if err != nil {
			return nil, err
		}
		c.Sections = append(c.Sections, s)
	}
	if in.Inventory != nil || comps[agreement.Inventory] != nil {
		if in.Inventory == nil {
			return nil, inputErr("the borrowing base has an inventory component (%q) but no inventory was given", comps[agreement.Inventory].ID)
		}
		s, err := computeInventory(in, u)
		if err != nil {
			return nil, err
		}
		c.Sections = append(c.Sections, s)
	} else if len(in.Casualty) > 0 {
		return nil, inputErr("casualty exclusions given but no inventory")
	}
	if k := comps[agreement.FixedAssets]; k != nil {
		c.Sections = append(c.Sections, &Section{Collateral: agreement.FixedAssets, Eligible: Figure{}})
	}

	// Components.
	for _, s := range c.Sections {
		if ks := multi[s.Collateral]; ks != nil {
			if err := computeParts(s, ks, in, c.Currency, u); err != nil {
				return nil, err
			}
			continue
		}
		s.Component = comps[s.Collateral]
		if s.Component == nil {
			continue
		}
		if err := computeComponent(s, u); err != nil {
			return nil, err
		}
	}

	// Borrowing base reserves.
	total := known(0)
	for _, s := range c.Sections {
		if !s.advanced() {
			continue
		}
		total = addFig(total, s.Availability)
	}
	if sl := t.BorrowingBase.InventorySublimit; sl != nil {
		line := &InventorySublimit{Share: *sl, Base: total, Inventory: known(0)}
		if s := c.Section(agreement.Inventory); s != nil && s.advanced() {
			line.Inventory = s.Availability
		}
		switch {
		case !sl.Known():
			u.add(pathOr(sl.Path, "borrowing_base.inventory_sublimit"), sl.Unknown, "inventory_sublimit", "borrowing_base")
		case sl.Value.Sign() < 0:
			return nil, inputErr("borrowing_base.inventory_sublimit: %s; expected a share of at least 0", sl.Value)
		case total.Known:
			lim, err := max(total.Amount, 0).Mul(sl.Value)
			if err != nil {
				return nil, inputErr("borrowing_base.inventory_sublimit: %s × %s: %v", total.Amount, sl.Value, err)
			}
			line.Limit = known(lim)
			if line.Inventory.Known {
				line.Excess = known(max(line.Inventory.Amount-lim, 0))
			}
		}
		c.InventorySublimit = line
		total = subFig(total, line.Excess)
	}
	c.Commitment, c.MaxAdvances = t.Commitment, t.AdvanceCap
	for _, r := range t.BorrowingBase.Reserves {
		if !r.InForce(in.AsOf) {
			continue
		}
		rl, err := c.bbReserve(r, u)
		if err != nil {
			return nil, err
		}
		if rl.Placement == agreement.PlaceLine {
			c.LineReserves = append(c.LineReserves, rl)
			continue
		}
		c.Reserves = append(c.Reserves, rl)
		total = subFig(total, rl.Figure)
	}

	// Letters of credit.
	c.LCOutstanding, c.LCDrawn = in.LCOutstanding, in.LCDrawn
	c.LettersOfCredit = in.LCOutstanding + in.LCDrawn
	lct := t.BorrowingBase.LettersOfCredit
	if !lct.Known() {
		u.add(pathOr(lct.Path, "borrowing_base.letters_of_credit"), lct.Unknown, "letters_of_credit", "borrowing_base")
	} else {
		c.LCTreatment = lct.Value
		switch lct.Value {
		case lcDeductBB:
			c.LCDeducted = known(c.LettersOfCredit)
		case lcDeductAvail, lcNone:
			c.LCDeducted = known(0)
		default:
			return nil, inputErr("%s: %q; expected %s, %s or %s", pathOr(lct.Path, "borrowing_base.letters_of_credit"), lct.Value, lcDeductBB, lcDeductAvail, lcNone)
		}
	}
	total = subFig(total, c.LCDeducted)
	if total.Known && (total.Amount > money.MaxAmount || total.Amount < -money.MaxAmount) {
		return nil, inputErr("borrowing base out of range")
	}
	c.BorrowingBase = total
	if lo := t.BorrowingBase.LastOut; lo != nil {
		c.computeLastOut(lo, u)
	}
	c.Undetermined = u.list
	return c, nil
}

func addFig(a, b Figure) Figure {
	if !a.Known || !b.Known {
		return Figure{}
	}
	return known(a.Amount + b.Amount)
}

func subFig(a, b Figure) Figure {
	if !a.Known || !b.Known {
		return Figure{}
	}
	return known(a.Amount - b.Amount)
}

func pathOr(p, fallback string) string {
	if p != "" {
		return p
	}
	return fallback
}

// undet collects undetermined terms in the order met (deterministic).
type undet struct {
	list    []Undetermined
	lastOut *agreement.LastOut // the terms' last-out tranche (nil: none)
	// What reserves are computed from: the as-of date, the measured
	// dilution and the terms (their locations).
	asOf     date.Date
	dilution *MeasuredDilution
	terms    *agreement.Terms
}

func (u *undet) add(term, reason string, affects ...string) {
	for i := range u.list {
		if u.list[i].Term == term {
			for _, a := range affects {
				if !slices.Contains(u.list[i].Affects, a) {
					u.list[i].Affects = append(u.list[i].Affects, a)
				}
			}
			return
		}
	}
	if reason == "" {
		reason = "unknown"
	}
	u.list = append(u.list, Undetermined{Term: term, Reason: reason, Affects: append([]string(nil), affects...)})
}

// advanced reports whether the section is advanced against (by one
// component or by parts).
func (s *Section) advanced() bool { return s.Component != nil || len(s.Parts) > 0 }

// computeComponent applies the advance rate, cap and reserves of s.Component.
func computeComponent(s *Section, u *undet) error {
	f, err := applyComponent(s.Component, s.Collateral, s.Collateral, s.HasInput, s.Eligible, u, s, -1)
	if err != nil {
		return err
	}
	s.NetEligible, s.Advance, s.Cap, s.Capped, s.Reserves, s.Availability, s.NOLV, s.LastOut = f.NetEligible, f.Advance, f.Cap, f.Capped, f.Reserves, f.Availability, f.NOLV, f.LastOut
	return nil
}

// advanceFigs are the figures of a component over its eligible amount.
type advanceFigs struct {
	// NetEligible is the eligible less the reserves placed at eligible
	// (the eligible itself when there are none): what the advance rate
	// applies to.
	NetEligible  Figure
	Advance      Figure
	Cap          *Figure
	Capped       Figure
	Reserves     []ReserveLine
	Availability Figure
	// NOLV is set for a component with an appraised net orderly
	// liquidation value: Advance is then the lesser of NOLV.AtCost and
	// NOLV.Advance.
	NOLV    *NOLVFigs
	LastOut *LastOutFigs // with a last-out increment for the component
}

// NOLVFigs are an inventory component's advance at cost and against its
// net orderly liquidation value (agreement.NOLV).
type NOLVFigs struct {
	AtCost  Figure // advance rate × max(eligible, 0), rounded to the cent
	Value   Figure // NOLV rate × max(eligible, 0), rounded to the cent
	Advance Figure // NOLV advance rate × Value, rounded to the cent
}

// Binds reports whether the advance against NOLV is the lesser (the
// component's advance is then it, not the advance at cost).
func (n *NOLVFigs) Binds() bool {
	return n != nil && n.Advance.Known && n.AtCost.Known && n.Advance.Amount < n.AtCost.Amount
}

// applyComponent applies the advance rate, cap and reserves of k to
// eligible; key prefixes the figures' keys in the undetermined list; sec
// and part (-1: the whole section) are where its rows are (rent reserves).
func applyComponent(k *agreement.Component, class, key string, hasInput bool, eligible Figure, u *undet, sec *Section, part int) (advanceFigs, error) {
	f, err := applyFirstOut(k, class, key, hasInput, eligible, u, sec, part)
	if err != nil {
		return f, err
	}
	if inc := u.lastOut.Increment(k.ID); inc != nil {
		f.LastOut, err = lastOut(k, key, inc, hasInput, f.NetEligible, f, u)
	}
	return f, err
}

// applyFirstOut applies the first-out advance rate, cap and reserves: the
// reserves placed at eligible come off the eligible before the advance
// rate, those placed at the component off its availability after the cap.
func applyFirstOut(k *agreement.Component, class, key string, hasInput bool, eligible Figure, u *undet, sec *Section, part int) (f advanceFigs, err error) {
	affects := []string{key + ".advance", key + ".availability", "borrowing_base"}
	if k.Cap != nil {
		f.Cap = &Figure{}
		if k.Cap.Known() {
			*f.Cap = known(k.Cap.Value)
		} else {
			u.add(pathOr(k.Cap.Path, "borrowing_base.components."+k.ID+".cap"), k.Cap.Unknown, key+".cap", key+".availability", "borrowing_base")
		}
	}
	f.NetEligible = eligible
	var late []agreement.Reserve // placed at the component: after the cap
	for _, r := range k.Reserves {
		if !r.InForce(u.asOf) {
			continue
		}
		if r.Where(true) != agreement.PlaceEligible {
			late = append(late, r)
			continue
		}
		rl, err := u.reserve(r, agreement.PlaceEligible, k, key, eligible, Figure{}, hasInput, sec, part)
		if err != nil {
			return f, err
		}
		f.Reserves = append(f.Reserves, rl)
		f.NetEligible = subFig(f.NetEligible, rl.Figure)
	}
	eligible = f.NetEligible
	// The reserves placed at the component come off whatever availability
	// is reached (listed, undetermined, when it is not).
	defer func() {
		for _, r := range late {
			if err != nil {
				return
			}
			var rl ReserveLine
			if rl, err = u.reserve(r, agreement.PlaceComponent, k, key, f.NetEligible, f.Capped, hasInput, sec, part); err != nil {
				return
			}
			f.Reserves = append(f.Reserves, rl)
			f.Availability = subFig(f.Availability, rl.Figure)
		}
	}()
	ratePath := pathOr(k.AdvanceRate.Path, "borrowing_base.components."+k.ID+".advance_rate")
	if !k.AdvanceRate.Known() {
		u.add(ratePath, k.AdvanceRate.Unknown, affects...)
		return f, nil
	}
	if k.AdvanceRate.Value.Sign() < 0 {
		return f, inputErr("%s: %s; expected a rate of at least 0", ratePath, k.AdvanceRate.Value)
	}
	if !hasInput {
		u.add(ratePath, "no "+class+" are reported to this engine; the component's eligible amount is not known", affects...)
		return f, nil
	}
	if !eligible.Known {
		return f, nil
	}
	// A negative eligible balance (credit memos exceeding invoices) supports
	// no advance; it does not reduce the other components.
	adv, err := max(eligible.Amount, 0).Mul(k.AdvanceRate.Value)
	if err != nil {
		return f, inputErr("%s: %s × %s: %v", key, eligible.Amount, k.AdvanceRate.Value, err)
	}
	f.Advance = known(adv)
	if k.NOLV != nil {
		f.NOLV = &NOLVFigs{AtCost: f.Advance}
		f.Advance = Figure{}
		nv, na := k.NOLV.Rate, k.NOLV.AdvanceRate
		for _, t := range []agreement.Term[money.Rate]{nv, na} {
			if !t.Known() {
				u.add(t.Path, t.Unknown, affects...)
			}
		}
		if nv.Known() {
			v, err := max(eligible.Amount, 0).Mul(nv.Value)
			if err != nil {
				return f, inputErr("%s: %s × %s: %v", nv.Path, eligible.Amount, nv.Value, err)
			}
			f.NOLV.Value = known(v)
			if na.Known() {
				a, err := v.Mul(na.Value)
				if err != nil {
					return f, inputErr("%s: %s × %s: %v", na.Path, v, na.Value, err)
				}
				f.NOLV.Advance = known(a)
				f.Advance = known(money.Min(adv, a))
			}
		}
		if !f.Advance.Known {
			return f, nil
		}
	}
	f.Capped = f.Advance
	if f.Cap != nil {
		if f.Cap.Known {
			f.Capped = known(money.Min(f.Advance.Amount, f.Cap.Amount))
		} else {
			f.Capped = Figure{}
		}
	}
	f.Availability = f.Capped
	return f, nil
}

// figs are the advance figures of the section's one component.
func (s *Section) figs() advanceFigs {
	return advanceFigs{NetEligible: s.NetEligible, Advance: s.Advance, Cap: s.Cap, Capped: s.Capped, Reserves: s.Reserves, Availability: s.Availability, NOLV: s.NOLV, LastOut: s.LastOut}
}
