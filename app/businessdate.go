package app

import (
	"time"

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

// EndOfBusiness is the moment day d's business ended: when the business
// date moved past d (the opening of the next business date). While d is
// the business date, or later, it has not ended: the answer is the clock's
// now. Before any business date was opened it is the end of d in UTC.
// "As known at the end of business d" — the default for every figure of a
// past date — means: recorded at or before this moment.
func (s *Service) EndOfBusiness(ctx context.Context, d date.Date) (time.Time, error) {
	b, err := s.Store.BusinessDayAfter(ctx, d)
	switch {
	case err == nil:
		return b.RecordedAt, nil
	case store.ErrorCode(err) != store.CodeNotFound:
		return time.Time{}, err
	}
	if _, err := s.Store.BusinessDate(ctx); err == nil {
		return s.now(), nil
	} else if store.ErrorCode(err) != store.CodeNotFound {
		return time.Time{}, err
	}
	end := d.AddDays(1).Time().Add(-time.Microsecond)
	if n := s.now(); n.Before(end) {
		return n, nil
	}
	return end, nil
}
