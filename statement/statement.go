// Package statement is the borrower's monthly statement of a facility's
// loan account: the balances it owes at the start of a month, every
// movement of the month by what it records (advances, repayments,
// collections applied by the day they were received, returned items,
// interest by rate period and by loan, fees, costs, payments, letters of
// credit), the balances at the end, and the interest and fees then due
// with their due date (docs/statement.md).
//
// The package is pure: Build computes the statement from the facility's
// ledger transactions as known at a time (the caller filters them), the
// interest days the use case derived from the terms and the rate series,
// and the few terms the due dates need. Every figure is a sum of postings
// and names the transactions it sums, so it ties to the ledger to the
// cent.
package statement

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"revolver/calendar"
	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
)

// Owed are the accounts whose balances the borrower owes, in the order the
// statement shows them: the loans (first-out and last-out), interest, fees
// and costs billed and not yet paid or capitalised, and letter of credit
// drawings not yet reimbursed.
var Owed = []ledger.Account{ledger.Loans, ledger.LoansLastOut, ledger.InterestReceivable, ledger.FeesReceivable,
	ledger.CostsReceivable, ledger.LCDrawn}

// Memo are the accounts shown beside the balance owed but not part of
// it: the undrawn face of letters of credit outstanding (contingent) and
// the collections credited to the loans awaiting final payment of their
// items (a returned item is charged back, Security Agreement ¶8).
var Memo = []ledger.Account{ledger.LCOutstanding, ledger.CollectionsClearing}

// Section is a part of the statement: the transactions of some kinds.
type Section struct {
	Key   string
	Label string
	Kinds []ledger.Kind
}

// Sections are the statement's sections in the order it shows them. Every
// kind of ledger.Kinds belongs to exactly one; a kind added to the ledger
// is added here (a transaction of a kind no section names is shown under
// Other, so the statement still ties).
var Sections = []Section{
	{"advances", "Advances", []ledger.Kind{ledger.KindAdvance}},
	{"repayments", "Repayments", []ledger.Kind{ledger.KindRepayment}},
	{"collections", "Collections applied", []ledger.Kind{ledger.KindCollection}},
	{"returned_items", "Returned items charged back", []ledger.Kind{ledger.KindReturnedItem, ledger.KindChargeBack}},
	{"interest", "Interest accrued", []ledger.Kind{ledger.KindInterest}},
	{"interest_adjustments", "Interest adjustments", []ledger.Kind{ledger.KindInterestAdjustment}},
	{"interest_capitalised", "Interest capitalised", []ledger.Kind{ledger.KindCapitalise}},
	{"fees", "Fees", []ledger.Kind{ledger.KindFee}},
	{"costs", "Costs", []ledger.Kind{ledger.KindCost}},
	{"payments", "Payments received", []ledger.Kind{ledger.KindPayment}},
	{"letters_of_credit", "Letters of credit", []ledger.Kind{ledger.KindLCIssue, ledger.KindLCDraw, ledger.KindLCReimburse, ledger.KindLCExpire}},
	{"reversals", "Reversals", []ledger.Kind{ledger.KindReversal}},
}

// Other is the section of a transaction whose kind no section names.
var Other = Section{Key: "other", Label: "Other"}

// SectionOf is the section of a kind (Other if none names it).
func SectionOf(k ledger.Kind) Section {
	for _, s := range Sections {
		if slices.Contains(s.Kinds, k) {
			return s
		}
	}
	return Other
}

// Billing is how the terms bill interest.
const (
	BilledMonthly      = "monthly_billed"
	CapitalisedMonthly = "monthly_capitalised"
)

// Input is what a statement is computed from.
type Input struct {
	Facility string
	Year     int
	Month    time.Month
	// KnownAt is the time the transactions were known at (shown; the
	// caller filtered them: only those recorded by then).
	KnownAt time.Time
	// Transactions are the facility's ledger transactions as known at
	// KnownAt, in any order; those dated after the month are ignored.
	Transactions []ledger.Transaction
	// Days are the rates the month's interest was accrued at, a day once
	// for each rate its loans bore, in date order (ledger.DayRate, as the
	// use case derives them from the terms and the rate series); LoanDays
	// each day's interest by loan. Days without an accrual known are left
	// out by the caller.
	Days     []ledger.DayRate
	LoanDays []ledger.DayInterest
	// RatesUnknown, when set, says why the days' rates could not be
	// derived (the figures stand; the days are then unexplained).
	RatesUnknown string
	// Billing is the terms' interest billing on the month's last day
	// (BilledMonthly, CapitalisedMonthly; "" when not known, BillingUnknown
	// says why); Calendar the facility's Business Days.
	Billing        string
	BillingUnknown string
	BillingCite    explain.Cite
	Calendar       calendar.Calendar
}

