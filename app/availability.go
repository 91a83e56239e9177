package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Availability is a facility's availability on a date as known at a time:
// every term of the formula and, when advances are blocked, why
// (ledger.Availability); the overadvance when the loans exceed the limit;
// and, when what was learned after KnownAt changes the answer, the answer
// as known now and why (Hindsight).
type Availability struct {
	ledger.Availability
	// ToAdvance is what an advance value AsOf may take, as known at
	// KnownAt: the lowest availability on AsOf and on every later date
	// already known (later certificates, postings, amendments), 0 when
	// advances are blocked or the figure is undetermined; LowestOn is the
	// date of that lowest figure.
	ToAdvance money.Amount `json:"to_advance"`
	// ToAdvanceLastOut is the same for a last-out advance, with a last-out
	// tranche (ToAdvance is then the first-out tranche's).
	ToAdvanceLastOut money.Amount        `json:"to_advance_last_out,omitempty"`
	LowestOn         date.Date           `json:"lowest_on"`
	KnownAt          time.Time           `json:"known_at"`
	BusinessDate     date.Date           `json:"business_date"`
	Overadvance      *ledger.Overadvance `json:"overadvance,omitempty"`
	Hindsight        *Hindsight          `json:"hindsight,omitempty"`
}

// Hindsight is the availability of the same date as known now, when it
// differs from the answer as known then, with what was learned since
// (a later certificate, a later record of an event of default or of its
// end, statements received or restated).
type Hindsight struct {
	KnownAt      time.Time           `json:"known_at"`
	Availability ledger.Availability `json:"availability"`
	Why          []string            `json:"why"`
}

// MarshalJSON writes the figure's terms with the known-at time, the
// overadvance and the hindsight beside them.
func (a Availability) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(a.Availability)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range map[string]any{"to_advance": a.ToAdvance, "lowest_on": a.LowestOn, "known_at": a.KnownAt, "business_date": a.BusinessDate, "overadvance": a.Overadvance, "hindsight": a.Hindsight} {
		if b, err = json.Marshal(v); err != nil {
			return nil, err
		}
		m[k] = b
	}
	if a.Tranches != nil {
		if m["to_advance_last_out"], err = json.Marshal(a.ToAdvanceLastOut); err != nil {
			return nil, err
		}
	}
	return json.Marshal(m)
}

