package ledger

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"revolver/calendar"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// Loans as positions
//
// The Loans account is one balance; the loans in it are positions derived
// from it (LoanBook): each funded advance request is a loan of the option
// it elected (a term-rate loan with its interest period from its borrowing
// date), every other debit to the Loans account (capitalised interest, a
// returned item, an advance posted without a request) is a loan of the
// default floating option (the terms' first option that is not a term
// rate), and every net credit of a day (collections, repayments) repays
// the loans in RepaymentOrder. Nothing about positions is stored: they are
// a function of the Loans postings, the elections and the loan notices, so
// a back-valued posting changes them as it changes the balance.

// RepaymentOrder is the order in which a day's net credit to the Loans
// account repays the loans: floating-rate loans first, oldest first; then
// term-rate loans whose interest period ends soonest (then oldest first).
// The Original Loan Agreement, which would say how payments are applied,
// is not among the documents held: this order is an assumption (it avoids
// breaking a term-rate loan's interest period while a floating-rate loan
// is outstanding).
const RepaymentOrder = "floating-rate loans first, oldest first; then term-rate loans whose interest period ends soonest (assumption: the Original Loan Agreement, which would say how payments are applied, is not held)"

// Borrowing is the funding of an advance request: a new loan of the option
// it elected ("" elects the default floating option) and, for a term-rate
// option, the interest period Tenor from Day.
type Borrowing struct {
	Loan   int64 // the advance request's id
	Day    date.Date
	Amount money.Amount
	Option string
	Tenor  string
}

// Notice is a borrower's notice for a loan at the end of its interest
// period: from PeriodEnd the loan is of Option, for the interest period
// Tenor when it is a term rate. Ref names it in explanations.
type Notice struct {
	Loan      int64
	PeriodEnd date.Date
	Option    string
	Tenor     string
	Ref       string
}

// LoanTerms is what the loan book needs of the terms in force on a day:
// the pricing options and the facility's business-day calendar (interest
// period ends).
type LoanTerms struct {
	Options  []Option
	Calendar calendar.Calendar
}

// FixingCalendar is the calendar whose business days count the rate
// fixing days of a loan of o: the facility's calendar.
func (t LoanTerms) FixingCalendar(o Option) calendar.Calendar { return t.Calendar }

// Option returns the option with id.
func (t LoanTerms) Option(id string) (Option, bool) {
	i := slices.IndexFunc(t.Options, func(o Option) bool { return o.ID == id })
	if i < 0 {
		return Option{}, false
	}
	return t.Options[i], true
}

// DefaultFloating is the option a loan is converted to at the end of its
// interest period when no notice was given, and the option of Loans debits
// that are not advance requests: the first option that is not a term rate.
func (t LoanTerms) DefaultFloating() (Option, bool) {
	for _, o := range t.Options {
		if !o.IsTerm() {
			return o, true
		}
	}
	return Option{}, false
}

// Period is the interest period of a loan of o for tenor from start.
func (t LoanTerms) Period(o Option, tenor string, start date.Date) (InterestPeriod, error) {
	return NewInterestPeriod(start, tenor, t.Calendar, t.FixingCalendar(o), o.FixingDays)
}

// Loan is a position in the Loans account at the close of a day.
type Loan struct {
	// ID is the advance request that funded it (0: a Loans debit that is
	// not an advance request); Name names it in explanations.
	ID        int64           `json:"id,omitempty"`
	Name      string          `json:"name"`
	Since     date.Date       `json:"since"` // its borrowing date
	Option    string          `json:"option"`
	Period    *InterestPeriod `json:"interest_period,omitempty"` // a term-rate loan's current period
	Principal money.Amount    `json:"principal"`
	// How says how its current option (and period) began: borrowed,
	// continued or converted by a notice, converted for want of one.
	How string `json:"how"`
	seq int
}

// LoanBook derives the loans of a facility day by day (Day in ascending
// order, every day from the first Loans posting): it is pure, the same
// postings, elections and notices always give the same positions.
type LoanBook struct {
	loans   []*Loan
	credit  money.Amount // a net credit no loan was left to take (≤ 0)
	notices map[noticeKey]Notice
	seq     int
	last    date.Date
}

type noticeKey struct {
	loan int64
	end  date.Date
}

// NewLoanBook is an empty book knowing the notices given.
func NewLoanBook(notices []Notice) *LoanBook {
	b := &LoanBook{notices: map[noticeKey]Notice{}}
	for _, n := range notices {
		b.notices[noticeKey{n.Loan, n.PeriodEnd}] = n
	}
	return b
}