// Statement is the borrower's statement of a facility for a month.
type Statement struct {
	Facility string    `json:"facility"`
	Month    string    `json:"month"` // YYYY-MM
	From     date.Date `json:"from"`
	To       date.Date `json:"to"`
	KnownAt  time.Time `json:"known_at"`
	// Opening and Closing are the balances at the end of the day before
	// From and at the end of To.
	Opening Balances `json:"opening"`
	Closing Balances `json:"closing"`
	// Sections are the month's totals by section (those with a
	// transaction), in the order of Sections.
	Sections []SectionTotal `json:"sections"`
	// Lines are the month's transactions but the daily interest
	// accruals (shown by rate period in Interest), by value date and id.
	Lines []Line `json:"lines"`
	// Collections are the collections applied by the day their items
	// were received and the day they were credited.
	Collections []CollectionDay `json:"collections"`
	Interest    Interest        `json:"interest"`
	Due         []Due           `json:"due"`
	Explain     *explain.Node   `json:"explain"`
}

// Balances are the balances of Owed and Memo, and their sum owed.
type Balances struct {
	Accounts []AccountBalance `json:"accounts"`
	Owed     money.Amount     `json:"owed"`
}

// AccountBalance is one account's balance.
type AccountBalance struct {
	Account ledger.Account `json:"account"`
	Label   string         `json:"label"`
	Owed    bool           `json:"owed"` // part of the balance owed (else a memo account)
	Amount  money.Amount   `json:"amount"`
}

// Of is the balance of an account (0 if not shown).
func (b Balances) Of(a ledger.Account) money.Amount {
	for _, x := range b.Accounts {
		if x.Account == a {
			return x.Amount
		}
	}
	return 0
}

// SectionTotal is a section's transactions of the month summed.
type SectionTotal struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
	// Amount is the change in the balance owed (Σ postings on Owed);
	// Accounts the change of each account of Owed and Memo it moved.
	Amount       money.Amount  `json:"amount"`
	Accounts     []AccountMove `json:"accounts"`
	Transactions []int64       `json:"transactions"`
	Explain      *explain.Node `json:"explain"`
	kinds        map[ledger.Kind]bool
}

// AccountMove is what transactions moved on one account.
type AccountMove struct {
	Account ledger.Account `json:"account"`
	Amount  money.Amount   `json:"amount"`
}

// Line is one transaction of the month.
type Line struct {
	Section     string      `json:"section"`
	Kind        ledger.Kind `json:"kind"`
	ValueDate   date.Date   `json:"value_date"`
	Transaction int64       `json:"transaction"`
	// Received is, for a collection, the day its items were received
	// (from the collection's memo; 0 when it does not say).
	Received date.Date `json:"received,omitzero"`
	Reverses int64     `json:"reverses,omitempty"`
	Memo     string    `json:"memo,omitempty"`
	// Amount is the change in the balance owed; Accounts the postings on
	// Owed and Memo accounts.
	Amount   money.Amount  `json:"amount"`
	Accounts []AccountMove `json:"accounts"`
}

// CollectionDay is the collections received on one day and credited on
// another: their count and sum (a credit to the loans, positive here),
// and those returned since in the month.
type CollectionDay struct {
	Received     date.Date    `json:"received,omitzero"`
	ValueDate    date.Date    `json:"value_date"`
	Count        int          `json:"count"`
	Amount       money.Amount `json:"amount"`
	Transactions []int64      `json:"transactions"`
}

