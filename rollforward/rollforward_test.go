package rollforward

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"revolver/collateral"
	"revolver/date"
	"revolver/money"
)

// example is the worked example of docs/monitoring.md, built in memory.
func example(t *testing.T) Period {
	t.Helper()
	P, A := date.MustParse("2004-01-31"), date.MustParse("2004-02-29")
	d := date.MustParse
	debtors := []collateral.Debtor{{ID: "C1"}, {ID: "C2"}}
	recv := func(file string, nos []string, rows []collateral.Receivable) *collateral.Receivables {
		for i := range rows {
			rows[i].Line = int32(i + 2)
		}
		return collateral.NewReceivables(file, "debtors.csv", debtors, rows, nos)
	}
	pa := recv("p/receivables.csv", []string{"I1", "I2", "I3", "I7"}, []collateral.Receivable{
		{Debtor: 0, InvoiceDate: d("2004-01-10"), Amount: 100000},
		{Debtor: 0, InvoiceDate: d("2004-01-20"), Amount: 50000},
		{Debtor: 1, InvoiceDate: d("2004-01-25"), Amount: 30000},
		{Debtor: 1, InvoiceDate: d("2004-01-05"), Amount: 12000},
	})
	a := recv("a/receivables.csv", []string{"I2", "I3", "I4", "I5", "I6"}, []collateral.Receivable{
		{Debtor: 0, InvoiceDate: d("2004-01-20"), Amount: 45000},
		{Debtor: 1, InvoiceDate: d("2004-02-24"), Amount: 30000},
		{Debtor: 0, InvoiceDate: d("2004-02-10"), Amount: 60000},
		{Debtor: 1, InvoiceDate: d("2004-02-20"), Amount: 40000},
		{Debtor: 0, InvoiceDate: d("2004-02-28"), Amount: 25000},
	})
	inv := func(file string, costs ...money.Amount) *collateral.Inventory {
		v := &collateral.Inventory{File: file}
		for i, c := range costs {
			v.Rows = append(v.Rows, collateral.Item{Line: int32(i + 2), ExtendedCost: c})
		}
		return v
	}
	return Period{Previous: P, AsOf: A, PrevAging: pa, Aging: a,
		PrevInventory: inv("p/inventory.csv", 5000, 10000), Inventory: inv("a/inventory.csv", 7500, 7500),
		Journals: collateral.Journals{
			Sales: &collateral.SalesJournal{File: "sales.csv", Rows: []collateral.SaleRow{
				{Line: 2, DebtorID: "C1", InvoiceNo: "I4", InvoiceDate: d("2004-02-10"), Amount: 80000},
				{Line: 3, DebtorID: "C2", InvoiceNo: "I5", InvoiceDate: d("2004-02-20"), Amount: 40000},
			}},
			Collections: &collateral.CollectionsJournal{File: "collections.csv", Rows: []collateral.CollectionRow{
				{Line: 2, Date: d("2004-02-09"), InvoiceNo: "I1", Kind: "receipt", Amount: 100000},
				{Line: 3, Date: d("2004-02-12"), InvoiceNo: "I3", Kind: "receipt", Amount: 30000},
				{Line: 4, Date: d("2004-02-16"), InvoiceNo: "I3", Kind: "returned", Amount: -30000},
				{Line: 5, Date: d("2004-02-25"), InvoiceNo: "I4", Kind: "receipt", Amount: 20000},
			}},
			Credits: &collateral.CreditsJournal{File: "credits.csv", Rows: []collateral.CreditRow{
				{Line: 2, Date: d("2004-02-15"), InvoiceNo: "I2", Kind: "allowance", Amount: 5000},
				{Line: 3, Date: d("2004-02-27"), InvoiceNo: "I5", Kind: "discount", Amount: 800},
			}},
			InventoryActivity: &collateral.InventoryActivity{File: "inventory_activity.csv", Rows: []collateral.InventoryMove{
				{Line: 2, Date: d("2004-02-05"), Kind: "receipt", Amount: 3000},
				{Line: 3, Date: d("2004-02-18"), Kind: "issue", Amount: 2500},
				{Line: 4, Date: d("2004-02-26"), Kind: "adjustment", Amount: -500},
			}},
		}}
}

