package collateral

import (
	"slices"
	"testing"

	"revolver/date"
)

func TestPreviewQuickBooksAging(t *testing.T) {
	pv, err := PreviewReport("receivables", "qb-aging.csv", layoutFile(t, "qb-aging.csv"), qbMap.Options(""),
		PreviewOptions{Rows: 2, To: date.Of(2026, 3, 24)})
	if err != nil {
		t.Fatal(err)
	}
	if pv.RowsRead != 6 || len(pv.Rows) != 2 || pv.Totals["amount"].String() != "13697.56" || pv.ErrorsTotal != 0 {
		t.Fatalf("got %+v", pv)
	}
	if got, want := pv.Rows[1].Values, []string{"Beta Corp", "CM-7", "2026-03-05", "2026-03-05", "-12.00", "USD", "false"}; !slices.Equal(got, want) || pv.Rows[1].Line != 8 {
		t.Errorf("row 2: got %d %q, want 8 %q", pv.Rows[1].Line, got, want)
	}
	// invoice 1002 is dated 2026-01-15 and PMT-1 2026-03-25: one after the period's end
	if pv.OutsideTotal != 1 || pv.Outside[0].Line != 13 {
		t.Errorf("outside: %d %v", pv.OutsideTotal, pv.Outside)
	}
	wantWarn := []string{"no customer master given: the debtor ids are not checked against one", "1 row dated outside the period", "3 subtotals and 1 total checked against the detail (they agree)"}
	if !slices.Equal(pv.Warnings, wantWarn) {
		t.Errorf("warnings %q, want %q", pv.Warnings, wantWarn)
	}
	if pv.Shape == nil || pv.Shape.HeaderLine != 5 {
		t.Errorf("shape %+v", pv.Shape)
	}
	// A refused file: its problems, no rows.
	pv, err = PreviewReport("receivables", "qb-aging-bad-subtotal.csv", layoutFile(t, "qb-aging-bad-subtotal.csv"), qbMap.Options(""), PreviewOptions{Debtors: layoutDebtors(t)})
	if err != nil {
		t.Fatal(err)
	}
	if pv.ErrorsTotal != 1 || pv.Errors[0].Line != 14 || pv.RowsRead != 0 || len(pv.Rows) != 0 {
		t.Errorf("refused: %+v", pv)
	}
}
