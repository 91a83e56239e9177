package collateral

import (
	"errors"
	"fmt"
	"strconv"

	"revolver/date"
	"revolver/money"
)

// Preview is a report as revolver reads it under a column map and layout,
// before it is submitted: the first rows with their typed values, the
// sanity checks (rows read, totals, dates outside the period) and what the
// layout skipped; or, for a refused report, every problem with its row and
// column.
type Preview struct {
	Kind    string       `json:"kind"`
	File    string       `json:"file"`
	Columns []string     `json:"columns"` // the kind's standard columns, the order of each row's values
	Rows    []PreviewRow `json:"rows"`    // the first rows read
	// RowsRead is how many rows were read as data.
	RowsRead int `json:"rows_read"`
	// Totals are the sums of the amount columns (e.g. "amount").
	Totals map[string]money.Amount `json:"totals"`
	// Outside are rows dated outside the period (the first MaxErrors),
	// OutsideTotal how many in all.
	Outside      []*FieldError `json:"outside_period,omitempty"`
	OutsideTotal int           `json:"outside_period_total"`
	Shape        *Shape        `json:"shape,omitempty"`
	Warnings     []string      `json:"warnings,omitempty"`
	// Errors are the problems of a refused report (the first MaxErrors;
	// ErrorsTotal in all); a report with any is refused on submission.
	Errors      []*FieldError `json:"errors,omitempty"`
	ErrorsTotal int           `json:"errors_total"`
}

// PreviewRow is one row as read: its line and its values (dates
// YYYY-MM-DD, amounts with two decimals, flags true or false).
type PreviewRow struct {
	Line   int      `json:"line"`
	Values []string `json:"values"`
}

// PreviewOptions say how much to show and against what.
type PreviewOptions struct {
	Rows int // rows shown; default 10
	// Debtors is the customer master an aging is read against; nil: the
	// debtor ids of the aging are accepted as they are (with a warning).
	Debtors []Debtor
	// From and To are the period reported on: a report's dates after To
	// are outside it, a journal's dates on or before From too; 0: unchecked.
	From, To date.Date
}