// Day moves the book to the close of day under the terms t in force on it:
// the interest periods ending on day roll over (by the notice given for
// them, else converted to the default floating option), the day's
// borrowings become loans, and the rest of the day's net Loans movement
// net (borrowings included) is a loan of the default floating option when
// it is a debit, or repays the loans in RepaymentOrder when it is a
// credit.
func (b *LoanBook) Day(day date.Date, t LoanTerms, borrowings []Borrowing, net money.Amount) error {
	if b.last != 0 && day <= b.last {
		return invalidf("loan book: day %s after %s", day, b.last)
	}
	b.last = day
	for _, l := range b.loans {
		if l.Period == nil || l.Period.End > day {
			continue
		}
		if err := b.roll(l, day, t); err != nil {
			return err
		}
	}
	rest := net
	for _, br := range borrowings {
		rest -= br.Amount
		id := br.Option
		if id == "" {
			o, ok := t.DefaultFloating()
			if !ok {
				return undeterminedf(day, "loan %d of %s: it elects no option and the terms have no floating-rate option", br.Loan, day)
			}
			id = o.ID
		}
		o, ok := t.Option(id)
		if !ok {
			return undeterminedf(day, "loan %d of %s: the terms in force on %s have no pricing option %q", br.Loan, day, day, id)
		}
		l := &Loan{ID: br.Loan, Name: fmt.Sprintf("loan %d", br.Loan), Since: day, Option: o.ID, How: "borrowed " + day.String()}
		if o.IsTerm() {
			p, err := t.Period(o, br.Tenor, day)
			if err != nil {
				return fmt.Errorf("loan %d of %s: %w", br.Loan, day, err)
			}
			l.Period = &p
		}
		b.add(l, br.Amount)
	}
	switch {
	case rest > 0:
		o, ok := t.DefaultFloating()
		if !ok {
			return undeterminedf(day, "the Loans debit of %s that is not an advance request (%s): the terms have no floating-rate option for it", day, rest)
		}
		b.add(&Loan{Name: "other Loans debits of " + day.String(), Since: day, Option: o.ID, How: "debited " + day.String() + " (not an advance request)"}, rest)
	case rest < 0:
		b.repay(-rest)
	}
	return nil
}

// Debit adds amount, debited to the Loans account at the close of day
// after the book moved to it (capitalised interest), as a loan of the
// default floating option.
func (b *LoanBook) Debit(day date.Date, t LoanTerms, amount money.Amount, what string) error {
	if amount <= 0 {
		return nil
	}
	o, ok := t.DefaultFloating()
	if !ok {
		return undeterminedf(day, "%s of %s: the terms have no floating-rate option for it", what, day)
	}
	b.add(&Loan{Name: what + " " + day.String(), Since: day, Option: o.ID, How: what + " " + day.String()}, amount)
	return nil
}

func (b *LoanBook) add(l *Loan, amount money.Amount) {
	if amount <= 0 {
		return
	}
	// A credit left over from an earlier day is applied to the new debit.
	if b.credit < 0 {
		take := min(amount, -b.credit)
		amount -= take
		b.credit += take
	}
	if amount == 0 {
		return
	}
	b.seq++
	l.seq, l.Principal = b.seq, amount
	b.loans = append(b.loans, l)
}

func (b *LoanBook) repay(amount money.Amount) {
	order := slices.Clone(b.loans)
	sort.SliceStable(order, func(i, j int) bool {
		x, y := order[i], order[j]
		if (x.Period == nil) != (y.Period == nil) {
			return x.Period == nil
		}
		if x.Period != nil && x.Period.End != y.Period.End {
			return x.Period.End < y.Period.End
		}
		return x.seq < y.seq
	})
	for _, l := range order {
		if amount == 0 {
			break
		}
		take := min(amount, l.Principal)
		l.Principal -= take
		amount -= take
	}
	b.credit -= amount
	b.loans = slices.DeleteFunc(b.loans, func(l *Loan) bool { return l.Principal == 0 })
}

func (b *LoanBook) roll(l *Loan, day date.Date, t LoanTerms) error {
	end := l.Period.End
	n, given := b.notices[noticeKey{l.ID, end}]
	var o Option
	var ok bool
	if given {
		if o, ok = t.Option(n.Option); !ok {
			return undeterminedf(day, "%s: %s elects option %q, which the terms in force on %s do not have", l.Name, n.Ref, n.Option, day)
		}
	} else if o, ok = t.DefaultFloating(); !ok {
		return undeterminedf(day, "%s: its interest period ends on %s, no notice was given and the terms have no floating-rate option to convert it to", l.Name, end)
	}
	l.Option, l.Period = o.ID, nil
	switch {
	case given && o.IsTerm():
		p, err := t.Period(o, n.Tenor, end)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", l.Name, n.Ref, err)
		}
		l.Period = &p
		l.How = fmt.Sprintf("continued %s by %s", end, n.Ref)
		if n.Option != l.Option {
			l.How = fmt.Sprintf("converted %s by %s", end, n.Ref)
		}
	case given:
		l.How = fmt.Sprintf("converted %s by %s", end, n.Ref)
	default:
		l.How = fmt.Sprintf("converted %s to %s: no notice given for the interest period ending then (the first option that is not a term rate)", end, o.ID)
	}
	return nil
}

