package collateral

import (
	"slices"
	"strings"
	"testing"
)

// refRecord is a plain, byte-by-byte statement of the CSV dialect that
// worker.record implements, to test the fast one against.
func refRecord(data []byte, i int) (fields []string, bad bool, next, nl int) {
	n := len(data)
	for {
		var f strings.Builder
		if i < n && data[i] == '"' {
			i++
			closed := false
			for i < n {
				c := data[i]
				if c == '"' {
					if i+1 < n && data[i+1] == '"' {
						f.WriteByte('"')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				if c == '\n' {
					nl++
				}
				f.WriteByte(c)
				i++
			}
			if !closed {
				bad = true
			} else if i < n && data[i] != ',' && data[i] != '\n' && !(data[i] == '\r' && (i+1 == n || data[i+1] == '\n')) {
				bad = true
				for i < n && data[i] != ',' && data[i] != '\n' {
					i++
				}
			}
			if i < n && data[i] == '\r' && (i+1 == n || data[i+1] == '\n') {
				i++
			}
			fields = append(fields, f.String())
		} else {
			start := i
			for i < n && data[i] != ',' && data[i] != '\n' {
				i++
			}
			s := string(data[start:i])
			if i == n || data[i] == '\n' {
				s = strings.TrimSuffix(s, "\r")
			}
			fields = append(fields, strings.Trim(s, " \t"))
		}
		if i < n && data[i] == ',' {
			i++
			continue
		}
		if i < n {
			i++
			nl++
		}
		return fields, bad, i, nl
	}
}

func FuzzRecord(f *testing.F) {
	for _, s := range []string{
		"a,b,c\nd,e\n", " a , b ,\r\n", `"a""b",c` + "\n", `"x` + "\n" + `y",z`, `"a"b,c`, "\r\n\r\n", `a"b,"c"` + "\r", "", ",,,,,,,,,,",
		"C000001,INV00000001,2004-09-29,2004-12-28,7245.50,USD,false\r\nC2,X,,,,,\n",
		strings.Repeat("abcdefghij,", 12) + "\n" + strings.Repeat("x", 70) + "\"y\",z\n" + strings.Repeat(" \t a , b\t,\r\n", 9),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRecords(t, data)
		// Lines that end 64 bytes or more before the end take the fast path.
		checkRecords(t, append(slices.Clip(data), strings.Repeat(" a,b\n", 16)...))
		checkRecords(t, append(append(slices.Clip(data), data...), strings.Repeat("\r\n", 40)...))
	})
}

func checkRecords(t *testing.T, data []byte) {
	{
		w := newWorker("f", 4, 0)
		i, line := 0, 1
		for i < len(data) {
			want, bad, wnext, wnl := refRecord(data, i)
			next, nl := w.record(data, i)
			var got []string
			for k := range min(w.nf, len(w.fields)) {
				got = append(got, string(w.field(k)))
				if o := w.off(k); o >= 0 && string(data[o:int(o)+len(w.field(k))]) != got[k] {
					t.Fatalf("line %d field %d: offset %d does not point at %q", line, k, o, got[k])
				}
			}
			if w.nf != len(want) || !slices.Equal(got, want[:min(len(want), len(w.fields))]) || (w.qcol >= 0) != bad || next != wnext || nl != wnl {
				t.Fatalf("record at %d of %q:\n got %q (%d fields) bad=%v next=%d nl=%d\nwant %q bad=%v next=%d nl=%d",
					i, data, got, w.nf, w.qcol >= 0, next, nl, want, bad, wnext, wnl)
			}
			i, line = next, line+nl
		}
	}
}
