package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// AddStatements records quarterly statements submitted now (a period
// already submitted is a restatement: both are kept).
func (s *Service) AddStatements(ctx context.Context, facility string, sts []covenant.Statement, by string) ([]store.Financials, error) {
	return s.AddStatementsAt(ctx, facility, sts, by, s.now())
}

// AddStatementsAt records statements as submitted at a given time (for
// loading history). Every statement is encoded before anything is stored.
func (s *Service) AddStatementsAt(ctx context.Context, facility string, sts []covenant.Statement, by string, at time.Time) ([]store.Financials, error) {
	if err := authorize(ctx, ActRecordStatements, facility); err != nil {
		return nil, err
	}
	payloads := make([]json.RawMessage, len(sts))
	for i, st := range sts {
		st.Submission, st.RecordedAt = "", time.Time{}
		b, err := json.Marshal(st)
		if err != nil {
			return nil, err
		}
		payloads[i] = b
	}
	var out []store.Financials
	err := s.update(ctx, facility, func(tx store.Tx) error {
		out = make([]store.Financials, 0, len(sts))
		for i, st := range sts {
			f, err := tx.AddFinancials(store.Financials{Facility: facility, PeriodEnd: st.PeriodEnd, RecordedAt: at, SubmittedBy: by, Payload: payloads[i]})
			if err != nil {
				return err
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The covenant tests are part of the submission the actor was allowed.
	return out, s.recordCovenantTests(partOf(ctx), facility, sts, by, at)
}

// recordCovenantTests records the covenant tests of the periods just
// submitted, on the statements as known at the submission (Loan Agreement
// Schedule A), so that a failed test is an event of default that the
// availability check and the defaults engine both see. A restatement
// records its periods' results again, superseding. Nothing is recorded when
// the terms source gives no agreement terms.
func (s *Service) recordCovenantTests(ctx context.Context, facility string, sts []covenant.Statement, by string, at time.Time) error {
	if _, ok := s.Terms.(interface {
		TermsAsOf(ctx context.Context, slug string, d date.Date) (*agreement.Terms, error)
	}); !ok {
		return nil
	}
	res, err := s.Covenants(ctx, facility, at, func(d date.Date) (*agreement.Terms, error) { return s.agreementAt(ctx, facility, d) })
	if err != nil {
		return err
	}
	periods := map[date.Date]bool{}
	for _, st := range sts {
		periods[st.PeriodEnd] = true
	}
	for _, t := range res.Tests {
		if !periods[t.PeriodEnd] {
			continue
		}
		r := defaults.CovenantResult{Covenant: t.Covenant, PeriodEnd: t.PeriodEnd, Pass: t.Result == covenant.Pass,
			Actual: t.Actual.String(), Required: t.Required.String()}
		if t.Result == covenant.Undetermined {
			r.Undetermined = t.Reason
		}
		key := "covenant-test:" + t.Covenant + ":" + t.PeriodEnd.String() + ":" + at.UTC().Format(time.RFC3339Nano)
		if _, err := s.RecordCovenantResult(ctx, FactInput{Facility: facility, Key: key, By: by}, r); err != nil {
			return fmt.Errorf("covenant %s for the period ended %s: %w", t.Covenant, t.PeriodEnd, err)
		}
	}
	return nil
}

// Covenants evaluates the covenants on the statements as known at knownAt
// (for each period the latest submission recorded by then).
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
	res, err := covenant.Evaluate(termsAt, sts)
	if err != nil {
		return nil, store.Errorf(store.CodeInvalid, "%v", err)
	}
	return res, nil
}