// Interest is the month's interest: the accruals posted, by rate period
// and by loan.
type Interest struct {
	// Accrued is the sum of the month's daily accruals on the loans (not
	// last-out), LastOut the last-out loans' own accruals, Adjustments
	// the interest adjustments for back-valued postings.
	Accrued     money.Amount `json:"accrued"`
	LastOut     money.Amount `json:"last_out,omitzero"`
	Adjustments money.Amount `json:"adjustments"`
	Total       money.Amount `json:"total"`
	// Periods are the days grouped by the rate they bore; their interest
	// is the posted accrual of each day (on a day whose loans bore several
	// rates, each rate's exact share rounded to the cent; Rounding is what
	// those shares differ from the posted accruals by).
	Periods  []ledger.RatePeriod `json:"periods"`
	Rounding money.Amount        `json:"rounding,omitzero"`
	// Loans are each loan's share by rate period (exact daily interest
	// summed and rounded once: the shares may differ from the posted
	// accruals by cents).
	Loans []ledger.LoanPeriod `json:"loans"`
	// Unexplained are days with an accrual posted and no rate known for
	// them (not in Days).
	Unexplained []date.Date `json:"unexplained,omitempty"`
	// RatesUnknown says why the rates could not be derived, when not.
	RatesUnknown string  `json:"rates_unknown,omitempty"`
	Transactions []int64 `json:"transactions"`
}

// Due is an amount the borrower owes at the end of the month and when it
// is due.
type Due struct {
	Key     string         `json:"key"`
	Label   string         `json:"label"`
	Account ledger.Account `json:"account"`
	Amount  money.Amount   `json:"amount"`
	// DueDate is when it is due (0 when the terms leave it unknown; Basis
	// then says why).
	DueDate date.Date     `json:"due_date,omitzero"`
	Basis   string        `json:"basis"`
	Explain *explain.Node `json:"explain"`
}

// receivedRe finds the day a collection's items were received in its memo
// (app.Collect writes "received YYYY-MM-DD, credited after …").
var receivedRe = regexp.MustCompile(`\breceived (\d{4}-\d{2}-\d{2})\b`)

// ReceivedOf is the day a collection's items were received, from its memo
// (0 when the memo does not say).
func ReceivedOf(memo string) date.Date {
	m := receivedRe.FindStringSubmatch(memo)
	if m == nil {
		return 0
	}
	d, err := date.Parse(m[1])
	if err != nil {
		return 0
	}
	return d
}

// AccountLabel names an account for the statement.
func AccountLabel(a ledger.Account) string {
	switch a {
	case ledger.Loans:
		return "Loans"
	case ledger.LoansLastOut:
		return "Last-out loans"
	case ledger.InterestReceivable:
		return "Interest billed, unpaid"
	case ledger.FeesReceivable:
		return "Fees billed, unpaid"
	case ledger.CostsReceivable:
		return "Costs billed, unpaid"
	case ledger.LCDrawn:
		return "Letter of credit drawings, unreimbursed"
	case ledger.LCOutstanding:
		return "Letters of credit outstanding (undrawn face)"
	case ledger.CollectionsClearing:
		return "Collections credited to date, less items returned (clearing account)"
	}
	return string(a)
}

func shown(a ledger.Account) (owed, ok bool) {
	if slices.Contains(Owed, a) {
		return true, true
	}
	return false, slices.Contains(Memo, a)
}

// MonthOf is the first and last day of a month; an error names a month
// outside the dates the ledger holds.
func MonthOf(year int, month time.Month) (from, to date.Date, err error) {
	if month < time.January || month > time.December {
		return 0, 0, fmt.Errorf("month %d: expected 1 to 12", month)
	}
	from = date.Of(year, month, 1)
	to = from.AddMonths(1) - 1
	if from < date.Min || to > date.Max {
		return 0, 0, fmt.Errorf("month %04d-%02d: outside %s..%s", year, month, date.Min, date.Max)
	}
	return from, to, nil
}

