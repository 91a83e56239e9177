package app

import (
	"context"
	"encoding/json"

	"revolver/ledger"
	"revolver/store"
)

// RecordRate records a point of a base rate series (the rate in force from
// its effective date on) with its audit record, in one store transaction.
// The same value again stores nothing and records nothing; another value
// for a date already recorded is a conflict. Rates are the lender's to
// record (ActPostTransaction).
func (s *Service) RecordRate(ctx context.Context, series string, p ledger.RatePoint) error {
	ctx = named(ctx, OpRecordRate)
	if err := authorize(ctx, ActPostTransaction, ""); err != nil {
		return err
	}
	var rec *store.AuditRecord
	a, hasActor := ActorFrom(ctx)
	if _, audited := s.Store.(store.TxAuditor); hasActor && audited {
		r := a.Record(opOf(ctx), s.now())
		r.Resource, r.Dated = series, p.Effective
		b, err := json.Marshal(map[string]any{"rate_series": series, "effective": p.Effective, "rate": p.Value})
		if err != nil {
			return err
		}
		r.After = b
		rec = &r
	}
	return s.Store.PutRate(ctx, series, p, rec)
}
