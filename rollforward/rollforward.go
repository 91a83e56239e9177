// Package rollforward reconciles a borrower's collateral report to the
// previous one through the period's journals: the receivables roll-forward
// (aging at P + sales − collections − credits = aging at A, in total and
// invoice by invoice), the inventory roll-forward, days sales outstanding
// and dilution over a window of periods. It is pure: data in, figures and
// their explanation out; no files, no clock. The definitions are those of
// docs/monitoring.md.
//
// A figure whose input is absent (a journal not delivered, no previous
// aging) is undetermined, with the reason, never zero.
package rollforward

import (
	"errors"
	"fmt"
	"math/big"

	"revolver/collateral"
	"revolver/date"
	"revolver/money"
)

// Period is one period (Previous, AsOf] with the reports at both ends and
// the journals between them. Any member may be nil: what needs it is then
// undetermined.
type Period struct {
	Previous, AsOf           date.Date
	PrevAging, Aging         *collateral.Receivables
	PrevInventory, Inventory *collateral.Inventory
	Journals                 collateral.Journals
}

// Figure is an amount that may be undetermined (Known false, with the
// reason).
type Figure struct {
	Amount money.Amount
	Known  bool
	Reason string
}

func known(a money.Amount) Figure { return Figure{Amount: a, Known: true} }

func undetermined(reason string) Figure { return Figure{Reason: reason} }

// String gives the amount with two decimals, or "undetermined".
func (f Figure) String() string {
	if !f.Known {
		return "undetermined"
	}
	return f.Amount.String()
}

// RateFigure is a ratio that may be undetermined.
type RateFigure struct {
	Value  money.Rate // already rounded to its places
	Places int32
	Known  bool
	Reason string
}

// String gives the value with its places, or "undetermined".
func (f RateFigure) String() string {
	if !f.Known {
		return "undetermined"
	}
	return f.Value.Fixed(f.Places)
}

// KindFigure is a figure of one kind (a credit kind).
type KindFigure struct {
	Kind string
	Figure
}

// Receivables is the receivables roll-forward of a period.
type Receivables struct {
	Beginning     Figure // gross total of the aging at P
	Sales         Figure // Σ sales.amount
	Collections   Figure // Σ collections.amount: receipts positive, returned checks negative
	ReturnedItems Figure // − Σ amounts of the returned rows (positive)
	// Credits by kind, in collateral.CreditKinds order (every kind, 0.00
	// when none), and their total.
	Credits             []KindFigure
	CreditsTotal        Figure
	ExpectedEnding      Figure // beginning + sales − collections − credits_total
	ReportedEnding      Figure // gross total of the aging at A
	UnexplainedVariance Figure // reported_ending − expected_ending
	// Exceptions are the invoice-level exceptions, one summary per kind in
	// ExceptionKinds order; nil when undetermined (ExceptionsReason says
	// why): they need both agings and the three receivables journals.
	Exceptions       []ExceptionSummary
	ExceptionsReason string
}

// Credit returns the credits of a kind (undetermined when the credits
// journal is absent or the kind unknown).
func (r *Receivables) Credit(kind string) Figure {
	for _, c := range r.Credits {
		if c.Kind == kind {
			return c.Figure
		}
	}
	return undetermined("no such credit kind " + kind)
}

// Exception returns the summary of one kind, or nil.
func (r *Receivables) Exception(kind string) *ExceptionSummary {
	for i := range r.Exceptions {
		if r.Exceptions[i].Kind == kind {
			return &r.Exceptions[i]
		}
	}
	return nil
}

// Kinds of invoice-level exception.
const (
	NotInSalesJournal  = "not_in_sales_journal" // at A, not at P, no sales row
	Dropped            = "dropped"              // at P, not at A
	BalanceDiffers     = "balance_differs"      // any other invoice whose balance at A ≠ expected
	InvoiceDateChanged = "invoice_date_changed" // invoice_date at A ≠ at P (or ≠ the sales row's when not at P)
)

// ExceptionKinds in the order they are reported.
var ExceptionKinds = []string{NotInSalesJournal, Dropped, BalanceDiffers, InvoiceDateChanged}

// ExceptionSummary is one kind of exception: how many invoices, Σ (balance
// at A − expected), and the invoices in invoice-number order.
type ExceptionSummary struct {
	Kind     string
	Count    int
	Amount   money.Amount
	Invoices []InvoiceException
}

