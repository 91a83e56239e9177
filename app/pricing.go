package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/calendar"
	"revolver/date"
	"revolver/defaults"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// SubjectDefaultInterest is the subject of the lender's notice electing
// default interest (pricing.default_interest applies on_notice).
const SubjectDefaultInterest = "default_interest"

// DefaultInterestTerm is the terms' default interest: Rate is added to the
// rate of every day on which an event of default continues — from its
// occurrence (Applies agreement.DefaultAutomatic) or from the day the
// lender's notice electing it takes effect (agreement.DefaultOnNotice).
type DefaultInterestTerm struct {
	Rate    money.Rate
	Applies string
	Cite    explain.Cite
}

// dayPricer gives the pricing of a facility's loans on each day: the
// margin of the day (fixed, or the grid's level in force) and the default
// interest of the day. It keeps what it measured (a grid's periods) for
// the days it is asked next; one is used by one close-of-business run of
// a facility or one explanation.
type dayPricer struct {
	s        *Service
	facility string
	measures map[[2]date.Date]ledger.GridMeasure
}

func (s *Service) pricer(facility string) *dayPricer {
	return &dayPricer{s: s, facility: facility, measures: map[[2]date.Date]ledger.GridMeasure{}}
}

// pricing is p, the pricing of an option of the terms ft in force on day,
// with the day's margin and default interest: the one place the margin
// grid and the default interest enter the rate of a day (close of
// business accrues at it, the interest shown is explained by it). A
// pricing without a grid, of terms without default interest, is returned
// as it is.
func (dp *dayPricer) pricing(ctx context.Context, ft FacilityTerms, p ledger.Pricing, day date.Date) (ledger.Pricing, error) {
	if p.Grid == nil && ft.DefaultInterest == nil {
		return p, nil
	}
	var notes []string
	if p.Grid != nil {
		l, err := p.Grid.LevelOn(day, func(per calendar.Period) (ledger.GridMeasure, error) { return dp.measure(ctx, p.Grid, per) })
		if err != nil {
			return p, fmt.Errorf("the margin of option %s on %s: %w", p.Option, day, err)
		}
		p.Margin = l.Level.Margin
		notes = append(notes, l.Note())
	}
	if di := ft.DefaultInterest; di != nil {
		why, err := dp.defaultInterest(ctx, *di, day)
		if err != nil {
			return p, fmt.Errorf("the default interest on %s: %w", day, err)
		}
		if why != "" {
			p.Default = di.Rate
			notes = append(notes, why)
		}
	}
	p.Note = strings.Join(notes, "; ")
	return p, nil
}

// measure is the grid's measure of period per: each day's availability as
// the system computed it then (the certificate in force and known at the
// end of that day's business, the letters of credit and the loans).
func (dp *dayPricer) measure(ctx context.Context, g *ledger.MarginGrid, per calendar.Period) (ledger.GridMeasure, error) {
	key := [2]date.Date{per.Start, per.End}
	if m, ok := dp.measures[key]; ok {
		return m, nil
	}
	days := make([]ledger.Availability, 0, per.Days())
	for d := per.Start; d <= per.End; d++ {
		a, err := dp.s.availabilityThen(ctx, dp.facility, d)
		if err != nil {
			return ledger.GridMeasure{}, err
		}
		days = append(days, a)
		if !a.Determined {
			break // the period cannot be measured: no need to read on
		}
	}
	if g.Measure != agreement.MeasureAverageExcessAvailability {
		return ledger.GridMeasure{}, store.Errorf(store.CodeInvalid, "margin grid measure %q: expected %s", g.Measure, agreement.MeasureAverageExcessAvailability)
	}
	m := ledger.MeasureExcessAvailability(per, days)
	dp.measures[key] = m
	return m, nil
}