// TestWorkedExample checks the figures derived by hand in
// docs/monitoring.md.
func TestWorkedExample(t *testing.T) {
	r, err := Reconcile(example(t))
	if err != nil {
		t.Fatal(err)
	}
	rv := &r.Receivables
	for _, c := range []struct {
		name string
		f    Figure
		want string
	}{
		{"beginning", rv.Beginning, "1920.00"}, {"sales", rv.Sales, "1200.00"}, {"collections", rv.Collections, "1200.00"},
		{"returned_items", rv.ReturnedItems, "300.00"}, {"allowance", rv.Credit("allowance"), "50.00"},
		{"discount", rv.Credit("discount"), "8.00"}, {"return", rv.Credit("return"), "0.00"}, {"credits_total", rv.CreditsTotal, "58.00"},
		{"expected_ending", rv.ExpectedEnding, "1862.00"}, {"reported_ending", rv.ReportedEnding, "2000.00"},
		{"unexplained_variance", rv.UnexplainedVariance, "138.00"},
		{"inventory beginning", r.Inventory.Beginning, "150.00"}, {"receipts", r.Inventory.Receipts, "30.00"},
		{"issues", r.Inventory.Issues, "25.00"}, {"adjustments", r.Inventory.Adjustments, "-5.00"},
		{"inventory expected", r.Inventory.ExpectedEnding, "150.00"}, {"inventory variance", r.Inventory.UnexplainedVariance, "0.00"},
	} {
		if c.f.String() != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.f, c.want)
		}
	}
	for _, c := range []struct {
		kind, invoice string
		amount        string
	}{{NotInSalesJournal, "I6", "250.00"}, {Dropped, "I7", "-120.00"}, {BalanceDiffers, "I5", "8.00"}, {InvoiceDateChanged, "I3", "0.00"}} {
		s := rv.Exception(c.kind)
		if s.Count != 1 || s.Amount.String() != c.amount || s.Invoices[0].InvoiceNo != c.invoice {
			t.Errorf("%s: %+v", c.kind, s)
		}
	}
	i3 := rv.Exception(InvoiceDateChanged).Invoices[0]
	var rows []string
	for _, x := range i3.Rows {
		rows = append(rows, x.Source+" "+x.File+":"+itoa(x.Line))
	}
	if got := strings.Join(rows, ", "); got != "aging_previous p/receivables.csv:4, aging a/receivables.csv:3, collections collections.csv:3, collections collections.csv:4" {
		t.Errorf("I3 rows: %s", got)
	}
	if r.DSO.String() != "48.3" || r.Days != 29 {
		t.Errorf("DSO %s over %d days", r.DSO, r.Days)
	}
	d, err := DilutionOver([]*Result{r}, 3)
	if err != nil || d.RatioText() != "0.0483" || d.WindowPeriods != 1 || !d.Short() {
		t.Errorf("dilution %+v %v", d, err)
	}
	b := AppendPeriodJSON(nil, r, &d, []byte(`{"borrowing_base":"1.00"}`), nil)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 7 || m["dso"] != "48.3" || m["borrowing_base"] == nil {
		t.Errorf("keys %v", keys(m))
	}
	if !strings.HasPrefix(string(b), `{"as_of":"2004-02-29","previous_as_of":"2004-01-31","receivables":{"beginning":"1920.00",`) {
		t.Errorf("JSON %s", b)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(ks, " ")
}