// Build computes the statement of in's month.
func Build(in Input) (Statement, error) {
	from, to, err := MonthOf(in.Year, in.Month)
	if err != nil {
		return Statement{}, err
	}
	st := Statement{Facility: in.Facility, Month: fmt.Sprintf("%04d-%02d", in.Year, in.Month), From: from, To: to, KnownAt: in.KnownAt,
		Sections: []SectionTotal{}, Lines: []Line{}, Collections: []CollectionDay{}, Due: []Due{},
		Interest: Interest{Periods: []ledger.RatePeriod{}, Loans: []ledger.LoanPeriod{}, Transactions: []int64{}}}
	txs := slices.Clone(in.Transactions)
	slices.SortStableFunc(txs, func(a, b ledger.Transaction) int {
		return cmp.Or(cmp.Compare(a.ValueDate, b.ValueDate), cmp.Compare(a.ID, b.ID))
	})
	opening, closing := ledger.Balances{}, ledger.Balances{}
	totals := map[string]*SectionTotal{}
	moved := map[string]ledger.Balances{}
	accrued := map[date.Date]money.Amount{} // the month's accruals (not last-out) by day
	for i := range txs {
		t := &txs[i]
		if t.ValueDate > to {
			continue
		}
		closing.Apply(t)
		if t.ValueDate < from {
			opening.Apply(t)
			continue
		}
		sec := SectionOf(t.Kind)
		tot := totals[sec.Key]
		if tot == nil {
			tot = &SectionTotal{Key: sec.Key, Label: sec.Label, Transactions: []int64{}, kinds: map[ledger.Kind]bool{}}
			totals[sec.Key] = tot
			moved[sec.Key] = ledger.Balances{}
		}
		line := Line{Section: sec.Key, Kind: t.Kind, ValueDate: t.ValueDate, Transaction: t.ID, Reverses: t.Reverses, Memo: t.Memo, Accounts: []AccountMove{}}
		for _, p := range t.Postings {
			owed, ok := shown(p.Account)
			if !ok {
				continue
			}
			if owed {
				line.Amount += p.Amount
			}
			moved[sec.Key][p.Account] += p.Amount
			line.Accounts = append(line.Accounts, AccountMove{p.Account, p.Amount})
		}
		tot.Count++
		tot.Amount += line.Amount
		tot.Transactions = append(tot.Transactions, t.ID)
		tot.kinds[t.Kind] = true
		switch {
		case t.Kind == ledger.KindInterest:
			st.Interest.Transactions = append(st.Interest.Transactions, t.ID)
			if ledger.IsLastOutInterest(*t) {
				st.Interest.LastOut += line.Amount
			} else {
				st.Interest.Accrued += line.Amount
				accrued[t.ValueDate] += line.Amount
			}
			continue // shown by rate period
		case t.Kind == ledger.KindInterestAdjustment:
			st.Interest.Adjustments += line.Amount
			st.Interest.Transactions = append(st.Interest.Transactions, t.ID)
		case t.Kind == ledger.KindCollection:
			line.Received = ReceivedOf(t.Memo)
			st.addCollection(line)
		}
		st.Lines = append(st.Lines, line)
	}
	st.Opening, st.Closing = balancesOf(opening), balancesOf(closing)
	for _, sec := range append(slices.Clone(Sections), Other) {
		tot := totals[sec.Key]
		if tot == nil {
			continue
		}
		for _, a := range append(slices.Clone(Owed), Memo...) {
			if v := moved[sec.Key][a]; v != 0 {
				tot.Accounts = append(tot.Accounts, AccountMove{a, v})
			}
		}
		if tot.Accounts == nil {
			tot.Accounts = []AccountMove{}
		}
		tot.Explain = sectionExplain(tot, st.Lines)
		st.Sections = append(st.Sections, *tot)
	}
	if err := st.interest(in, accrued); err != nil {
		return st, err
	}
	st.due(in)
	if err := st.check(); err != nil {
		return st, err
	}
	st.Explain = st.explain()
	return st, nil
}

func (st *Statement) addCollection(l Line) {
	amt := -l.Amount // a credit to the loans, shown positive
	for i := range st.Collections {
		c := &st.Collections[i]
		if c.Received == l.Received && c.ValueDate == l.ValueDate {
			c.Count++
			c.Amount += amt
			c.Transactions = append(c.Transactions, l.Transaction)
			return
		}
	}
	st.Collections = append(st.Collections, CollectionDay{Received: l.Received, ValueDate: l.ValueDate, Count: 1, Amount: amt, Transactions: []int64{l.Transaction}})
}

func balancesOf(b ledger.Balances) Balances {
	out := Balances{Accounts: []AccountBalance{}}
	for _, a := range Owed {
		out.Accounts = append(out.Accounts, AccountBalance{Account: a, Label: AccountLabel(a), Owed: true, Amount: b[a]})
		out.Owed += b[a]
	}
	for _, a := range Memo {
		out.Accounts = append(out.Accounts, AccountBalance{Account: a, Label: AccountLabel(a), Amount: b[a]})
	}
	return out
}