// Availability answers a facility's availability on asOf (0: the business
// date) as known at knownAt (zero: KnownAtFor's rule). It is the one use case every surface
// asks (the API, the pages, the portfolio); funding checks the same
// figures. The inputs are read in one store read: the certificate in force
// on asOf approved by knownAt, the letters of credit and loans on asOf;
// the events of default recorded by knownAt that continue on asOf.
func (s *Service) Availability(ctx context.Context, facility string, asOf date.Date, knownAt time.Time) (Availability, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return Availability{}, err
	}
	// One statement reads the business date, when asOf's business ended,
	// the fact records' and the documents' versions and availability's own
	// inputs, when the date is given: as known at knownAt, or, by default,
	// as known now (everything), which is the default rule's answer unless
	// asOf is before the business date; then the inputs are read again as
	// known at the end of asOf's business. Without a date the read state
	// comes first (it names the business date) and the inputs second.
	var rs store.ReadState
	var pre *store.AvailabilityInputs
	var err error
	now := s.now()
	if asOf != 0 {
		var in store.AvailabilityInputs
		k := everything
		if !knownAt.IsZero() {
			k = readAt(knownAt, now)
		}
		if rs, in, err = s.Store.ReadStateAndInputs(ctx, facility, asOf, k, true); err != nil {
			return Availability{}, err
		}
		pre = &in
	} else if rs, err = s.Store.ReadState(ctx, facility, asOf); err != nil {
		return Availability{}, err
	}
	bd := businessDateOf(rs, now)
	if asOf == 0 {
		asOf = bd
	}
	if knownAt.IsZero() {
		knownAt = knownAtOf(rs, asOf, now)
	}
	read := func(from date.Date, k time.Time, later bool) (store.AvailabilityInputs, error) {
		if pre != nil && pre.From == from && pre.KnownAt.Equal(k) && later {
			// Read with the read state, in its snapshot.
			in := *pre
			pre = nil
			return in, nil
		}
		return s.Store.AvailabilityInputs(ctx, facility, from, k, later)
	}
	ctx = withReadState(ctx, facility, rs)
	// What is read: as known at knownAt, or every committed record when
	// knownAt is now (readAt).
	rk := readAt(knownAt, now)
	if rk.Equal(everything) {
		knownAt = now // shown: the clock's reading (store.Everything may have been asked)
	}
	tp, err := s.termsPath(ctx, facility, asOf, rk)
	if err != nil {
		return Availability{}, err
	}
	path, in, err := availabilityPath(read, tp, rk)
	if err != nil {
		return Availability{}, err
	}
	a := path[0]
	out := Availability{Availability: a, KnownAt: knownAt, BusinessDate: bd, LowestOn: asOf}
	if a.Tranches != nil {
		if low := ledger.LowestIn(path, ledger.TrancheFirstOut); a.ToAdvance() > 0 && low.Determined {
			out.ToAdvance, out.LowestOn = max(0, min(a.AvailableIn(ledger.TrancheFirstOut), low.AvailableIn(ledger.TrancheFirstOut))), low.AsOf
		}
		if low := ledger.LowestIn(path, ledger.TrancheLastOut); a.ToAdvanceIn(ledger.TrancheLastOut) > 0 && low.Determined {
			out.ToAdvanceLastOut = max(0, min(a.AvailableIn(ledger.TrancheLastOut), low.AvailableIn(ledger.TrancheLastOut)))
		}
	} else if low := ledger.Lowest(path); a.ToAdvance() > 0 && low.Determined {
		out.ToAdvance, out.LowestOn = max(0, min(a.Available, low.Available)), low.AsOf
	}
	if knownAt.Before(now) {
		// The terms as known now differ only by an amendment approved
		// after knownAt.
		ftNow, amended := tp.ft, s.amendmentsSince(ctx, facility, asOf, knownAt)
		if len(amended) > 0 {
			if ftNow, err = s.termsOnAt(ctx, facility, asOf, everything); err != nil {
				return out, err
			}
		}
		// The lender reserves as known now.
		lenderNow, err := s.lenderReservesAt(ctx, facility, everything)
		if err != nil {
			return out, err
		}
		if len(amended) == 0 {
			ftNow.Reserves = nil
			if t, err := s.termsOnAt(ctx, facility, asOf, everything); err == nil {
				ftNow.Reserves = t.Reserves
			}
		}
		ftNow = ftNow.withLender(lenderNow)
		open, err := s.defaultsContinuing(ctx, facility, ftNow, asOf, everything)
		if err != nil {
			return out, err
		}
		// Only a certificate approved or a posting recorded after knownAt
		// changes the inputs as known now; without one, the inputs read
		// are those as known now.
		b, inNow := ledger.ComputeAvailability(limitsOn(ftNow, asOf, in, in.Balances, open)), in
		if in.ApprovedAfter > 0 || in.PostedAfter > 0 {
			if b, inNow, err = availabilityOn(read, ftNow, open, asOf, everything); err != nil {
				return out, err
			}
		}
		why := hindsight(a, b, in, inNow, knownAt)
		why = append(why, reservesWhy(tp.ft.reservesOn(asOf), ftNow.reservesOn(asOf), lenderNow, knownAt)...)
		if a.Available != b.Available || a.Limit != b.Limit || a.Determined != b.Determined || !slices.Equal(a.Defaults, b.Defaults) {
			for _, d := range amended {
				why = append(why, fmt.Sprintf("amendment %s, effective %s, approved %s (after %s), is in force on %s",
					d.ID, d.Effective, d.RecordedAt.UTC().Format("2006-01-02 15:04 UTC"), knownAt.UTC().Format("2006-01-02 15:04 UTC"), asOf))
			}
		}
		if !slices.Equal(a.Defaults, b.Defaults) {
			ws, err := s.defaultsWhy(ctx, facility, asOf, knownAt)
			if err != nil {
				return out, err
			}
			why = append(why, ws...)
		}
		if len(why) == 0 && (a.Available != b.Available || a.Determined != b.Determined || len(a.Blocked) != len(b.Blocked)) {
			why = append(why, fmt.Sprintf("records made after %s change the figure", knownAt.UTC().Format("2006-01-02 15:04 UTC")))
		}
		if len(why) > 0 {
			out.Hindsight = &Hindsight{KnownAt: now, Availability: b, Why: why}
		}
	}
	if a.Overadvance() > 0 {
		o, err := s.overadvanceOf(ctx, read, facility, tp.ft, a, rk)
		if err != nil {
			return out, err
		}
		out.Overadvance = &o
	}
	return out, nil
}