// PreviewReport reads a report of a kind (CSV, or XLSX by the name's
// extension) as a submission would, and describes what it read.
func PreviewReport(kind, name string, data []byte, opt Options, p PreviewOptions) (*Preview, error) {
	spec, ok := kindSpecs[kind]
	if !ok {
		return nil, fmt.Errorf("report kind: found %q, expected one of %v", kind, Kinds)
	}
	if p.Rows <= 0 {
		p.Rows = 10
	}
	pv := &Preview{Kind: kind, File: name, Columns: spec.std, Totals: map[string]money.Amount{}}
	xlsx := isXLSX(name)
	if opt.Layout != nil {
		if sh, err := shapeReport(name, kind, data, xlsx, opt); err == nil {
			pv.Shape = &sh.shape
		}
	}
	var rows [][]string
	var lines []int
	var dates []dated
	add := func(line int, vals ...string) {
		pv.RowsRead++
		if len(rows) < p.Rows {
			rows = append(rows, vals)
			lines = append(lines, line)
		}
	}
	total := func(col string, a money.Amount) { pv.Totals[col] += a }
	var err error
	switch kind {
	case "debtors":
		var ds []Debtor
		if xlsx {
			ds, err = ReadDebtorsXLSX(name, data, opt)
		} else {
			ds, err = ReadDebtors(name, data, opt)
		}
		for _, d := range ds {
			add(int(d.Line), d.ID, d.Name, d.Country, bs(d.Government), bs(d.Affiliate), bs(d.CreditInsured), bs(d.AssignmentOfClaims), d.ContraPayable.String())
			total("contra_payable", d.ContraPayable)
		}
	case "receivables":
		debtors := p.Debtors
		if debtors == nil {
			debtors = debtorsOf(name, data, xlsx, opt)
			pv.Warnings = append(pv.Warnings, "no customer master given: the debtor ids are not checked against one")
		}
		var r *Receivables
		if xlsx {
			r, err = ReadReceivablesXLSX(name, data, "", debtors, opt)
		} else {
			r, err = ReadReceivables(name, data, "", debtors, opt)
		}
		if r != nil {
			for i, x := range r.Rows {
				add(int(x.Line), r.DebtorID(i), r.InvoiceNo(i), x.InvoiceDate.String(), x.DueDate.String(), x.Amount.String(), opt.currency(), bs(x.Disputed))
				total("amount", x.Amount)
				dates = append(dates, dated{int(x.Line), "invoice_date", x.InvoiceDate, false})
			}
		}
	case "inventory":
		var v *Inventory
		if xlsx {
			v, err = ReadInventoryXLSX(name, data, opt)
		} else {
			v, err = ReadInventory(name, data, opt)
		}
		if v != nil {
			for _, it := range v.Rows {
				add(int(it.Line), it.Item, it.Description, it.Location, it.Category, it.Quantity, it.UnitCost, it.ExtendedCost.String(), it.LastMovement.String())
				total("extended_cost", it.ExtendedCost)
				dates = append(dates, dated{int(it.Line), "last_movement_date", it.LastMovement, false})
			}
		}
	case "sales":
		var j *SalesJournal
		if j, err = ReadSales(name, data, opt); j != nil {
			for _, x := range j.Rows {
				add(x.Line, x.DebtorID, x.InvoiceNo, x.InvoiceDate.String(), x.DueDate.String(), x.Amount.String(), x.Currency)
				total("amount", x.Amount)
				dates = append(dates, dated{x.Line, "invoice_date", x.InvoiceDate, true})
			}
		}
	case "collections":
		var j *CollectionsJournal
		if j, err = ReadCollections(name, data, opt); j != nil {
			for _, x := range j.Rows {
				add(x.Line, x.Date.String(), x.DebtorID, x.InvoiceNo, x.Kind, x.CheckNo, x.Batch, x.Amount.String())
				total("amount", x.Amount)
				dates = append(dates, dated{x.Line, "date", x.Date, true})
			}
		}
	case "credits":
		var j *CreditsJournal
		if j, err = ReadCredits(name, data, opt); j != nil {
			for _, x := range j.Rows {
				add(x.Line, x.Date.String(), x.DebtorID, x.InvoiceNo, x.MemoNo, x.Kind, x.Amount.String())
				total("amount", x.Amount)
				dates = append(dates, dated{x.Line, "date", x.Date, true})
			}
		}
	case "inventory_activity":
		var j *InventoryActivity
		if j, err = ReadInventoryActivity(name, data, opt); j != nil {
			for _, x := range j.Rows {
				add(x.Line, x.Date.String(), x.Item, x.Location, x.Kind, x.Quantity, x.UnitCost, x.Amount.String())
				total("amount", x.Amount)
				dates = append(dates, dated{x.Line, "date", x.Date, true})
			}
		}
	}
	if err != nil {
		var es *Errors
		if !errors.As(err, &es) {
			return nil, err
		}
		pv.Errors, pv.ErrorsTotal = es.List, es.Total
		pv.RowsRead, rows, lines = 0, nil, nil
		pv.Totals = map[string]money.Amount{}
		return pv, nil
	}
	for i := range rows {
		pv.Rows = append(pv.Rows, PreviewRow{Line: lines[i], Values: rows[i]})
	}
	for _, d := range dates {
		after := p.To != 0 && d.d > p.To
		before := d.journal && p.From != 0 && d.d <= p.From
		if !after && !before {
			continue
		}
		pv.OutsideTotal++
		if len(pv.Outside) < MaxErrors {
			exp := "a date on or before " + p.To.String()
			if d.journal && p.From != 0 {
				exp = fmt.Sprintf("a date after %s and on or before %s", p.From, p.To)
			}
			pv.Outside = append(pv.Outside, &FieldError{File: name, Line: d.line, Column: d.col, Value: d.d.String(), Expected: exp})
		}
	}
	if pv.OutsideTotal > 0 {
		pv.Warnings = append(pv.Warnings, plural(pv.OutsideTotal, "row")+" dated outside the period")
	}
	if pv.Shape != nil {
		subs, tots := 0, 0
		for _, s := range pv.Shape.Skipped {
			switch s.Role {
			case RoleSubtotal:
				subs++
			case RoleTotal:
				tots++
			}
		}
		if subs+tots > 0 {
			pv.Warnings = append(pv.Warnings, fmt.Sprintf("%s and %s checked against the detail (they agree)", plural(subs, "subtotal"), plural(tots, "total")))
		} else {
			pv.Warnings = append(pv.Warnings, "no total rows found: nothing to check the detail against")
		}
	}
	return pv, nil
}

type dated struct {
	line    int
	col     string
	d       date.Date
	journal bool
}

func bs(b bool) string { return strconv.FormatBool(b) }

// debtorsOf is a customer master of the debtor ids an aging names, for a
// preview without one.
func debtorsOf(name string, data []byte, xlsx bool, opt Options) []Debtor {
	sh, err := shapeReport(name, "receivables", data, xlsx, opt)
	if err != nil {
		return nil
	}
	t, ok := sh.table("receivables", ReceivableColumns, opt)
	if !ok {
		return nil
	}
	c := t.col("debtor_id", ReceivableColumns)
	seen := map[string]bool{}
	var out []Debtor
	for _, r := range sh.rows[1:] {
		if c < len(r) {
			id := trimString(r[c])
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, Debtor{ID: id})
			}
		}
	}
	return out
}

func trimString(s string) string { return string(trimSpace([]byte(s))) }
