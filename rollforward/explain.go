package rollforward

import (
	"fmt"
	"strings"

	"revolver/explain"
)

// Explain gives the period's figures with their formulas and inputs, and
// every invoice-level exception with its rows in the files (file:line).
// d, when not nil, adds the dilution over its window.
func (r *Result) Explain(d *Dilution) *explain.Node {
	rv, v := &r.Receivables, &r.Inventory
	root := &explain.Node{Key: "rollforward", Label: fmt.Sprintf("Roll-forward (%s, %s]", r.Previous, r.AsOf), Value: fmt.Sprintf("%d days", r.Days)}
	f := r.Files
	rec := &explain.Node{Key: "receivables", Label: "Receivables roll-forward", Value: rv.UnexplainedVariance.String()}
	rec.Add(
		r.fig("receivables.beginning", "Beginning (gross total of the aging at P)", rv.Beginning, "Σ amount of the aging at "+r.Previous.String(), f.PrevAging),
		r.fig("receivables.sales", "Sales", rv.Sales, "Σ sales.amount", f.Sales),
		r.fig("receivables.collections", "Collections", rv.Collections, "Σ collections.amount (receipts positive, returned checks negative)", f.Collections),
		r.fig("receivables.returned_items", "Returned items", rv.ReturnedItems, "− Σ amount of the returned rows", f.Collections),
	)
	credits := r.fig("receivables.credits_total", "Credits", rv.CreditsTotal, "Σ credits.amount", f.Credits)
	for _, c := range rv.Credits {
		credits.Add(r.fig("receivables.credits."+c.Kind, "Credits: "+c.Kind, c.Figure, "Σ credits.amount of the "+c.Kind+" rows", f.Credits))
	}
	rec.Add(credits,
		r.fig("receivables.expected_ending", "Expected ending", rv.ExpectedEnding, "beginning + sales − collections − credits_total", ""),
		r.fig("receivables.reported_ending", "Reported ending (gross total of the aging at A)", rv.ReportedEnding, "Σ amount of the aging at "+r.AsOf.String(), f.Aging),
		r.fig("receivables.unexplained_variance", "Unexplained variance", rv.UnexplainedVariance, "reported_ending − expected_ending", ""),
	)
	ex := &explain.Node{Key: "receivables.exceptions", Label: "Invoice-level exceptions",
		Formula: "per invoice: expected = balance at P (0 if absent) + its sales − its collections − its credits; an exception when the balance at A (0 if absent) ≠ expected; amount = Σ (balance at A − expected)"}
	if rv.Exceptions == nil {
		ex.Value = "undetermined (" + rv.ExceptionsReason + ")"
	} else {
		n := 0
		for _, s := range rv.Exceptions {
			n += s.Count
			ex.Add(exceptionNode(s))
		}
		ex.Value = fmt.Sprintf("%d", n)
	}
	rec.Add(ex)
	root.Add(rec)
	root.Add(&explain.Node{Key: "dso", Label: "Days sales outstanding", Value: rateText(r.DSO),
		Formula: fmt.Sprintf("reported_ending %s ÷ sales %s × %d days, rounded half away from zero to one place", rv.ReportedEnding, rv.Sales, r.Days)})
	if d != nil {
		root.Add(d.Explain())
	}
	inv := &explain.Node{Key: "inventory", Label: "Inventory roll-forward", Value: v.UnexplainedVariance.String()}
	inv.Add(
		r.fig("inventory.beginning", "Beginning", v.Beginning, "Σ extended_cost of the inventory report at "+r.Previous.String(), f.PrevInventory),
		r.fig("inventory.receipts", "Receipts", v.Receipts, "Σ amount of the receipt rows", f.InventoryActivity),
		r.fig("inventory.issues", "Issues", v.Issues, "Σ amount of the issue rows", f.InventoryActivity),
		r.fig("inventory.adjustments", "Adjustments", v.Adjustments, "Σ amount of the adjustment rows (signed)", f.InventoryActivity),
		r.fig("inventory.expected_ending", "Expected ending", v.ExpectedEnding, "beginning + receipts − issues + adjustments", ""),
		r.fig("inventory.reported_ending", "Reported ending", v.ReportedEnding, "Σ extended_cost of the inventory report at "+r.AsOf.String(), f.Inventory),
		r.fig("inventory.unexplained_variance", "Unexplained variance", v.UnexplainedVariance, "reported_ending − expected_ending", ""),
	)
	root.Add(inv)
	return root
}