// KnownAtFor is the rule for when a figure of asOf is known by default: a
// date before the business date is answered as known at the end of its
// business (EndOfBusiness); the business date and later dates as known
// now.
func (s *Service) KnownAtFor(ctx context.Context, facility string, asOf date.Date) (time.Time, error) {
	rs, err := s.Store.ReadState(ctx, "", asOf)
	if err != nil {
		return time.Time{}, err
	}
	return knownAtOf(rs, asOf, s.now()), nil
}

// location is the facility's time zone (UTC when none is given).
func (ft FacilityTerms) location() (*time.Location, error) {
	if ft.Zone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(ft.Zone)
	if err != nil {
		return nil, fmt.Errorf("facility zone %q: %w", ft.Zone, err)
	}
	return loc, nil
}

// termsOn reads the facility's terms in force on d (from stored terms,
// without the defaults continuing, which availability reads as known at its
// own time).
func (s *Service) termsOn(ctx context.Context, facility string, d date.Date) (FacilityTerms, error) {
	return s.termsOnAt(ctx, facility, d, time.Time{})
}

// termsOnAt is termsOn as known at knownAt (zero: now): stored terms from
// the documents recorded by then, so that an amendment approved later does
// not change a figure as known before it.
func (s *Service) termsOnAt(ctx context.Context, facility string, d date.Date, knownAt time.Time) (FacilityTerms, error) {
	var ft FacilityTerms
	var err error
	if st, ok := s.Terms.(*StoredTerms); ok {
		_, ft, err = st.termsOnlyAt(ctx, facility, d, s.every(knownAt))
	} else {
		ft, err = s.Terms.Terms(ctx, facility, d)
	}
	if err != nil {
		return ft, fmt.Errorf("terms of %q as of %s: %w", facility, d, err)
	}
	return ft, nil
}

// reader reads availability's inputs: the Store's outside a change, the
// Tx's inside one.
type reader func(from date.Date, knownAt time.Time, later bool) (store.AvailabilityInputs, error)

// txReader reads inside a change's transaction, which decides on all
// that is recorded when it runs: every committed certificate and posting,
// whatever its recorded time (a change committed while this one waited
// for the facility's lock was stamped after this one's clock reading).
func txReader(tx store.Tx) reader {
	return func(from date.Date, _ time.Time, later bool) (store.AvailabilityInputs, error) {
		return tx.AvailabilityInputs(from, everything, later)
	}
}

// everything is a known-at time after every record.
var everything = store.Everything

// limitsOn gathers the limits of day d: the terms ft in force on d, the
// certificate in force on d among in's, the balances at the end of d and
// the events of default continuing.
func limitsOn(ft FacilityTerms, d date.Date, in store.AvailabilityInputs, bal ledger.Balances, open []string) ledger.Limits {
	l := ledger.Limits{AsOf: d, Commitment: ft.Commitment, AdvanceCap: ft.AdvanceCap, TerminationDate: ft.TerminationDate,
		Exclusions: ft.Exclusions, LCTreatment: ft.LCTreatment, LCOutstanding: bal[ledger.LCOutstanding], LCDrawn: bal[ledger.LCDrawn],
		Loans: bal[ledger.Loans], Defaults: open, BlocksOnDefault: ft.BlocksOnDefault, Unknown: ft.Unknown, LCTreatmentUnknown: ft.LCTreatmentUnknown, Cites: ft.Cites,
		Reserves: ft.reservesOn(d)}
	if c, ok := in.InForce(d); ok {
		l.Certificate = &ledger.Certificate{ID: c.ID, AsOf: c.AsOf, BorrowingBase: c.BorrowingBase, LastOutBase: c.LastOutBase}
	}
	if ft.LastOut != nil {
		l.LastOut = &ledger.LastOutLimits{Loans: bal[ledger.LoansLastOut], Cite: ft.LastOut.Cite}
	}
	return l
}

// termsPath is what availability from a date on needs besides the store's
// records: the terms in force on the date and from each later amendment's
// effective date, and the events of default continuing on the date as
// known at a time. It is read before a store transaction opens: reads
// outside a transaction while it is open could wait for the connection it
// holds.
type termsPath struct {
	from    date.Date
	ft      FacilityTerms
	open    []string
	changes []termsFrom // ascending
}

type termsFrom struct {
	from date.Date
	ft   FacilityTerms
}

