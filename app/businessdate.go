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
	rs, err := s.Store.ReadState(ctx, "", 0)
	if err != nil {
		return 0, err
	}
	return businessDateOf(rs, s.now()), nil
}

// businessDateOf is BusinessDate's rule on a ReadState.
func businessDateOf(rs store.ReadState, now time.Time) date.Date {
	if rs.BusinessDate.Date != 0 {
		return rs.BusinessDate.Date
	}
	return date.FromTime(now.UTC())
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
	rs, err := s.Store.ReadState(ctx, "", d)
	if err != nil {
		return time.Time{}, err
	}
	return endOfBusiness(rs, d, s.now()), nil
}

// endOfBusiness is EndOfBusiness's rule on a ReadState read after d.
func endOfBusiness(rs store.ReadState, d date.Date, now time.Time) time.Time {
	switch {
	case rs.After.Date != 0:
		return rs.After.RecordedAt
	case rs.BusinessDate.Date != 0:
		return now
	}
	if end := d.AddDays(1).Time().Add(-time.Microsecond); now.After(end) {
		return end
	}
	return now
}

// knownAtOf is the default known-at rule (KnownAtFor) on a ReadState read
// after asOf: a date before the business date as known at the end of its
// business, the business date and later as known now.
func knownAtOf(rs store.ReadState, asOf date.Date, now time.Time) time.Time {
	if asOf < businessDateOf(rs, now) {
		return endOfBusiness(rs, asOf, now)
	}
	return now
}

// readAt is the known-at time records are read at for a figure as known at
// knownAt, the request's clock reading being now: every committed record
// (store.Everything) when knownAt is now or later. Several processes stamp
// what they record with their own clocks, which differ by a little: a
// record committed by a process whose clock runs ahead of this one's is
// known now all the same.
func readAt(knownAt, now time.Time) time.Time {
	if knownAt.Before(now) {
		return knownAt
	}
	return everything
}
