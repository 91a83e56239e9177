package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"revolver/app"
	"revolver/notify"
	"revolver/store"
)

// Notify configures the delivery of notifications (docs/notifications.md):
// a dispatch job that fans the outbox's events out into deliveries every
// DispatchEvery, and a delivery job per email or webhook, retried with
// exponential backoff.
type Notify struct {
	// SMTP sends email (nil: email deliveries fail, logged, and are
	// retried until one is configured or the attempts run out).
	SMTP *notify.SMTP
	// Poster POSTs webhooks (nil: one with a 10-second timeout).
	Poster *notify.Poster
	// BaseURL makes the events' links absolute ("https://revolver.bank.example").
	BaseURL string
	// DispatchEvery is how often the outbox is read (default 10 s).
	DispatchEvery time.Duration
	// Attempts is the most attempts at one delivery (default 12); the
	// wait before attempt n+1 is RetryBase·2^(n-1), at most RetryCap
	// (defaults 30 s and 1 h: about 13 hours in all).
	Attempts  int
	RetryBase time.Duration
	RetryCap  time.Duration
	// Report, if set, is told of each delivery's outcome by channel
	// (*observe.Metrics is one).
	Report DeliveryReporter
	// DeadlinesEvery is how often the deadlines of every facility on the
	// business date are read for those overdue or due within
	// DeadlineDays (defaults 1 h and 7 days); each is told of once.
	DeadlinesEvery time.Duration
	DeadlineDays   int
}

// DeliveryReporter is told of the outcome of each delivery attempt:
// channel inbox, email or webhook; outcome delivered, retrying or failed.
type DeliveryReporter interface {
	Delivery(channel, outcome string)
}

func (n *Notify) attempts() int {
	if n.Attempts <= 0 {
		return 12
	}
	return n.Attempts
}