func (s *Service) termsPath(ctx context.Context, facility string, from date.Date, knownAt time.Time) (termsPath, error) {
	tp := termsPath{from: from}
	var err error
	if tp.ft, err = s.termsOnAt(ctx, facility, from, knownAt); err != nil {
		return tp, err
	}
	if tp.open, err = s.defaultsContinuing(ctx, facility, tp.ft, from, knownAt); err != nil {
		return tp, err
	}
	amend, err := s.amendmentDates(ctx, facility, knownAt)
	if err != nil {
		return tp, err
	}
	lender, err := s.lenderReservesAt(ctx, facility, knownAt)
	if err != nil {
		return tp, err
	}
	tp.ft = tp.ft.withLender(lender)
	for _, d := range amend {
		if d <= from {
			continue
		}
		ft, err := s.termsOnAt(ctx, facility, d, knownAt)
		if err != nil {
			return tp, err
		}
		tp.changes = append(tp.changes, termsFrom{d, ft.withLender(lender)})
	}
	return tp, nil
}

// lenderReservesAt are the facility's lender reserves as known at knownAt.
func (s *Service) lenderReservesAt(ctx context.Context, facility string, knownAt time.Time) ([]LenderReserve, error) {
	// The request's read state counts them: none, nothing to read.
	if v, ok := ctx.Value(readStateKey{}).(readStateOf); ok && v.facility == facility && v.rs.Reserves == 0 {
		return nil, nil
	}
	recs, err := s.reserveRecords(ctx, facility)
	if err != nil {
		return nil, err
	}
	return lenderReserves(recs, knownAt), nil
}

// amendmentsSince lists the amendments in force on asOf that were recorded
// (approved) after knownAt, from the stored terms' documents.
func (s *Service) amendmentsSince(ctx context.Context, facility string, asOf date.Date, knownAt time.Time) []store.Document {
	st, ok := s.Terms.(*StoredTerms)
	if !ok {
		return nil
	}
	e, err := st.entry(ctx, facility)
	if err != nil {
		return nil
	}
	var out []store.Document
	if knownAt = e.knownFrom(knownAt); !knownAt.Before(e.last) {
		return nil
	}
	for _, d := range e.docs {
		if d.Kind == DocAmendment && d.Effective <= asOf && d.RecordedAt.After(knownAt) {
			out = append(out, d)
		}
	}
	return out
}

// sublimits are the letter-of-credit sublimits in force from tp.from and
// from each later change of the terms.
func (tp termsPath) sublimits() []ledger.Sublimit {
	out := []ledger.Sublimit{{AsOf: tp.from, Limit: tp.ft.LCSublimit, Cite: tp.ft.LCSublimitCite}}
	for _, c := range tp.changes {
		out = append(out, ledger.Sublimit{AsOf: c.from, Limit: c.ft.LCSublimit, Cite: c.ft.LCSublimitCite})
	}
	return out
}

// on returns the terms in force on d (d on or after tp.from).
func (tp termsPath) on(d date.Date) FacilityTerms {
	ft := tp.ft
	for _, c := range tp.changes {
		if c.from <= d {
			ft = c.ft
		}
	}
	return ft
}

// availabilityOn computes availability on asOf as known at knownAt, from
// one read of the store, under the terms ft with the defaults open.
func availabilityOn(read reader, ft FacilityTerms, open []string, asOf date.Date, knownAt time.Time) (ledger.Availability, store.AvailabilityInputs, error) {
	in, err := read(asOf, knownAt, false)
	if err != nil {
		return ledger.Availability{}, in, err
	}
	return ledger.ComputeAvailability(limitsOn(ft, asOf, in, in.Balances, open)), in, nil
}

// availabilityPath is availability on tp.from, as known at knownAt,
// followed by availability on every later date already known on which it
// can change: a later certificate's as-of date, a later posting's value
// date, a later amendment's effective date (up to the Termination Date). An
// advance or a letter of credit value tp.from reduces each of them.
func availabilityPath(read reader, tp termsPath, knownAt time.Time) ([]ledger.Availability, store.AvailabilityInputs, error) {
	in, err := read(tp.from, knownAt, true)
	if err != nil {
		return nil, in, err
	}
	path := []ledger.Availability{ledger.ComputeAvailability(limitsOn(tp.ft, tp.from, in, in.Balances, tp.open))}
	return walk(tp, in, tp.from, date.Max, path), in, nil
}

