package defaults

import (
	"time"

	"revolver/agreement"
	"revolver/date"
)

// Report is everything the engine derives for a facility on a date.
type Report struct {
	Facility  string         `json:"facility"`
	AsOf      date.Date      `json:"as_of"`
	KnownAt   time.Time      `json:"known_at,omitzero"` // zero: every fact recorded
	Calendar  CalendarInfo   `json:"calendar"`
	Notices   []Effect       `json:"notices,omitempty"`
	Deadlines []Deadline     `json:"deadlines"`
	Defaults  []Default      `json:"defaults"`
	Remedies  []RemedyStatus `json:"remedies"`
	Problems  []Problem      `json:"problems,omitempty"`
}

// Evaluate derives the report for asOf from the terms in force on asOf and
// every fact recorded (EvaluateAt with no known-at time).
func Evaluate(t *agreement.Terms, f Facts, asOf date.Date, loc *time.Location) (*Report, error) {
	return EvaluateAt(t, f, asOf, time.Time{}, loc)
}

// EvaluateAt derives the report for asOf from the terms in force on asOf and
// the facts as known at knownAt (Facts.KnownAt; zero: every fact). loc is
// the facility's time zone (nil: UTC). An error means facts the engine
// cannot read (an unknown notice method, a fax confirmed before it was
// sent); facts it can read but not use are Problems. Its events of default
// are those of Defaults.
func EvaluateAt(t *agreement.Terms, f Facts, asOf date.Date, knownAt time.Time, loc *time.Location) (*Report, error) {
	e, err := newEngine(t, f, asOf, knownAt, loc)
	if err != nil {
		return nil, err
	}
	r := &Report{Facility: t.Facility, AsOf: asOf, KnownAt: knownAt, Calendar: e.s.Info}
	for _, n := range f.Notices {
		if e.sentBy(n) {
			r.Notices = append(r.Notices, e.effects[n.ID])
		}
	}
	r.Deadlines = e.deadlines()
	r.Defaults = e.defaults(r.Deadlines)
	r.Remedies = e.remedies(r.Defaults, r.Deadlines)
	r.Problems = e.problems
	if r.Deadlines == nil {
		r.Deadlines = []Deadline{}
	}
	if r.Defaults == nil {
		r.Defaults = []Default{}
	}
	return r, nil
}