// TestAbsentInputs: a figure whose input is absent is undetermined, with
// the reason, never zero; what does not need it is still computed.
func TestAbsentInputs(t *testing.T) {
	p := example(t)
	p.Journals.Credits = nil
	p.Journals.InventoryActivity = nil
	r, err := Reconcile(p)
	if err != nil {
		t.Fatal(err)
	}
	rv := &r.Receivables
	if rv.CreditsTotal.Known || rv.ExpectedEnding.Known || rv.UnexplainedVariance.Known || rv.Credit("allowance").Known ||
		rv.Exceptions != nil || rv.ExceptionsReason != "no credits journal delivered" || rv.ExpectedEnding.Reason != "no credits journal delivered" {
		t.Errorf("credits absent: %+v", rv)
	}
	if !rv.Sales.Known || !rv.Collections.Known || !r.DSO.Known {
		t.Errorf("figures without credits: %+v %+v", rv, r.DSO)
	}
	if r.Inventory.Receipts.Known || r.Inventory.ExpectedEnding.Known || !r.Inventory.ReportedEnding.Known {
		t.Errorf("inventory: %+v", r.Inventory)
	}
	d, _ := DilutionOver([]*Result{r}, 3)
	if d.Known || d.RatioKnown || !strings.Contains(d.Reason, "credits undetermined") {
		t.Errorf("dilution %+v", d)
	}
	b, _ := r.MarshalJSON()
	for _, want := range []string{`"credits":null`, `"credits_total":null`, `"exceptions":null`, `"receipts":null`, `"sales":"1200.00"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	p = example(t)
	p.PrevAging, p.Journals.Sales = nil, nil
	r, err = Reconcile(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Receivables.Beginning.Known || r.DSO.Known || r.DSO.Reason != "no sales journal delivered" || r.Receivables.ExceptionsReason != "no aging at the previous as-of date" {
		t.Errorf("%+v %+v", r.Receivables, r.DSO)
	}
}

func TestRejectsOutOfPeriodRows(t *testing.T) {
	p := example(t)
	p.Journals.Credits.Rows[0].Date = p.Previous
	if _, err := Reconcile(p); err == nil || !strings.Contains(err.Error(), `credits.csv:2: column "date": found "2004-01-31", expected a date after 2004-01-31 and on or before 2004-02-29`) {
		t.Fatalf("got %v", err)
	}
	p = example(t)
	p.AsOf = p.Previous
	if _, err := Reconcile(p); err == nil {
		t.Fatal("a period of no days")
	}
}

// TestRounding: DSO and dilution round half away from zero, exactly.
func TestRounding(t *testing.T) {
	for _, c := range []struct {
		reported, sales money.Amount
		days            int
		want            string
	}{
		{100, 40, 1, "2.5"}, {1, 20, 1, "0.1"}, {-1, 20, 1, "-0.1"}, {1, 21, 1, "0.0"}, {-1, 21, 1, "0.0"},
		{25, 1000, 3, "0.1"}, {-25, 1000, 3, "-0.1"}, {2000_00, 1200_00, 29, "48.3"}, {1, 3, 1, "0.3"}, {5, 100, 1, "0.1"},
	} {
		got := dso(known(c.reported), known(c.sales), c.days)
		if got.String() != c.want {
			t.Errorf("%s ÷ %s × %d = %s, want %s", c.reported, c.sales, c.days, got, c.want)
		}
	}
	mk := func(sales, credits money.Amount) *Result {
		return &Result{Receivables: Receivables{Sales: known(sales), CreditsTotal: known(credits)}}
	}
	for _, c := range []struct {
		rs   []*Result
		w    int
		want string
		n    int
	}{
		{[]*Result{mk(20000, 1)}, 3, "0.0001", 1},   // 0.00005 → 0.0001
		{[]*Result{mk(20001, 1)}, 3, "0.0000", 1},   // just under half
		{[]*Result{mk(-20000, 1)}, 3, "-0.0001", 1}, // negative sales: away from zero
		{[]*Result{mk(100, 50), mk(100, 0), mk(100, 10), mk(100, 20)}, 3, "0.1000", 3},
		{[]*Result{mk(0, 5)}, 3, "undetermined", 1},
	} {
		d, err := DilutionOver(c.rs, c.w)
		if err != nil || d.RatioText() != c.want || d.WindowPeriods != c.n {
			t.Errorf("%d periods, window %d: %s over %d (%v), want %s over %d", len(c.rs), c.w, d.RatioText(), d.WindowPeriods, err, c.want, c.n)
		}
	}
	if _, err := DilutionOver(nil, 3); err == nil {
		t.Error("no period")
	}
	if _, err := DilutionOver([]*Result{mk(1, 1)}, 0); err == nil {
		t.Error("window 0")
	}
}
