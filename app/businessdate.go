package app

import (
	"context"

	"revolver/date"
	"revolver/store"
)

// BusinessDate is the bank's processing date: the latest opened in the
// store (close of business opens the next), or, before the first is opened,
// the clock's date in UTC. Pages, deadlines, defaults and the guards on
// value dates are evaluated on it; recorded-at times come from the clock.
func (s *Service) BusinessDate(ctx context.Context) (date.Date, error) {
	b, err := s.Store.BusinessDate(ctx)
	switch {
	case err == nil:
		return b.Date, nil
	case store.ErrorCode(err) == store.CodeNotFound:
		return date.FromTime(s.now().UTC()), nil
	default:
		return 0, err
	}
}

// OpenBusinessDate moves the business date forward to d (a date not after
// the current one is left as it is), saying who and why.
func (s *Service) OpenBusinessDate(ctx context.Context, d date.Date, by, reason string) (date.Date, error) {
	cur, err := s.Store.BusinessDate(ctx)
	if err == nil && cur.Date >= d {
		return cur.Date, nil
	}
	if err != nil && store.ErrorCode(err) != store.CodeNotFound {
		return 0, err
	}
	b, err := s.Store.OpenBusinessDate(ctx, store.BusinessDay{Date: d, RecordedBy: by, RecordedAt: s.now(), Reason: reason})
	if store.ErrorCode(err) == store.CodeConflict {
		// Another process moved it further meanwhile.
		return s.BusinessDate(ctx)
	}
	return b.Date, err
}
