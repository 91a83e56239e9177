package ledger

import (
	"fmt"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"revolver/calendar"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// Kinds of fees (agreement.FeeKinds).
const (
	FeeFixed           = "fixed"
	FeeUnusedLine      = "unused_line"
	FeeLetterOfCredit  = "letter_of_credit"
	FeeMonitoring      = "monitoring"
	FeeMinimumInterest = "minimum_interest"
)

// How an unused line fee counts the unused amount.
const (
	UnusedLessLoansAndLCs = "commitment_less_loans_and_letters_of_credit"
	UnusedLessLoans       = "commitment_less_loans"
)

// FeeTerms are a fee's terms in force on a day, as the fee engine needs
// them.
type FeeTerms struct {
	ID    string
	Label string
	Kind  string // one of the Fee kinds
	// Amount: a fixed fee's, a monitoring fee's per period, the minimum
	// interest of a period.
	Amount money.Amount
	// Due: when a fixed fee is due (0: the terms give no date).
	Due date.Date
	// Rate of a rate fee; Steps instead: a grid by average usage.
	Rate  money.Rate
	Steps []FeeStep
	// DayCount and its name (Basis) for a rate fee.
	DayCount DayCount
	Basis    string
	// Billing: monthly or quarterly, in arrears.
	Billing string
	// Unused: how an unused line fee counts the unused amount
	// (UnusedLessLoansAndLCs when empty).
	Unused string
	Cite   explain.Cite
	// Unknown lists the terms of the fee that are not known: the fee is
	// then undetermined (on a day it needs them).
	Unknown []Unknown
}

// FeeStep is a step of a rate grid: Rate applies when the average usage
// of the period is below UsageBelow (nil on the last step: otherwise).
type FeeStep struct {
	UsageBelow *money.Rate
	Rate       money.Rate
}

// FeeDay is one day of a billing period: the fee's terms in force that
// day (nil: the fee is not in force) and the balances at the close of the
// day.
type FeeDay struct {
	Day                           date.Date
	Fee                           *FeeTerms
	Loans, LCOutstanding, LCDrawn money.Amount
	// Commitment in force that day; CommitmentUnknown when it is not
	// known (an unused line fee needs it).
	Commitment        money.Amount
	CommitmentUnknown *Unknown
}

// FeeSegment is a run of days of a period billed at one rate and day
// count: Rate × Average × Counted/Den.
type FeeSegment struct {
	From     date.Date    `json:"from"`
	To       date.Date    `json:"to"`
	Rate     money.Rate   `json:"rate"`
	Average  money.Amount `json:"average"` // Σ balance × day weight ÷ counted days, rounded for display
	Counted  int64        `json:"counted_days"`
	Den      int64        `json:"year_days"`
	weighted int64        // Σ balance (cents) × day-count numerator, exact
}

// FeeBill is a periodic fee billed for a period.
type FeeBill struct {
	Fee    string    `json:"fee"`
	Label  string    `json:"label"`
	Kind   string    `json:"kind"`
	From   date.Date `json:"from"`
	To     date.Date `json:"to"`
	Billed date.Date `json:"billed"` // the value date of its posting
	Days   int       `json:"days"`   // days of the period the fee is in force
	// Rate fees: the segments, the basis and (with steps) the usage that
	// chose the rate.
	Segments []FeeSegment `json:"segments,omitempty"`
	Basis    string       `json:"basis,omitempty"`
	Usage    *money.Rate  `json:"usage,omitempty"`
	// Minimum interest: the minimum and the interest of the period.
	Minimum  money.Amount `json:"minimum,omitzero"`
	Interest money.Amount `json:"interest,omitzero"`
	Amount   money.Amount `json:"amount"`
	Cite     explain.Cite `json:"cite,omitzero"`
}

// FeePeriod is the billing period (monthly or quarterly, calendar months
// and quarters) that ends on or before day the latest: [from, to].
func FeePeriod(billing string, day date.Date) (from, to date.Date, err error) {
	y, m, _ := day.Civil()
	months := 1
	switch billing {
	case "monthly":
	case "quarterly":
		months = 3
	default:
		return 0, 0, invalidf("fee billing %q: expected monthly or quarterly", billing)
	}
	// The period containing day: [start, end]; when day is not its end,
	// the one before, which has ended.
	first := (int(m)-1)/months*months + 1
	start := date.Of(y, time.Month(first), 1)
	end := start.AddMonths(months) - 1
	if end != day {
		end = start - 1
		start = start.AddMonths(-months)
	}
	return start, end, nil
}

// FeeBillingDate is when the fee of a period ending on to is billed: that
// day if it is a Business Day of cal, else the next Business Day.
func FeeBillingDate(to date.Date, cal calendar.Calendar) date.Date { return cal.OnOrAfter(to) }

// BillFee computes the fee of the period [from, to] for fee (its terms on
// to), billed on billed, from its days (one per day of the period,
// ascending; days before a fee's first day in force have Fee nil) and, for
// a minimum interest fee, the interest of the period. A rate fee accrues
// each day on the day's balance at that day's rate and day count; the
// period's fee is the exact sum rounded once, half away from zero, to the
// cent. It returns an *Error with code undetermined, naming the terms by
// path, when a term the fee needs is not known on a day.
func BillFee(fee FeeTerms, from, to, billed date.Date, days []FeeDay, interest money.Amount) (FeeBill, error) {
	b := FeeBill{Fee: fee.ID, Label: fee.Label, Kind: fee.Kind, From: from, To: to, Billed: billed, Cite: fee.Cite}
	what := fmt.Sprintf("the %s for %s to %s", label(fee), from, to)
	var unknown []Unknown
	seen := map[string]bool{}
	addUnknown := func(us ...Unknown) {
		for _, u := range us {
			if k := u.Path + u.Term; !seen[k] {
				seen[k] = true
				unknown = append(unknown, u)
			}
		}
	}
	var in []FeeDay
	for _, d := range days {
		if d.Day < from || d.Day > to || d.Fee == nil || d.Fee.Kind != fee.Kind {
			continue
		}
		addUnknown(d.Fee.Unknown...)
		if fee.Kind == FeeUnusedLine && d.CommitmentUnknown != nil {
			addUnknown(*d.CommitmentUnknown)
		}
		in = append(in, d)
	}
	addUnknown(fee.Unknown...)
	if len(unknown) > 0 {
		return b, undeterminedFee(what, to, unknown)
	}
	b.Days = len(in)
	switch fee.Kind {
	case FeeMonitoring, FeeMinimumInterest:
		// A fee per period is charged for whole periods only: those whose
		// first day it is in force (a facility that closes within a
		// month pays its first monitoring fee for the next month).
		if len(in) == 0 || in[0].Day != from {
			return b, nil
		}
	}
	switch fee.Kind {
	case FeeMonitoring:
		b.Amount = fee.Amount
		return b, nil
	case FeeMinimumInterest:
		b.Minimum, b.Interest = fee.Amount, interest
		b.Amount = max(0, fee.Amount-interest)
		return b, nil
	case FeeUnusedLine, FeeLetterOfCredit:
	default:
		return b, invalidf("%s: kind %q is not billed by period", what, fee.Kind)
	}
	if len(in) == 0 {
		return b, nil
	}
	b.Basis = fee.Basis
	// The base of each day, and for a rate grid the usage of the period.
	base := make([]money.Amount, len(in))
	var used, committed int64
	for i, d := range in {
		switch fee.Kind {
		case FeeLetterOfCredit:
			base[i] = d.LCOutstanding
		case FeeUnusedLine:
			u := d.Commitment - d.Loans
			if d.Fee.Unused != UnusedLessLoans {
				u -= d.LCOutstanding + d.LCDrawn
			}
			base[i] = max(0, u)
			used += int64(d.Commitment - base[i])
			committed += int64(d.Commitment)
		}
	}
	var usage *money.Rate
	if fee.Kind == FeeUnusedLine && hasSteps(in) {
		if committed <= 0 {
			return b, &Error{Code: CodeUndetermined, ValueDate: to, Message: what + " is undetermined: the commitment is zero, so the usage that chooses the rate is not defined"}
		}
		r, err := money.Div(money.Amount(used), money.Amount(committed))
		if err != nil {
			return b, err
		}
		usage = &r
		b.Usage = usage
	}
	c := apd.BaseContext.WithPrecision(40)
	c.Rounding = apd.RoundHalfUp
	var total apd.Decimal
	var seg *FeeSegment
	for i, d := range in {
		rate := d.Fee.Rate
		if len(d.Fee.Steps) > 0 {
			rate = stepRate(d.Fee.Steps, *usage)
		}
		dc := d.Fee.DayCount
		if dc == nil {
			dc = Actual360
		}
		num, den := dc.DayFraction(d.Day)
		if den <= 0 || num < 0 {
			return b, invalidf("%s: day count fraction %d/%d on %s", what, num, den, d.Day)
		}
		if seg == nil || seg.Rate.Cmp(rate) != 0 || seg.Den != den || seg.To+1 != d.Day {
			b.Segments = append(b.Segments, FeeSegment{From: d.Day, Rate: rate, Den: den})
			seg = &b.Segments[len(b.Segments)-1]
		}
		seg.To = d.Day
		seg.Counted += num
		seg.weighted += int64(base[i]) * num
	}
	for i := range b.Segments {
		s := &b.Segments[i]
		var x apd.Decimal
		if _, err := c.Mul(&x, apd.New(s.weighted, -2), s.Rate.Decimal()); err != nil {
			return b, err
		}
		if _, err := c.Quo(&x, &x, apd.New(s.Den, 0)); err != nil {
			return b, err
		}
		if _, err := c.Add(&total, &total, &x); err != nil {
			return b, err
		}
		if s.Counted > 0 {
			var avg apd.Decimal
			if _, err := c.Quo(&avg, apd.New(s.weighted, -2), apd.New(s.Counted, 0)); err != nil {
				return b, err
			}
			a, err := money.FromDecimal(&avg)
			if err != nil {
				return b, err
			}
			s.Average = a
		}
	}
	a, err := money.FromDecimal(&total)
	if err != nil {
		return b, fmt.Errorf("%s: %w", what, err)
	}
	b.Amount = a
	return b, nil
}

func hasSteps(days []FeeDay) bool {
	for _, d := range days {
		if len(d.Fee.Steps) > 0 {
			return true
		}
	}
	return false
}

// stepRate is the rate of the first step whose UsageBelow is above usage,
// else the last step's.
func stepRate(steps []FeeStep, usage money.Rate) money.Rate {
	for _, s := range steps {
		if s.UsageBelow != nil && usage.Cmp(*s.UsageBelow) < 0 {
			return s.Rate
		}
	}
	return steps[len(steps)-1].Rate
}

func label(f FeeTerms) string {
	if f.Label != "" {
		return strings.ToLower(f.Label[:1]) + f.Label[1:] + " (" + f.ID + ")"
	}
	return "fee " + f.ID
}

func undeterminedFee(what string, day date.Date, us []Unknown) error {
	e := &Error{Code: CodeUndetermined, ValueDate: day}
	msgs := make([]string, len(us))
	for i, u := range us {
		msgs[i] = u.Message()
		e.Reasons = append(e.Reasons, Reason{Code: ReasonUndetermined, Message: u.Message(), Cite: u.Cite})
	}
	e.Message = what + " is undetermined: " + strings.Join(msgs, "; ")
	return e
}

// Formula is the bill's computation in words and figures, e.g. "0.25% ×
// average daily unused 9,000,000.00 × 90/360 = 5,625.00".
func (b FeeBill) Formula() string {
	switch b.Kind {
	case FeeMonitoring:
		return fmt.Sprintf("%s per %s", b.Amount.Grouped(), "period")
	case FeeMinimumInterest:
		return fmt.Sprintf("max(0, minimum %s − interest of the period %s) = %s", b.Minimum.Grouped(), b.Interest.Grouped(), b.Amount.Grouped())
	}
	of := "average daily unused"
	if b.Kind == FeeLetterOfCredit {
		of = "average daily face of letters of credit"
	}
	if len(b.Segments) == 0 {
		return "0.00 (the fee was not in force on a day of the period)"
	}
	parts := make([]string, len(b.Segments))
	for i, s := range b.Segments {
		parts[i] = fmt.Sprintf("%s × %s %s × %d/%d", s.Rate.Percent(), of, s.Average.Grouped(), s.Counted, s.Den)
		if len(b.Segments) > 1 {
			parts[i] += fmt.Sprintf(" (%s to %s)", s.From, s.To)
		}
	}
	return strings.Join(parts, " + ") + " = " + b.Amount.Grouped()
}

// Memo is the bill's explanation as the loan account shows it: the fee,
// the period, the formula with its rate, average balance and days, the
// usage that chose the rate, the basis and the clause.
func (b FeeBill) Memo() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s to %s (%d days): %s", firstUpper(label(FeeTerms{ID: b.Fee, Label: b.Label})), b.From, b.To, b.Days, b.Formula())
	if b.Usage != nil {
		fmt.Fprintf(&sb, "; average usage %s chose the rate", usagePercent(*b.Usage))
	}
	if b.Basis != "" {
		fmt.Fprintf(&sb, "; basis %s", b.Basis)
	}
	if !b.Cite.IsZero() {
		fmt.Fprintf(&sb, "; %s", b.Cite)
	}
	return sb.String()
}

