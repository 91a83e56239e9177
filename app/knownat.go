package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// How a known-at time was chosen (KnownAt.Rule).
const (
	// KnownEndOfBusiness: the default, KnownAtFor's rule — a date before
	// the business date as known at the end of its business, the business
	// date and later as known now.
	KnownEndOfBusiness = "end_of_business"
	// KnownNow: hindsight, every fact recorded so far.
	KnownNow = "now"
	// KnownGiven: a time given (or the end of business of a date given).
	KnownGiven = "given"
)

// KnownAt is the time figures are asked as known at, and how it was chosen.
type KnownAt struct {
	Rule string    `json:"rule"`
	At   time.Time `json:"at"`
	// Now: the rule resolved to now (KnownNow, or the default rule for the
	// business date and later). At is then the clock's reading, to show.
	Now bool `json:"-"`
}

// Read is the known-at time the use cases read records at: for now,
// store.Everything (every committed record, whatever the clocks of the
// processes that stamped them: a record committed by a process whose clock
// runs a little ahead of this one's is known now all the same), else At.
// A surface passes Read to the use cases and shows At.
func (k KnownAt) Read() time.Time {
	if k.Now {
		return store.Everything
	}
	return k.At
}

// knownAtLayouts are the times without a zone a known-at time may be given
// as: read in UTC (the pages show times in UTC).
var knownAtLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// ResolveKnownAt reads a known-at time as every surface takes it (the API's
// known_at, the pages' "As known at" control, the command line): "" is the
// default rule for asOf (KnownAtFor: the end of business of a date before
// the business date, else now); "now" is the clock's now (every fact
// recorded so far); an RFC 3339 time, or a date and time without a zone
// (YYYY-MM-DDTHH:MM, read in UTC), is that moment; a date YYYY-MM-DD is the
// end of that date's business (EndOfBusiness). asOf 0 is the business
// date. The answer's At is never zero.
func (s *Service) ResolveKnownAt(ctx context.Context, facility string, asOf date.Date, v string) (KnownAt, error) {
	v = strings.TrimSpace(v)
	switch v {
	case "", KnownEndOfBusiness:
		if asOf == 0 {
			bd, err := s.BusinessDate(ctx)
			if err != nil {
				return KnownAt{}, err
			}
			asOf = bd
		}
		rs, err := s.Store.ReadState(ctx, "", asOf)
		if err != nil {
			return KnownAt{}, err
		}
		now := s.now()
		t := knownAtOf(rs, asOf, now)
		return KnownAt{Rule: KnownEndOfBusiness, At: t, Now: t.Equal(now)}, nil
	case KnownNow:
		return KnownAt{Rule: KnownNow, At: s.now(), Now: true}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return KnownAt{Rule: KnownGiven, At: t}, nil
	}
	for _, l := range knownAtLayouts {
		if t, err := time.ParseInLocation(l, v, time.UTC); err == nil {
			return KnownAt{Rule: KnownGiven, At: t}, nil
		}
	}
	d, err := date.Parse(v)
	if err != nil {
		return KnownAt{}, invalid("known at %q: expected an RFC 3339 time (2006-12-31T17:00:00-05:00), a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of that business day) or now", v)
	}
	t, err := s.EndOfBusiness(ctx, d)
	return KnownAt{Rule: KnownGiven, At: t}, err
}

// every is the known-at time the defaults and the facts read for t: zero
// (every fact recorded) for now or later, as availability reads them.
func (s *Service) every(t time.Time) time.Time {
	if !t.Before(s.now()) {
		return time.Time{}
	}
	return t
}

// DefaultsKnown is what DefaultsAsKnown answers: the events of default on
// AsOf as known at KnownAt (the report: deadlines, events of default,
// remedies) and, when what was recorded since changes which of them
// continue, those continuing as known now and why each changed.
type DefaultsKnown struct {
	AsOf date.Date `json:"as_of"`
	// KnownAt: zero is every fact recorded.
	KnownAt    time.Time          `json:"known_at,omitzero"`
	Report     *defaults.Report   `json:"report"`
	Continuing []defaults.Default `json:"continuing"`
	Hindsight  *DefaultsHindsight `json:"hindsight,omitempty"`
}