// Backoff is the wait after failed attempt number attempt (1 for the
// first): base·2^(attempt-1), at most limit.
func Backoff(attempt int, base, limit time.Duration) time.Duration {
	if base <= 0 {
		base = 30 * time.Second
	}
	if limit <= 0 {
		limit = time.Hour
	}
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// DispatchArgs are the dispatch job's (no arguments: it reads the outbox).
type DispatchArgs struct{}

// Kind is the job's kind in River's tables.
func (DispatchArgs) Kind() string { return "notify_dispatch" }

// DeliverArgs are a delivery job's: the delivery. Jobs are unique by it,
// so a delivery enqueued twice (two dispatchers) is one job.
type DeliverArgs struct {
	Delivery int64 `json:"delivery" river:"unique"`
}

// Kind is the job's kind in River's tables.
func (DeliverArgs) Kind() string { return "notify_deliver" }

// EnqueueDispatch enqueues a dispatch of the outbox now (the periodic one
// runs every DispatchEvery on its own).
func (q *Queue) EnqueueDispatch(ctx context.Context) (Job, error) {
	return q.insert(ctx, DispatchArgs{})
}

func (q *Queue) enqueueDelivery(ctx context.Context, id int64) error {
	opts := &river.InsertOpts{MaxAttempts: q.cfg.Notify.attempts(), UniqueOpts: river.UniqueOpts{ByArgs: true}}
	if _, err := q.client.Insert(ctx, DeliverArgs{Delivery: id}, opts); err != nil {
		return fmt.Errorf("enqueue delivery %d: %w", id, err)
	}
	return nil
}

func (q *Queue) dispatchPeriodic() *river.PeriodicJob {
	every := q.cfg.Notify.DispatchEvery
	if every <= 0 {
		every = 10 * time.Second
	}
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return DispatchArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// DeadlinesArgs are the deadlines job's (none: it reads the business date).
type DeadlinesArgs struct{}

// Kind is the job's kind in River's tables.
func (DeadlinesArgs) Kind() string { return "notify_deadlines" }

func (q *Queue) deadlinesPeriodic() *river.PeriodicJob {
	every := q.cfg.Notify.DeadlinesEvery
	if every <= 0 {
		every = time.Hour
	}
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return DeadlinesArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

type deadlinesWorker struct {
	river.WorkerDefaults[DeadlinesArgs]
	q *Queue
}

// Work emits the events of the deadlines overdue or coming on the
// business date (app.Service.NotifyDeadlines); before the first business
// date it does nothing.
func (w *deadlinesWorker) Work(ctx context.Context, job *river.Job[DeadlinesArgs]) error {
	return w.q.track(ctx, job.JobRow, func(ctx context.Context) (string, error) {
		bd, err := w.q.cfg.Store.BusinessDate(ctx)
		if store.ErrorCode(err) == store.CodeNotFound {
			return "no business date yet", nil
		}
		if err != nil {
			return "", err
		}
		days := 0
		if w.q.cfg.Notify != nil {
			days = w.q.cfg.Notify.DeadlineDays
		}
		n, err := w.q.cfg.Service.NotifyDeadlines(ctx, bd.Date, days)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("business date %s: %d deadline events", bd.Date, n), nil
	})
}

func (q *Queue) report(channel, outcome string) {
	if q.cfg.Notify != nil && q.cfg.Notify.Report != nil {
		q.cfg.Notify.Report.Delivery(channel, outcome)
	}
}

type dispatchWorker struct {
	river.WorkerDefaults[DispatchArgs]
	q *Queue
}

// Work fans out every undispatched event and enqueues a delivery job for
// each email and webhook delivery; it then enqueues again the recent
// deliveries still without any attempt (a dispatcher stopped between its
// commit and its enqueuing: the jobs' uniqueness makes this harmless).
func (w *dispatchWorker) Work(ctx context.Context, job *river.Job[DispatchArgs]) error {
	return w.q.track(ctx, job.JobRow, func(ctx context.Context) (string, error) {
		if w.q.cfg.Notify == nil {
			return "notifications are not configured", nil
		}
		var events, deliveries int
		for {
			got, err := w.q.cfg.Service.DispatchEvents(ctx, 100)
			if err != nil {
				return "", err
			}
			for _, d := range got {
				events++
				for _, x := range d.Deliveries {
					deliveries++
					if x.Channel == store.ChannelInbox {
						if d.New {
							w.q.report(x.Channel, "delivered")
						}
						continue
					}
					if err := w.q.enqueueDelivery(ctx, x.ID); err != nil {
						return "", err
					}
				}
			}
			if len(got) < 100 {
				break
			}
		}
		if n, ok := w.q.cfg.Store.(store.Notifications); ok {
			recent, err := n.Deliveries(ctx, store.DeliveryFilter{Limit: 200})
			if err != nil {
				return "", err
			}
			for _, d := range recent {
				if d.Channel != store.ChannelInbox && len(d.Attempts) == 0 {
					if err := w.q.enqueueDelivery(ctx, d.ID); err != nil {
						return "", err
					}
				}
			}
		}
		return fmt.Sprintf("%d events dispatched into %d deliveries", events, deliveries), nil
	})
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	q *Queue
}

// NextRetry is the capped exponential backoff of Notify.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	n := w.q.cfg.Notify
	if n == nil {
		return time.Now().Add(Backoff(job.Attempt, 0, 0))
	}
	return time.Now().Add(Backoff(job.Attempt, n.RetryBase, n.RetryCap))
}

// Work makes one attempt at the delivery (app.Service.Deliver), which
// logs it; a delivery already delivered is not sent again.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.q.track(ctx, job.JobRow, func(ctx context.Context) (string, error) {
		n := w.q.cfg.Notify
		if n == nil {
			return "", river.JobSnooze(time.Minute)
		}
		final := job.Attempt >= job.MaxAttempts
		res, err := w.q.cfg.Service.Deliver(ctx, job.Args.Delivery, job.Attempt, final, sender{n}, n.BaseURL)
		ch := res.Delivery.Channel
		switch {
		case errors.Is(err, app.ErrDeliveryFailed) && (final || res.Attempt != nil && res.Attempt.Final):
			w.q.report(ch, "failed")
			if !final {
				return "", river.JobCancel(err)
			}
			return "", err
		case errors.Is(err, app.ErrDeliveryFailed):
			w.q.report(ch, "retrying")
			return "", err
		case err != nil:
			return "", err
		case res.Attempt == nil:
			return fmt.Sprintf("delivery %d: %s already", res.Delivery.ID, res.Delivery.State()), nil
		}
		w.q.report(ch, "delivered")
		return fmt.Sprintf("delivery %d by %s to %s: attempt %d delivered (status %d) in %s", res.Delivery.ID, ch, res.Delivery.Address, job.Attempt, res.Attempt.Status, res.Attempt.Duration), nil
	})
}

// sender is app.Sender over the configured SMTP server and poster.
type sender struct{ n *Notify }

func (s sender) Email(ctx context.Context, to string, m notify.Message) error {
	if s.n.SMTP == nil {
		return errors.New("no SMTP server configured")
	}
	return s.n.SMTP.Send(ctx, to, m)
}

func (s sender) Webhook(ctx context.Context, url, secret string, m notify.Message) (int, error) {
	p := s.n.Poster
	if p == nil {
		p = &notify.Poster{}
	}
	return p.Post(ctx, url, secret, m)
}