// InvoiceException is one invoice that does not roll forward.
type InvoiceException struct {
	Kind      string
	InvoiceNo string
	DebtorID  string
	// The invoice's figures: balance at P (0 if absent), Σ of its sales,
	// collections and credits rows, expected = previous + sales −
	// collections − credits, balance at A (0 if absent), difference =
	// reported − expected (0 for invoice_date_changed).
	Previous, Sales, Collections, Credits, Expected, Reported, Difference money.Amount
	AtPrevious, AtAsOf, InSales                                           bool
	// For invoice_date_changed: the date before (at P, or the sales row's)
	// and the date at A.
	DateBefore, DateAfter date.Date
	// Rows are every input row of the invoice: the aging rows at P and A
	// and every journal row, in that order (each file's rows in line order).
	Rows []RowRef
}

// RowRef names one input row.
type RowRef struct {
	Source string // "aging_previous", "aging", "sales", "collections", "credits"
	File   string
	Line   int
}

// Inventory is the inventory roll-forward of a period.
type Inventory struct {
	Beginning           Figure // Σ extended_cost of the report at P
	Receipts            Figure // Σ amount of receipt rows
	Issues              Figure // Σ amount of issue rows (positive; they reduce stock)
	Adjustments         Figure // Σ amount of adjustment rows, signed
	ExpectedEnding      Figure // beginning + receipts − issues + adjustments
	ReportedEnding      Figure // Σ extended_cost of the report at A
	UnexplainedVariance Figure // reported_ending − expected_ending
}

// Result is the roll-forward of one period.
type Result struct {
	Previous, AsOf date.Date
	Days           int // A − P
	Receivables    Receivables
	DSO            RateFigure // reported_ending ÷ sales × days, one place
	Inventory      Inventory
	// Files names the inputs, for explanations.
	Files Files
	// counts are the input rows behind a figure, by explanation key.
	counts map[string]int
}

// Files are the names of a period's inputs ("" when absent).
type Files struct {
	PrevAging, Aging, PrevInventory, Inventory     string
	Sales, Collections, Credits, InventoryActivity string
}

// Reasons a figure is undetermined.
const (
	reasonNoPrevAging = "no aging at the previous as-of date"
	reasonNoAging     = "no aging at the as-of date"
	reasonNoSales     = "no sales journal delivered"
	reasonNoColl      = "no collections journal delivered"
	reasonNoCredits   = "no credits journal delivered"
	reasonNoPrevInv   = "no inventory report at the previous as-of date"
	reasonNoInv       = "no inventory report at the as-of date"
	reasonNoActivity  = "no inventory activity journal delivered"
	reasonZeroSales   = "no sales in the period (division by zero)"
)

// Reconcile computes the roll-forward of a period. It refuses a period
// whose as-of date is not after the previous one, and journals with rows
// dated outside the period (collateral.Journals.CheckPeriod's errors).
func Reconcile(p Period) (*Result, error) {
	if p.AsOf <= p.Previous {
		return nil, fmt.Errorf("period: as-of %s is not after the previous as-of %s", p.AsOf, p.Previous)
	}
	if err := p.Journals.CheckPeriod(p.Previous, p.AsOf); err != nil {
		return nil, err
	}
	r := &Result{Previous: p.Previous, AsOf: p.AsOf, Days: p.AsOf.Sub(p.Previous), Files: files(p), counts: counts(p)}
	if err := r.receivables(p); err != nil {
		return nil, err
	}
	if err := r.inventory(p); err != nil {
		return nil, err
	}
	r.DSO = dso(r.Receivables.ReportedEnding, r.Receivables.Sales, r.Days)
	return r, nil
}

// counts gives the number of input rows behind each figure.
func counts(p Period) map[string]int {
	c := map[string]int{}
	j := p.Journals
	if p.PrevAging != nil {
		c["receivables.beginning"] = len(p.PrevAging.Rows)
	}
	if p.Aging != nil {
		c["receivables.reported_ending"] = len(p.Aging.Rows)
	}
	if j.Sales != nil {
		c["receivables.sales"] = len(j.Sales.Rows)
	}
	if j.Collections != nil {
		c["receivables.collections"] = len(j.Collections.Rows)
		for i := range j.Collections.Rows {
			if j.Collections.Rows[i].Kind == collateral.CollectionReturned {
				c["receivables.returned_items"]++
			}
		}
	}
	if j.Credits != nil {
		c["receivables.credits_total"] = len(j.Credits.Rows)
		for i := range j.Credits.Rows {
			c["receivables.credits."+j.Credits.Rows[i].Kind]++
		}
	}
	if p.PrevInventory != nil {
		c["inventory.beginning"] = len(p.PrevInventory.Rows)
	}
	if p.Inventory != nil {
		c["inventory.reported_ending"] = len(p.Inventory.Rows)
	}
	if a := j.InventoryActivity; a != nil {
		for i := range a.Rows {
			c["inventory."+map[string]string{collateral.MoveReceipt: "receipts", collateral.MoveIssue: "issues", collateral.MoveAdjustment: "adjustments"}[a.Rows[i].Kind]]++
		}
	}
	return c
}