// DefaultsHindsight is the events of default continuing on the same date
// as known now, when they differ from those as known then.
type DefaultsHindsight struct {
	KnownAt    time.Time          `json:"known_at"`
	Continuing []defaults.Default `json:"continuing"`
	Changes    []DefaultChange    `json:"changes"`
}

// DefaultChange is an event of default that continues as known now and
// did not as known then (Continuing), or the reverse, with what was
// recorded after the known-at time that makes it so.
type DefaultChange struct {
	Default    defaults.Default `json:"default"`
	Continuing bool             `json:"continuing"`
	Why        string           `json:"why"`
}

// DefaultsAsKnown evaluates a stored facility's events of default on asOf
// as known at knownAt (zero, or now and later: every fact recorded) by the
// one rule (DefaultsReportAt) and, for an earlier known-at time, compares
// the events of default continuing with those continuing as known now.
func (s *Service) DefaultsAsKnown(ctx context.Context, facility string, asOf date.Date, knownAt time.Time) (DefaultsKnown, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return DefaultsKnown{}, err
	}
	knownAt = s.every(knownAt)
	rep, err := s.DefaultsReportAt(ctx, facility, asOf, knownAt)
	if err != nil {
		return DefaultsKnown{}, err
	}
	out := DefaultsKnown{AsOf: asOf, KnownAt: knownAt, Report: rep, Continuing: []defaults.Default{}}
	for _, d := range rep.Defaults {
		if d.Continuing {
			out.Continuing = append(out.Continuing, d)
		}
	}
	if knownAt.IsZero() {
		return out, nil
	}
	now, err := s.DefaultsReportAt(ctx, facility, asOf, time.Time{})
	if err != nil {
		return out, err
	}
	changes, err := s.defaultChanges(ctx, facility, knownAt, rep.Defaults, now.Defaults)
	if err != nil || len(changes) == 0 {
		return out, err
	}
	h := &DefaultsHindsight{KnownAt: s.now(), Continuing: []defaults.Default{}, Changes: changes}
	for _, d := range now.Defaults {
		if d.Continuing {
			h.Continuing = append(h.Continuing, d)
		}
	}
	out.Hindsight = h
	return out, nil
}

