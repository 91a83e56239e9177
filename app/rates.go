package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"revolver/ledger"
	"revolver/store"
)

// RecordRate records a point of a base rate series (the rate in force from
// its effective date on, with where it was taken from: p.Source) with its
// audit record, in one store transaction. The series must be one revolver
// knows (ledger.AllSeries). The same value again stores nothing and records
// nothing; another value for a date already recorded is a conflict. Rates
// are the lender's to record (ActPostTransaction).
func (s *Service) RecordRate(ctx context.Context, series string, p ledger.RatePoint) error {
	ctx = named(ctx, OpRecordRate)
	if err := authorize(ctx, ActPostTransaction, ""); err != nil {
		return err
	}
	if err := ledger.CheckSeries(series); err != nil {
		return err
	}
	p.Source = strings.TrimSpace(p.Source)
	if len(p.Source) > maxRateSource {
		return fieldInvalid("source", "%d characters: expected at most %d", len(p.Source), maxRateSource)
	}
	p.RecordedAt = s.now()
	var rec *store.AuditRecord
	a, hasActor := ActorFrom(ctx)
	if _, audited := s.Store.(store.TxAuditor); hasActor && audited {
		r := a.Record(opOf(ctx), p.RecordedAt)
		r.Resource, r.Dated = series, p.Effective
		b, err := json.Marshal(map[string]any{"rate_series": series, "effective": p.Effective, "rate": p.Value, "source": p.Source})
		if err != nil {
			return err
		}
		r.After = b
		rec = &r
	}
	n, err := s.Store.PutRates(ctx, series, []ledger.RatePoint{p}, rec)
	if err != nil {
		return err
	}
	ranRates(ctx, n > 0 && rec != nil)
	return nil
}

// ranRates tells the surface the use case ran its store transaction, and
// whether it appended the audit record (nothing new appends none).
func ranRates(ctx context.Context, appended bool) {
	if a, ok := ActorFrom(ctx); ok && a.Audit != nil {
		a.Audit.Ran, a.Audit.Appended = true, appended
	}
}

// maxRateSource bounds a source citation's length.
const maxRateSource = 500

// fieldInvalid is an invalid error about one input field.
func fieldInvalid(field, format string, a ...any) error {
	return store.Errorf(store.CodeInvalid, field+": "+format, a...)
}

// RateImport is the outcome of ImportRates.
type RateImport struct {
	Series string `json:"series"`
	File   string `json:"file"`
	Source string `json:"source"`
	// Read is the number of values in the file (days without a value not
	// counted); Added of them were new, Unchanged were already recorded
	// with the same value.
	Read      int `json:"read"`
	Added     int `json:"added"`
	Unchanged int `json:"unchanged"`
	// From and To are the first and last dates read.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// ImportRates records the values of a rate file (ledger.ReadRates) as
// values of series, each citing source, in one store transaction with one
// audit record: all or none. A value that differs from one already recorded
// for its date refuses the whole file, naming its line. Importing the same
// file again adds nothing.
func (s *Service) ImportRates(ctx context.Context, series, file, source string, rows []ledger.RateRow) (RateImport, error) {
	ctx = named(ctx, OpImportRates)
	out := RateImport{Series: series, File: file, Source: strings.TrimSpace(source), Read: len(rows)}
	if err := authorize(ctx, ActPostTransaction, ""); err != nil {
		return out, err
	}
	if err := ledger.CheckSeries(series); err != nil {
		return out, err
	}
	if out.Source == "" {
		return out, fieldInvalid("source", "empty: expected where the values were taken from (e.g. \"Federal Reserve H.15, bank prime loan rate (FRED DPRIME)\")")
	}
	if len(out.Source) > maxRateSource {
		return out, fieldInvalid("source", "%d characters: expected at most %d", len(out.Source), maxRateSource)
	}
	if len(rows) == 0 {
		return out, fieldInvalid("file", "%s: no values", file)
	}
	known, err := s.Store.RateSeries(ctx, series)
	if err != nil && store.ErrorCode(err) != store.CodeNotFound {
		return out, err
	}
	have := make(map[int32]ledger.RatePoint, len(known))
	for _, p := range known {
		have[int32(p.Effective)] = p
	}
	now := s.now()
	pts := make([]ledger.RatePoint, 0, len(rows))
	for _, r := range rows {
		if old, ok := have[int32(r.Point.Effective)]; ok {
			if old.Value.Cmp(r.Point.Value) != 0 {
				ie := &ledger.InputError{File: file, Line: r.Line, Value: r.Point.Value.Percent(),
					Expected: fmt.Sprintf("%s, the value of %s on %s already recorded (values are not changed)", old.Value.Percent(), series, r.Point.Effective)}
				return out, store.Errorf(store.CodeConflict, "%s", ie.Error())
			}
			out.Unchanged++
			continue
		}
		p := r.Point
		p.Source, p.RecordedAt = out.Source, now
		pts = append(pts, p)
	}
	out.From, out.To = rows[0].Point.Effective.String(), rows[len(rows)-1].Point.Effective.String()
	if len(pts) == 0 {
		ranRates(ctx, false) // nothing new: nothing to record
		return out, nil
	}
	var rec *store.AuditRecord
	a, hasActor := ActorFrom(ctx)
	if _, audited := s.Store.(store.TxAuditor); hasActor && audited {
		r := a.Record(opOf(ctx), now)
		r.Resource = series
		b, err := json.Marshal(map[string]any{"rate_series": series, "file": file, "source": out.Source,
			"values": len(pts), "from": pts[0].Effective, "to": pts[len(pts)-1].Effective})
		if err != nil {
			return out, err
		}
		r.After = b
		rec = &r
	}
	n, err := s.Store.PutRates(ctx, series, pts, rec)
	if err != nil {
		return out, err
	}
	ranRates(ctx, n > 0 && rec != nil)
	out.Added = n
	out.Unchanged += len(pts) - n
	return out, nil
}

// RateSeriesSummary is a series with what is recorded of it.
type RateSeriesSummary struct {
	ledger.SeriesInfo
	Values int               `json:"values"`
	Latest *ledger.RatePoint `json:"latest,omitempty"`
}

// RateSeriesList lists every series revolver knows with its number of
// values and its latest value. Anyone signed in may read rates.
func (s *Service) RateSeriesList(ctx context.Context) ([]RateSeriesSummary, error) {
	var out []RateSeriesSummary
	for _, info := range ledger.AllSeries() {
		ser, err := s.Store.RateSeries(ctx, info.Name)
		if err != nil && store.ErrorCode(err) != store.CodeNotFound {
			return nil, err
		}
		sum := RateSeriesSummary{SeriesInfo: info, Values: len(ser)}
		if len(ser) > 0 {
			last := ser[len(ser)-1]
			sum.Latest = &last
		}
		out = append(out, sum)
	}
	return out, nil
}

// RateValues returns the values of a known series by effective date (none
// recorded: an empty list).
func (s *Service) RateValues(ctx context.Context, series string) (ledger.RateSeries, error) {
	if err := ledger.CheckSeries(series); err != nil {
		return nil, err
	}
	ser, err := s.Store.RateSeries(ctx, series)
	if store.ErrorCode(err) == store.CodeNotFound {
		return ledger.RateSeries{}, nil
	}
	return ser, err
}