func files(p Period) Files {
	var f Files
	if p.PrevAging != nil {
		f.PrevAging = p.PrevAging.File
	}
	if p.Aging != nil {
		f.Aging = p.Aging.File
	}
	if p.PrevInventory != nil {
		f.PrevInventory = p.PrevInventory.File
	}
	if p.Inventory != nil {
		f.Inventory = p.Inventory.File
	}
	j := p.Journals
	if j.Sales != nil {
		f.Sales = j.Sales.File
	}
	if j.Collections != nil {
		f.Collections = j.Collections.File
	}
	if j.Credits != nil {
		f.Credits = j.Credits.File
	}
	if j.InventoryActivity != nil {
		f.InventoryActivity = j.InventoryActivity.File
	}
	return f
}

// errOverflow is returned when a sum leaves the range of money.Amount.
var errOverflow = errors.New("rollforward: a total is out of range")

// sum adds exactly, reporting overflow.
type sum struct {
	v   money.Amount
	bad bool
}

func (s *sum) add(a money.Amount) {
	v := s.v + a
	if (a > 0 && v < s.v) || (a < 0 && v > s.v) || v > money.MaxAmount || v < -money.MaxAmount {
		s.bad = true
	}
	s.v = v
}

func agingTotal(r *collateral.Receivables) (money.Amount, error) {
	var s sum
	for i := range r.Rows {
		s.add(r.Rows[i].Amount)
	}
	if s.bad {
		return 0, errOverflow
	}
	return s.v, nil
}

// combine is a figure from known figures, or the first reason.
func combine(f func(...money.Amount) money.Amount, figs ...Figure) Figure {
	vals := make([]money.Amount, len(figs))
	for i, x := range figs {
		if !x.Known {
			return undetermined(x.Reason)
		}
		vals[i] = x.Amount
	}
	return known(f(vals...))
}

func (r *Result) receivables(p Period) error {
	rv := &r.Receivables
	j := p.Journals
	if p.PrevAging != nil {
		t, err := agingTotal(p.PrevAging)
		if err != nil {
			return err
		}
		rv.Beginning = known(t)
	} else {
		rv.Beginning = undetermined(reasonNoPrevAging)
	}
	if p.Aging != nil {
		t, err := agingTotal(p.Aging)
		if err != nil {
			return err
		}
		rv.ReportedEnding = known(t)
	} else {
		rv.ReportedEnding = undetermined(reasonNoAging)
	}
	if j.Sales != nil {
		var s sum
		for i := range j.Sales.Rows {
			s.add(j.Sales.Rows[i].Amount)
		}
		if s.bad {
			return errOverflow
		}
		rv.Sales = known(s.v)
	} else {
		rv.Sales = undetermined(reasonNoSales)
	}
	if j.Collections != nil {
		var all, ret sum
		for i := range j.Collections.Rows {
			x := &j.Collections.Rows[i]
			all.add(x.Amount)
			if x.Kind == collateral.CollectionReturned {
				ret.add(-x.Amount)
			}
		}
		if all.bad || ret.bad {
			return errOverflow
		}
		rv.Collections, rv.ReturnedItems = known(all.v), known(ret.v)
	} else {
		rv.Collections, rv.ReturnedItems = undetermined(reasonNoColl), undetermined(reasonNoColl)
	}
	rv.Credits = make([]KindFigure, len(collateral.CreditKinds))
	if j.Credits != nil {
		by := make([]sum, len(collateral.CreditKinds))
		var total sum
		for i := range j.Credits.Rows {
			x := &j.Credits.Rows[i]
			by[creditIndex(x.Kind)].add(x.Amount)
			total.add(x.Amount)
		}
		for k, kind := range collateral.CreditKinds {
			if by[k].bad {
				return errOverflow
			}
			rv.Credits[k] = KindFigure{kind, known(by[k].v)}
		}
		if total.bad {
			return errOverflow
		}
		rv.CreditsTotal = known(total.v)
	} else {
		for k, kind := range collateral.CreditKinds {
			rv.Credits[k] = KindFigure{kind, undetermined(reasonNoCredits)}
		}
		rv.CreditsTotal = undetermined(reasonNoCredits)
	}
	rv.ExpectedEnding = combine(func(v ...money.Amount) money.Amount { return v[0] + v[1] - v[2] - v[3] },
		rv.Beginning, rv.Sales, rv.Collections, rv.CreditsTotal)
	rv.UnexplainedVariance = combine(func(v ...money.Amount) money.Amount { return v[0] - v[1] },
		rv.ReportedEnding, rv.ExpectedEnding)
	for _, f := range []Figure{rv.ExpectedEnding, rv.UnexplainedVariance} {
		if f.Known && (f.Amount > money.MaxAmount || f.Amount < -money.MaxAmount) {
			return errOverflow
		}
	}
	switch {
	case p.PrevAging == nil:
		rv.ExceptionsReason = reasonNoPrevAging
	case p.Aging == nil:
		rv.ExceptionsReason = reasonNoAging
	case j.Sales == nil:
		rv.ExceptionsReason = reasonNoSales
	case j.Collections == nil:
		rv.ExceptionsReason = reasonNoColl
	case j.Credits == nil:
		rv.ExceptionsReason = reasonNoCredits
	default:
		rv.Exceptions = invoiceLevel(p)
	}
	return nil
}

