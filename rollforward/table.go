package rollforward

import (
	"fmt"
	"strings"
)

// Table gives one period as text for people: the receivables and
// inventory roll-forwards, the exceptions by kind, dilution (d, when not
// nil) and DSO.
func Table(r *Result, d *Dilution) string {
	var b strings.Builder
	rv, v := &r.Receivables, &r.Inventory
	fmt.Fprintf(&b, "Period (%s, %s], %d days\n", r.Previous, r.AsOf, r.Days)
	row := func(label string, f Figure) {
		fmt.Fprintf(&b, "  %-28s %18s\n", label, cell(f))
	}
	b.WriteString("Receivables\n")
	row("Beginning", rv.Beginning)
	row("+ Sales", rv.Sales)
	row("− Collections", rv.Collections)
	row("  of which returned items", rv.ReturnedItems)
	for _, c := range rv.Credits {
		row("− Credits: "+c.Kind, c.Figure)
	}
	row("− Credits total", rv.CreditsTotal)
	row("= Expected ending", rv.ExpectedEnding)
	row("Reported ending", rv.ReportedEnding)
	row("Unexplained variance", rv.UnexplainedVariance)
	if rv.Exceptions == nil {
		fmt.Fprintf(&b, "  Exceptions: undetermined (%s)\n", rv.ExceptionsReason)
	} else {
		b.WriteString("  Exceptions\n")
		for _, e := range rv.Exceptions {
			fmt.Fprintf(&b, "    %-26s %5d %18s\n", e.Kind, e.Count, e.Amount.Grouped())
		}
	}
	if d != nil {
		fmt.Fprintf(&b, "Dilution over %d period(s)", d.WindowPeriods)
		if d.Short() {
			fmt.Fprintf(&b, " (window %d: fewer periods so far)", d.Window)
		}
		if d.Known {
			fmt.Fprintf(&b, ": credits %s ÷ sales %s = %s\n", d.Credits.Grouped(), d.Sales.Grouped(), d.RatioText())
		} else {
			fmt.Fprintf(&b, ": undetermined (%s)\n", d.Reason)
		}
	}
	fmt.Fprintf(&b, "DSO %s\n", rateText(r.DSO))
	b.WriteString("Inventory\n")
	row("Beginning", v.Beginning)
	row("+ Receipts", v.Receipts)
	row("− Issues", v.Issues)
	row("± Adjustments", v.Adjustments)
	row("= Expected ending", v.ExpectedEnding)
	row("Reported ending", v.ReportedEnding)
	row("Unexplained variance", v.UnexplainedVariance)
	return b.String()
}

func cell(f Figure) string {
	if !f.Known {
		return "undetermined"
	}
	return f.Amount.Grouped()
}
