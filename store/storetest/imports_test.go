package storetest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// allowedImports are the revolver packages the conformance suite may
// import: the store interface and the packages it is written in. The use
// cases (package app) and everything above them are not among them: their
// scenarios are app/apptest's.
var allowedImports = []string{"revolver/store", "revolver/ledger", "revolver/money", "revolver/date"}

// TestImportsOnlyStore fails when a file of the suite imports a revolver
// package not in allowedImports.
func TestImportsOnlyStore(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Go files in the package directory")
	}
	for _, bad := range disallowedImports(t, files) {
		t.Error(bad)
	}
}

// disallowedImports lists, as "file: imports path", the revolver imports of
// files that allowedImports does not name.
func disallowedImports(t *testing.T, files []string) []string {
	t.Helper()
	var bad []string
	fset := token.NewFileSet()
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if (path == "revolver" || strings.HasPrefix(path, "revolver/")) && !slices.Contains(allowedImports, path) {
				bad = append(bad, name+": imports "+path+", expected only "+strings.Join(allowedImports, ", "))
			}
		}
	}
	return bad
}

// The check finds an import of the use cases.
func TestDisallowedImportsFound(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "scenario.go")
	src := "package storetest\n\nimport (\n\t\"revolver/app\"\n\t\"revolver/store\"\n\t\"revolver/store/sqlite\"\n)\n"
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := disallowedImports(t, []string{name})
	if len(got) != 2 || !strings.Contains(got[0], "imports revolver/app") || !strings.Contains(got[1], "imports revolver/store/sqlite") {
		t.Errorf("disallowedImports = %q, want revolver/app and revolver/store/sqlite", got)
	}
}