// interest groups the month's days into rate periods and loan periods.
// A day with one rate carries its posted accrual; a day with several
// carries each rate's exact share rounded, the difference in Rounding.
func (st *Statement) interest(in Input, accrued map[date.Date]money.Amount) error {
	byDay := map[date.Date][]int{}
	var days []ledger.DayRate
	for _, d := range in.Days {
		if d.Day < st.From || d.Day > st.To {
			continue
		}
		if _, ok := accrued[d.Day]; !ok {
			continue // no accrual known for the day
		}
		byDay[d.Day] = append(byDay[d.Day], len(days))
		days = append(days, d)
	}
	var shares money.Amount
	for day, idx := range byDay {
		if len(idx) == 1 {
			days[idx[0]].Interest = accrued[day]
		}
		for _, i := range idx {
			shares += days[i].Interest
		}
	}
	var posted money.Amount
	for day, a := range accrued {
		if _, ok := byDay[day]; !ok {
			st.Interest.Unexplained = append(st.Interest.Unexplained, day)
			continue
		}
		posted += a
	}
	slices.Sort(st.Interest.Unexplained)
	st.Interest.Rounding = posted - shares
	st.Interest.Periods = ledger.RatePeriods(days)
	if st.Interest.Periods == nil {
		st.Interest.Periods = []ledger.RatePeriod{}
	}
	var loanDays []ledger.DayInterest
	for _, d := range in.LoanDays {
		if _, ok := byDay[d.Day]; ok {
			loanDays = append(loanDays, d)
		}
	}
	lp, err := ledger.LoanPeriods(loanDays)
	if err != nil {
		return err
	}
	if lp != nil {
		st.Interest.Loans = lp
	}
	st.Interest.Total = st.Interest.Accrued + st.Interest.LastOut + st.Interest.Adjustments
	st.Interest.RatesUnknown = in.RatesUnknown
	return nil
}

// due is what is due at the end of the month: interest billed (with
// monthly billed interest), fees and costs billed, not yet paid, and
// letter of credit drawings unreimbursed, due on the first Business Day
// after the month (the terms bill in arrears and state no other payment
// day).
func (st *Statement) due(in Input) {
	next := in.Calendar.OnOrAfter(st.To + 1)
	payDay := fmt.Sprintf("the first Business Day after the month (%s, the facility's %s calendar): billed monthly in arrears, the terms state no other payment day", next, in.Calendar.Name())
	add := func(key, label string, a ledger.Account, d date.Date, basis string, cite explain.Cite) {
		amt := st.Closing.Of(a)
		if amt == 0 {
			return
		}
		n := &explain.Node{Key: "due." + key, Label: label, Value: amt.String(),
			Formula: fmt.Sprintf("balance of %s at the end of %s (opening %s + the month's postings %s)", a, st.To, st.Opening.Of(a), (amt - st.Opening.Of(a)))}
		if !cite.IsZero() {
			n.Cites = []explain.Cite{cite}
		}
		if d != 0 {
			n.Add(&explain.Node{Key: "due." + key + ".date", Label: "Due", Value: d.String(), Formula: basis})
		} else {
			n.Add(&explain.Node{Key: "due." + key + ".date", Label: "Due", Value: "undetermined", Formula: basis})
		}
		st.Due = append(st.Due, Due{Key: key, Label: label, Account: a, Amount: amt, DueDate: d, Basis: basis, Explain: n})
	}
	switch in.Billing {
	case BilledMonthly:
		add("interest", "Interest", ledger.InterestReceivable, next, "interest is billed monthly (terms: pricing.billing monthly_billed); due on "+payDay, in.BillingCite)
	case CapitalisedMonthly:
		add("interest", "Interest", ledger.InterestReceivable, next, "interest is capitalised to the loans at the end of each month (terms: pricing.billing monthly_capitalised); what remains billed is due on "+payDay, in.BillingCite)
	default:
		why := in.BillingUnknown
		if why == "" {
			why = "the terms do not say how interest is billed"
		}
		add("interest", "Interest", ledger.InterestReceivable, 0, "undetermined: "+why, in.BillingCite)
	}
	add("fees", "Fees", ledger.FeesReceivable, next, "fees billed (each on its billing date or due date, as the terms set), unpaid; due on "+payDay, explain.Cite{})
	add("costs", "Costs", ledger.CostsReceivable, next, "costs billed, unpaid; due on "+payDay, explain.Cite{})
	add("lc_drawn", "Letter of credit drawings", ledger.LCDrawn, next, "drawings under letters of credit not yet reimbursed; due on "+payDay, explain.Cite{})
}