// usagePercent shows a usage as a percentage with two decimals, rounded
// for display only (the grid compares the exact value).
func usagePercent(r money.Rate) string { return r.MulRate(money.RateFromInt(100)).Fixed(2) + "%" }

func firstUpper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Explain is the bill's explanation tree.
func (b FeeBill) Explain() *explain.Node {
	n := &explain.Node{Key: "fee." + b.Fee, Label: firstUpper(label(FeeTerms{ID: b.Fee, Label: b.Label})) + fmt.Sprintf(" %s to %s", b.From, b.To),
		Value: b.Amount.String(), Formula: b.Formula(), Cites: cites(b.Cite)}
	for i, s := range b.Segments {
		n.Add(&explain.Node{Key: fmt.Sprintf("fee.%s.segment.%d", b.Fee, i), Label: fmt.Sprintf("%s to %s at %s", s.From, s.To, s.Rate.Percent()),
			Value: s.Average.String(), Formula: fmt.Sprintf("average daily balance over %d/%d of a year", s.Counted, s.Den)})
	}
	if b.Usage != nil {
		n.Add(&explain.Node{Key: "fee." + b.Fee + ".usage", Label: "Average usage (chooses the rate)", Value: usagePercent(*b.Usage),
			Formula: "average daily amount used ÷ average daily commitment"})
	}
	return n
}

// FeeKey is the idempotency key of a fee: "fee:ID" for a fixed fee (the
// key ChargeFee uses, so that a fee is charged once), "fee:ID:TO" for the
// fee of the period ending on to.
func FeeKey(id string, to date.Date) string {
	if to == 0 {
		return "fee:" + id
	}
	return "fee:" + id + ":" + to.String()
}

// FeeBilled is the transaction billing b: debit FeesReceivable, credit
// FeeIncome on b.Billed, keyed by FeeKey, its memo the explanation. It
// returns ok=false when the amount is zero.
func FeeBilled(facility string, b FeeBill) (Transaction, bool, error) {
	if b.Amount == 0 {
		return Transaction{}, false, nil
	}
	t, err := Fee(Ref{Facility: facility, Key: FeeKey(b.Fee, b.To), ValueDate: b.Billed, Memo: b.Memo()}, b.Amount, false)
	return t, err == nil, err
}
