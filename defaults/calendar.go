package defaults

import (
	"fmt"
	"time"

	"revolver/agreement"
	"revolver/calendar"
	"revolver/date"
)

// CalendarInfo describes the calendar the engine used.
type CalendarInfo struct {
	Holidays   string         `json:"holidays"`
	Closures   []date.Date    `json:"closures,omitempty"`
	Convention string         `json:"convention"`
	Zone       string         `json:"zone"`
	Notes      []string       `json:"notes,omitempty"`
	Cite       agreement.Cite `json:"cite"`
}

// Setup is the facility's business-day calendar and convention.
type Setup struct {
	Calendar   calendar.Calendar
	Convention calendar.Convention
	Info       CalendarInfo
}

// DefaultZone is the zone used when the terms name none.
const DefaultZone = "America/New_York"

// SetupOf reads the calendar of the terms. Terms without a calendar get the
// Federal Reserve calendar with the following convention, and a note saying so.
func SetupOf(t *agreement.Terms) (Setup, error) {
	s := Setup{Calendar: calendar.FederalReserve(), Convention: calendar.Following,
		Info: CalendarInfo{Holidays: "federal_reserve", Convention: "following", Zone: DefaultZone}}
	bc := t.Schedule.Calendar
	if bc == nil {
		s.Info.Notes = append(s.Info.Notes, "the terms define no calendar: US Federal Reserve business days, following convention, "+DefaultZone)
		return s, nil
	}
	s.Info.Cite = bc.Cite
	if bc.Holidays.Known() {
		switch bc.Holidays.Value {
		case "federal_reserve":
		case "weekends_only":
			s.Calendar = calendar.WeekendsOnly()
		default:
			return s, fmt.Errorf("calendar.holidays %q: expected federal_reserve or weekends_only", bc.Holidays.Value)
		}
		s.Info.Holidays = bc.Holidays.Value
	} else {
		s.Info.Notes = append(s.Info.Notes, "holidays unknown ("+bc.Holidays.Unknown+"): US Federal Reserve holidays used")
	}
	if bc.Closures.Known() && len(bc.Closures.Value) > 0 {
		s.Calendar = s.Calendar.WithClosures(bc.Closures.Value...)
		s.Info.Closures = s.Calendar.Closures()
	}
	if bc.Convention.Known() {
		c, err := calendar.ParseConvention(bc.Convention.Value)
		if err != nil {
			return s, fmt.Errorf("calendar.convention: %w", err)
		}
		s.Convention = c
		s.Info.Convention = c.String()
	} else {
		s.Info.Notes = append(s.Info.Notes, "convention unknown ("+bc.Convention.Unknown+"): following used")
	}
	if bc.Zone.Known() {
		s.Info.Zone = bc.Zone.Value
	} else {
		s.Info.Notes = append(s.Info.Notes, "zone unknown ("+bc.Zone.Unknown+"): "+DefaultZone+" used")
	}
	for _, n := range []string{bc.Holidays.Assumption, bc.Convention.Assumption, bc.Zone.Assumption} {
		if n != "" && !containsStr(s.Info.Notes, "assumption: "+n) {
			s.Info.Notes = append(s.Info.Notes, "assumption: "+n)
		}
	}
	return s, nil
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Location is the facility's time zone: the zone of the terms' calendar
// (DefaultZone when the terms name none). Every surface and use case that
// turns a time into a facility's date uses it.
func Location(t *agreement.Terms) (*time.Location, error) {
	name := ZoneOf(t)
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("facility %q: calendar.zone %q: %w", t.Facility, name, err)
	}
	return loc, nil
}

// ZoneOf returns the zone name of the terms' calendar (DefaultZone when none).
func ZoneOf(t *agreement.Terms) string {
	if bc := t.Schedule.Calendar; bc != nil && bc.Zone.Known() {
		return bc.Zone.Value
	}
	return DefaultZone
}
