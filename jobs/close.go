package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"revolver/app"
	"revolver/date"
)

// CloseOfBusinessArgs are a close-of-business job's: the day to close
// through and who asked. Jobs are unique by the day.
type CloseOfBusinessArgs struct {
	Through date.Date `json:"through" river:"unique"`
	By      Identity  `json:"by"`
}

// Kind is the job's kind in River's tables.
func (CloseOfBusinessArgs) Kind() string { return "close_of_business" }

// InsertOpts puts close of business in its queue, once per day: while a
// job for the day waits, runs or is done (River keeps finished jobs a
// day), enqueuing another returns it.
func (CloseOfBusinessArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueClose, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// EnqueueCloseOfBusiness enqueues close of business through the day, for
// the actor: the job runs app.Service.CloseOfBusiness as that actor. A
// person whose role may not close business is refused here, before
// anything is queued (and again when the job runs: the role then).
func (q *Queue) EnqueueCloseOfBusiness(ctx context.Context, through date.Date, by app.Actor) (Job, error) {
	if err := app.Authorize(app.WithActor(ctx, by), app.ActCloseOfBusiness, ""); err != nil {
		return Job{}, err
	}
	return q.insert(ctx, CloseOfBusinessArgs{Through: through, By: IdentityOf(by)})
}

type closeWorker struct {
	river.WorkerDefaults[CloseOfBusinessArgs]
	q *Queue
}

// Work runs the close of business. It is idempotent: a run through a day
// already closed posts nothing and succeeds; a run killed before its
// commit stored nothing (its accruals, business date and audit record
// commit in one transaction).
func (w *closeWorker) Work(ctx context.Context, job *river.Job[CloseOfBusinessArgs]) error {
	return w.q.track(ctx, job.JobRow, func(ctx context.Context) (string, error) {
		a, err := w.q.actor(ctx, job.Args.By, job.JobRow)
		if err != nil {
			return "", err
		}
		ctx = app.WithActor(ctx, a)
		res, err := w.q.cfg.Service.CloseOfBusiness(ctx, job.Args.Through)
		var incomplete *app.CloseError
		if err != nil && !errors.As(err, &incomplete) {
			return "", err
		}
		// The job's output is the run's result, the facilities not closed
		// included; a run that could not close every facility fails (its
		// error names each one and why) after storing the others.
		if err := river.RecordOutput(ctx, res); err != nil {
			return "", err
		}
		if incomplete != nil {
			return "", incomplete
		}
		return fmt.Sprintf("through %s: %d facilities, %d transactions posted, %d already posted, %d fees not posted (a term not known)", job.Args.Through, res.Facilities, res.Posted, res.Replayed, len(res.Undetermined)), nil
	})
}

func addWorkers(ws *river.Workers, q *Queue) {
	river.AddWorker(ws, &closeWorker{q: q})
	river.AddWorker(ws, &importWorker{q: q})
	river.AddWorker(ws, &dispatchWorker{q: q})
	river.AddWorker(ws, &deliverWorker{q: q})
	river.AddWorker(ws, &deadlinesWorker{q: q})
}

// Schedule is when close of business runs by itself: every day at a time
// of day in a time zone (the bank's). It closes through the day that ends:
// the clock's date in the zone at that time.
type Schedule struct {
	Hour, Minute, Second int
	Zone                 *time.Location
	// Now is the clock whose date is closed (the command's --clock).
	Now func() time.Time
}

// ParseSchedule parses "HH:MM" or "HH:MM:SS" (24-hour) in the zone named
// by zone (an IANA name such as America/New_York; "" is UTC).
func ParseSchedule(at, zone string, now func() time.Time) (*Schedule, error) {
	bad := fmt.Errorf("%q: expected a time of day HH:MM, 00:00 to 23:59 (or HH:MM:SS)", at)
	parts := strings.Split(at, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, bad
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || len(p) != 2 || n < 0 || n > [3]int{23, 59, 59}[i] {
			return nil, bad
		}
		v[i] = n
	}
	loc := time.UTC
	if zone != "" {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("time zone %q: expected an IANA name such as America/New_York", zone)
		}
	}
	return &Schedule{Hour: v[0], Minute: v[1], Second: v[2], Zone: loc, Now: now}, nil
}

// Next is the first time of day after t (River's PeriodicSchedule).
func (s *Schedule) Next(t time.Time) time.Time {
	l := t.In(s.Zone)
	n := time.Date(l.Year(), l.Month(), l.Day(), s.Hour, s.Minute, s.Second, 0, s.Zone)
	if !n.After(t) {
		n = time.Date(l.Year(), l.Month(), l.Day()+1, s.Hour, s.Minute, s.Second, 0, s.Zone)
	}
	return n
}

// String is the schedule as the command line gives it.
func (s *Schedule) String() string {
	if s.Second != 0 {
		return fmt.Sprintf("%02d:%02d:%02d %s", s.Hour, s.Minute, s.Second, s.Zone)
	}
	return fmt.Sprintf("%02d:%02d %s", s.Hour, s.Minute, s.Zone)
}

// day is the date closed by a run starting now.
func (s *Schedule) day() date.Date {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	y, m, d := now().In(s.Zone).Date()
	return date.Of(y, m, d)
}

// periodic is the schedule as River's periodic job: only the elected
// leader of the processes enqueues it, and a second enqueuing of the same
// day (a new leader elected around the time) is the unique job already
// there.
func (s *Schedule) periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(s, func() (river.JobArgs, *river.InsertOpts) { return s.args(), nil },
		&river.PeriodicJobOpts{ID: "close_of_business"})
}

// args are the job a run starting now enqueues.
func (s *Schedule) args() CloseOfBusinessArgs {
	return CloseOfBusinessArgs{Through: s.day(), By: Identity{User: "close of business", Via: "schedule " + s.String()}}
}