// Loans are the loans at the close of the last day, oldest first.
func (b *LoanBook) Loans() []Loan {
	out := make([]Loan, len(b.loans))
	for i, l := range b.loans {
		out[i] = *l
		if l.Period != nil {
			p := *l.Period
			out[i].Period = &p
		}
	}
	return out
}

// Principal is the sum of the loans.
func (b *LoanBook) Principal() money.Amount {
	var s money.Amount
	for _, l := range b.loans {
		s += l.Principal
	}
	return s
}

// Pooled is the loans of a facility whose every loan is of the default
// floating option: one position of the whole balance (nothing when the
// balance is not positive). Its interest is that of the loans it pools.
func Pooled(balance money.Amount, t LoanTerms) ([]Loan, error) {
	if balance <= 0 {
		return nil, nil
	}
	o, ok := t.DefaultFloating()
	if !ok {
		return nil, invalidf("the terms have no floating-rate option")
	}
	return []Loan{{Name: "loans", Option: o.ID, Principal: balance, How: "every loan of the facility is a " + o.ID + " loan"}}, nil
}

// LoanRateOn is the rate loan l bears on day under o, the option of that
// id in the terms in force on day; series returns a series' values by
// name. A floating-rate loan bears the series' value in force on day (for
// Daily Simple SOFR, the value looked back to); a term-rate loan the value
// of its period's series (the base and the tenor) in force on the period's
// fixing day, fixed for the period. The floor, then the margin, are
// applied. This is the one place the rate of a loan on a day is computed.
func LoanRateOn(l Loan, o Option, series func(name string) RateSeries, day date.Date) (LoanRate, error) {
	if l.Period != nil {
		name, err := SeriesFor(o.Base, l.Period.Tenor)
		if err != nil {
			return LoanRate{}, fmt.Errorf("%s: %w", l.Name, err)
		}
		r, err := o.RateOn(name, series(name), l.Period.Fixing)
		if err != nil {
			return r, RateUnknown(name, l.Period.Fixing, fmt.Sprintf("the rate of %s (%s, interest period %s to %s, fixed on %s)", l.Name, o.ID, l.Period.Start, l.Period.End, l.Period.Fixing))
		}
		return r, nil
	}
	name, err := SeriesFor(o.Base, "")
	if err != nil {
		name = o.Base // a series of the terms' own name
	}
	if o.Lookback > 0 {
		pt, err := DailySimpleSOFR(name, series(name), day, o.Lookback, calendar.USGovernmentSecurities())
		if err != nil {
			return LoanRate{}, err
		}
		return o.RateOn(name, RateSeries{pt}, pt.Effective)
	}
	r, err := o.RateOn(name, series(name), day)
	if err != nil {
		return r, RateUnknown(name, day, "interest on "+day.String())
	}
	return r, nil
}

// LoanDay is one loan's interest on a day: principal × rate × the day's
// share of a year, exact (not rounded).
type LoanDay struct {
	Loan  Loan
	Rate  LoanRate
	Exact *apd.Decimal
}

// DayInterest is a day's interest on the loans: the sum of the loans'
// exact interest, rounded once, half away from zero, to the cent.
type DayInterest struct {
	Day          date.Date
	Loans        []LoanDay
	Num, Den     int64
	DayCountName string
	Principal    money.Amount
	Amount       money.Amount
}

