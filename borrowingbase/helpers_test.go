package borrowingbase

import (
	"encoding/json"
	"strconv"
	"testing"

	"revolver/agreement"
	"revolver/collateral"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

var asOf = date.MustParse("2004-06-30")

func cite(doc, sec string) explain.Cite { return explain.Cite{Document: doc, Section: sec} }

func daysT(n int) *agreement.Term[int] {
	return &agreement.Term[int]{Value: n, Cite: cite("loan-agreement", "§1.1"), Assumption: "original definition not in the seed"}
}

func shareT(s string) *agreement.Term[money.Rate] {
	return &agreement.Term[money.Rate]{Value: money.MustRate(s), Cite: cite("loan-agreement", "§1.1")}
}

func valsT(v ...string) *agreement.Term[[]string] {
	return &agreement.Term[[]string]{Value: v, Cite: cite("security-agreement", "Exhibit A")}
}

func amt(s string) money.Amount {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

func crit(kind string) agreement.Criterion {
	return agreement.Criterion{ID: kind, Kind: kind, Cite: cite("loan-agreement", "§1.1")}
}

// Example receivables criteria in the order of the example facility.
func exampleReceivableCriteria() []agreement.Criterion {
	pd := crit(agreement.PastDue)
	pd.Days = daysT(90)
	pd.Assumption = "original definition not in the seed"
	ca := crit(agreement.CrossAged)
	ca.Days = daysT(90)
	ca.Share = shareT("50%")
	conc := crit(agreement.Concentration)
	conc.Share = shareT("20%")
	return []agreement.Criterion{pd, ca, crit(agreement.Affiliate), crit(agreement.Government),
		crit(agreement.Foreign), crit(agreement.Disputed), crit(agreement.Contra), conc}
}

func exampleInventoryCriteria() []agreement.Criterion {
	loc := crit(agreement.LocationCriterion)
	loc.Values = valsT("BIL", "UPS-SJC", "UPS-SDF")
	cat := crit(agreement.CategoryCriterion)
	cat.Values = valsT("work_in_process", "in_transit", "consigned", "customer_trial", "trade_show")
	sm := crit(agreement.SlowMoving)
	sm.Days = daysT(365)
	return []agreement.Criterion{loc, cat, sm, crit(agreement.Casualty)}
}

func rateT(s string) agreement.Term[money.Rate] {
	return agreement.Term[money.Rate]{Value: money.MustRate(s), Cite: cite("first-amendment", "§1(b)"), Path: "x"}
}

// exampleTerms: 80% of eligible receivables + 35% of eligible inventory
// (≤ $3,500,000) − letters of credit (First Amendment §1(b)).
func exampleTerms() *agreement.Terms {
	fa := cite("first-amendment", "§1(b)")
	fa.Amendment = "first-amendment"
	return &agreement.Terms{
		Currency: "USD",
		BorrowingBase: agreement.BorrowingBase{
			Components: []agreement.Component{
				{ID: "receivables", Collateral: agreement.Receivables, AdvanceRate: agreement.Term[money.Rate]{Value: money.MustRate("0.80"), Cite: fa, Path: "borrowing_base.components.receivables.advance_rate"}, Cite: fa},
				{ID: "inventory", Collateral: agreement.Inventory, AdvanceRate: agreement.Term[money.Rate]{Value: money.MustRate("0.35"), Cite: fa, Path: "borrowing_base.components.inventory.advance_rate"},
					Cap: &agreement.Term[money.Amount]{Value: amt("3500000.00"), Cite: fa, Path: "borrowing_base.components.inventory.cap"}, Cite: fa},
			},
			LettersOfCredit: agreement.Term[string]{Value: "deduct_from_borrowing_base", Cite: fa, Path: "borrowing_base.letters_of_credit"},
			Cite:            cite("loan-agreement", "§2.1"),
		},
		Receivables: exampleReceivableCriteria(),
		Inventory:   exampleInventoryCriteria(),
	}
}

// recvTerms: only a receivables component at 100% and the given criteria,
// so availability = eligible.
func recvTerms(crits ...agreement.Criterion) *agreement.Terms {
	return &agreement.Terms{
		Currency: "USD",
		BorrowingBase: agreement.BorrowingBase{
			Components:      []agreement.Component{{ID: "receivables", Collateral: agreement.Receivables, AdvanceRate: rateT("1")}},
			LettersOfCredit: agreement.Term[string]{Value: "deduct_from_borrowing_base"},
		},
		Receivables: crits,
	}
}

func invTerms(crits ...agreement.Criterion) *agreement.Terms {
	return &agreement.Terms{
		Currency: "USD",
		BorrowingBase: agreement.BorrowingBase{
			Components:      []agreement.Component{{ID: "inventory", Collateral: agreement.Inventory, AdvanceRate: rateT("1")}},
			LettersOfCredit: agreement.Term[string]{Value: "deduct_from_borrowing_base"},
		},
		Inventory: crits,
	}
}

// aging builds a receivables report by hand.
type aging struct {
	debtors []collateral.Debtor
	rows    []collateral.Receivable
	nos     []string
}

// debtor adds a US debtor and returns its index; mod adjusts it.
func (g *aging) debtor(id string, mod ...func(*collateral.Debtor)) int32 {
	d := collateral.Debtor{ID: id, Name: id, Country: "US", Line: int32(len(g.debtors) + 2)}
	for _, m := range mod {
		m(&d)
	}
	g.debtors = append(g.debtors, d)
	return int32(len(g.debtors) - 1)
}

// inv adds an invoice of debtor d aged `age` days (invoice date = as-of − age).
func (g *aging) inv(d int32, age int, amount string, disputed ...bool) int {
	r := collateral.Receivable{
		Line: int32(len(g.rows) + 2), Debtor: d,
		InvoiceDate: asOf.AddDays(-age), DueDate: asOf.AddDays(-age + 30),
		Amount: amt(amount), Disputed: len(disputed) > 0 && disputed[0],
	}
	g.rows = append(g.rows, r)
	g.nos = append(g.nos, "INV"+strconv.Itoa(len(g.rows)))
	return int(r.Line)
}

func (g *aging) build() *collateral.Receivables {
	return collateral.NewReceivables("receivables.csv", "debtors.csv", g.debtors, g.rows, g.nos)
}

func affiliate(d *collateral.Debtor)  { d.Affiliate = true }
func government(d *collateral.Debtor) { d.Government = true }
func aoc(d *collateral.Debtor)        { d.AssignmentOfClaims = true }
func insured(d *collateral.Debtor)    { d.CreditInsured = true }
func country(c string) func(*collateral.Debtor) {
	return func(d *collateral.Debtor) { d.Country = c }
}
func contra(a string) func(*collateral.Debtor) {
	return func(d *collateral.Debtor) { d.ContraPayable = amt(a) }
}

type stock struct{ rows []collateral.Item }

func (s *stock) item(item, loc, cat string, idleDays int, cost string) int {
	r := collateral.Item{Line: int32(len(s.rows) + 2), Item: item, Location: loc, Category: cat,
		Quantity: "1", UnitCost: cost, ExtendedCost: amt(cost), LastMovement: asOf.AddDays(-idleDays)}
	s.rows = append(s.rows, r)
	return int(r.Line)
}

func (s *stock) build() *collateral.Inventory {
	return &collateral.Inventory{File: "inventory.csv", Rows: s.rows}
}

func mustCompute(t testing.TB, in Input) *Certificate {
	t.Helper()
	if in.AsOf == 0 {
		in.AsOf = asOf
	}
	c, err := Compute(in)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return c
}

type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

func mustJSON(t fataler, c *Certificate) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// figures flattens the certificate's figures by explanation key.
func figures(c *Certificate) map[string]string {
	m := map[string]string{"borrowing_base": c.BorrowingBase.text()}
	for _, s := range c.Sections {
		k := s.Collateral
		if s.HasInput {
			m[k+".gross"] = s.Gross.String()
			m[k+".eligible"] = s.Eligible.text()
			for _, l := range s.Ineligible {
				m[k+".ineligible."+l.ID] = l.text()
			}
		}
		if s.Component != nil {
			m[k+".advance"] = s.Advance.text()
			m[k+".availability"] = s.Availability.text()
		}
	}
	return m
}

func checkFigures(t *testing.T, c *Certificate, want map[string]string) {
	t.Helper()
	got := figures(c)
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %s, want %s", k, got[k], w)
		}
	}
}
