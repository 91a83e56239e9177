package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"revolver": func() { os.Exit(run(os.Args[1:])) },
	})
}

// TestScripts runs the command-line scripts in testdata/script. Each script
// sees the example facility as $EXAMPLE and the waiver letter of the
// agreement package's test fixtures as $WAIVER (a directory), and the second,
// synthetic example facility as $MODERN.
func TestScripts(t *testing.T) {
	example, err := filepath.Abs("../../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	waiver, err := filepath.Abs("../../agreement/testdata/btu-waiver")
	if err != nil {
		t.Fatal(err)
	}
	modern, err := filepath.Abs("../../examples/modern-abl")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLE", example)
			env.Setenv("WAIVER", waiver)
			env.Setenv("MODERN", modern)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"status": status, "lmaperformed": lmaPerformedCmd, "jsonenv": jsonEnv},
	})
}

// jsonenv FILE PATH VAR sets VAR to the string at PATH (keys joined by
// dots) of the JSON object in FILE (e.g. a command's stdout copied with
// cp stdout FILE).
func jsonEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: jsonenv FILE PATH VAR")
	}
	var v any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &v); err != nil {
		ts.Fatalf("jsonenv %s: %v", args[0], err)
	}
	for _, k := range strings.Split(args[1], ".") {
		m, ok := v.(map[string]any)
		if !ok {
			ts.Fatalf("jsonenv %s: %s: not an object at %q", args[0], args[1], k)
		}
		v = m[k]
	}
	str, ok := v.(string)
	if !ok {
		ts.Fatalf("jsonenv %s: %s is %v, not a string", args[0], args[1], v)
	}
	ts.Setenv(args[2], str)
}

// status N ARGS... runs revolver ARGS and checks that it exits with status
// N (its stdout and stderr are then checked as exec's).
func status(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: status N args...")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status %q: %v", args[0], err)
	}
	got := 0
	if err := ts.Exec("revolver", args[1:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("revolver: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}