// AccrueLoans is the interest of day on loans, each at its rate (rates[i]
// is loans[i]'s, from LoanRateOn), by the day count dc: Σ principal × rate
// × num/den, summed exact and rounded once to the cent. With every loan at
// one rate it is AccrueDay's amount on their sum.
func AccrueLoans(day date.Date, loans []Loan, rates []LoanRate, dc DayCount, dcName string) (DayInterest, error) {
	out := DayInterest{Day: day, DayCountName: dcName}
	if dc == nil {
		dc = Actual360
	}
	num, den := dc.DayFraction(day)
	if den <= 0 || num < 0 {
		return out, invalidf("interest on %s: day count fraction %d/%d", day, num, den)
	}
	out.Num, out.Den = num, den
	c := apd.BaseContext.WithPrecision(40)
	c.Rounding = apd.RoundHalfUp
	// Loans are grouped by rate, each group's principal summed, so that
	// loans at one rate give exactly the interest of their sum.
	var sum apd.Decimal
	byRate := map[string]*apd.Decimal{}
	var order []string
	rateOf := map[string]money.Rate{}
	for i, l := range loans {
		out.Principal += l.Principal
		ld := LoanDay{Loan: l, Rate: rates[i], Exact: new(apd.Decimal)}
		if _, err := c.Mul(ld.Exact, l.Principal.Decimal(), rates[i].Rate.Decimal()); err != nil {
			return out, err
		}
		if _, err := c.Mul(ld.Exact, ld.Exact, apd.New(num, 0)); err != nil {
			return out, err
		}
		if _, err := c.Quo(ld.Exact, ld.Exact, apd.New(den, 0)); err != nil {
			return out, err
		}
		out.Loans = append(out.Loans, ld)
		k := rates[i].Rate.String()
		if byRate[k] == nil {
			byRate[k] = new(apd.Decimal)
			order = append(order, k)
			rateOf[k] = rates[i].Rate
		}
		if _, err := c.Add(byRate[k], byRate[k], l.Principal.Decimal()); err != nil {
			return out, err
		}
	}
	for _, k := range order {
		var x apd.Decimal
		if _, err := c.Mul(&x, byRate[k], rateOf[k].Decimal()); err != nil {
			return out, err
		}
		if _, err := c.Mul(&x, &x, apd.New(num, 0)); err != nil {
			return out, err
		}
		if _, err := c.Quo(&x, &x, apd.New(den, 0)); err != nil {
			return out, err
		}
		if _, err := c.Add(&sum, &sum, &x); err != nil {
			return out, err
		}
	}
	a, err := money.FromDecimal(&sum)
	if err != nil {
		return out, fmt.Errorf("interest on %s: %w", day, err)
	}
	out.Amount = a
	return out, nil
}

// Describe is the day's interest in words: each loan (loans at one rate
// together) with its rate = the series' value on the day read + margin,
// the floor when it applied, and the day count.
func (d DayInterest) Describe() string {
	var parts []string
	type group struct {
		names []string
		sum   money.Amount
		r     LoanRate
	}
	var gs []*group
	for _, l := range d.Loans {
		var g *group
		for _, x := range gs {
			if x.r.Option == l.Rate.Option && x.r.Series == l.Rate.Series && x.r.On == l.Rate.On && x.r.Rate.Cmp(l.Rate.Rate) == 0 && x.r.Note == l.Rate.Note {
				g = x
			}
		}
		if g == nil {
			g = &group{r: l.Rate}
			gs = append(gs, g)
		}
		g.names = append(g.names, l.Loan.Name)
		g.sum += l.Loan.Principal
	}
	for _, g := range gs {
		parts = append(parts, fmt.Sprintf("%s %s at %s", strings.Join(g.names, ", "), g.sum, g.r.Formula()))
	}
	return fmt.Sprintf("interest %s on %s: %s; %s, %d/%d", d.Day, d.Principal, strings.Join(parts, "; "), d.DayCountName, d.Num, d.Den)
}

// Formula is the rate in words: "4.00% (prime: prime 4.00% on 2006-01-03
// + margin 0.00%)", with the floor when it applied.
func (r LoanRate) Formula() string {
	base := fmt.Sprintf("%s %s on %s", r.Series, r.Point.Value.Percent(), r.On)
	if r.Floored {
		base = fmt.Sprintf("floor %s above %s", r.Floor.Percent(), base)
	}
	f := fmt.Sprintf("%s (%s: %s + margin %s", r.Rate.Percent(), r.Option, base, r.Margin.Percent())
	if r.Default.Sign() != 0 {
		f += " + default interest " + r.Default.Percent()
	}
	f += ")"
	if r.Note != "" {
		f += "; " + r.Note
	}
	return f
}

// LoanAccrual is the transaction posting a day's interest on the loans
// (as Accrual: one per facility and day, keyed by InterestKey), its memo
// naming each loan with its rate. ok=false when the amount is zero.
func LoanAccrual(facility string, d DayInterest) (Transaction, bool, error) {
	if d.Amount == 0 {
		return Transaction{}, false, nil
	}
	if d.Amount < 0 {
		return Transaction{}, false, invalidf("interest on %s: negative amount %s", d.Day, d.Amount)
	}
	t := Transaction{Facility: facility, Kind: KindInterest, ValueDate: d.Day, Key: InterestKey(d.Day), Memo: d.Describe(),
		Postings: []Posting{{InterestReceivable, d.Amount}, {InterestIncome, -d.Amount}}}
	return t, true, t.Validate()
}