// defaultChanges lists the events of default continuing as known now
// (in now) and not as known at knownAt (in then), and the reverse, each
// with why, from the records made after knownAt.
func (s *Service) defaultChanges(ctx context.Context, facility string, knownAt time.Time, then, now []defaults.Default) ([]DefaultChange, error) {
	find := func(ds []defaults.Default, id string) *defaults.Default {
		for i := range ds {
			if ds[i].ID == id {
				return &ds[i]
			}
		}
		return nil
	}
	var out []DefaultChange
	var learned *learnedSince
	explain := func(d defaults.Default, continuing bool) error {
		if learned == nil {
			l, err := s.learnedAfter(ctx, facility, knownAt)
			if err != nil {
				return err
			}
			learned = l
		}
		out = append(out, DefaultChange{Default: d, Continuing: continuing, Why: learned.why(d, continuing)})
		return nil
	}
	for _, d := range now {
		if was := find(then, d.ID); d.Continuing && (was == nil || !was.Continuing) {
			if err := explain(d, true); err != nil {
				return nil, err
			}
		}
	}
	for _, d := range then {
		if is := find(now, d.ID); d.Continuing && (is == nil || !is.Continuing) {
			shown := d
			if is != nil {
				shown = *is
			}
			if err := explain(shown, false); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// learnedSince is what was recorded after a known-at time: the fact
// records, and the requests they decide.
type learnedSince struct {
	at       time.Time
	facts    []store.FactRecord // recorded after at
	requests []EndRequest       // every request, by id
}

func (s *Service) learnedAfter(ctx context.Context, facility string, at time.Time) (*learnedSince, error) {
	recs, err := s.Store.FactRecords(ctx, facility)
	if err != nil {
		return nil, err
	}
	l := &learnedSince{at: at, requests: requestsFrom(recs)}
	for _, r := range recs {
		if r.RecordedAt.After(at) {
			l.facts = append(l.facts, r)
		}
	}
	return l, nil
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func byWhom(who string) string {
	if who == "" {
		return ""
	}
	return " by " + who
}

// why says which record made after l.at makes d continue (or end).
func (l *learnedSince) why(d defaults.Default, continuing bool) string {
	// The covenant results of its test recorded since, latest last.
	if d.Covenant != "" && d.Period != 0 {
		subject := d.Covenant + ":" + d.Period.String()
		for i := len(l.facts) - 1; i >= 0; i-- {
			r := l.facts[i]
			if r.Kind != store.FactCovenantResult || r.Subject != subject {
				continue
			}
			var b CovenantResultBody
			_ = json.Unmarshal(r.Body, &b)
			if q, ok := findRequest(l.requests, b.Request); ok && b.Request != 0 {
				switch q.Kind {
				case defaults.RequestRestatement:
					return fmt.Sprintf("restated statements for the period ended %s (submitted by %s) accepted %s%s", d.Period, q.RequestedBy, day(r.RecordedAt), byWhom(r.RecordedBy))
				case defaults.RequestCovenantResult:
					return fmt.Sprintf("a passing covenant result for the period ended %s (requested by %s) approved %s%s", d.Period, q.RequestedBy, day(r.RecordedAt), byWhom(r.RecordedBy))
				}
			}
			if strings.HasPrefix(b.Basis, "tested on the statements") {
				return fmt.Sprintf("statements for the period ended %s received %s from %s", d.Period, day(r.RecordedAt), r.RecordedBy)
			}
			return fmt.Sprintf("a covenant result for the period ended %s recorded %s%s", d.Period, day(r.RecordedAt), byWhom(r.RecordedBy))
		}
	}
	if !continuing {
		// A cure or a waiver approved since.
		for i := len(l.facts) - 1; i >= 0; i-- {
			r := l.facts[i]
			if r.Kind != store.FactDefaultAction || r.Subject != d.ID {
				continue
			}
			var a ActionBody
			if json.Unmarshal(r.Body, &a) == nil && (a.Kind == defaults.ActionCure || a.Kind == defaults.ActionWaiver) {
				what := "cure"
				if a.Kind == defaults.ActionWaiver {
					what = "waiver"
				}
				return fmt.Sprintf("a %s (requested by %s) approved %s%s", what, a.RequestedBy, day(r.RecordedAt), byWhom(r.RecordedBy))
			}
		}
	}
	if continuing && d.Detection == "record" && d.RecordedAt.After(l.at) {
		return fmt.Sprintf("recorded %s%s", day(d.RecordedAt), byWhom(d.RecordedBy))
	}
	// Otherwise: the facts of its kind recorded since.
	var kinds []string
	for _, r := range l.facts {
		if k := strings.ReplaceAll(r.Kind, "_", " "); !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return "records made after " + l.at.UTC().Format("2006-01-02 15:04 UTC") + " change it"
	}
	return "records made after " + l.at.UTC().Format("2006-01-02 15:04 UTC") + " (" + strings.Join(kinds, ", ") + ") change it"
}

// CovenantsKnown is what CovenantsAsKnown answers: the covenant tests on
// the statements as known at KnownAt and, when what was recorded since
// changes a test, the tests as known now with what changed and why.
type CovenantsKnown struct {
	KnownAt   time.Time           `json:"known_at"`
	Result    *covenant.Result    `json:"result"`
	Hindsight *CovenantsHindsight `json:"hindsight,omitempty"`
}

// CovenantsHindsight is the covenant tests as known now, when they differ.
type CovenantsHindsight struct {
	KnownAt time.Time        `json:"known_at"`
	Result  *covenant.Result `json:"result"`
	Changes []CovenantChange `json:"changes"`
}

// CovenantChange is a test that differs as known now, with the statements
// recorded after the known-at time that change it.
type CovenantChange struct {
	covenant.Change
	Why string `json:"why"`
}

// CovenantsAsKnown evaluates the covenants on the statements as known at
// knownAt (Covenants) and, for a time before now, compares them with the
// tests on the statements as known now, saying for each change which
// statements were received (or restated and accepted) since.
func (s *Service) CovenantsAsKnown(ctx context.Context, facility string, knownAt time.Time, termsAt func(date.Date) (*agreement.Terms, error)) (CovenantsKnown, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return CovenantsKnown{}, err
	}
	now := s.now()
	// Now or later (zero, store.Everything): every committed record,
	// shown as known at the clock's now.
	read := knownAt
	if knownAt.IsZero() || !knownAt.Before(now) {
		knownAt, read = now, store.Everything
	}
	res, err := s.Covenants(ctx, facility, read, termsAt)
	if err != nil {
		return CovenantsKnown{}, err
	}
	out := CovenantsKnown{KnownAt: knownAt, Result: res}
	if read.Equal(store.Everything) {
		return out, nil
	}
	cur, err := s.Covenants(ctx, facility, store.Everything, termsAt)
	if err != nil {
		return out, err
	}
	diff := covenant.Diff(res, cur)
	if len(diff) == 0 {
		return out, nil
	}
	h := &CovenantsHindsight{KnownAt: now, Result: cur}
	why := map[date.Date]string{}
	explain := func(period date.Date) (string, error) {
		if w, ok := why[period]; ok {
			return w, nil
		}
		hist, err := s.Store.FinancialsHistory(ctx, facility, period)
		if err != nil {
			return "", err
		}
		w := statementsWhy(hist, period, knownAt, now)
		why[period] = w
		return w, nil
	}
	// The statements of other periods recorded since, latest first: a test
	// whose own statements did not change follows from them (a ratchet on
	// a year's net income, a trailing ratio).
	known, err := s.Store.FinancialsAsKnown(ctx, facility, now)
	if err != nil {
		return out, err
	}
	slices.SortStableFunc(known, func(a, b store.Financials) int { return b.RecordedAt.Compare(a.RecordedAt) })
	for _, c := range diff {
		if o, n := c.Old, c.New; o != nil && n != nil && o.Result == n.Result && o.Actual.String() == n.Actual.String() &&
			o.Required.String() == n.Required.String() && n.Waiver != nil && o.Waiver == nil {
			// Only the waiver is new: a waiver letter recorded since.
			h.Changes = append(h.Changes, CovenantChange{Change: c, Why: "a waiver letter recorded since: " + n.Waiver.Text()})
			continue
		}
		w, err := explain(c.PeriodEnd)
		if err != nil {
			return out, err
		}
		if w == "" {
			for _, f := range known {
				if f.PeriodEnd != c.PeriodEnd && f.RecordedAt.After(knownAt) {
					if w, err = explain(f.PeriodEnd); err != nil {
						return out, err
					}
					w = "it follows from the " + w
					break
				}
			}
		}
		if w == "" {
			w = "the terms in force, or records made after " + knownAt.UTC().Format("2006-01-02 15:04 UTC") + ", change it"
		}
		h.Changes = append(h.Changes, CovenantChange{Change: c, Why: w})
	}
	out.Hindsight = h
	return out, nil
}

// statementsWhy names the statements of a period recorded after knownAt
// (by now): received, when none was known then; restated and accepted,
// when some were; "" when none was recorded since.
func statementsWhy(hist []store.Financials, period date.Date, knownAt, now time.Time) string {
	var before, after []store.Financials
	for _, f := range hist {
		switch {
		case !f.RecordedAt.After(knownAt):
			before = append(before, f)
		case !f.RecordedAt.After(now):
			after = append(after, f)
		}
	}
	if len(after) == 0 {
		return ""
	}
	last := after[len(after)-1]
	if len(before) > 0 {
		return fmt.Sprintf("restated statements for the period ended %s (submitted by %s) accepted %s", period, last.SubmittedBy, day(last.RecordedAt))
	}
	return fmt.Sprintf("statements for the period ended %s received %s from %s", period, day(last.RecordedAt), last.SubmittedBy)
}