// availabilityThen is a facility's availability on d as the system
// computed it then: as known at the end of d's business (KnownAtFor's
// rule: now for the business date and later).
func (s *Service) availabilityThen(ctx context.Context, facility string, d date.Date) (ledger.Availability, error) {
	rs, err := s.Store.ReadState(ctx, facility, d)
	if err != nil {
		return ledger.Availability{}, err
	}
	now := s.now()
	k := readAt(knownAtOf(rs, d, now), now)
	ft, err := s.termsOnAt(ctx, facility, d, k)
	if err != nil {
		return ledger.Availability{}, err
	}
	read := func(from date.Date, k time.Time, later bool) (store.AvailabilityInputs, error) {
		return s.Store.AvailabilityInputs(ctx, facility, from, k, later)
	}
	a, _, err := availabilityOn(read, ft, nil, d, k)
	return a, err
}

// defaultInterest says why default interest applies on day ("" when it
// does not): an event of default continues on day (the defaults engine's
// one rule, as known at the end of day's business; a waived or cured event
// does not) and, for on_notice, the lender's notice electing default
// interest for that event has taken effect on or before day.
func (dp *dayPricer) defaultInterest(ctx context.Context, di DefaultInterestTerm, day date.Date) (string, error) {
	k, err := dp.s.FactsKnownAt(ctx, dp.facility, day, "")
	if err != nil {
		return "", err
	}
	open, err := dp.s.DefaultsContinuing(ctx, dp.facility, day, k)
	if err != nil || len(open) == 0 {
		return "", err
	}
	cite := ""
	if !di.Cite.IsZero() {
		cite = " (" + strings.TrimSpace(di.Cite.Document+" "+di.Cite.Section) + ")"
	}
	if di.Applies != agreement.DefaultOnNotice {
		var ids []string
		for _, d := range open {
			ids = append(ids, fmt.Sprintf("%s since %s", d.ID, d.Occurred))
		}
		return fmt.Sprintf("default interest +%s while an event of default continues: %s%s", di.Rate.Percent(), strings.Join(ids, ", "), cite), nil
	}
	elections, err := dp.s.defaultInterestElections(ctx, dp.facility, k)
	if err != nil {
		return "", err
	}
	for _, d := range open {
		for _, e := range elections {
			if e.Notice.Default == d.ID && e.Effect.Effective && e.Effect.Date != 0 && e.Effect.Date <= day {
				return fmt.Sprintf("default interest +%s elected by the lender's notice %s effective %s while event of default %s (since %s) continues%s",
					di.Rate.Percent(), e.Notice.ID, e.Effect.Date, d.ID, d.Occurred, cite), nil
			}
		}
	}
	return "", nil
}

// defaultInterestElections are the lender's notices electing default
// interest recorded by knownAt (zero: every one), with their effect as
// their confirmations last left it.
func (s *Service) defaultInterestElections(ctx context.Context, facility string, knownAt time.Time) ([]NoticeBody, error) {
	recs, err := s.Store.FactRecords(ctx, facility)
	if err != nil {
		return nil, err
	}
	var out []NoticeBody
	at := map[string]int{}
	for _, r := range recs {
		if !knownAt.IsZero() && r.RecordedAt.After(knownAt) {
			continue
		}
		switch r.Kind {
		case store.FactNotice:
			var b NoticeBody
			if json.Unmarshal(r.Body, &b) != nil || b.Notice.Subject != SubjectDefaultInterest {
				continue
			}
			b.Notice.ID = noticeID(r.ID)
			at[b.Notice.ID] = len(out)
			out = append(out, b)
		case store.FactNoticeConfirmation:
			var b ConfirmationBody
			if i, ok := at[r.Subject]; ok && json.Unmarshal(r.Body, &b) == nil {
				out[i].Effect = b.Effect
			}
		}
	}
	return out, nil
}

