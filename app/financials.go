package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// AddStatements records quarterly statements submitted now. See
// AddStatementsAt.
func (s *Service) AddStatements(ctx context.Context, facility string, sts []covenant.Statement, by string) ([]store.Financials, []Recorded, error) {
	ctx = named(ctx, OpAddStatements)
	return s.AddStatementsAt(ctx, facility, sts, by, s.now())
}

// AddStatementsAt records statements as submitted at a given time (for
// loading history). A statement for a period not reported before is
// recorded at once with its covenant tests (Loan Agreement Schedule A), in
// one store transaction: a failed test is an event of default. A statement
// for a period already reported is a restatement: a submission kept as a
// request (returned as pending) that a lender accepts (DecideRequest);
// until then it changes no covenant test nor default. The same restatement
// submitted again at the same time is a replay. Every statement is encoded
// before anything is stored.
func (s *Service) AddStatementsAt(ctx context.Context, facility string, sts []covenant.Statement, by string, at time.Time) ([]store.Financials, []Recorded, error) {
	ctx = named(ctx, OpAddStatements)
	if err := authorize(ctx, ActRecordStatements, facility); err != nil {
		return nil, nil, err
	}
	by = requester(ctx, by)
	payloads := make([]json.RawMessage, len(sts))
	for i, st := range sts {
		st.Submission, st.RecordedAt = "", time.Time{}
		b, err := json.Marshal(st)
		if err != nil {
			return nil, nil, err
		}
		payloads[i] = b
	}
	known, err := s.Store.FinancialsAsKnown(ctx, facility, at)
	if err != nil {
		return nil, nil, err
	}
	reported := map[date.Date]bool{}
	for _, f := range known {
		reported[f.PeriodEnd] = true
	}
	var fresh []covenant.Statement
	for _, st := range sts {
		if !reported[st.PeriodEnd] {
			st.RecordedAt = at
			fresh = append(fresh, st)
		}
	}
	results, err := s.testStatements(ctx, facility, fresh, at, fmt.Sprintf("tested on the statements submitted by %s at %s", by, at.UTC().Format(time.RFC3339)))
	if err != nil {
		return nil, nil, err
	}
	var out []store.Financials
	var pending []Recorded
	err = s.update(ctx, facility, func(tx store.Tx) error {
		out, pending = make([]store.Financials, 0, len(sts)), nil
		for i, st := range sts {
			if !reported[st.PeriodEnd] {
				f, err := tx.AddFinancials(store.Financials{Facility: facility, PeriodEnd: st.PeriodEnd, RecordedAt: at, SubmittedBy: by, Payload: payloads[i]})
				if err != nil {
					return err
				}
				out = append(out, f)
				continue
			}
			body, err := json.Marshal(RestatementBody{PeriodEnd: st.PeriodEnd, Statement: payloads[i], SubmittedBy: by})
			if err != nil {
				return err
			}
			sum := sha256.Sum256(payloads[i])
			key := "restatement:" + st.PeriodEnd.String() + ":" + at.UTC().Format(time.RFC3339Nano) + ":" + hex.EncodeToString(sum[:8])
			rec, replayed, err := tx.AddFactRecord(store.FactRecord{Facility: facility, Key: key, Kind: store.FactRestatement, Subject: st.PeriodEnd.String(),
				On: date.FromTime(at), Body: body, RecordedBy: by, RecordedAt: at})
			if err != nil {
				return fmt.Errorf("restatement of the period ended %s: %w", st.PeriodEnd, err)
			}
			r := Recorded{Record: rec, Replayed: replayed, ID: requestRef(rec.ID), Pending: true}
			if q, ok := findRequest(requestsFrom([]store.FactRecord{rec}), rec.ID); ok {
				r.Request = &q
			}
			pending = append(pending, r)
		}
		for _, r := range results {
			b, err := json.Marshal(CovenantResultBody{CovenantResult: r})
			if err != nil {
				return err
			}
			key := "covenant-test:" + r.Covenant + ":" + r.PeriodEnd.String() + ":" + at.UTC().Format(time.RFC3339Nano)
			if _, _, err := tx.AddFactRecord(store.FactRecord{Facility: facility, Key: key, Kind: store.FactCovenantResult, Subject: r.Covenant + ":" + r.PeriodEnd.String(),
				On: r.PeriodEnd, Body: b, RecordedBy: by, RecordedAt: at}); err != nil {
				return fmt.Errorf("covenant %s for the period ended %s: %w", r.Covenant, r.PeriodEnd, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, pending, nil
}

// testStatements tests the covenants of the periods of add on the
// statements as known at at with add in place of their periods' (Loan
// Agreement Schedule A): the results the defaults engine reads, each saying
// its basis. Nothing is tested when the terms source gives no agreement
// terms.
func (s *Service) testStatements(ctx context.Context, facility string, add []covenant.Statement, at time.Time, basis string) ([]defaults.CovenantResult, error) {
	if len(add) == 0 {
		return nil, nil
	}
	if _, ok := s.Terms.(interface {
		TermsAsOf(ctx context.Context, slug string, d date.Date) (*agreement.Terms, error)
	}); !ok {
		return nil, nil
	}
	fs, err := s.Store.FinancialsAsKnown(ctx, facility, at)
	if err != nil {
		return nil, err
	}
	periods := map[date.Date]bool{}
	for _, st := range add {
		periods[st.PeriodEnd] = true
	}
	sts := slices.Clone(add)
	for _, f := range fs {
		if periods[f.PeriodEnd] {
			continue
		}
		var st covenant.Statement
		if err := json.Unmarshal(f.Payload, &st); err != nil {
			return nil, err
		}
		st.RecordedAt = f.RecordedAt
		sts = append(sts, st)
	}
	sort.SliceStable(sts, func(i, j int) bool { return sts[i].PeriodEnd < sts[j].PeriodEnd })
	triggers, err := s.covenantTriggers(ctx, facility, at)
	if err != nil {
		return nil, err
	}
	res, err := covenant.EvaluateTriggered(func(d date.Date) (*agreement.Terms, error) { return s.agreementAt(ctx, facility, d) }, sts, triggers)
	if err != nil {
		return nil, store.Errorf(store.CodeInvalid, "%v", err)
	}
	var out []defaults.CovenantResult
	for _, t := range res.Tests {
		// A springing covenant that did not apply is no result: it
		// neither passes nor fails.
		if !periods[t.PeriodEnd] || t.Result == covenant.NotApplicable {
			continue
		}
		r := defaults.CovenantResult{Covenant: t.Covenant, PeriodEnd: t.PeriodEnd, Pass: t.Result == covenant.Pass,
			Actual: t.Actual.String(), Required: t.Required.String(), Basis: basis}
		if t.Result == covenant.Undetermined {
			r.Undetermined = t.Reason
		}
		out = append(out, r)
	}
	return out, nil
}

// Covenants evaluates the covenants on the statements as known at knownAt
// (for each period the latest submission recorded by then); a failing test
// that a waiver letter recorded by then names is waived by it
// (covenant.Waive), whatever the letter's effective date.
func (s *Service) Covenants(ctx context.Context, facility string, knownAt time.Time, termsAt func(date.Date) (*agreement.Terms, error)) (*covenant.Result, error) {
	fs, err := s.Store.FinancialsAsKnown(ctx, facility, knownAt)
	if err != nil {
		return nil, err
	}
	sts := make([]covenant.Statement, 0, len(fs))
	for _, f := range fs {
		var st covenant.Statement
		if err := json.Unmarshal(f.Payload, &st); err != nil {
			return nil, err
		}
		st.RecordedAt = f.RecordedAt
		sts = append(sts, st)
	}
	triggers, err := s.covenantTriggers(ctx, facility, knownAt)
	if err != nil {
		return nil, err
	}
	res, err := covenant.EvaluateTriggered(termsAt, sts, triggers)
	if err != nil {
		return nil, store.Errorf(store.CodeInvalid, "%v", err)
	}
	// A failing test a waiver letter recorded by knownAt names says so.
	ws, err := s.waiversKnown(ctx, facility, knownAt)
	if err != nil {
		return nil, err
	}
	covenant.Waive(res, ws)
	return res, nil
}
