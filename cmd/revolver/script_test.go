package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"revolver": func() { os.Exit(run(os.Args[1:])) },
	})
}

// TestScripts runs the command-line scripts in testdata/script. Each script
// sees the example facility as $EXAMPLE.
func TestScripts(t *testing.T) {
	example, err := filepath.Abs("../../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLE", example)
			return nil
		},
	})
}
