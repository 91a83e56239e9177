package app

import (
	"context"
	"time"

	"revolver/agreement"
)

// WaiversKnown lists the waivers of the facility's waiver letters recorded
// by knownAt (zero: every one), whatever their effective dates: a waiver
// letter is a document of the facility like an amendment (RequestAmendment,
// DecidePending), known from when it was recorded.
func (a *StoredTerms) WaiversKnown(ctx context.Context, slug string, knownAt time.Time) ([]agreement.Waiver, error) {
	e, err := a.entryAt(ctx, slug, knownAt)
	if err != nil {
		return nil, err
	}
	return e.fac.AllWaivers(), nil
}

type waiverSource interface {
	WaiversKnown(ctx context.Context, slug string, knownAt time.Time) ([]agreement.Waiver, error)
}

// waiversKnown is WaiversKnown of the service's terms source; none when
// the source holds no waiver letters.
func (s *Service) waiversKnown(ctx context.Context, facility string, knownAt time.Time) ([]agreement.Waiver, error) {
	src, ok := s.Terms.(waiverSource)
	if !ok {
		return nil, nil
	}
	return src.WaiversKnown(ctx, facility, knownAt)
}

// knownWaivers returns the terms t with only the waivers of the letters
// recorded by knownAt (zero: t as it is): a waiver recorded later does not
// change what was known before it was recorded.
func knownWaivers(ctx context.Context, src any, facility string, t *agreement.Terms, knownAt time.Time) (*agreement.Terms, error) {
	if knownAt.IsZero() || len(t.Waivers) == 0 {
		return t, nil
	}
	ws, ok := src.(waiverSource)
	if !ok {
		return t, nil
	}
	known, err := ws.WaiversKnown(ctx, facility, knownAt)
	if err != nil {
		return nil, err
	}
	letters := map[string]bool{}
	for _, w := range known {
		letters[w.Letter+"\x00"+w.Document] = true
	}
	var keep []agreement.Waiver
	for _, w := range t.Waivers {
		if letters[w.Letter+"\x00"+w.Document] {
			keep = append(keep, w)
		}
	}
	if len(keep) == len(t.Waivers) {
		return t, nil
	}
	c := *t
	c.Waivers = keep
	return &c, nil
}
