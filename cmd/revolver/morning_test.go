package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/store/sqlite"
)

// revolver morning: the event of default recorded is an exception of the
// facility, in JSON and in the table, with the notice to send queued; a
// bad format or known-at is a usage error.
func TestMorningCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "revolver.db")
	example := filepath.Join("..", "..", "examples", "btu-sovereign")
	if out, err := revolver(t, "", "migrate", "--db", db); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := revolver(t, "", "facility", "add", "--slug", "btu", "--agreement", example, "--db", db); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}}
	lmaPerformed(t, svc, "btu")
	if _, err := svc.RecordDefault(ctx, app.FactInput{Facility: "btu", Key: "e1", By: "officer"}, defaults.DefaultRecord{Event: "dissolution", Occurred: date.MustParse("2006-05-01"), Description: "dissolved"}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	out, err := revolver(t, "", "morning", "--db", db, "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var m app.Morning
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	found := false
	for _, e := range m.Exceptions {
		if e.Kind == app.ExDefault && e.Facility == "btu" && strings.Contains(e.Reason, "Dissolution") && e.Link == "/facilities/btu" {
			found = true
		}
	}
	if !found || m.Facilities != 1 || len(m.Queues.Notices) == 0 {
		t.Errorf("morning: %s", out)
	}
	out, err = revolver(t, "", "morning", "--db", db)
	if err != nil || !strings.Contains(out, "Exceptions (") || !strings.Contains(out, "Dissolution") || !strings.Contains(out, "Notices to send (") {
		t.Errorf("table: %v\n%s", err, out)
	}
	if _, err := revolver(t, "", "morning", "--db", db, "--format", "yaml"); err == nil {
		t.Errorf("--format yaml accepted")
	}
	if _, err := revolver(t, "", "morning", "--db", db, "--known-at", "soon"); err == nil {
		t.Errorf("--known-at soon accepted")
	}
}
