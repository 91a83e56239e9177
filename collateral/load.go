package collateral

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
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

// XLSXLimits bound what reading a workbook may cost, whatever the file
// claims: the bytes its parts decompress to (in total, and per part as a
// multiple of their compressed size, which stops a zip bomb before it is
// inflated), and the rows, columns and cells of the sheet read. A workbook
// beyond a limit is refused with the limit named. The sheet's declared
// dimension is checked before any row is read, the header row before the
// others, and rows are read one at a time.
type XLSXLimits struct {
	MaxUncompressed int64 // bytes of every part together, decompressed
	MaxRatio        int64 // decompressed ÷ compressed size of a part over 1 MiB
	MaxRows         int
	MaxColumns      int
	MaxCells        int
}

// DefaultXLSXLimits: 256 MiB decompressed, a ratio of 200, Excel's
// 1,048,576 rows, 256 columns and ten million cells (a million invoices
// of ten columns).
var DefaultXLSXLimits = XLSXLimits{MaxUncompressed: 256 << 20, MaxRatio: 200, MaxRows: 1 << 20, MaxColumns: 256, MaxCells: 10_000_000}

func (o Options) xlsxLimits() XLSXLimits {
	l, d := o.XLSXLimits, DefaultXLSXLimits
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = d.MaxUncompressed
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	if l.MaxCells <= 0 {
		l.MaxCells = d.MaxCells
	}
	return l
}

func xlsxRefused(name, value, expected string) error {
	return &Errors{List: []*FieldError{{File: name, Value: value, Expected: expected}}, Total: 1}
}

// checkZip reads the zip directory only: the declared sizes, which
// archive/zip then holds every part to when it is inflated.
func checkZip(name string, data []byte, l XLSXLimits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return xlsxRefused(name, "a file that is not a readable spreadsheet ("+err.Error()+")", "an .xlsx workbook")
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(l.MaxUncompressed) || total < f.UncompressedSize64 {
			return xlsxRefused(name, fmt.Sprintf("a workbook whose parts decompress to more than %d bytes", l.MaxUncompressed),
				fmt.Sprintf("at most %d bytes decompressed (the limit of a workbook's size)", l.MaxUncompressed))
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(l.MaxRatio) {
			return xlsxRefused(name, fmt.Sprintf("part %s compressed %d times (%d bytes to %d)", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), f.CompressedSize64, f.UncompressedSize64),
				fmt.Sprintf("at most %d times (the limit of a part's compression ratio)", l.MaxRatio))
		}
	}
	return nil
}

func colCount(c int, err error) string {
	if err != nil {
		return "more than 16384"
	}
	return strconv.Itoa(c)
}

// sheetRows returns the rows of the report's sheet (row 1, the header,
// checked against std first), within the limits of opt.
func sheetRows(name, kind string, data []byte, std []string, opt Options) ([][]string, error) {
	f, l, err := openWorkbook(name, data, opt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, xlsxRefused(name, "a workbook without sheets", "a sheet with a header row")
	}
	rows, err := readSheet(f, name, reportSheet(sheets, kind), l, func(row []string) error {
		ht := &table{file: name, kind: kind}
		if !headerRows(ht, [][]string{row}, std, opt) {
			return ht.errs.err()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		ht := &table{file: name, kind: kind}
		headerRows(ht, nil, std, opt)
		return nil, ht.errs.err()
	}
	return rows, nil
}

// reportSheet is the sheet a report is read from: the one named like the
// report, or else the first.
func reportSheet(sheets []string, kind string) string {
	for _, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s), kind) {
			return s
		}
	}
	return sheets[0]
}

// openWorkbook opens a workbook within the limits of opt.
func openWorkbook(name string, data []byte, opt Options) (*excelize.File, XLSXLimits, error) {
	l := opt.xlsxLimits()
	if err := checkZip(name, data, l); err != nil {
		return nil, l, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: l.MaxUncompressed, UnzipXMLSizeLimit: min(l.MaxUncompressed, 16<<20)})
	if err != nil {
		return nil, l, xlsxRefused(name, "a file that is not a readable spreadsheet ("+err.Error()+")", "an .xlsx workbook")
	}
	return f, l, nil
}