func creditIndex(kind string) int {
	for k, c := range collateral.CreditKinds {
		if c == kind {
			return k
		}
	}
	return 0 // the readers accept only the four kinds
}

func (r *Result) inventory(p Period) error {
	v := &r.Inventory
	total := func(inv *collateral.Inventory) (Figure, error) {
		var s sum
		for i := range inv.Rows {
			s.add(inv.Rows[i].ExtendedCost)
		}
		if s.bad {
			return Figure{}, errOverflow
		}
		return known(s.v), nil
	}
	var err error
	if p.PrevInventory != nil {
		if v.Beginning, err = total(p.PrevInventory); err != nil {
			return err
		}
	} else {
		v.Beginning = undetermined(reasonNoPrevInv)
	}
	if p.Inventory != nil {
		if v.ReportedEnding, err = total(p.Inventory); err != nil {
			return err
		}
	} else {
		v.ReportedEnding = undetermined(reasonNoInv)
	}
	if a := p.Journals.InventoryActivity; a != nil {
		var rec, iss, adj sum
		for i := range a.Rows {
			x := &a.Rows[i]
			switch x.Kind {
			case collateral.MoveReceipt:
				rec.add(x.Amount)
			case collateral.MoveIssue:
				iss.add(x.Amount)
			case collateral.MoveAdjustment:
				adj.add(x.Amount)
			}
		}
		if rec.bad || iss.bad || adj.bad {
			return errOverflow
		}
		v.Receipts, v.Issues, v.Adjustments = known(rec.v), known(iss.v), known(adj.v)
	} else {
		v.Receipts, v.Issues, v.Adjustments = undetermined(reasonNoActivity), undetermined(reasonNoActivity), undetermined(reasonNoActivity)
	}
	v.ExpectedEnding = combine(func(x ...money.Amount) money.Amount { return x[0] + x[1] - x[2] + x[3] },
		v.Beginning, v.Receipts, v.Issues, v.Adjustments)
	v.UnexplainedVariance = combine(func(x ...money.Amount) money.Amount { return x[0] - x[1] },
		v.ReportedEnding, v.ExpectedEnding)
	return nil
}

// dso is reported_ending ÷ sales × days, rounded half away from zero to
// one place.
func dso(reported, sales Figure, days int) RateFigure {
	switch {
	case !reported.Known:
		return RateFigure{Places: 1, Reason: reported.Reason}
	case !sales.Known:
		return RateFigure{Places: 1, Reason: sales.Reason}
	case sales.Amount == 0:
		return RateFigure{Places: 1, Reason: reasonZeroSales}
	}
	num := new(big.Int).Mul(big.NewInt(int64(reported.Amount)), big.NewInt(int64(days)))
	return RateFigure{Value: roundQuo(num, big.NewInt(int64(sales.Amount)), 1), Places: 1, Known: true}
}

// roundQuo returns num ÷ den rounded half away from zero to places
// decimals, exactly.
func roundQuo(num, den *big.Int, places int32) money.Rate {
	n := new(big.Int).Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))
	q, m := new(big.Int).QuoRem(n, den, new(big.Int))
	// |2m| ≥ |den|: away from zero, in the quotient's direction
	if new(big.Int).Abs(new(big.Int).Lsh(m, 1)).Cmp(new(big.Int).Abs(den)) >= 0 {
		if (n.Sign() < 0) != (den.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	rate, err := money.ParseRate(decimalText(q, places))
	if err != nil {
		panic(err) // decimalText writes a decimal
	}
	return rate
}

// decimalText writes q × 10^−places.
func decimalText(q *big.Int, places int32) string {
	s := new(big.Int).Abs(q).String()
	for int32(len(s)) <= places {
		s = "0" + s
	}
	if places > 0 {
		s = s[:len(s)-int(places)] + "." + s[len(s)-int(places):]
	}
	if q.Sign() < 0 {
		s = "-" + s
	}
	return s
}
