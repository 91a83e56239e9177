package collateral

import (
	"bytes"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Spreadsheets (.xlsx) hold the same columns as the CSV files, on the first
// sheet or on a sheet named like the report ("debtors", "receivables",
// "inventory"). Row r of the sheet is "line" r in messages. Dates may be
// ISO text or spreadsheet dates.

// isXLSX tells the format by the file name.
func isXLSX(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".xlsx" || ext == ".xlsm"
}

// sheetRows returns the rows of the report's sheet.
func sheetRows(name, kind string, data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, &Errors{List: []*FieldError{{File: name, Value: "a file that is not a readable spreadsheet (" + err.Error() + ")", Expected: "an .xlsx workbook"}}, Total: 1}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &Errors{List: []*FieldError{{File: name, Value: "a workbook without sheets", Expected: "a sheet with a header row"}}, Total: 1}
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s), kind) {
			sheet = s
			break
		}
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, &Errors{List: []*FieldError{{File: name, Value: fmt.Sprintf("sheet %q unreadable (%v)", sheet, err), Expected: "a sheet with a header row"}}, Total: 1}
	}
	return rows, nil
}

// headerRows resolves a spreadsheet's header row.
func headerRows(t *table, rows [][]string, std []string, opt Options) bool {
	if len(rows) == 0 || len(rows[0]) == 0 {
		t.errs.add(&FieldError{File: t.file, Value: "an empty sheet",
			Expected: "a header row with the columns " + strings.Join(std, ",")})
		return false
	}
	return t.resolve(rows[0], std, opt)
}

// ReadDebtorsXLSX reads a customer master from a spreadsheet.
func ReadDebtorsXLSX(name string, data []byte, opt Options) ([]Debtor, error) {
	rows, err := sheetRows(name, "debtors", data)
	if err != nil {
		return nil, err
	}
	return readDebtorsRows(name, rows, opt)
}

// ReadReceivablesXLSX reads an aging from a spreadsheet.
func ReadReceivablesXLSX(name string, data []byte, debtorsFile string, debtors []Debtor, opt Options) (*Receivables, error) {
	rows, err := sheetRows(name, "receivables", data)
	if err != nil {
		return nil, err
	}
	return readReceivablesRows(name, rows, debtorsFile, debtors, opt)
}

// ReadInventoryXLSX reads an inventory valuation from a spreadsheet.
func ReadInventoryXLSX(name string, data []byte, opt Options) (*Inventory, error) {
	rows, err := sheetRows(name, "inventory", data)
	if err != nil {
		return nil, err
	}
	return readInventoryRows(name, rows, opt)
}

// LoadDebtors reads a customer master file, CSV or XLSX by its extension.
func LoadDebtors(path string, opt Options) ([]Debtor, error) {
	data, release, err := readInput(path)
	if err != nil {
		return nil, err
	}
	defer release()
	if isXLSX(path) {
		return ReadDebtorsXLSX(path, data, opt)
	}
	return ReadDebtors(path, data, opt)
}

// LoadReceivables reads an aging file and its customer master file, each
// CSV or XLSX by its extension.
func LoadReceivables(rPath, dPath string, opt Options) (*Receivables, error) {
	debtors, err := LoadDebtors(dPath, opt)
	if err != nil {
		return nil, err
	}
	data, release, err := readInput(rPath)
	if err != nil {
		return nil, err
	}
	var r *Receivables
	if isXLSX(rPath) {
		r, err = ReadReceivablesXLSX(rPath, data, dPath, debtors, opt)
	} else {
		r, err = ReadReceivables(rPath, data, dPath, debtors, opt)
	}
	if err != nil {
		release()
		return nil, err
	}
	// The invoice numbers may point into the input: keep it while r, or a
	// copy of *r, lives.
	r.input = &mapping{release: release}
	runtime.AddCleanup(r.input, func(release func()) { release() }, release)
	return r, nil
}

// LoadInventory reads an inventory file, CSV or XLSX by its extension.
func LoadInventory(path string, opt Options) (*Inventory, error) {
	data, release, err := readInput(path)
	if err != nil {
		return nil, err
	}
	defer release()
	if isXLSX(path) {
		return ReadInventoryXLSX(path, data, opt)
	}
	return ReadInventory(path, data, opt)
}