// LoanPeriod is a run of days one loan bore one rate: the same option,
// interest period and rate, explained. Interest is the loan's share: its
// exact daily interest summed over the days and rounded once (the
// facility's posting rounds each day's sum over the loans once, so the
// shares can differ from the posted total by cents).
type LoanPeriod struct {
	Loan     int64           `json:"loan,omitempty"`
	Name     string          `json:"name"`
	Option   string          `json:"option"`
	Period   *InterestPeriod `json:"interest_period,omitempty"`
	How      string          `json:"how"`
	From     date.Date       `json:"from"`
	To       date.Date       `json:"to"` // inclusive
	Days     int             `json:"days"`
	Rate     LoanRate        `json:"rate"`
	DayCount string          `json:"day_count"`
	// Principal at the close of From and of To.
	PrincipalFrom money.Amount  `json:"principal_from"`
	PrincipalTo   money.Amount  `json:"principal_to"`
	Interest      money.Amount  `json:"interest"`
	Explain       *explain.Node `json:"explain"`
	exact         apd.Decimal
}

// LoanPeriods groups the days' loans (days in date order) into each
// loan's rate periods, each explained.
func LoanPeriods(days []DayInterest) ([]LoanPeriod, error) {
	var out []LoanPeriod
	open := map[string]int{} // loan name → index of its latest period
	c := apd.BaseContext.WithPrecision(40)
	c.Rounding = apd.RoundHalfUp
	for _, d := range days {
		for _, ld := range d.Loans {
			i, ok := open[ld.Loan.Name]
			if ok {
				p := &out[i]
				same := p.To+1 == d.Day && p.Option == ld.Loan.Option && samePeriod(p.Period, ld.Loan.Period) &&
					p.Rate.Rate.Cmp(ld.Rate.Rate) == 0 && p.Rate.Point.Effective == ld.Rate.Point.Effective && p.DayCount == d.DayCountName
				if same {
					p.To, p.Days, p.PrincipalTo = d.Day, p.Days+1, ld.Loan.Principal
					if _, err := c.Add(&p.exact, &p.exact, ld.Exact); err != nil {
						return nil, err
					}
					continue
				}
			}
			p := LoanPeriod{Loan: ld.Loan.ID, Name: ld.Loan.Name, Option: ld.Loan.Option, Period: ld.Loan.Period, How: ld.Loan.How,
				From: d.Day, To: d.Day, Days: 1, Rate: ld.Rate, DayCount: d.DayCountName, PrincipalFrom: ld.Loan.Principal, PrincipalTo: ld.Loan.Principal}
			p.exact.Set(ld.Exact)
			out = append(out, p)
			open[ld.Loan.Name] = len(out) - 1
		}
	}
	for i := range out {
		p := &out[i]
		a, err := money.FromDecimal(&p.exact)
		if err != nil {
			return nil, err
		}
		p.Interest = a
		p.Explain = p.explain()
	}
	return out, nil
}

func samePeriod(a, b *InterestPeriod) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func (p LoanPeriod) explain() *explain.Node {
	key := fmt.Sprintf("interest.%s.%s", strings.ReplaceAll(p.Name, " ", "_"), p.From)
	label := fmt.Sprintf("Interest on %s (%s) %s to %s (%d days)", p.Name, p.Option, p.From, p.To, p.Days)
	n := &explain.Node{Key: key, Label: label, Value: p.Interest.String(),
		Formula: fmt.Sprintf("Σ daily: principal at the close of each day (%s to %s) × %s × 1 day's share of a year by %s, summed exact and rounded once", p.PrincipalFrom, p.PrincipalTo, p.Rate.Rate.Percent(), p.DayCount)}
	n.Add(p.Rate.Explain(explain.Cite{}))
	what := &explain.Node{Key: key + ".loan", Label: p.Name, Value: p.Option, Formula: p.How}
	if p.Period != nil {
		what.Formula = fmt.Sprintf("%s; interest period %s %s to %s, rate fixed on %s", p.How, p.Period.Tenor, p.Period.Start, p.Period.End, p.Period.Fixing)
	}
	return n.Add(what, &explain.Node{Key: key + ".order", Label: "Repayments applied", Value: "in order", Formula: RepaymentOrder})
}

func undeterminedf(day date.Date, format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	return &Error{Code: CodeUndetermined, ValueDate: day, Message: msg + ": undetermined",
		Reasons: []Reason{{Code: ReasonUndetermined, Message: msg}}}
}
