package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestOpenAPILint lints the served OpenAPI document with Redocly CLI's
// recommended-strict rules and Spectral's spectral:oas rules: any problem,
// error or warning (or, for Spectral, info and hint), fails the test. The
// linters are the programs REVOLVER_REDOCLY and REVOLVER_SPECTRAL name
// (.ci/run installs both); without them the test is skipped.
func TestOpenAPILint(t *testing.T) {
	redocly, spectral := os.Getenv("REVOLVER_REDOCLY"), os.Getenv("REVOLVER_SPECTRAL")
	if redocly == "" && spectral == "" {
		t.Skip("REVOLVER_REDOCLY and REVOLVER_SPECTRAL name no linter")
	}
	if raceEnabled {
		t.Skip("linted in the run without the race detector (the document is the same)")
	}
	e := newEnv(t, openSQLite)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /api/v1/openapi.json: %d", rec.Code)
	}
	dir := t.TempDir()
	doc := filepath.Join(dir, "openapi.json")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("openapi.json", rec.Body.String())
	run := func(name string, args ...string) []byte {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if ctx.Err() != nil {
			t.Fatalf("%s: %v", name, ctx.Err())
		}
		if _, exit := err.(*exec.ExitError); err != nil && !exit {
			t.Fatalf("%s: %v\n%s", name, err, errb.String())
		}
		return out.Bytes()
	}
	if redocly != "" {
		t.Run("redocly", func(t *testing.T) {
			cfg := write("redocly.yaml", "extends:\n  - recommended-strict\n")
			out := run(redocly, "lint", doc, "--config", cfg, "--format=json")
			var res struct {
				Totals   struct{ Errors, Warnings, Ignored int }
				Problems []struct {
					RuleID   string `json:"ruleId"`
					Severity string
					Message  string
					Location []struct{ Pointer string }
				}
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("redocly answered no JSON: %v\n%.2000s", err, out)
			}
			for _, p := range res.Problems {
				where := ""
				if len(p.Location) > 0 {
					where = p.Location[0].Pointer
				}
				t.Errorf("redocly %s %s at %s: %s", p.Severity, p.RuleID, where, p.Message)
			}
			if res.Totals.Errors+res.Totals.Warnings+res.Totals.Ignored != len(res.Problems) {
				t.Errorf("redocly totals %+v, %d problems listed", res.Totals, len(res.Problems))
			}
		})
	}
	if spectral != "" {
		t.Run("spectral", func(t *testing.T) {
			rules := write("spectral.yaml", "extends: [\"spectral:oas\"]\n")
			outFile := filepath.Join(dir, "spectral.json")
			run(spectral, "lint", doc, "--ruleset", rules, "--format", "json", "--output", outFile, "--fail-severity", "hint")
			out, err := os.ReadFile(outFile)
			if err != nil {
				t.Fatalf("spectral wrote no results: %v", err)
			}
			var res []struct {
				Code     string
				Message  string
				Severity int
				Path     []any
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("spectral answered no JSON: %v\n%.2000s", err, out)
			}
			for _, p := range res {
				t.Errorf("spectral severity %d %s at %v: %s", p.Severity, p.Code, p.Path, p.Message)
			}
		})
	}
}
