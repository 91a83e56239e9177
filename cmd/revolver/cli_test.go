package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandHasExample: every command's help shows an example, and
// every example names a command that exists.
func TestEveryCommandHasExample(t *testing.T) {
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		seen[c.CommandPath()] = true
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no example in its help", c.CommandPath())
		}
		if c.Args == nil {
			t.Errorf("%s accepts any argument", c.CommandPath())
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(rootCmd())
	for path := range examples {
		if !seen[path] {
			t.Errorf("examples[%q]: no such command", path)
		}
	}
}

// TestBuildVersion: -ldflags -X main.version and main.commit name the
// build; without them the build information does.
func TestBuildVersion(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "v1.4.0", "0123456789abcdef0123"
	if got, want := buildVersion(), "v1.4.0 (commit 0123456789ab)"; got != want {
		t.Errorf("buildVersion() = %q, want %q", got, want)
	}
	version, commit = "", ""
	if got := buildVersion(); !strings.Contains(got, "(commit ") {
		t.Errorf("buildVersion() without ldflags = %q", got)
	}
}