// Explain gives the dilution with its formula and periods.
func (d Dilution) Explain() *explain.Node {
	ps := make([]string, len(d.Periods))
	for i, p := range d.Periods {
		ps[i] = p.String()
	}
	n := &explain.Node{Key: "dilution", Label: "Dilution", Value: d.RatioText(),
		Formula: fmt.Sprintf("Σ credits_total ÷ Σ sales over the %d period(s) ending %s, rounded half away from zero to four places", d.WindowPeriods, strings.Join(ps, ", "))}
	if d.Known {
		n.Formula = fmt.Sprintf("credits %s ÷ sales %s over the %d period(s) ending %s, rounded half away from zero to four places", d.Credits, d.Sales, d.WindowPeriods, strings.Join(ps, ", "))
	}
	if d.Short() {
		n.Assumption = fmt.Sprintf("the window is %d periods; only %d are in the history so far", d.Window, d.WindowPeriods)
	}
	if d.Reason != "" {
		n.Value += " (" + d.Reason + ")"
	}
	return n
}

func rateText(f RateFigure) string {
	if !f.Known {
		return "undetermined (" + f.Reason + ")"
	}
	return f.String()
}

func (r *Result) fig(key, label string, f Figure, formula, file string) *explain.Node {
	n := &explain.Node{Key: key, Label: label, Value: f.String(), Formula: formula}
	if !f.Known {
		n.Value = "undetermined (" + f.Reason + ")"
	}
	if file != "" {
		n.Rows = &explain.Rows{File: file, Count: r.counts[key]}
	}
	return n
}

func exceptionNode(s ExceptionSummary) *explain.Node {
	n := &explain.Node{Key: "receivables.exceptions." + s.Kind, Label: s.Kind,
		Value: fmt.Sprintf("%d invoice(s), %s", s.Count, s.Amount)}
	switch s.Kind {
	case NotInSalesJournal:
		n.Formula = "in the aging at A, not in the aging at P, and no sales row"
	case Dropped:
		n.Formula = "in the aging at P, not in the aging at A, and its balance at A (0) ≠ expected"
	case BalanceDiffers:
		n.Formula = "any other invoice whose balance at A ≠ expected"
	case InvoiceDateChanged:
		n.Formula = "in the aging at A with another invoice_date than in the aging at P (or, when not at P, than its sales row); amount 0"
	}
	for _, e := range s.Invoices {
		n.Add(invoiceNode(e))
	}
	return n
}

func invoiceNode(e InvoiceException) *explain.Node {
	n := &explain.Node{Key: "receivables.exceptions." + e.Kind + "." + e.InvoiceNo,
		Label: fmt.Sprintf("Invoice %s (debtor %s)", e.InvoiceNo, e.DebtorID)}
	if e.Kind == InvoiceDateChanged {
		n.Value = fmt.Sprintf("invoice_date %s → %s", e.DateBefore, e.DateAfter)
	} else {
		n.Value = e.Difference.String()
		n.Formula = fmt.Sprintf("balance at A %s − expected %s (= at P %s + sales %s − collections %s − credits %s)",
			e.Reported, e.Expected, e.Previous, e.Sales, e.Collections, e.Credits)
	}
	// one child per file, its lines in order
	var cur *explain.Node
	for _, r := range e.Rows {
		if cur == nil || cur.Rows.File != r.File || cur.Key != n.Key+"."+r.Source {
			cur = &explain.Node{Key: n.Key + "." + r.Source, Label: sourceLabel(r.Source), Rows: &explain.Rows{File: r.File}}
			n.Add(cur)
		}
		cur.Rows.Count++
		cur.Rows.Lines = append(cur.Rows.Lines, r.Line)
		cur.Value = joinLines(r.File, cur.Rows.Lines)
	}
	return n
}

func sourceLabel(s string) string {
	switch s {
	case "aging_previous":
		return "Aging at P"
	case "aging":
		return "Aging at A"
	case "sales":
		return "Sales journal"
	case "collections":
		return "Collections journal"
	case "credits":
		return "Credits journal"
	}
	return s
}

func joinLines(file string, lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprintf("%s:%d", file, l)
	}
	return strings.Join(parts, ", ")
}