// ElectDefaultInterest records the lender's notice electing default
// interest on the loans while the event of default id continues (terms
// whose pricing.default_interest applies on_notice): a notice from the
// lender to the borrower, recorded like any notice (RecordNotice) with its
// effect; default interest is charged from the day it takes effect.
func (s *Service) ElectDefaultInterest(ctx context.Context, in FactInput, id string, n defaults.Notice) (Recorded, error) {
	ctx = named(ctx, OpElectDefaultInterest)
	if err := authorize(ctx, ActRecordDefault, in.Facility); err != nil {
		return Recorded{}, err
	}
	if id == "" {
		return Recorded{}, invalid("default interest: name the event of default (its id)")
	}
	if n.Sent.IsZero() {
		return Recorded{}, invalid("default interest: the sent time is required")
	}
	t, err := s.agreementAt(ctx, in.Facility, date.FromTime(n.Sent))
	if err != nil {
		return Recorded{}, err
	}
	di := t.Pricing.DefaultInterest
	if di == nil || !di.Applies.Known() || di.Applies.Value != agreement.DefaultOnNotice {
		how := "the terms have no default interest"
		if di != nil {
			how = fmt.Sprintf("the terms' default interest applies %s", di.Applies.Value)
			if !di.Applies.Known() {
				how = "how the terms' default interest applies is not known"
			}
		}
		return Recorded{}, invalid("default interest for %s: %s, not on the lender's notice (pricing.default_interest.applies: on_notice)", id, how)
	}
	n.Subject, n.Default = SubjectDefaultInterest, id
	if n.From == "" {
		n.From = "lender"
	}
	if n.To == "" {
		n.To = "borrower"
	}
	if n.Under == "" {
		n.Under = di.Cite.Section
	}
	if n.From != "lender" {
		return Recorded{}, invalid("the election of default interest is the lender's: from %q, expected lender", n.From)
	}
	return s.RecordNotice(ctx, in, n)
}

// applyDefaultInterest reads the terms' default interest into ft.
func applyDefaultInterest(ft *FacilityTerms, t *agreement.Terms) {
	di := t.Pricing.DefaultInterest
	if di == nil {
		return
	}
	if !di.Rate.Known() {
		ft.InterestUnknown = append(ft.InterestUnknown, unknownOf("default interest rate", di.Rate))
	}
	if !di.Applies.Known() {
		ft.InterestUnknown = append(ft.InterestUnknown, unknownOf("how default interest applies", di.Applies))
	}
	ft.DefaultInterest = &DefaultInterestTerm{Rate: di.Rate.Value, Applies: di.Applies.Value, Cite: di.Cite}
}

// marginGrid is the ledger's margin grid of a pricing option's grid, with
// the terms of it that are not known.
func marginGrid(o agreement.RateOption) (*ledger.MarginGrid, []ledger.Unknown, error) {
	g := o.MarginGrid
	if g == nil {
		return nil, nil, nil
	}
	name := func(term string) string { return term + " of the margin grid of pricing option " + o.ID }
	var us []ledger.Unknown
	out := &ledger.MarginGrid{Measure: g.Measure, Period: g.Period.Value, Quarters: calendar.CalendarQuarters(), MeasuredFrom: g.MeasuredFrom.Value,
		Adjusts: g.Adjusts.Value, Initial: g.Initial, Cite: g.Cite}
	for _, t := range []agreement.Term[string]{g.Period, g.Adjusts} {
		if !t.Known() {
			us = append(us, unknownOf(name(t.Path[strings.LastIndex(t.Path, ".")+1:]), t))
		}
	}
	if !g.MeasuredFrom.Known() {
		us = append(us, unknownOf(name("measured_from"), g.MeasuredFrom))
	}
	if g.Period.Value == "fiscal_quarter" && g.FiscalYearEnd != nil {
		if !g.FiscalYearEnd.Known() {
			us = append(us, unknownOf(name("fiscal_year_end"), *g.FiscalYearEnd))
		} else {
			m := slices.Index(agreement.Months, g.FiscalYearEnd.Value) + 1
			fc, err := calendar.MonthEndYear(time.Month(m))
			if err != nil {
				return nil, nil, err
			}
			out.Quarters = fc
		}
	}
	for _, l := range g.Levels {
		ll := ledger.MarginLevel{ID: l.ID, Margin: l.Margin.Value}
		if !l.Margin.Known() {
			us = append(us, unknownOf(name("margin of level "+l.ID), l.Margin))
		}
		if a := l.AtLeast; a != nil {
			if !a.Known() {
				us = append(us, unknownOf(name("at_least of level "+l.ID), *a))
			}
			v := a.Value
			ll.AtLeast = &v
		}
		out.Levels = append(out.Levels, ll)
	}
	return out, us, nil
}