// check verifies the statement ties: for every account shown, the
// opening balance plus the sections' movements is the closing balance,
// and the lines and the interest sum to the sections.
func (st *Statement) check() error {
	for _, ab := range st.Closing.Accounts {
		sum := st.Opening.Of(ab.Account)
		for _, s := range st.Sections {
			for _, m := range s.Accounts {
				if m.Account == ab.Account {
					sum += m.Amount
				}
			}
		}
		if sum != ab.Amount {
			return fmt.Errorf("statement %s of %s: %s opening %s + movements %s, closing %s: does not tie", st.Month, st.Facility, ab.Account, st.Opening.Of(ab.Account), sum-st.Opening.Of(ab.Account), ab.Amount)
		}
	}
	var owed money.Amount
	for _, s := range st.Sections {
		owed += s.Amount
	}
	if st.Opening.Owed+owed != st.Closing.Owed {
		return fmt.Errorf("statement %s of %s: owed opening %s + movements %s, closing %s: does not tie", st.Month, st.Facility, st.Opening.Owed, owed, st.Closing.Owed)
	}
	return nil
}

// Section returns the section total of key (false if none in the month).
func (st *Statement) Section(key string) (SectionTotal, bool) {
	for _, s := range st.Sections {
		if s.Key == key {
			return s, true
		}
	}
	return SectionTotal{}, false
}

func ids(xs []int64) string {
	if len(xs) == 0 {
		return "none"
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}

func sectionExplain(s *SectionTotal, lines []Line) *explain.Node {
	n := &explain.Node{Key: "section." + s.Key, Label: s.Label, Value: s.Amount.String(),
		Formula: fmt.Sprintf("Σ postings on the accounts owed of %d transaction(s) of the month: ledger transactions %s", s.Count, ids(s.Transactions))}
	for _, l := range lines {
		if l.Section != s.Key {
			continue
		}
		label := fmt.Sprintf("%s %s (transaction %d)", l.ValueDate, l.Kind, l.Transaction)
		f := l.Memo
		if l.Received != 0 {
			f = fmt.Sprintf("received %s, credited %s; %s", l.Received, l.ValueDate, l.Memo)
		}
		if l.Reverses != 0 {
			f = fmt.Sprintf("reverses transaction %d; %s", l.Reverses, f)
		}
		n.Add(&explain.Node{Key: fmt.Sprintf("tx.%d", l.Transaction), Label: label, Value: l.Amount.String(), Formula: f})
	}
	return n
}

func (st *Statement) explain() *explain.Node {
	n := &explain.Node{Key: "statement", Label: fmt.Sprintf("Statement of %s for %s", st.Facility, st.Month), Value: st.Closing.Owed.String(),
		Formula: fmt.Sprintf("owed at the end of %s = owed at the end of %s (%s) + the month's movements; postings recorded by %s", st.To, st.From-1, st.Opening.Owed, st.KnownAt.UTC().Format(time.RFC3339))}
	bal := func(key, label string, b Balances, on date.Date) *explain.Node {
		x := &explain.Node{Key: key, Label: label, Value: b.Owed.String(), Formula: "Σ of the accounts owed, every posting value-dated on or before " + on.String()}
		for _, a := range b.Accounts {
			x.Add(&explain.Node{Key: key + "." + string(a.Account), Label: a.Label, Value: a.Amount.String()})
		}
		return x
	}
	n.Add(bal("opening", "Opening balance", st.Opening, st.From-1))
	for _, s := range st.Sections {
		n.Add(s.Explain)
	}
	in := &explain.Node{Key: "interest", Label: "Interest", Value: st.Interest.Total.String(),
		Formula: fmt.Sprintf("accrued %s + last-out %s + adjustments %s: ledger transactions %s", st.Interest.Accrued, st.Interest.LastOut, st.Interest.Adjustments, ids(st.Interest.Transactions))}
	for _, p := range st.Interest.Periods {
		in.Add(p.Explain)
	}
	if st.Interest.Rounding != 0 {
		in.Add(&explain.Node{Key: "interest.rounding", Label: "Rounding across rates", Value: st.Interest.Rounding.String(),
			Formula: "posted daily accruals − the rates' shares rounded each (days whose loans bore several rates)"})
	}
	for _, l := range st.Interest.Loans {
		in.Add(l.Explain)
	}
	n.Add(in)
	n.Add(bal("closing", "Closing balance", st.Closing, st.To))
	for _, d := range st.Due {
		n.Add(d.Explain)
	}
	return n
}