// walk appends to path the availability on each change date after from up
// to through (and the Termination Date), starting from in's balances at the
// end of from, under the terms of tp.
func walk(tp termsPath, in store.AvailabilityInputs, from, through date.Date, path []ledger.Availability) []ledger.Availability {
	if td := tp.ft.TerminationDate; td != 0 && td < through {
		through = td
	}
	var days []date.Date
	for _, c := range in.Certificates {
		days = append(days, c.AsOf)
	}
	for _, p := range in.Later {
		days = append(days, p.Day)
	}
	for _, c := range tp.changes {
		days = append(days, c.from)
		days = append(days, c.ft.reserveDays()...)
	}
	days = append(days, tp.ft.reserveDays()...)
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	days = slices.Compact(days)
	bal := ledger.Balances{}
	for a, v := range in.Balances {
		bal[a] = v
	}
	next := 0
	for _, d := range days {
		if d <= from || d > through {
			continue
		}
		for ; next < len(in.Later) && in.Later[next].Day <= d; next++ {
			bal[in.Later[next].Account] += in.Later[next].Amount
		}
		path = append(path, ledger.ComputeAvailability(limitsOn(tp.on(d), d, in, bal, nil)))
	}
	return path
}

// amendmentDates lists the effective dates of the facility's amendments,
// ascending, when the terms source has the agreement (none otherwise: the
// terms are then the same on every date).
func (s *Service) amendmentDates(ctx context.Context, facility string, knownAt time.Time) ([]date.Date, error) {
	var f *agreement.Facility
	if st, ok := s.Terms.(*StoredTerms); ok {
		e, err := st.entryAt(ctx, facility, s.every(knownAt))
		if err != nil {
			return nil, err
		}
		f = e.fac
	} else if src, ok := s.Terms.(interface {
		Agreement(ctx context.Context, slug string) (*agreement.Facility, error)
	}); ok {
		var err error
		if f, err = src.Agreement(ctx, facility); err != nil {
			return nil, err
		}
	} else {
		return nil, nil
	}
	var out []date.Date
	for _, a := range f.Amendments {
		out = append(out, a.Effective)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// defaultsContinuing lists the events of default that continue on d as
// known at knownAt, by the one rule (StoredTerms.DefaultsContinuing); for a
// terms source without records, the terms' own DefaultContinuing. Known at
// now or later is every record (so that the answer is kept between
// requests).
func (s *Service) defaultsContinuing(ctx context.Context, facility string, ft FacilityTerms, d date.Date, knownAt time.Time) ([]string, error) {
	st, ok := s.Terms.(*StoredTerms)
	if !ok {
		if ft.DefaultContinuing {
			return []string{"event of default"}, nil
		}
		return nil, nil
	}
	if !knownAt.Before(s.now()) {
		knownAt = time.Time{}
	}
	return st.DefaultsContinuing(ctx, facility, d, knownAt)
}

// hindsight says which certificate approved after knownAt makes b (as
// known now) rest on another certificate than a (as known then), and which
// postings recorded since (back-valued corrections, in's PostedAfter)
// change its loans or letters of credit; nil when neither. The events of
// default are defaultsWhy's.
func hindsight(a, b ledger.Availability, in, inNow store.AvailabilityInputs, knownAt time.Time) []string {
	var why []string
	at := knownAt.UTC().Format("2006-01-02 15:04 UTC")
	switch {
	case b.Certificate != nil && (a.Certificate == nil || a.Certificate.ID != b.Certificate.ID):
		c, _ := inNow.InForce(b.AsOf)
		why = append(why, fmt.Sprintf("a later certificate, %d as of %s, approved %s (after %s), is in force on %s with a borrowing base of %s",
			c.ID, c.AsOf, c.DecidedAt.UTC().Format("2006-01-02 15:04 UTC"), at, b.AsOf, c.BorrowingBase.Grouped()))
	case a.Certificate != nil && b.Certificate == nil:
		why = append(why, fmt.Sprintf("certificate %d is no longer in force", a.Certificate.ID))
	}
	if in.PostedAfter > 0 && (a.LoansOutstanding != b.LoansOutstanding || a.LettersOfCredit != b.LettersOfCredit) {
		why = append(why, fmt.Sprintf("%d posting(s) value-dated on or before %s were recorded after %s (back-valued corrections): loans outstanding %s as known then, %s now",
			in.PostedAfter, b.AsOf, at, a.LoansOutstanding.Grouped(), b.LoansOutstanding.Grouped()))
	}
	return why
}

// defaultsWhy says, for each event of default continuing on asOf as known
// now and not as known at knownAt (or the reverse), what was recorded
// since that makes it so (defaultChanges).
func (s *Service) defaultsWhy(ctx context.Context, facility string, asOf date.Date, knownAt time.Time) ([]string, error) {
	then, err := s.DefaultsContinuing(ctx, facility, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	now, err := s.DefaultsContinuing(ctx, facility, asOf, time.Time{})
	if err != nil {
		return nil, err
	}
	changes, err := s.defaultChanges(ctx, facility, knownAt, then, now)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range changes {
		d := c.Default
		what := fmt.Sprintf("%s (event of default %s)", d.Label, d.ID)
		if d.Covenant != "" {
			what = fmt.Sprintf("the failed %s test for the period ended %s (event of default %s)", strings.ReplaceAll(d.Covenant, "_", " "), d.Period, d.ID)
		}
		if c.Continuing {
			out = append(out, fmt.Sprintf("%s continues as known now: %s", what, c.Why))
		} else {
			out = append(out, fmt.Sprintf("%s no longer continues as known now: %s", what, c.Why))
		}
	}
	return out, nil
}

// overadvanceOf is the overadvance of a (loans above the limit on its
// date): since when, the limit exceeded and the cure deadline, from the
// facility's history as known at knownAt and the bank's recorded notice.
func (s *Service) overadvanceOf(ctx context.Context, read reader, facility string, ft FacilityTerms, a ledger.Availability, knownAt time.Time) (ledger.Overadvance, error) {
	in, err := read(date.Min, knownAt, true)
	if err != nil {
		return ledger.Overadvance{}, err
	}
	start := a.AsOf
	if len(in.Certificates) > 0 {
		start = min(start, in.Certificates[0].AsOf)
	}
	if len(in.Later) > 0 {
		start = min(start, in.Later[0].Day)
	}
	tp, err := s.termsPath(ctx, facility, start, knownAt)
	if err != nil {
		return ledger.Overadvance{}, err
	}
	tp.from = start - 1 // the first day's terms count from the day before
	history := walk(tp, in, start-1, a.AsOf, nil)
	history = append(slices.DeleteFunc(history, func(x ledger.Availability) bool { return x.AsOf >= a.AsOf }), a)
	recs, err := s.Store.Overadvances(ctx, facility)
	if err != nil {
		return ledger.Overadvance{}, err
	}
	o, _ := ledger.OveradvanceOf(history, 0, cureOf(ft))
	var notice date.Date
	for _, r := range recs {
		if r.Notice != 0 && r.Notice >= o.Since && r.Notice <= a.AsOf && !r.RecordedAt.After(knownAt) && (notice == 0 || r.Notice < notice) {
			notice = r.Notice
		}
	}
	o, _ = ledger.OveradvanceOf(history, notice, cureOf(ft))
	return o, nil
}

// cureOf is what the terms say of curing an overadvance; a terms source
// that gives only the days (CureDays) gives them as known.
func cureOf(ft FacilityTerms) ledger.Cure {
	c := ft.Cure
	if !c.Known && c.Unknown == "" && ft.CureDays > 0 {
		c.Known, c.Days = true, ft.CureDays
	}
	if !c.Known && c.Unknown == "" {
		c.Unknown = "the terms give no cure period"
	}
	return c
}

// checkPath checks an amount (an advance or a letter of credit) value
// tp.from on that date and every later date known at knownAt, inside tx.
func checkPath(tx store.Tx, tp termsPath, what string, amount money.Amount, knownAt time.Time) (ledger.Availability, error) {
	return checkPathIn(tx, tp, what, amount, knownAt, "")
}

// checkPathIn is checkPath for an advance of a tranche (""; first-out).
func checkPathIn(tx store.Tx, tp termsPath, what string, amount money.Amount, knownAt time.Time, tranche string) (ledger.Availability, error) {
	path, _, err := availabilityPath(txReader(tx), tp, knownAt)
	if err != nil {
		return ledger.Availability{}, err
	}
	if what == "letter of credit" {
		if err := ledger.CheckLCIssue(path, amount); err != nil {
			return path[0], err
		}
		return path[0], ledger.CheckLCSublimit(path, tp.sublimits(), amount)
	}
	if tranche != "" {
		return path[0], ledger.CheckAdvanceIn(path, amount, tranche)
	}
	return path[0], ledger.CheckAdvance(path, amount)
}
