package collateral

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// rawXLSX builds a workbook by writing its XML: one sheet, with the
// dimension ref ("" none) and the sheetData rows as given.
func rawXLSX(t testing.TB, dimension string, sheetData func(w *bytes.Buffer)) []byte {
	t.Helper()
	var sheet bytes.Buffer
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if dimension != "" {
		fmt.Fprintf(&sheet, `<dimension ref="%s"/>`, dimension)
	}
	sheet.WriteString(`<sheetData>`)
	sheetData(&sheet)
	sheet.WriteString(`</sheetData></worksheet>`)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="receivables" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet.String()},
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func inlineCell(ref, v string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, v)
}

// receivablesHeader is row 1 of a receivables sheet.
func receivablesHeader(w *bytes.Buffer) {
	w.WriteString(`<row r="1">`)
	for i, c := range ReceivableColumns {
		w.WriteString(inlineCell(fmt.Sprintf("%c1", 'A'+i), c))
	}
	w.WriteString(`</row>`)
}

// xfdRows: the sweep's workbook, one cell in column XFD (16,384) on each
// of 10,000 rows after the header.
func xfdRows(w *bytes.Buffer) {
	receivablesHeader(w)
	for r := 2; r <= 10_001; r++ {
		fmt.Fprintf(w, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
	}
}

// allocated is the bytes allocated while f runs (runtime.MemStats
// TotalAlloc: every allocation counts, freed or not, so the figure does
// not depend on when the collector runs).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestXLSXLimits pins the sweep's findings: a 50 KB workbook with a cell
// in column XFD on each of 10,000 rows took 4.46 GB (each row padded to
// its last cell before the header was checked), and a zip bomb 1.3 GB.
// Each is refused naming the limit, having allocated a few megabytes.
func TestXLSXLimits(t *testing.T) {
	const budget = 64 << 20 // bytes allocated by a refusal, at most
	header := func(w *bytes.Buffer) { receivablesHeader(w) }
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"XFD on 10,000 rows, dimension declared", rawXLSX(t, "A1:XFD10001", xfdRows), "declares 16384 columns (A1:XFD10001)"},
		{"XFD on 10,000 rows, no dimension", rawXLSX(t, "", xfdRows), "the limit of a sheet's columns"},
		{"XFD on 10,000 rows, dimension lying", rawXLSX(t, "A1:G2", xfdRows), "the limit of a sheet's columns"},
		{"rows declared beyond the limit", rawXLSX(t, "A1:G2000000", header), "declares 2000000 rows"},
		{"a header that is not one", rawXLSX(t, "", func(w *bytes.Buffer) {
			w.WriteString(`<row r="1">` + inlineCell("A1", "foo") + `</row>`)
			for r := 2; r <= 10_001; r++ {
				fmt.Fprintf(w, `<row r="%d"><c r="F%d"><v>1</v></c></row>`, r, r)
			}
		}), "debtor_id"},
		{"zip bomb", zipBomb(t), "the limit of a part's compression ratio"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = ReadReceivablesXLSX("r.xlsx", tc.data, "d.csv", nil, Options{}) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%d-byte workbook: %v, want an error saying %q", len(tc.data), err, tc.want)
			}
			t.Logf("%d-byte workbook refused after allocating %.1f MiB: %v", len(tc.data), float64(n)/(1<<20), err)
			if n > budget {
				t.Fatalf("refusing it allocated %d bytes, want at most %d", n, budget)
			}
		})
	}
	if n := len(rawXLSX(t, "A1:XFD10001", xfdRows)); n > 100_000 {
		t.Fatalf("the XFD workbook is %d bytes, want about 50 KB as in the sweep", n)
	}
	// Each limit, set low, is named when a workbook passes it.
	rows := rawXLSX(t, "", func(w *bytes.Buffer) {
		receivablesHeader(w)
		for r := 2; r <= 20; r++ {
			fmt.Fprintf(w, `<row r="%d">%s%s</row>`, r, inlineCell(fmt.Sprintf("A%d", r), "D1"), inlineCell(fmt.Sprintf("B%d", r), "I1"))
		}
	})
	for _, tc := range []struct {
		lim  XLSXLimits
		want string
	}{
		{XLSXLimits{MaxRows: 10}, "at most 10 rows"},
		{XLSXLimits{MaxCells: 30}, "at most 30 cells"},
		{XLSXLimits{MaxColumns: 3}, "at most 3 columns"},
		{XLSXLimits{MaxUncompressed: 1000}, "at most 1000 bytes decompressed"},
	} {
		_, err := ReadReceivablesXLSX("r.xlsx", rows, "d.csv", nil, Options{XLSXLimits: tc.lim})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("limits %+v: %v, want %q", tc.lim, err, tc.want)
		}
	}
}

// zipBomb is a workbook whose sheet inflates from about 64 KB to 64 MiB
// (one cell of 64 MiB of "A").
func zipBomb(t testing.TB) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row><c t="inlineStr"><is><t>`)
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for range 64 {
		w.Write(chunk)
	}
	io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
	zw.Close()
	return out.Bytes()
}
