package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/store/sqlite"
)

func TestFacilityDeadlines(t *testing.T) {
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
	loc, _ := time.LoadLocation("America/New_York")
	_, err = svc.RecordNotice(ctx, app.FactInput{Facility: "btu", Key: "n1", By: "officer"}, defaults.Notice{From: "lender", To: "borrower",
		Subject: "casualty_overadvance", Method: "courier", Sent: time.Date(2006, 5, 26, 16, 30, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordDefault(ctx, app.FactInput{Facility: "btu", Key: "e1", By: "officer"}, defaults.DefaultRecord{Event: "dissolution", Occurred: date.MustParse("2006-05-01"), Description: "dissolved"}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// Recorded now, the facts were not known at the end of 2006-06-01 (the
	// default for a past date); as known now they are.
	out, err := revolver(t, "", "facility-deadlines", "--slug", "btu", "--as-of", "2006-06-01", "--db", db, "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var then defaults.Report
	if err := json.Unmarshal([]byte(out), &then); err != nil || len(then.Defaults) != 0 || then.KnownAt.IsZero() {
		t.Errorf("as known at the end of 2006-06-01: %v %+v", err, then.Defaults)
	}
	if _, err := revolver(t, "", "facility-deadlines", "--slug", "btu", "--as-of", "2006-06-01", "--as-known-on", "soon", "--db", db); err == nil {
		t.Errorf("--as-known-on soon accepted")
	}
	out, err = revolver(t, "", "facility-deadlines", "--slug", "btu", "--as-of", "2006-06-01", "--as-known-on", "now", "--db", db, "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var rep defaults.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var cure bool
	for _, d := range rep.Deadlines {
		if strings.HasPrefix(d.ID, "obligation:casualty_cure:") && d.Due == date.MustParse("2006-06-29") {
			cure = true
		}
	}
	if !cure || len(rep.Defaults) != 1 || !rep.Defaults[0].Continuing {
		t.Errorf("report: cure deadline %v, defaults %+v", cure, rep.Defaults)
	}
	out, err = revolver(t, "", "facility-deadlines", "--slug", "btu", "--as-of", "2006-06-01", "--as-known-on", "now", "--db", db, "--ics")
	if err != nil || !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\n") || !strings.Contains(out, "DTSTART;VALUE=DATE:20060629") {
		t.Errorf("ics: %v\n%s", err, out)
	}
	out, err = revolver(t, "", "facility-deadlines", "--slug", "btu", "--as-of", "2006-06-01", "--db", db)
	if err != nil || !strings.Contains(out, "EXERCISABLE") && !strings.Contains(out, "not yet") {
		t.Errorf("table: %v\n%s", err, out)
	}
	if _, err := revolver(t, "", "facility-deadlines", "--slug", "nope", "--as-of", "2006-06-01", "--db", db); err == nil {
		t.Errorf("unknown facility accepted")
	}
}