// readSheet reads a sheet's rows within the limits l, giving row 1 to
// first (when not nil) before any other is read. Row r is rows[r-1]:
// empty rows inside kept, empty rows at the end dropped.
func readSheet(f *excelize.File, name, sheet string, l XLSXLimits, first func([]string) error) ([][]string, error) {
	unreadable := func(err error) error {
		return xlsxRefused(name, fmt.Sprintf("sheet %q unreadable (%v)", sheet, err), "a sheet with a header row")
	}
	// The dimension the sheet declares, before a row is read.
	if dim, err := f.GetSheetDimension(sheet); err == nil && dim != "" {
		last := dim
		if _, after, ok := strings.Cut(dim, ":"); ok {
			last = after
		}
		letters := strings.TrimRight(last, "0123456789")
		c, cerr := excelize.ColumnNameToNumber(letters)
		r, rerr := strconv.Atoi(last[len(letters):])
		if cerr != nil && len(letters) > 3 || cerr == nil && c > l.MaxColumns {
			return nil, xlsxRefused(name, fmt.Sprintf("sheet %q declares %s columns (%s)", sheet, colCount(c, cerr), dim), fmt.Sprintf("at most %d columns (the limit of a sheet's columns)", l.MaxColumns))
		}
		if rerr == nil && r > l.MaxRows {
			return nil, xlsxRefused(name, fmt.Sprintf("sheet %q declares %d rows (%s)", sheet, r, dim), fmt.Sprintf("at most %d rows (the limit of a sheet's rows)", l.MaxRows))
		}
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, unreadable(err)
	}
	defer it.Close()
	// As GetRows: empty rows inside kept, empty rows at the end dropped;
	// each row as long as its last cell.
	var rows [][]string
	cur, last, cells := 0, 0, 0
	for it.Next() {
		cur++
		if cur > l.MaxRows {
			return nil, xlsxRefused(name, fmt.Sprintf("sheet %q has more than %d rows", sheet, l.MaxRows), fmt.Sprintf("at most %d rows (the limit of a sheet's rows)", l.MaxRows))
		}
		row, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, unreadable(err)
		}
		if len(row) > l.MaxColumns {
			return nil, &Errors{List: []*FieldError{{File: name, Line: cur, Value: fmt.Sprintf("a cell in column %d", len(row)),
				Expected: fmt.Sprintf("at most %d columns (the limit of a sheet's columns)", l.MaxColumns)}}, Total: 1}
		}
		if cur == 1 && first != nil {
			if err := first(row); err != nil {
				return nil, err
			}
		}
		if len(row) == 0 {
			continue
		}
		if cells += len(row); cells > l.MaxCells {
			return nil, xlsxRefused(name, fmt.Sprintf("sheet %q has more than %d cells", sheet, l.MaxCells), fmt.Sprintf("at most %d cells (the limit of a sheet's cells)", l.MaxCells))
		}
		if gap := cur - last - 1; gap > 0 {
			rows = append(rows, make([][]string, gap)...)
		}
		rows = append(rows, row)
		last = cur
	}
	if err := it.Error(); err != nil {
		return nil, unreadable(err)
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
	if opt.Layout != nil {
		return readDebtorsLayout(name, data, true, opt)
	}
	rows, err := sheetRows(name, "debtors", data, DebtorColumns, opt)
	if err != nil {
		return nil, err
	}
	return readDebtorsRows(name, rows, opt)
}

// ReadReceivablesXLSX reads an aging from a spreadsheet.
func ReadReceivablesXLSX(name string, data []byte, debtorsFile string, debtors []Debtor, opt Options) (*Receivables, error) {
	if opt.Layout != nil {
		return readReceivablesLayout(name, data, true, debtorsFile, debtors, opt)
	}
	rows, err := sheetRows(name, "receivables", data, ReceivableColumns, opt)
	if err != nil {
		return nil, err
	}
	return readReceivablesRows(name, rows, debtorsFile, debtors, opt)
}

// ReadInventoryXLSX reads an inventory valuation from a spreadsheet.
func ReadInventoryXLSX(name string, data []byte, opt Options) (*Inventory, error) {
	if opt.Layout != nil {
		return readInventoryLayout(name, data, true, opt)
	}
	rows, err := sheetRows(name, "inventory", data, InventoryColumns, opt)
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
