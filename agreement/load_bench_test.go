package agreement_test

import (
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/examples"
)

// BenchmarkLoadExample: the example facility's documents parsed, decoded
// and validated on every effective date, as a process does for each
// facility when it first reads its terms.
func BenchmarkLoadExample(b *testing.B) {
	var files []agreement.File
	entries, _ := examples.FS.ReadDir("btu-sovereign")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			c, _ := examples.FS.ReadFile("btu-sovereign/" + e.Name())
			files = append(files, agreement.NewFile(e.Name(), c))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := agreement.Parse(files); err != nil {
			b.Fatal(err)
		}
	}
}
